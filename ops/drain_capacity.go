package ops

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// The drain-and-replace on groups that are not classic: a capacity
// provider's managed scaling sets the desired capacity, managed termination
// protection keeps scale-in protection on busy instances, and termination
// lifecycle hooks (ECS's managed draining among them) hold a terminating
// instance in Terminating:Wait. The plan says what each of them will do; the
// executor watches them, so a wait on a hook does not look like a hang.

// More drain board states.
const (
	// DrainECS: terminated at once; ECS drains it from Terminating:Wait.
	DrainECS = "ecs-draining"
	// DrainNotReplaced: terminated, and Auto Scaling will not replace it
	// (managed scaling lowered the desired capacity meanwhile).
	DrainNotReplaced = "not-replaced"
)

// scaleInMinutes is how long CapacityProviderReservation must stay below
// target before the managed target tracking policy scales in (15 one-minute
// datapoints).
const scaleInMinutes = 15

// DrainOptions are the choices of a drain beyond the selection.
type DrainOptions struct {
	Batch          int
	StopStandalone bool
	// ECSDrains: with managed draining, terminate each instance at once and
	// let ECS drain it from Terminating:Wait, rather than drain it first.
	ECSDrains bool
}

// HookRef is what a drain run remembers of a termination hook.
type HookRef struct {
	Name      string `json:"name"`
	Heartbeat int    `json:"heartbeat_seconds"`
	Default   string `json:"default_result,omitempty"`
}

// ProtectedReplacement is a replacement the run protected from scale-in.
type ProtectedReplacement struct {
	Group      string `json:"group"`
	InstanceID string `json:"instance_id"`
}

// PlanDrain plans draining and replacing the selected instances, batch at a
// time (batch 1 for a single instance), with the default options.
func PlanDrain(st ClusterState, sel Selection, batch int, stopStandalone bool) Plan {
	return PlanDrainWith(st, sel, DrainOptions{Batch: batch, StopStandalone: stopStandalone})
}

// PlanDrainWith plans a drain with options: on groups that are not classic
// it says what managed scaling, termination protection and lifecycle hooks
// will do, and for a rolling drain it compares the strategies.
func PlanDrainWith(st ClusterState, sel Selection, o DrainOptions) Plan {
	p := planDrainBase(st, sel, o.Batch, o.StopStandalone)
	targets, _ := st.Select(sel)
	p.adaptToCapacity(st, targets, o)
	if len(targets) > 1 || (len(sel.IDs) == 0 && len(targets) > 0) {
		p.Strategies, _ = CompareStrategies(st, sel, o, RefreshOptions{StopStandalone: o.StopStandalone})
	}
	return p
}

// groupsOf returns the groups of the instances, sorted, with their capacity.
func (st ClusterState) groupsOf(cis []model.ContainerInstance) []string {
	var out []string
	for _, ci := range cis {
		if ci.AutoScalingGroup != "" && !slices.Contains(out, ci.AutoScalingGroup) {
			out = append(out, ci.AutoScalingGroup)
		}
	}
	slices.Sort(out)
	return out
}

