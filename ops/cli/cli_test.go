package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/opstest"
)

// counting records every mutating call that reaches the world.
type counting struct {
	ops.API
	mu    sync.Mutex
	muts  []string
	inner ops.API
}

func (c *counting) note(op string) {
	c.mu.Lock()
	c.muts = append(c.muts, op)
	c.mu.Unlock()
}

func (c *counting) mutations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.muts...)
}

func (c *counting) RegisterTaskDefinitionWithImages(ctx context.Context, base string, images map[string]string) (model.TaskDefinition, error) {
	c.note("RegisterTaskDefinition")
	return c.API.RegisterTaskDefinitionWithImages(ctx, base, images)
}

func (c *counting) UpdateService(ctx context.Context, in model.ServiceUpdate) (model.Service, error) {
	c.note("UpdateService")
	return c.API.UpdateService(ctx, in)
}

func (c *counting) StartTask(ctx context.Context, in model.StartTaskInput) ([]model.Task, []model.Failure, error) {
	c.note("StartTask")
	return c.API.StartTask(ctx, in)
}

func (c *counting) StopTask(ctx context.Context, cl, task, reason string) (model.Task, error) {
	c.note("StopTask")
	return c.API.StopTask(ctx, cl, task, reason)
}

func (c *counting) UpdateContainerInstancesState(ctx context.Context, cl string, ids []string, s string) ([]model.ContainerInstance, []model.Failure, error) {
	c.note("UpdateContainerInstancesState")
	return c.API.UpdateContainerInstancesState(ctx, cl, ids, s)
}

func (c *counting) RegisterScalableTarget(ctx context.Context, in model.ScalableTargetUpdate) error {
	c.note("RegisterScalableTarget")
	return c.API.RegisterScalableTarget(ctx, in)
}

func (c *counting) TerminateInstanceInAutoScalingGroup(ctx context.Context, id string, dec bool) (model.ScalingActivity, error) {
	c.note("TerminateInstanceInAutoScalingGroup")
	return c.API.TerminateInstanceInAutoScalingGroup(ctx, id, dec)
}

type harness struct {
	w        *sim.World
	srv      *wire.Server
	api      *counting
	sess     Session
	out, err bytes.Buffer
	in       string
	tty      bool
}

// newHarness serves a small world over the AWS protocols and points the
// real adapter at it (read-only when asked, as the App builds it).
func newHarness(t *testing.T, readOnly bool) *harness {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := sim.New(sim.Options{Seed: 5, Start: time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)})
	w.SetLogRate(0)
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "asg", Cluster: "demo", Size: 3})
	if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "auth", Containers: []model.ContainerDefinition{
		{Name: "web", Image: "nginx:1.25", CPU: 256, Memory: 512, Essential: true, PortMappings: []model.PortMapping{{ContainerPort: 80}}}}}); err != nil {
		t.Fatal(err)
	}
	tg := w.AddTargetGroup(sim.TargetGroupSpec{Name: "auth", HealthCheckInterval: 5 * time.Second})
	if _, err := w.CreateService(sim.ServiceSpec{Cluster: "demo", Name: "auth", TaskDefinition: "auth", DesiredCount: 2,
		LoadBalancers: []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 80}}, HealthCheckGracePeriod: 30 * time.Second,
		DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200, CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}}}); err != nil {
		t.Fatal(err)
	}
	w.Advance(3 * time.Minute)
	client, srv := awstest.StartWith(t, w, awstest.Options{ReadOnly: readOnly})
	api := &counting{API: client}
	return &harness{w: w, srv: srv, api: api, sess: Session{ReadOnly: readOnly, API: api, Context: "demo", Now: w.Now, Wait: opstest.Wait(w), Poll: 5 * time.Second,
		Journal: &ops.Journal{Path: filepath.Join(t.TempDir(), "journal.jsonl")}}}
}

func (h *harness) run(args ...string) error {
	h.out.Reset()
	h.err.Reset()
	s := h.sess
	env := &Env{
		Session: func(context.Context) (*Session, error) { return &s, nil },
		In:      strings.NewReader(h.in), Out: &h.out, Err: &h.err,
		IsTTY: func() bool { return h.tty },
		JSON:  func() bool { return s.JSON }, Journal: s.Journal,
	}
	root := &cobra.Command{Use: "ecstui", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(Commands(env)...)
	root.SetArgs(args)
	root.SetOut(&h.out)
	return root.Execute()
}

func exitOutcome(err error) ops.Outcome {
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Outcome
	}
	if err != nil {
		return "error: " + ops.Outcome(err.Error())
	}
	return ops.OutcomeSuccess
}

