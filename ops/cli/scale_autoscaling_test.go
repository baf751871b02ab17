package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/opstest"
)

// scalingHarness is the demo account (random autoscaled 2–12 on CPU 50 %)
// behind the real adapter.
func scalingHarness(t *testing.T, readOnly bool) *harness {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, srv := awstest.StartWith(t, w, awstest.Options{ReadOnly: readOnly})
	api := &counting{API: client}
	return &harness{w: w, srv: srv, api: api, sess: Session{ReadOnly: readOnly, API: api, Context: "demo", Now: w.Now, Wait: opstest.Wait(w),
		Poll: 5 * time.Second, Journal: &ops.Journal{Path: filepath.Join(t.TempDir(), "journal.jsonl")}}}
}

func TestCLIScaleAndTheAutoscaler(t *testing.T) {
	for _, c := range []struct {
		name      string
		args      []string
		readOnly  bool
		outcome   ops.Outcome
		mutations string
		journal   []string // actions journalled, in order
		outHas    []string
		errHas    []string
		desired   int
	}{
		{name: "the plan warns and offers the fix", args: []string{"--dry-run"}, outcome: ops.OutcomeSuccess, journal: []string{"scale"}, desired: 4,
			outHas: []string{"Application Auto Scaling will set it back to 12 within about a minute", "Fix: move the maximum to 20 first (--adjust-autoscaling; \"adjust\" in the form) or suspend dynamic scaling (--suspend-autoscaling"}},
		{name: "applied without the fix, the autoscaler reverts it", args: []string{"--yes", "--wait"}, outcome: ops.OutcomeFailed,
			mutations: "UpdateService", journal: []string{"scale"}, desired: 12,
			outHas: []string{"FAILED: service random is steady at 12 running tasks, not the 20 asked: Application Auto Scaling changed the desired count from 20 to 12"},
			errHas: []string{"Application Auto Scaling changed the desired count from 20 to 12 at"}},
		{name: "--adjust-autoscaling raises the maximum first", args: []string{"--adjust-autoscaling", "--yes", "--wait"}, outcome: ops.OutcomeSuccess,
			mutations: "RegisterScalableTarget,UpdateService", journal: []string{"autoscaling", "scale"}, desired: 20,
			outHas: []string{"Application Auto Scaling: maximum capacity 12 → 20", "aws application-autoscaling register-scalable-target", "--max-capacity 20", "SUCCESS: service random is steady at 20"}},
		{name: "--suspend-autoscaling", args: []string{"--suspend-autoscaling", "--yes"}, outcome: ops.OutcomeSuccess,
			mutations: "RegisterScalableTarget,UpdateService", journal: []string{"autoscaling", "scale"}, desired: 20,
			outHas: []string{"suspend dynamic scaling", "DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false"}},
		{name: "read-only refuses the fix too", args: []string{"--adjust-autoscaling", "--yes"}, readOnly: true, outcome: ops.OutcomeRefused,
			journal: []string{"scale"}, desired: 4, outHas: []string{"read-only mode", "maximum capacity 12 → 20"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := scalingHarness(t, c.readOnly)
			err := h.run(append([]string{"scale", "--cluster", "playground", "--service", "random", "--desired", "20"}, c.args...)...)
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
			for _, s := range c.errHas {
				if !strings.Contains(h.err.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, h.err.String())
				}
			}
			entries, _ := h.sess.Journal.Actions()
			var got []string
			for _, e := range entries {
				got = append(got, e.Action)
			}
			if strings.Join(got, ",") != strings.Join(c.journal, ",") {
				t.Errorf("journal %v, want %v", got, c.journal)
			}
			svcs, _, _ := h.w.DescribeServices("playground", []string{"random"})
			if svcs[0].DesiredCount != c.desired {
				t.Errorf("random's desired count %d, want %d", svcs[0].DesiredCount, c.desired)
			}
			if c.name == "--adjust-autoscaling raises the maximum first" {
				ts, _ := h.w.DescribeScalableTargets([]string{model.ECSServiceResourceID("playground", "random")})
				if ts[0].MaxCapacity != 20 {
					t.Errorf("max capacity %d, want 20", ts[0].MaxCapacity)
				}
			}
		})
	}
}
