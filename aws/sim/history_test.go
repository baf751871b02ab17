package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

// history lists and describes a service's deployments, newest first.
func history(t *testing.T, w *World, service string) []model.ServiceDeployment {
	t.Helper()
	arns, err := w.ListServiceDeployments("c", service, nil, time.Time{}, time.Time{})
	if err != nil {
		t.Fatalf("ListServiceDeployments: %v", err)
	}
	ds, fails := w.DescribeServiceDeployments(arns)
	if len(fails) > 0 {
		t.Fatalf("DescribeServiceDeployments failures: %v", fails)
	}
	return ds
}

func revisionTD(t *testing.T, w *World, arn string) string {
	t.Helper()
	revs, fails := w.DescribeServiceRevisions([]string{arn})
	if len(fails) > 0 || len(revs) != 1 {
		t.Fatalf("DescribeServiceRevisions(%s): %v", arn, fails)
	}
	return model.ResourceID(revs[0].TaskDefinitionARN)
}

// TestDeploymentHistory: a successful deployment, then a broken one the
// circuit breaker rolls back, then one replaced before it finished; the
// history keeps all of them with their outcomes and revisions after
// DescribeServices has forgotten them.
func TestDeploymentHistory(t *testing.T) {
	w, _ := testWorld(t, 3, "m5.large")
	tg := w.AddTargetGroup(TargetGroupSpec{Name: "web", HealthCheckInterval: 5 * time.Second})
	for _, img := range []string{"app:1", "app:2", "app:3-broken", "app:4", "app:5"} {
		register(t, w, webTD("web", img, 0, 128, 256))
	}
	create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web:1", DesiredCount: 3,
		DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200,
			CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}},
		LoadBalancers: []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 8080}}})
	if !steadyWithin(w, t, "c", "web", 2*time.Minute) {
		t.Fatal("first deployment did not complete")
	}
	update := func(td string) {
		t.Helper()
		if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", TaskDefinition: td}); err != nil {
			t.Fatal(err)
		}
	}
	update("web:2")
	if !steadyWithin(w, t, "c", "web", 3*time.Minute) {
		t.Fatal("second deployment did not complete")
	}
	update("web:3")
	// Mid-rollback the failed deployment says where it goes back to.
	var rolling model.ServiceDeployment
	for i := 0; i < 600; i++ {
		w.Advance(time.Second)
		if h := history(t, w, "web"); h[0].Status == model.SDRollbackInProgress {
			rolling = h[0]
			break
		}
	}
	if rolling.Rollback == nil || revisionTD(t, w, rolling.Rollback.RevisionARN) != "web:2" || rolling.FailureCount < 3 {
		t.Fatalf("rolling back: %+v", rolling)
	}
	if !steadyWithin(w, t, "c", "web", 5*time.Minute) {
		t.Fatal("rollback did not complete")
	}
	if s := describe(t, w, "c", "web"); len(s.Deployments) != 1 || strings.Contains(s.Deployments[0].RolloutStateReason, "rolling back") {
		t.Fatalf("DescribeServices still shows the rollback: %+v", s.Deployments)
	}
	update("web:4")
	w.Advance(2 * time.Second)
	update("web:5")
	if !steadyWithin(w, t, "c", "web", 3*time.Minute) {
		t.Fatal("last deployment did not complete")
	}

	h := history(t, w, "web")
	type row struct{ status, target, outcome string }
	want := []row{
		{model.SDSuccessful, "web:5", "successful"},
		{model.SDStopped, "web:4", "stopped"},
		{model.SDRollbackSuccessful, "web:3", "rolled back"},
		{model.SDSuccessful, "web:2", "successful"},
		{model.SDSuccessful, "web:1", "successful"},
	}
	if len(h) != len(want) {
		t.Fatalf("%d deployments in the history, want %d: %+v", len(h), len(want), h)
	}
	for i, d := range h {
		got := row{d.Status, revisionTD(t, w, d.TargetRevisionARN), d.Outcome()}
		if got != want[i] {
			t.Errorf("deployment %d = %+v, want %+v", i, got, want[i])
		}
		if d.ServiceARN == "" || d.ClusterARN == "" || d.CreatedAt.IsZero() || !strings.Contains(d.ARN, ":service-deployment/c/web/") {
			t.Errorf("deployment %d incomplete: %+v", i, d)
		}
	}
	rb := h[2]
	if rb.FinishedAt.IsZero() || !strings.Contains(rb.StatusReason, "circuit breaker") || revisionTD(t, w, rb.Rollback.RevisionARN) != "web:2" {
		t.Errorf("rolled back deployment: %+v", rb)
	}
	if h[1].StoppedAt.IsZero() || !h[1].FinishedAt.IsZero() {
		t.Errorf("replaced deployment: %+v", h[1])
	}
	// web:5 started while web:4 was starting and the rollback's web:2 still ran.
	var sources []string
	for _, a := range h[0].SourceRevisionARNs {
		sources = append(sources, revisionTD(t, w, a))
	}
	if strings.Join(sources, ",") != "web:4,web:2" {
		t.Errorf("last deployment's sources = %v", sources)
	}

	// Filters: status and creation time.
	arns, err := w.ListServiceDeployments("c", "web", []string{model.SDRollbackSuccessful}, time.Time{}, time.Time{})
	if err != nil || len(arns) != 1 || arns[0] != rb.ARN {
		t.Errorf("status filter: %v %v", arns, err)
	}
	arns, _ = w.ListServiceDeployments("c", "web", nil, h[1].CreatedAt, time.Time{})
	if len(arns) != 2 {
		t.Errorf("createdAt filter: %d deployments, want 2", len(arns))
	}
	if _, err := w.ListServiceDeployments("c", "nope", nil, time.Time{}, time.Time{}); apiCode(err) != "ServiceNotFoundException" {
		t.Errorf("unknown service: %v", err)
	}
	if _, fails := w.DescribeServiceRevisions([]string{"arn:nope"}); len(fails) != 1 || fails[0].Reason != "MISSING" {
		t.Errorf("unknown revision: %v", fails)
	}
}

// A circuit breaker without rollback stops the deployment (FAILED in
// DescribeServices, STOPPED in the history).
func TestDeploymentHistoryFailedWithoutRollback(t *testing.T) {
	w, _ := testWorld(t, 3, "m5.large")
	register(t, w, webTD("web", "app:1", 0, 128, 256))
	register(t, w, webTD("web", "app:2-broken", 0, 128, 256))
	create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web:1", DesiredCount: 2,
		DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200,
			CircuitBreaker: model.CircuitBreaker{Enable: true}}})
	if !steadyWithin(w, t, "c", "web", 2*time.Minute) {
		t.Fatal("first deployment did not complete")
	}
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", TaskDefinition: "web:2"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 900; i++ {
		w.Advance(time.Second)
		if p, _ := describe(t, w, "c", "web").PrimaryDeployment(); p.RolloutState == model.RolloutFailed {
			break
		}
	}
	h := history(t, w, "web")
	if h[0].Status != model.SDStopped || h[0].Outcome() != "failed" || h[0].Rollback != nil || h[0].StoppedAt.IsZero() {
		t.Errorf("failed deployment: %+v (%s)", h[0], h[0].Outcome())
	}
}
