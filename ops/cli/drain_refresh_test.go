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

const demoOldAMI = "ami-0c0a1b2e3f4d5c6b7"

// demoHarness is the harness on the demo account: prod runs on a capacity
// provider with managed draining, playground is classic.
func demoHarness(t *testing.T, readOnly bool) *harness {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := sim.NewDemo(3)
	w.SetLogRate(0)
	client, srv := awstest.StartWith(t, w, awstest.Options{ReadOnly: readOnly})
	api := &counting{API: client}
	return &harness{w: w, srv: srv, api: api, sess: Session{ReadOnly: readOnly, API: api, Context: "demo", Now: w.Now, Wait: opstest.Wait(w), Poll: 5 * time.Second,
		Journal: &ops.Journal{Path: filepath.Join(t.TempDir(), "journal.jsonl")}}}
}

func TestCLIDrainStrategies(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		readOnly bool
		outcome  ops.Outcome
		outHas   []string
		errHas   []string
	}{
		{name: "the drain plan on prod compares the strategies", args: []string{"drain", "--cluster", "prod", "--ami", demoOldAMI, "--dry-run"},
			outcome: ops.OutcomeSuccess, outHas: []string{"runs on capacity provider prod-ecs-cp", "Strategies:", "recommended: refresh", "DRY-RUN"}},
		{name: "the drain plan on playground stays classic", args: []string{"drain", "--cluster", "playground", "--ami", demoOldAMI, "--dry-run", "--stop-standalone"},
			// Its headroom check refuses it: a dry run exits as the real run would.
			outcome: ops.OutcomeRefused, outHas: []string{"ACTIVE → DRAINING", "recommended: drain", "the plan would be refused"}},
		{name: "refresh plan", args: []string{"drain", "--cluster", "prod", "--ami", demoOldAMI, "--strategy", "refresh", "--checkpoints", "50,100", "--checkpoint-delay", "2m", "--dry-run"},
			outcome: ops.OutcomeSuccess, outHas: []string{"instance refresh of prod-ecs-asg", "checkpoints at 50%, 100%: after each, the refresh waits 2m", "aws autoscaling start-instance-refresh"}},
		{name: "refresh refused on a classic group", args: []string{"drain", "--cluster", "playground", "--ami", demoOldAMI, "--strategy", "refresh", "--yes"},
			outcome: ops.OutcomeRefused, outHas: []string{"has no ECS managed draining"}},
		{name: "refresh refused in read-only", args: []string{"drain", "--cluster", "prod", "--ami", demoOldAMI, "--strategy", "refresh", "--yes"},
			readOnly: true, outcome: ops.OutcomeRefused, outHas: []string{"read-only mode"}},
		{name: "refresh to its end", args: []string{"drain", "--cluster", "prod", "--ami", demoOldAMI, "--strategy", "refresh", "--min-healthy", "100", "--stop-standalone", "--yes"},
			outcome: ops.OutcomeSuccess, outHas: []string{"SUCCESS: instance refresh", "Successful 100%"}, errHas: []string{"InProgress", "Terminating:Wait"}},
		{name: "bad checkpoints", args: []string{"drain", "--cluster", "prod", "--ami", demoOldAMI, "--strategy", "refresh", "--checkpoints", "50,x"},
			outcome: "error: checkpoint percentage \"x\" is not a whole number (--checkpoints): it must be 1–100"},
		{name: "watch belongs to the refresh", args: []string{"drain", "--cluster", "prod", "--watch"},
			outcome: "error: --watch, --cancel, --rollback, --min-healthy, --checkpoints, --checkpoint-delay and --to-version belong to --strategy refresh"},
		{name: "watch with nothing to watch", args: []string{"drain", "--cluster", "prod", "--strategy", "refresh", "--watch"},
			outcome: "error: no instance refresh on prod-ecs-asg"},
		{name: "cancel with nothing to cancel", args: []string{"drain", "--cluster", "prod", "--strategy", "refresh", "--cancel", "--yes"},
			outcome: ops.OutcomeRefused, outHas: []string{"no instance refresh is in progress on prod-ecs-asg"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := demoHarness(t, c.readOnly)
			err := h.run(c.args...)
			if got := exitOutcome(err); got != c.outcome {
				t.Errorf("outcome %q, want %q\nstdout:\n%s\nstderr:\n%s", got, c.outcome, h.out.String(), h.err.String())
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
		})
	}
}

// TestCLIRefreshWatchAndCancel starts a refresh with a long checkpoint, then
// watches it read-only and cancels it from "another terminal".
func TestCLIRefreshWatchAndCancel(t *testing.T) {
	h := demoHarness(t, false)
	if _, err := h.w.StartInstanceRefresh(modelRefresh()); err != nil {
		t.Fatal(err)
	}
	h.w.Advance(3 * time.Minute)
	// A watch changes nothing; with a short timeout it stops watching and
	// says the refresh goes on.
	if err := h.run("drain", "--cluster", "prod", "--strategy", "refresh", "--watch", "--timeout", "1m"); exitOutcome(err) != ops.OutcomeUnknown ||
		!strings.Contains(h.out.String(), "the instance refresh goes on in AWS") {
		t.Fatalf("watch: %v\n%s\n%s", err, h.out.String(), h.err.String())
	}
	if h.srv.MutatingCalls() != 0 {
		t.Errorf("the watch made %d mutating calls", h.srv.MutatingCalls())
	}
	if err := h.run("drain", "--cluster", "prod", "--strategy", "refresh", "--cancel", "--yes", "--wait"); err != nil {
		t.Fatalf("cancel: %v\n%s\n%s", err, h.out.String(), h.err.String())
	}
	if !strings.Contains(h.out.String(), "Cancelled") {
		t.Errorf("cancel output:\n%s", h.out.String())
	}
	entries, _ := h.sess.Journal.Actions()
	if len(entries) != 1 || entries[0].Action != ops.ActionRefreshCancel {
		t.Errorf("journal: %+v", entries)
	}
}

func modelRefresh() model.RefreshInput {
	min100 := 100
	return model.RefreshInput{AutoScalingGroupName: "prod-ecs-asg", Desired: &model.LaunchTemplateRef{Name: "prod-ecs-lt", Version: "2"},
		Preferences: model.RefreshPreferences{MinHealthyPercentage: &min100, SkipMatching: true, ScaleInProtectedInstances: model.ProtectedRefresh,
			CheckpointPercentages: []int{50, 100}}}
}
