package actions

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/textsafe"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/theme"
)

// The AMI/agent rollout of a cluster's instances, with its two strategies
// (drain, instance refresh), and the pages that watch, cancel and roll back
// an instance refresh.

// rollout is what the rollout form planned: the strategy and its options.
type rollout struct {
	st      ops.ClusterState
	sel     ops.Selection
	refresh bool
	drain   ops.DrainOptions
	ro      ops.RefreshOptions
}

// NewRollout replaces every instance on an AMI and/or agent version (sel,
// prefilled from the row the user came from): by a rolling drain or by an
// instance refresh, the form's strategy prefilled with the one the plan
// recommends.
func NewRollout(d Deps, cluster string, sel ops.Selection) page.Page {
	f := newFlow(d, spec{
		action: ops.ActionRollingDrain, title: "replace instances in " + cluster,
		gather: func(ctx context.Context) (any, error) { return ops.GatherCluster(ctx, d.API, cluster) },
		fields: func(state any) []field {
			st := state.(ops.ClusterState)
			_, rec := ops.CompareStrategies(st, sel, ops.DrainOptions{Batch: 1}, ops.RefreshOptions{})
			f := []field{
				{key: "ami", label: "AMI", value: sel.AMI, hint: "every ACTIVE/DRAINING instance on this AMI (empty: any)"},
				{key: "agent", label: "agent version", value: sel.AgentVersion, hint: "and on this ECS agent version (empty: any)"},
				{key: "strategy", label: "strategy", value: rec, hint: "drain (ecstui drains, terminates, waits for each replacement) or refresh (Auto Scaling instance refresh, ECS drains); the plan compares both"},
				{key: "stop", label: "stop standalone tasks (y/n)", value: "n", hint: "draining does not move tasks outside services"},
				{key: "batch", label: "drain: batch size", value: "1"},
				{key: "ecs", label: "drain: let ECS drain (y/n)", value: "n", hint: "with managed draining: terminate at once, ECS drains from Terminating:Wait"},
				{key: "min", label: "refresh: min healthy %", value: "", hint: "empty: AWS's 90"},
				{key: "checkpoints", label: "refresh: checkpoints", value: "", hint: "e.g. 50,100 (empty: none)"},
				{key: "delay", label: "refresh: checkpoint delay", value: "", hint: "e.g. 10m (empty: AWS's 1h)"},
			}
			return f
		},
		plan: func(_ context.Context, state any, v values) (ops.Plan, any, error) {
			ro, err := rolloutFrom(state.(ops.ClusterState), v)
			if err != nil {
				return ops.Plan{}, nil, err
			}
			if ro.refresh {
				return ops.PlanRefresh(ro.st, ro.sel, ro.ro), ro, nil
			}
			return ops.PlanDrainWith(ro.st, ro.sel, ro.drain), ro, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, extra any, ctl *control) ops.Result {
			ro := extra.(rollout)
			if ro.refresh {
				return r.StartRefresh(ctx, d.API, p, ops.WatchFor(ro.st, p, ro.ro.StopStandalone))
			}
			run := ops.NewDrainRunWith(ro.st, ro.sel, ro.drain, r.Clock(), d.Context)
			ctl.drainID.Store(run.ID)
			return r.Drain(ctx, d.API, p, run, ops.DrainControl{Paused: ctl.paused.Load})
		},
		board:    boardDrain,
		boardFor: boardOfPlan,
	})
	f.spec.watch = func() page.Page { return NewRefreshWatch(d, cluster) }
	f.spec.cancelRefresh = func() page.Page { return NewRefreshCancel(d, cluster) }
	f.spec.rollbackRefresh = func() page.Page { return NewRefreshRollback(d, cluster) }
	return f
}

func boardOfPlan(p ops.Plan) boardKind {
	if p.Refresh != nil || strings.HasPrefix(p.Action, ops.ActionRefresh) {
		return boardRefresh
	}
	return boardDrain
}

func yes(s string) bool { return strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "y") }

