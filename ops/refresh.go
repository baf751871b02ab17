package ops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ecstui/ecstui/model"
)

// RefreshAPI is what the refresh strategy calls.
type RefreshAPI interface {
	CapacityReader
	ContainerInstances(ctx context.Context, cluster string, status string) ([]model.ContainerInstance, []model.Failure, error)
	Tasks(ctx context.Context, cluster string, f model.TaskFilter, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error)
	DescribeServices(ctx context.Context, cluster string, names []string) ([]model.Service, []model.Failure, error)
	StopTask(ctx context.Context, cluster, task, reason string) (model.Task, error)
	StartInstanceRefresh(ctx context.Context, in model.RefreshInput) (string, error)
	CancelInstanceRefresh(ctx context.Context, group string) (string, error)
	RollbackInstanceRefresh(ctx context.Context, group string) (string, error)
}

// RefreshProgress is one observation of an instance refresh being watched.
type RefreshProgress struct {
	Group     string
	Refresh   model.InstanceRefresh
	Desired   int // the group's desired capacity
	Instances []RefreshInstance
}

// RefreshInstance is one of the group's instances during a refresh.
type RefreshInstance struct {
	EC2InstanceID string `json:"ec2_instance_id"`
	Version       string `json:"version,omitempty"`   // launch template version it was launched from
	Lifecycle     string `json:"lifecycle,omitempty"` // Auto Scaling lifecycle state
	Status        string `json:"status,omitempty"`    // ECS container instance status
	Tasks         int    `json:"tasks"`
	Updated       bool   `json:"updated"` // launched from the version the refresh rolls to
	Note          string `json:"note,omitempty"`
}

// RefreshWatch says what to watch: the group's refresh by id ("" for the
// latest), the services whose tasks move, and whether to stop standalone
// tasks on instances waiting in Terminating:Wait.
type RefreshWatch struct {
	Cluster        string
	Group          string
	ID             string
	Services       []string
	StopStandalone bool
}

// WatchFor returns what to watch after the plan p of the state st starts.
func WatchFor(st ClusterState, p Plan, stopStandalone bool) RefreshWatch {
	w := RefreshWatch{Cluster: st.Cluster, Group: p.Target, StopStandalone: stopStandalone}
	for _, ci := range st.Instances {
		if ci.AutoScalingGroup != w.Group {
			continue
		}
		for _, t := range st.TasksOn(ci) {
			if s := t.ServiceName(); s != "" && !slices.Contains(w.Services, s) {
				w.Services = append(w.Services, s)
			}
		}
	}
	slices.Sort(w.Services)
	return w
}

// StartRefresh starts the planned instance refresh and watches it to its end.
func (r *Runner) StartRefresh(ctx context.Context, api RefreshAPI, p Plan, w RefreshWatch) Result {
	if res, refused := r.refuse(p); refused {
		return res
	}
	if res, refused := r.begin(p); refused {
		return res
	}
	defer r.end()
	res := Result{Action: p.Action}
	if p.Refresh == nil {
		return r.finish(p, res, errors.New("the plan holds no instance refresh"), "starting the instance refresh")
	}
	r.step("refresh", "starting an instance refresh of %s", p.Refresh.AutoScalingGroupName)
	id, err := api.StartInstanceRefresh(ctx, *p.Refresh)
	if err != nil {
		res.NotDone = p.Changes
		return r.finish(p, res, err, "starting the instance refresh")
	}
	res.RefreshID = id
	res.Done = append(res.Done, "instance refresh "+id+" of "+w.Group+" started")
	r.step("refresh", "instance refresh %s started", id)
	w.ID = id
	return r.watchRefresh(ctx, api, p, w, res)
}

// CancelRefresh cancels the group's refresh in progress and, with wait,
// watches it until Auto Scaling has finished the replacements under way.
func (r *Runner) CancelRefresh(ctx context.Context, api RefreshAPI, p Plan, w RefreshWatch, wait bool) Result {
	return r.refreshCall(ctx, p, w, wait, "cancelling the instance refresh", func() (string, error) { return api.CancelInstanceRefresh(ctx, w.Group) }, api)
}

