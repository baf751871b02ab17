package ops

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecstui/ecstui/model"
)

// ServiceState is what the service actions plan from: the service, the task
// definition its PRIMARY deployment runs, the cluster's instances and the
// service's running tasks.
type ServiceState struct {
	Service   model.Service
	Current   model.TaskDefinition
	Instances []model.ContainerInstance
	Tasks     []model.Task
	// Target is the existing revision a deploy names (Revision), when any.
	Target *model.TaskDefinition
	// Previous is the task definition of the newest non-PRIMARY deployment,
	// or the revision before Current: what a rollback returns to.
	Previous string
	// Revisions of the family, newest first, when the reader can list them.
	Revisions []string
	// Scaling is the service's Application Auto Scaling state, when the
	// reader can read it (nil otherwise); ScalingErr why it could not.
	Scaling    *model.ServiceScaling
	ScalingErr error
}

// DeployInput is a rolling update: new images per container, or an existing
// revision; optionally new min/max percent and desired count.
type DeployInput struct {
	Cluster    string
	Service    string
	Images     map[string]string // container name → image
	Revision   string            // existing task definition (ARN or family:revision)
	MinPercent *int
	MaxPercent *int
	Desired    *int
}

// PlanDeploy plans a rolling update.
func PlanDeploy(in DeployInput, st ServiceState) Plan {
	svc := st.Service
	p := Plan{Action: ActionDeploy, Cluster: in.Cluster, Target: svc.Name, PreviousTaskDefinition: st.Current.ARN}
	cfg := svc.DeploymentConfiguration
	minPct, maxPct, desired := cfg.MinimumHealthyPercent, cfg.MaximumPercent, svc.DesiredCount
	upd := model.ServiceUpdate{Cluster: in.Cluster, Service: svc.Name}
	if in.MinPercent != nil {
		minPct = *in.MinPercent
		upd.MinimumHealthyPercent = in.MinPercent
		p.checkInt(MinHealthyPercent, minPct)
	}
	if in.MaxPercent != nil {
		maxPct = *in.MaxPercent
		upd.MaximumPercent = in.MaxPercent
		p.checkInt(MaxPercent, maxPct)
	}
	if in.Desired != nil {
		desired = *in.Desired
		upd.DesiredCount = in.Desired
		p.checkInt(DesiredCount, desired)
	}
	if svc.SchedulingStrategy == "DAEMON" {
		p.Blockers = append(p.Blockers, "a DAEMON service has no desired count or maximumPercent to roll with; update it from the console or with update-service")
	}

	next := st.Current
	switch {
	case in.Revision != "" && len(in.Images) > 0:
		p.Blockers = append(p.Blockers, "give either new images or an existing revision, not both")
	case in.Revision != "":
		if st.Target == nil {
			p.Blockers = append(p.Blockers, "task definition "+in.Revision+" not found")
			break
		}
		next = *st.Target
		if next.ARN == st.Current.ARN {
			p.Blockers = append(p.Blockers, "the service already runs "+next.FamilyRevision()+": use redeploy to restart its tasks")
		}
		upd.TaskDefinition = next.ARN
		p.Diff = DiffTaskDefinitions(st.Current, next)
		p.Changes = append(p.Changes, fmt.Sprintf("service %s: task definition %s → %s", svc.Name, st.Current.FamilyRevision(), next.FamilyRevision()))
	case len(in.Images) > 0:
		reg, diff, errs := withImages(st.Current, in.Images)
		p.Blockers = append(p.Blockers, errs...)
		if len(diff) == 0 && len(errs) == 0 {
			p.Blockers = append(p.Blockers, "every image is already what the service runs: nothing to deploy (use redeploy to restart tasks)")
		}
		p.Diff = diff
		if len(diff) > 0 && len(errs) == 0 {
			// The executor copies the raw revision by ARN: the one planned
			// from, even if the family gains revisions meanwhile.
			p.Register = &Registration{Base: st.Current.ARN, Images: maps.Clone(in.Images), Expected: reg}
			next = reg
		}
		upd.TaskDefinition = "(new revision)"
		p.Changes = append(p.Changes,
			fmt.Sprintf("register %s:%d, a copy of %s as ECS holds it (every setting and tag) with only the images changed",
				st.Current.Family, latestRevisionGuess(st.Current), st.Current.FamilyRevision()),
			fmt.Sprintf("service %s: task definition %s → the new revision", svc.Name, st.Current.FamilyRevision()))
	default:
		if in.MinPercent == nil && in.MaxPercent == nil && in.Desired == nil {
			p.Blockers = append(p.Blockers, "nothing to change: give --image container=image or --revision")
		}
	}
	if in.MinPercent != nil || in.MaxPercent != nil {
		p.Changes = append(p.Changes, fmt.Sprintf("deployment configuration: minimumHealthyPercent %d → %d, maximumPercent %d → %d",
			cfg.MinimumHealthyPercent, minPct, cfg.MaximumPercent, maxPct))
	}
	if cfg.Defaulted {
		p.Warnings = append(p.Warnings, defaultedWarning(svc))
	}
	if in.Desired != nil {
		p.Changes = append(p.Changes, fmt.Sprintf("desired count %d → %d", svc.DesiredCount, desired))
	}
	if in.MinPercent == nil && in.MaxPercent == nil && (maxPct < 1 || maxPct < minPct) {
		// The service's own settings, not anything typed here.
		p.Blockers = append(p.Blockers, fmt.Sprintf("the service's deployment configuration (minimumHealthyPercent %d, maximumPercent %d) cannot roll: give --min and --max", minPct, maxPct))
	}

	if (in.MinPercent != nil || in.MaxPercent != nil) && maxPct <= minPct && !(minPct == 0 && maxPct > 0) {
		p.Blockers = append(p.Blockers, fmt.Sprintf("ECS requires maximumPercent (%d) to be greater than minimumHealthyPercent (%d)", maxPct, minPct))
	}
	replace := upd.TaskDefinition != ""
	pv := PreviewPlacement(PlacementInput{
		Service: svc, Current: st.Current, Next: next, Desired: desired,
		MinPercent: minPct, MaxPercent: maxPct, Instances: st.Instances, Tasks: st.Tasks, Replace: replace,
	})
	p.Preview = &pv
	switch pv.Verdict {
	case VerdictBlocked:
		p.Blockers = append(p.Blockers, "the rollout cannot start: "+lastLine(pv.Lines))
		p.Overridable = true
	case VerdictStall:
		p.Warnings = append(p.Warnings, "the rollout will stall on placement: see the preview")
	}
	if replace && len(svc.Deployments) > 1 {
		if d, ok := svc.PrimaryDeployment(); ok && d.RolloutState == model.RolloutInProgress {
			p.Warnings = append(p.Warnings, fmt.Sprintf("deployment %s (%s) is still in progress: this one replaces it", d.ID, model.ResourceID(d.TaskDefinitionARN)))
		}
	}
	if replace && !cfg.CircuitBreaker.Enable {
		p.Warnings = append(p.Warnings, "the deployment circuit breaker is off: a failing revision keeps retrying instead of rolling back")
	}

	p.Update = &upd
	p.Summary = fmt.Sprintf("roll out %s on service %s (cluster %s)", describeNext(st.Current, next, p.Register != nil), svc.Name, in.Cluster)
	p.Commands = deployCommands(in, st, p, minPct, maxPct)
	return p
}

