package sim

import (
	"fmt"

	"github.com/ecstui/ecstui/model"
)

// scheduleDaemon keeps one task of the PRIMARY deployment on every ACTIVE,
// connected instance that meets the service's constraints; the desired count
// follows the number of such instances. A new deployment replaces tasks
// instance by instance: the old task stops first (as far as
// minimumHealthyPercent allows), and the new one starts once the old one has
// released its resources. On a DRAINING instance the daemon task stops last,
// when no replica service task is left there; standalone tasks do not count.
func (w *World) scheduleDaemon(s *service) {
	c := s.cluster
	w.circuitBreaker(s)
	primary := s.deployments[0]

	var eligible []*instance
	for _, id := range c.instanceOrder {
		ci := c.instances[id]
		if ok, _ := constraintsAllow(ci, s.cons, false); ok && placeable(ci) {
			eligible = append(eligible, ci)
		}
	}
	s.desired = len(eligible)
	primary.desired = s.desired
	minHealthy := (s.desired*s.cfg.MinimumHealthyPercent + 99) / 100

	healthyN := 0
	var running []*task
	for _, t := range sortedTasks(s.tasks) {
		if t.desiredStatus == model.StatusRunning {
			running = append(running, t)
			if healthy(t) {
				healthyN++
			}
		}
	}

	var stopped, started []*task
	for _, t := range running {
		switch {
		case t.health == model.HealthUnhealthy && w.now.Sub(t.startedAt) >= s.grace:
			w.event(s, fmt.Sprintf("(service %s) (task %s) failed container health checks.", s.name, t.id))
			w.markFailed(t)
			w.stopTask(t, "ServiceSchedulerInitiated", "Task failed container health checks")
		case t.inst.status == model.InstanceDraining:
			if replicasLeft(t.inst) {
				continue
			}
			w.stopTask(t, "ServiceSchedulerInitiated", "Task stopped because the container instance was drained")
		case t.dep != primary && !primary.noLaunch:
			if healthy(t) {
				if healthyN-1 < minHealthy {
					continue
				}
				healthyN--
			}
			w.stopTask(t, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+t.dep.id+")")
		default:
			continue
		}
		stopped = append(stopped, t)
	}

	if !primary.noLaunch && !w.now.Before(primary.nextLaunch) {
		for _, ci := range eligible {
			if hasServiceTask(ci, s) {
				continue
			}
			if ok, why := fitsOn(ci, primary.td); !ok {
				w.eventOnce(s, "place:"+ci.id, fmt.Sprintf("(service %s) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance %s) %s For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", s.name, ci.id, closeWords(why)))
				continue
			}
			w.clearMessages(s, "place:"+ci.id)
			started = append(started, w.newTask(c, primary.td, ci, "service:"+s.name, primary.id, s, primary))
		}
	}

	w.reportTargets(s)
	if len(stopped) > 0 {
		w.event(s, fmt.Sprintf("(service %s) has stopped %d running tasks: %s.", s.name, len(stopped), taskList(stopped)))
	}
	if len(started) > 0 {
		w.event(s, fmt.Sprintf("(service %s) has started %d tasks: %s.", s.name, len(started), taskList(started)))
	}
	w.settle(s)
}

// replicasLeft reports whether a REPLICA service still has a task on ci.
func replicasLeft(ci *instance) bool {
	for _, t := range ci.tasks {
		if t.svc != nil && !t.svc.daemon {
			return true
		}
	}
	return false
}

// hasServiceTask reports whether s has any task on ci that has not stopped
// (an old one on its way out still holds its resources).
func hasServiceTask(ci *instance, s *service) bool {
	for _, t := range ci.tasks {
		if t.svc == s {
			return true
		}
	}
	return false
}
