package ops

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// The second strategy for an AMI or agent rollout: an Auto Scaling instance
// refresh of the group, with ECS's managed draining draining each instance
// the refresh terminates. AWS runs it (it goes on if ecstui stops); ecstui
// plans it, starts it, watches it, and cancels or rolls it back.

// Action names of the refresh strategy.
const (
	ActionRefresh         = "instance-refresh"
	ActionRefreshCancel   = "instance-refresh-cancel"
	ActionRefreshRollback = "instance-refresh-rollback"
)

// Limits of the refresh inputs, as Auto Scaling accepts them.
var (
	RefreshMinHealthy = Limit{Name: "minimum healthy percentage", Flag: "--min-healthy", Min: 0, Max: 100, Why: "a percentage of the group's desired capacity"}
	RefreshCheckpoint = Limit{Name: "checkpoint percentage", Flag: "--checkpoints", Min: 1, Max: 100, Why: "a percentage of the instances replaced"}
	RefreshDelay      = Limit{Name: "checkpoint delay (seconds)", Flag: "--checkpoint-delay", Min: 0, Max: 172800, Why: "Auto Scaling's CheckpointDelay range"}
	RefreshVersion    = Limit{Name: "launch template version", Flag: "--to-version", Min: 1, Max: 1 << 31, Why: "a launch template version number"}
)

// RefreshOptions are the choices of a refresh beyond the selection.
type RefreshOptions struct {
	// MinHealthy is the minimum healthy percentage (nil: AWS's 90).
	MinHealthy *int
	// Checkpoints are the percentages after which the refresh pauses for
	// CheckpointDelay (nil: AWS's 3600 s).
	Checkpoints     []int
	CheckpointDelay *time.Duration
	// Version is the launch template version to roll to ("": the version
	// the group launches now).
	Version string
	// StopStandalone stops standalone tasks on an instance once it waits in
	// Terminating:Wait, which managed draining would otherwise wait for
	// until its hook times out.
	StopStandalone bool
}

// refreshGroup is the one group the selection belongs to, or the blockers.
func refreshGroup(st ClusterState, targets []model.ContainerInstance) (*GroupCapacity, []string) {
	groups := st.groupsOf(targets)
	switch {
	case len(targets) == 0:
		return nil, []string{"no ACTIVE or DRAINING instance matches the selection"}
	case len(groups) == 0:
		return nil, []string{"the selected instances are not known to belong to an Auto Scaling group"}
	case len(groups) > 1:
		return nil, []string{"the selected instances belong to several Auto Scaling groups (" + strings.Join(groups, ", ") + "): refresh one group at a time"}
	}
	g := st.Capacity.Group(groups[0])
	if g == nil {
		return nil, []string{"Auto Scaling group " + groups[0] + " could not be read"}
	}
	return g, nil
}

// PlanRefresh plans an instance refresh that replaces the selected instances.
func PlanRefresh(st ClusterState, sel Selection, o RefreshOptions) Plan {
	p := planRefresh(st, sel, o)
	if p.Refresh != nil {
		p.Strategies, _ = CompareStrategies(st, sel, DrainOptions{Batch: 1, StopStandalone: o.StopStandalone}, o)
	}
	return p
}

