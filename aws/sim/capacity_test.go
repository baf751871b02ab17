package sim

import (
	"slices"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

// cpWorld is cluster "c" on a 4 × m5.large group "c-asg" behind capacity
// provider "c-cp" with the given managed features, running service web (4
// tasks, one per instance) created after the provider so it takes the
// cluster's default strategy.
func cpWorld(t *testing.T, spec CapacityProviderSpec, asg ASGSpec) (*World, []string) {
	t.Helper()
	w := New(Options{Seed: 7, Start: t0})
	w.SetLogRate(0)
	w.AddCluster("c")
	asg.Name, asg.Cluster = "c-asg", "c"
	if asg.Size == 0 {
		asg.Size = 4
	}
	ids := w.AddAutoScalingGroup(asg)
	spec.Name, spec.Group, spec.Cluster, spec.Default = "c-cp", "c-asg", "c", true
	if err := w.AddCapacityProvider(spec); err != nil {
		t.Fatalf("AddCapacityProvider: %v", err)
	}
	register(t, w, webTD("web", "nginx:1.25", 0, 256, 1024))
	create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: asg.Size,
		PlacementConstraints: []model.PlacementConstraint{{Type: "distinctInstance"}}})
	if !steadyWithin(w, t, "c", "web", time.Minute) {
		t.Fatal("web not steady")
	}
	return w, ids
}

func group(t *testing.T, w *World) model.AutoScalingGroup {
	t.Helper()
	gs := w.DescribeAutoScalingGroups([]string{"c-asg"})
	if len(gs) != 1 {
		t.Fatal("no group c-asg")
	}
	return gs[0]
}

func member(t *testing.T, w *World, id string) model.ASGInstance {
	t.Helper()
	for _, in := range group(t, w).Instances {
		if in.InstanceID == id {
			return in
		}
	}
	return model.ASGInstance{InstanceID: id, LifecycleState: model.LifecycleTerminated}
}

func TestCapacityProviderShapes(t *testing.T) {
	w, ids := cpWorld(t, CapacityProviderSpec{ManagedScaling: true, TargetCapacity: 90, ManagedTerminationProtection: true, ManagedDraining: true}, ASGSpec{})
	cps, fails := w.DescribeCapacityProviders([]string{"c-cp", "nope"})
	if len(cps) != 1 || len(fails) != 1 || fails[0].Reason != "MISSING" {
		t.Fatalf("describe: %+v %+v", cps, fails)
	}
	cp := cps[0]
	if cp.GroupName() != "c-asg" || !cp.ManagedScaling.Enabled() || cp.ManagedScaling.Target() != 90 || !cp.TerminationProtection() || !cp.Draining() {
		t.Errorf("capacity provider: %+v", cp)
	}
	all, _ := w.DescribeCapacityProviders(nil)
	if len(all) != 3 || all[1].Name != "FARGATE" || all[2].Name != "FARGATE_SPOT" {
		t.Errorf("every provider: %+v", all)
	}
	cs, _ := w.DescribeClusters([]string{"c"})
	if !slices.Equal(cs[0].CapacityProviders, []string{"c-cp"}) || model.StrategyText(cs[0].DefaultStrategy) != "c-cp weight 1" {
		t.Errorf("cluster: %+v %+v", cs[0].CapacityProviders, cs[0].DefaultStrategy)
	}
	svc := describe(t, w, "c", "web")
	if svc.LaunchType != "" || model.StrategyText(svc.CapacityProviderStrategy) != "c-cp weight 1" {
		t.Errorf("service: launch type %q strategy %+v", svc.LaunchType, svc.CapacityProviderStrategy)
	}
	if ci := instances(t, w, "c")[0]; ci.CapacityProviderName != "c-cp" {
		t.Errorf("instance capacity provider %q", ci.CapacityProviderName)
	}
	hooks, err := w.DescribeLifecycleHooks("c-asg", nil)
	if err != nil || len(hooks) != 1 || hooks[0].Name != model.ManagedDrainingHook || hooks[0].HeartbeatTimeout != time.Hour || hooks[0].DefaultResult != "CONTINUE" {
		t.Errorf("hooks: %+v %v", hooks, err)
	}
	g := group(t, w)
	if !g.NewInstancesProtectedFromScaleIn || !member(t, w, ids[0]).ProtectedFromScaleIn {
		t.Errorf("managed termination protection: group %v, instance %+v", g.NewInstancesProtectedFromScaleIn, member(t, w, ids[0]))
	}
	if err := w.AddCapacityProvider(CapacityProviderSpec{Name: "x", Group: "c-asg", Cluster: "c"}); err == nil {
		t.Error("a second provider on one group was accepted")
	}
}