// adaptToCapacity says what the groups' management will do during the drain,
// adds the blockers it implies, and rewrites the steps when ECS drains.
func (p *Plan) adaptToCapacity(st ClusterState, targets []model.ContainerInstance, o DrainOptions) {
	if st.Capacity == nil || len(targets) == 0 {
		return
	}
	for _, u := range st.Capacity.Unknown {
		p.Warnings = append(p.Warnings, "could not read "+u+"; the plan treats the group as one ECS does not manage")
	}
	// The groups' lines go before the generic termination steps.
	before := len(p.Changes)
	defer func() {
		at := slices.IndexFunc(p.Changes[:before], func(c string) bool {
			return strings.HasPrefix(c, "when an instance has no task left") ||
				strings.HasPrefix(c, "terminate each instance at once")
		})
		if at < 0 {
			return
		}
		added := slices.Clone(p.Changes[before:])
		p.Changes = slices.Concat(p.Changes[:at], added, p.Changes[at:before])
	}()
	ecsDrains := false
	for _, name := range st.groupsOf(targets) {
		g := st.Capacity.Group(name)
		if g == nil {
			continue
		}
		var mine []model.ContainerInstance
		for _, ci := range targets {
			if ci.AutoScalingGroup == name {
				mine = append(mine, ci)
			}
		}
		if r := g.ActiveRefresh(); r != nil {
			p.Blockers = append(p.Blockers, fmt.Sprintf("an instance refresh is in progress on %s (%s): it terminates instances itself and this drain would race it; watch it (ecstui drain --cluster %s --strategy refresh --watch) or cancel it first (ecstui drain --cluster %s --strategy refresh --cancel)",
				name, RefreshText(*r), st.Cluster, st.Cluster))
			p.Overridable = false
		}
		if g.Classic() {
			if o.ECSDrains {
				p.Blockers = append(p.Blockers, name+" has no capacity provider with managed draining: ECS cannot drain its instances on termination; drain first instead (without --let-ecs-drain)")
				p.Overridable = false
			}
			continue
		}
		p.Changes = append(p.Changes, providerLine(name, g))
		p.scalingLines(st, name, g)
		var protected []string
		for _, ci := range mine {
			if m, ok := g.Member(ci.EC2InstanceID); ok && m.ProtectedFromScaleIn {
				protected = append(protected, ci.EC2InstanceID)
			}
		}
		if len(protected) > 0 {
			who := "by hand or by another tool"
			if g.TerminationProtection() {
				who = "by ECS's managed termination protection, which removes it once an instance is empty"
			}
			verb := "are"
			if len(protected) == 1 {
				verb = "is"
			}
			p.Changes = append(p.Changes, fmt.Sprintf("%s %s protected from scale-in (%s); scale-in protection does not stop TerminateInstanceInAutoScalingGroup, so ecstui leaves it as it is",
				strings.Join(protected, ", "), verb, who))
		}
		p.hookLines(st, name, g, mine, o)
		if o.ECSDrains && g.ManagedDraining() {
			ecsDrains = true
		}
		if o.ECSDrains && !g.ManagedDraining() {
			p.Blockers = append(p.Blockers, name+" has no managed draining (its capacity provider does not drain instances on termination): drain first instead (without --let-ecs-drain)")
			p.Overridable = false
		}
	}
	if ecsDrains {
		p.ecsDrainSteps(st, targets, o)
	}
}

func providerLine(name string, g *GroupCapacity) string {
	if g.Provider == nil {
		return name + " is not behind a capacity provider; it has termination lifecycle hooks"
	}
	cp := g.Provider
	scaling := "managed scaling " + orDash(cp.ManagedScaling.Status)
	if cp.ManagedScaling.Enabled() {
		scaling += fmt.Sprintf(" (target %d%%)", cp.ManagedScaling.Target())
	}
	return fmt.Sprintf("%s runs on capacity provider %s: %s, managed termination protection %s, managed draining %s",
		name, cp.Name, scaling, orDash(cp.ManagedTerminationProtection), orDash(cp.ManagedDraining))
}

// scalingLines says what managed scaling will do to the desired capacity.
func (p *Plan) scalingLines(st ClusterState, name string, g *GroupCapacity) {
	if !g.ManagedScaling() {
		return
	}
	m, n, pct := st.Reservation(g)
	t := g.Provider.ManagedScaling.Target()
	d := g.Group.DesiredCapacity
	cpr := fmt.Sprintf("CapacityProviderReservation ≈ %.0f%% estimated", pct)
	if r := g.Reservation; r != nil {
		pct = r.Percent
		cpr = fmt.Sprintf("CapacityProviderReservation %.0f%% in CloudWatch at %s", pct, r.At.UTC().Format("15:04"))
	}
	line := fmt.Sprintf("managed scaling: %d of %d instances in %s run tasks (%s, target %d%%); each termination keeps the desired capacity at %d, so Auto Scaling launches the replacement at once",
		m, n, name, cpr, t, d)
	switch {
	case d <= g.Group.MinSize:
		line += fmt.Sprintf("; ECS cannot scale in below the group's minimum size %d", g.Group.MinSize)
	case pct < float64(t):
		line += fmt.Sprintf("; the reservation is below target, so ECS will lower the desired capacity once it has stayed below for %d minutes — ecstui watches the desired capacity and says so if a replacement is no longer coming", scaleInMinutes)
	default:
		line += fmt.Sprintf("; ECS lowers the desired capacity only after the reservation stays below target for %d minutes, and ecstui watches it", scaleInMinutes)
	}
	p.Changes = append(p.Changes, line)
	if !g.TerminationProtection() {
		p.Warnings = append(p.Warnings, name+": managed scaling without managed termination protection may scale in any unprotected instance, tasks and all; ecstui protects each replacement from scale-in until the drain ends, then removes that protection")
		p.Commands = append(p.Commands,
			awsCmd("autoscaling", "set-instance-protection", "--auto-scaling-group-name", name, "--instance-ids", "REPLACEMENT", "--protected-from-scale-in")+"   # each replacement, while the drain runs",
			awsCmd("autoscaling", "set-instance-protection", "--auto-scaling-group-name", name, "--instance-ids", "REPLACEMENT", "--no-protected-from-scale-in")+"   # when it ends")
	}
}

