package ops

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ecstui/ecstui/model"
)

// Preview verdicts, from best to worst.
const (
	VerdictOK      = "ok"      // the scheduler can proceed as configured
	VerdictSlow    = "slow"    // it proceeds, but in smaller steps or at reduced capacity
	VerdictStall   = "stall"   // tasks the settings allow cannot be placed; progress stops short
	VerdictBlocked = "blocked" // no task can be started or stopped: nothing will happen
)

// PlacementInput is everything the placement preview looks at.
type PlacementInput struct {
	Service model.Service
	// Current is the task definition the running tasks use; Next the one the
	// service will run (the same for a scale).
	Current, Next model.TaskDefinition
	Desired       int // desired count after the change
	MinPercent    int
	MaxPercent    int
	Instances     []model.ContainerInstance // the cluster's container instances
	Tasks         []model.Task              // the service's running tasks
	// Replace is true when every running task must be replaced (a new
	// revision or a forced deployment), false for a pure scale.
	Replace bool
}

// Preview predicts whether ECS can carry out a deployment or scale with the
// cluster as it is now.
type Preview struct {
	Verdict        string
	Running        int
	Desired        int
	MaxTotal       int // tasks maxPercent allows at once
	MinHealthy     int // tasks minimumHealthyPercent keeps running
	ExtraAllowed   int // new tasks ECS may start before stopping old ones
	ExtraPlaceable int // of those, how many fit on the instances right now
	Stoppable      int // old tasks ECS may stop before new ones run
	Limit          string
	Lines          []string
	Suggestions    []string
}

// PreviewPlacement computes the placement preview. It is deliberately a
// first-step prediction: what the scheduler can do in its next move, which is
// where the seed-003 trap (static host port, minHealthy 100) shows.
func PreviewPlacement(in PlacementInput) Preview {
	p := Preview{Running: len(in.Tasks), Desired: in.Desired}
	need := model.NeedsOf(in.Next)
	oldNeed := model.NeedsOf(in.Current)
	p.MaxTotal = in.Desired * in.MaxPercent / 100
	p.MinHealthy = ceilDiv(in.Desired*in.MinPercent, 100)

	active := activeInstances(in.Instances)
	distinct := slices.ContainsFunc(in.Service.PlacementConstraints, func(c model.PlacementConstraint) bool {
		return c.Type == "distinctInstance"
	})
	hosting := map[string]int{}
	for _, t := range in.Tasks {
		hosting[t.ContainerInstanceARN]++
	}

	// How many tasks of Next fit on the instances as they are.
	var reasons []string
	placeable := 0
	for _, ci := range active {
		limit := in.Desired + 1
		if distinct {
			if hosting[ci.ARN] > 0 {
				reasons = append(reasons, "distinctInstance")
				continue
			}
			limit = 1
		}
		n, why := ci.Remaining.CountFits(need, limit)
		placeable += n
		if why != "" {
			reasons = append(reasons, why)
		}
	}
	p.Limit = limitText(reasons, need, len(active))

	if !in.Replace {
		return previewScale(p, placeable, need)
	}

	p.ExtraAllowed = max(0, p.MaxTotal-p.Running)
	p.ExtraPlaceable = min(p.ExtraAllowed, placeable)
	p.Stoppable = max(0, p.Running-p.MinHealthy)

	// Can a new task take the place of a stopped old one on its host?
	freedFits := false
	for _, ci := range active {
		if hosting[ci.ARN] == 0 {
			continue
		}
		if ok, _ := ci.Remaining.Release(oldNeed).Fits(need); ok {
			freedFits = true
			break
		}
	}

	p.Lines = append(p.Lines,
		fmt.Sprintf("desired %d, running %d; minimumHealthyPercent %d keeps %d running, maximumPercent %d allows %d at once",
			in.Desired, p.Running, in.MinPercent, p.MinHealthy, in.MaxPercent, p.MaxTotal),
		fmt.Sprintf("per task: %d CPU, %d MiB%s", need.CPU, need.Memory, portsText(need)))

	switch {
	case p.ExtraPlaceable > 0:
		p.Verdict = VerdictOK
		p.Lines = append(p.Lines, fmt.Sprintf("ECS may start %s before stopping old ones; %d fit on the %s now",
			plural(p.ExtraAllowed, "extra task", "extra tasks"), placeable, plural(len(active), "ACTIVE instance", "ACTIVE instances")))
		if p.ExtraPlaceable < p.ExtraAllowed && p.Stoppable == 0 {
			p.Verdict = VerdictSlow
			p.Lines = append(p.Lines, fmt.Sprintf("only %d of the %d extra tasks fit (%s): the rollout replaces tasks in waves of %d",
				p.ExtraPlaceable, p.ExtraAllowed, p.Limit, p.ExtraPlaceable))
		}
	case p.Stoppable > 0 && freedFits:
		if p.ExtraAllowed > 0 {
			p.Verdict = VerdictStall
			p.Lines = append(p.Lines, fmt.Sprintf("will stall on placement: the %s maxPercent allows cannot be placed (%s)",
				plural(p.ExtraAllowed, "extra task", "extra tasks"), p.Limit))
		} else {
			p.Verdict = VerdictSlow
		}
		if p.MinHealthy < in.Desired {
			p.Lines = append(p.Lines, fmt.Sprintf("ECS can only proceed by stopping old tasks first: running capacity drops to %d of %d during the rollout",
				p.MinHealthy, in.Desired))
		} else {
			p.Lines = append(p.Lines, fmt.Sprintf("ECS can only proceed by stopping the %d tasks above the desired count first, one replacement at a time",
				p.Stoppable))
		}
	default:
		p.Verdict = VerdictBlocked
		switch {
		case p.ExtraAllowed == 0 && p.Stoppable == 0:
			p.Lines = append(p.Lines, fmt.Sprintf("cannot make room: minimumHealthyPercent %d forbids stopping any of the %d running tasks and maximumPercent %d forbids starting an extra one",
				in.MinPercent, p.Running, in.MaxPercent))
		case p.Stoppable == 0:
			p.Lines = append(p.Lines, fmt.Sprintf("cannot make room: no instance can take an extra task (%s) and minimumHealthyPercent %d forbids stopping any of the %d running tasks",
				p.Limit, in.MinPercent, p.Running))
		default:
			p.Lines = append(p.Lines, fmt.Sprintf("cannot make room: no instance can take a new task (%s), not even where an old task stops", p.Limit))
		}
	}
	p.Suggestions = suggest(in, p, need, oldNeed, placeable, freedFits)
	return p
}

