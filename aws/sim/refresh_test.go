package sim

import (
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

// refreshWorld is cpWorld with managed termination protection and draining,
// launch template versions 1 (old AMI) and 2 (new), the group launching
// version spec, and ids[0], ids[1] on version 1.
func refreshWorld(t *testing.T, spec string) (*World, []string) {
	t.Helper()
	w, ids := cpWorld(t, CapacityProviderSpec{ManagedScaling: true, ManagedTerminationProtection: true, ManagedDraining: true},
		ASGSpec{Size: 4, MinSize: 4, MaxSize: 8, AMI: "ami-new", OlderImages: []ImageVersion{{AMI: "ami-old", AgentVersion: "1.80.0"}},
			LaunchTemplateVersion: spec, InstanceWarmup: 30 * time.Second})
	for _, id := range ids[:2] {
		if err := w.SetInstanceImage(id, "ami-old", "1.80.0"); err != nil {
			t.Fatal(err)
		}
	}
	return w, ids
}

func ptr(n int) *int { return &n }

func refreshOf(t *testing.T, w *World, id string) model.InstanceRefresh {
	t.Helper()
	rs, err := w.DescribeInstanceRefreshes("c-asg", []string{id})
	if err != nil || len(rs) != 1 {
		t.Fatalf("DescribeInstanceRefreshes: %+v %v", rs, err)
	}
	return rs[0]
}

// untilRefresh advances until the refresh leaves the active statuses, checking
// that web never drops below 3 running tasks (its minimum healthy 100 % of 4
// less the one instance a refresh at minimum healthy 100 % takes out).
func untilRefresh(t *testing.T, w *World, id string, limit time.Duration) model.InstanceRefresh {
	t.Helper()
	for waited := time.Duration(0); waited < limit; waited += time.Second {
		r := refreshOf(t, w, id)
		if !r.Active() {
			return r
		}
		w.Advance(time.Second)
	}
	return refreshOf(t, w, id)
}

func TestInstanceRefreshSkipMatching(t *testing.T) {
	w, ids := refreshWorld(t, "2")
	id, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "c-asg",
		Desired:     &model.LaunchTemplateRef{Name: group(t, w).Template.Name, Version: "2"},
		Preferences: model.RefreshPreferences{MinHealthyPercentage: ptr(100), SkipMatching: true, ScaleInProtectedInstances: model.ProtectedRefresh}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "c-asg"}); apiCode(err) != codeRefreshInProgress {
		t.Errorf("second refresh: %v", err)
	}
	w.Advance(2 * time.Second)
	r := refreshOf(t, w, id)
	if r.Status != model.RefreshInProgress || r.InstancesToUpdate != 2 {
		t.Fatalf("after start: %+v", r)
	}
	// One at a time: only one of the two old instances is terminating.
	waiting := 0
	for _, in := range group(t, w).Instances {
		if in.LifecycleState == model.LifecycleTerminatingWait {
			waiting++
		}
	}
	if waiting != 1 {
		t.Errorf("%d instances terminating at once, want 1 (minimum healthy 100 %%)", waiting)
	}
	r = untilRefresh(t, w, id, 15*time.Minute)
	if r.Status != model.RefreshSuccessful || r.PercentageComplete != 100 || r.InstancesToUpdate != 0 {
		t.Fatalf("refresh ended %+v", r)
	}
	for _, in := range group(t, w).Instances {
		if in.LifecycleState == model.LifecycleInService && in.Template.Version != "2" {
			t.Errorf("%s still on version %s", in.InstanceID, in.Template.Version)
		}
	}
	for _, id := range ids[2:] {
		if member(t, w, id).LifecycleState != model.LifecycleInService {
			t.Errorf("%s (already on version 2) was replaced despite SkipMatching", id)
		}
	}
	if s := describe(t, w, "c", "web"); s.RunningCount != 4 {
		t.Errorf("web runs %d after the refresh", s.RunningCount)
	}
}

func TestInstanceRefreshCheckpoint(t *testing.T) {
	w, _ := refreshWorld(t, "2")
	id, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "c-asg",
		Desired: &model.LaunchTemplateRef{Name: group(t, w).Template.Name, Version: "2"},
		Preferences: model.RefreshPreferences{MinHealthyPercentage: ptr(100), SkipMatching: true, ScaleInProtectedInstances: model.ProtectedRefresh,
			CheckpointPercentages: []int{50, 100}, CheckpointDelay: ptr(600)}})
	if err != nil {
		t.Fatal(err)
	}
	var at time.Time
	for i := 0; i < 900; i++ {
		w.Advance(time.Second)
		if r := refreshOf(t, w, id); r.PercentageComplete == 50 {
			at = w.Now()
			break
		}
	}
	if at.IsZero() {
		t.Fatal("never reached 50 %")
	}
	w.Advance(5 * time.Minute)
	r := refreshOf(t, w, id)
	if r.Status != model.RefreshInProgress || r.PercentageComplete != 50 || r.NextCheckpoint() != 100 || r.StatusReason == "" {
		t.Fatalf("during the checkpoint delay: %+v", r)
	}
	if r = untilRefresh(t, w, id, 20*time.Minute); r.Status != model.RefreshSuccessful {
		t.Fatalf("after the checkpoint: %+v", r)
	}
	if d := r.EndTime.Sub(at); d < 10*time.Minute {
		t.Errorf("finished %s after the checkpoint, before its 10-minute delay", d)
	}
}