// hookLines says who holds a terminating instance in Terminating:Wait.
func (p *Plan) hookLines(st ClusterState, name string, g *GroupCapacity, mine []model.ContainerInstance, o DrainOptions) {
	for _, h := range g.Hooks {
		if h.Name == model.ManagedDrainingHook && g.ManagedDraining() {
			if !o.ECSDrains {
				p.Changes = append(p.Changes, fmt.Sprintf("on termination %s holds each instance in Terminating:Wait (%s); ECS completes the hook as soon as the instance has no task, which is at once here since ecstui drains it first (or let ECS drain on termination instead: --let-ecs-drain, or the form's \"let ECS drain\")",
					name, hookText(h)))
			}
			continue
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s has termination hook %s, which is not ECS's: after termination each instance waits in Terminating:Wait until that hook's owner completes it, or %s pass (then %s); the board shows the wait",
			name, hookText(h), shortDuration(h.HeartbeatTimeout), h.DefaultResult))
		p.Commands = append(p.Commands, awsCmd("autoscaling", "complete-lifecycle-action", "--auto-scaling-group-name", name, "--lifecycle-hook-name", h.Name,
			"--instance-id", "INSTANCE", "--lifecycle-action-result", "CONTINUE")+"   # what the hook's owner sends")
	}
}

// ecsDrainSteps rewrites the plan's steps when ECS drains on termination:
// no UpdateContainerInstancesState, a termination right away, ECS's wait.
func (p *Plan) ecsDrainSteps(st ClusterState, targets []model.ContainerInstance, o DrainOptions) {
	for i, c := range p.Changes {
		switch {
		case strings.HasPrefix(c, "when an instance has no task left: terminate"):
			p.Changes[i] = "terminate each instance at once without decrementing desired capacity: ECS sets it DRAINING from Terminating:Wait, moves its service tasks (as each service's minimumHealthyPercent allows) and completes ecs-managed-draining-termination-hook when no task is left; after the hook's timeout Auto Scaling terminates it with whatever still runs"
		case strings.Contains(c, ": ACTIVE → DRAINING"):
			p.Changes[i] = strings.Replace(c, ": ACTIVE → DRAINING", ": terminated now, ECS sets it DRAINING", 1)
		}
	}
	for i, w := range p.Warnings {
		if strings.Contains(w, "runs standalone tasks that draining does not move") {
			id, _, _ := strings.Cut(w, " ")
			p.Warnings[i] = id + " runs standalone tasks: managed draining waits for them until ecs-managed-draining-termination-hook times out (60m), then the instance is terminated with them; stop them first, or let ecstui stop them once the instance is in Terminating:Wait (--stop-standalone)"
		}
	}
	if o.StopStandalone {
		for i, c := range p.Changes {
			if strings.HasPrefix(c, "  stop standalone tasks on ") {
				p.Changes[i] = strings.Replace(c, "  stop standalone tasks on ", "  once in Terminating:Wait, stop standalone tasks on ", 1)
			}
		}
	}
	var c []string
	for _, ci := range targets {
		c = append(c, awsCmd("autoscaling", "terminate-instance-in-auto-scaling-group", "--instance-id", ci.EC2InstanceID, "--no-should-decrement-desired-capacity"),
			awsCmd("autoscaling", "describe-auto-scaling-instances", "--instance-ids", ci.EC2InstanceID)+"   # Terminating:Wait until ECS has drained it")
	}
	c = append(c, awsCmd("ecs", "list-container-instances", "--cluster", st.Cluster, "--status", "ACTIVE")+"   # until the replacements appear")
	for _, x := range p.Commands {
		if strings.HasPrefix(x, "aws autoscaling set-instance-protection") || strings.HasPrefix(x, "aws autoscaling complete-lifecycle-action") {
			c = append(c, x)
		}
	}
	p.Commands = c
}

