package ops

import (
	"errors"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/model"
)

func TestPlanResumeAutoScaling(t *testing.T) {
	cpu := []model.ScalingPolicy{{Name: "cpu50", Type: model.PolicyTargetTracking,
		TargetTracking: &model.TargetTracking{TargetValue: 50, PredefinedMetric: model.PredefinedECSCPU}}}
	state := func(desired int, s model.SuspendedState, ps []model.ScalingPolicy) ServiceState {
		return ServiceState{Service: model.Service{Name: "web", DesiredCount: desired},
			Scaling: &model.ServiceScaling{Target: &model.ScalableTarget{MinCapacity: 2, MaxCapacity: 10, Suspended: s}, Policies: ps}}
	}
	dyn := model.SuspendedState{DynamicScalingIn: true, DynamicScalingOut: true}
	for _, c := range []struct {
		name    string
		st      ServiceState
		blocked bool
		has     []string
	}{
		{name: "within range", st: state(4, dyn, cpu),
			has: []string{"resume dynamic scaling (scale-in and scale-out) of service web (dynamic scaling suspended now)",
				"from then on policy cpu50: average CPU at 50 % moves the desired count (now 4) within 2–10",
				"--suspended-state DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false,ScheduledScalingSuspended=false"}},
		{name: "outside the range", st: state(20, dyn, cpu),
			has: []string{"the desired count 20 is outside the scalable target's range 2–10: once resumed, Application Auto Scaling sets it to 10 within about a minute"}},
		{name: "scheduled stays suspended", st: state(4, model.SuspendedState{DynamicScalingIn: true, DynamicScalingOut: true, Scheduled: true}, cpu),
			has: []string{"ScheduledScalingSuspended=true", "scheduled scaling stays suspended; to resume it too:"}},
		{name: "only scale-in suspended", st: state(4, model.SuspendedState{DynamicScalingIn: true}, cpu),
			has: []string{"(dynamic scale-in suspended now)"}},
		{name: "no policy", st: state(4, dyn, nil), has: []string{"no target tracking or step scaling policy: resuming changes nothing"}},
		{name: "not suspended", st: state(4, model.SuspendedState{}, cpu), blocked: true, has: []string{"is not suspended (nothing suspended)"}},
		{name: "no target", st: ServiceState{Service: model.Service{Name: "web"}, Scaling: &model.ServiceScaling{}}, blocked: true,
			has: []string{"service web has no Application Auto Scaling target"}},
		{name: "unreadable", st: ServiceState{Service: model.Service{Name: "web"}, ScalingErr: errors.New("AccessDenied")}, blocked: true,
			has: []string{"could not read the service's Application Auto Scaling settings: AccessDenied"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := PlanResumeAutoScaling("prod", c.st)
			text := p.Text()
			if p.Blocked() != c.blocked || p.Overridable {
				t.Errorf("blocked %v (overridable %v), want %v\n%s", p.Blocked(), p.Overridable, c.blocked, text)
			}
			if !c.blocked && (p.Scaling == nil || *p.Scaling.Update.SuspendDynamicIn || *p.Scaling.Update.SuspendDynamicOut ||
				*p.Scaling.Update.SuspendScheduled != c.st.Scaling.Target.Suspended.Scheduled) {
				t.Errorf("update %+v", p.Scaling)
			}
			for _, s := range c.has {
				if !strings.Contains(text, s) {
					t.Errorf("plan lacks %q\n%s", s, text)
				}
			}
		})
	}
}