func TestCLI(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		readOnly  bool
		prod      bool
		tty       bool
		in        string
		outcome   ops.Outcome
		mutations string
		outHas    []string
		errHas    []string
	}{
		{name: "dry run prints the plan", args: []string{"deploy", "--cluster", "demo", "--service", "auth", "--image", "web=nginx:1.27", "--dry-run"},
			outcome: ops.OutcomeSuccess, outHas: []string{"web: image nginx:1.25 → nginx:1.27", "Placement preview (ok)", "aws ecs update-service", "DRY-RUN"}},
		{name: "read-only refuses before any call", args: []string{"deploy", "--cluster", "demo", "--service", "auth", "--image", "web=nginx:1.27", "--yes"},
			readOnly: true, outcome: ops.OutcomeRefused, outHas: []string{"read-only mode"}},
		{name: "read-only allows a dry run", args: []string{"scale", "--cluster", "demo", "--service", "auth", "--desired", "4", "--dry-run"},
			readOnly: true, outcome: ops.OutcomeSuccess},
		{name: "no terminal and no --yes", args: []string{"scale", "--cluster", "demo", "--service", "auth", "--desired", "4"},
			outcome: ops.OutcomeRefused, outHas: []string{"not a terminal"}},
		{name: "prompt answered no", args: []string{"scale", "--cluster", "demo", "--service", "auth", "--desired", "4"}, tty: true, in: "n\n",
			outcome: ops.OutcomeRefused, errHas: []string{"Apply this plan? [y/N]"}},
		{name: "prompt answered yes", args: []string{"scale", "--cluster", "demo", "--service", "auth", "--desired", "4", "--wait"}, tty: true, in: "y\n",
			outcome: ops.OutcomeSuccess, mutations: "UpdateService", outHas: []string{"steady at 4"}},
		{name: "deploy and wait", args: []string{"deploy", "--cluster", "demo", "--service", "auth", "--image", "web=nginx:1.27", "--yes", "--wait"},
			outcome: ops.OutcomeSuccess, mutations: "RegisterTaskDefinition,UpdateService", outHas: []string{"SUCCESS: deployment ecs-svc/"}, errHas: []string{"rollout IN_PROGRESS", "event "}},
		{name: "rolled back exits non-zero", args: []string{"deploy", "--cluster", "demo", "--service", "auth", "--image", "web=nginx:broken", "--yes", "--wait"},
			outcome: ops.OutcomeFailed, mutations: "RegisterTaskDefinition,UpdateService", outHas: []string{"circuit breaker rolled back"}},
		{name: "production needs the typed name", args: []string{"redeploy", "--cluster", "demo", "--service", "auth", "--yes"},
			prod: true, outcome: ops.OutcomeRefused, outHas: []string{"add --confirm auth"}},
		{name: "production with --confirm", args: []string{"redeploy", "--cluster", "demo", "--service", "auth", "--yes", "--confirm", "auth"},
			prod: true, outcome: ops.OutcomeSuccess, mutations: "UpdateService"},
		{name: "production prompt", args: []string{"redeploy", "--cluster", "demo", "--service", "auth"}, prod: true, tty: true, in: "auth\n",
			outcome: ops.OutcomeSuccess, mutations: "UpdateService", errHas: []string{"Type auth to apply"}},
		{name: "blocked plan is refused", args: []string{"deploy", "--cluster", "demo", "--service", "auth", "--image", "nope=x", "--yes"},
			outcome: ops.OutcomeRefused, outHas: []string{`has no container "nope"`}},
		{name: "dry run of a refused plan exits as refused", args: []string{"deploy", "--cluster", "demo", "--service", "auth", "--image", "nope=x", "--dry-run"},
			outcome: ops.OutcomeRefused, outHas: []string{"the plan would be refused", `has no container "nope"`}},
		{name: "daemon start", args: []string{"daemon", "start", "--cluster", "demo", "--task-definition", "auth", "--yes"},
			outcome: ops.OutcomeSuccess, mutations: "StartTask", outHas: []string{"started on 1, failed on 0, already running on 2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.readOnly)
			h.sess.Production, h.tty, h.in = c.prod, c.tty, c.in
			err := h.run(c.args...)
			if got := exitOutcome(err); got != c.outcome {
				t.Errorf("outcome %q, want %q\nstdout:\n%s\nstderr:\n%s", got, c.outcome, h.out.String(), h.err.String())
			}
			if got := strings.Join(h.api.mutations(), ","); got != c.mutations {
				t.Errorf("mutating calls %q, want %q", got, c.mutations)
			}
			if want := len(h.api.mutations()); h.srv.MutatingCalls() != want {
				t.Errorf("%d mutating calls reached the simulator, want %d", h.srv.MutatingCalls(), want)
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
			entries, jerr := h.sess.Journal.Actions()
			if jerr != nil || len(entries) != 1 {
				t.Fatalf("journal: %d entries, %v", len(entries), jerr)
			}
			want := c.outcome
			if strings.Contains(strings.Join(c.args, " "), "--dry-run") && want == ops.OutcomeSuccess {
				want = ops.OutcomeDryRun
			}
			if entries[0].Outcome != want || entries[0].Context != "demo" {
				t.Errorf("journal entry %+v, want outcome %s", entries[0], want)
			}
		})
	}
}

