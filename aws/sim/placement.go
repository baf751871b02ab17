package sim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ecstui/ecstui/model"
)

// Dynamic host ports come from the Linux ephemeral range ECS uses.
const (
	dynLow  = 32768
	dynHigh = 60999
)

// placementGroup says which tasks count as "the same" for spread and
// distinctInstance: a service's tasks, or a standalone task group.
type placementGroup struct {
	svc   *service
	group string
}

func (g placementGroup) member(t *task) bool {
	if g.svc != nil {
		return t.svc == g.svc
	}
	return t.svc == nil && t.group == g.group
}

// placeable reports whether an instance may take new tasks at all.
func placeable(ci *instance) bool {
	return ci.status == model.InstanceActive && ci.agentConnected && ci.ec2.state == "running"
}

func (ci *instance) attribute(name string) string {
	switch name {
	case "ecs.availability-zone":
		return ci.ec2.az
	case "ecs.instance-type":
		return ci.ec2.instanceType
	case "ecs.ami-id":
		return ci.ec2.ami
	case "ecs.os-type":
		return "linux"
	}
	return ci.attributes[name]
}

// fitsOn checks resources the way ECS does, plus room in the ephemeral range
// for the dynamic ports the task needs.
func fitsOn(ci *instance, td *taskDef) (bool, string) {
	if ok, why := ci.remaining.Fits(td.needs); !ok {
		return false, why
	}
	if dynNeeded(td) > (dynHigh-dynLow+1)-len(ci.dynUsed) {
		return false, model.ReasonPorts
	}
	return true, ""
}

func dynNeeded(td *taskDef) int {
	if td.NetworkMode != "" && td.NetworkMode != "bridge" {
		return 0
	}
	n := 0
	for _, c := range td.Containers {
		for _, p := range c.PortMappings {
			if p.HostPort == 0 {
				n++
			}
		}
	}
	return n
}

// placement is the result of choosing an instance for one task.
type placement struct {
	inst *instance
	// When inst is nil: the closest match and its failure reason (nil and
	// "" when the cluster has no usable instance), and why, as the tail of
	// ECS's service event message.
	closest *instance
	reason  string
	why     string
}

// choose picks the instance for one more task of td in group g, or explains
// why none fits, naming the closest match as ECS does.
func (w *World) choose(c *cluster, td *taskDef, g placementGroup, strategy []model.PlacementStrategy, cons []model.PlacementConstraint) placement {
	var cands []*instance
	for _, id := range c.instanceOrder {
		ci := c.instances[id]
		if placeable(ci) {
			cands = append(cands, ci)
		}
	}
	if len(cands) == 0 {
		return placement{why: "Reason: No Container Instances were found in your cluster."}
	}
	perInst := map[*instance]int{}
	for _, ci := range cands {
		for _, t := range ci.tasks {
			if g.member(t) {
				perInst[ci]++
			}
		}
	}
	var fit []*instance
	var closest *instance
	closestScore, closestWhy := -1, ""
	for _, ci := range cands {
		if g.svc != nil && g.svc.net != nil && td.NetworkMode == "awsvpc" && !g.svc.net.inZone(w, ci.ec2.az) {
			// The task's interface goes in one of the service's subnets,
			// so only an instance in one of their zones can take it.
			if closestScore < 0 {
				closest, closestScore, closestWhy = ci, 0, "no subnet of the service's networkConfiguration in "+ci.ec2.az
			}
			continue
		}
		if ok, why := constraintsAllow(ci, cons, perInst[ci] > 0); !ok {
			if closestScore < 0 {
				closest, closestScore, closestWhy = ci, 0, why
			}
			continue
		}
		ok, why := fitsOn(ci, td)
		if ok {
			fit = append(fit, ci)
			continue
		}
		// Ports fail first in ECS's order; an instance that only lacks
		// memory is "closer" than one with a port clash.
		score := map[string]int{model.ReasonPorts: 1, model.ReasonCPU: 2, model.ReasonMemory: 3}[why]
		if score > closestScore {
			closest, closestScore, closestWhy = ci, score, why
		}
	}
	if len(fit) == 0 {
		return placement{closest: closest, reason: closestWhy,
			why: fmt.Sprintf("The closest matching (container-instance %s) %s", closest.id, closeWords(closestWhy))}
	}
	return placement{inst: w.rank(fit, g, strategy, perInst)}
}

