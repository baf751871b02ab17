package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// The service scheduler runs once per tick for every service. It follows the
// rolling-update rules ECS documents:
//   - it launches tasks of the PRIMARY deployment while the service's tasks
//     (all deployments, RUNNING or PENDING) stay within maximumPercent of the
//     desired count (rounded down);
//   - it stops tasks of older deployments, and service tasks on DRAINING
//     instances, only while the healthy tasks that remain stay at or above
//     minimumHealthyPercent of the desired count (rounded up); tasks that are
//     not healthy anyway may always be stopped;
//   - a task is healthy when RUNNING and, with a load balancer, when all its
//     targets are healthy;
//   - a task whose target turns unhealthy after the health-check grace period
//     is stopped and replaced, and counts as failed;
//   - the circuit breaker fails the PRIMARY deployment after
//     ceil(desired/2) failed tasks, at least 3 and at most 200 (ECS's
//     threshold), and with rollback starts a new PRIMARY deployment of the
//     last deployment that completed.

const eventCap = 100

// stabilize is how long every task must have been running (and healthy)
// before a deployment counts as COMPLETED and the service as steady, so a
// task that crashes seconds after start fails its deployment instead.
const stabilize = 15 * time.Second

// messageRepeat is how long ECS suppresses a repeated service event.
const messageRepeat = 6 * time.Hour

func (w *World) event(s *service, msg string) {
	e := model.ServiceEvent{ID: w.eventID(), CreatedAt: w.now, Message: msg}
	s.events = append([]model.ServiceEvent{e}, s.events...)
	if len(s.events) > eventCap {
		s.events = s.events[:eventCap]
	}
}

// eventOnce sends msg unless the same kind of message with the same text was
// sent within messageRepeat; ECS omits duplicates until the cause changes.
func (w *World) eventOnce(s *service, kind, msg string) {
	key := kind + "\x00" + msg
	if at, ok := s.lastMessages[key]; ok && w.now.Sub(at) < messageRepeat {
		return
	}
	for k := range s.lastMessages {
		if strings.HasPrefix(k, kind+"\x00") {
			delete(s.lastMessages, k)
		}
	}
	s.lastMessages[key] = w.now
	w.event(s, msg)
}

func (w *World) clearMessages(s *service, kind string) {
	for k := range s.lastMessages {
		if strings.HasPrefix(k, kind+"\x00") {
			delete(s.lastMessages, k)
		}
	}
}

func (w *World) eventID() string {
	const digits = "0123456789abcdef"
	b := make([]byte, 36)
	for i := range b {
		switch i {
		case 8, 13, 18, 23:
			b[i] = '-'
		default:
			b[i] = digits[w.simRand.IntN(16)]
		}
	}
	return string(b)
}

// sortedTasks returns s's not-yet-stopped tasks, oldest first.
func sortedTasks(m map[string]*task) []*task {
	out := make([]*task, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *task) int {
		if c := a.createdAt.Compare(b.createdAt); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return out
}

// healthy is ECS's notion for minimumHealthyPercent: RUNNING, HEALTHY when
// the task has container health checks, and every target healthy.
func healthy(t *task) bool {
	if t.lastStatus != model.StatusRunning || t.desiredStatus != model.StatusRunning || !healthyForLB(t) {
		return false
	}
	for _, k := range t.containers {
		if k.health != "" && k.essential {
			return t.health == model.HealthHealthy
		}
	}
	return true
}

func cbThreshold(desired int) int {
	return min(max((desired+1)/2, 3), 200)
}

func taskList(ts []*task) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = "(task " + t.id + ")"
	}
	return strings.Join(parts, " ")
}

