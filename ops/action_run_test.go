package ops

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

// journalWitness wraps the API so that, at every mutating call, it reads
// the journal as `ecstui journal` would if the process died right there:
// the action must show as running (started, not ended, its lock held) with
// its last step naming the call about to be made.
type journalWitness struct {
	API
	t       *testing.T
	j       *Journal
	mu      sync.Mutex
	calls   []string
	missing []string
}

func (w *journalWitness) witness(op, step string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, op)
	acts, err := w.j.Actions()
	if err != nil || len(acts) == 0 {
		w.missing = append(w.missing, op+": no journal entry before the call")
		return
	}
	last := acts[len(acts)-1]
	if last.Outcome != OutcomeRunning {
		w.missing = append(w.missing, op+": journal shows "+string(last.Outcome)+", want running")
	}
	all, _ := w.j.Read()
	var lastStep Entry
	for _, e := range all {
		if e.Run == last.Run && e.Outcome == OutcomeStep {
			lastStep = e
		}
	}
	if step != "" && lastStep.Step != step {
		w.missing = append(w.missing, op+": last step recorded "+lastStep.Step+" "+lastStep.Message+", want a "+step+" step")
	}
}

func (w *journalWitness) RegisterTaskDefinitionWithImages(ctx context.Context, base string, images map[string]string) (model.TaskDefinition, error) {
	w.witness("RegisterTaskDefinition", "register")
	return w.API.RegisterTaskDefinitionWithImages(ctx, base, images)
}

func (w *journalWitness) UpdateService(ctx context.Context, in model.ServiceUpdate) (model.Service, error) {
	w.witness("UpdateService", "update")
	return w.API.UpdateService(ctx, in)
}

func (w *journalWitness) StopTask(ctx context.Context, cluster, task, reason string) (model.Task, error) {
	w.witness("StopTask", "stop")
	return w.API.StopTask(ctx, cluster, task, reason)
}

func (w *journalWitness) StartTask(ctx context.Context, in model.StartTaskInput) ([]model.Task, []model.Failure, error) {
	w.witness("StartTask", "start")
	return w.API.StartTask(ctx, in)
}

func (w *journalWitness) UpdateContainerInstancesState(ctx context.Context, cluster string, ids []string, status string) ([]model.ContainerInstance, []model.Failure, error) {
	w.witness("UpdateContainerInstancesState", "drain")
	return w.API.UpdateContainerInstancesState(ctx, cluster, ids, status)
}

func (w *journalWitness) TerminateInstanceInAutoScalingGroup(ctx context.Context, id string, dec bool) (model.ScalingActivity, error) {
	w.witness("TerminateInstanceInAutoScalingGroup", "terminate")
	return w.API.TerminateInstanceInAutoScalingGroup(ctx, id, dec)
}

// actionCase plans one mutating action on the demo world and runs it.
type actionCase struct {
	name string
	plan func(t *testing.T, api API) (Plan, func(ctx context.Context, r *Runner, api API) Result)
}

