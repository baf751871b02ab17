package ops

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecstui/ecstui/model"
)

// ClusterState is what the instance actions plan from: every container
// instance, every running task, and what each task definition reserves.
type ClusterState struct {
	Cluster   string
	Instances []model.ContainerInstance
	Tasks     []model.Task
	Needs     map[string]model.TaskNeeds // by task definition ARN
	// Capacity is how the instances' groups are managed (capacity.go); nil
	// when the reader cannot tell.
	Capacity *Capacity
}

// ClusterReader is what gathering a ClusterState reads.
type ClusterReader interface {
	ContainerInstances(ctx context.Context, cluster string, status string) ([]model.ContainerInstance, []model.Failure, error)
	Tasks(ctx context.Context, cluster string, f model.TaskFilter, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error)
	TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error)
}

// GatherCluster reads a ClusterState.
func GatherCluster(ctx context.Context, r ClusterReader, cluster string) (ClusterState, error) {
	st := ClusterState{Cluster: cluster, Needs: map[string]model.TaskNeeds{}}
	var err error
	if st.Instances, _, err = r.ContainerInstances(ctx, cluster, ""); err != nil {
		return st, wrapf(err, "container instances of %s", cluster)
	}
	if st.Tasks, _, err = r.Tasks(ctx, cluster, model.TaskFilter{}, nil); err != nil {
		return st, wrapf(err, "tasks of %s", cluster)
	}
	for _, t := range st.Tasks {
		if _, ok := st.Needs[t.TaskDefinitionARN]; ok || t.TaskDefinitionARN == "" {
			continue
		}
		td, err := r.TaskDefinition(ctx, t.TaskDefinitionARN)
		if err != nil {
			return st, fmt.Errorf("task definition %s: %w", t.TaskDefinitionARN, err)
		}
		st.Needs[t.TaskDefinitionARN] = model.NeedsOf(td)
	}
	if cr, ok := r.(CapacityReader); ok {
		c := GatherCapacity(ctx, cr, cluster, st.groupsOf(st.Instances))
		readReservations(ctx, r, cluster, &c)
		st.Capacity = &c
	}
	return st, nil
}

// Instance finds a container instance by container instance id, ARN or EC2 id.
func (st ClusterState) Instance(id string) (model.ContainerInstance, bool) {
	for _, ci := range st.Instances {
		if ci.ID == id || ci.ARN == id || ci.EC2InstanceID == id {
			return ci, true
		}
	}
	return model.ContainerInstance{}, false
}

// TasksOn returns the running tasks placed on a container instance.
func (st ClusterState) TasksOn(ci model.ContainerInstance) []model.Task {
	var out []model.Task
	for _, t := range st.Tasks {
		if t.ContainerInstanceARN == ci.ARN && t.LastStatus != model.StatusStopped {
			out = append(out, t)
		}
	}
	return out
}

// Selection picks instances for a rolling drain: explicit ids, or every
// instance on an AMI or agent version. Filters combine with AND.
type Selection struct {
	IDs          []string
	AMI          string
	AgentVersion string
}

func (s Selection) String() string {
	var p []string
	if len(s.IDs) > 0 {
		p = append(p, "instances "+strings.Join(s.IDs, ","))
	}
	if s.AMI != "" {
		p = append(p, "AMI "+s.AMI)
	}
	if s.AgentVersion != "" {
		p = append(p, "agent "+s.AgentVersion)
	}
	return strings.Join(p, ", ")
}

// Select returns the selected instances (ACTIVE or DRAINING; gone ones are
// not drainable) and ids that match nothing.
func (st ClusterState) Select(sel Selection) ([]model.ContainerInstance, []string) {
	var out []model.ContainerInstance
	var missing []string
	for _, id := range sel.IDs {
		if _, ok := st.Instance(id); !ok {
			missing = append(missing, id)
		}
	}
	for _, ci := range st.Instances {
		if ci.Status != model.InstanceActive && ci.Status != model.InstanceDraining {
			continue
		}
		if len(sel.IDs) > 0 && !slices.ContainsFunc(sel.IDs, func(id string) bool { return id == ci.ID || id == ci.ARN || id == ci.EC2InstanceID }) {
			continue
		}
		if sel.AMI != "" && ci.AMIID != sel.AMI {
			continue
		}
		if sel.AgentVersion != "" && ci.AgentVersion != sel.AgentVersion {
			continue
		}
		out = append(out, ci)
	}
	return out, missing
}

// Headroom checks whether the instances that stay ACTIVE can hold the service
// tasks that draining batch moves. It returns the blocker text, or "".
func (st ClusterState) Headroom(batch []model.ContainerInstance) string {
	inBatch := map[string]bool{}
	for _, ci := range batch {
		inBatch[ci.ARN] = true
	}
	var free []model.Resources
	for _, ci := range activeInstances(st.Instances) {
		if !inBatch[ci.ARN] {
			free = append(free, ci.Remaining)
		}
	}
	var moved []model.TaskNeeds
	for _, ci := range batch {
		for _, t := range st.TasksOn(ci) {
			if t.ServiceName() != "" {
				moved = append(moved, st.Needs[t.TaskDefinitionARN])
			}
		}
	}
	if len(moved) == 0 {
		return ""
	}
	unplaced, why := model.PackTasks(free, moved)
	if unplaced == 0 {
		return ""
	}
	fix := "add capacity first (raise the Auto Scaling group's desired capacity)"
	if why == model.ReasonPorts {
		fix += ", or move the service off its static host port"
	}
	return fmt.Sprintf("the %s left cannot hold %d of the %s draining moves (%s): they would stay unplaced until replacements arrive, and the drain would not finish; %s",
		plural(len(free), "ACTIVE instance", "ACTIVE instances"), unplaced, plural(len(moved), "service task", "service tasks"), why, fix)
}