func TestManagedDrainingHoldsTerminationUntilEmpty(t *testing.T) {
	w, ids := cpWorld(t, CapacityProviderSpec{ManagedDraining: true}, ASGSpec{Size: 4, MaxSize: 8})
	// Room for the moved task: a fifth instance.
	w.mu.Lock()
	w.asgs["c-asg"].desired = 5
	w.mu.Unlock()
	w.Advance(90 * time.Second)
	victim := ids[0]
	if _, err := w.TerminateInstanceInAutoScalingGroup(victim, false); err != nil {
		t.Fatal(err)
	}
	w.Advance(time.Second)
	if st := member(t, w, victim).LifecycleState; st != model.LifecycleTerminatingWait {
		t.Fatalf("lifecycle %s, want Terminating:Wait", st)
	}
	var ci model.ContainerInstance
	for _, x := range instances(t, w, "c") {
		if x.EC2InstanceID == victim {
			ci = x
		}
	}
	if ci.Status != model.InstanceDraining {
		t.Fatalf("container instance %s, want DRAINING (ECS drains on Terminating:Wait)", ci.Status)
	}
	if _, err := w.TerminateInstanceInAutoScalingGroup(victim, false); err == nil {
		t.Error("terminating an instance in Terminating:Wait again was accepted")
	}
	// A replacement launches at once: the waiting instance no longer counts.
	if n := len(group(t, w).Instances); n != 6 {
		t.Errorf("%d members, want 6 (5 in service + the one terminating)", n)
	}
	for i := 0; i < 120 && member(t, w, victim).LifecycleState == model.LifecycleTerminatingWait; i++ {
		w.Advance(time.Second)
	}
	if st := member(t, w, victim).LifecycleState; st == model.LifecycleTerminatingWait {
		t.Fatal("still held after its tasks left")
	}
	if s := describe(t, w, "c", "web"); s.RunningCount != 4 {
		t.Errorf("web runs %d, want 4", s.RunningCount)
	}
}

func TestStandaloneTaskHoldsManagedDrainingUntilTimeout(t *testing.T) {
	w, ids := cpWorld(t, CapacityProviderSpec{ManagedDraining: true}, ASGSpec{Size: 2})
	register(t, w, webTD("shipper", "logspout:1", 0, 64, 128))
	ci := instances(t, w, "c")[0]
	if _, fails, err := w.StartTask(model.StartTaskInput{Cluster: "c", TaskDefinition: "shipper", ContainerInstances: []string{ci.ARN}}); err != nil || len(fails) > 0 {
		t.Fatal(fails, err)
	}
	w.Advance(10 * time.Second)
	if _, err := w.TerminateInstanceInAutoScalingGroup(ci.EC2InstanceID, false); err != nil {
		t.Fatal(err)
	}
	w.Advance(59 * time.Minute)
	if st := member(t, w, ci.EC2InstanceID).LifecycleState; st != model.LifecycleTerminatingWait {
		t.Fatalf("after 59m: %s, want still Terminating:Wait (the standalone task keeps it)", st)
	}
	w.Advance(2 * time.Minute)
	if st := member(t, w, ci.EC2InstanceID).LifecycleState; st == model.LifecycleTerminatingWait {
		t.Fatal("the hook's heartbeat timeout did not apply its default result")
	}
	_ = ids
}