// NewDrainRunWith starts the persisted state of a drain with options,
// remembering what the executor watches on non-classic groups.
func NewDrainRunWith(st ClusterState, sel Selection, o DrainOptions, now time.Time, context string) *DrainRun {
	run := NewDrainRun(st, sel, o.Batch, o.StopStandalone, now, context)
	run.ECSDrains = o.ECSDrains
	for i := range run.Instances {
		if ci, ok := st.Instance(run.Instances[i].ARN); ok {
			run.Instances[i].Group = ci.AutoScalingGroup
		}
	}
	if st.Capacity == nil {
		return run
	}
	for name, g := range st.Capacity.Groups {
		if g.Classic() {
			continue
		}
		if run.Desired == nil {
			run.Desired, run.Hooks = map[string]int{}, map[string][]HookRef{}
		}
		run.Desired[name] = g.Group.DesiredCapacity
		for _, h := range g.Hooks {
			run.Hooks[name] = append(run.Hooks[name], HookRef{Name: h.Name, Heartbeat: int(h.HeartbeatTimeout / time.Second), Default: h.DefaultResult})
		}
		if g.ManagedScaling() && !g.TerminationProtection() {
			run.ProtectGroups = append(run.ProtectGroups, name)
		}
	}
	slices.Sort(run.ProtectGroups)
	return run
}

// drainCapacityAPI is the optional part of a DrainAPI the executor uses on
// groups that are not classic (the adapter has it; small fakes need not).
type drainCapacityAPI interface {
	CapacityReader
	SetInstanceProtection(ctx context.Context, group string, ids []string, protected bool) error
}

// refreshBlocks names an instance refresh in progress on one of the run's
// groups, which stops the run before its next batch.
func (r *Runner) refreshBlocks(ctx context.Context, api DrainAPI, run *DrainRun) string {
	ca, ok := api.(drainCapacityAPI)
	if !ok {
		return ""
	}
	for _, g := range run.groups() {
		rs, err := ca.InstanceRefreshes(ctx, g, 1)
		if err != nil || len(rs) == 0 || !rs[0].Active() {
			continue
		}
		return fmt.Sprintf("an instance refresh is in progress on %s (%s); resume when it has ended (ecstui drain --resume %s), or watch it: ecstui drain --cluster %s --strategy refresh --watch",
			g, RefreshText(rs[0]), run.ID, run.Cluster)
	}
	return ""
}

// groups are the Auto Scaling groups of the run's instances.
func (d *DrainRun) groups() []string {
	var out []string
	for _, ip := range d.Instances {
		if ip.Group != "" && !slices.Contains(out, ip.Group) {
			out = append(out, ip.Group)
		}
	}
	slices.Sort(out)
	return out
}

// observeGroups reads the run's non-classic groups once per poll: it names
// the hook holding each terminating instance and the time left, notices a
// desired capacity that managed scaling lowered (so a replacement is not
// coming), and protects replacements from scale-in where ECS does not.
func (r *Runner) observeGroups(ctx context.Context, api DrainAPI, run *DrainRun, batch []int) error {
	ca, ok := api.(drainCapacityAPI)
	if !ok || len(run.Desired) == 0 {
		return nil
	}
	names := slices.Sorted(maps.Keys(run.Desired))
	gs, err := ca.AutoScalingGroups(ctx, names)
	if err != nil {
		// Progress reporting only: the drain goes on without it.
		return nil
	}
	for _, g := range gs {
		if d := run.Desired[g.Name]; g.DesiredCapacity < d {
			r.step("scaling", "%s: desired capacity lowered from %d to %d (ECS managed scaling)", g.Name, d, g.DesiredCapacity)
			run.Desired[g.Name] = g.DesiredCapacity
			run.Lowered = append(run.Lowered, g.Name)
		} else if g.DesiredCapacity > d {
			run.Desired[g.Name] = g.DesiredCapacity
		}
		pending := 0
		inService := 0
		for _, in := range g.Instances {
			switch in.LifecycleState {
			case model.LifecyclePending:
				pending++
				inService++
			case model.LifecycleInService:
				inService++
			}
		}
		for _, i := range batch {
			ip := &run.Instances[i]
			if ip.Group != g.Name {
				continue
			}
			r.noteLifecycle(ip, g, run.Hooks[g.Name])
			if ip.State == DrainTerminated && slices.Contains(run.Lowered, g.Name) && pending == 0 && inService >= g.DesiredCapacity {
				ip.State, ip.Note = DrainNotReplaced, fmt.Sprintf("not replaced: ECS managed scaling lowered %s's desired capacity to %d", g.Name, g.DesiredCapacity)
			}
		}
		if slices.Contains(run.ProtectGroups, g.Name) {
			r.protectReplacements(ctx, ca, run, g)
		}
	}
	return nil
}

