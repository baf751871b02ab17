package sim

import (
	"fmt"
	"slices"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

func (w *World) registerTaskTargets(t *task) {
	for _, lb := range t.svc.lbs {
		tg := w.tgs[lb.TargetGroupARN]
		if tg == nil {
			continue
		}
		for _, k := range t.containers {
			if k.name != lb.ContainerName {
				continue
			}
			if tg.TargetType == "ip" {
				if t.eni != nil {
					t.targets = append(t.targets, w.registerIPTarget(tg, t, lb.ContainerPort))
					t.svc.targetCounts(tg.ARN).registered++
				}
				continue
			}
			for _, b := range k.bindings {
				if b.ContainerPort == lb.ContainerPort {
					t.targets = append(t.targets, w.registerTarget(tg, t.inst.ec2.id, b.HostPort, t.inst.ec2.az, t))
					t.svc.targetCounts(tg.ARN).registered++
				}
			}
		}
	}
}

// targetChanges counts a service's target (de)registrations since its last
// scheduler pass, which reports them in one event per target group as ECS does.
type targetChanges struct{ registered, deregistered int }

func (s *service) targetCounts(tg string) *targetChanges {
	if s.targetChanges == nil {
		s.targetChanges = map[string]*targetChanges{}
	}
	c := s.targetChanges[tg]
	if c == nil {
		c = &targetChanges{}
		s.targetChanges[tg] = c
	}
	return c
}

// reportTargets turns the counted (de)registrations into service events.
func (w *World) reportTargets(s *service) {
	if len(s.targetChanges) == 0 {
		return
	}
	arns := make([]string, 0, len(s.targetChanges))
	for a := range s.targetChanges {
		arns = append(arns, a)
	}
	slices.Sort(arns)
	for _, a := range arns {
		c := s.targetChanges[a]
		if c.deregistered > 0 {
			w.event(s, fmt.Sprintf("(service %s) deregistered %d targets in (target-group %s)", s.name, c.deregistered, a))
		}
		if c.registered > 0 {
			w.event(s, fmt.Sprintf("(service %s) registered %d targets in (target-group %s)", s.name, c.registered, a))
		}
	}
	clear(s.targetChanges)
}

func (w *World) registerTarget(tg *targetGroup, ec2ID string, port int, az string, t *task) *target {
	tr := &target{
		tg: tg, ec2ID: ec2ID, port: port, az: az, task: t,
		state: model.TargetInitial, reason: "Elb.RegistrationInProgress",
		desc:  "Target registration is in progress",
		since: w.now, nextAt: w.now.Add(tg.interval),
	}
	tg.targets = append(tg.targets, tr)
	return tr
}

func (w *World) drainTarget(tr *target) {
	tr.state = model.TargetDraining
	tr.reason = "Target.DeregistrationInProgress"
	tr.desc = "Target deregistration is in progress"
	tr.since = w.now
	tr.removeAt = w.now.Add(tr.tg.deregDelay)
	if t := tr.task; t != nil && t.svc != nil {
		t.svc.targetCounts(tr.tg.ARN).deregistered++
	}
}

func (w *World) removeTarget(tr *target) {
	tg := tr.tg
	if i := slices.Index(tg.targets, tr); i >= 0 {
		tg.targets = slices.Delete(tg.targets, i, i+1)
	}
}

// passes reports whether a health check of tr would succeed right now.
func (tr *target) passes() bool {
	t := tr.task
	if t == nil || t.lastStatus != model.StatusRunning || t.desiredStatus != model.StatusRunning {
		return false
	}
	for _, k := range t.containers {
		if k.status != model.StatusRunning || isUnhealthy(k.image) {
			if t.eni != nil && tr.ec2ID == t.eni.ip { // an ip target: the task's own address
				return false
			}
			for _, b := range k.bindings {
				if b.HostPort == tr.port {
					return false
				}
			}
		}
	}
	return true
}

// stepTargets runs due health checks: a target changes state after
// HealthyThreshold (or UnhealthyThreshold) consecutive results that disagree
// with its state; draining targets leave after the deregistration delay.
func (w *World) stepTargets() {
	for _, arn := range w.tgOrder {
		tg := w.tgs[arn]
		for _, tr := range slices.Clone(tg.targets) {
			if tr.state == model.TargetDraining {
				if !w.now.Before(tr.removeAt) && (tr.task == nil || !tr.task.live()) {
					w.removeTarget(tr)
				}
				continue
			}
			if w.now.Before(tr.nextAt) {
				continue
			}
			tr.nextAt = w.now.Add(tg.interval)
			ok := tr.passes()
			switch {
			case ok && tr.state != model.TargetHealthy:
				tr.checks++
				if tr.checks >= tg.healthyCount {
					tr.state, tr.reason, tr.desc, tr.checks, tr.since = model.TargetHealthy, "", "", 0, w.now
				}
			case !ok && tr.state != model.TargetUnhealthy:
				tr.checks++
				if tr.checks >= tg.unhealthyCount {
					tr.state, tr.checks, tr.since = model.TargetUnhealthy, 0, w.now
					tr.reason = "Target.FailedHealthChecks"
					tr.desc = "Health checks failed with these codes: [502]"
					if tr.task == nil || tr.task.lastStatus != model.StatusRunning {
						tr.reason = "Target.Timeout"
						tr.desc = "Request timed out"
					}
				}
			default:
				tr.checks = 0
			}
		}
	}
}

// DescribeTargetGroups returns target groups by ARN or name, or those of a
// load balancer, or all.
func (w *World) DescribeTargetGroups(arns, names []string, loadBalancerARN string) ([]model.TargetGroup, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []model.TargetGroup
	switch {
	case len(arns) > 0:
		for _, a := range arns {
			tg, ok := w.tgs[a]
			if !ok {
				return nil, tgNotFound()
			}
			out = append(out, tgModel(tg))
		}
	case len(names) > 0:
		for _, n := range names {
			found := false
			for _, a := range w.tgOrder {
				if w.tgs[a].Name == n {
					out = append(out, tgModel(w.tgs[a]))
					found = true
				}
			}
			if !found {
				return nil, tgNotFound()
			}
		}
	default:
		for _, a := range w.tgOrder {
			tg := w.tgs[a]
			if loadBalancerARN == "" || slices.Contains(tg.LoadBalancerARNs, loadBalancerARN) {
				out = append(out, tgModel(tg))
			}
		}
		if loadBalancerARN != "" && len(out) == 0 {
			return nil, simapi.Errorf("LoadBalancerNotFound", "One or more load balancers not found")
		}
	}
	return out, nil
}

func tgNotFound() error {
	return simapi.Errorf(simapi.CodeTargetGroupNotFound, "One or more target groups not found")
}

func tgModel(tg *targetGroup) model.TargetGroup {
	m := tg.TargetGroup
	m.LoadBalancerARNs = slices.Clone(m.LoadBalancerARNs)
	return m
}

// DescribeTargetHealth returns every target of a group with its health.
func (w *World) DescribeTargetHealth(targetGroupARN string) ([]model.TargetHealth, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	tg, ok := w.tgs[targetGroupARN]
	if !ok {
		return nil, tgNotFound()
	}
	out := make([]model.TargetHealth, 0, len(tg.targets))
	for _, tr := range tg.targets {
		out = append(out, model.TargetHealth{
			TargetGroupARN: tg.ARN, TargetID: tr.ec2ID, Port: tr.port, AZ: tr.az,
			State: tr.state, Reason: tr.reason, Description: tr.desc,
		})
	}
	return out, nil
}

// unhealthyTarget returns a target of t that ELB has marked unhealthy.
func unhealthyTarget(t *task) *target {
	for _, tr := range t.targets {
		if tr.state == model.TargetUnhealthy {
			return tr
		}
	}
	return nil
}

// healthyForLB reports whether every target of t is healthy (true when t has none).
func healthyForLB(t *task) bool {
	for _, tr := range t.targets {
		if tr.state != model.TargetHealthy {
			return false
		}
	}
	return true
}