func TestCustomHookAndCompleteLifecycleAction(t *testing.T) {
	w, ids := testWorld(t, 2, "m5.large")
	if err := w.AddLifecycleHook(LifecycleHookSpec{Group: "c-asg", Name: "backup", HeartbeatTimeout: 10 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	if err := w.CompleteLifecycleAction("c-asg", "backup", ids[0], "CONTINUE"); apiCode(err) != "ValidationError" {
		t.Errorf("completing an action that does not exist: %v", err)
	}
	if _, err := w.TerminateInstanceInAutoScalingGroup(ids[0], true); err != nil {
		t.Fatal(err)
	}
	w.Advance(5 * time.Minute)
	if st := member(t, w, ids[0]).LifecycleState; st != model.LifecycleTerminatingWait {
		t.Fatalf("%s, want Terminating:Wait until the hook is completed", st)
	}
	if err := w.CompleteLifecycleAction("c-asg", "backup", ids[0], "MAYBE"); apiCode(err) != "ValidationError" {
		t.Errorf("bad result: %v", err)
	}
	if err := w.CompleteLifecycleAction("c-asg", "backup", ids[0], "CONTINUE"); err != nil {
		t.Fatal(err)
	}
	w.Advance(time.Second)
	if st := member(t, w, ids[0]).LifecycleState; st == model.LifecycleTerminatingWait {
		t.Fatal("still waiting after CompleteLifecycleAction")
	}
}

func TestScaleInSparesProtectedInstances(t *testing.T) {
	w, ids := testWorld(t, 3, "m5.large")
	if err := w.SetInstanceProtection("c-asg", ids, true); err != nil {
		t.Fatal(err)
	}
	if err := w.SetInstanceProtection("c-asg", []string{"i-0nope"}, true); apiCode(err) != "ValidationError" {
		t.Errorf("unknown instance: %v", err)
	}
	w.mu.Lock()
	w.asgs["c-asg"].desired = 2
	w.mu.Unlock()
	w.Advance(time.Minute)
	if n := len(group(t, w).Instances); n != 3 {
		t.Fatalf("%d members: a protected instance was scaled in", n)
	}
	if err := w.SetInstanceProtection("c-asg", ids[2:], false); err != nil {
		t.Fatal(err)
	}
	w.Advance(time.Minute)
	if st := member(t, w, ids[2]).LifecycleState; st == model.LifecycleInService {
		t.Errorf("the unprotected instance was not scaled in")
	}
	// Protection does not stop a termination asked for by name.
	if _, err := w.TerminateInstanceInAutoScalingGroup(ids[0], false); err != nil {
		t.Errorf("terminating a protected instance: %v", err)
	}
}

func TestManagedScalingOutAndIdleScaleIn(t *testing.T) {
	w, ids := cpWorld(t, CapacityProviderSpec{ManagedScaling: true, ManagedTerminationProtection: true, ManagedDraining: true},
		ASGSpec{Size: 4, MaxSize: 8})
	w.Advance(2 * time.Minute)
	if cpr, m, n, ok := w.CapacityProviderReservation("c-cp"); !ok || cpr != 100 || m != 4 || n != 4 {
		t.Fatalf("steady CPR %v (M %d N %d, %v), want 100", cpr, m, n, ok)
	}
	// Two more tasks than instances: ECS scales out by what they need.
	desired := 6
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", DesiredCount: &desired}); err != nil {
		t.Fatal(err)
	}
	w.Advance(2 * time.Minute)
	if g := group(t, w); g.DesiredCapacity != 6 {
		t.Fatalf("desired capacity %d after 2 unplaceable tasks, want 6", g.DesiredCapacity)
	}
	if !steadyWithin(w, t, "c", "web", 3*time.Minute) {
		t.Fatal("web did not reach 6 on the new instances")
	}
	// Back to 3: one instance is idle; ECS scales it in only after 15
	// minutes below target, and only that idle one.
	desired = 3
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", DesiredCount: &desired}); err != nil {
		t.Fatal(err)
	}
	w.Advance(10 * time.Minute)
	if g := group(t, w); g.DesiredCapacity != 6 {
		t.Fatalf("scaled in after 10 minutes (desired %d)", g.DesiredCapacity)
	}
	w.Advance(8 * time.Minute)
	g := group(t, w)
	if g.DesiredCapacity != 3 {
		t.Fatalf("desired capacity %d after 18 minutes with 3 idle instances, want 3", g.DesiredCapacity)
	}
	w.Advance(2 * time.Minute)
	if s := describe(t, w, "c", "web"); s.RunningCount != 3 {
		t.Errorf("scale-in disturbed web: %d running", s.RunningCount)
	}
	_ = ids
}

