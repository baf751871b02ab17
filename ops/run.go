package ops

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ecstui/ecstui/model"
)

// Outcome is how an action ended, as the journal records it.
type Outcome string

const (
	OutcomeSuccess Outcome = "success"
	OutcomeFailed  Outcome = "failed"
	OutcomeAborted Outcome = "aborted"
	OutcomeDryRun  Outcome = "dry-run"
	OutcomeRefused Outcome = "refused"
	// OutcomePartial: the action stopped with work left that needs a person
	// (standalone tasks still on a draining instance, a paused rolling drain).
	OutcomePartial Outcome = "partial"
	// OutcomeUnknown: the change was made but how it ends was not observed:
	// watching stopped or timed out, or the endpoint does not report the
	// state that would tell. ECS carries on either way.
	OutcomeUnknown Outcome = "unknown"
)

// Result is how an executor ended, with a record of what was done and what
// was not, so an error mid-way never leaves the user guessing.
type Result struct {
	Action  string   `json:"action"`
	Outcome Outcome  `json:"outcome"`
	Message string   `json:"message"`
	Done    []string `json:"done,omitempty"`
	NotDone []string `json:"not_done,omitempty"`

	DeploymentID           string `json:"deployment_id,omitempty"`
	TaskDefinition         string `json:"task_definition,omitempty"`
	PreviousTaskDefinition string `json:"previous_task_definition,omitempty"`
	RolledBack             bool   `json:"rolled_back,omitempty"`

	Nodes     []NodeResult       `json:"nodes,omitempty"`
	Instances []InstanceProgress `json:"instances,omitempty"`
	DrainID   string             `json:"drain_id,omitempty"`
	RefreshID string             `json:"refresh_id,omitempty"`

	Err error `json:"-"`
}

// OK reports success: the only outcome a CLI exits 0 on (besides dry-run).
func (r Result) OK() bool { return r.Outcome == OutcomeSuccess || r.Outcome == OutcomeDryRun }

// Event is one progress report from an executor.
type Event struct {
	Time    time.Time
	Step    string // register, update, watch, drain, stop, terminate, replace, start, done
	Message string
	Rollout *RolloutProgress
	// Instances is the whole drain board each time it changes.
	Instances []InstanceProgress
	// Nodes is the whole daemon-start board each time it changes.
	Nodes []NodeResult
	// Services are the services whose tasks a drain is moving, so a board
	// can show their replacements starting elsewhere.
	Services []ServiceCount
	// Refresh is an instance refresh being watched (refresh.go).
	Refresh *RefreshProgress
}

// ServiceCount is a service's task counts at one observation.
type ServiceCount struct {
	Name    string `json:"name"`
	Desired int    `json:"desired"`
	Running int    `json:"running"`
	Pending int    `json:"pending"`
}

// RolloutProgress is one observation of the deployment being watched.
type RolloutProgress struct {
	Service      string
	DeploymentID string
	New          model.Deployment   // the deployment we started
	Old          []model.Deployment // every other deployment still listed
	Desired      int
	Running      int
	Pending      int
	RolloutState string
	Reason       string
	NewEvents    []model.ServiceEvent // events first seen in this observation, oldest first
}

// Runner carries what every executor needs: how to wait, what time it is,
// where to report progress and where to journal.
type Runner struct {
	// Wait pauses between polls. Tests advance the simulator's clock here.
	Wait func(ctx context.Context, d time.Duration) error
	Now  func() time.Time
	// Poll is the interval between observations (default 5 s).
	Poll time.Duration
	// Timeout bounds a watch (default 30 min); the action itself is not undone.
	Timeout time.Duration
	Emit    func(Event)
	Journal *Journal
	Context string // the ecstui context name, for the journal
	// Override lets a plan with overridable blockers proceed: the user typed
	// the target's name.
	Override bool

	// run is the action under way (begin to end): one at a time per Runner.
	run *actionRun
}

// SleepWait is the real Wait: a timer that ctx can cut short.
func SleepWait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (r *Runner) wait(ctx context.Context) error {
	w := r.Wait
	if w == nil {
		w = SleepWait
	}
	return w(ctx, r.poll())
}

func (r *Runner) poll() time.Duration {
	if r.Poll > 0 {
		return r.Poll
	}
	return 5 * time.Second
}

func (r *Runner) timeout() time.Duration {
	if r.Timeout > 0 {
		return r.Timeout
	}
	return 30 * time.Minute
}

// Clock is the runner's current time (Now, or the wall clock).
func (r *Runner) Clock() time.Time { return r.now() }

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) emit(e Event) {
	if r.Emit == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = r.now()
	}
	r.Emit(e)
}

func (r *Runner) step(step, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.journalStep(step, msg)
	r.emit(Event{Step: step, Message: msg})
}

// refuse checks a plan's blockers before anything is sent.
func (r *Runner) refuse(p Plan) (Result, bool) {
	if !p.Blocked() || (p.Overridable && r.Override) {
		return Result{}, false
	}
	res := Result{Action: p.Action, Outcome: OutcomeRefused, Message: "refused: " + p.Blockers[0], NotDone: p.Changes}
	r.Record(p, res)
	return res, true
}

// Record journals a plan and its result (dry runs and refusals included).
// A journal that cannot be written is reported as an event, never fatal:
// the action already happened.
func (r *Runner) Record(p Plan, res Result) {
	if r.Journal == nil {
		return
	}
	e := r.entry(p, res.Outcome, "", res.Message)
	e.Done, e.NotDone, e.DeploymentID = res.Done, res.NotDone, res.DeploymentID
	if res.Err != nil {
		e.Error = res.Err.Error()
	}
	if err := r.Journal.Append(e); err != nil {
		r.step("journal", "could not write the journal: %v", err)
	}
}

// finish fills the outcome of an interrupted or failed step from err.
func (r *Runner) finish(p Plan, res Result, err error, what string) Result {
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		res.Outcome = OutcomeAborted
		res.Message = "aborted while " + what
		res.Err = err
	default:
		res.Outcome = OutcomeFailed
		res.Message = what + ": " + err.Error()
		res.Err = err
	}
	r.Record(p, res)
	r.emit(Event{Step: "done", Message: string(res.Outcome) + ": " + res.Message})
	return res
}

// API is everything the executors call: the union of their small
// interfaces. The adapter (and its read-only guard) satisfies it.
type API interface {
	ServiceAPI
	DrainAPI
	DaemonAPI
	TaskAPI
	RefreshAPI
	drainCapacityAPI
	AutoScalingAPI
}