// noteLifecycle explains a terminating instance's wait on a hook.
func (r *Runner) noteLifecycle(ip *InstanceProgress, g model.AutoScalingGroup, hooks []HookRef) {
	if ip.State != DrainTerminated && ip.State != DrainECS && ip.State != DrainTerminating {
		return
	}
	var m *model.ASGInstance
	for i := range g.Instances {
		if g.Instances[i].InstanceID == ip.EC2InstanceID {
			m = &g.Instances[i]
		}
	}
	if m == nil {
		if ip.State == DrainTerminated {
			ip.Lifecycle, ip.Note = model.LifecycleTerminated, "terminated; waiting for the replacement to register ACTIVE"
		}
		return
	}
	ip.Lifecycle = m.LifecycleState
	if ip.State == DrainECS {
		return
	}
	if m.LifecycleState != model.LifecycleTerminatingWait {
		if ip.State == DrainTerminated {
			ip.Note = m.LifecycleState + "; waiting for the replacement to register ACTIVE"
		}
		return
	}
	var who []string
	for _, h := range hooks {
		left := time.Duration(h.Heartbeat)*time.Second - r.now().Sub(ip.TerminatedAt)
		if h.Name == model.ManagedDrainingHook {
			who = append(who, fmt.Sprintf("%s: ECS completes it once the instance is empty (%s left)", h.Name, shortDuration(max(left, 0).Round(time.Second))))
		} else {
			who = append(who, fmt.Sprintf("%s: its owner completes it, else %s in %s", h.Name, h.Default, shortDuration(max(left, 0).Round(time.Second))))
		}
	}
	ip.Note = "Terminating:Wait — " + strings.Join(who, "; ")
}

// protectReplacements protects this run's replacements in g from scale-in.
func (r *Runner) protectReplacements(ctx context.Context, ca drainCapacityAPI, run *DrainRun, g model.AutoScalingGroup) {
	for _, ip := range run.Instances {
		if ip.Group != g.Name || ip.Replacement == "" || slices.ContainsFunc(run.Protected, func(p ProtectedReplacement) bool { return p.InstanceID == ip.Replacement }) {
			continue
		}
		if err := ca.SetInstanceProtection(ctx, g.Name, []string{ip.Replacement}, true); err != nil {
			r.step("protect", "could not protect %s from scale-in: %v", ip.Replacement, err)
			continue
		}
		r.step("protect", "%s protected from scale-in until the drain ends", ip.Replacement)
		run.Protected = append(run.Protected, ProtectedReplacement{Group: g.Name, InstanceID: ip.Replacement})
	}
}

// releaseProtection gives the replacements back to the group's scale-in
// once the drain is done.
func (r *Runner) releaseProtection(ctx context.Context, api DrainAPI, run *DrainRun, res *Result) {
	ca, ok := api.(drainCapacityAPI)
	if !ok || len(run.Protected) == 0 {
		return
	}
	byGroup := map[string][]string{}
	for _, p := range run.Protected {
		byGroup[p.Group] = append(byGroup[p.Group], p.InstanceID)
	}
	for _, g := range slices.Sorted(maps.Keys(byGroup)) {
		ids := byGroup[g]
		if err := ca.SetInstanceProtection(ctx, g, ids, false); err != nil {
			res.NotDone = append(res.NotDone, fmt.Sprintf("scale-in protection still on %s: %v (aws autoscaling set-instance-protection --auto-scaling-group-name %s --instance-ids %s --no-protected-from-scale-in)",
				strings.Join(ids, ", "), err, g, strings.Join(ids, " ")))
			continue
		}
		res.Done = append(res.Done, "scale-in protection removed from "+strings.Join(ids, ", "))
	}
	run.Protected = nil
}

