package aws_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestCapacityReadsOverHTTP reads the demo's prod capacity provider, its
// group's hooks, protection and launch template versions through the wire.
func TestCapacityReadsOverHTTP(t *testing.T) {
	ctx := context.Background()
	w := sim.NewDemo(1)
	cl, _ := awstest.StartReadOnly(t, w)

	cs, _, err := cl.DescribeClusters(ctx, []string{"prod"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("DescribeClusters: %+v %v", cs, err)
	}
	if len(cs[0].CapacityProviders) != 1 || model.StrategyText(cs[0].DefaultStrategy) != "prod-ecs-cp weight 1" {
		t.Fatalf("prod: %+v %+v", cs[0].CapacityProviders, cs[0].DefaultStrategy)
	}
	cps, fails, err := cl.CapacityProviders(ctx, append(cs[0].CapacityProviders, "missing-cp"))
	if err != nil || len(cps) != 1 || len(fails) != 1 {
		t.Fatalf("CapacityProviders: %+v %+v %v", cps, fails, err)
	}
	cp := cps[0]
	if cp.GroupName() != "prod-ecs-asg" || !cp.ManagedScaling.Enabled() || cp.ManagedScaling.Target() != 100 ||
		cp.ManagedScaling.MaximumScalingStepSize != 2 || !cp.TerminationProtection() || !cp.Draining() {
		t.Errorf("capacity provider: %+v", cp)
	}
	svcs, _, err := cl.DescribeServices(ctx, "prod", []string{"queue-worker"})
	if err != nil || len(svcs) != 1 || model.StrategyText(svcs[0].CapacityProviderStrategy) != "prod-ecs-cp weight 1" {
		t.Errorf("service strategy: %+v %v", svcs, err)
	}
	cis, _, err := cl.ContainerInstances(ctx, "prod", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, ci := range cis {
		if ci.CapacityProviderName != "prod-ecs-cp" || ci.ASG == nil || !ci.ASG.ProtectedFromScaleIn || ci.ASG.LifecycleState != model.LifecycleInService {
			t.Errorf("%s: provider %q, Auto Scaling %+v", ci.EC2InstanceID, ci.CapacityProviderName, ci.ASG)
		}
	}
	hooks, err := cl.LifecycleHooks(ctx, cp.GroupName())
	if err != nil || len(hooks) != 1 || hooks[0].Name != model.ManagedDrainingHook || hooks[0].HeartbeatTimeout != time.Hour {
		t.Errorf("hooks: %+v %v", hooks, err)
	}
	gs, err := cl.AutoScalingGroups(ctx, []string{"prod-ecs-asg"})
	if err != nil || len(gs) != 1 || gs[0].Template.Name != "prod-ecs-lt" || gs[0].Template.Version != "2" || !gs[0].NewInstancesProtectedFromScaleIn {
		t.Errorf("group: %+v %v", gs, err)
	}
	if rs, err := cl.InstanceRefreshes(ctx, "prod-ecs-asg", 5); err != nil || len(rs) != 0 {
		t.Errorf("refreshes: %+v %v", rs, err)
	}
	// Read-only: every new mutation is refused before a request leaves.
	for name, call := range map[string]func() error{
		"SetInstanceProtection": func() error {
			return cl.SetInstanceProtection(ctx, "prod-ecs-asg", []string{cis[0].EC2InstanceID}, false)
		},
		"CompleteLifecycleAction": func() error {
			return cl.CompleteLifecycleAction(ctx, "prod-ecs-asg", model.ManagedDrainingHook, cis[0].EC2InstanceID, "CONTINUE")
		},
		"StartInstanceRefresh": func() error {
			_, err := cl.StartInstanceRefresh(ctx, model.RefreshInput{AutoScalingGroupName: "prod-ecs-asg"})
			return err
		},
		"CancelInstanceRefresh":   func() error { _, err := cl.CancelInstanceRefresh(ctx, "prod-ecs-asg"); return err },
		"RollbackInstanceRefresh": func() error { _, err := cl.RollbackInstanceRefresh(ctx, "prod-ecs-asg"); return err },
	} {
		if err := call(); aws.KindOf(err) != aws.KindReadOnly {
			t.Errorf("%s in read-only: %v", name, err)
		}
	}
}

// TestInstanceRefreshOverHTTP starts, observes and rolls back a refresh
// through the adapter.
func TestInstanceRefreshOverHTTP(t *testing.T) {
	ctx := context.Background()
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	cl, srv := awstest.Start(t, w)
	min100 := 100
	id, err := cl.StartInstanceRefresh(ctx, model.RefreshInput{AutoScalingGroupName: "prod-ecs-asg",
		Desired: &model.LaunchTemplateRef{Name: "prod-ecs-lt", Version: "2"},
		Preferences: model.RefreshPreferences{MinHealthyPercentage: &min100, SkipMatching: true,
			ScaleInProtectedInstances: model.ProtectedRefresh, CheckpointPercentages: []int{50, 100}}})
	if err != nil {
		t.Fatal(err)
	}
	w.Advance(3 * time.Second)
	rs, err := cl.InstanceRefreshes(ctx, "prod-ecs-asg", 1)
	if err != nil || len(rs) != 1 {
		t.Fatalf("refreshes: %+v %v", rs, err)
	}
	r := rs[0]
	if r.ID != id || r.Status != model.RefreshInProgress || r.InstancesToUpdate != 2 || r.Desired == nil || r.Desired.Version != "2" ||
		!r.Preferences.SkipMatching || r.Preferences.MinHealthy() != 100 || r.NextCheckpoint() != 50 {
		t.Fatalf("refresh: %+v", r)
	}
	if _, err := cl.StartInstanceRefresh(ctx, model.RefreshInput{AutoScalingGroupName: "prod-ecs-asg"}); err == nil {
		t.Error("a second refresh was started")
	}
	cis, _, err := cl.ContainerInstances(ctx, "prod", "")
	if err != nil {
		t.Fatal(err)
	}
	waiting := 0
	for _, ci := range cis {
		if ci.ASG != nil && ci.ASG.LifecycleState == model.LifecycleTerminatingWait {
			waiting++
			if ci.Status != model.InstanceDraining {
				t.Errorf("%s in Terminating:Wait is %s, want DRAINING (managed draining)", ci.EC2InstanceID, ci.Status)
			}
		}
	}
	if waiting != 1 {
		t.Errorf("%d instances in Terminating:Wait, want 1", waiting)
	}
	if _, err := cl.RollbackInstanceRefresh(ctx, "prod-ecs-asg"); err != nil {
		t.Fatal(err)
	}
	if rs, _ = cl.InstanceRefreshes(ctx, "prod-ecs-asg", 1); rs[0].Status != model.RefreshRollbackInProgress || rs[0].Rollback == nil {
		t.Errorf("after rollback: %+v", rs[0])
	}
	if srv.Calls("autoscaling:RollbackInstanceRefresh") != 1 {
		t.Error("rollback not counted")
	}
}