func previewScale(p Preview, placeable int, need model.TaskNeeds) Preview {
	add := p.Desired - p.Running
	p.Lines = append(p.Lines, fmt.Sprintf("desired %d, running %d; per task: %d CPU, %d MiB%s",
		p.Desired, p.Running, need.CPU, need.Memory, portsText(need)))
	switch {
	case add <= 0:
		p.Verdict = VerdictOK
		if add < 0 {
			p.Lines = append(p.Lines, fmt.Sprintf("ECS stops %s", plural(-add, "task", "tasks")))
		}
	case placeable >= add:
		p.Verdict = VerdictOK
		p.ExtraPlaceable = add
		p.Lines = append(p.Lines, fmt.Sprintf("%s to start; %d fit on the instances now", plural(add, "task", "tasks"), placeable))
	default:
		p.Verdict = VerdictStall
		p.ExtraPlaceable = placeable
		p.Lines = append(p.Lines, fmt.Sprintf("only %d of %d new tasks fit (%s); %d will stay unplaced until capacity is added",
			placeable, add, p.Limit, add-placeable))
		p.Suggestions = append(p.Suggestions, fmt.Sprintf("add container instances (scale the Auto Scaling group), or scale to %d", p.Running+placeable))
		if need.StaticPorts() {
			p.Suggestions = append(p.Suggestions, "use dynamic host ports (hostPort 0) so more than one task fits per instance")
		}
	}
	return p
}

func suggest(in PlacementInput, p Preview, need, oldNeed model.TaskNeeds, placeable int, freedFits bool) []string {
	if p.Verdict == VerdictOK {
		return nil
	}
	var s []string
	if p.Stoppable == 0 && p.Running > 0 && freedFits {
		// The largest minimum that still lets ECS stop one task at a time.
		minPct := 100 * (in.Desired - 1) / max(1, in.Desired)
		s = append(s, fmt.Sprintf("set minimumHealthyPercent to %d so ECS can replace one task at a time (capacity dips to %d)",
			minPct, ceilDiv(in.Desired*minPct, 100)))
	}
	if p.ExtraAllowed == 0 && placeable > 0 {
		maxPct := 100 + ceilDiv(100*min(placeable, max(1, in.Desired)), max(1, in.Desired))
		s = append(s, fmt.Sprintf("set maximumPercent to %d: %d extra tasks fit now", min(200, maxPct), placeable))
	}
	if need.StaticPorts() && placeable == 0 {
		s = append(s, fmt.Sprintf("use a dynamic host port (hostPort 0) behind the target group instead of %s, so old and new tasks can share an instance", portsText(need)[2:]))
		s = append(s, "or add an instance with the port free so the extra task can start first")
	} else if placeable == 0 {
		s = append(s, "add container instances (scale the Auto Scaling group) so the extra tasks have room")
	}
	if !freedFits && need.CPU+need.Memory > oldNeed.CPU+oldNeed.Memory {
		s = append(s, "the new revision reserves more CPU/memory than the old one: check its sizes")
	}
	return s
}

func activeInstances(all []model.ContainerInstance) []model.ContainerInstance {
	var out []model.ContainerInstance
	for _, ci := range all {
		if ci.Status == model.InstanceActive && ci.AgentConnected {
			out = append(out, ci)
		}
	}
	return out
}

func limitText(reasons []string, need model.TaskNeeds, active int) string {
	if active == 0 {
		return "no ACTIVE instance with a connected agent"
	}
	counts := map[string]int{}
	for _, r := range reasons {
		counts[r]++
	}
	var parts []string
	if n := counts[model.ReasonPorts]; n > 0 {
		parts = append(parts, fmt.Sprintf("host port %s in use on %d of %d instances", joinInts(append(slices.Clone(need.Ports), need.PortsUDP...)), n, active))
	}
	if n := counts[model.ReasonCPU]; n > 0 {
		parts = append(parts, fmt.Sprintf("not enough CPU on %d of %d instances", n, active))
	}
	if n := counts[model.ReasonMemory]; n > 0 {
		parts = append(parts, fmt.Sprintf("not enough memory on %d of %d instances", n, active))
	}
	if n := counts["distinctInstance"]; n > 0 {
		parts = append(parts, fmt.Sprintf("distinctInstance: %d of %d instances already run a task", n, active))
	}
	return strings.Join(parts, "; ")
}

func portsText(n model.TaskNeeds) string {
	if !n.StaticPorts() {
		return ", dynamic host ports"
	}
	return ", static host port " + joinInts(append(slices.Clone(n.Ports), n.PortsUDP...))
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}

func ceilDiv(a, b int) int {
	if b == 0 {
		return 0
	}
	return (a + b - 1) / b
}
