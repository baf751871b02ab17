package ops

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ecstui/ecstui/model"
)

// Per-node daemon start results.
const (
	NodeToStart        = "to-start"
	NodeStarted        = "started"
	NodeAlreadyRunning = "already-running"
	NodeFailed         = "failed"
)

// startTaskLimit is how many container instances ECS accepts per StartTask call.
const startTaskLimit = 10

// NodeResult is one row of the daemon-start board.
type NodeResult struct {
	ContainerInstance string `json:"container_instance"`
	ARN               string `json:"arn"`
	EC2InstanceID     string `json:"ec2_instance_id"`
	State             string `json:"state"`
	Reason            string `json:"reason,omitempty"` // RESOURCE:PORTS, RESOURCE:MEMORY, AGENT…
	TaskID            string `json:"task_id,omitempty"`
}

// DaemonState is what a daemon start plans from.
type DaemonState struct {
	Cluster        string
	TaskDefinition model.TaskDefinition
	Instances      []model.ContainerInstance
	// FamilyTasks are the cluster's live tasks of the task definition's family.
	FamilyTasks []model.Task
	// Services of the cluster, to notice a DAEMON service of the same family.
	Services []model.Service
}

// DaemonReader is what gathering a DaemonState reads.
type DaemonReader interface {
	TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error)
	ContainerInstances(ctx context.Context, cluster string, status string) ([]model.ContainerInstance, []model.Failure, error)
	Tasks(ctx context.Context, cluster string, f model.TaskFilter, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error)
}

// DaemonAPI is what the daemon-start executor calls.
type DaemonAPI interface {
	DaemonReader
	StartTask(ctx context.Context, in model.StartTaskInput) ([]model.Task, []model.Failure, error)
}

// GatherDaemon reads a DaemonState for a task definition (family, family:rev or ARN).
func GatherDaemon(ctx context.Context, r DaemonReader, cluster, taskDef string) (DaemonState, error) {
	st := DaemonState{Cluster: cluster}
	var err error
	if st.TaskDefinition, err = r.TaskDefinition(ctx, taskDef); err != nil {
		return st, wrapf(err, "task definition %s", taskDef)
	}
	if st.Instances, _, err = r.ContainerInstances(ctx, cluster, ""); err != nil {
		return st, wrapf(err, "container instances of %s", cluster)
	}
	tasks, _, err := r.Tasks(ctx, cluster, model.TaskFilter{Family: st.TaskDefinition.Family}, nil)
	if err != nil {
		return st, fmt.Errorf("tasks of family %s: %w", st.TaskDefinition.Family, err)
	}
	for _, t := range tasks {
		if t.LastStatus != model.StatusStopped && t.DesiredStatus != model.StatusStopped {
			st.FamilyTasks = append(st.FamilyTasks, t)
		}
	}
	// Knowing the services lets the plan notice a DAEMON service of the
	// family; a reader that cannot list them just loses that note.
	if sl, ok := r.(serviceLister); ok {
		if svcs, _, err := sl.Services(ctx, cluster, nil); err == nil {
			st.Services = svcs
		}
	}
	return st, nil
}

// serviceLister is the adapter's service listing, used when available.
type serviceLister interface {
	Services(ctx context.Context, cluster string, onBatch func([]model.Service)) ([]model.Service, []model.Failure, error)
}

// familyOf returns the family of a task definition ARN or family:revision.
func familyOf(arn string) string {
	id := model.ResourceID(arn)
	if i := strings.LastIndexByte(id, ':'); i >= 0 {
		return id[:i]
	}
	return id
}