// defaultedWarning says that a service's percentages were not reported and
// are ECS's defaults, which is what ECS applies when none are set.
func defaultedWarning(svc model.Service) string {
	c := svc.DeploymentConfiguration
	return fmt.Sprintf("ECS did not report the deployment configuration of %s: planned with ECS's defaults for a %s service, minimumHealthyPercent %d and maximumPercent %d",
		svc.Name, orDash(svc.SchedulingStrategy), c.MinimumHealthyPercent, c.MaximumPercent)
}

func describeNext(cur, next model.TaskDefinition, register bool) string {
	if register {
		return "a new revision of " + cur.Family
	}
	if next.ARN == cur.ARN {
		return cur.FamilyRevision()
	}
	return next.FamilyRevision()
}

// latestRevisionGuess names the revision RegisterTaskDefinition is expected
// to create; the executor reports the real one.
func latestRevisionGuess(td model.TaskDefinition) int { return td.Revision + 1 }

// withImages copies td with the given images swapped in: only images change,
// so the new revision is the old one plus exactly the diff shown.
func withImages(td model.TaskDefinition, images map[string]string) (model.TaskDefinition, []string, []string) {
	out := td
	out.ARN, out.Revision, out.Status = "", 0, ""
	out.Containers = slices.Clone(td.Containers)
	var diff, errs []string
	for _, name := range slices.Sorted(maps.Keys(images)) {
		i := slices.IndexFunc(out.Containers, func(c model.ContainerDefinition) bool { return c.Name == name })
		if i < 0 {
			errs = append(errs, fmt.Sprintf("task definition %s has no container %q (containers: %s)", td.FamilyRevision(), name, containerNames(td)))
			continue
		}
		if why := imageProblem(images[name]); why != "" {
			errs = append(errs, fmt.Sprintf("image %q for container %s %s", images[name], name, why))
			continue
		}
		if out.Containers[i].Image == images[name] {
			continue
		}
		diff = append(diff, fmt.Sprintf("%s: image %s → %s", name, out.Containers[i].Image, images[name]))
		out.Containers[i].Image = images[name]
	}
	return out, diff, errs
}

