package ops

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// scaleRandom plans scaling the demo's random (autoscaled 2–12 on CPU 50 %)
// to n over the wire, and returns what running it reported.
func scaleRandom(t *testing.T, n int, opt ScaleOptions) (Plan, Result, []Event, *sim.World, *Journal) {
	t.Helper()
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	api, srv := startAdapter(t, w, false)
	ctx := context.Background()
	st, err := GatherService(ctx, api, "playground", "random", "")
	if err != nil {
		t.Fatal(err)
	}
	if st.Scaling == nil || st.Scaling.Target == nil || st.Scaling.Target.MaxCapacity != 12 {
		t.Fatalf("GatherService must read random's scalable target: %+v %v", st.Scaling, st.ScalingErr)
	}
	opt.Now = w.Now()
	p := PlanScale("playground", st, n, opt)
	j := &Journal{Path: filepath.Join(t.TempDir(), "journal.jsonl")}
	r := advancing(w, 5*time.Second)
	r.Journal = j
	var mu sync.Mutex
	var evs []Event
	r.Emit = func(e Event) { mu.Lock(); evs = append(evs, e); mu.Unlock() }
	before := srv.MutatingCalls()
	res := r.UpdateService(ctx, api, p, true)
	if p.Scaling == nil && srv.MutatingCalls()-before != 1 {
		t.Fatalf("a plain scale sends one mutating call, sent %d", srv.MutatingCalls()-before)
	}
	return p, res, evs, w, j
}

func TestScaleBeyondMaxIsWarnedAndRevertedByTheAutoscaler(t *testing.T) {
	p, res, evs, w, _ := scaleRandom(t, 20, ScaleOptions{})
	text := p.Text()
	for _, want := range []string{
		"20 is above the maximum capacity 12 of the service's scalable target: Application Auto Scaling will set it back to 12 within about a minute (policy random-cpu50: average CPU at 50 %)",
		"Fix: move the maximum to 20 first (--adjust-autoscaling", "--suspend-autoscaling",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q:\n%s", want, text)
		}
	}
	if p.Blocked() || p.Scaling != nil {
		t.Fatalf("a warning, not a refusal, and no scalable target change without an option:\n%s", text)
	}
	if res.Outcome != OutcomeFailed || !strings.Contains(res.Message, "not the 20 asked") ||
		!strings.Contains(res.Message, "Application Auto Scaling changed the desired count from 20 to 12") ||
		!strings.Contains(res.Message, "above the maximum capacity 12") {
		t.Fatalf("want a failure naming the autoscaler, got %s: %s", res.Outcome, res.Message)
	}
	told := false
	for _, e := range evs {
		told = told || e.Step == "autoscaler" && strings.Contains(e.Message, "from 20 to 12")
	}
	if !told {
		t.Fatal("the watch must report the autoscaler's change as it happens")
	}
	svcs, _, _ := w.DescribeServices("playground", []string{"random"})
	if svcs[0].DesiredCount != 12 {
		t.Fatalf("random: want 12 after the autoscaler, got %d", svcs[0].DesiredCount)
	}
}

func TestAdjustAutoScalingChangesMaxFirst(t *testing.T) {
	p, res, _, w, j := scaleRandom(t, 20, ScaleOptions{AdjustAutoScaling: true})
	if len(p.Changes) < 2 || !strings.Contains(p.Changes[0], "maximum capacity 12 → 20 (first") || p.Changes[1] != "desired count 4 → 20" {
		t.Fatalf("changes: %q", p.Changes)
	}
	if !strings.HasPrefix(p.Commands[0], "aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/playground/random --max-capacity 20") ||
		!strings.HasPrefix(p.Commands[1], "aws ecs update-service") {
		t.Fatalf("commands in order: %q", p.Commands)
	}
	if strings.Contains(p.Text(), "will set it back") || p.AutoScalingHold != 0 {
		t.Fatalf("adjusted: no revert to warn about:\n%s", p.Text())
	}
	if res.Outcome != OutcomeSuccess {
		t.Fatalf("%s: %s", res.Outcome, res.Message)
	}
	ts, _ := w.DescribeScalableTargets([]string{model.ECSServiceResourceID("playground", "random")})
	if ts[0].MaxCapacity != 20 || ts[0].MinCapacity != 2 {
		t.Fatalf("target: %+v", ts[0])
	}
	entries, err := j.Actions()
	if err != nil || len(entries) != 2 || entries[0].Action != ActionAutoScaling || entries[0].Outcome != OutcomeSuccess || entries[1].Action != ActionScale {
		t.Fatalf("journal: want the autoscaling change, then the scale: %+v %v", entries, err)
	}
}