// RollbackRefresh rolls the group's refresh back and, with wait, watches
// the rollback to its end.
func (r *Runner) RollbackRefresh(ctx context.Context, api RefreshAPI, p Plan, w RefreshWatch, wait bool) Result {
	return r.refreshCall(ctx, p, w, wait, "rolling the instance refresh back", func() (string, error) { return api.RollbackInstanceRefresh(ctx, w.Group) }, api)
}

func (r *Runner) refreshCall(ctx context.Context, p Plan, w RefreshWatch, wait bool, what string, call func() (string, error), api RefreshAPI) Result {
	if res, refused := r.refuse(p); refused {
		return res
	}
	if res, refused := r.begin(p); refused {
		return res
	}
	defer r.end()
	res := Result{Action: p.Action}
	id, err := call()
	if err != nil {
		res.NotDone = p.Changes
		return r.finish(p, res, err, what)
	}
	res.RefreshID, w.ID = id, id
	res.Done = append(res.Done, p.Summary+": asked")
	if !wait {
		res.Outcome, res.Message = OutcomeSuccess, p.Summary+": asked; Auto Scaling carries it out"
		return r.finish(p, res, nil, "")
	}
	return r.watchRefresh(ctx, api, p, w, res)
}

// WatchRefresh follows the group's refresh (w.ID, or the latest) to its end
// without changing anything; p names what the journal records.
func (r *Runner) WatchRefresh(ctx context.Context, api RefreshAPI, p Plan, w RefreshWatch) Result {
	return r.watchRefresh(ctx, api, p, w, Result{Action: p.Action})
}

func (r *Runner) watchRefresh(ctx context.Context, api RefreshAPI, p Plan, w RefreshWatch, res Result) Result {
	deadline := r.now().Add(r.timeout())
	stopped := map[string]bool{}
	var first []string // the group's instances at the first observation
	for {
		prog, err := r.observeRefresh(ctx, api, w, stopped, first)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return r.stoppedWatchingRefresh(p, res, w, "")
			}
			// A read failed; the refresh goes on in AWS whatever ecstui sees.
			res.Err = err
			return r.stoppedWatchingRefresh(p, res, w, "("+err.Error()+")")
		}
		res.RefreshID = prog.Refresh.ID
		if first == nil {
			first = []string{}
			for _, in := range prog.Instances {
				first = append(first, in.EC2InstanceID)
			}
		}
		r.emit(Event{Step: "refresh", Message: RefreshText(prog.Refresh), Refresh: prog, Services: r.refreshServices(ctx, api, w)})
		if !prog.Refresh.Active() {
			return r.refreshEnded(p, res, prog, first)
		}
		if r.now().After(deadline) {
			return r.stoppedWatchingRefresh(p, res, w, "after "+r.timeout().String()+" (--timeout)")
		}
		if err := r.wait(ctx); err != nil {
			return r.stoppedWatchingRefresh(p, res, w, "")
		}
	}
}