// imageProblem says why ECS would not take s as a container image, or "":
// up to 255 letters, digits, hyphens, underscores, colons, periods, slashes
// and number signs (ECS's rule), and @ for a digest. A typed image with a
// space, a control character or a lookalike letter is refused here rather
// than registered, where it would fail only when a task pulls it.
func imageProblem(s string) string {
	if len(s) > 255 {
		return fmt.Sprintf("is %d characters long: ECS takes at most 255", len(s))
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("-_:./#@", r):
		default:
			return fmt.Sprintf("holds %q: ECS takes letters, digits and - _ : . / # @ only", r)
		}
	}
	return ""
}

func containerNames(td model.TaskDefinition) string {
	n := make([]string, len(td.Containers))
	for i, c := range td.Containers {
		n[i] = c.Name
	}
	return strings.Join(n, ", ")
}

// DiffTaskDefinitions lists what differs between two revisions, container by
// container, in the terms a reviewer checks: image, CPU, memory, ports,
// environment, log configuration; and task-level size and network mode.
func DiffTaskDefinitions(a, b model.TaskDefinition) []string {
	var d []string
	if a.CPU != b.CPU {
		d = append(d, fmt.Sprintf("task cpu: %q → %q", a.CPU, b.CPU))
	}
	if a.Memory != b.Memory {
		d = append(d, fmt.Sprintf("task memory: %q → %q", a.Memory, b.Memory))
	}
	if a.NetworkMode != b.NetworkMode {
		d = append(d, fmt.Sprintf("network mode: %s → %s", a.NetworkMode, b.NetworkMode))
	}
	for _, ca := range a.Containers {
		cb, ok := b.Container(ca.Name)
		if !ok {
			d = append(d, fmt.Sprintf("- container %s (%s)", ca.Name, ca.Image))
			continue
		}
		if ca.Image != cb.Image {
			d = append(d, fmt.Sprintf("%s: image %s → %s", ca.Name, ca.Image, cb.Image))
		}
		if ca.CPU != cb.CPU {
			d = append(d, fmt.Sprintf("%s: cpu %d → %d", ca.Name, ca.CPU, cb.CPU))
		}
		if ca.Memory != cb.Memory || ca.MemoryReservation != cb.MemoryReservation {
			d = append(d, fmt.Sprintf("%s: memory %s/%s → %s/%s (hard/soft MiB)", ca.Name,
				unsetDash(ca.Memory), unsetDash(ca.MemoryReservation), unsetDash(cb.Memory), unsetDash(cb.MemoryReservation)))
		}
		if pa, pb := portList(ca.PortMappings), portList(cb.PortMappings); pa != pb {
			d = append(d, fmt.Sprintf("%s: ports %s → %s", ca.Name, pa, pb))
		}
		if !slices.Equal(ca.Environment, cb.Environment) {
			d = append(d, fmt.Sprintf("%s: environment changed (%d → %d variables)", ca.Name, len(ca.Environment), len(cb.Environment)))
		}
		if !slices.Equal(ca.Command, cb.Command) {
			d = append(d, fmt.Sprintf("%s: command changed", ca.Name))
		}
	}
	for _, cb := range b.Containers {
		if _, ok := a.Container(cb.Name); !ok {
			d = append(d, fmt.Sprintf("+ container %s (%s)", cb.Name, cb.Image))
		}
	}
	return d
}

