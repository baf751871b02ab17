package cli

import (
	"strings"
	"testing"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
)

// TestCLIAutoscalingResume: `autoscaling resume` is the way back from
// `scale --suspend-autoscaling`: its plan and AWS CLI command, a dry run
// that changes nothing, the real resume (journalled, the target resumed),
// read-only refused, and a target that is not suspended refused.
func TestCLIAutoscalingResume(t *testing.T) {
	rid := model.ECSServiceResourceID("playground", "random")
	for _, c := range []struct {
		name      string
		suspend   bool
		args      []string
		readOnly  bool
		outcome   ops.Outcome // the exit's
		journal   ops.Outcome // the journal's, when not the exit's
		mutations string
		suspended bool // after the command
		outHas    []string
	}{
		{name: "dry run", suspend: true, args: []string{"--dry-run"}, outcome: ops.OutcomeSuccess, journal: ops.OutcomeDryRun, suspended: true,
			outHas: []string{"resume dynamic scaling of service random (cluster playground)",
				"Application Auto Scaling: resume dynamic scaling (scale-in and scale-out) of service random (dynamic scaling suspended now)",
				"from then on policy random-cpu50: average CPU at 50 % moves the desired count (now 4) within 2–12",
				"aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/playground/random --suspended-state DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false,ScheduledScalingSuspended=false",
				"nothing was changed"}},
		{name: "resume", suspend: true, args: []string{"--yes"}, outcome: ops.OutcomeSuccess, mutations: "RegisterScalableTarget",
			outHas: []string{"SUCCESS: dynamic scaling of service random resumed"}},
		{name: "read-only refuses", suspend: true, args: []string{"--yes"}, readOnly: true, outcome: ops.OutcomeRefused, suspended: true,
			outHas: []string{"read-only mode"}},
		{name: "nothing suspended", args: []string{"--yes"}, outcome: ops.OutcomeRefused,
			outHas: []string{"dynamic scaling of service random is not suspended (nothing suspended): there is nothing to resume"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := scalingHarness(t, c.readOnly)
			if c.suspend {
				yes := true
				if _, err := h.w.RegisterScalableTarget(model.ScalableTargetUpdate{Cluster: "playground", Service: "random", SuspendDynamicIn: &yes, SuspendDynamicOut: &yes}); err != nil {
					t.Fatal(err)
				}
			}
			err := h.run(append([]string{"autoscaling", "resume", "--cluster", "playground", "--service", "random"}, c.args...)...)
			if got := exitOutcome(err); got != c.outcome {
				t.Errorf("outcome %q, want %q\nstdout:\n%s\nstderr:\n%s", got, c.outcome, h.out.String(), h.err.String())
			}
			if got := strings.Join(h.api.mutations(), ","); got != c.mutations {
				t.Errorf("mutating calls %q, want %q", got, c.mutations)
			}
			if h.srv.MutatingCalls() != len(h.api.mutations()) {
				t.Errorf("%d mutating calls reached the simulator, want %d", h.srv.MutatingCalls(), len(h.api.mutations()))
			}
			for _, s := range c.outHas {
				if !strings.Contains(h.out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, h.out.String())
				}
			}
			ts, _ := h.w.DescribeScalableTargets([]string{rid})
			if got := ts[0].Suspended.DynamicScalingIn || ts[0].Suspended.DynamicScalingOut; got != c.suspended {
				t.Errorf("suspended after the command: %+v, want dynamic suspended %v", ts[0].Suspended, c.suspended)
			}
			want := c.outcome
			if c.journal != "" {
				want = c.journal
			}
			entries, _ := h.sess.Journal.Actions()
			if len(entries) != 1 || entries[0].Action != ops.ActionAutoScaling || entries[0].Outcome != want {
				t.Errorf("journal %+v, want one autoscaling entry %s", entries, want)
			}
		})
	}
}