// refreshEnded turns the refresh's final status into the action's outcome:
// what the action asked for happened, or it did not.
func (r *Runner) refreshEnded(p Plan, res Result, prog *RefreshProgress, first []string) Result {
	rf := prog.Refresh
	want := map[string]string{ActionRefresh: model.RefreshSuccessful, ActionRefreshCancel: model.RefreshCancelled, ActionRefreshRollback: model.RefreshRollbackSuccessful}[p.Action]
	res.Message = "instance refresh " + RefreshText(rf)
	switch {
	case rf.Status == want:
		res.Outcome = OutcomeSuccess
	case rf.Status == model.RefreshCancelled:
		res.Outcome = OutcomePartial
		res.NotDone = append(res.NotDone, fmt.Sprintf("cancelled at %d%%: %d instances not replaced", rf.PercentageComplete, rf.InstancesToUpdate))
	default:
		res.Outcome = OutcomeFailed
		if rf.Status == model.RefreshRollbackSuccessful {
			res.NotDone = append(res.NotDone, "rolled back: the group runs its previous configuration again")
		}
	}
	var launched []string
	for _, in := range prog.Instances {
		if !slices.Contains(first, in.EC2InstanceID) && in.Lifecycle == model.LifecycleInService {
			launched = append(launched, in.EC2InstanceID+" (version "+orDash(in.Version)+")")
		}
	}
	if len(launched) > 0 {
		res.Done = append(res.Done, "launched while watching: "+strings.Join(launched, ", "))
	}
	r.Record(p, res)
	r.emit(Event{Step: "done", Message: string(res.Outcome) + ": " + res.Message})
	return res
}

// stoppedWatchingRefresh ends a watch that the user or the timeout
// stopped: the refresh itself goes on in AWS, so how it ends is unknown
// (never "aborted"), and the result says so.
func (r *Runner) stoppedWatchingRefresh(p Plan, res Result, w RefreshWatch, why string) Result {
	res.Outcome = OutcomeUnknown
	res.Message = "stopped watching"
	if why != "" {
		res.Message += " " + why
	}
	res.Message += ": the instance refresh goes on in AWS"
	res.NotDone = append(res.NotDone,
		"watch it again: ecstui drain --cluster "+w.Cluster+" --strategy refresh --watch",
		"stop it: ecstui drain --cluster "+w.Cluster+" --strategy refresh --cancel")
	r.Record(p, res)
	r.emit(Event{Step: "done", Message: string(res.Outcome) + ": " + res.Message})
	return res
}

// observeRefresh reads the refresh, the group and the cluster's instances
// once (DescribeInstanceRefreshes, DescribeAutoScalingGroups, one instance
// listing), and stops standalone tasks that would hold an instance in
// Terminating:Wait when asked to.
func (r *Runner) observeRefresh(ctx context.Context, api RefreshAPI, w RefreshWatch, stopped map[string]bool, first []string) (*RefreshProgress, error) {
	rs, err := api.InstanceRefreshes(ctx, w.Group, 5)
	if err != nil {
		return nil, err
	}
	i := 0
	if w.ID != "" {
		i = slices.IndexFunc(rs, func(x model.InstanceRefresh) bool { return x.ID == w.ID })
	}
	if i < 0 || len(rs) == 0 {
		return nil, fmt.Errorf("no instance refresh %s on %s", orDash(w.ID), w.Group)
	}
	prog := &RefreshProgress{Group: w.Group, Refresh: rs[i]}
	gs, err := api.AutoScalingGroups(ctx, []string{w.Group})
	if err != nil {
		return nil, err
	}
	if len(gs) != 1 {
		return nil, fmt.Errorf("Auto Scaling group %s not found", w.Group)
	}
	g := gs[0]
	prog.Desired = g.DesiredCapacity
	cis, _, err := api.ContainerInstances(ctx, w.Cluster, "")
	if err != nil {
		return nil, err
	}
	byEC2 := map[string]model.ContainerInstance{}
	for _, ci := range cis {
		byEC2[ci.EC2InstanceID] = ci
	}
	target := ""
	if d := prog.Refresh.Desired; d != nil && !d.Symbolic() {
		target = d.Version
	}
	for _, m := range g.Instances {
		in := RefreshInstance{EC2InstanceID: m.InstanceID, Version: m.Template.Version, Lifecycle: m.LifecycleState,
			Updated: target != "" && m.Template.Version == target}
		ci, registered := byEC2[m.InstanceID]
		if registered {
			in.Status, in.Tasks = ci.Status, ci.RunningTasksCount+ci.PendingTasksCount
		}
		switch m.LifecycleState {
		case model.LifecycleTerminatingWait:
			in.Note = fmt.Sprintf("Terminating:Wait — ECS is draining it (%s left) and completes %s when none is left", plural(in.Tasks, "task", "tasks"), model.ManagedDrainingHook)
			if registered && in.Tasks > 0 && w.StopStandalone {
				r.stopStandaloneOn(ctx, api, w, ci, stopped, &in)
			}
		case model.LifecyclePending:
			in.Note = "launching"
		case model.LifecycleInService:
			switch {
			case !registered:
				in.Note = "InService; its ECS agent has not registered yet"
			case in.Updated && first != nil && !slices.Contains(first, m.InstanceID):
				in.Note = "replacement, ACTIVE"
			case in.Updated:
				in.Note = "already on " + prog.Refresh.Desired.String()
			case target != "":
				in.Note = "to replace"
			}
		default:
			in.Note = "shutting down"
		}
		prog.Instances = append(prog.Instances, in)
	}
	return prog, nil
}

