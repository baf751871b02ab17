package aws_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestNumbersNeverWrapIntoInt32: a value that does not fit the SDK's int32
// is refused with a validation error before any request is sent; a value
// that fits arrives exactly.
func TestNumbersNeverWrapIntoInt32(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.Start(t, sim.NewDemo(1))
	cluster := demoCluster(t, cl)
	svcs, _, err := cl.Services(ctx, cluster, nil)
	if err != nil {
		t.Fatal(err)
	}
	name := svcs[0].Name
	td, err := cl.TaskDefinition(ctx, svcs[0].TaskDefinitionARN)
	if err != nil {
		t.Fatal(err)
	}
	p := func(n int) *int { return &n }
	big := []int{math.MaxInt32 + 1, 1<<32 + 1, 4294967496, math.MinInt32 - 1, math.MaxInt64}
	for _, n := range big {
		before := srv.MutatingCalls()
		for _, upd := range []model.ServiceUpdate{
			{Cluster: cluster, Service: name, DesiredCount: p(n)},
			{Cluster: cluster, Service: name, MinimumHealthyPercent: p(n)},
			{Cluster: cluster, Service: name, MaximumPercent: p(n)},
		} {
			_, err := cl.UpdateService(ctx, upd)
			if aws.KindOf(err) != aws.KindValidation || !strings.Contains(err.Error(), "does not fit") {
				t.Errorf("UpdateService with %d: %v (kind %v), want a validation error", n, err, aws.KindOf(err))
			}
		}
		if _, _, err := cl.RunTask(ctx, model.RunTaskInput{Cluster: cluster, TaskDefinition: td.ARN, Count: n}); aws.KindOf(err) != aws.KindValidation {
			t.Errorf("RunTask count %d: %v", n, err)
		}
		bad := td
		bad.Containers = append([]model.ContainerDefinition(nil), td.Containers...)
		bad.Containers[0].Memory = n
		if _, err := cl.RegisterTaskDefinition(ctx, bad); aws.KindOf(err) != aws.KindValidation {
			t.Errorf("RegisterTaskDefinition memory %d: %v", n, err)
		}
		if got := srv.MutatingCalls() - before; got != 0 {
			t.Errorf("%d: %d mutating calls were sent", n, got)
		}
	}
	if _, _, err := cl.RunTask(ctx, model.RunTaskInput{Cluster: cluster, TaskDefinition: td.ARN, Count: 0}); aws.KindOf(err) != aws.KindValidation {
		t.Errorf("RunTask count 0 is not silently 1: %v", err)
	}
	got, err := cl.UpdateService(ctx, model.ServiceUpdate{Cluster: cluster, Service: name, MaximumPercent: p(math.MaxInt32)})
	if err != nil || got.DeploymentConfiguration.MaximumPercent != math.MaxInt32 {
		t.Errorf("maximumPercent 2^31-1: %v %v", got.DeploymentConfiguration.MaximumPercent, err)
	}
}
