package ops

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// Drain board states of one instance.
const (
	DrainPending     = "pending"     // not started
	DrainDraining    = "draining"    // DRAINING, tasks leaving
	DrainBlocked     = "blocked"     // only standalone tasks left and we may not stop them
	DrainTerminating = "terminating" // terminate requested (persisted before the call)
	DrainTerminated  = "terminated"  // terminated, waiting for its replacement
	DrainReplaced    = "replaced"    // a replacement registered ACTIVE
	DrainFailed      = "failed"
)

// Rolling drain run statuses.
const (
	RunRunning = "running"
	RunPaused  = "paused"
	RunAborted = "aborted"
	RunDone    = "done"
	RunFailed  = "failed"
	// RunInterrupted is never saved: it is how a run saved as running reads
	// when no live process owns it (the process crashed or was killed).
	RunInterrupted = "interrupted"
)

// InstanceProgress is one row of the drain board.
type InstanceProgress struct {
	ContainerInstance string   `json:"container_instance"`
	ARN               string   `json:"arn"`
	EC2InstanceID     string   `json:"ec2_instance_id"`
	State             string   `json:"state"`
	TasksLeft         int      `json:"tasks_left"`
	Standalone        []string `json:"standalone,omitempty"` // ids of standalone tasks still there
	Replacement       string   `json:"replacement,omitempty"`
	Note              string   `json:"note,omitempty"`

	// Group is the instance's Auto Scaling group; TerminatedAt when ecstui
	// terminated it; Lifecycle its last Auto Scaling lifecycle state seen
	// (drain_capacity.go).
	Group        string    `json:"group,omitempty"`
	TerminatedAt time.Time `json:"terminated_at,omitzero"`
	Lifecycle    string    `json:"lifecycle,omitempty"`
}

// DrainRun is the persisted state of a (rolling) drain-and-replace, written
// after every state change so `ecstui drain --resume ID` can carry on.
type DrainRun struct {
	ID             string             `json:"id"`
	Context        string             `json:"context,omitempty"`
	Cluster        string             `json:"cluster"`
	Batch          int                `json:"batch"`
	StopStandalone bool               `json:"stop_standalone"`
	Status         string             `json:"status"`
	Started        bool               `json:"started"` // an executor has run it at least once
	Reason         string             `json:"reason,omitempty"`
	Instances      []InstanceProgress `json:"instances"`
	// Known lists every container instance ARN seen so far: a replacement is
	// an ACTIVE instance not in it.
	Known []string `json:"known"`
	// Services had tasks on the drained instances: the board follows them.
	Services []string  `json:"services,omitempty"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`

	// On groups that are not classic (drain_capacity.go): ECSDrains lets
	// ECS drain on termination; Desired is each group's desired capacity
	// last seen and Lowered the groups whose desired capacity managed
	// scaling lowered during the run; Hooks their termination hooks;
	// ProtectGroups the groups where the run protects its replacements from
	// scale-in, and Protected those it protected.
	ECSDrains     bool                   `json:"ecs_drains,omitempty"`
	Desired       map[string]int         `json:"desired,omitempty"`
	Lowered       []string               `json:"lowered,omitempty"`
	Hooks         map[string][]HookRef   `json:"hooks,omitempty"`
	ProtectGroups []string               `json:"protect_groups,omitempty"`
	Protected     []ProtectedReplacement `json:"protected,omitempty"`

	path string
}

// DrainPath is where a run with id is persisted.
func DrainPath(id string) string { return filepath.Join(StateDir(), "drain-"+id+".json") }

// NewDrainRun starts the persisted state of a drain of the plan's targets.
func NewDrainRun(st ClusterState, sel Selection, batch int, stopStandalone bool, now time.Time, context string) *DrainRun {
	var b [3]byte
	_, _ = rand.Read(b[:])
	run := &DrainRun{
		ID: now.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:]), Context: context,
		Cluster: st.Cluster, Batch: batch, StopStandalone: stopStandalone, Status: RunRunning,
		Created: now, Updated: now,
	}
	targets, _ := st.Select(sel)
	for _, ci := range targets {
		run.Instances = append(run.Instances, InstanceProgress{ContainerInstance: ci.ID, ARN: ci.ARN, EC2InstanceID: ci.EC2InstanceID, State: DrainPending, TasksLeft: len(st.TasksOn(ci))})
	}
	for _, ci := range st.Instances {
		run.Known = append(run.Known, ci.ARN)
	}
	run.path = DrainPath(run.ID)
	return run
}

