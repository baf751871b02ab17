package sim

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// Instance refresh (Rolling strategy, MaxHealthyPercentage unset): instances
// that need replacing (all in service, or with SkipMatching those not on the
// desired launch template version) are terminated a batch at a time, where
// the batch is what minimum healthy percentage leaves out of service
// (desired − ceil(desired × min/100), at least one); the group launches the
// replacements with the desired version at once. An instance counts as
// updated when a replacement has been InService for the instance warmup
// (preference, else the group's default warmup, else its health check grace
// period). After each checkpoint the refresh waits the checkpoint delay. On
// success the group launches the desired version from then on. Terminations
// go through the group's termination hooks, so with ECS managed draining each
// replaced instance is drained first. Instances protected from scale in are
// replaced (Refresh), skipped (Ignore) or waited for up to an hour (Wait,
// AWS's default), after which the refresh fails. A rollback replaces the
// instances the refresh replaced with the previous version; a cancel stops
// starting replacements and ends once those in flight are done.

// Auto Scaling error codes of the instance refresh API.
const (
	codeRefreshInProgress = "InstanceRefreshInProgress"
	codeNoActiveRefresh   = "ActiveInstanceRefreshNotFound"
	codeIrreversible      = "IrreversibleInstanceRefresh"
)

// protectedWait is how long a refresh with ScaleInProtectedInstances=Wait
// waits for protection to be removed.
const protectedWait = time.Hour

type instanceRefresh struct {
	id     string
	group  *asg
	status string
	reason string
	start  time.Time
	end    time.Time
	prefs  model.RefreshPreferences

	desired        *model.LaunchTemplateRef
	desiredVersion int // resolved; 0 without a desired configuration
	prevSpec       string
	prevVersion    int

	pending    []*ec2Instance // still to terminate, in order
	terminated []*ec2Instance // terminated by this pass
	total      int
	checkpoint int       // index of the next checkpoint
	pauseUntil time.Time // a checkpoint delay
	waitSince  time.Time // waiting for protected instances
	done       int

	rollback *refreshRollback
}

type refreshRollback struct {
	reason            string
	start             time.Time
	total, done, left int
}

// active is the group's refresh that still changes it, if any.
func (g *asg) activeRefresh() *instanceRefresh {
	for i := len(g.refreshes) - 1; i >= 0; i-- {
		if model.RefreshActive(g.refreshes[i].status) {
			return g.refreshes[i]
		}
	}
	return nil
}

// StartInstanceRefresh starts a refresh of a group and returns its id.
func (w *World) StartInstanceRefresh(in model.RefreshInput) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.asgs[model.ASGNameFromARN(in.AutoScalingGroupName)]
	if !ok {
		return "", errGroup(in.AutoScalingGroupName)
	}
	if g.activeRefresh() != nil {
		return "", simapi.Errorf(codeRefreshInProgress, "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.")
	}
	p := in.Preferences
	if v := p.MinHealthyPercentage; v != nil && (*v < 0 || *v > 100) {
		return "", simapi.Errorf(simapi.CodeValidationError, "1 validation error detected: Value '%d' at 'preferences.minHealthyPercentage' failed to satisfy constraint: Member must have value between 0 and 100", *v)
	}
	if p.CheckpointDelay != nil && len(p.CheckpointPercentages) == 0 {
		return "", simapi.Errorf(simapi.CodeValidationError, "CheckpointDelay can only be specified together with CheckpointPercentages.")
	}
	for i, c := range p.CheckpointPercentages {
		if c < 1 || c > 100 || (i > 0 && c <= p.CheckpointPercentages[i-1]) {
			return "", simapi.Errorf(simapi.CodeValidationError, "CheckpointPercentages must be unique values between 1 and 100 in ascending order.")
		}
	}
	switch p.ScaleInProtectedInstances {
	case "", model.ProtectedRefresh, model.ProtectedIgnore, model.ProtectedWait:
	default:
		return "", simapi.Errorf(simapi.CodeValidationError, "Invalid value for ScaleInProtectedInstances: %s", p.ScaleInProtectedInstances)
	}
	r := &instanceRefresh{id: w.uuid(), group: g, status: model.RefreshPending, start: w.now, prefs: p,
		prevSpec: g.ltSpec, prevVersion: g.launchVersion()}
	if d := in.Desired; d != nil {
		if (d.Name != "" && d.Name != g.ltName) || (d.ID != "" && d.ID != g.launchTemplate) {
			return "", simapi.Errorf(simapi.CodeValidationError, "The specified launch template %s does not exist.", d)
		}
		v := g.resolveVersion(d.Version)
		if n, err := strconv.Atoi(d.Version); d.Version != "" && !d.Symbolic() && (err != nil || n < 1 || n > len(g.ltVersions)) {
			return "", simapi.Errorf(simapi.CodeValidationError, "The specified launch template version %s does not exist.", d.Version)
		}
		ref := g.templateRef(cmp.Or(d.Version, "$Default"))
		r.desired, r.desiredVersion = &ref, v
	}
	g.refreshes = append(g.refreshes, r)
	return r.id, nil
}