func TestManagedScalingKeepsAFreshReplacement(t *testing.T) {
	// CPR has been below target for 14 minutes when a busy instance is
	// replaced; its task moves to the idle instance, and the replacement
	// is the only idle one left: ECS keeps it until it has been idle for
	// the whole scale-in window.
	w, _ := cpWorld(t, CapacityProviderSpec{ManagedScaling: true, ManagedTerminationProtection: true, ManagedDraining: true},
		ASGSpec{Size: 4, MaxSize: 8})
	desired := 3
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", DesiredCount: &desired}); err != nil {
		t.Fatal(err)
	}
	w.Advance(14 * time.Minute)
	var busy string
	for _, ci := range instances(t, w, "c") {
		if ci.RunningTasksCount > 0 {
			busy = ci.EC2InstanceID
			break
		}
	}
	before := group(t, w).Instances
	if _, err := w.TerminateInstanceInAutoScalingGroup(busy, false); err != nil {
		t.Fatal(err)
	}
	w.Advance(5 * time.Minute)
	var fresh string
	for _, in := range group(t, w).Instances {
		if !slices.ContainsFunc(before, func(b model.ASGInstance) bool { return b.InstanceID == in.InstanceID }) {
			fresh = in.InstanceID
		}
	}
	if fresh == "" {
		t.Fatal("no replacement launched")
	}
	if st := member(t, w, fresh).LifecycleState; st != model.LifecycleInService {
		t.Fatalf("the replacement %s is %s: managed scaling removed it", fresh, st)
	}
	if g := group(t, w); g.DesiredCapacity != 4 {
		t.Errorf("desired %d, want 4 while the only idle instance is the fresh one", g.DesiredCapacity)
	}
	w.Advance(12 * time.Minute)
	if g := group(t, w); g.DesiredCapacity != 3 {
		t.Errorf("desired %d, want 3 once the replacement has idled through the window", g.DesiredCapacity)
	}
}

// TestReservationPublished: each evaluation of managed scaling is a
// CapacityProviderReservation datapoint in GetMetricData, equal to the
// evaluation's value; a provider without managed scaling publishes none.
func TestReservationPublished(t *testing.T) {
	w, _ := cpWorld(t, CapacityProviderSpec{ManagedScaling: true, ManagedTerminationProtection: true},
		ASGSpec{Size: 4, MaxSize: 8})
	w.Advance(2 * time.Minute)
	desired := 2
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", DesiredCount: &desired}); err != nil {
		t.Fatal(err)
	}
	w.Advance(3*time.Minute + 10*time.Second)
	cpr, _, _, ok := w.CapacityProviderReservation("c-cp")
	if !ok || cpr != 50 {
		t.Fatalf("CPR %v (%v), want 50 with 2 of 4 instances busy", cpr, ok)
	}
	q := model.ReservationMetric("c", "c-cp")
	got, err := w.GetMetricData(model.MetricDataInput{Queries: []model.MetricQuery{q}, Start: w.Now().Add(-10 * time.Minute), End: w.Now()})
	if err != nil {
		t.Fatal(err)
	}
	s := got[0]
	if n := len(s.Values); n < 5 || s.Values[n-1] != cpr || s.Values[0] != 100 {
		t.Fatalf("series %v at %v, want 100 at first and %v last", s.Values, s.Timestamps, cpr)
	}
	if last := s.Timestamps[len(s.Timestamps)-1]; w.Now().Sub(last) > 2*time.Minute {
		t.Errorf("newest datapoint at %v, %v old", last, w.Now().Sub(last))
	}

	plain, _ := cpWorld(t, CapacityProviderSpec{}, ASGSpec{Size: 2})
	plain.Advance(3 * time.Minute)
	got, _ = plain.GetMetricData(model.MetricDataInput{Queries: []model.MetricQuery{q}, Start: plain.Now().Add(-10 * time.Minute), End: plain.Now()})
	if len(got[0].Values) != 0 {
		t.Errorf("a provider without managed scaling published %v", got[0].Values)
	}
}