func actionCases() []actionCase {
	ctx := context.Background()
	service := func(t *testing.T, api API) ServiceState {
		st, err := GatherService(ctx, api, "prod", "auth", "")
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	update := func(p Plan) func(ctx context.Context, r *Runner, api API) Result {
		return func(ctx context.Context, r *Runner, api API) Result { return r.UpdateService(ctx, api, p, true) }
	}
	return []actionCase{
		{"scale", func(t *testing.T, api API) (Plan, func(context.Context, *Runner, API) Result) {
			p := PlanScale("prod", service(t, api), 3, ScaleOptions{})
			return p, update(p)
		}},
		{"deploy", func(t *testing.T, api API) (Plan, func(context.Context, *Runner, API) Result) {
			p := PlanDeploy(DeployInput{Cluster: "prod", Service: "auth", Images: map[string]string{"web": "nginx:1.27"}}, service(t, api))
			return p, update(p)
		}},
		{"redeploy", func(t *testing.T, api API) (Plan, func(context.Context, *Runner, API) Result) {
			p := PlanRedeploy("prod", service(t, api))
			return p, update(p)
		}},
		{"stop-task", func(t *testing.T, api API) (Plan, func(context.Context, *Runner, API) Result) {
			st := service(t, api)
			p := PlanStopTask("prod", st.Tasks[0], "test")
			return p, func(ctx context.Context, r *Runner, api API) Result { return r.StopTask(ctx, api, p, "test", true) }
		}},
		{"daemon-start", func(t *testing.T, api API) (Plan, func(context.Context, *Runner, API) Result) {
			st, err := GatherDaemon(ctx, api, "prod", "shipper")
			if err != nil {
				t.Fatal(err)
			}
			p, nodes := PlanDaemonStart(st, nil)
			return p, func(ctx context.Context, r *Runner, api API) Result {
				return r.DaemonStart(ctx, api, p, st.TaskDefinition, nodes)
			}
		}},
		{"drain", func(t *testing.T, api API) (Plan, func(context.Context, *Runner, API) Result) {
			st, err := GatherCluster(ctx, api, "prod")
			if err != nil {
				t.Fatal(err)
			}
			sel := Selection{IDs: []string{st.Instances[0].EC2InstanceID}}
			o := DrainOptions{Batch: 1}
			p := PlanDrainWith(st, sel, o)
			return p, func(ctx context.Context, r *Runner, api API) Result {
				return r.Drain(ctx, api, p, NewDrainRunWith(st, sel, o, r.Clock(), r.Context), DrainControl{})
			}
		}},
	}
}

// TestEveryMutatingCallIsJournaledFirst: for every executor, a process
// killed at any mutating call leaves a journal that shows the action
// running (then interrupted, once the process is gone) with the step it
// was taking; and the run ends with one final entry under the same id.
func TestEveryMutatingCallIsJournaledFirst(t *testing.T) {
	for _, c := range actionCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("XDG_STATE_HOME", t.TempDir())
			w := demoWorld(t, 3)
			if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "shipper", Containers: []model.ContainerDefinition{
				{Name: "s", Image: "s:1", CPU: 64, Memory: 64, Essential: true}}}); err != nil {
				t.Fatal(err)
			}
			j := DefaultJournal()
			api := &journalWitness{API: apiFor(t, w), t: t, j: j}
			p, run := c.plan(t, api)
			if p.Blocked() {
				t.Fatalf("plan refused: %v", p.Blockers)
			}
			r := advancing(w, 5*time.Second)
			r.Journal, r.Context = j, "test"
			res := run(context.Background(), r, api)
			if len(api.calls) == 0 {
				t.Fatalf("%s made no mutating call: %s %s", c.name, res.Outcome, res.Message)
			}
			for _, m := range api.missing {
				t.Error(m)
			}
			acts, err := j.Actions()
			if err != nil || len(acts) != 1 || !acts[0].Final() || acts[0].Run == "" {
				t.Fatalf("after the run, journal actions %+v %v: want one final entry with its run id", acts, err)
			}
		})
	}
}

// TestSecondDriverOfATargetIsRefused: while another process drives the
// same target, every executor refuses before any mutating call, naming
// that process; the refusal is journaled.
func TestSecondDriverOfATargetIsRefused(t *testing.T) {
	for _, c := range actionCases() {
		if c.name == "drain" {
			continue // its run and instance locks: TestDrainLease*
		}
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("XDG_STATE_HOME", t.TempDir())
			w := demoWorld(t, 3)
			if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "shipper", Containers: []model.ContainerDefinition{
				{Name: "s", Image: "s:1", CPU: 64, Memory: 64, Essential: true}}}); err != nil {
				t.Fatal(err)
			}
			j := DefaultJournal()
			api := &journalWitness{API: apiFor(t, w), t: t, j: j}
			p, run := c.plan(t, api)
			// The other process: same context and target, the cluster named by its ARN.
			other := p
			other.Cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/" + p.Cluster
			other.Action = ActionScale
			if p.Action != ActionDeploy && p.Action != ActionRedeploy && p.Action != ActionScale {
				other.Action = p.Action
			}
			held, _, err := tryLock(ActionLockPath("test", other), Owner{PID: 4242, Host: "bastion", Since: simStart, Run: "other", Action: other.Action})
			if err != nil || held == nil {
				t.Fatalf("lock: %v", err)
			}
			defer held.release()
			r := advancing(w, 5*time.Second)
			r.Journal, r.Context = j, "test"
			res := run(context.Background(), r, api)
			if res.Outcome != OutcomeRefused || !IsHeld(res.Err) || !strings.Contains(res.Message, "pid 4242 on host bastion") {
				t.Errorf("%s %q, want refused naming pid 4242 on bastion", res.Outcome, res.Message)
			}
			if len(api.calls) != 0 {
				t.Errorf("mutating calls despite the refusal: %v", api.calls)
			}
			acts, _ := j.Actions()
			if len(acts) != 1 || acts[0].Outcome != OutcomeRefused {
				t.Errorf("journal %+v, want the refusal", acts)
			}
			held.release()
			if res := run(context.Background(), r, api); res.Outcome == OutcomeRefused {
				t.Errorf("once the other process is gone: %s %s", res.Outcome, res.Message)
			}
		})
	}
}