func planRefresh(st ClusterState, sel Selection, o RefreshOptions) Plan {
	p := Plan{Action: ActionRefresh, Cluster: st.Cluster, Target: st.Cluster}
	targets, missing := st.Select(sel)
	for _, id := range missing {
		p.Blockers = append(p.Blockers, "no container instance "+id+" in cluster "+st.Cluster)
	}
	if st.Capacity == nil {
		p.Summary = "instance refresh in cluster " + st.Cluster
		p.Blockers = append(p.Blockers, "this backend cannot read Auto Scaling groups and capacity providers")
		return p
	}
	g, why := refreshGroup(st, targets)
	if g == nil {
		p.Summary = "instance refresh in cluster " + st.Cluster
		p.Blockers = append(p.Blockers, why...)
		return p
	}
	name := g.Group.Name
	p.Target = name
	in := &model.RefreshInput{AutoScalingGroupName: name}
	p.Refresh = in
	in.Preferences.SkipMatching = true
	if o.MinHealthy != nil && p.checkInt(RefreshMinHealthy, *o.MinHealthy) {
		v := *o.MinHealthy
		in.Preferences.MinHealthyPercentage = &v
	}
	for i, c := range o.Checkpoints {
		if !p.checkInt(RefreshCheckpoint, c) {
			continue
		}
		if i > 0 && c <= o.Checkpoints[i-1] {
			p.Blockers = append(p.Blockers, "checkpoints must rise: "+intsText(o.Checkpoints))
		}
		in.Preferences.CheckpointPercentages = append(in.Preferences.CheckpointPercentages, c)
	}
	if o.CheckpointDelay != nil {
		secs := int(o.CheckpointDelay.Round(time.Second) / time.Second)
		if p.checkInt(RefreshDelay, secs) {
			in.Preferences.CheckpointDelay = &secs
		}
		if len(o.Checkpoints) == 0 {
			p.Blockers = append(p.Blockers, "a checkpoint delay needs checkpoints (--checkpoints 50,100)")
		}
	}

	if r := g.ActiveRefresh(); r != nil {
		p.Blockers = append(p.Blockers, fmt.Sprintf("an instance refresh is already in progress on %s (%s): watch it (ecstui drain --cluster %s --strategy refresh --watch) or cancel it (--cancel)",
			name, RefreshText(*r), st.Cluster))
	}
	if !g.ManagedDraining() {
		p.Blockers = append(p.Blockers, name+" has no ECS managed draining: a refresh would terminate its instances with their tasks still running (Auto Scaling does not drain ECS); use the drain strategy, or turn on managed draining on its capacity provider")
	}

	// The desired configuration: the group's launch template, at the
	// version asked for or the one it launches now.
	desired := g.Group.Template
	if desired.ID == "" && desired.Name == "" {
		p.Blockers = append(p.Blockers, name+" launches from no launch template (a launch configuration?): ecstui plans refreshes of launch template groups only")
	}
	current := desired.Version
	if o.Version != "" {
		if _, err := RefreshVersion.Parse(o.Version); err != nil {
			p.Blockers = append(p.Blockers, err.Error())
		}
		desired.Version = o.Version
	}
	in.Desired = &desired

	// Which instances a refresh with skip matching replaces: those not
	// launched from the desired version (known only for a numbered one).
	var replace, extra, stay []string
	if !desired.Symbolic() {
		for _, m := range g.Group.Instances {
			if m.LifecycleState != model.LifecycleInService && m.LifecycleState != model.LifecyclePending {
				continue
			}
			if m.Template.Version == desired.Version {
				continue
			}
			replace = append(replace, m.InstanceID)
			if !slices.ContainsFunc(targets, func(ci model.ContainerInstance) bool { return ci.EC2InstanceID == m.InstanceID }) {
				extra = append(extra, fmt.Sprintf("%s (version %s)", m.InstanceID, orDash(m.Template.Version)))
			}
		}
		for _, ci := range targets {
			if !slices.Contains(replace, ci.EC2InstanceID) {
				stay = append(stay, ci.EC2InstanceID)
			}
		}
	} else {
		for _, ci := range targets {
			replace = append(replace, ci.EC2InstanceID)
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s launches %s: which version that is, only Auto Scaling resolves; the plan counts the selected instances, skip matching decides", name, desired))
	}
	if len(stay) > 0 {
		p.Blockers = append(p.Blockers, fmt.Sprintf("%s %s already on %s, the version the refresh rolls to: skip matching would leave them in place; point the group at a launch template version with the new image first (aws ec2 create-launch-template-version, then aws autoscaling update-auto-scaling-group --launch-template), or give --to-version",
			strings.Join(stay, ", "), isAre(len(stay)), desired))
	}
	if len(extra) > 0 {
		p.Warnings = append(p.Warnings, "the refresh also replaces "+strings.Join(extra, ", ")+": it replaces every instance not launched from "+desired.String())
	}

	d := g.Group.DesiredCapacity
	minH := in.Preferences.MinHealthy()
	batch := max(1, d-(d*minH+99)/100)
	p.Summary = fmt.Sprintf("instance refresh of %s in cluster %s: replace %s with %s, %d at a time", name, st.Cluster, plural(len(replace), "instance", "instances"), desired, batch)
	p.Changes = append(p.Changes,
		fmt.Sprintf("start an instance refresh of %s rolling to %s (skip matching: instances already launched from it stay): replaces %s", name, desired, orDash(strings.Join(replace, ", "))),
		fmt.Sprintf("minimum healthy %d%% of desired capacity %d → at most %d out of service at once; Auto Scaling terminates an instance and launches its replacement at the same time", minH, d, batch))
	if g.ManagedDraining() {
		h := g.Hooks[slices.IndexFunc(g.Hooks, func(h model.LifecycleHook) bool { return h.Name == model.ManagedDrainingHook })]
		p.Changes = append(p.Changes, fmt.Sprintf("each terminated instance waits in Terminating:Wait while ECS drains it (DRAINING: service tasks move as each service's minimumHealthyPercent allows) and completes %s", hookText(h)))
	}
	if other := g.OtherHooks(); len(other) > 0 {
		for _, h := range other {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s has termination hook %s too: each instance also waits for its owner to complete it", name, hookText(h)))
		}
	}
	var protected []string
	for _, m := range g.Group.Instances {
		if m.ProtectedFromScaleIn && slices.Contains(replace, m.InstanceID) {
			protected = append(protected, m.InstanceID)
		}
	}
	if len(protected) > 0 {
		in.Preferences.ScaleInProtectedInstances = model.ProtectedRefresh
		p.Changes = append(p.Changes, fmt.Sprintf("%s %s protected from scale-in (managed termination protection): the refresh replaces protected instances too (ScaleInProtectedInstances=Refresh; AWS's default, Wait, would wait an hour for the protection to go, then fail)",
			strings.Join(protected, ", "), isAre(len(protected))))
	}
	if cps := in.Preferences.CheckpointPercentages; len(cps) > 0 {
		p.Changes = append(p.Changes, fmt.Sprintf("checkpoints at %s: after each, the refresh waits %s before going on (cancel or roll back meanwhile)",
			intsText(cps), shortDuration(in.Preferences.Delay())))
	}
	if w := g.Group.DefaultInstanceWarmup; w > 0 {
		p.Changes = append(p.Changes, fmt.Sprintf("a replacement counts once it has been InService for the group's instance warmup (%s)", shortDuration(time.Duration(w)*time.Second)))
	}
	p.refreshMoves(st, targets, replace, batch, g, o)
	if desired.Symbolic() || (o.Version == "" || o.Version == current) {
		p.Warnings = append(p.Warnings, fmt.Sprintf("a rollback would return %s to the configuration it had before the refresh, %s itself: it cannot bring the old image back; cancel stops the refresh and leaves the replaced instances as they are", name, g.Group.Template))
	}
	p.Changes = append(p.Changes, "ecstui then watches the refresh (progress, checkpoint, each instance, the moved services' running counts); it goes on in AWS if ecstui stops: watch again with ecstui drain --cluster "+st.Cluster+" --strategy refresh --watch")
	p.Commands = refreshCommands(name, *in)
	return p
}

// refreshMoves says which tasks move and checks the placement headroom of
// each batch the refresh takes out of service, oldest instances first.
func (p *Plan) refreshMoves(st ClusterState, targets []model.ContainerInstance, replace []string, batch int, g *GroupCapacity, o RefreshOptions) {
	var order []model.ContainerInstance
	for _, id := range replace {
		if ci, ok := st.Instance(id); ok {
			order = append(order, ci)
		}
	}
	slices.SortStableFunc(order, func(a, b model.ContainerInstance) int { return a.RegisteredAt.Compare(b.RegisteredAt) })
	bySvc := map[string]int{}
	for _, ci := range order {
		var standalone []string
		for _, t := range st.TasksOn(ci) {
			if s := t.ServiceName(); s != "" {
				bySvc[s]++
			} else {
				standalone = append(standalone, t.ID+" ("+model.ResourceID(t.TaskDefinitionARN)+")")
			}
		}
		if len(standalone) == 0 {
			continue
		}
		if o.StopStandalone {
			p.Changes = append(p.Changes, fmt.Sprintf("  once %s waits in Terminating:Wait, stop its standalone tasks: %s", ci.EC2InstanceID, strings.Join(standalone, ", ")))
		} else {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s runs standalone tasks (%s): managed draining waits for them until its hook times out (60m), then the instance is terminated with them; stop them first, or let ecstui stop them (--stop-standalone)",
				ci.EC2InstanceID, strings.Join(standalone, ", ")))
		}
	}
	if len(bySvc) > 0 {
		var moves []string
		for _, s := range slices.Sorted(maps.Keys(bySvc)) {
			moves = append(moves, fmt.Sprintf("%s×%d", s, bySvc[s]))
		}
		p.Changes = append(p.Changes, "service tasks that move: "+strings.Join(moves, ", "))
	}
	for i := 0; i < len(order); i += batch {
		if h := st.Headroom(order[i:min(len(order), i+batch)]); h != "" {
			if g.ManagedScaling() {
				p.Warnings = append(p.Warnings, "placement headroom: "+h+"; ECS managed scaling adds instances for tasks it cannot place (they wait meanwhile), and each replacement adds room too")
			} else {
				// Overridable only when nothing else refuses the plan.
				p.Overridable = len(p.Blockers) == 0
				p.Blockers = append(p.Blockers, "placement headroom: "+h)
			}
			return
		}
	}
	if len(order) > 0 {
		p.Changes = append(p.Changes, fmt.Sprintf("placement headroom: the instances left can hold the service tasks of every batch of %d", batch))
	}
}

