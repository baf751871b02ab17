package actions

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/model"
)

// TestScaleOffersTheAutoscalingFix: a service with a scalable target gets
// a form field for what to do outside its range; the plan warns that the
// autoscaler will set the count back, and the fix, chosen in the form, is
// applied first.
func TestScaleOffersTheAutoscalingFix(t *testing.T) {
	api := newFake()
	api.scaling = model.ServiceScaling{Target: &model.ScalableTarget{MinCapacity: 2, MaxCapacity: 12},
		Policies: []model.ScalingPolicy{{Name: "auth-cpu50", Type: model.PolicyTargetTracking,
			TargetTracking: &model.TargetTracking{TargetValue: 50, PredefinedMetric: model.PredefinedECSCPU}}}}
	p := open(t, NewScale(deps(api), "demo", "auth"))
	golden(t, "scale_form_autoscaling", p)
	p, _ = press(t, p, "ctrl+u", "20", "enter")
	golden(t, "scale_plan_autoscaling", p)
	if v := ansi.Strip(p.View()); !strings.Contains(v, "Application Auto Scaling will set") {
		t.Fatalf("plan must warn:\n%s", v)
	}
	p, _ = press(t, p, "esc", "tab", "ctrl+u", "adjust", "enter")
	if v := ansi.Strip(p.View()); !strings.Contains(v, "maximum capacity 12 → 20") || strings.Contains(v, "will set it back") {
		t.Fatalf("adjusted plan:\n%s", v)
	}
	_, _ = press(t, p, "y")
	if got := strings.Join(api.mutations, ","); got != "RegisterScalableTarget auth,UpdateService" {
		t.Fatalf("mutations %s: the scalable target must change first", got)
	}
	p = open(t, NewScale(deps(api), "demo", "auth"))
	p, _ = press(t, p, "tab")
	if v := ansi.Strip(p.View()); !strings.Contains(v, "type warn (only warn), adjust (move min/max to the count first) or suspend") {
		t.Fatalf("the choice must say it is typed, and what each does:\n%s", v)
	}
	p, _ = press(t, p, "ctrl+u", "later", "enter")
	if v := ansi.Strip(p.View()); !strings.Contains(v, `"later" is not warn, adjust or suspend`) {
		t.Fatalf("a bad choice must be named:\n%s", v)
	}
}

// TestResumeAutoScalingDialog: the way back from "suspend": the plan says
// what the policy will do to the count and the AWS CLI command, and "y"
// sends one RegisterScalableTarget that resumes dynamic scaling and keeps
// scheduled scaling as it is; nothing suspended is refused.
func TestResumeAutoScalingDialog(t *testing.T) {
	api := newFake()
	api.scaling = model.ServiceScaling{Target: &model.ScalableTarget{MinCapacity: 2, MaxCapacity: 12,
		Suspended: model.SuspendedState{DynamicScalingIn: true, DynamicScalingOut: true}},
		Policies: []model.ScalingPolicy{{Name: "auth-cpu50", Type: model.PolicyTargetTracking,
			TargetTracking: &model.TargetTracking{TargetValue: 50, PredefinedMetric: model.PredefinedECSCPU}}}}
	p := open(t, NewResumeAutoScaling(deps(api), "demo", "auth"))
	golden(t, "resume_autoscaling_plan", p)
	v := ansi.Strip(p.View())
	for _, want := range []string{"resume dynamic scaling of service auth (cluster demo)", "moves the desired count",
		"DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false,ScheduledScalingSuspended=false"} {
		if !strings.Contains(v, want) {
			t.Errorf("plan lacks %q:\n%s", want, v)
		}
	}
	if len(api.mutations) != 0 {
		t.Fatalf("the plan changed something: %v", api.mutations)
	}
	_, _ = press(t, p, "y")
	if got := strings.Join(api.mutations, ","); got != "RegisterScalableTarget auth" {
		t.Fatalf("mutations %q, want one RegisterScalableTarget", got)
	}

	api = newFake()
	api.scaling = model.ServiceScaling{Target: &model.ScalableTarget{MinCapacity: 2, MaxCapacity: 12}}
	p = open(t, NewResumeAutoScaling(deps(api), "demo", "auth"))
	if v := ansi.Strip(p.View()); !strings.Contains(v, "is not suspended") {
		t.Errorf("nothing suspended must be refused:\n%s", v)
	}
	_, _ = press(t, p, "y")
	if len(api.mutations) != 0 {
		t.Fatalf("a refused plan changed something: %v", api.mutations)
	}
}