// LoadDrainRun reads a persisted run.
func LoadDrainRun(id string) (*DrainRun, error) {
	// An id is a file name in the state directory, never a path.
	if id == "" || strings.ContainsAny(id, `/\`) || id != filepath.Clean(id) || strings.HasPrefix(id, ".") {
		return nil, fmt.Errorf("%q is not a drain run id (ecstui drain --list shows them)", id)
	}
	run, err := LoadDrainRunFile(DrainPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no saved drain run %q in %s (ecstui drain --list shows them)", id, StateDir())
	}
	return run, err
}

// ListDrainRuns returns every persisted run in the state directory, oldest
// first; unreadable files are skipped (they are reported by LoadDrainRun).
func ListDrainRuns() ([]*DrainRun, error) {
	paths, err := filepath.Glob(filepath.Join(StateDir(), "drain-*.json"))
	if err != nil {
		return nil, err
	}
	var runs []*DrainRun
	for _, p := range paths {
		if run, err := LoadDrainRunFile(p); err == nil {
			runs = append(runs, run)
		}
	}
	slices.SortFunc(runs, func(a, b *DrainRun) int { return a.Created.Compare(b.Created) })
	return runs, nil
}

// LoadDrainRunFile reads a persisted run from a path.
func LoadDrainRunFile(path string) (*DrainRun, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("drain run: %w", err)
	}
	var run DrainRun
	if err := json.Unmarshal(b, &run); err != nil {
		return nil, fmt.Errorf("drain run %s: %w", path, err)
	}
	run.path = path
	return &run, nil
}

// reload replaces the run with its saved state, when one exists.
func (d *DrainRun) reload() error {
	fresh, err := LoadDrainRunFile(d.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fresh.ID != d.ID {
		return fmt.Errorf("drain state %s holds run %s, not %s", d.path, fresh.ID, d.ID)
	}
	*d = *fresh
	return nil
}

// SetPath overrides where the run is persisted (tests, or a custom state dir).
func (d *DrainRun) SetPath(p string) { d.path = p }

// Path is where the run is persisted.
func (d *DrainRun) Path() string { return d.path }

// Save writes the run atomically: a private temp file in the same
// directory, synced, then renamed over the state file, so a kill mid-write
// never leaves a half file to resume from. An error means the file still
// holds the previous state; callers stop the run on it.
func (d *DrainRun) Save(now time.Time) error {
	d.Updated = now
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(d.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving drain state %s: %w", d.path, err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(d.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("saving drain state %s: %w", d.path, err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, d.path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("saving drain state %s: %w", d.path, err)
	}
	return nil
}

// DrainAPI is what the drain executor calls.
type DrainAPI interface {
	ClusterReader
	DescribeServices(ctx context.Context, cluster string, names []string) ([]model.Service, []model.Failure, error)
	DescribeContainerInstances(ctx context.Context, cluster string, ids []string) ([]model.ContainerInstance, []model.Failure, error)
	UpdateContainerInstancesState(ctx context.Context, cluster string, ids []string, status string) ([]model.ContainerInstance, []model.Failure, error)
	StopTask(ctx context.Context, cluster, task, reason string) (model.Task, error)
	TerminateInstanceInAutoScalingGroup(ctx context.Context, instanceID string, decrementDesired bool) (model.ScalingActivity, error)
}

// DrainControl lets a board pause a rolling drain between batches.
type DrainControl struct {
	// Paused is asked before each batch; true stops the run in state paused.
	Paused func() bool
}

// Drain runs (or resumes) a drain-and-replace: batch by batch, a headroom
// check, DRAINING, tasks leave (standalone ones stopped only when allowed), a
// last check that the instance is empty, terminate without decrement, wait for
// the replacement. State is saved after every change.
func (r *Runner) Drain(ctx context.Context, api DrainAPI, p Plan, run *DrainRun, ctl DrainControl) Result {
	// Only a fresh run is refused on the plan's blockers; a resumed one
	// re-checks headroom before each batch instead.
	if !run.Started {
		if res, refused := r.refuse(p); refused {
			return res
		}
	}
	// One owner at a time: the run and each of its instances are locked by
	// this process until it returns (or dies).
	lease, err := run.Acquire(r.now())
	if err != nil {
		res := Result{Action: p.Action, DrainID: run.ID, Outcome: OutcomeRefused, Message: "refused: " + err.Error(), NotDone: p.Changes}
		if !IsHeld(err) {
			return r.finish(p, Result{Action: p.Action, DrainID: run.ID, NotDone: p.Changes}, err, "locking the drain run")
		}
		r.Record(p, res)
		r.emit(Event{Step: "done", Message: string(res.Outcome) + ": " + res.Message})
		return res
	}
	defer lease.Release()
	// Another process may have carried the run on since it was read: go on
	// from the state on disk, never from a stale copy.
	if err := run.reload(); err != nil {
		return r.finish(p, Result{Action: p.Action, DrainID: run.ID}, err, "reading the drain state")
	}
	// The run's own locks are held: journal it under its id, with each step.
	if res, refused := r.beginRun(p, run.ID, false); refused {
		res.DrainID = run.ID
		return res
	}
	defer r.end()
	run.Started = true
	run.Status, run.Reason = RunRunning, ""
	for i := range run.Instances {
		if ip := &run.Instances[i]; ip.State == DrainBlocked {
			// Someone may have stopped the standalone tasks since: look again.
			ip.State, ip.Note = DrainDraining, ""
		}
	}
	res := Result{Action: p.Action, DrainID: run.ID}
	save := func() error {
		err := run.Save(r.now())
		r.emit(Event{Step: "drain", Message: run.Status, Instances: slices.Clone(run.Instances)})
		return err
	}
	if err := save(); err != nil {
		return r.finish(p, res, err, "saving the drain state")
	}
	err = r.drainLoop(ctx, api, run, ctl, &res)
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		run.Status = RunAborted
	case err != nil:
		run.Status, run.Reason = RunFailed, err.Error()
	}
	if serr := run.Save(r.now()); serr != nil {
		// The file still holds the last state saved; say so, and fail the
		// run if nothing worse already did.
		res.NotDone = append(res.NotDone, "the final drain state could not be saved ("+serr.Error()+"); "+run.path+" shows an earlier state")
		if err == nil {
			err = fmt.Errorf("saving the final drain state: %w", serr)
		}
	}
	if err == nil && run.Status == RunDone {
		r.releaseProtection(ctx, api, run, &res)
		if serr := run.Save(r.now()); serr != nil {
			err = fmt.Errorf("saving the final drain state: %w", serr)
		}
	}
	res.Instances = slices.Clone(run.Instances)
	for _, ip := range run.Instances {
		switch ip.State {
		case DrainNotReplaced:
			res.Done = append(res.Done, ip.EC2InstanceID+" drained and terminated; "+ip.Note)
		case DrainReplaced:
			res.Done = append(res.Done, fmt.Sprintf("%s drained, terminated, replaced by %s", ip.EC2InstanceID, ip.Replacement))
		case DrainTerminated:
			res.Done = append(res.Done, ip.EC2InstanceID+" drained and terminated")
			res.NotDone = append(res.NotDone, ip.EC2InstanceID+": replacement not yet ACTIVE")
		default:
			res.NotDone = append(res.NotDone, fmt.Sprintf("%s: %s, %d tasks left %s", ip.EC2InstanceID, ip.State, ip.TasksLeft, ip.Note))
		}
	}
	if err != nil {
		res.NotDone = append(res.NotDone, "resume with: ecstui drain --resume "+run.ID)
		return r.finish(p, res, err, "draining")
	}
	switch run.Status {
	case RunDone:
		res.Outcome = OutcomeSuccess
		res.Message = fmt.Sprintf("%s drained and replaced", plural(len(run.Instances), "instance", "instances"))
	default:
		res.Outcome = OutcomePartial
		res.Message = "stopped (" + run.Status + "): " + run.Reason + "; resume with: ecstui drain --resume " + run.ID
	}
	return r.finish(p, res, nil, "")
}

func (r *Runner) drainLoop(ctx context.Context, api DrainAPI, run *DrainRun, ctl DrainControl, res *Result) error {
	for {
		// In-flight instances first (a resumed run), then the next pending batch.
		var batch []int
		for i, ip := range run.Instances {
			if ip.State == DrainDraining || ip.State == DrainTerminating || ip.State == DrainTerminated || ip.State == DrainECS {
				batch = append(batch, i)
			}
		}
		if len(batch) == 0 {
			if ctl.Paused != nil && ctl.Paused() {
				run.Status, run.Reason = RunPaused, "paused by the user"
				return nil
			}
			for i, ip := range run.Instances {
				if ip.State == DrainPending && len(batch) < run.Batch {
					batch = append(batch, i)
				}
			}
		}
		if len(batch) == 0 {
			for _, ip := range run.Instances {
				if ip.State == DrainBlocked || ip.State == DrainFailed {
					run.Status, run.Reason = RunPaused, "some instances could not be drained: "+ip.EC2InstanceID+": "+ip.Note
					return nil
				}
			}
			run.Status = RunDone
			return nil
		}
		if err := r.drainBatch(ctx, api, run, batch); err != nil {
			return err
		}
		if run.Status != RunRunning {
			return nil
		}
	}
}

func (r *Runner) drainBatch(ctx context.Context, api DrainAPI, run *DrainRun, batch []int) error {
	save := func() error {
		err := run.Save(r.now())
		r.emit(Event{Step: "drain", Message: run.Status, Instances: slices.Clone(run.Instances)})
		return err
	}
	// Headroom before touching pending instances.
	var pending []string
	for _, i := range batch {
		if run.Instances[i].State == DrainPending {
			pending = append(pending, run.Instances[i].ARN)
		}
	}
	if len(pending) > 0 {
		st, err := GatherCluster(ctx, api, run.Cluster)
		if err != nil {
			return err
		}
		var cis []model.ContainerInstance
		for _, arn := range pending {
			if ci, ok := st.Instance(arn); ok {
				cis = append(cis, ci)
			}
		}
		if h := st.Headroom(cis); h != "" && !r.Override {
			run.Status, run.Reason = RunPaused, "headroom check before the next batch: "+h
			return save()
		}
		if why := r.refreshBlocks(ctx, api, run); why != "" {
			run.Status, run.Reason = RunPaused, why
			return save()
		}
		if run.ECSDrains {
			if err := r.terminateForECS(ctx, api, run, batch, save); err != nil {
				return err
			}
			pending = nil
		}
	}
	if len(pending) > 0 {
		r.step("drain", "setting %s DRAINING", plural(len(pending), "instance", "instances"))
		var fails []model.Failure
		for i := 0; i < len(pending); i += 10 { // ECS takes at most 10 per call
			_, f, err := api.UpdateContainerInstancesState(ctx, run.Cluster, pending[i:min(len(pending), i+10)], model.InstanceDraining)
			if err != nil {
				return err
			}
			fails = append(fails, f...)
		}
		for _, i := range batch {
			ip := &run.Instances[i]
			if ip.State != DrainPending {
				continue
			}
			ip.State = DrainDraining
			for _, f := range fails {
				if f.ARN == ip.ARN || model.ResourceID(f.ARN) == ip.ContainerInstance {
					ip.State, ip.Note = DrainFailed, "DRAINING refused: "+f.String()
				}
			}
		}
		if err := save(); err != nil {
			return err
		}
	}

	deadline := r.now().Add(r.timeout())
	for {
		busy := false
		for _, i := range batch {
			ip := &run.Instances[i]
			switch ip.State {
			case DrainDraining, DrainTerminating:
				done, err := r.drainStep(ctx, api, run, ip)
				if err != nil {
					return err
				}
				busy = busy || !done
			case DrainECS:
				if err := r.ecsDrainStep(ctx, api, run, ip); err != nil {
					return err
				}
				busy = true
			case DrainTerminated:
				busy = true
			}
		}
		if err := r.adoptReplacements(ctx, api, run, batch); err != nil {
			return err
		}
		if err := r.observeGroups(ctx, api, run, batch); err != nil {
			return err
		}
		if err := run.Save(r.now()); err != nil {
			return err
		}
		r.emit(Event{Step: "drain", Message: run.Status, Instances: slices.Clone(run.Instances), Services: serviceCounts(ctx, api, run)})
		left := slices.ContainsFunc(batch, func(i int) bool {
			s := run.Instances[i].State
			return s == DrainDraining || s == DrainTerminating || s == DrainTerminated || s == DrainECS
		})
		if !left {
			return nil
		}
		if r.now().After(deadline) {
			return fmt.Errorf("batch not finished after %s", r.timeout())
		}
		if err := r.wait(ctx); err != nil {
			return err
		}
	}
}

// drainStep observes one draining instance and terminates it once empty. It
// reports done when nothing more is to be done for it in this batch.
func (r *Runner) drainStep(ctx context.Context, api DrainAPI, run *DrainRun, ip *InstanceProgress) (bool, error) {
	cis, _, err := api.DescribeContainerInstances(ctx, run.Cluster, []string{ip.ARN})
	if err != nil {
		return false, err
	}
	if len(cis) == 0 || cis[0].Status == model.InstanceInactive || cis[0].Status == model.InstanceDeregistering {
		// Gone from the cluster: it was terminated (perhaps by us before a crash).
		if ip.State == DrainTerminating {
			ip.State, ip.TasksLeft = DrainTerminated, 0
		} else {
			ip.State, ip.Note = DrainFailed, "the instance left the cluster while draining"
		}
		return true, nil
	}
	tasks, _, err := api.Tasks(ctx, run.Cluster, model.TaskFilter{ContainerInstance: ip.ARN}, nil)
	if err != nil {
		return false, err
	}
	var standalone []string
	live := 0
	for _, t := range tasks {
		if t.LastStatus == model.StatusStopped {
			continue
		}
		live++
		if name := t.ServiceName(); name == "" {
			standalone = append(standalone, t.ID)
		} else if !slices.Contains(run.Services, name) {
			run.Services = append(run.Services, name)
		}
	}
	ip.TasksLeft, ip.Standalone = live, standalone
	if live > 0 || cis[0].RunningTasksCount+cis[0].PendingTasksCount > 0 {
		if ip.State == DrainTerminating {
			// Never terminate an instance that still runs tasks, even on resume.
			ip.State = DrainDraining
		}
		if len(standalone) > 0 && len(standalone) == live {
			if !run.StopStandalone {
				ip.State, ip.Note = DrainBlocked, fmt.Sprintf("%d standalone tasks still running; draining does not move them", len(standalone))
				return true, nil
			}
			for _, id := range standalone {
				r.step("stop", "stopping standalone task %s on %s", id, ip.EC2InstanceID)
				if _, err := api.StopTask(ctx, run.Cluster, id, "ecstui drain of "+ip.EC2InstanceID); err != nil {
					return false, err
				}
			}
		}
		ip.Note = fmt.Sprintf("%d tasks left", live)
		return false, nil
	}
	// Empty: record the intent before the call so a crash in between is
	// resumed by re-checking, then terminate without decrementing.
	ip.State, ip.Note = DrainTerminating, "empty; terminating"
	if err := run.Save(r.now()); err != nil {
		return false, err
	}
	r.step("terminate", "terminating %s without decrementing desired capacity", ip.EC2InstanceID)
	if _, err := api.TerminateInstanceInAutoScalingGroup(ctx, ip.EC2InstanceID, false); err != nil {
		if !r.terminatedElsewhere(ctx, api, ip) {
			return false, fmt.Errorf("terminate %s: %w", ip.EC2InstanceID, err)
		}
		r.step("terminate", "%s is already terminating (Auto Scaling took it out of service)", ip.EC2InstanceID)
	}
	ip.State, ip.TerminatedAt, ip.Note = DrainTerminated, r.now(), "waiting for the replacement to register ACTIVE"
	return false, nil
}

// adoptReplacements pairs new ACTIVE instances with terminated ones.
func (r *Runner) adoptReplacements(ctx context.Context, api DrainAPI, run *DrainRun, batch []int) error {
	waiting := slices.ContainsFunc(batch, func(i int) bool { return run.Instances[i].State == DrainTerminated })
	if !waiting {
		return nil
	}
	cis, _, err := api.ContainerInstances(ctx, run.Cluster, model.InstanceActive)
	if err != nil {
		return err
	}
	for _, ci := range cis {
		if slices.Contains(run.Known, ci.ARN) || ci.Status != model.InstanceActive {
			continue
		}
		for _, i := range batch {
			ip := &run.Instances[i]
			if ip.State == DrainTerminated {
				ip.State, ip.Replacement, ip.Note = DrainReplaced, ci.EC2InstanceID, "replaced by "+ci.ID
				run.Known = append(run.Known, ci.ARN)
				r.step("replace", "%s replaced by %s", ip.EC2InstanceID, ci.EC2InstanceID)
				break
			}
		}
	}
	return nil
}

// serviceCounts observes the services a drain is moving. It is progress
// reporting only: a failed read shows nothing rather than stopping the drain.
func serviceCounts(ctx context.Context, api DrainAPI, run *DrainRun) []ServiceCount {
	var out []ServiceCount
	for i := 0; i < len(run.Services); i += 10 {
		svcs, _, err := api.DescribeServices(ctx, run.Cluster, run.Services[i:min(len(run.Services), i+10)])
		if err != nil {
			return nil
		}
		for _, s := range svcs {
			out = append(out, ServiceCount{Name: s.Name, Desired: s.DesiredCount, Running: s.RunningCount, Pending: s.PendingCount})
		}
	}
	return out
}