// rolloutFrom reads the rollout form.
func rolloutFrom(st ops.ClusterState, v values) (rollout, error) {
	ro := rollout{st: st, sel: ops.Selection{AMI: v.get("ami"), AgentVersion: v.get("agent")}}
	if ro.sel.AMI == "" && ro.sel.AgentVersion == "" {
		return ro, fmt.Errorf("give an AMI or an agent version to select instances")
	}
	stop := yes(v.get("stop"))
	switch s := strings.ToLower(v.get("strategy")); s {
	case "refresh":
		ro.refresh = true
	case "drain", "":
	default:
		return ro, fmt.Errorf("strategy %q: give drain or refresh", s)
	}
	b, err := ops.DrainBatch.Parse(v.get("batch"))
	if err != nil {
		return ro, err
	}
	ro.drain = ops.DrainOptions{Batch: b, StopStandalone: stop, ECSDrains: yes(v.get("ecs"))}
	ro.ro = ops.RefreshOptions{StopStandalone: stop}
	if s := v.get("min"); s != "" {
		n, err := ops.RefreshMinHealthy.Parse(s)
		if err != nil {
			return ro, err
		}
		ro.ro.MinHealthy = &n
	}
	if s := v.get("checkpoints"); s != "" {
		for _, part := range strings.Split(s, ",") {
			n, err := ops.RefreshCheckpoint.Parse(strings.TrimSuffix(strings.TrimSpace(part), "%"))
			if err != nil {
				return ro, err
			}
			ro.ro.Checkpoints = append(ro.ro.Checkpoints, n)
		}
	}
	if s := v.get("delay"); s != "" {
		dl, err := time.ParseDuration(s)
		if err != nil || dl < 0 {
			return ro, fmt.Errorf("checkpoint delay %q: give a duration such as 10m", s)
		}
		ro.ro.CheckpointDelay = &dl
	}
	return ro, nil
}

// refreshTarget is the cluster state and the group a refresh page acts on.
type refreshTarget struct {
	st ops.ClusterState
	g  *ops.GroupCapacity
}

func gatherRefresh(ctx context.Context, d Deps, cluster string) (any, error) {
	st, err := ops.GatherCluster(ctx, d.API, cluster)
	if err != nil {
		return nil, err
	}
	g, err := ops.GroupOfCluster(st)
	if err != nil {
		return nil, err
	}
	return refreshTarget{st: st, g: g}, nil
}

// NewRefreshWatch follows the instance refresh of the cluster's group; it
// changes nothing, so it starts at once, read-only contexts included. From
// its board, c and R open the cancel and rollback pages.
func NewRefreshWatch(d Deps, cluster string) page.Page {
	f := newFlow(d, spec{
		action: ops.ActionRefresh, title: "instance refresh in " + cluster,
		gather: func(ctx context.Context) (any, error) { return gatherRefresh(ctx, d, cluster) },
		plan: func(_ context.Context, state any, _ values) (ops.Plan, any, error) {
			rt := state.(refreshTarget)
			if rt.g.Refresh == nil {
				return ops.Plan{}, nil, fmt.Errorf("no instance refresh on %s", rt.g.Group.Name)
			}
			p := ops.Plan{Action: ops.ActionRefresh, Cluster: cluster, Target: rt.g.Group.Name,
				Summary: "watch " + ops.RefreshText(*rt.g.Refresh)}
			return p, rt, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, extra any, _ *control) ops.Result {
			rt := extra.(refreshTarget)
			w := ops.WatchFor(rt.st, p, false)
			w.ID = rt.g.Refresh.ID
			r.Journal = nil // a watch changes nothing
			return r.WatchRefresh(ctx, d.API, p, w)
		},
		board:     boardRefresh,
		autoStart: true,
	})
	f.spec.cancelRefresh = func() page.Page { return NewRefreshCancel(d, cluster) }
	f.spec.rollbackRefresh = func() page.Page { return NewRefreshRollback(d, cluster) }
	return f
}

// NewRefreshCancel cancels the cluster's group's refresh and watches it
// until Auto Scaling has finished the replacements under way.
func NewRefreshCancel(d Deps, cluster string) page.Page {
	return newFlow(d, spec{
		action: ops.ActionRefreshCancel, title: "cancel instance refresh in " + cluster,
		gather: func(ctx context.Context) (any, error) { return gatherRefresh(ctx, d, cluster) },
		plan: func(_ context.Context, state any, _ values) (ops.Plan, any, error) {
			rt := state.(refreshTarget)
			return ops.PlanRefreshCancel(cluster, rt.g), rt, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, extra any, _ *control) ops.Result {
			rt := extra.(refreshTarget)
			return r.CancelRefresh(ctx, d.API, p, ops.WatchFor(rt.st, p, false), true)
		},
		board: boardRefresh,
	})
}

// NewRefreshRollback rolls the cluster's group's refresh back and watches it.
func NewRefreshRollback(d Deps, cluster string) page.Page {
	return newFlow(d, spec{
		action: ops.ActionRefreshRollback, title: "roll back instance refresh in " + cluster,
		gather: func(ctx context.Context) (any, error) { return gatherRefresh(ctx, d, cluster) },
		plan: func(_ context.Context, state any, _ values) (ops.Plan, any, error) {
			rt := state.(refreshTarget)
			return ops.PlanRefreshRollback(cluster, rt.g), rt, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, extra any, _ *control) ops.Result {
			rt := extra.(refreshTarget)
			return r.RollbackRefresh(ctx, d.API, p, ops.WatchFor(rt.st, p, false), true)
		},
		board: boardRefresh,
	})
}

