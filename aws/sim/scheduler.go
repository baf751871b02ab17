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
	if s.status == "DRAINING" {
		w.drainDeleted(s)
		return
	}
	if s.status != "ACTIVE" || len(s.deployments) == 0 {
		return
	}
	if s.daemon {
		w.scheduleDaemon(s)
		return
	}
	s.deployments[0].desired = s.desired
	p := &schedulePass{s: s}
	p.stopped = w.replaceFailingTasks(s)
	w.circuitBreaker(s)
	p.sortTasks()
	w.scaleInPrimary(p)
	w.launchPrimary(p)
	w.stopReplaced(p)
	w.reportPass(p)
	w.settle(s)
}

// schedulePass is one scheduler run over a REPLICA service: its tasks sorted
// by what the rules do with them, the bounds the deployment configuration
// sets, and what the run stopped and started.
type schedulePass struct {
	s       *service
	primary *deployment
	// Tasks meant to run: all of them, the PRIMARY deployment's on ACTIVE
	// instances, and the rest, which are to be replaced.
	active, prim, toReplace []*task
	healthyN                int // healthy tasks among active
	maxTotal, minHealthy    int // maximumPercent and minimumHealthyPercent as task counts
	stopped, started        []*task
}

// replaceFailingTasks stops the tasks that fail their container or load
// balancer health checks once the grace period is over.
func (w *World) replaceFailingTasks(s *service) []*task {
	var stopped []*task
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
	return stopped
}

// sortTasks classifies the service's tasks after the circuit breaker has
// had its say (a rollback changes the PRIMARY deployment).
func (p *schedulePass) sortTasks() {
	s := p.s
	p.primary = s.deployments[0]
	for _, t := range sortedTasks(s.tasks) {
		if t.desiredStatus != model.StatusRunning {
			continue
		}
		p.active = append(p.active, t)
		if healthy(t) {
			p.healthyN++
		}
		switch {
		case t.dep != p.primary:
			p.toReplace = append(p.toReplace, t)
		case t.inst != nil && t.inst.status != model.InstanceActive:
			p.toReplace = append(p.toReplace, t)
		default:
			p.prim = append(p.prim, t)
		}
	}
	p.maxTotal = s.desired * s.cfg.MaximumPercent / 100
	p.minHealthy = (s.desired*s.cfg.MinimumHealthyPercent + 99) / 100
}

// scaleInPrimary stops surplus PRIMARY tasks, the least advanced first.
func (w *World) scaleInPrimary(p *schedulePass) {
	extra := len(p.prim) - p.s.desired
	if extra <= 0 {
		return
	}
	victims := slices.Clone(p.prim)
	slices.SortStableFunc(victims, func(a, b *task) int { return progress(a) - progress(b) })
	for _, t := range victims[:extra] {
		w.stopTask(t, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+p.primary.id+")")
		p.stopped = append(p.stopped, t)
		p.prim = slices.DeleteFunc(p.prim, func(x *task) bool { return x == t })
		p.active = slices.DeleteFunc(p.active, func(x *task) bool { return x == t })
		if healthy(t) {
			p.healthyN--
		}
	}
}

// launchPrimary starts PRIMARY tasks within maximumPercent, unless the
// deployment launches nothing more or is backing off after failures.
func (w *World) launchPrimary(p *schedulePass) {
	s, primary := p.s, p.primary
	s.unplaced = 0
	if primary.noLaunch || w.now.Before(primary.nextLaunch) {
		return
	}
	n := min(s.desired-len(p.prim), p.maxTotal-len(p.active))
	for range max(n, 0) {
		var pl placement
		if !isFargate(s) { // Fargate places on no instance
			pl = w.choose(s.cluster, primary.td, placementGroup{svc: s}, s.strategy, s.cons)
		}
		if pl.inst == nil && !isFargate(s) {
			s.unplaced = n - len(p.started)
			w.eventOnce(s, "place", fmt.Sprintf("(service %s) was unable to place a task because no container instance met all of its requirements. %s For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", s.name, pl.why))
			break
		}
		w.clearMessages(s, "place")
		t := w.newTask(s.cluster, primary.td, pl.inst, "service:"+s.name, primary.id, s, primary)
		p.started = append(p.started, t)
		p.active = append(p.active, t)
	}
	if s.desired > len(p.prim)+len(p.started) && p.maxTotal <= len(p.active) && len(p.started) == 0 &&
		p.healthyN <= p.minHealthy && len(p.toReplace) > 0 && !hasUnhealthy(p.toReplace) {
		w.eventOnce(s, "config", fmt.Sprintf("(service %s) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.", s.name))
	}
}

// stopReplaced stops tasks of older deployments and of DRAINING instances
// within minimumHealthyPercent, unhealthy ones first; a failed deployment
// without rollback stops nothing more.
func (w *World) stopReplaced(p *schedulePass) {
	if p.primary.noLaunch && len(p.s.deployments) > 1 {
		return
	}
	victims := slices.Clone(p.toReplace)
	slices.SortStableFunc(victims, func(a, b *task) int { return boolInt(healthy(a)) - boolInt(healthy(b)) })
	for _, t := range victims {
		if healthy(t) {
			if p.healthyN-1 < p.minHealthy {
				break
			}
			p.healthyN--
		}
		reason := "Scaling activity initiated by (deployment " + t.dep.id + ")"
		if t.inst != nil && t.inst.status == model.InstanceDraining {
			reason = "Task stopped because the container instance was drained"
		}
		w.stopTask(t, "ServiceSchedulerInitiated", reason)
		p.stopped = append(p.stopped, t)
	}
}

// reportPass sends the service events ECS sends for a scheduler run.
func (w *World) reportPass(p *schedulePass) {
	s := p.s
	w.reportTargets(s)
	if len(p.stopped) > 0 {
		lb := 0
		for _, t := range p.stopped {
			if len(t.targets) > 0 {
				lb++
			}
		}
		if lb > 0 {
			w.event(s, fmt.Sprintf("(service %s) has begun draining connections on %d tasks.", s.name, lb))
		}
		w.event(s, fmt.Sprintf("(service %s) has stopped %d running tasks: %s.", s.name, len(p.stopped), taskList(p.stopped)))
	}
	if len(p.started) > 0 {
		w.event(s, fmt.Sprintf("(service %s) has started %d tasks: %s.", s.name, len(p.started), taskList(p.started)))
	}
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