// refreshCommands are the AWS CLI commands of a refresh and its watch.
func refreshCommands(group string, in model.RefreshInput) []string {
	prefs := map[string]any{"SkipMatching": in.Preferences.SkipMatching}
	if v := in.Preferences.MinHealthyPercentage; v != nil {
		prefs["MinHealthyPercentage"] = *v
	}
	if v := in.Preferences.ScaleInProtectedInstances; v != "" {
		prefs["ScaleInProtectedInstances"] = v
	}
	if v := in.Preferences.CheckpointPercentages; len(v) > 0 {
		prefs["CheckpointPercentages"] = v
	}
	if v := in.Preferences.CheckpointDelay; v != nil {
		prefs["CheckpointDelay"] = *v
	}
	pj, _ := json.Marshal(prefs)
	args := []string{"autoscaling", "start-instance-refresh", "--auto-scaling-group-name", group}
	if d := in.Desired; d != nil {
		lt := map[string]string{"Version": d.Version}
		if d.Name != "" {
			lt["LaunchTemplateName"] = d.Name
		} else {
			lt["LaunchTemplateId"] = d.ID
		}
		dj, _ := json.Marshal(map[string]any{"LaunchTemplate": lt})
		args = append(args, "--desired-configuration", string(dj))
	}
	args = append(args, "--preferences", string(pj))
	return []string{
		awsCmd(args...),
		awsCmd("autoscaling", "describe-instance-refreshes", "--auto-scaling-group-name", group, "--max-records", "1") + "   # until Successful",
		awsCmd("autoscaling", "cancel-instance-refresh", "--auto-scaling-group-name", group) + "   # to stop it",
		awsCmd("autoscaling", "rollback-instance-refresh", "--auto-scaling-group-name", group) + "   # to undo it",
	}
}