func TestInstanceRefreshWaitsForProtectedThenFails(t *testing.T) {
	w, _ := refreshWorld(t, "2")
	id, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "c-asg",
		Desired: &model.LaunchTemplateRef{Name: group(t, w).Template.Name, Version: "2"}, Preferences: model.RefreshPreferences{SkipMatching: true}})
	if err != nil {
		t.Fatal(err)
	}
	w.Advance(30 * time.Minute)
	if r := refreshOf(t, w, id); r.Status != model.RefreshPending || r.StatusReason == "" {
		t.Fatalf("with protected instances and Wait: %+v", r)
	}
	w.Advance(31 * time.Minute)
	if r := refreshOf(t, w, id); r.Status != model.RefreshFailed {
		t.Fatalf("after an hour: %+v", r)
	}
}

func TestInstanceRefreshCancel(t *testing.T) {
	w, ids := refreshWorld(t, "2")
	if _, err := w.CancelInstanceRefresh("c-asg"); apiCode(err) != codeNoActiveRefresh {
		t.Errorf("cancel with none: %v", err)
	}
	id, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "c-asg",
		Desired:     &model.LaunchTemplateRef{Name: group(t, w).Template.Name, Version: "2"},
		Preferences: model.RefreshPreferences{MinHealthyPercentage: ptr(100), SkipMatching: true, ScaleInProtectedInstances: model.ProtectedRefresh}})
	if err != nil {
		t.Fatal(err)
	}
	w.Advance(5 * time.Second)
	if _, err := w.CancelInstanceRefresh("c-asg"); err != nil {
		t.Fatal(err)
	}
	if r := refreshOf(t, w, id); r.Status != model.RefreshCancelling {
		t.Fatalf("after cancel: %+v", r)
	}
	r := untilRefresh(t, w, id, 10*time.Minute)
	if r.Status != model.RefreshCancelled || r.PercentageComplete != 50 {
		t.Fatalf("cancel ended %+v", r)
	}
	w.Advance(5 * time.Minute)
	if member(t, w, ids[1]).LifecycleState != model.LifecycleInService {
		t.Error("an instance was replaced after the cancel")
	}
}

func TestInstanceRefreshRollback(t *testing.T) {
	w, _ := refreshWorld(t, "1")
	name := group(t, w).Template.Name
	id, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "c-asg", Desired: &model.LaunchTemplateRef{Name: name, Version: "2"},
		Preferences: model.RefreshPreferences{MinHealthyPercentage: ptr(100), SkipMatching: true, ScaleInProtectedInstances: model.ProtectedRefresh}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 600 && refreshOf(t, w, id).PercentageComplete < 50; i++ {
		w.Advance(time.Second)
	}
	if _, err := w.RollbackInstanceRefresh("c-asg"); err != nil {
		t.Fatal(err)
	}
	r := refreshOf(t, w, id)
	if r.Status != model.RefreshRollbackInProgress || r.Rollback == nil || r.Rollback.InstancesToUpdate == 0 {
		t.Fatalf("after rollback: %+v %+v", r, r.Rollback)
	}
	if r = untilRefresh(t, w, id, 15*time.Minute); r.Status != model.RefreshRollbackSuccessful {
		t.Fatalf("rollback ended %+v", r)
	}
	g := group(t, w)
	if g.Template.Version != "1" {
		t.Errorf("group launches %s after the rollback, want 1", g.Template.Version)
	}
	for _, in := range g.Instances {
		if in.LifecycleState == model.LifecycleInService && in.Template.Version == "2" {
			t.Errorf("%s still on version 2 (%s)", in.InstanceID, in.LifecycleState)
		}
	}
}

func TestInstanceRefreshIrreversible(t *testing.T) {
	w, _ := refreshWorld(t, "$Default")
	if _, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "c-asg",
		Preferences: model.RefreshPreferences{SkipMatching: true, ScaleInProtectedInstances: model.ProtectedRefresh}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.RollbackInstanceRefresh("c-asg"); apiCode(err) != codeIrreversible {
		t.Errorf("rollback without a desired configuration: %v", err)
	}
	if _, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "nope"}); apiCode(err) != "ValidationError" {
		t.Errorf("unknown group: %v", err)
	}
}