func (w *World) schedule(s *service) {
	if s.status != "ACTIVE" || len(s.deployments) == 0 {
		return
	}
	if s.daemon {
		w.scheduleDaemon(s)
		return
	}
	primary := s.deployments[0]
	primary.desired = s.desired
	var stopped []*task

	// Tasks that fail their container or load balancer health checks are
	// replaced once the grace period is over.
	for _, t := range sortedTasks(s.tasks) {
		if t.desiredStatus != model.StatusRunning || t.lastStatus != model.StatusRunning {
			continue
		}
		if t.health == model.HealthUnhealthy && w.now.Sub(t.startedAt) >= s.grace {
			w.event(s, fmt.Sprintf("(service %s) (task %s) failed container health checks.", s.name, t.id))
			w.markFailed(t)
			w.stopTask(t, "ServiceSchedulerInitiated", "Task failed container health checks")
			stopped = append(stopped, t)
			continue
		}
		tr := unhealthyTarget(t)
		if tr == nil || w.now.Sub(t.startedAt) < s.grace {
			continue
		}
		w.event(s, fmt.Sprintf("(service %s) (instance %s) (port %d) is unhealthy in (target-group %s) due to (reason %s).",
			s.name, tr.ec2ID, tr.port, tr.tg.ARN, tr.desc))
		w.markFailed(t)
		w.stopTask(t, "ServiceSchedulerInitiated", fmt.Sprintf("Task failed ELB health checks in (target-group %s)", tr.tg.ARN))
		stopped = append(stopped, t)
	}

	w.circuitBreaker(s)
	primary = s.deployments[0]

	var active, prim, toReplace []*task
	healthyN := 0
	for _, t := range sortedTasks(s.tasks) {
		if t.desiredStatus != model.StatusRunning {
			continue
		}
		active = append(active, t)
		if healthy(t) {
			healthyN++
		}
		switch {
		case t.dep != primary:
			toReplace = append(toReplace, t)
		case t.inst.status != model.InstanceActive:
			toReplace = append(toReplace, t)
		default:
			prim = append(prim, t)
		}
	}
	maxTotal := s.desired * s.cfg.MaximumPercent / 100
	minHealthy := (s.desired*s.cfg.MinimumHealthyPercent + 99) / 100

	// Scale in: surplus PRIMARY tasks go, the least advanced first.
	if extra := len(prim) - s.desired; extra > 0 {
		victims := slices.Clone(prim)
		slices.SortStableFunc(victims, func(a, b *task) int { return progress(a) - progress(b) })
		for _, t := range victims[:extra] {
			w.stopTask(t, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+primary.id+")")
			stopped = append(stopped, t)
			prim = slices.DeleteFunc(prim, func(x *task) bool { return x == t })
			active = slices.DeleteFunc(active, func(x *task) bool { return x == t })
			if healthy(t) {
				healthyN--
			}
		}
	}

	// Launch PRIMARY tasks within maximumPercent.
	var started []*task
	s.unplaced = 0
	if !primary.noLaunch && !w.now.Before(primary.nextLaunch) {
		n := min(s.desired-len(prim), maxTotal-len(active))
		for range max(n, 0) {
			p := w.choose(s.cluster, primary.td, placementGroup{svc: s}, s.strategy, s.cons)
			if p.inst == nil {
				s.unplaced = n - len(started)
				w.eventOnce(s, "place", fmt.Sprintf("(service %s) was unable to place a task because no container instance met all of its requirements. %s For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", s.name, p.why))
				break
			}
			w.clearMessages(s, "place")
			t := w.newTask(s.cluster, primary.td, p.inst, "service:"+s.name, primary.id, s, primary)
			started = append(started, t)
			active = append(active, t)
		}
		if s.desired > len(prim)+len(started) && maxTotal <= len(active) && len(started) == 0 &&
			healthyN <= minHealthy && len(toReplace) > 0 && !hasUnhealthy(toReplace) {
			w.eventOnce(s, "config", fmt.Sprintf("(service %s) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.", s.name))
		}
	}

	// Stop replaced tasks within minimumHealthyPercent; a failed deployment
	// without rollback stops nothing more.
	if !primary.noLaunch || len(s.deployments) == 1 {
		victims := slices.Clone(toReplace)
		slices.SortStableFunc(victims, func(a, b *task) int { return boolInt(healthy(a)) - boolInt(healthy(b)) })
		for _, t := range victims {
			if healthy(t) {
				if healthyN-1 < minHealthy {
					break
				}
				healthyN--
			}
			reason := "Scaling activity initiated by (deployment " + t.dep.id + ")"
			if t.inst.status == model.InstanceDraining {
				reason = "Task stopped because the container instance was drained"
			}
			w.stopTask(t, "ServiceSchedulerInitiated", reason)
			stopped = append(stopped, t)
		}
	}

	w.reportTargets(s)
	if len(stopped) > 0 {
		lb := 0
		for _, t := range stopped {
			if len(t.targets) > 0 {
				lb++
			}
		}
		if lb > 0 {
			w.event(s, fmt.Sprintf("(service %s) has begun draining connections on %d tasks.", s.name, lb))
		}
		w.event(s, fmt.Sprintf("(service %s) has stopped %d running tasks: %s.", s.name, len(stopped), taskList(stopped)))
	}
	if len(started) > 0 {
		w.event(s, fmt.Sprintf("(service %s) has started %d tasks: %s.", s.name, len(started), taskList(started)))
	}
	w.settle(s)
}

