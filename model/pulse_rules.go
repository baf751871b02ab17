package model

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// pulseRule is one rule of the pulse: a pure function of the evaluation.
type pulseRule struct {
	name string
	fn   func(ev *evaluation) []Finding
}

// pulseRules run in this order; the order matters only where a later rule
// skips what an earlier one reported (deployment rules before history).
var pulseRules = []pulseRule{
	{"below desired", ruleBelowDesired},
	{"deployments", ruleDeployments},
	{"port map", rulePortMap},
	{"unhealthy targets", ruleUnhealthyTargets},
	{"draining targets", ruleDrainingTargets},
	{"tasks stopping", ruleTasksStopping},
	{"instances", ruleInstances},
	{"auto scaling groups", ruleASGs},
	{"application auto scaling", ruleScalingBounds},
}

// launchGrace is how long an Auto Scaling group may take to bring a
// launching instance into service.
const launchGrace = 10 * time.Minute

// unregisteredGrace is how long a running task may take to appear in its
// target group (ECS registers it right after it starts).
const unregisteredGrace = time.Minute

func activeServices(in PulseInput) []Service {
	var out []Service
	for _, s := range in.Services {
		if s.Status == "" || s.Status == "ACTIVE" {
			out = append(out, s)
		}
	}
	return out
}

func tdName(arn string) string { return ResourceID(arn) }

// ruleBelowDesired: services running fewer tasks than desired for longer
// than their health-check grace period plus the start grace.
func ruleBelowDesired(ev *evaluation) []Finding {
	in := ev.in
	var out []Finding
	for _, s := range activeServices(in) {
		if s.DesiredCount == 0 || s.RunningCount >= s.DesiredCount || s.SchedulingStrategy == "DAEMON" {
			continue
		}
		since := belowSince(s, in.Stopped)
		if in.Now.Sub(since) < s.HealthCheckGracePeriod+in.Settings.StartGrace {
			continue
		}
		sev := SeverityWarning
		if s.RunningCount == 0 {
			sev = SeverityCritical
		}
		what := fmt.Sprintf("%d/%d tasks running", s.RunningCount, s.DesiredCount)
		if s.PendingCount > 0 {
			what += fmt.Sprintf(", %d pending", s.PendingCount)
		}
		if msg, ok := lastPlacementFailure(s, since); ok {
			what += ": " + msg
		}
		out = append(out, Finding{Severity: sev, Kind: FindBelowDesired, Service: s.Name, What: what, Since: since,
			Action: PulseAction{Kind: ActOpenService}})
	}
	return out
}