// DescribeInstanceRefreshes describes a group's refreshes, newest first.
func (w *World) DescribeInstanceRefreshes(group string, ids []string) ([]model.InstanceRefresh, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.asgs[model.ASGNameFromARN(group)]
	if !ok {
		return nil, errGroup(group)
	}
	var out []model.InstanceRefresh
	for i := len(g.refreshes) - 1; i >= 0; i-- {
		r := g.refreshes[i]
		if len(ids) > 0 && !slices.Contains(ids, r.id) {
			continue
		}
		out = append(out, r.model())
	}
	return out, nil
}

func (r *instanceRefresh) model() model.InstanceRefresh {
	m := model.InstanceRefresh{ID: r.id, AutoScalingGroupName: r.group.name, Status: r.status, StatusReason: r.reason,
		StartTime: r.start, EndTime: r.end, Preferences: r.prefs, Desired: r.desired}
	m.PercentageComplete, m.InstancesToUpdate = 100, 0
	if r.total > 0 {
		m.PercentageComplete, m.InstancesToUpdate = r.done*100/r.total, r.total-r.done
	} else if r.status == model.RefreshPending {
		m.PercentageComplete = 0
	}
	if rb := r.rollback; rb != nil {
		m.Rollback = &model.RefreshRollback{Reason: rb.reason, StartTime: rb.start, InstancesToUpdate: rb.left, PercentageComplete: 100}
		if rb.total > 0 {
			m.Rollback.PercentageComplete = rb.done * 100 / rb.total
		}
	}
	return m
}

// CancelInstanceRefresh cancels the group's refresh (or rollback) in
// progress; replacements already started finish.
func (w *World) CancelInstanceRefresh(group string) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.asgs[model.ASGNameFromARN(group)]
	if !ok {
		return "", errGroup(group)
	}
	r := g.activeRefresh()
	if r == nil || r.status == model.RefreshCancelling {
		return "", simapi.Errorf(codeNoActiveRefresh, "No in progress or pending Instance Refresh found for Auto Scaling group %s", g.name)
	}
	r.status, r.reason = model.RefreshCancelling, "Instance refresh is being cancelled by the user."
	r.pending = nil
	return r.id, nil
}

// RollbackInstanceRefresh rolls the group's refresh back: the instances it
// replaced are replaced again with the configuration of before the refresh.
func (w *World) RollbackInstanceRefresh(group string) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.asgs[model.ASGNameFromARN(group)]
	if !ok {
		return "", errGroup(group)
	}
	r := g.activeRefresh()
	if r == nil || r.status == model.RefreshCancelling || r.status == model.RefreshRollbackInProgress {
		return "", simapi.Errorf(codeNoActiveRefresh, "No in progress or pending Instance Refresh found for Auto Scaling group %s", g.name)
	}
	if r.desired == nil {
		return "", simapi.Errorf(codeIrreversible, "The instance refresh cannot be rolled back because no desired configuration was specified when it started.")
	}
	if (model.LaunchTemplateRef{Version: r.prevSpec}).Symbolic() {
		return "", simapi.Errorf(codeIrreversible, "The instance refresh cannot be rolled back because the Auto Scaling group uses the launch template's %s version.", cmp.Or(r.prevSpec, "$Default"))
	}
	r.startRollback(w.now, "Rollback initiated by user.")
	return r.id, nil
}

func (r *instanceRefresh) startRollback(now time.Time, reason string) {
	r.status, r.reason = model.RefreshRollbackInProgress, reason
	r.rollback = &refreshRollback{reason: reason, start: now}
	r.pending, r.terminated = nil, nil
	for _, e := range r.group.members {
		if e.inService() && e.ltVersion == r.desiredVersion && !e.launchTime.Before(r.start) {
			r.pending = append(r.pending, e)
		}
	}
	r.rollback.total, r.rollback.left = len(r.pending), len(r.pending)
	r.pauseUntil = time.Time{}
}

// stepRefreshes advances every group's active refresh by one tick.
func (w *World) stepRefreshes() {
	for _, name := range w.asgOrder {
		if r := w.asgs[name].activeRefresh(); r != nil {
			w.stepRefresh(r)
		}
	}
}

