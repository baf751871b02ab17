package ops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ecstui/ecstui/model"
)

// ServiceReader is what planning and watching service actions read.
type ServiceReader interface {
	DescribeServices(ctx context.Context, cluster string, names []string) ([]model.Service, []model.Failure, error)
	TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error)
	ContainerInstances(ctx context.Context, cluster string, status string) ([]model.ContainerInstance, []model.Failure, error)
	Tasks(ctx context.Context, cluster string, f model.TaskFilter, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error)
}

// ServiceAPI is what the service executors call.
type ServiceAPI interface {
	ServiceReader
	// RegisterTaskDefinitionWithImages registers a copy of the raw revision
	// base with only the named containers' images replaced.
	RegisterTaskDefinitionWithImages(ctx context.Context, base string, images map[string]string) (model.TaskDefinition, error)
	UpdateService(ctx context.Context, in model.ServiceUpdate) (model.Service, error)
}

// DescribeService describes one service, turning a per-item failure into an error.
func DescribeService(ctx context.Context, r ServiceReader, cluster, name string) (model.Service, error) {
	svcs, fails, err := r.DescribeServices(ctx, cluster, []string{name})
	if err != nil {
		return model.Service{}, err
	}
	for _, s := range svcs {
		if s.Name == name || s.ARN == name {
			return s, nil
		}
	}
	return model.Service{}, Missing("service", name, cluster, fails)
}

// GatherService reads what the service plans need. revision, when set, is
// resolved into st.Target.
func GatherService(ctx context.Context, r ServiceReader, cluster, service, revision string) (ServiceState, error) {
	var st ServiceState
	svc, err := DescribeService(ctx, r, cluster, service)
	if err != nil {
		return st, err
	}
	st.Service = svc
	cur := svc.TaskDefinitionARN
	if d, ok := svc.PrimaryDeployment(); ok && d.TaskDefinitionARN != "" {
		cur = d.TaskDefinitionARN
	}
	if st.Current, err = r.TaskDefinition(ctx, cur); err != nil {
		return st, fmt.Errorf("task definition of service %s: %w", service, err)
	}
	if revision != "" {
		td, err := r.TaskDefinition(ctx, revision)
		if err != nil {
			return st, wrapf(err, "task definition %s", revision)
		}
		st.Target = &td
	}
	if st.Instances, _, err = r.ContainerInstances(ctx, cluster, ""); err != nil {
		return st, fmt.Errorf("container instances of cluster %s: %w", cluster, err)
	}
	tasks, _, err := r.Tasks(ctx, cluster, model.TaskFilter{ServiceName: svc.Name}, nil)
	if err != nil {
		return st, fmt.Errorf("tasks of service %s: %w", service, err)
	}
	for _, t := range tasks {
		if t.LastStatus == model.StatusRunning || t.LastStatus == model.StatusPending || t.LastStatus == model.StatusProvisioning || t.LastStatus == model.StatusActivating {
			st.Tasks = append(st.Tasks, t)
		}
	}
	for _, d := range svc.Deployments {
		if d.Status != model.DeploymentPrimary && d.TaskDefinitionARN != st.Current.ARN {
			st.Previous = d.TaskDefinitionARN
			break
		}
	}
	if st.Previous == "" && st.Current.Revision > 1 {
		st.Previous = fmt.Sprintf("%s:%d", st.Current.Family, st.Current.Revision-1)
	}
	gatherScaling(ctx, r, &st, cluster)
	if rl, ok := r.(revisionLister); ok {
		// Only a convenience for choosing a revision: a failure loses nothing.
		st.Revisions, _ = rl.TaskDefinitionRevisions(ctx, st.Current.Family)
	}
	return st, nil
}

// revisionLister is the adapter's revision listing, used when available.
type revisionLister interface {
	TaskDefinitionRevisions(ctx context.Context, family string) ([]string, error)
}

// expectation is what an update asked ECS for, as facts a watch can check:
// the change is done only when the PRIMARY deployment shows all of them.
type expectation struct {
	taskDefinition string // the revision the PRIMARY must run
	desired        *int   // the desired count asked for, when one was
	newDeployment  bool   // a new deployment must appear (new revision, forced)
}