func TestSuspendAutoScalingHoldsTheCount(t *testing.T) {
	p, res, _, w, _ := scaleRandom(t, 20, ScaleOptions{SuspendAutoScaling: true})
	if p.Scaling == nil || !strings.Contains(p.Text(), "DynamicScalingInSuspended=true,DynamicScalingOutSuspended=true") ||
		!strings.Contains(p.Text(), "DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false") {
		t.Fatalf("plan must suspend and say how to resume:\n%s", p.Text())
	}
	if res.Outcome != OutcomeSuccess {
		t.Fatalf("%s: %s", res.Outcome, res.Message)
	}
	w.Advance(3 * time.Minute)
	svcs, _, _ := w.DescribeServices("playground", []string{"random"})
	if svcs[0].DesiredCount != 20 {
		t.Fatalf("suspended: want 20 kept, got %d", svcs[0].DesiredCount)
	}
}

func TestScaleAutoScalingPlans(t *testing.T) {
	target := &model.ScalableTarget{MinCapacity: 2, MaxCapacity: 12}
	policy := model.ScalingPolicy{Name: "cpu", Type: model.PolicyTargetTracking, TargetTracking: &model.TargetTracking{TargetValue: 50, PredefinedMetric: model.PredefinedECSCPU}}
	svc := model.Service{Name: "random", DesiredCount: 4}
	st := func(sc *model.ServiceScaling, err error) ServiceState {
		return ServiceState{Service: svc, Scaling: sc, ScalingErr: err}
	}
	eight, twelve := 8, 12
	now := time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC) // a Monday
	for _, tc := range []struct {
		name    string
		st      ServiceState
		desired int
		opt     ScaleOptions
		blocked bool
		has     []string
		hasNot  []string
	}{
		{"below min", st(&model.ServiceScaling{Target: target, Policies: []model.ScalingPolicy{policy}}, nil), 1, ScaleOptions{},
			false, []string{"1 is below the minimum capacity 2", "set it back to 2 within about a minute", "move the minimum to 1 first"}, nil},
		{"adjust below min", st(&model.ServiceScaling{Target: target, Policies: []model.ScalingPolicy{policy}}, nil), 1, ScaleOptions{AdjustAutoScaling: true},
			false, []string{"minimum capacity 2 → 1", "--min-capacity 1"}, []string{"set it back"}},
		{"in range", st(&model.ServiceScaling{Target: target, Policies: []model.ScalingPolicy{policy}}, nil), 6, ScaleOptions{},
			false, []string{"keeps adjusting the desired count within 2–12", "it may move away from 6"}, []string{"set it back"}},
		{"no policy", st(&model.ServiceScaling{Target: target}, nil), 20, ScaleOptions{},
			false, []string{"the next scaling policy or scheduled action that runs will set it to 12"}, []string{"within about a minute"}},
		{"scale-in suspended", st(&model.ServiceScaling{Target: &model.ScalableTarget{MinCapacity: 2, MaxCapacity: 12, Suspended: model.SuspendedState{DynamicScalingIn: true}}, Policies: []model.ScalingPolicy{policy}}, nil), 20, ScaleOptions{},
			false, []string{"the next scaling policy or scheduled action"}, []string{"within about a minute"}},
		{"no target", st(&model.ServiceScaling{}, nil), 20, ScaleOptions{}, false, nil, []string{"Application Auto Scaling"}},
		{"adjust without a target", st(&model.ServiceScaling{}, nil), 20, ScaleOptions{AdjustAutoScaling: true}, true, []string{"has no Application Auto Scaling target"}, nil},
		{"unreadable", st(nil, context.DeadlineExceeded), 20, ScaleOptions{}, false, []string{"could not read the service's Application Auto Scaling settings"}, nil},
		{"unreadable, adjust", st(nil, context.DeadlineExceeded), 20, ScaleOptions{SuspendAutoScaling: true}, true, []string{"need them"}, nil},
		{"scheduled action", st(&model.ServiceScaling{Target: target, Scheduled: []model.ScheduledAction{
			{Name: "business-hours", Schedule: "cron(0 8 ? * MON-FRI *)", MinCapacity: &eight, MaxCapacity: &twelve}}}, nil), 4, ScaleOptions{Now: now},
			false, []string{"scheduled action business-hours sets min 8, max 12 at 2026-11-23 08:00 UTC (in 30m)"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := PlanScale("playground", tc.st, tc.desired, tc.opt)
			text := p.Text()
			if p.Blocked() != tc.blocked {
				t.Fatalf("blocked = %v:\n%s", p.Blocked(), text)
			}
			for _, s := range tc.has {
				if !strings.Contains(text, s) {
					t.Errorf("lacks %q:\n%s", s, text)
				}
			}
			for _, s := range tc.hasNot {
				if strings.Contains(text, s) {
					t.Errorf("must not say %q:\n%s", s, text)
				}
			}
		})
	}
}
