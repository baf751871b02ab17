package ops

import (
	"context"
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
	if len(fails) > 0 {
		return model.Service{}, fmt.Errorf("service %s in cluster %s: %s", name, cluster, fails[0])
	}
	return model.Service{}, fmt.Errorf("service %s not found in cluster %s", name, cluster)
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
			return st, fmt.Errorf("task definition %s: %w", revision, err)
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

// UpdateService executes a deploy, rollback, scale or redeploy plan: register
// the new revision when the plan has one, call UpdateService, and (when
// watch) follow the deployment it started by id until it ends.
func (r *Runner) UpdateService(ctx context.Context, api ServiceAPI, p Plan, watch bool) Result {
	if res, refused := r.refuse(p); refused {
		return res
	}
	res := Result{Action: p.Action, PreviousTaskDefinition: p.PreviousTaskDefinition}
	if p.Update == nil {
		return r.finish(p, res, fmt.Errorf("the plan has no service update"), "planning")
	}
	upd := *p.Update
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
	r.step("update", "updating service %s", upd.Service)
	svc, err := api.UpdateService(ctx, upd)
	if err != nil {
		res.NotDone = append(res.NotDone, "update service "+upd.Service)
		return r.finish(p, res, err, "updating the service")
	}
	res.Done = append(res.Done, "updated service "+upd.Service)

	// A new deployment exists when the PRIMARY's id changed.
	prevPrimary, _ := before.PrimaryDeployment()
	primary, _ := svc.PrimaryDeployment()
	newDeployment := primary.ID != "" && primary.ID != prevPrimary.ID
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
		return r.watchDeployment(ctx, api, p, res, upd.Cluster, upd.Service, primary.ID, seen)
	}
	return r.watchSteady(ctx, api, p, res, upd.Cluster, upd.Service, seen)
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
	slices.Reverse(out)
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

// watchDeployment follows one deployment by id. COMPLETED is success; FAILED
// or being replaced by a rollback is failure, even though the service then
// reaches a steady state on the old revision.
func (r *Runner) watchDeployment(ctx context.Context, api ServiceReader, p Plan, res Result, cluster, service, id string, seen map[string]bool) Result {
	deadline := r.now().Add(r.timeout())
	var ourTD string
	stall := stallDetector{}
	for {
		svc, err := DescribeService(ctx, api, cluster, service)
		if err != nil {
			res.NotDone = append(res.NotDone, "see deployment "+id+" through")
			return r.finish(p, res, err, "watching deployment "+id)
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
		switch {
		case listed && d.RolloutState == model.RolloutCompleted:
			res.Outcome = OutcomeSuccess
			res.Message = fmt.Sprintf("deployment %s completed: %d/%d tasks running %s", id, d.RunningCount, d.DesiredCount, model.ResourceID(d.TaskDefinitionARN))
			return r.finish(p, res, nil, "")
		case listed && d.RolloutState == model.RolloutFailed:
			res.Outcome = OutcomeFailed
			res.Message = fmt.Sprintf("deployment %s failed: %s", id, strings.TrimRight(d.RolloutStateReason, ". "))
			if primary.ID != id && primary.TaskDefinitionARN != d.TaskDefinitionARN {
				res.RolledBack = true
				res.Message += fmt.Sprintf("; the circuit breaker rolled back to %s", model.ResourceID(primary.TaskDefinitionARN))
			}
			return r.finish(p, res, nil, "")
		case listed && d.RolloutState == "" && d.Status == model.DeploymentPrimary && len(svc.Deployments) == 1 &&
			d.RunningCount == d.DesiredCount && d.PendingCount == 0:
			// Endpoints that report no rollout state: a lone PRIMARY at its count is done.
			res.Outcome = OutcomeSuccess
			res.Message = fmt.Sprintf("deployment %s reached %d/%d running tasks", id, d.RunningCount, d.DesiredCount)
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
			res.Outcome = OutcomeFailed
			res.Message = fmt.Sprintf("gave up watching after %s: deployment %s still %s (%d/%d running); it continues in ECS", r.timeout(), id, d.RolloutState, d.RunningCount, d.DesiredCount)
			res.NotDone = append(res.NotDone, "deployment "+id+" did not finish while watched")
			return r.finish(p, res, nil, "")
		}
		if err := r.wait(ctx); err != nil {
			res.NotDone = append(res.NotDone, "deployment "+id+" was still in progress when watching stopped; it continues in ECS")
			return r.finish(p, res, err, "watching deployment "+id)
		}
	}
}

// watchSteady follows a service until a single deployment runs the desired count.
func (r *Runner) watchSteady(ctx context.Context, api ServiceReader, p Plan, res Result, cluster, service string, seen map[string]bool) Result {
	deadline := r.now().Add(r.timeout())
	for {
		svc, err := DescribeService(ctx, api, cluster, service)
		if err != nil {
			return r.finish(p, res, err, "watching service "+service)
		}
		primary, _ := svc.PrimaryDeployment()
		rp := progressOf(svc, primary.ID, newEvents(svc, seen))
		r.emit(Event{Step: "watch", Message: rolloutLine(rp), Rollout: rp})
		if len(svc.Deployments) <= 1 && svc.RunningCount == svc.DesiredCount && svc.PendingCount == 0 {
			res.Outcome = OutcomeSuccess
			res.Message = fmt.Sprintf("service %s is steady at %d running tasks", service, svc.RunningCount)
			return r.finish(p, res, nil, "")
		}
		if r.now().After(deadline) {
			res.Outcome = OutcomeFailed
			res.Message = fmt.Sprintf("gave up watching after %s: %d of %d tasks running, %d pending", r.timeout(), svc.RunningCount, svc.DesiredCount, svc.PendingCount)
			return r.finish(p, res, nil, "")
		}
		if err := r.wait(ctx); err != nil {
			res.NotDone = append(res.NotDone, "the service had not reached its desired count when watching stopped; ECS carries on")
			return r.finish(p, res, err, "watching service "+service)
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
			return r.finish(p, res, err, "watching the task stop")
		}
		if len(ts) > 0 {
			r.step("stop", "task %s is %s", p.Target, ts[0].LastStatus)
			if ts[0].LastStatus == model.StatusStopped {
				break
			}
		}
		if r.now().After(deadline) {
			res.Outcome = OutcomeFailed
			res.Message = "the task did not reach STOPPED while watched"
			return r.finish(p, res, nil, "")
		}
		if err := r.wait(ctx); err != nil {
			return r.finish(p, res, err, "watching the task stop")
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
