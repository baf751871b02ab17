package ops

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ecstui/ecstui/model"
)

// Journal-only outcomes: an action that began (before its first mutating
// call) and each step it took, so a run cut short (kill -9, a crash, a lost
// terminal) leaves a record of where it stopped. Its final entry carries the
// same run id; a run with none was interrupted.
const (
	OutcomeStarted Outcome = "started"
	OutcomeStep    Outcome = "step"
	// OutcomeRunning and OutcomeInterrupted are how `journal` shows a
	// started run without a final entry: its process still holds the
	// target, or it is gone.
	OutcomeRunning     Outcome = "running"
	OutcomeInterrupted Outcome = "interrupted"
)

// actionRun is one mutating action from its first call to its end: its id
// in the journal and the lock on its target.
type actionRun struct {
	id    string
	plan  Plan
	owner Owner
	lock  *fileLock // nil for a drain, which holds its own locks
}

// newRunID is a sortable, unique id: the time and 3 random bytes.
func newRunID(r *Runner) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return r.now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}

// lockKind is the kind of resource an action changes: the service actions
// (its autoscaling target's included) share one, so a scale and a deploy,
// or a scale and an autoscaling resume, of one service exclude each other.
func lockKind(action string) string {
	switch action {
	case ActionDeploy, ActionRollback, ActionScale, ActionRedeploy, ActionAutoScaling:
		return "service"
	}
	return action
}

// ActionLockPath is the lock file of an action's target in a context: one
// per context, cluster, kind and target, whatever form (name or ARN) the
// cluster and target were given in.
func ActionLockPath(context string, p Plan) string {
	kind := lockKind(p.Action)
	cluster, target := model.ResourceID(p.Cluster), model.ResourceID(p.Target)
	sum := sha256.Sum256([]byte(context + "\x00" + cluster + "\x00" + kind + "\x00" + target))
	name := unsafeName.ReplaceAllString(kind+"-"+target, "_")
	if len(name) > 64 {
		name = name[:64]
	}
	return filepath.Join(lockDir(), "action-"+name+"-"+hex.EncodeToString(sum[:6])+".lock")
}

// begin makes this process the one driving the plan's target, then
// journals that the action started: both before the first mutating call.
// A target another live ecstui drives is refused, naming it. A journal that
// cannot be written fails the action here, while nothing has changed.
func (r *Runner) begin(p Plan) (Result, bool) {
	return r.beginRun(p, newRunID(r), true)
}

// beginRun is begin with a given id; lock false leaves the locking to the
// caller (a drain locks its run and instances itself).
func (r *Runner) beginRun(p Plan, id string, lock bool) (Result, bool) {
	host, _ := os.Hostname()
	run := &actionRun{id: id, plan: p, owner: Owner{PID: os.Getpid(), Host: host, Since: r.now(), Run: id, Action: p.Action}}
	if lock && r.Journal != nil {
		l, held, err := tryLock(ActionLockPath(r.Context, p), run.owner)
		if err != nil {
			return r.finish(p, Result{Action: p.Action, NotDone: p.Changes}, err, "locking "+p.Target+" (nothing was changed)"), true
		}
		if held != nil {
			herr := &HeldError{What: lockKind(p.Action) + " " + p.Target, Owner: *held}
			res := Result{Action: p.Action, Outcome: OutcomeRefused, Message: "refused: " + herr.Error(), NotDone: p.Changes, Err: herr}
			r.Record(p, res)
			r.emit(Event{Step: "done", Message: string(res.Outcome) + ": " + res.Message})
			return res, true
		}
		run.lock = l
	}
	r.run = run
	if r.Journal != nil {
		if err := r.Journal.Append(r.entry(p, OutcomeStarted, "", "started: "+p.Summary)); err != nil {
			r.end()
			res := Result{Action: p.Action, NotDone: p.Changes}
			return r.finish(p, res, fmt.Errorf("the journal %s cannot be written, so the action would leave no record: %w", r.Journal.Path, err), "starting (nothing was changed)"), true
		}
	}
	return Result{}, false
}

// end gives the target back; the final entry has been recorded.
func (r *Runner) end() {
	if r.run != nil {
		r.run.lock.release()
		r.run = nil
	}
}

// entry is a journal line of the plan, carrying the run's id and owner
// when an action has begun.
func (r *Runner) entry(p Plan, o Outcome, step, msg string) Entry {
	e := Entry{
		Time: r.now(), Context: r.Context, User: localUser(), Action: p.Action, Cluster: p.Cluster, Target: p.Target,
		Plan: p.Summary, Outcome: o, Message: msg, Step: step,
	}
	if o != OutcomeStep {
		e.Changes = p.Changes
	}
	if r.run != nil {
		e.Run, e.PID, e.Host = r.run.id, r.run.owner.PID, r.run.owner.Host
	}
	return e
}

// journalStep records a step of a begun action (watch observations are
// not steps: the final entry says how the watch ended).
func (r *Runner) journalStep(step, msg string) {
	if r.run == nil || r.Journal == nil {
		return
	}
	switch step {
	case "watch", "journal", "stalled", "done":
		return
	}
	if err := r.Journal.Append(r.entry(r.run.plan, OutcomeStep, step, msg)); err != nil {
		r.emit(Event{Step: "journal", Message: "could not write the journal: " + err.Error()})
	}
}

// Final reports whether e ends an action (or is a dry run or refusal),
// rather than recording its start or one of its steps.
func (e Entry) Final() bool { return e.Outcome != OutcomeStarted && e.Outcome != OutcomeStep }

// Actions reads the journal as a person wants it: one line per action.
// Every final entry is kept, in order; a run that started but has no final
// entry is shown by its start, as OutcomeRunning while its process still
// holds its lock and OutcomeInterrupted when that process is gone, with the
// last step it recorded (where it stopped).
func (j *Journal) Actions() ([]Entry, error) {
	entries, err := j.Read()
	return CollapseRuns(entries), err
}

// CollapseRuns is Actions over entries already read.
func CollapseRuns(entries []Entry) []Entry {
	ended := map[string]bool{}
	last := map[string]Entry{}
	for _, e := range entries {
		if e.Run == "" {
			continue
		}
		if e.Final() {
			ended[e.Run] = true
		} else {
			last[e.Run] = e
		}
	}
	var out []Entry
	for _, e := range entries {
		switch {
		case e.Final():
			out = append(out, e)
		case e.Outcome == OutcomeStarted && !ended[e.Run]:
			e.Outcome = OutcomeInterrupted
			if runLive(e) {
				e.Outcome = OutcomeRunning
			}
			e.Message = "no end recorded (" + string(e.Outcome) + ")"
			if l := last[e.Run]; l.Outcome == OutcomeStep {
				e.Message += "; last step " + l.Time.UTC().Format("15:04:05") + ": " + l.Message
			} else {
				e.Message += "; no step was recorded after it started"
			}
			out = append(out, e)
		}
	}
	return out
}

// runLive reports whether the process that started the entry's run still
// holds the run's lock.
func runLive(e Entry) bool {
	path := runLockPath(e.Run)
	if e.Action != ActionDrain && e.Action != ActionRollingDrain {
		path = ActionLockPath(e.Context, Plan{Action: e.Action, Cluster: e.Cluster, Target: e.Target})
	}
	o, held := lockOwner(path)
	return held && o.Run == e.Run
}