// terminateForECS terminates the pending instances of a batch at once:
// ECS's managed draining drains them from Terminating:Wait.
func (r *Runner) terminateForECS(ctx context.Context, api DrainAPI, run *DrainRun, batch []int, save func() error) error {
	for _, i := range batch {
		ip := &run.Instances[i]
		if ip.State != DrainPending {
			continue
		}
		ip.State, ip.Note = DrainTerminating, "terminating; ECS drains it"
		if err := save(); err != nil {
			return err
		}
		r.step("terminate", "terminating %s without decrementing desired capacity; ECS drains it from Terminating:Wait", ip.EC2InstanceID)
		if _, err := api.TerminateInstanceInAutoScalingGroup(ctx, ip.EC2InstanceID, false); err != nil {
			return fmt.Errorf("terminate %s: %w", ip.EC2InstanceID, err)
		}
		ip.State, ip.TerminatedAt, ip.Note = DrainECS, r.now(), "Terminating:Wait — ECS is draining it"
	}
	return save()
}

// ecsDrainStep observes an instance ECS is draining; it is terminated once
// its container instance has left the cluster.
func (r *Runner) ecsDrainStep(ctx context.Context, api DrainAPI, run *DrainRun, ip *InstanceProgress) error {
	cis, _, err := api.DescribeContainerInstances(ctx, run.Cluster, []string{ip.ARN})
	if err != nil {
		return err
	}
	if len(cis) == 0 || cis[0].Status == model.InstanceInactive || cis[0].Status == model.InstanceDeregistering {
		ip.State, ip.TasksLeft, ip.Note = DrainTerminated, 0, "drained by ECS and terminated; waiting for the replacement to register ACTIVE"
		return nil
	}
	tasks, _, err := api.Tasks(ctx, run.Cluster, model.TaskFilter{ContainerInstance: ip.ARN}, nil)
	if err != nil {
		return err
	}
	var standalone []string
	live := 0
	for _, t := range tasks {
		if t.LastStatus == model.StatusStopped {
			continue
		}
		live++
		if name := t.ServiceName(); name == "" {
			standalone = append(standalone, t.ID)
		} else if !slices.Contains(run.Services, name) {
			run.Services = append(run.Services, name)
		}
	}
	ip.TasksLeft, ip.Standalone = live, standalone
	left := time.Hour - r.now().Sub(ip.TerminatedAt)
	for _, h := range run.Hooks[ip.Group] {
		if h.Name == model.ManagedDrainingHook {
			left = time.Duration(h.Heartbeat)*time.Second - r.now().Sub(ip.TerminatedAt)
		}
	}
	ip.Note = fmt.Sprintf("Terminating:Wait — ECS is draining it (%s left); it completes %s when none is left (%s left)",
		plural(live, "task", "tasks"), model.ManagedDrainingHook, shortDuration(max(left, 0).Round(time.Second)))
	if live > 0 && len(standalone) == live {
		if !run.StopStandalone {
			ip.Note += fmt.Sprintf("; %d standalone tasks hold it until the hook times out", len(standalone))
			return nil
		}
		for _, id := range standalone {
			r.step("stop", "stopping standalone task %s on %s", id, ip.EC2InstanceID)
			if _, err := api.StopTask(ctx, run.Cluster, id, "ecstui drain of "+ip.EC2InstanceID); err != nil {
				return err
			}
		}
	}
	return nil
}

// terminatedElsewhere reports whether an instance ecstui failed to terminate
// is already terminating anyway (scaled in by managed scaling, or terminated
// by a previous run before a crash): the drain then just waits for it.
func (r *Runner) terminatedElsewhere(ctx context.Context, api DrainAPI, ip *InstanceProgress) bool {
	ca, ok := api.(drainCapacityAPI)
	if !ok || ip.Group == "" {
		return false
	}
	gs, err := ca.AutoScalingGroups(ctx, []string{ip.Group})
	if err != nil || len(gs) != 1 {
		return false
	}
	for _, in := range gs[0].Instances {
		if in.InstanceID == ip.EC2InstanceID {
			return strings.HasPrefix(in.LifecycleState, model.LifecycleTerminating)
		}
	}
	// No longer a member: it is gone.
	return true
}