// CompareStrategies sets the two ways of replacing the selected instances
// side by side and recommends one: the refresh where the group has managed
// draining and a launch template version to roll to, else the drain.
func CompareStrategies(st ClusterState, sel Selection, o DrainOptions, ro RefreshOptions) (lines []string, recommended string) {
	batch := max(o.Batch, 1)
	lines = append(lines,
		fmt.Sprintf("drain — ecstui drains each instance itself (DRAINING), terminates it once empty and waits for its replacement, %d at a time; works on any group; you follow every step; it stops when ecstui stops (resume with --resume)", batch))
	rp := planRefresh(st, sel, ro)
	hard := !rp.Overridable && rp.Blocked()
	switch {
	case st.Capacity == nil:
		lines = append(lines, "refresh — unknown: this backend cannot read the groups")
	case hard:
		lines = append(lines, "refresh — not possible here: "+rp.Blockers[0])
	default:
		g := st.Capacity.Group(rp.Target)
		d := g.Group.DesiredCapacity
		b := max(1, d-(d*rp.Refresh.Preferences.MinHealthy()+99)/100)
		rollback := "rollback possible"
		if slices.ContainsFunc(rp.Warnings, func(w string) bool { return strings.HasPrefix(w, "a rollback would") }) {
			rollback = "a rollback cannot bring the old image back (the group already launches the new one)"
		}
		lines = append(lines, fmt.Sprintf("refresh — Auto Scaling replaces them (instance refresh, skip matching) while ECS's managed draining drains each one, %d at a time (minimum healthy %d%%); checkpoints, cancel; %s; it runs in AWS whether or not ecstui watches",
			b, rp.Refresh.Preferences.MinHealthy(), rollback))
	}
	recommended = "drain"
	reason := "the refresh is not possible here"
	if !hard && st.Capacity != nil && len(sel.IDs) == 0 {
		recommended, reason = "refresh", "the group has managed draining and a launch template version to roll to: AWS's own way, and it does not depend on this terminal"
	} else if !hard && st.Capacity != nil {
		reason = "named instances are a repair, not a rollout: drain them"
	}
	lines = append(lines, "recommended: "+recommended+" ("+reason+")")
	return lines, recommended
}