// refreshLines is the board of a refresh: status, progress and checkpoint,
// AWS's reason, every instance of the group, and the moved services.
func refreshLines(st *theme.Styles, b *board) []string {
	rp := b.refresh
	if rp == nil {
		return []string{st.Muted.Render("waiting for the first observation…")}
	}
	r := rp.Refresh
	tone := st.StatusStyle(refreshTone(r.Status))
	l := []string{
		st.Key.Render("refresh  ") + textsafe.CleanLine(r.ID) + "  " + tone.Render(r.Status) + "  " +
			st.ProgressBar(r.PercentageComplete, 100, 20) + fmt.Sprintf(" %3d%%  %d to update", r.PercentageComplete, r.InstancesToUpdate),
		st.Key.Render("group    ") + textsafe.CleanLine(rp.Group) + fmt.Sprintf(" · desired %d", rp.Desired) + refreshPrefs(r),
	}
	if c := r.NextCheckpoint(); c > 0 && r.Active() {
		l = append(l, st.Key.Render("next     ")+fmt.Sprintf("checkpoint at %d%%", c))
	}
	if r.StatusReason != "" {
		l = append(l, st.Key.Render("reason   ")+textsafe.CleanLine(r.StatusReason))
	}
	if rb := r.Rollback; rb != nil {
		l = append(l, st.Key.Render("rollback ")+fmt.Sprintf("%d%%, %d to update", rb.PercentageComplete, rb.InstancesToUpdate)+" "+textsafe.CleanLine(rb.Reason))
	}
	l = append(l, "", st.TableHeader.Render(fmt.Sprintf("%-20s %-4s %-20s %-9s %-5s %s", "INSTANCE", "LT", "LIFECYCLE", "ECS", "TASKS", "NOTE")))
	for _, in := range rp.Instances {
		lt := st.Tone(theme.ToneMuted)
		if in.Updated {
			lt = st.Tone(theme.ToneOK)
		}
		lc := st.Tone(lifecycleTone(in.Lifecycle)).Render(fmt.Sprintf("%-20s", trunc(in.Lifecycle, 20)))
		l = append(l, fmt.Sprintf("%-20s %s %s %-9s %-5d %s", trunc(in.EC2InstanceID, 20), lt.Render(fmt.Sprintf("%-4s", trunc(orDash(in.Version), 4))),
			lc, trunc(orDash(in.Status), 9), in.Tasks, textsafe.CleanLine(in.Note)))
	}
	if len(b.services) > 0 {
		l = append(l, "", st.Title.Render("Services whose tasks move"))
		for _, sc := range b.services {
			l = append(l, fmt.Sprintf("  %-24s %s %3d/%-3d running  %d pending", trunc(sc.Name, 24),
				st.ProgressBar(sc.Running, max(sc.Desired, 1), 20), sc.Running, sc.Desired, sc.Pending))
		}
	}
	return l
}

func refreshPrefs(r model.InstanceRefresh) string {
	p := r.Preferences
	s := fmt.Sprintf(" · min healthy %d%%", p.MinHealthy())
	if len(p.CheckpointPercentages) > 0 {
		var cs []string
		for _, c := range p.CheckpointPercentages {
			cs = append(cs, strconv.Itoa(c)+"%")
		}
		s += " · checkpoints " + strings.Join(cs, ",")
	}
	if r.Desired != nil {
		s += " · to " + textsafe.CleanLine(r.Desired.String())
	}
	return s
}

// refreshTone maps a refresh status to the word tones boards use.
func refreshTone(status string) string {
	switch status {
	case model.RefreshSuccessful, model.RefreshRollbackSuccessful:
		return "COMPLETED"
	case model.RefreshFailed, model.RefreshRollbackFailed:
		return "FAILED"
	case model.RefreshCancelled, model.RefreshCancelling:
		return "DRAINING"
	}
	return "IN_PROGRESS"
}

func lifecycleTone(s string) theme.Tone {
	switch {
	case s == model.LifecycleInService:
		return theme.ToneOK
	case s == model.LifecycleTerminatingWait:
		return theme.ToneDrain
	case strings.HasPrefix(s, model.LifecycleTerminating):
		return theme.ToneWarn
	}
	return theme.ToneMuted
}