// PlanDaemonStart plans starting the task definition on every ACTIVE
// instance that does not run its family yet. only, when non-empty, limits the
// plan to those instances (a retry of failed nodes).
func PlanDaemonStart(st DaemonState, only []string) (Plan, []NodeResult) {
	td := st.TaskDefinition
	p := Plan{Action: ActionDaemonStart, Cluster: st.Cluster, Target: td.Family}
	running := map[string]string{}
	for _, t := range st.FamilyTasks {
		if familyOf(t.TaskDefinitionARN) == td.Family {
			running[t.ContainerInstanceARN] = t.ID
		}
	}
	need := model.NeedsOf(td)
	var nodes []NodeResult
	var predicted []string
	for _, ci := range st.Instances {
		if ci.Status != model.InstanceActive {
			continue
		}
		if len(only) > 0 && !slices.ContainsFunc(only, func(id string) bool { return id == ci.ID || id == ci.ARN || id == ci.EC2InstanceID }) {
			continue
		}
		n := NodeResult{ContainerInstance: ci.ID, ARN: ci.ARN, EC2InstanceID: ci.EC2InstanceID, State: NodeToStart}
		if id, ok := running[ci.ARN]; ok {
			n.State, n.TaskID = NodeAlreadyRunning, id
		} else if ok, why := ci.Remaining.Fits(need); !ok {
			n.Reason = why
			predicted = append(predicted, ci.EC2InstanceID+" ("+why+")")
		} else if !ci.AgentConnected {
			n.Reason = "AGENT"
			predicted = append(predicted, ci.EC2InstanceID+" (agent disconnected)")
		}
		nodes = append(nodes, n)
	}
	toStart := 0
	var ids []string
	for _, n := range nodes {
		if n.State == NodeToStart {
			toStart++
			ids = append(ids, n.ContainerInstance)
		}
	}
	calls := ceilDiv(toStart, startTaskLimit)
	p.Summary = fmt.Sprintf("start %s on %s of cluster %s (%s, %s already run it)",
		td.FamilyRevision(), plural(toStart, "instance", "instances"), st.Cluster, plural(calls, "StartTask call", "StartTask calls"), plural(len(nodes)-toStart, "instance", "instances"))
	p.Changes = append(p.Changes, fmt.Sprintf("StartTask %s on %s, at most %d per call", td.FamilyRevision(), plural(toStart, "ACTIVE instance", "ACTIVE instances"), startTaskLimit))
	if toStart == 0 {
		p.Blockers = append(p.Blockers, "every ACTIVE instance already runs "+td.Family)
	}
	if len(predicted) > 0 {
		p.Warnings = append(p.Warnings, "likely to fail on "+strings.Join(predicted, ", "))
	}
	daemonSvc := ""
	for _, s := range st.Services {
		if s.SchedulingStrategy == "DAEMON" && familyOf(s.TaskDefinitionARN) == td.Family {
			daemonSvc = s.Name
		}
	}
	if daemonSvc != "" {
		p.Warnings = append(p.Warnings, "service "+daemonSvc+" already runs this family as a DAEMON: it places the task on every instance by itself; starting more by hand doubles them")
	} else {
		p.Warnings = append(p.Warnings, "a DAEMON-strategy service would serve better: it places one task on every instance, including replacements, and restarts it when it stops; tasks started here are not restarted ("+
			awsCmd("ecs", "create-service", "--cluster", st.Cluster, "--service-name", td.Family, "--task-definition", td.FamilyRevision(), "--scheduling-strategy", "DAEMON")+")")
	}
	for i := 0; i < len(ids); i += startTaskLimit {
		chunk := ids[i:min(len(ids), i+startTaskLimit)]
		args := []string{"ecs", "start-task", "--cluster", st.Cluster, "--task-definition", td.FamilyRevision(), "--started-by", "ecstui", "--container-instances"}
		args = append(args, chunk...)
		p.Commands = append(p.Commands, awsCmd(args...))
	}
	return p, nodes
}