// belowSince estimates when a service dropped below its desired count: the
// first stop of one of its tasks after it was last steady (or its current
// deployment began), else that moment itself.
func belowSince(s Service, stopped []Task) time.Time {
	base := s.CreatedAt
	if p, ok := s.PrimaryDeployment(); ok && p.CreatedAt.After(base) {
		base = p.CreatedAt
	}
	for _, e := range s.Events {
		if strings.Contains(e.Message, "has reached a steady state") {
			if e.CreatedAt.After(base) {
				base = e.CreatedAt
			}
			break
		}
	}
	var first time.Time
	for _, t := range stopped {
		if t.ServiceName() != s.Name {
			continue
		}
		at := stopTime(t)
		if at.After(base) && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	if !first.IsZero() {
		return first
	}
	return base
}

// lastPlacementFailure is the scheduler's newest "unable to place" event
// since the given time, shortened to its reason.
func lastPlacementFailure(s Service, since time.Time) (string, bool) {
	for _, e := range s.Events {
		if e.CreatedAt.Before(since) {
			return "", false
		}
		if i := strings.Index(e.Message, "was unable to place a task"); i >= 0 {
			msg := e.Message[i:]
			if j := strings.Index(msg, " For more information"); j > 0 {
				msg = msg[:j]
			}
			return strings.TrimSpace(strings.TrimPrefix(msg, "was ")), true
		}
	}
	return "", false
}

// ruleDeployments: a PRIMARY deployment FAILED (circuit breaker without
// rollback), rolling back, or IN_PROGRESS for too long; and from the
// deployment history, recent rollbacks and failures that DescribeServices no
// longer shows.
func ruleDeployments(ev *evaluation) []Finding {
	in := ev.in
	var out []Finding
	reported := map[string]bool{}
	for _, s := range activeServices(in) {
		p, ok := s.PrimaryDeployment()
		if !ok {
			continue
		}
		switch {
		case p.RolloutState == RolloutFailed:
			reported[s.Name] = true
			out = append(out, Finding{Severity: SeverityCritical, Kind: FindDeploymentFailed, Service: s.Name,
				What: fmt.Sprintf("deployment of %s failed (%d failed tasks): %s", tdName(p.TaskDefinitionARN), p.FailedTasks,
					firstOf(p.RolloutStateReason, "no reason given")),
				Since:  firstTime(p.UpdatedAt, p.CreatedAt),
				Action: PulseAction{Kind: ActOpenService}})
		case strings.Contains(p.RolloutStateReason, "rolling back"):
			reported[s.Name] = true
			what := fmt.Sprintf("rolling back to %s (%d/%d running)", tdName(p.TaskDefinitionARN), p.RunningCount, p.DesiredCount)
			for _, d := range s.Deployments {
				if d.Status != DeploymentPrimary && d.RolloutState == RolloutFailed {
					what = fmt.Sprintf("circuit breaker rolled back %s (%d failed tasks) to %s (%d/%d running)",
						tdName(d.TaskDefinitionARN), d.FailedTasks, tdName(p.TaskDefinitionARN), p.RunningCount, p.DesiredCount)
					break
				}
			}
			out = append(out, Finding{Severity: SeverityCritical, Kind: FindRolledBack, Service: s.Name, What: what,
				Since: p.CreatedAt, Action: PulseAction{Kind: ActOpenService}})
		case p.RolloutState == RolloutInProgress && !p.CreatedAt.IsZero() && in.Now.Sub(p.CreatedAt) > in.Settings.DeploymentSlow:
			out = append(out, Finding{Severity: SeverityWarning, Kind: FindDeploymentSlow, Service: s.Name,
				What: fmt.Sprintf("deployment of %s in progress for %s: %d/%d new tasks running",
					tdName(p.TaskDefinitionARN), roundDuration(in.Now.Sub(p.CreatedAt)), p.RunningCount, p.DesiredCount),
				Since: p.CreatedAt, Action: PulseAction{Kind: ActOpenService}})
		}
	}
	names := make([]string, 0, len(in.History))
	for n := range in.History {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		if reported[name] {
			continue
		}
		hist := append([]ServiceDeployment(nil), in.History[name]...)
		SortDeploymentHistory(hist)
		for _, d := range hist {
			if !d.Failed() {
				continue
			}
			end := d.Ended()
			if !end.IsZero() && in.Now.Sub(end) > in.Settings.StoppedWindow {
				break
			}
			out = append(out, historyFinding(in, name, d))
			break
		}
	}
	return out
}

func historyFinding(in PulseInput, service string, d ServiceDeployment) Finding {
	revTD := func(arn string) string {
		if r, ok := in.Revisions[arn]; ok && r.TaskDefinitionARN != "" {
			return tdName(r.TaskDefinitionARN)
		}
		if arn == "" {
			return "an unknown revision"
		}
		return "revision " + ResourceID(arn)
	}
	f := Finding{Severity: SeverityWarning, Kind: FindDeploymentFailed, Service: service,
		Action: PulseAction{Kind: ActOpenService}}
	end := d.Ended()
	if end.IsZero() {
		f.Severity = SeverityCritical
	}
	reason := ""
	if d.StatusReason != "" {
		reason = ": " + d.StatusReason
	}
	if d.Rollback != nil {
		f.Kind = FindRolledBack
		f.What = fmt.Sprintf("deployment of %s %s to %s%s", revTD(d.TargetRevisionARN), d.Outcome(), revTD(d.Rollback.RevisionARN), reason)
		f.Since = firstTime(end, d.Rollback.StartedAt, d.CreatedAt)
		return f
	}
	f.What = fmt.Sprintf("deployment of %s %s%s", revTD(d.TargetRevisionARN), d.Outcome(), reason)
	f.Since = firstTime(end, d.UpdatedAt, d.CreatedAt)
	return f
}

// windowText names a window: "hour", "30m".
func windowText(d time.Duration) string {
	if d == time.Hour {
		return "hour"
	}
	return roundDuration(d)
}

// roundDuration prints a duration to the minute (seconds under a minute).
func roundDuration(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	if h == 0 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%02dm", h, m)
}

// portMapOf joins the cluster's port map once per evaluation.
func (ev *evaluation) portMapOf() PortMap {
	if ev.portMap == nil {
		pm := BuildPortMap(PortMapInput{
			Services: ev.in.Services, Tasks: ev.in.Tasks, TaskDefinitions: ev.in.TaskDefinitions,
			Instances: ev.in.Instances, TargetGroups: ev.in.TargetGroups, TargetHealth: ev.in.TargetHealth,
		})
		ev.portMap = &pm
	}
	return *ev.portMap
}

func (ev *evaluation) service(name string) (Service, bool) {
	for _, s := range ev.in.Services {
		if s.Name == name {
			return s, true
		}
	}
	return Service{}, false
}

// rulePortMap reuses the port map's findings: blocked rollouts and services
// whose next task fits nowhere, static host port conflicts, stale targets
// and running tasks missing from their target group.
func rulePortMap(ev *evaluation) []Finding {
	in := ev.in
	pm := ev.portMapOf()
	var out []Finding
	for _, is := range pm.Issues {
		first, _, _ := strings.Cut(is.Service, ",")
		act := PulseAction{Kind: ActPortMap, Service: first}
		switch is.Kind {
		case IssueRolloutBlocked:
			s, _ := ev.service(is.Service)
			p, _ := s.PrimaryDeployment()
			if p.RolloutState == RolloutInProgress && len(s.Deployments) > 1 {
				sev := SeverityWarning
				if is.Stalls {
					sev = SeverityCritical
				}
				out = append(out, Finding{Severity: sev, Kind: FindRolloutBlocked, Service: is.Service,
					What: "rollout of " + tdName(p.TaskDefinitionARN) + " blocked: " + is.Detail, Since: p.CreatedAt, Action: act})
				continue
			}
			sev := SeverityInfo
			if s.RunningCount < s.DesiredCount {
				sev = SeverityWarning
			}
			key := "nocap|" + is.Service
			out = append(out, Finding{Severity: sev, Kind: FindNoCapacity, Service: is.Service,
				What: is.Detail, Since: ev.seen(key), Observed: true, Action: act})
		case IssueStaticConflict:
			key := fmt.Sprintf("conflict|%d", is.Port)
			out = append(out, Finding{Severity: SeverityWarning, Kind: FindStaticConflict, Service: is.Service,
				Subject: itoa(is.Port), What: is.Detail, Since: ev.seen(key), Observed: true, Action: act})
		case IssueStaleTarget:
			subj := fmt.Sprintf("%s %s:%d", is.TargetGroup, is.InstanceID, is.Port)
			out = append(out, Finding{Severity: SeverityWarning, Kind: FindStaleTarget, Service: is.Service,
				Subject: subj, What: is.Detail, Since: ev.seen("stale|" + subj), Observed: true, Action: act})
		case IssueUnregistered:
			started := unregisteredStart(pm, in.Tasks, is)
			if !started.IsZero() && in.Now.Sub(started) < unregisteredGrace {
				continue
			}
			subj := fmt.Sprintf("%s %s:%d", is.TargetGroup, is.InstanceID, is.Port)
			out = append(out, Finding{Severity: SeverityWarning, Kind: FindNotRegistered, Service: is.Service,
				Subject: subj, What: is.Detail, Since: firstTime(started, ev.seen("unreg|"+subj)), Observed: started.IsZero(), Action: act})
		}
	}
	return out
}

// unregisteredStart is when the task behind an unregistered binding started.
func unregisteredStart(pm PortMap, tasks []Task, is PortIssue) time.Time {
	for _, r := range pm.Rows {
		if !r.Flags.Has(FlagUnregistered) || r.InstanceID != is.InstanceID || r.HostPort != is.Port || r.Service != is.Service {
			continue
		}
		for _, t := range tasks {
			if t.ARN == r.TaskARN {
				return t.StartedAt
			}
		}
	}
	return time.Time{}
}

// ruleUnhealthyTargets: bindings whose target the load balancer marks
// unhealthy, per service and target group.
func ruleUnhealthyTargets(ev *evaluation) []Finding {
	type group struct {
		service, tg     string
		total, bad      int
		reason          string
		hasTaskBindings bool
	}
	idx := map[string]*group{}
	var order []string
	for _, r := range ev.portMapOf().Rows {
		if r.TaskARN == "" || r.TargetGroupARN == "" || r.TargetState == "" {
			continue
		}
		k := r.Service + "|" + r.TargetGroup
		g := idx[k]
		if g == nil {
			g = &group{service: r.Service, tg: r.TargetGroup}
			idx[k] = g
			order = append(order, k)
		}
		g.total++
		if r.TargetState == TargetUnhealthy {
			g.bad++
			if g.reason == "" {
				g.reason = r.TargetReason
			}
		}
	}
	sort.Strings(order)
	var out []Finding
	for _, k := range order {
		g := idx[k]
		if g.bad == 0 {
			continue
		}
		sev := SeverityWarning
		if g.bad == g.total {
			sev = SeverityCritical
		}
		what := fmt.Sprintf("%d of %d targets unhealthy in %s", g.bad, g.total, g.tg)
		if g.reason != "" {
			what += " (" + g.reason + ")"
		}
		out = append(out, Finding{Severity: sev, Kind: FindUnhealthyTargets, Service: g.service, Subject: g.tg,
			What: what, Since: ev.seen("unhealthy|" + k), Observed: true, Action: PulseAction{Kind: ActPortMap}})
	}
	return out
}

// ruleDrainingTargets: targets draining for longer than DrainSlow (the
// deregistration delay is 300 s by default).
func ruleDrainingTargets(ev *evaluation) []Finding {
	in := ev.in
	names := map[string]string{}
	for _, tg := range in.TargetGroups {
		names[tg.ARN] = tg.Name
	}
	svcOf := map[string]string{}
	for _, s := range in.Services {
		for _, lb := range s.LoadBalancers {
			svcOf[lb.TargetGroupARN] = s.Name
		}
	}
	var out []Finding
	for _, th := range in.TargetHealth {
		if th.State != TargetDraining {
			continue
		}
		name := firstOf(names[th.TargetGroupARN], tgNameFromARN(th.TargetGroupARN))
		subj := fmt.Sprintf("%s %s:%d", name, th.TargetID, th.Port)
		since := ev.seen("draining|" + subj)
		if in.Now.Sub(since) < in.Settings.DrainSlow {
			continue
		}
		out = append(out, Finding{Severity: SeverityWarning, Kind: FindDrainingTarget, Service: svcOf[th.TargetGroupARN],
			Subject: subj, What: fmt.Sprintf("target %s:%d has been draining in %s for %s",
				th.TargetID, th.Port, name, roundDuration(in.Now.Sub(since))),
			Since: since, Observed: true, Action: PulseAction{Kind: ActPortMap}})
	}
	return out
}

// ruleTasksStopping: tasks that failed in the stopped-task window, grouped
// by service and cause; a crash loop when one cause repeats.
func ruleTasksStopping(ev *evaluation) []Finding {
	in := ev.in
	var recent []Task
	for _, t := range in.Stopped {
		if in.Now.Sub(stopTime(t)) <= in.Settings.StoppedWindow {
			recent = append(recent, t)
		}
	}
	var out []Finding
	for _, g := range GroupStopped(recent, in.TaskDefinitions) {
		if !g.Cause.Kind.Failure() {
			continue
		}
		sev := SeverityWarning
		if g.Count >= in.Settings.CrashLoop && g.Cause.Kind != CauseSpot && g.Cause.Kind != CauseInstance {
			sev = SeverityCritical
		}
		what := g.Describe() + " in the last " + windowText(in.Settings.StoppedWindow)
		if r := g.Cause.ShortReason(); r != "" {
			what += ": " + r
		}
		act := PulseAction{Kind: ActStoppedTask, TaskARN: g.Last.ARN, At: stopTime(g.Last)}
		switch g.Cause.Kind {
		case CauseExit, CauseOOM, CauseELBHealth, CauseContainerHealth:
			act.Kind = ActLogs // what the app said before it died
		}
		out = append(out, Finding{Severity: sev, Kind: FindTasksStopping, Service: g.Service, Subject: g.Cause.GroupKey(),
			What: what, Since: g.First, Action: act})
	}
	return out
}

// ruleInstances: agents disconnected, and drains that cannot finish (a
// standalone task never moves) or take too long.
func ruleInstances(ev *evaluation) []Finding {
	in := ev.in
	standalone := map[string][]string{} // instance ARN → task definitions of standalone tasks
	for _, t := range in.Tasks {
		if t.ServiceName() == "" && t.ContainerInstanceARN != "" && t.LastStatus != StatusStopped {
			standalone[t.ContainerInstanceARN] = appendUnique(standalone[t.ContainerInstanceARN], tdName(t.TaskDefinitionARN))
		}
	}
	var out []Finding
	for _, ci := range in.Instances {
		name := firstOf(ci.EC2InstanceID, ci.ID)
		act := PulseAction{Kind: ActInstance, InstanceARN: ci.ARN}
		if !ci.AgentConnected && (ci.Status == InstanceActive || ci.Status == InstanceDraining) {
			sev := SeverityWarning
			if ci.Status == InstanceActive {
				sev = SeverityCritical
			}
			out = append(out, Finding{Severity: sev, Kind: FindAgentDisconnected, Subject: name,
				What: fmt.Sprintf("ECS agent on %s (%s) disconnected: ECS cannot start or stop its tasks (%d running)",
					name, ci.Status, ci.RunningTasksCount),
				Since: ev.seen("agent|" + ci.ARN), Observed: true, Action: act})
		}
		if ci.Status != InstanceDraining || ci.RunningTasksCount+ci.PendingTasksCount == 0 {
			continue
		}
		since := ev.seen("drain|" + ci.ARN)
		if tds := standalone[ci.ARN]; len(tds) > 0 {
			out = append(out, Finding{Severity: SeverityWarning, Kind: FindDrainStuck, Subject: name,
				What: fmt.Sprintf("%s is DRAINING but standalone tasks keep it busy (%s): a drain never stops them",
					name, strings.Join(tds, ", ")),
				Since: since, Observed: true, Action: act})
			continue
		}
		if in.Now.Sub(since) >= in.Settings.DrainSlow {
			out = append(out, Finding{Severity: SeverityWarning, Kind: FindDrainStuck, Subject: name,
				What: fmt.Sprintf("%s has been DRAINING for %s with %d tasks left", name,
					roundDuration(in.Now.Sub(since)), ci.RunningTasksCount+ci.PendingTasksCount),
				Since: since, Observed: true, Action: act})
		}
	}
	return out
}

// ruleASGs: Auto Scaling groups with fewer instances in service than
// desired: at once when none is launching, after launchGrace otherwise.
func ruleASGs(ev *evaluation) []Finding {
	in := ev.in
	var out []Finding
	for _, g := range in.ASGs {
		inService, pending := 0, 0
		for _, m := range g.Instances {
			switch {
			case m.LifecycleState == "InService":
				inService++
			case strings.HasPrefix(m.LifecycleState, "Pending"):
				pending++
			}
		}
		if inService >= g.DesiredCapacity {
			continue
		}
		since := ev.seen("asg|" + g.Name)
		if pending > 0 && in.Now.Sub(since) < launchGrace {
			continue
		}
		what := fmt.Sprintf("Auto Scaling group %s has %d of %d instances in service", g.Name, inService, g.DesiredCapacity)
		if pending > 0 {
			what += fmt.Sprintf(" (%d launching for %s)", pending, roundDuration(in.Now.Sub(since)))
		}
		act := PulseAction{Kind: ActInstance}
		for _, ci := range in.Instances {
			if ci.AutoScalingGroup == g.Name {
				act.InstanceARN = ci.ARN
				break
			}
		}
		out = append(out, Finding{Severity: SeverityWarning, Kind: FindASGBelowDesired, Subject: g.Name,
			What: what, Since: since, Observed: true, Action: act})
	}
	return out
}

// ruleScalingBounds: desired counts outside the Application Auto Scaling
// min/max, which the autoscaler will override.
func ruleScalingBounds(ev *evaluation) []Finding {
	var out []Finding
	for _, b := range ev.in.Scaling {
		s, ok := ev.service(b.Service)
		if !ok || (s.DesiredCount >= b.Min && s.DesiredCount <= b.Max) {
			continue
		}
		out = append(out, Finding{Severity: SeverityWarning, Kind: FindOutsideAutoScaling, Service: s.Name,
			What: fmt.Sprintf("desired count %d is outside auto scaling's %d–%d: the autoscaler will set it back",
				s.DesiredCount, b.Min, b.Max),
			Since: ev.seen("scaling|" + s.Name), Observed: true, Action: PulseAction{Kind: ActOpenService}})
	}
	return out
}
