package aws_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestServiceDeploymentHistory reads billing-api's rollback from the demo
// through the SDK after DescribeServices has forgotten it, resolves the
// revisions it names (once: revisions are cached), and works read-only.
func TestServiceDeploymentHistory(t *testing.T) {
	ctx := context.Background()
	w := sim.NewDemo(1)
	w.Advance(5 * time.Minute) // the rollback completes
	cl, srv := awstest.StartReadOnly(t, w)

	svcs, _, err := cl.DescribeServices(ctx, "prod", []string{"billing-api"})
	if err != nil || len(svcs) != 1 || len(svcs[0].Deployments) != 1 {
		t.Fatalf("billing-api: %+v %v", svcs, err)
	}
	hist, fails, err := cl.ServiceDeployments(ctx, "prod", "billing-api", time.Time{})
	if err != nil || len(fails) > 0 {
		t.Fatalf("ServiceDeployments: %v %v", fails, err)
	}
	if len(hist) != 2 || hist[0].Status != model.SDRollbackSuccessful || hist[1].Status != model.SDSuccessful {
		t.Fatalf("history = %+v", hist)
	}
	rb := hist[0]
	if rb.Rollback == nil || rb.FailureThreshold != 3 || rb.FailureCount < 3 || rb.FinishedAt.IsZero() || rb.StatusReason == "" {
		t.Fatalf("rolled back deployment = %+v", rb)
	}
	revs, fails, err := cl.ServiceRevisions(ctx, []string{rb.TargetRevisionARN, rb.Rollback.RevisionARN})
	if err != nil || len(fails) > 0 || len(revs) != 2 {
		t.Fatalf("ServiceRevisions: %+v %v %v", revs, fails, err)
	}
	if model.ResourceID(revs[0].TaskDefinitionARN) != "billing-api:2" || model.ResourceID(revs[1].TaskDefinitionARN) != "billing-api:1" ||
		len(revs[0].CapacityProviderStrategy) != 1 || len(revs[0].Images) != 1 || len(revs[0].LoadBalancers) != 1 {
		t.Errorf("revisions = %+v", revs)
	}
	before := srv.Calls("ecs:DescribeServiceRevisions")
	if _, _, err := cl.ServiceRevisions(ctx, []string{rb.Rollback.RevisionARN}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Calls("ecs:DescribeServiceRevisions"); got != before {
		t.Errorf("a cached revision was asked for again (%d calls, then %d)", before, got)
	}

	// Only deployments created after since.
	recent, _, err := cl.ServiceDeployments(ctx, "prod", "billing-api", rb.CreatedAt.Add(-time.Second))
	if err != nil || len(recent) != 1 || recent[0].ARN != rb.ARN {
		t.Errorf("since filter: %+v %v", recent, err)
	}
	if srv.MutatingCalls() != 0 {
		t.Errorf("%d mutating calls", srv.MutatingCalls())
	}
}
