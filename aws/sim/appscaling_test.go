package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

func autoscaled(t *testing.T, w *World, min, max int, target float64) string {
	t.Helper()
	if _, err := w.RegisterScalableTarget(model.ScalableTargetUpdate{Cluster: "c", Service: "web", MinCapacity: &min, MaxCapacity: &max}); err != nil {
		t.Fatal(err)
	}
	rid := model.ECSServiceResourceID("c", "web")
	if _, err := w.PutScalingPolicy(model.ScalingPolicy{Name: "cpu", ResourceID: rid, Type: model.PolicyTargetTracking,
		TargetTracking: &model.TargetTracking{TargetValue: target, PredefinedMetric: model.PredefinedECSCPU, ScaleOutCooldown: time.Minute, ScaleInCooldown: 5 * time.Minute}}); err != nil {
		t.Fatal(err)
	}
	return rid
}

func setDesired(t *testing.T, w *World, n int) {
	t.Helper()
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", DesiredCount: &n}); err != nil {
		t.Fatal(err)
	}
}

func TestManualScaleBeyondMaxIsSetBackWithinAMinute(t *testing.T) {
	w, _ := loadedWorld(t)
	rid := autoscaled(t, w, 2, 6, 60)
	w.Advance(30 * time.Second)
	setDesired(t, w, 20)
	w.Advance(61 * time.Second)
	if s := describe(t, w, "c", "web"); s.DesiredCount != 6 {
		t.Fatalf("desired 20 above max 6: want 6 within a minute, got %d", s.DesiredCount)
	}
	acts, err := w.DescribeScalingActivities(rid)
	if err != nil || len(acts) == 0 || !strings.Contains(acts[0].Cause, "above the maximum capacity 6") {
		t.Fatalf("want an activity naming the maximum: %+v %v", acts, err)
	}
}

func TestSuspendedScaleInKeepsAManualScale(t *testing.T) {
	w, _ := loadedWorld(t)
	autoscaled(t, w, 2, 6, 60)
	yes := true
	if _, err := w.RegisterScalableTarget(model.ScalableTargetUpdate{Cluster: "c", Service: "web", SuspendDynamicIn: &yes, SuspendDynamicOut: &yes}); err != nil {
		t.Fatal(err)
	}
	setDesired(t, w, 9)
	w.Advance(3 * time.Minute)
	if s := describe(t, w, "c", "web"); s.DesiredCount != 9 {
		t.Fatalf("dynamic scaling suspended: want 9 kept, got %d", s.DesiredCount)
	}
}

func TestRegisterScalableTargetMovesDesiredIntoRange(t *testing.T) {
	w, _ := loadedWorld(t)
	autoscaled(t, w, 2, 6, 60)
	lo, hi := 5, 8
	if _, err := w.RegisterScalableTarget(model.ScalableTargetUpdate{Cluster: "c", Service: "web", MinCapacity: &lo, MaxCapacity: &hi}); err != nil {
		t.Fatal(err)
	}
	if s := describe(t, w, "c", "web"); s.DesiredCount != 5 {
		t.Fatalf("min raised to 5: want desired 5 at once, got %d", s.DesiredCount)
	}
	bad := 1
	if _, err := w.RegisterScalableTarget(model.ScalableTargetUpdate{Cluster: "c", Service: "web", MaxCapacity: &bad}); apiCode(err) != "ValidationException" {
		t.Fatalf("max below min: want ValidationException, got %v", err)
	}
}

func TestTargetTrackingScalesOutAndIn(t *testing.T) {
	w, _ := loadedWorld(t)
	autoscaled(t, w, 2, 10, 30) // 50 % at 4 tasks is above a 30 % target
	w.Advance(5 * time.Minute)
	s := describe(t, w, "c", "web")
	if s.DesiredCount != 7 { // ceil(4 × 50 / 30)
		t.Fatalf("scale out: want 7, got %d", s.DesiredCount)
	}
	if _, err := w.PutScalingPolicy(model.ScalingPolicy{Name: "cpu", ResourceID: model.ECSServiceResourceID("c", "web"), Type: model.PolicyTargetTracking,
		TargetTracking: &model.TargetTracking{TargetValue: 80, PredefinedMetric: model.PredefinedECSCPU, ScaleInCooldown: time.Minute}}); err != nil {
		t.Fatal(err)
	}
	w.Advance(20 * time.Minute)
	if s := describe(t, w, "c", "web"); s.DesiredCount >= 7 || s.DesiredCount < 2 {
		t.Fatalf("~29%% against an 80%% target for 15 minutes: want a scale-in, got %d", s.DesiredCount)
	}
}

func TestScheduledActionSetsCapacity(t *testing.T) {
	w, _ := loadedWorld(t)
	rid := autoscaled(t, w, 2, 10, 50)
	at := w.Now().Add(3 * time.Minute).Truncate(time.Minute).UTC().Format("2006-01-02T15:04:05")
	eight := 8
	if err := w.PutScheduledAction(model.ScheduledAction{Name: "peak", ResourceID: rid, Schedule: "at(" + at + ")", MinCapacity: &eight}); err != nil {
		t.Fatal(err)
	}
	w.Advance(4 * time.Minute)
	if s := describe(t, w, "c", "web"); s.DesiredCount != 8 {
		t.Fatalf("scheduled min 8: want desired 8, got %d", s.DesiredCount)
	}
	if err := w.PutScheduledAction(model.ScheduledAction{Name: "bad", ResourceID: rid, Schedule: "cron(0 8 * * MON *)"}); apiCode(err) != "ValidationException" {
		t.Fatalf("both day fields set: want ValidationException, got %v", err)
	}
}

func TestDemoRandomIsAutoscaled(t *testing.T) {
	w := NewDemo(1)
	rid := model.ECSServiceResourceID("playground", "random")
	ts, _ := w.DescribeScalableTargets([]string{rid})
	ps, _ := w.DescribeScalingPolicies(rid, nil)
	if len(ts) != 1 || ts[0].MaxCapacity != 12 || len(ps) != 1 || ps[0].TargetTracking.TargetValue != 50 {
		t.Fatalf("demo random: want a target 2–12 with a 50%% CPU policy, got %+v %+v", ts, ps)
	}
	if s := describe(t, w, "playground", "random"); s.DesiredCount != 4 {
		t.Fatalf("demo random must settle at 4, got %d", s.DesiredCount)
	}
	cpu := metricData(t, w, 5*time.Minute, model.ServiceMetric(model.MetricCPUUtilization, "playground", "random"))[0]
	if len(cpu.Values) == 0 || cpu.Values[len(cpu.Values)-1] < 40 || cpu.Values[len(cpu.Values)-1] > 52 {
		t.Fatalf("random under load: want ~47%%, got %v", cpu.Values)
	}
	twenty := 20
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "playground", Service: "random", DesiredCount: &twenty}); err != nil {
		t.Fatal(err)
	}
	w.Advance(61 * time.Second)
	if s := describe(t, w, "playground", "random"); s.DesiredCount != 12 {
		t.Fatalf("random scaled to 20: want 12 within a minute, got %d", s.DesiredCount)
	}
}