// TestInterruptedRunShowsWhereItStopped: a run whose process is gone
// (started and steps, no end, no lock) reads as interrupted with its last step.
func TestInterruptedRunShowsWhereItStopped(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	j := DefaultJournal()
	r := &Runner{Journal: j, Context: "test", Now: func() time.Time { return simStart }}
	p := Plan{Action: ActionDeploy, Cluster: "prod", Target: "auth", Summary: "deploy auth"}
	if _, refused := r.begin(p); refused {
		t.Fatal("refused")
	}
	r.step("register", "registered auth:3")
	acts, _ := j.Actions()
	if len(acts) != 1 || acts[0].Outcome != OutcomeRunning {
		t.Fatalf("while held: %+v", acts)
	}
	r.end() // the process dies: its lock goes with it, no final entry
	acts, _ = j.Actions()
	if len(acts) != 1 || acts[0].Outcome != OutcomeInterrupted || !strings.Contains(acts[0].Message, "registered auth:3") {
		t.Fatalf("after: %+v", acts)
	}
}

// TestJournalReadsWhateverItHolds: a damaged line, an empty one and a very
// long one neither hide the entries around them nor stop the reading; the
// damaged line is reported by number.
func TestJournalReadsWhateverItHolds(t *testing.T) {
	j := &Journal{Path: filepath.Join(t.TempDir(), "journal.jsonl")}
	long := Entry{Action: ActionRollingDrain, Outcome: OutcomeSuccess, Message: strings.Repeat("i-0123456789abcdef0 replaced; ", 300000)}
	for _, e := range []Entry{{Action: ActionScale, Outcome: OutcomeSuccess}, long} {
		if err := j.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(j.Path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("{\"broken\n\n")
	f.Close()
	if err := j.Append(Entry{Action: ActionDeploy, Outcome: OutcomeFailed}); err != nil {
		t.Fatal(err)
	}
	es, err := j.Read()
	if len(es) != 3 || es[1].Message != long.Message || es[2].Action != ActionDeploy {
		t.Fatalf("read %d entries, want the 3 around the damage", len(es))
	}
	if err == nil || !strings.Contains(err.Error(), "unreadable lines [3]") {
		t.Errorf("error %v, want line 3 reported", err)
	}
}

// blindAfterChange is an API whose reads fail once a change was sent, as
// when the network drops or a permission is missing mid-watch.
type blindAfterChange struct {
	API
	mu      sync.Mutex
	changed bool
}

var errUnreachable = errors.New("DescribeServices: cannot reach the ecs endpoint http://127.0.0.1:9: connection refused")

func (b *blindAfterChange) blind() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.changed }

func (b *blindAfterChange) UpdateService(ctx context.Context, in model.ServiceUpdate) (model.Service, error) {
	svc, err := b.API.UpdateService(ctx, in)
	b.mu.Lock()
	b.changed = true
	b.mu.Unlock()
	return svc, err
}

func (b *blindAfterChange) StopTask(ctx context.Context, cluster, task, reason string) (model.Task, error) {
	t, err := b.API.StopTask(ctx, cluster, task, reason)
	b.mu.Lock()
	b.changed = true
	b.mu.Unlock()
	return t, err
}

func (b *blindAfterChange) DescribeServices(ctx context.Context, cluster string, names []string) ([]model.Service, []model.Failure, error) {
	if b.blind() {
		return nil, nil, errUnreachable
	}
	return b.API.DescribeServices(ctx, cluster, names)
}

func (b *blindAfterChange) DescribeTasks(ctx context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error) {
	if b.blind() {
		return nil, nil, errUnreachable
	}
	return b.API.DescribeTasks(ctx, cluster, ids)
}

// TestAFailedReadWhileWatchingIsUnknown: once the change was sent, a read
// that fails while watching (network, throttling, permission) ends the
// action unknown — the change was made and ECS carries on — saying which
// read failed, never failed.
func TestAFailedReadWhileWatchingIsUnknown(t *testing.T) {
	for _, c := range actionCases() {
		if c.name == "daemon-start" || c.name == "drain" {
			continue // no watch of ECS: daemon start ends at StartTask; a drain drives every step itself
		}
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("XDG_STATE_HOME", t.TempDir())
			w := demoWorld(t, 3)
			api := &blindAfterChange{API: apiFor(t, w)}
			p, run := c.plan(t, api)
			r := advancing(w, 5*time.Second)
			r.Journal, r.Context = DefaultJournal(), "test"
			res := run(context.Background(), r, api)
			if !api.blind() {
				t.Fatalf("no change was sent: %s %s", res.Outcome, res.Message)
			}
			if res.Outcome != OutcomeUnknown || !strings.Contains(res.Message, "cannot reach the ecs endpoint") || !strings.Contains(res.Message, "ECS continues") {
				t.Errorf("%s: %s %q, want unknown naming the failed read", p.Action, res.Outcome, res.Message)
			}
			acts, _ := r.Journal.Actions()
			if len(acts) != 1 || acts[0].Outcome != OutcomeUnknown {
				t.Errorf("journal %+v, want the action unknown", acts)
			}
		})
	}
}