func closeWords(reason string) string {
	switch reason {
	case model.ReasonPorts:
		return "is already using a port required by your task."
	case model.ReasonCPU:
		return "has insufficient CPU units available."
	case model.ReasonMemory:
		return "has insufficient memory available."
	}
	return fmt.Sprintf("encountered error %q.", reason)
}

// rank orders instances by the strategies in turn (each a tie-breaker for the
// previous) and returns the best; final ties go to registration order.
func (w *World) rank(fit []*instance, g placementGroup, strategy []model.PlacementStrategy, perInst map[*instance]int) *instance {
	keys := make(map[*instance][]float64, len(fit))
	for _, s := range strategy {
		switch s.Type {
		case "spread":
			if s.Field == "instanceId" || s.Field == "host" {
				for _, ci := range fit {
					keys[ci] = append(keys[ci], float64(perInst[ci]))
				}
				continue
			}
			attr := strings.TrimPrefix(s.Field, "attribute:")
			per := map[string]int{}
			for ci, n := range perInst {
				per[ci.attribute(attr)] += n
			}
			for _, ci := range fit {
				keys[ci] = append(keys[ci], float64(per[ci.attribute(attr)]))
			}
		case "binpack":
			for _, ci := range fit {
				v := ci.remaining.Memory
				if strings.EqualFold(s.Field, "cpu") {
					v = ci.remaining.CPU
				}
				keys[ci] = append(keys[ci], float64(v))
			}
		case "random":
			for _, ci := range fit {
				keys[ci] = append(keys[ci], w.simRand.Float64())
			}
		}
	}
	best := fit[0]
	for _, ci := range fit[1:] {
		if slices.Compare(keys[ci], keys[best]) < 0 {
			best = ci
		}
	}
	return best
}

// constraintsAllow evaluates distinctInstance and a small memberOf language:
// "attribute:NAME == V", "!=", "in [a, b]", "not in [a, b]" (also ec2InstanceId).
func constraintsAllow(ci *instance, cons []model.PlacementConstraint, hasGroupTask bool) (bool, string) {
	for _, c := range cons {
		switch c.Type {
		case "distinctInstance":
			if hasGroupTask {
				return false, "distinctInstance placement constraint unsatisfied"
			}
		case "memberOf":
			if !memberOf(ci, c.Expression) {
				return false, "memberOf placement constraint unsatisfied"
			}
		}
	}
	return true, ""
}

func memberOf(ci *instance, expr string) bool {
	expr = strings.TrimSpace(expr)
	for _, op := range []string{" not in ", " in ", "==", "!="} {
		i := strings.Index(expr, op)
		if i < 0 {
			continue
		}
		lhs, rhs := strings.TrimSpace(expr[:i]), strings.TrimSpace(expr[i+len(op):])
		var val string
		switch {
		case lhs == "ec2InstanceId":
			val = ci.ec2.id
		case strings.HasPrefix(lhs, "attribute:"):
			val = ci.attribute(strings.TrimPrefix(lhs, "attribute:"))
		default:
			return false
		}
		var set []string
		for _, v := range strings.Split(strings.Trim(rhs, "[]"), ",") {
			set = append(set, strings.Trim(strings.TrimSpace(v), `'"`))
		}
		in := slices.Contains(set, val)
		switch op {
		case " in ", "==":
			return in
		default:
			return !in
		}
	}
	return false
}

// reserve takes td's resources on ci and returns the dynamic host ports it got.
func (ci *instance) reserve(td *taskDef) []int {
	ci.remaining = ci.remaining.Reserve(td.needs)
	var dyn []int
	for range dynNeeded(td) {
		for ci.dynUsed[ci.nextDyn] {
			ci.nextDyn++
			if ci.nextDyn > dynHigh {
				ci.nextDyn = dynLow
			}
		}
		p := ci.nextDyn
		ci.dynUsed[p] = true
		dyn = append(dyn, p)
	}
	return dyn
}

func (ci *instance) release(t *task) {
	ci.remaining = ci.remaining.Release(t.td.needs)
	for _, p := range t.dynPorts {
		delete(ci.dynUsed, p)
	}
}