// DaemonStart executes a daemon-start plan: StartTask in chunks of ten, one
// result per node. Failed nodes keep their reason for a retry.
func (r *Runner) DaemonStart(ctx context.Context, api DaemonAPI, p Plan, td model.TaskDefinition, nodes []NodeResult) Result {
	if res, refused := r.refuse(p); refused {
		return res
	}
	if res, refused := r.begin(p); refused {
		return res
	}
	defer r.end()
	res := Result{Action: p.Action, TaskDefinition: td.ARN}
	nodes = slices.Clone(nodes)
	var todo []int
	for i, n := range nodes {
		if n.State == NodeToStart || n.State == NodeFailed {
			nodes[i].State, nodes[i].Reason = NodeToStart, ""
			todo = append(todo, i)
		}
	}
	emit := func(msg string) {
		r.journalStep("start", msg)
		r.emit(Event{Step: "start", Message: msg, Nodes: slices.Clone(nodes)})
	}
	emit(fmt.Sprintf("starting %s on %s", td.FamilyRevision(), plural(len(todo), "instance", "instances")))
	var callErr error
	for i := 0; i < len(todo); i += startTaskLimit {
		chunk := todo[i:min(len(todo), i+startTaskLimit)]
		in := model.StartTaskInput{Cluster: p.Cluster, TaskDefinition: td.ARN, StartedBy: "ecstui"}
		for _, j := range chunk {
			in.ContainerInstances = append(in.ContainerInstances, nodes[j].ARN)
		}
		tasks, fails, err := api.StartTask(ctx, in)
		if err != nil {
			callErr = err
			for _, j := range chunk {
				nodes[j].State, nodes[j].Reason = NodeFailed, "StartTask: "+err.Error()
			}
			emit(err.Error())
			if ctx.Err() != nil {
				break
			}
			continue
		}
		for _, j := range chunk {
			n := &nodes[j]
			for _, t := range tasks {
				if t.ContainerInstanceARN == n.ARN || model.ResourceID(t.ContainerInstanceARN) == n.ContainerInstance {
					n.State, n.TaskID = NodeStarted, t.ID
				}
			}
			for _, f := range fails {
				if f.ARN == n.ARN || model.ResourceID(f.ARN) == n.ContainerInstance {
					n.State, n.Reason = NodeFailed, f.Reason
					if f.Detail != "" {
						n.Reason += " (" + f.Detail + ")"
					}
				}
			}
			if n.State == NodeToStart {
				n.State, n.Reason = NodeFailed, "no task and no failure reported for this instance"
			}
		}
		emit(fmt.Sprintf("StartTask %d/%d done", i/startTaskLimit+1, ceilDiv(len(todo), startTaskLimit)))
	}
	res.Nodes = nodes
	started, failed := 0, 0
	for _, n := range nodes {
		switch n.State {
		case NodeStarted:
			started++
			res.Done = append(res.Done, fmt.Sprintf("started %s on %s", n.TaskID, n.EC2InstanceID))
		case NodeFailed:
			failed++
			res.NotDone = append(res.NotDone, fmt.Sprintf("%s: %s", n.EC2InstanceID, n.Reason))
		case NodeToStart:
			res.NotDone = append(res.NotDone, n.EC2InstanceID+": not attempted")
		}
	}
	res.Message = fmt.Sprintf("started on %d, failed on %d, already running on %d", started, failed, len(nodes)-started-failed-countState(nodes, NodeToStart))
	res.Outcome = OutcomeSuccess
	if failed > 0 || countState(nodes, NodeToStart) > 0 {
		res.Outcome = OutcomeFailed
	}
	if ctx.Err() != nil {
		return r.finish(p, res, ctx.Err(), "starting tasks")
	}
	res.Err = callErr
	r.Record(p, res)
	r.emit(Event{Step: "done", Message: string(res.Outcome) + ": " + res.Message, Nodes: slices.Clone(nodes)})
	return res
}

func countState(nodes []NodeResult, state string) int {
	n := 0
	for _, x := range nodes {
		if x.State == state {
			n++
		}
	}
	return n
}

// FailedNodes returns the container instance ids of failed nodes, for a retry.
func FailedNodes(nodes []NodeResult) []string {
	var ids []string
	for _, n := range nodes {
		if n.State == NodeFailed {
			ids = append(ids, n.ContainerInstance)
		}
	}
	return ids
}
