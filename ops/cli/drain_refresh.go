package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/textsafe"
)

// refreshFlags are the drain command's flags for the instance refresh
// strategy and the choices a drain has on groups ECS manages.
type refreshFlags struct {
	strategy    string
	letECSDrain bool
	minHealthy  string
	checkpoints string
	delay       time.Duration
	toVersion   string
	watch       bool
	cancel      bool
	rollback    bool
}

func (rf *refreshFlags) bind(f *pflag.FlagSet) {
	f.StringVar(&rf.strategy, "strategy", "drain", "drain (ecstui drains, terminates, waits for replacements) or refresh (an Auto Scaling instance refresh with ECS managed draining); the plan compares both")
	f.BoolVar(&rf.letECSDrain, "let-ecs-drain", false, "drain strategy on a capacity provider with managed draining: terminate at once and let ECS drain the instance from Terminating:Wait")
	f.StringVar(&rf.minHealthy, "min-healthy", "", "refresh: minimum healthy percentage of the group (0–100; default AWS's 90)")
	f.StringVar(&rf.checkpoints, "checkpoints", "", "refresh: percentages to pause at, e.g. 50,100")
	f.Var(positiveDuration{name: "checkpoint-delay", v: &rf.delay, max: 172800 * time.Second, unit: time.Second, unitName: "seconds",
		why: " (Auto Scaling's CheckpointDelay is 0–172800 whole seconds)"}, "checkpoint-delay", "refresh: pause after each checkpoint (default AWS's 1h)")
	f.StringVar(&rf.toVersion, "to-version", "", "refresh: launch template version to roll to (default: the one the group launches)")
	f.BoolVar(&rf.watch, "watch", false, "refresh: watch the group's instance refresh in progress (changes nothing)")
	f.BoolVar(&rf.cancel, "cancel", false, "refresh: cancel the group's instance refresh in progress")
	f.BoolVar(&rf.rollback, "rollback", false, "refresh: roll the group's instance refresh in progress back")
}

// refreshMode reports whether the command runs the refresh strategy.
func (rf *refreshFlags) refreshMode() (bool, error) {
	switch rf.strategy {
	case "drain":
		if rf.watch || rf.cancel || rf.rollback || rf.minHealthy != "" || rf.checkpoints != "" || rf.delay != 0 || rf.toVersion != "" {
			return false, fmt.Errorf("--watch, --cancel, --rollback, --min-healthy, --checkpoints, --checkpoint-delay and --to-version belong to --strategy refresh")
		}
		return false, nil
	case "refresh":
		if rf.letECSDrain {
			return false, fmt.Errorf("--let-ecs-drain belongs to --strategy drain (a refresh always lets ECS drain)")
		}
		n := 0
		for _, b := range []bool{rf.watch, rf.cancel, rf.rollback} {
			if b {
				n++
			}
		}
		if n > 1 {
			return false, fmt.Errorf("give one of --watch, --cancel, --rollback")
		}
		return true, nil
	}
	return false, fmt.Errorf("--strategy %q: give drain or refresh", rf.strategy)
}

func (rf *refreshFlags) options(stopStandalone bool) (ops.RefreshOptions, error) {
	o := ops.RefreshOptions{Version: rf.toVersion, StopStandalone: stopStandalone}
	if rf.minHealthy != "" {
		n, err := ops.RefreshMinHealthy.Parse(rf.minHealthy)
		if err != nil {
			return o, err
		}
		o.MinHealthy = &n
	}
	if rf.checkpoints != "" {
		for _, part := range strings.Split(rf.checkpoints, ",") {
			n, err := ops.RefreshCheckpoint.Parse(strings.TrimSuffix(strings.TrimSpace(part), "%"))
			if err != nil {
				return o, err
			}
			o.Checkpoints = append(o.Checkpoints, n)
		}
	}
	if rf.delay > 0 {
		d := rf.delay
		o.CheckpointDelay = &d
	}
	return o, nil
}

// runRefresh is `ecstui drain --strategy refresh`: start a refresh (plan,
// confirm, watch), or watch, cancel or roll back the one in progress.
func runRefresh(cmd *cobra.Command, env *Env, s *Session, c *common, rf *refreshFlags, cluster string, sel ops.Selection, stopStandalone bool) error {
	ctx := cmd.Context()
	api := s.API
	st, err := ops.GatherCluster(ctx, s.API, cluster)
	if err != nil {
		return err
	}
	if !rf.watch && !rf.cancel && !rf.rollback {
		if len(sel.IDs) == 0 && sel.AMI == "" && sel.AgentVersion == "" {
			return fmt.Errorf("select instances with --instance, --ami or --agent-version (or --watch, --cancel, --rollback)")
		}
		o, err := rf.options(stopStandalone)
		if err != nil {
			return err
		}
		p := ops.PlanRefresh(st, sel, o)
		return env.execute(cmd, s, c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
			return r.StartRefresh(ctx, api, p, ops.WatchFor(st, p, stopStandalone))
		})
	}
	g, err := ops.GroupOfCluster(st)
	if err != nil {
		return err
	}
	w := ops.WatchFor(st, ops.Plan{Target: g.Group.Name}, stopStandalone)
	switch {
	case rf.cancel:
		p := ops.PlanRefreshCancel(cluster, g)
		return env.execute(cmd, s, c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
			return r.CancelRefresh(ctx, api, p, w, c.wait)
		})
	case rf.rollback:
		p := ops.PlanRefreshRollback(cluster, g)
		return env.execute(cmd, s, c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
			return r.RollbackRefresh(ctx, api, p, w, c.wait)
		})
	}
	// A watch changes nothing: no confirmation, no journal, fine in read-only.
	if g.Refresh == nil {
		return fmt.Errorf("no instance refresh on %s", g.Group.Name)
	}
	p := ops.Plan{Action: ops.ActionRefresh, Cluster: cluster, Target: g.Group.Name, Summary: "watch instance refresh " + g.Refresh.ID + " of " + g.Group.Name}
	r := env.runner(s, c)
	r.Journal = nil
	if !s.JSON {
		fmt.Fprintf(env.out(), "Watching: %s\n", textsafe.CleanLine(ops.RefreshText(*g.Refresh)))
		r.Emit = progressPrinter(env.errw(), true)
	}
	w.ID = g.Refresh.ID
	res := r.WatchRefresh(ctx, api, p, w)
	if s.JSON {
		if err := textsafe.WriteJSON(env.out(), struct {
			Result ops.Result `json:"result"`
		}{res}, true); err != nil {
			return err
		}
	} else {
		printResult(env.out(), res)
	}
	if res.OK() {
		return nil
	}
	return &ExitError{Code: exitCode(res.Outcome), Outcome: res.Outcome, Msg: fmt.Sprintf("%s %s: %s", p.Action, res.Outcome, res.Message)}
}

// refreshLine is one progress line of a refresh being watched.
func refreshLine(ev ops.Event) string {
	rp := ev.Refresh
	parts := []string{ops.RefreshText(rp.Refresh)}
	for _, in := range rp.Instances {
		s := in.EC2InstanceID + "=" + in.Lifecycle
		if in.Version != "" {
			s += "/v" + in.Version
		}
		if in.Tasks > 0 {
			s += "(" + strconv.Itoa(in.Tasks) + ")"
		}
		parts = append(parts, s)
	}
	for _, sc := range ev.Services {
		parts = append(parts, fmt.Sprintf("%s %d/%d", sc.Name, sc.Running, sc.Desired))
	}
	return strings.Join(parts, " ")
}