// unconfirmedLimit is how many observations a PRIMARY deployment at its
// count but without a rollout state is watched before the outcome is
// reported unknown: such an endpoint never says the deployment completed.
const unconfirmedLimit = 3

// UpdateService executes a deploy, rollback, scale or redeploy plan: register
// the new revision when the plan has one, call UpdateService, and (when
// watch) follow the deployment it started by id until it ends.
//
// Success is reported only for what was observed: the PRIMARY deployment
// runs the revision asked for, ECS says its rollout COMPLETED, and it runs
// its desired count. A deployment that fails, is rolled back or replaced,
// or never appears is a failure; a watch that stops or times out, or an
// endpoint that reports no rollout state, is OutcomeUnknown — ECS carries on
// either way, and the result says so. Without watch, success means ECS
// accepted the update and showed the deployment it started.
func (r *Runner) UpdateService(ctx context.Context, api ServiceAPI, p Plan, watch bool) Result {
	if res, refused := r.refuse(p); refused {
		return res
	}
	if res, refused := r.begin(p); refused {
		return res
	}
	defer r.end()
	res := Result{Action: p.Action, PreviousTaskDefinition: p.PreviousTaskDefinition}
	if p.Update == nil {
		return r.finish(p, res, fmt.Errorf("the plan has no service update"), "planning")
	}
	upd := *p.Update
	exp := expectation{desired: upd.DesiredCount, newDeployment: upd.ForceNewDeployment}
	if p.Scaling != nil {
		if err := r.adjustScaling(ctx, api, p); err != nil {
			res.NotDone = append(res.NotDone, p.Scaling.Changes...)
			res.NotDone = append(res.NotDone, "update service "+upd.Service)
			return r.finish(p, res, err, "changing the scalable target")
		}
		res.Done = append(res.Done, p.Scaling.Changes...)
	}
	if p.Register != nil {
		r.step("register", "registering a new revision of %s: a copy of %s with new images", p.Register.Expected.Family, model.ResourceID(p.Register.Base))
		td, err := api.RegisterTaskDefinitionWithImages(ctx, p.Register.Base, p.Register.Images)
		if err != nil {
			res.NotDone = append(res.NotDone, "register the new task definition", "update service "+upd.Service)
			return r.finish(p, res, err, "registering the task definition")
		}
		res.TaskDefinition = td.ARN
		res.Done = append(res.Done, "registered "+td.FamilyRevision())
		upd.TaskDefinition = td.ARN
		r.step("register", "registered %s", td.FamilyRevision())
	} else if upd.TaskDefinition != "" {
		res.TaskDefinition = upd.TaskDefinition
	}

	before, err := DescribeService(ctx, api, upd.Cluster, upd.Service)
	if err != nil {
		res.NotDone = append(res.NotDone, "update service "+upd.Service)
		return r.finish(p, res, err, "reading the service")
	}
	prevPrimary, _ := before.PrimaryDeployment()
	exp.taskDefinition = firstNonEmpty(prevPrimary.TaskDefinitionARN, before.TaskDefinitionARN)
	if upd.TaskDefinition != "" {
		exp.taskDefinition, exp.newDeployment = upd.TaskDefinition, true
	}
	r.step("update", "updating service %s", upd.Service)
	svc, err := api.UpdateService(ctx, upd)
	if err != nil {
		res.NotDone = append(res.NotDone, "update service "+upd.Service)
		return r.finish(p, res, err, "updating the service")
	}
	res.Done = append(res.Done, "updated service "+upd.Service)
	if exp.desired != nil && svc.DesiredCount != *exp.desired {
		res.Outcome = OutcomeFailed
		res.Message = fmt.Sprintf("ECS answered the update with desired count %d, not the %d asked for", svc.DesiredCount, *exp.desired)
		return r.finish(p, res, nil, "")
	}

	// A new deployment exists when the PRIMARY's id changed.
	primary, _ := svc.PrimaryDeployment()
	newDeployment := primary.ID != "" && primary.ID != prevPrimary.ID
	if exp.newDeployment && !newDeployment && watch {
		// ECS lists the new deployment in its answer; look once more before
		// concluding that none was started.
		if err := r.wait(ctx); err != nil {
			return r.stoppedWatchingECS(p, res, err, "the update was sent; no new deployment was seen yet")
		}
		again, err := DescribeService(ctx, api, upd.Cluster, upd.Service)
		if err != nil {
			return r.stoppedWatchingECS(p, res, err, "the update was sent; no new deployment was seen yet")
		}
		svc, primary = again, model.Deployment{}
		primary, _ = again.PrimaryDeployment()
		newDeployment = primary.ID != "" && primary.ID != prevPrimary.ID
	}
	if exp.newDeployment && !newDeployment {
		runs := model.ResourceID(firstNonEmpty(primary.TaskDefinitionARN, svc.TaskDefinitionARN))
		res.NotDone = append(res.NotDone, "roll out "+model.ResourceID(exp.taskDefinition))
		res.Outcome, res.Message = OutcomeFailed, fmt.Sprintf("ECS accepted the update but started no new deployment: service %s still runs %s", upd.Service, runs)
		if !watch {
			res.Outcome = OutcomeUnknown
			res.Message += " (not watching)"
		}
		return r.finish(p, res, nil, "")
	}
	if newDeployment {
		res.DeploymentID = primary.ID
		r.step("update", "deployment %s started", primary.ID)
	}
	if !watch {
		res.Outcome = OutcomeSuccess
		res.Message = "service updated; not watching"
		if newDeployment {
			res.Message = "deployment " + primary.ID + " started; not watching"
		}
		r.Record(p, res)
		return res
	}
	seen := eventIDs(before.Events)
	if newDeployment {
		return r.watchDeployment(ctx, api, p, res, upd.Cluster, upd.Service, primary.ID, seen, exp)
	}
	return r.watchSteady(ctx, api, p, res, upd.Cluster, upd.Service, seen, exp)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// stoppedWatchingECS ends a watch that stopped once the change was made:
// ctx cut it short (the user left or quit), or a read failed (the network,
// throttling, a permission). ECS carries on with the change either way, so
// the outcome is unknown, never "aborted" or "failed", and a read error is
// said.
func (r *Runner) stoppedWatchingECS(p Plan, res Result, err error, state string) Result {
	res.Outcome = OutcomeUnknown
	res.Message = "stopped watching; ECS continues: " + state
	res.NotDone = append(res.NotDone, "see it through: ECS carries on without ecstui")
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		res.Err = err
		res.Message = "stopped watching (" + err.Error() + "); ECS continues: " + state
	}
	r.Record(p, res)
	r.emit(Event{Step: "done", Message: string(res.Outcome) + ": " + res.Message})
	return res
}