// planDrainBase plans draining and replacing the selected instances, batch
// at a time (batch 1 for a single instance), as on a classic group;
// PlanDrain adds what the groups' management implies (drain_capacity.go).
func planDrainBase(st ClusterState, sel Selection, batch int, stopStandalone bool) Plan {
	p := Plan{Action: ActionDrain, Cluster: st.Cluster, Target: sel.String()}
	p.checkInt(DrainBatch, batch)
	targets, missing := st.Select(sel)
	for _, id := range missing {
		p.Blockers = append(p.Blockers, "no container instance "+id+" in cluster "+st.Cluster)
	}
	if len(targets) == 0 {
		p.Blockers = append(p.Blockers, "no ACTIVE or DRAINING instance matches "+sel.String())
	}
	if len(targets) > 1 {
		p.Action = ActionRollingDrain
		p.Target = st.Cluster
	} else if len(targets) == 1 {
		p.Target = targets[0].EC2InstanceID
	}
	p.Summary = fmt.Sprintf("drain and replace %s in cluster %s, %d at a time", plural(len(targets), "instance", "instances"), st.Cluster, batch)
	var ids []string
	for _, ci := range targets {
		tasks := st.TasksOn(ci)
		bySvc := map[string]int{}
		var standalone []string
		for _, t := range tasks {
			if s := t.ServiceName(); s != "" {
				bySvc[s]++
			} else {
				standalone = append(standalone, t.ID+" ("+model.ResourceID(t.TaskDefinitionARN)+")")
			}
		}
		change := ci.Status + " → DRAINING"
		if ci.Status == model.InstanceDraining {
			change = "already DRAINING"
		}
		line := fmt.Sprintf("%s (%s, %s, AMI %s, agent %s): %s", ci.EC2InstanceID, ci.ID, ci.AvailabilityZone, orDash(ci.AMIID), orDash(ci.AgentVersion), change)
		var moves []string
		for _, s := range slices.Sorted(maps.Keys(bySvc)) {
			moves = append(moves, fmt.Sprintf("%s×%d", s, bySvc[s]))
		}
		if len(moves) > 0 {
			line += "; moves " + strings.Join(moves, ", ")
		}
		p.Changes = append(p.Changes, line)
		if len(standalone) > 0 {
			if stopStandalone {
				p.Changes = append(p.Changes, fmt.Sprintf("  stop standalone tasks on %s: %s", ci.EC2InstanceID, strings.Join(standalone, ", ")))
			} else {
				p.Warnings = append(p.Warnings, fmt.Sprintf("%s runs standalone tasks that draining does not move: %s; it will not be terminated while they run (stop them, or use --stop-standalone)",
					ci.EC2InstanceID, strings.Join(standalone, ", ")))
			}
		}
		if ci.AutoScalingGroup == "" {
			p.Warnings = append(p.Warnings, ci.EC2InstanceID+" is not known to belong to an Auto Scaling group: terminating it may bring no replacement")
		}
		if !ci.AgentConnected {
			p.Warnings = append(p.Warnings, ci.EC2InstanceID+": agent disconnected, tasks may not report leaving")
		}
		ids = append(ids, ci.EC2InstanceID)
	}
	if len(targets) > 0 {
		p.Changes = append(p.Changes,
			"when an instance has no task left: terminate it in its Auto Scaling group without decrementing desired capacity",
			"wait until each replacement registers ACTIVE before the next batch")
	}
	first := targets[:min(batch, len(targets))]
	if h := st.Headroom(first); h != "" {
		p.Blockers = append(p.Blockers, h)
		p.Overridable = true
	}
	if len(targets) > batch {
		p.Warnings = append(p.Warnings, fmt.Sprintf("headroom is checked again before each of the %d batches", ceilDiv(len(targets), batch)))
	}
	if len(targets) == len(activeInstances(st.Instances)) && len(targets) > 0 && batch >= len(targets) {
		p.Blockers = append(p.Blockers, "this drains every ACTIVE instance at once: use a smaller batch")
	}
	p.Commands = drainCommands(st.Cluster, targets, stopStandalone, st)
	return p
}

func drainCommands(cluster string, targets []model.ContainerInstance, stopStandalone bool, st ClusterState) []string {
	var c []string
	for _, ci := range targets {
		c = append(c, awsCmd("ecs", "update-container-instances-state", "--cluster", cluster, "--container-instances", ci.ID, "--status", "DRAINING"))
		if stopStandalone {
			for _, t := range st.TasksOn(ci) {
				if t.ServiceName() == "" {
					c = append(c, awsCmd("ecs", "stop-task", "--cluster", cluster, "--task", t.ID, "--reason", "ecstui drain of "+ci.EC2InstanceID))
				}
			}
		}
		c = append(c,
			awsCmd("ecs", "list-tasks", "--cluster", cluster, "--container-instance", ci.ID)+"   # repeat until empty",
			awsCmd("autoscaling", "terminate-instance-in-auto-scaling-group", "--instance-id", ci.EC2InstanceID, "--no-should-decrement-desired-capacity"))
	}
	c = append(c, awsCmd("ecs", "list-container-instances", "--cluster", cluster, "--status", "ACTIVE")+"   # until the replacements appear")
	return c
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