func hasUnhealthy(ts []*task) bool {
	for _, t := range ts {
		if !healthy(t) {
			return true
		}
	}
	return false
}

// progress orders tasks for scale-in: not yet running before running.
func progress(t *task) int {
	switch t.lastStatus {
	case model.StatusProvisioning:
		return 0
	case model.StatusPending:
		return 1
	}
	if !healthy(t) {
		return 2
	}
	return 3
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// circuitBreaker fails the PRIMARY deployment once enough of its tasks have
// failed, and rolls back when asked to.
func (w *World) circuitBreaker(s *service) {
	p := s.deployments[0]
	if !s.cfg.CircuitBreaker.Enable || p.rollout != model.RolloutInProgress || p.failed < cbThreshold(s.desired) {
		if !s.cfg.CircuitBreaker.Enable && p.failed >= 10 && p.rollout == model.RolloutInProgress {
			w.eventOnce(s, "consistently", fmt.Sprintf("(service %s) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", s.name))
		}
		return
	}
	p.rollout = model.RolloutFailed
	p.reason = "ECS deployment circuit breaker: tasks failed to start."
	p.updatedAt = w.now
	w.event(s, fmt.Sprintf("(service %s) (deployment %s) deployment failed: tasks failed to start.", s.name, p.id))
	stable := w.lastCompleted(s)
	if !s.cfg.CircuitBreaker.Rollback || stable == nil {
		p.noLaunch = true
		w.recordFailed(s, p, nil, nil)
		return
	}
	nd := w.newDeployment(s, stable.td)
	nd.reason = "ECS deployment circuit breaker: rolling back to deploymentId " + stable.id + "."
	p.status = model.DeploymentActive
	s.deployments = append([]*deployment{nd}, s.deployments...)
	s.td = stable.td
	s.steady = false
	w.recordFailed(s, p, nd, stable)
}

// lastCompleted is the most recent deployment that reached COMPLETED, kept on
// the service even after it left the deployments list.
func (w *World) lastCompleted(s *service) *deployment {
	return s.stable
}

// settle removes drained deployments and marks completion and steady state.
func (w *World) settle(s *service) {
	live := map[*deployment]int{}
	running, pending, healthyN := 0, 0, 0
	for _, t := range s.tasks {
		live[t.dep]++
		if t.desiredStatus != model.StatusRunning {
			continue
		}
		switch t.lastStatus {
		case model.StatusRunning:
			running++
			if healthy(t) && w.now.Sub(t.startedAt) >= stabilize {
				healthyN++
			}
		default:
			pending++
		}
	}
	p := s.deployments[0]
	// Older deployments stay listed (ACTIVE, perhaps with no tasks) until the
	// PRIMARY one has all its tasks healthy, as ECS shows them.
	done := running == s.desired && pending == 0 && healthyN == s.desired && live[p] == s.desired
	if done {
		s.deployments = slices.DeleteFunc(s.deployments, func(d *deployment) bool { return d != p && live[d] == 0 })
	}
	done = done && len(s.deployments) == 1
	if done && p.rollout == model.RolloutInProgress {
		p.rollout = model.RolloutCompleted
		p.reason = "ECS deployment " + p.id + " completed."
		p.updatedAt = w.now
		s.stable = p
		w.recordCompleted(p)
		w.event(s, fmt.Sprintf("(service %s) (deployment %s) deployment completed.", s.name, p.id))
	}
	if done && (!s.steady || w.now.Sub(s.steadyAt) >= messageRepeat) {
		s.steadyAt = w.now
		w.event(s, fmt.Sprintf("(service %s) has reached a steady state.", s.name))
	}
	s.steady = done
}