// PlanRefreshCancel plans cancelling the group's refresh in progress.
func PlanRefreshCancel(cluster string, g *GroupCapacity) Plan {
	p := Plan{Action: ActionRefreshCancel, Cluster: cluster, Target: g.Group.Name}
	r := g.ActiveRefresh()
	if r == nil {
		p.Summary = "cancel the instance refresh of " + g.Group.Name
		p.Blockers = append(p.Blockers, "no instance refresh is in progress on "+g.Group.Name)
		return p
	}
	p.Summary = "cancel instance refresh " + r.ID + " of " + g.Group.Name
	p.Changes = []string{
		"cancel " + RefreshText(*r),
		"Auto Scaling finishes the replacements under way, then starts no more; instances already replaced stay replaced (a rollback would undo them)",
	}
	p.Commands = []string{awsCmd("autoscaling", "cancel-instance-refresh", "--auto-scaling-group-name", g.Group.Name)}
	return p
}

// PlanRefreshRollback plans rolling the group's refresh in progress back.
func PlanRefreshRollback(cluster string, g *GroupCapacity) Plan {
	p := Plan{Action: ActionRefreshRollback, Cluster: cluster, Target: g.Group.Name}
	r := g.ActiveRefresh()
	if r == nil {
		p.Summary = "roll back the instance refresh of " + g.Group.Name
		p.Blockers = append(p.Blockers, "no instance refresh is in progress on "+g.Group.Name)
		return p
	}
	p.Summary = "roll back instance refresh " + r.ID + " of " + g.Group.Name
	switch {
	case r.Status == model.RefreshRollbackInProgress:
		p.Blockers = append(p.Blockers, "it is already rolling back")
	case r.Status == model.RefreshCancelling:
		p.Blockers = append(p.Blockers, "it is being cancelled: a cancelled refresh cannot be rolled back")
	case r.Desired == nil:
		p.Blockers = append(p.Blockers, "it was started without a desired configuration: AWS cannot roll it back")
	case g.Group.Template.Symbolic():
		p.Blockers = append(p.Blockers, g.Group.Name+" launches "+g.Group.Template.String()+": AWS cannot roll a refresh back to a $Default or $Latest version")
	}
	p.Changes = []string{
		"roll back " + RefreshText(*r),
		fmt.Sprintf("Auto Scaling replaces the instances the refresh replaced with %s, the configuration of before it (ECS drains each one again)", g.Group.Template),
	}
	p.Commands = []string{awsCmd("autoscaling", "rollback-instance-refresh", "--auto-scaling-group-name", g.Group.Name)}
	return p
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func intsText(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n) + "%"
	}
	return strings.Join(s, ", ")
}