// unsetDash shows an optional setting that is not set (0) as "-".
func unsetDash(n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func portList(pm []model.PortMapping) string {
	if len(pm) == 0 {
		return "none"
	}
	s := make([]string, len(pm))
	for i, p := range pm {
		host := "dynamic"
		if p.HostPort != 0 {
			host = fmt.Sprint(p.HostPort)
		}
		s[i] = fmt.Sprintf("%d→%s", p.ContainerPort, host)
	}
	return strings.Join(s, ",")
}

func deployCommands(in DeployInput, st ServiceState, p Plan, minPct, maxPct int) []string {
	var c []string
	td := "NEW_REVISION"
	switch {
	case p.Register != nil:
		c = append(c,
			awsCmd("ecs", "describe-task-definition", "--task-definition", st.Current.FamilyRevision(), "--include", "TAGS",
				"--query", "merge(taskDefinition, {tags: tags})")+" > td.json",
			"# edit td.json: "+strings.Join(p.Diff, "; ")+"; drop taskDefinitionArn, revision, status, requiresAttributes, compatibilities, registeredAt, registeredBy and any aws: tags",
			awsCmd("ecs", "register-task-definition", "--cli-input-json", "file://td.json"))
		td = st.Current.Family
	case in.Revision != "" && st.Target != nil:
		td = st.Target.FamilyRevision()
	default:
		td = ""
	}
	args := []string{"ecs", "update-service", "--cluster", in.Cluster, "--service", st.Service.Name}
	if td != "" {
		args = append(args, "--task-definition", td)
	}
	if in.MinPercent != nil || in.MaxPercent != nil {
		args = append(args, "--deployment-configuration", fmt.Sprintf("minimumHealthyPercent=%d,maximumPercent=%d", minPct, maxPct))
	}
	if in.Desired != nil {
		args = append(args, "--desired-count", fmt.Sprint(*in.Desired))
	}
	c = append(c, awsCmd(args...), awsCmd("ecs", "wait", "services-stable", "--cluster", in.Cluster, "--services", st.Service.Name))
	return c
}

// PlanRollback plans a return to the previous revision (a deploy of it).
func PlanRollback(cluster string, st ServiceState, previous model.TaskDefinition) Plan {
	st.Target = &previous
	p := PlanDeploy(DeployInput{Cluster: cluster, Service: st.Service.Name, Revision: previous.ARN}, st)
	p.Action = ActionRollback
	p.Summary = fmt.Sprintf("roll back service %s to %s (cluster %s)", st.Service.Name, previous.FamilyRevision(), cluster)
	return p
}

// PlanScale plans a change of desired count. With a scalable target it
// says what Application Auto Scaling will do to the new count, and applies
// the fix the options ask for (at most one ScaleOptions).
func PlanScale(cluster string, st ServiceState, desired int, opts ...ScaleOptions) Plan {
	svc := st.Service
	p := Plan{Action: ActionScale, Cluster: cluster, Target: svc.Name}
	p.Summary = fmt.Sprintf("scale service %s from %d to %d tasks (cluster %s)", svc.Name, svc.DesiredCount, desired, cluster)
	p.Changes = []string{fmt.Sprintf("desired count %d → %d", svc.DesiredCount, desired)}
	p.checkInt(DesiredCount, desired)
	if svc.SchedulingStrategy == "DAEMON" {
		p.Blockers = append(p.Blockers, "a DAEMON service runs one task per instance: it cannot be scaled")
	}
	if desired == svc.DesiredCount {
		p.Warnings = append(p.Warnings, "desired count is already "+fmt.Sprint(desired))
	}
	if desired == 0 && svc.DesiredCount > 0 {
		p.Warnings = append(p.Warnings, "scaling to 0 stops every task of the service")
	}
	if len(svc.Deployments) > 1 {
		p.Warnings = append(p.Warnings, "a deployment is in progress: the new count applies to it")
	}
	pv := PreviewPlacement(PlacementInput{
		Service: svc, Current: st.Current, Next: st.Current, Desired: desired,
		MinPercent: svc.DeploymentConfiguration.MinimumHealthyPercent, MaxPercent: svc.DeploymentConfiguration.MaximumPercent,
		Instances: st.Instances, Tasks: st.Tasks,
	})
	p.Preview = &pv
	if pv.Verdict == VerdictStall {
		p.Warnings = append(p.Warnings, "not every new task can be placed: see the preview")
	}
	d := desired
	p.Update = &model.ServiceUpdate{Cluster: cluster, Service: svc.Name, DesiredCount: &d}
	p.Commands = []string{
		awsCmd("ecs", "update-service", "--cluster", cluster, "--service", svc.Name, "--desired-count", fmt.Sprint(desired)),
		awsCmd("ecs", "wait", "services-stable", "--cluster", cluster, "--services", svc.Name),
	}
	var opt ScaleOptions
	if len(opts) > 0 {
		opt = opts[0]
	}
	planAutoScaling(&p, cluster, st, desired, opt)
	return p
}

// PlanRedeploy plans a forced new deployment of the same revision.
func PlanRedeploy(cluster string, st ServiceState) Plan {
	svc := st.Service
	p := Plan{Action: ActionRedeploy, Cluster: cluster, Target: svc.Name}
	p.Summary = fmt.Sprintf("force a new deployment of service %s with %s (cluster %s)", svc.Name, st.Current.FamilyRevision(), cluster)
	p.Changes = []string{fmt.Sprintf("replace all %d running tasks with fresh copies of %s (images re-pulled)", len(st.Tasks), st.Current.FamilyRevision())}
	cfg := svc.DeploymentConfiguration
	pv := PreviewPlacement(PlacementInput{
		Service: svc, Current: st.Current, Next: st.Current, Desired: svc.DesiredCount,
		MinPercent: cfg.MinimumHealthyPercent, MaxPercent: cfg.MaximumPercent,
		Instances: st.Instances, Tasks: st.Tasks, Replace: true,
	})
	p.Preview = &pv
	switch pv.Verdict {
	case VerdictBlocked:
		p.Blockers = append(p.Blockers, "the deployment cannot start: "+lastLine(pv.Lines))
		p.Overridable = true
	case VerdictStall:
		p.Warnings = append(p.Warnings, "the deployment will stall on placement: see the preview")
	}
	p.Update = &model.ServiceUpdate{Cluster: cluster, Service: svc.Name, ForceNewDeployment: true}
	p.Commands = []string{
		awsCmd("ecs", "update-service", "--cluster", cluster, "--service", svc.Name, "--force-new-deployment"),
		awsCmd("ecs", "wait", "services-stable", "--cluster", cluster, "--services", svc.Name),
	}
	return p
}

// PlanStopTask plans stopping one task.
func PlanStopTask(cluster string, t model.Task, reason string) Plan {
	p := Plan{Action: ActionStopTask, Cluster: cluster, Target: t.ID}
	p.Summary = fmt.Sprintf("stop task %s (cluster %s)", t.ID, cluster)
	p.Changes = []string{fmt.Sprintf("task %s (%s, %s) → STOPPED, reason %q", t.ID, model.ResourceID(t.TaskDefinitionARN), t.LastStatus, reason)}
	if svc := t.ServiceName(); svc != "" {
		p.Warnings = append(p.Warnings, fmt.Sprintf("the task belongs to service %s: its scheduler starts a replacement", svc))
	} else {
		p.Warnings = append(p.Warnings, "a standalone task: nothing restarts it")
	}
	if t.LastStatus == model.StatusStopped {
		p.Blockers = append(p.Blockers, "the task is already STOPPED")
	}
	if reason == "" {
		p.Warnings = append(p.Warnings, "no reason given: ECS records none")
	}
	args := []string{"ecs", "stop-task", "--cluster", cluster, "--task", t.ID}
	if reason != "" {
		args = append(args, "--reason", reason)
	}
	p.Commands = []string{awsCmd(args...)}
	return p
}

func lastLine(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}