// stopStandaloneOn stops the standalone tasks left on an instance that
// waits in Terminating:Wait with nothing but them.
func (r *Runner) stopStandaloneOn(ctx context.Context, api RefreshAPI, w RefreshWatch, ci model.ContainerInstance, stopped map[string]bool, in *RefreshInstance) {
	tasks, _, err := api.Tasks(ctx, w.Cluster, model.TaskFilter{ContainerInstance: ci.ARN}, nil)
	if err != nil {
		return
	}
	var standalone []string
	for _, t := range tasks {
		if t.LastStatus == model.StatusStopped {
			continue
		}
		if t.ServiceName() != "" {
			return // service tasks still moving: ECS first
		}
		standalone = append(standalone, t.ID)
	}
	for _, id := range standalone {
		if stopped[id] {
			continue
		}
		stopped[id] = true
		r.step("stop", "stopping standalone task %s on %s (it would hold the instance in Terminating:Wait)", id, ci.EC2InstanceID)
		if _, err := api.StopTask(ctx, w.Cluster, id, "ecstui instance refresh of "+ci.EC2InstanceID); err != nil {
			in.Note += "; could not stop " + id + ": " + err.Error()
		}
	}
}

// refreshServices observes the services whose tasks the refresh moves;
// progress only, nothing on failure.
func (r *Runner) refreshServices(ctx context.Context, api RefreshAPI, w RefreshWatch) []ServiceCount {
	var out []ServiceCount
	for i := 0; i < len(w.Services); i += 10 {
		svcs, _, err := api.DescribeServices(ctx, w.Cluster, w.Services[i:min(len(w.Services), i+10)])
		if err != nil {
			return nil
		}
		for _, s := range svcs {
			out = append(out, ServiceCount{Name: s.Name, Desired: s.DesiredCount, Running: s.RunningCount, Pending: s.PendingCount})
		}
	}
	return out
}

// GroupOfCluster returns the capacity of the one group behind a cluster's
// instances that has a refresh (the latest), or of its only group.
func GroupOfCluster(st ClusterState) (*GroupCapacity, error) {
	if st.Capacity == nil {
		return nil, errors.New("this backend cannot read Auto Scaling groups")
	}
	var names []string
	for name := range st.Capacity.Groups {
		names = append(names, name)
	}
	slices.Sort(names)
	switch len(names) {
	case 0:
		return nil, fmt.Errorf("no Auto Scaling group behind the instances of cluster %s", st.Cluster)
	case 1:
		return st.Capacity.Groups[names[0]], nil
	}
	var with []string
	for _, n := range names {
		if st.Capacity.Groups[n].ActiveRefresh() != nil {
			with = append(with, n)
		}
	}
	if len(with) == 1 {
		return st.Capacity.Groups[with[0]], nil
	}
	return nil, fmt.Errorf("cluster %s has several Auto Scaling groups (%s): name one with --group", st.Cluster, strings.Join(names, ", "))
}