func (w *World) stepRefresh(r *instanceRefresh) {
	g := r.group
	if r.status == model.RefreshPending {
		if !w.selectForRefresh(r) {
			return
		}
		r.status, r.reason = model.RefreshInProgress, ""
	}
	target, since := r.desiredVersion, r.start
	if r.status == model.RefreshRollbackInProgress {
		target, since = r.prevVersion, r.rollback.start
	}
	warmup := r.warmup()
	warm := 0
	for _, e := range g.members {
		if e.inService() && e.state == "running" && e.ltVersion == target && !e.launchTime.Before(since) &&
			!w.now.Before(e.runningAt.Add(warmup)) && !slices.Contains(r.terminated, e) {
			warm++
		}
	}
	done := min(len(r.terminated), warm)
	inFlight := len(r.terminated) - done
	if rb := r.rollback; rb != nil {
		rb.done, rb.left = done, rb.total-done
	} else {
		r.done = done
	}
	switch r.status {
	case model.RefreshCancelling:
		if inFlight == 0 {
			r.finish(w.now, model.RefreshCancelled, "Instance refresh was cancelled by the user.")
		}
		return
	case model.RefreshRollbackInProgress:
		if len(r.pending) == 0 && inFlight == 0 {
			r.finish(w.now, model.RefreshRollbackSuccessful, "Instance refresh was rolled back.")
			return
		}
		w.replaceBatch(r, inFlight, len(r.terminated)+len(r.pending))
		return
	}
	if len(r.pending) == 0 && inFlight == 0 {
		if r.desired != nil && !r.desired.Symbolic() {
			g.ltSpec = r.desired.Version
		}
		r.finish(w.now, model.RefreshSuccessful, "")
		return
	}
	if w.now.Before(r.pauseUntil) {
		return
	}
	limit := r.total
	cps := r.prefs.CheckpointPercentages
	if r.checkpoint < len(cps) {
		limit = (r.total*cps[r.checkpoint] + 99) / 100
		if done >= limit && inFlight == 0 && len(r.pending) > 0 {
			delay := r.prefs.Delay()
			r.pauseUntil = w.now.Add(delay)
			r.reason = fmt.Sprintf("Instance refresh reached checkpoint %d%%; waiting %d seconds before continuing.", cps[r.checkpoint], int(delay.Seconds()))
			r.checkpoint++
			return
		}
	}
	r.reason = ""
	w.replaceBatch(r, inFlight, limit)
}

// replaceBatch terminates pending instances while fewer than the batch are
// out of service and fewer than limit have been started.
func (w *World) replaceBatch(r *instanceRefresh, inFlight, limit int) {
	batch := max(1, r.group.desired-(r.group.desired*r.prefs.MinHealthy()+99)/100)
	for inFlight < batch && len(r.pending) > 0 && len(r.terminated) < limit {
		e := r.pending[0]
		r.pending = r.pending[1:]
		if !e.inService() {
			// Gone already (scaled in, or terminated by hand): nothing to replace.
			r.total--
			if rb := r.rollback; rb != nil {
				rb.total--
			}
			continue
		}
		w.beginTermination(e)
		r.terminated = append(r.terminated, e)
		inFlight++
	}
}

// selectForRefresh picks the instances to replace; false while waiting for
// protected instances (or after failing on them).
func (w *World) selectForRefresh(r *instanceRefresh) bool {
	var todo, protected []*ec2Instance
	for _, e := range r.group.members {
		if !e.inService() {
			continue
		}
		if r.prefs.SkipMatching && r.desiredVersion != 0 && e.ltVersion == r.desiredVersion {
			continue
		}
		if r.prefs.SkipMatching && r.desiredVersion == 0 && e.ltVersion == r.prevVersion {
			continue
		}
		if e.protected {
			switch r.prefs.ProtectedBehaviour() {
			case model.ProtectedIgnore:
				continue
			case model.ProtectedWait:
				protected = append(protected, e)
				continue
			}
		}
		todo = append(todo, e)
	}
	if len(protected) > 0 {
		if r.waitSince.IsZero() {
			r.waitSince = w.now
		}
		if w.now.Sub(r.waitSince) >= protectedWait {
			r.finish(w.now, model.RefreshFailed, fmt.Sprintf("%d instances are protected from scale in; remove their protection or start the refresh with ScaleInProtectedInstances set to Refresh or Ignore.", len(protected)))
			return false
		}
		r.reason = fmt.Sprintf("Waiting for %d instances protected from scale in to be unprotected.", len(protected))
		return false
	}
	slices.SortStableFunc(todo, func(a, b *ec2Instance) int { return a.launchTime.Compare(b.launchTime) })
	r.pending, r.total = todo, len(todo)
	if r.desiredVersion == 0 {
		r.desiredVersion = r.group.launchVersion()
	}
	return true
}

func (r *instanceRefresh) warmup() time.Duration {
	if v := r.prefs.InstanceWarmup; v != nil {
		return time.Duration(*v) * time.Second
	}
	if r.group.instanceWarmup > 0 {
		return r.group.instanceWarmup
	}
	return r.group.healthGrace
}

func (r *instanceRefresh) finish(now time.Time, status, reason string) {
	r.status, r.reason, r.end = status, reason, now
	r.pending = nil
	if status == model.RefreshSuccessful {
		r.done = r.total
	}
}