func eventIDs(ev []model.ServiceEvent) map[string]bool {
	m := make(map[string]bool, len(ev))
	for _, e := range ev {
		m[e.ID] = true
	}
	return m
}

// newEvents returns the events not seen yet, oldest first, and marks them seen.
func newEvents(svc model.Service, seen map[string]bool) []model.ServiceEvent {
	var out []model.ServiceEvent
	for _, e := range svc.Events {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	// ECS lists events newest first; order by time anyway, not trusting it.
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b model.ServiceEvent) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

func progressOf(svc model.Service, id string, ev []model.ServiceEvent) *RolloutProgress {
	rp := &RolloutProgress{Service: svc.Name, DeploymentID: id, Desired: svc.DesiredCount, Running: svc.RunningCount, Pending: svc.PendingCount, NewEvents: ev}
	for _, d := range svc.Deployments {
		if d.ID == id {
			rp.New = d
			rp.RolloutState = d.RolloutState
			rp.Reason = d.RolloutStateReason
		} else {
			rp.Old = append(rp.Old, d)
		}
	}
	return rp
}

// verdict judges one observation of the deployment the update made against
// what was asked: done (success), failed, unconfirmed (at its count, but the
// endpoint reports no rollout state), or still going ("").
func verdict(svc model.Service, d model.Deployment, exp expectation) (state, why string) {
	primary, _ := svc.PrimaryDeployment()
	atCount := d.RunningCount == d.DesiredCount && d.PendingCount == 0 && (exp.desired == nil || d.DesiredCount == *exp.desired)
	switch {
	case d.RolloutState == model.RolloutCompleted && d.Status != model.DeploymentPrimary:
		return "failed", fmt.Sprintf("deployment %s completed but is not PRIMARY: the service runs %s (deployment %s)", d.ID, model.ResourceID(primary.TaskDefinitionARN), primary.ID)
	case d.RolloutState == model.RolloutCompleted && exp.taskDefinition != "" && d.TaskDefinitionARN != exp.taskDefinition:
		return "failed", fmt.Sprintf("deployment %s completed running %s, not %s", d.ID, model.ResourceID(d.TaskDefinitionARN), model.ResourceID(exp.taskDefinition))
	case d.RolloutState == model.RolloutCompleted && atCount:
		return "done", ""
	case d.RolloutState == "" && d.Status == model.DeploymentPrimary && len(svc.Deployments) == 1 && atCount &&
		(exp.taskDefinition == "" || d.TaskDefinitionARN == exp.taskDefinition):
		return "unconfirmed", fmt.Sprintf("deployment %s runs %s at %d/%d tasks, but ECS reports no rollout state, so its completion is not confirmed",
			d.ID, model.ResourceID(d.TaskDefinitionARN), d.RunningCount, d.DesiredCount)
	}
	return "", ""
}

// watchDeployment follows one deployment by id. COMPLETED on the PRIMARY
// with the revision asked for and its count running is success; FAILED or
// being replaced by a rollback is failure, even though the service then
// reaches a steady state on the old revision.
func (r *Runner) watchDeployment(ctx context.Context, api ServiceReader, p Plan, res Result, cluster, service, id string, seen map[string]bool, exp expectation) Result {
	deadline := r.now().Add(r.timeout())
	var ourTD string
	stall := stallDetector{}
	unconfirmed := 0
	for {
		svc, err := DescribeService(ctx, api, cluster, service)
		if err != nil {
			res.NotDone = append(res.NotDone, "see deployment "+id+" through")
			return r.stoppedWatchingECS(p, res, err, "deployment "+id+" was in progress")
		}
		ev := newEvents(svc, seen)
		rp := progressOf(svc, id, ev)
		r.emit(Event{Step: "watch", Message: rolloutLine(rp), Rollout: rp})
		if why := stall.observe(rp); why != "" {
			r.step("stalled", "no progress for %d observations: %s; ECS keeps trying (abort watching, or fix placement and let it carry on)", stall.limit(), why)
		}
		d, listed := svc.DeploymentByID(id)
		if listed && ourTD == "" {
			ourTD = d.TaskDefinitionARN
		}
		primary, _ := svc.PrimaryDeployment()
		state, why := "", ""
		if listed {
			state, why = verdict(svc, d, exp)
		}
		switch {
		case state == "done":
			res.Outcome = OutcomeSuccess
			res.Message = fmt.Sprintf("deployment %s completed: %d/%d tasks running %s", id, d.RunningCount, d.DesiredCount, model.ResourceID(d.TaskDefinitionARN))
			return r.finish(p, res, nil, "")
		case state == "failed":
			res.Outcome, res.Message = OutcomeFailed, why
			return r.finish(p, res, nil, "")
		case state == "unconfirmed":
			if unconfirmed++; unconfirmed >= unconfirmedLimit {
				res.Outcome, res.Message = OutcomeUnknown, why
				return r.finish(p, res, nil, "")
			}
		case listed && d.RolloutState == model.RolloutFailed:
			res.Outcome = OutcomeFailed
			res.Message = fmt.Sprintf("deployment %s failed: %s", id, strings.TrimRight(d.RolloutStateReason, ". "))
			if primary.ID != id && primary.TaskDefinitionARN != d.TaskDefinitionARN {
				res.RolledBack = true
				res.Message += fmt.Sprintf("; the circuit breaker rolled back to %s", model.ResourceID(primary.TaskDefinitionARN))
			}
			return r.finish(p, res, nil, "")
		case !listed:
			res.Outcome = OutcomeFailed
			res.Message = fmt.Sprintf("deployment %s is no longer listed; the service now runs %s", id, model.ResourceID(primary.TaskDefinitionARN))
			switch {
			case strings.Contains(strings.ToLower(primary.RolloutStateReason), "rolling back"):
				res.RolledBack = true
				res.Message = fmt.Sprintf("deployment %s was rolled back: the service runs %s again", id, model.ResourceID(primary.TaskDefinitionARN))
			case ourTD != "":
				res.Message = fmt.Sprintf("deployment %s was replaced by deployment %s (%s) before it completed", id, primary.ID, model.ResourceID(primary.TaskDefinitionARN))
			}
			return r.finish(p, res, nil, "")
		}
		if r.now().After(deadline) {
			res.Outcome = OutcomeUnknown
			res.Message = fmt.Sprintf("gave up watching after %s: deployment %s still %s (%d/%d running); it continues in ECS", r.timeout(), id, orDash(d.RolloutState), d.RunningCount, d.DesiredCount)
			res.NotDone = append(res.NotDone, "deployment "+id+" did not finish while watched")
			return r.finish(p, res, nil, "")
		}
		if err := r.wait(ctx); err != nil {
			return r.stoppedWatchingECS(p, res, err, fmt.Sprintf("deployment %s was %s with %d/%d tasks running", id, orDash(d.RolloutState), d.RunningCount, d.DesiredCount))
		}
	}
}

// watchSteady follows an update that starts no deployment (a new desired
// count) until the PRIMARY deployment, alone, runs the revision and count
// asked for and ECS says its rollout is COMPLETED.
func (r *Runner) watchSteady(ctx context.Context, api ServiceReader, p Plan, res Result, cluster, service string, seen map[string]bool, exp expectation) Result {
	deadline := r.now().Add(r.timeout())
	unconfirmed := 0
	var dw *desiredWatch
	if exp.desired != nil {
		dw = &desiredWatch{want: *exp.desired, since: r.now()}
	}
	held := false
	for {
		svc, err := DescribeService(ctx, api, cluster, service)
		if err != nil {
			return r.stoppedWatchingECS(p, res, err, "the service was changing")
		}
		primary, _ := svc.PrimaryDeployment()
		rp := progressOf(svc, primary.ID, newEvents(svc, seen))
		r.emit(Event{Step: "watch", Message: rolloutLine(rp), Rollout: rp})
		dw.observe(ctx, r, api, cluster, svc)
		state, why := verdict(svc, primary, exp)
		steady := len(svc.Deployments) == 1 && svc.RunningCount == svc.DesiredCount && svc.PendingCount == 0
		switch {
		case steady && dw != nil && dw.told:
			// Steady, but not at the count we set: that is not what was asked.
			res.Outcome = OutcomeFailed
			res.Message = fmt.Sprintf("service %s is steady at %d running tasks, not the %d asked: %s", service, svc.RunningCount, dw.want, dw.why)
			return r.finish(p, res, nil, "")
		case state == "done" && steady && dw != nil && p.AutoScalingHold > 0 && r.now().Sub(dw.since) < p.AutoScalingHold:
			// The plan expects Application Auto Scaling to set the count
			// back: keep watching long enough to see it, not just the moment
			// the tasks are placed.
			if !held {
				held = true
				r.step("watch", "steady at %d; watching until %s in case Application Auto Scaling sets it back",
					svc.RunningCount, dw.since.Add(p.AutoScalingHold).UTC().Format("15:04:05"))
			}
		case state == "done" && steady:
			res.Outcome = OutcomeSuccess
			res.Message = fmt.Sprintf("service %s is steady at %d running tasks of %s", service, svc.RunningCount, model.ResourceID(primary.TaskDefinitionARN))
			return r.finish(p, res, nil, "")
		case state == "failed":
			res.Outcome, res.Message = OutcomeFailed, why
			return r.finish(p, res, nil, "")
		case state == "unconfirmed" && steady:
			if unconfirmed++; unconfirmed >= unconfirmedLimit {
				res.Outcome, res.Message = OutcomeUnknown, why
				return r.finish(p, res, nil, "")
			}
		}
		if r.now().After(deadline) {
			res.Outcome = OutcomeUnknown
			res.Message = fmt.Sprintf("gave up watching after %s: %d of %d tasks running, %d pending; ECS continues", r.timeout(), svc.RunningCount, svc.DesiredCount, svc.PendingCount)
			return r.finish(p, res, nil, "")
		}
		if err := r.wait(ctx); err != nil {
			return r.stoppedWatchingECS(p, res, err, fmt.Sprintf("service %s had %d of %d tasks running", service, svc.RunningCount, svc.DesiredCount))
		}
	}
}

// rolloutLine is the one-line progress the CLI prints with --wait.
func rolloutLine(rp *RolloutProgress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: new %d/%d running", rp.Service, rp.New.RunningCount, rp.New.DesiredCount)
	if rp.New.PendingCount > 0 {
		fmt.Fprintf(&b, " (%d pending)", rp.New.PendingCount)
	}
	if rp.New.FailedTasks > 0 {
		fmt.Fprintf(&b, ", %d failed", rp.New.FailedTasks)
	}
	old := 0
	for _, d := range rp.Old {
		old += d.RunningCount
	}
	if len(rp.Old) > 0 {
		fmt.Fprintf(&b, ", old %d running", old)
	}
	if rp.RolloutState != "" {
		fmt.Fprintf(&b, ", rollout %s", rp.RolloutState)
	}
	return b.String()
}

// TaskAPI is what stopping a task needs.
type TaskAPI interface {
	DescribeTasks(ctx context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error)
	StopTask(ctx context.Context, cluster, task, reason string) (model.Task, error)
}

// StopTask executes a stop-task plan and (when watch) waits until the task is STOPPED.
func (r *Runner) StopTask(ctx context.Context, api TaskAPI, p Plan, reason string, watch bool) Result {
	if res, refused := r.refuse(p); refused {
		return res
	}
	if res, refused := r.begin(p); refused {
		return res
	}
	defer r.end()
	res := Result{Action: p.Action}
	r.step("stop", "stopping task %s", p.Target)
	if _, err := api.StopTask(ctx, p.Cluster, p.Target, reason); err != nil {
		res.NotDone = append(res.NotDone, "stop task "+p.Target)
		return r.finish(p, res, err, "stopping the task")
	}
	res.Done = append(res.Done, "asked ECS to stop task "+p.Target)
	deadline := r.now().Add(r.timeout())
	for watch {
		ts, _, err := api.DescribeTasks(ctx, p.Cluster, []string{p.Target})
		if err != nil {
			return r.stoppedWatchingECS(p, res, err, "the stop of task "+p.Target+" was requested")
		}
		if len(ts) > 0 {
			r.step("stop", "task %s is %s", p.Target, ts[0].LastStatus)
			if ts[0].LastStatus == model.StatusStopped {
				break
			}
		}
		if r.now().After(deadline) {
			res.Outcome = OutcomeUnknown
			res.Message = "the task did not reach STOPPED while watched; ECS continues"
			return r.finish(p, res, nil, "")
		}
		if err := r.wait(ctx); err != nil {
			return r.stoppedWatchingECS(p, res, err, "the stop of task "+p.Target+" was requested")
		}
	}
	res.Outcome = OutcomeSuccess
	res.Message = "task " + p.Target + " stopped"
	if !watch {
		res.Message = "stop requested for task " + p.Target
	}
	return r.finish(p, res, nil, "")
}

// stallDetector notices a rollout that stopped moving while ECS reports it
// cannot place tasks (the seed-003 stall), and says so once.
type stallDetector struct {
	last      string
	same      int
	placement string
	told      bool
}

func (s *stallDetector) limit() int { return 6 }

func (s *stallDetector) observe(rp *RolloutProgress) string {
	for _, e := range rp.NewEvents {
		if strings.Contains(e.Message, "was unable to place a task") {
			s.placement = e.Message
		}
	}
	old := 0
	for _, d := range rp.Old {
		old += d.RunningCount
	}
	key := fmt.Sprintf("%d/%d/%d/%d", rp.New.RunningCount, rp.New.PendingCount, rp.New.FailedTasks, old)
	if key == s.last {
		s.same++
	} else {
		s.last, s.same, s.told = key, 0, false
	}
	if s.same >= s.limit() && s.placement != "" && !s.told {
		s.told = true
		return s.placement
	}
	return ""
}