func TestCLIJSONAndJournal(t *testing.T) {
	h := newHarness(t, false)
	h.sess.JSON = true
	if err := h.run("scale", "--cluster", "demo", "--service", "auth", "--desired", "3", "--yes", "--wait"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Plan   ops.Plan   `json:"plan"`
		Result ops.Result `json:"result"`
	}
	if err := json.Unmarshal(h.out.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, h.out.String())
	}
	if doc.Result.Outcome != ops.OutcomeSuccess || doc.Plan.Action != ops.ActionScale || len(doc.Plan.Commands) == 0 {
		t.Errorf("json doc %+v", doc)
	}
	if err := h.run("journal"); err != nil {
		t.Fatal(err)
	}
	var entries []ops.Entry
	if err := json.Unmarshal(h.out.Bytes(), &entries); err != nil || len(entries) != 1 || entries[0].Action != ops.ActionScale {
		t.Errorf("journal json: %v %s", err, h.out.String())
	}
	h.sess.JSON = false
	if err := h.run("journal"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.out.String(), "scale") || !strings.Contains(h.out.String(), "success") {
		t.Errorf("journal table:\n%s", h.out.String())
	}
}

func TestCLIDrainAndResume(t *testing.T) {
	h := newHarness(t, false)
	cis, _, err := h.api.ContainerInstances(context.Background(), "demo", "")
	if err != nil {
		t.Fatal(err)
	}
	target := cis[0].EC2InstanceID
	if err := h.run("drain", "--cluster", "demo", "--instance", target, "--yes"); err != nil {
		t.Fatalf("%v\n%s\n%s", err, h.out.String(), h.err.String())
	}
	if !strings.Contains(h.out.String(), "replaced by") {
		t.Errorf("drain output:\n%s", h.out.String())
	}
	if got := strings.Join(h.api.mutations(), ","); got != "UpdateContainerInstancesState,TerminateInstanceInAutoScalingGroup" {
		t.Errorf("mutations %s", got)
	}
	id := ""
	for _, l := range strings.Split(h.err.String(), "\n") {
		if rest, ok := strings.CutPrefix(l, "drain run "); ok {
			id = strings.Fields(rest)[0]
		}
	}
	if id == "" {
		t.Fatalf("no drain run id on stderr:\n%s", h.err.String())
	}
	if err := h.run("drain", "--list"); err != nil || !strings.Contains(h.out.String(), id) || !strings.Contains(h.out.String(), "1/1") {
		t.Errorf("drain --list: %v\n%s", err, h.out.String())
	}
	if err := h.run("drain", "--resume", id, "--yes"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.out.String(), "already finished") {
		t.Errorf("resume of a finished run:\n%s", h.out.String())
	}
}

func TestCLIClusterDefaultsToTheContext(t *testing.T) {
	h := newHarness(t, false)
	if err := h.run("scale", "--service", "auth", "--desired", "2", "--dry-run"); err == nil || !strings.Contains(err.Error(), "--cluster is required") {
		t.Errorf("without a cluster: %v", err)
	}
	h.sess.Cluster = "demo"
	if err := h.run("scale", "--service", "auth", "--desired", "2", "--dry-run"); err != nil {
		t.Errorf("with the context's cluster: %v\n%s", err, h.out.String())
	}
}
