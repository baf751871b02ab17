package cli

import (
	"context"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/textsafe"
)

func deployCmd(env *Env) *cobra.Command {
	var c common
	var cluster, service, revision string
	var images []string
	var minPct, maxPct, desired int
	cmd := &cobra.Command{
		Use:   "deploy --cluster C --service S (--image container=image… | --revision family:rev)",
		Short: "Rolling update: new images (a new revision copied from the current one) or an existing revision",
		Example: "  ecstui deploy --cluster demo --service auth --image web=nginx:1.27 --wait\n" +
			"  ecstui deploy --cluster demo --service legacy --revision legacy:8 --min 50 --dry-run",
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := env.start(cmd, &cluster, "service")
			if err != nil {
				return err
			}
			in := ops.DeployInput{Cluster: cluster, Service: service, Revision: revision, Images: map[string]string{}}
			for _, kv := range images {
				name, img, ok := strings.Cut(kv, "=")
				if !ok || name == "" || img == "" {
					return fmt.Errorf("--image %q: want container=image", kv)
				}
				if prev, dup := in.Images[name]; dup && prev != img {
					return fmt.Errorf("--image gives container %s two images (%s and %s): give one", name, prev, img)
				}
				in.Images[name] = img
			}
			if cmd.Flags().Changed("min") {
				in.MinPercent = &minPct
			}
			if cmd.Flags().Changed("max") {
				in.MaxPercent = &maxPct
			}
			if cmd.Flags().Changed("desired") {
				in.Desired = &desired
			}
			st, err := ops.GatherService(cmd.Context(), s.API, cluster, service, revision)
			if err != nil {
				return err
			}
			p := ops.PlanDeploy(in, st)
			return env.execute(cmd, s, &c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
				res := r.UpdateService(ctx, s.API, p, c.wait)
				// A rollback is advice only once a deployment started: a
				// deploy that failed before it changed nothing to undo.
				if res.Outcome == ops.OutcomeFailed && !res.RolledBack && res.DeploymentID != "" && p.PreviousTaskDefinition != "" {
					res.NotDone = append(res.NotDone, "to roll back: ecstui rollback --cluster "+cluster+" --service "+service+" --to "+model.ResourceID(p.PreviousTaskDefinition))
				}
				return res
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&cluster, "cluster", "", "cluster name or ARN")
	f.StringVar(&service, "service", "", "service name")
	f.StringArrayVar(&images, "image", nil, "container=image (repeatable)")
	f.StringVar(&revision, "revision", "", "existing task definition (family:revision or ARN)")
	limitVar(f, &minPct, ops.MinHealthyPercent, 0, "minimumHealthyPercent")
	limitVar(f, &maxPct, ops.MaxPercent, 0, "maximumPercent")
	limitVar(f, &desired, ops.DesiredCount, 0, "desired count")
	c.bind(cmd, true)
	exclusive(cmd, "revision", "image")
	return cmd
}

func rollbackCmd(env *Env) *cobra.Command {
	var c common
	var cluster, service, to string
	cmd := &cobra.Command{
		Use:   "rollback --cluster C --service S [--to family:rev]",
		Short: "Return a service to its previous task definition revision",
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := env.start(cmd, &cluster, "service")
			if err != nil {
				return err
			}
			st, err := ops.GatherService(cmd.Context(), s.API, cluster, service, "")
			if err != nil {
				return err
			}
			if to == "" {
				to = st.Previous
			}
			if to == "" {
				return fmt.Errorf("service %s has no previous revision: give --to", service)
			}
			prev, err := s.API.TaskDefinition(cmd.Context(), to)
			if err != nil {
				return err
			}
			p := ops.PlanRollback(cluster, st, prev)
			return env.execute(cmd, s, &c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
				return r.UpdateService(ctx, s.API, p, c.wait)
			})
		},
	}
	cmd.Flags().StringVar(&cluster, "cluster", "", "cluster name or ARN")
	cmd.Flags().StringVar(&service, "service", "", "service name")
	cmd.Flags().StringVar(&to, "to", "", "revision to return to (default: the previous one)")
	c.bind(cmd, true)
	return cmd
}

func scaleCmd(env *Env) *cobra.Command {
	var c common
	var cluster, service string
	var desired int
	var opt ops.ScaleOptions
	cmd := &cobra.Command{
		Use:   "scale --cluster C --service S --desired N",
		Short: "Set a service's desired count (with a placement preview and what Application Auto Scaling will do to it)",
		Example: "  ecstui scale --cluster demo --service random --desired 6 --wait\n" +
			"  ecstui scale --cluster demo --service random --desired 20 --adjust-autoscaling --wait",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := required(cmd, "service"); err != nil {
				return err
			}
			if !cmd.Flags().Changed("desired") {
				return fmt.Errorf("--desired is required")
			}
			s, err := env.start(cmd, &cluster)
			if err != nil {
				return err
			}
			st, err := ops.GatherService(cmd.Context(), s.API, cluster, service, "")
			if err != nil {
				return err
			}
			opt.Now = time.Now()
			if s.Now != nil {
				opt.Now = s.Now()
			}
			p := ops.PlanScale(cluster, st, desired, opt)
			return env.execute(cmd, s, &c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
				return r.UpdateService(ctx, s.API, p, c.wait)
			})
		},
	}
	cmd.Flags().StringVar(&cluster, "cluster", "", "cluster name or ARN")
	cmd.Flags().StringVar(&service, "service", "", "service name")
	limitVar(cmd.Flags(), &desired, ops.DesiredCount, 0, "desired count")
	cmd.Flags().BoolVar(&opt.AdjustAutoScaling, "adjust-autoscaling", false,
		"when the count is outside the service's Application Auto Scaling min/max, move min or max to it first")
	cmd.Flags().BoolVar(&opt.SuspendAutoScaling, "suspend-autoscaling", false,
		"suspend the service's dynamic scaling first (until resumed), so no policy moves the count")
	exclusive(cmd, "adjust-autoscaling", "suspend-autoscaling")
	c.bind(cmd, true)
	return cmd
}

func redeployCmd(env *Env) *cobra.Command {
	var c common
	var cluster, service string
	cmd := &cobra.Command{
		Use:   "redeploy --cluster C --service S",
		Short: "Force a new deployment of a service's current revision",
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := env.start(cmd, &cluster, "service")
			if err != nil {
				return err
			}
			st, err := ops.GatherService(cmd.Context(), s.API, cluster, service, "")
			if err != nil {
				return err
			}
			p := ops.PlanRedeploy(cluster, st)
			return env.execute(cmd, s, &c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
				return r.UpdateService(ctx, s.API, p, c.wait)
			})
		},
	}
	cmd.Flags().StringVar(&cluster, "cluster", "", "cluster name or ARN")
	cmd.Flags().StringVar(&service, "service", "", "service name")
	c.bind(cmd, true)
	return cmd
}

func stopTaskCmd(env *Env) *cobra.Command {
	var c common
	var cluster, task, reason string
	cmd := &cobra.Command{
		Use:   "stop-task --cluster C --task ID [--reason TEXT]",
		Short: "Stop one task",
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := env.start(cmd, &cluster, "task")
			if err != nil {
				return err
			}
			ts, fails, err := s.API.DescribeTasks(cmd.Context(), cluster, []string{task})
			if err != nil {
				return err
			}
			if len(ts) == 0 {
				return ops.Missing("task", task, cluster, fails)
			}
			p := ops.PlanStopTask(cluster, ts[0], reason)
			return env.execute(cmd, s, &c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
				return r.StopTask(ctx, s.API, p, reason, c.wait)
			})
		},
	}
	cmd.Flags().StringVar(&cluster, "cluster", "", "cluster name or ARN")
	cmd.Flags().StringVar(&task, "task", "", "task id or ARN")
	cmd.Flags().StringVar(&reason, "reason", "stopped with ecstui", "reason recorded by ECS")
	c.bind(cmd, true)
	return cmd
}

func drainCmd(env *Env) *cobra.Command {
	var c common
	var cluster, ami, agent, resume string
	var instances []string
	var batch int
	var stopStandalone, list bool
	var rf refreshFlags
	cmd := &cobra.Command{
		Use:   "drain --cluster C (--instance ID… | --ami AMI | --agent-version V) [--batch N] [--strategy drain|refresh] | --resume ID",
		Short: "Drain container instances and replace them through their Auto Scaling group",
		Long: "Sets instances DRAINING, waits until their tasks have left (standalone tasks are only stopped with\n" +
			"--stop-standalone), terminates each empty instance without decrementing desired capacity and waits for\n" +
			"its replacement to register ACTIVE, batch by batch with a capacity check before each. State is saved\n" +
			"under $XDG_STATE_HOME/ecstui/drain-ID.json; --resume ID carries on after a crash or an abort.\n" +
			"On a group behind a capacity provider the plan says what managed scaling, termination protection and\n" +
			"lifecycle hooks will do. --strategy refresh starts an Auto Scaling instance refresh instead (the group\n" +
			"needs ECS managed draining) and watches it; --watch, --cancel and --rollback act on the one in progress.",
		Example: "  ecstui drain --cluster demo --instance i-0abc --yes\n  ecstui drain --cluster demo --ami ami-old --batch 2 --stop-standalone\n  ecstui drain --resume 20261123T031500-a1b2c3\n" +
			"  ecstui drain --cluster prod --ami ami-old --strategy refresh --checkpoints 50,100 --checkpoint-delay 10m\n  ecstui drain --cluster prod --strategy refresh --watch",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if list {
				return listDrainRuns(env)
			}
			s, err := env.session(cmd)
			if err != nil {
				return err
			}
			refresh, err := rf.refreshMode()
			if err != nil {
				return err
			}
			var run *ops.DrainRun
			sel := ops.Selection{IDs: instances, AMI: ami, AgentVersion: agent}
			if refresh {
				if resume != "" {
					return fmt.Errorf("--resume carries on a drain run; a refresh runs in AWS: --strategy refresh --watch")
				}
				if err := pickCluster(&cluster, s); err != nil {
					return err
				}
				return runRefresh(cmd, env, s, &c, &rf, cluster, sel, stopStandalone)
			}
			o := ops.DrainOptions{Batch: batch, StopStandalone: stopStandalone, ECSDrains: rf.letECSDrain}
			if resume != "" {
				if run, err = ops.LoadDrainRun(resume); err != nil {
					return err
				}
				if o, live := run.Owner(); live {
					// Refused at once, before any reading or planning; the
					// executor's lock is what really keeps a second runner out.
					msg := (&ops.HeldError{What: "drain run " + run.ID, Owner: o}).Error()
					fmt.Fprintln(env.errw(), "ecstui: refused: "+msg)
					return &ExitError{Code: exitCode(ops.OutcomeRefused), Outcome: ops.OutcomeRefused, Msg: msg}
				}
				cluster, batch, stopStandalone = run.Cluster, run.Batch, run.StopStandalone
				o = ops.DrainOptions{Batch: batch, StopStandalone: stopStandalone, ECSDrains: run.ECSDrains}
				sel = ops.Selection{}
				for _, ip := range run.Instances {
					if ip.State != ops.DrainReplaced {
						sel.IDs = append(sel.IDs, ip.ARN)
					}
				}
				if len(sel.IDs) == 0 {
					fmt.Fprintf(env.out(), "drain %s already finished: every instance was replaced\n", run.ID)
					return nil
				}
			} else {
				if err := pickCluster(&cluster, s); err != nil {
					return err
				}
				if len(instances) == 0 && ami == "" && agent == "" {
					return fmt.Errorf("select instances with --instance, --ami or --agent-version (or --resume ID)")
				}
			}
			st, err := ops.GatherCluster(cmd.Context(), s.API, cluster)
			if err != nil {
				return err
			}
			p := ops.PlanDrainWith(st, sel, o)
			if run != nil {
				p.Summary = "resume drain " + run.ID + ": " + p.Summary
				// Terminated instances are gone from the selection; their
				// replacement wait is part of the resumed run, not a blocker.
				p.Blockers = filterMissing(p.Blockers)
			}
			return env.execute(cmd, s, &c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
				if run == nil {
					run = ops.NewDrainRunWith(st, sel, o, r.Clock(), s.Context)
					fmt.Fprintf(env.errw(), "drain run %s (resume with: ecstui drain --resume %s)\n", run.ID, run.ID)
				}
				return r.Drain(ctx, s.API, p, run, ops.DrainControl{})
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&cluster, "cluster", "", "cluster name or ARN")
	f.StringArrayVar(&instances, "instance", nil, "container instance id/ARN or EC2 instance id (repeatable)")
	f.StringVar(&ami, "ami", "", "select every instance on this AMI")
	f.StringVar(&agent, "agent-version", "", "select every instance on this ECS agent version")
	limitVar(f, &batch, ops.DrainBatch, 1, "instances drained at once")
	f.BoolVar(&stopStandalone, "stop-standalone", false, "stop tasks that are not part of a service (draining does not move them)")
	f.StringVar(&resume, "resume", "", "carry on a drain run by id")
	f.BoolVar(&list, "list", false, "list the saved drain runs and exit")
	rf.bind(f)
	c.bind(cmd, true)
	// --list prints and exits; --resume carries on a run with its saved
	// cluster, selection and options: any of those given too would be
	// silently ignored.
	exclusive(cmd, "list", "resume", "cluster", "instance", "ami", "agent-version", "batch", "stop-standalone", "dry-run", "yes", "confirm", "force-unsafe", "wait")
	exclusive(cmd, "resume", "cluster", "instance", "ami", "agent-version", "batch", "stop-standalone", "let-ecs-drain")
	return cmd
}

func filterMissing(b []string) []string {
	var out []string
	for _, x := range b {
		if !strings.HasPrefix(x, "no container instance ") && !strings.HasPrefix(x, "no ACTIVE or DRAINING instance") {
			out = append(out, x)
		}
	}
	return out
}

func daemonStartCmd(env *Env) *cobra.Command {
	var c common
	var cluster, taskDef string
	var only []string
	cmd := &cobra.Command{
		Use:     "start --cluster C --task-definition family[:rev] [--instance ID…]",
		Short:   "Start a task definition on every ACTIVE instance that does not run its family yet",
		Example: "  ecstui daemon start --cluster demo --task-definition log-shipper --yes",
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := env.start(cmd, &cluster, "task-definition")
			if err != nil {
				return err
			}
			st, err := ops.GatherDaemon(cmd.Context(), s.API, cluster, taskDef)
			if err != nil {
				return err
			}
			p, nodes := ops.PlanDaemonStart(st, only)
			return env.execute(cmd, s, &c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
				res := r.DaemonStart(ctx, s.API, p, st.TaskDefinition, nodes)
				if failed := ops.FailedNodes(res.Nodes); len(failed) > 0 {
					res.NotDone = append(res.NotDone, "retry the failed nodes: ecstui daemon start --cluster "+cluster+" --task-definition "+taskDef+" --instance "+strings.Join(failed, " --instance "))
				}
				return res
			})
		},
	}
	cmd.Flags().StringVar(&cluster, "cluster", "", "cluster name or ARN")
	cmd.Flags().StringVar(&taskDef, "task-definition", "", "family, family:revision or ARN")
	cmd.Flags().StringArrayVar(&only, "instance", nil, "only these instances (e.g. a retry of failed nodes)")
	c.bind(cmd, false)
	return cmd
}

func journalCmd(env *Env) *cobra.Command {
	var limit int
	var jsonOut, steps bool
	cmd := &cobra.Command{
		Use:   "journal",
		Short: "List the actions ecstui has taken (newest last)",
		Long: "List the actions ecstui has taken, newest last: one line per action with its outcome. An action\n" +
			"that started but never recorded its end shows as running (its process still holds it) or\n" +
			"interrupted (its process is gone: killed, crashed), with the last step it recorded.\n" +
			"--steps lists every line: each action's start and steps too.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			j := env.Journal
			if j == nil {
				j = ops.DefaultJournal()
			}
			asJSON := jsonOut || (env.JSON != nil && env.JSON())
			read := j.Actions
			if steps {
				read = j.Read
			}
			entries, err := read()
			if entries == nil && err != nil {
				return err
			}
			if limit > 0 && len(entries) > limit {
				entries = entries[len(entries)-limit:]
			}
			if asJSON {
				if entries == nil {
					entries = []ops.Entry{}
				}
				if e := textsafe.WriteJSON(env.out(), entries, true); e != nil {
					return e
				}
				return err
			}
			if len(entries) == 0 {
				fmt.Fprintf(env.out(), "no actions recorded yet in %s\n", j.Path)
				return err
			}
			tw := tabwriter.NewWriter(env.out(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME\tCONTEXT\tACTION\tTARGET\tOUTCOME\tMESSAGE")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Time.UTC().Format("2006-01-02 15:04:05"), textsafe.CleanLine(orDash(e.Context)), textsafe.CleanLine(e.Action),
					textsafe.CleanLine(model.ResourceID(e.Target)), e.Outcome, textsafe.CleanLine(firstNonEmpty(e.Message, e.Plan)))
			}
			if e := tw.Flush(); e != nil {
				return e
			}
			return err
		},
	}
	limitVar(cmd.Flags(), &limit, journalLimit, 50, "show the last N entries (0: all)")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON (same as --output json)")
	cmd.Flags().BoolVar(&steps, "steps", false, "every line: each action's start and steps as well as its end")
	return cmd
}

// journalLimit is how many entries `journal --limit` may ask for.
var journalLimit = ops.Limit{Name: "entries", Flag: "--limit", Min: 0, Max: math.MaxInt32, Why: "0 shows all"}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// pickCluster defaults --cluster to the context's cluster.
// start checks the required flags, opens the session and settles the
// cluster (the flag, else the context's): the preamble of every action.
func (e *Env) start(cmd *cobra.Command, cluster *string, requiredFlags ...string) (*Session, error) {
	if err := required(cmd, requiredFlags...); err != nil {
		return nil, err
	}
	s, err := e.session(cmd)
	if err != nil {
		return nil, err
	}
	if err := pickCluster(cluster, s); err != nil {
		return nil, err
	}
	return s, nil
}

func pickCluster(cluster *string, s *Session) error {
	if *cluster == "" {
		*cluster = s.Cluster
	}
	if *cluster == "" {
		return fmt.Errorf("--cluster is required (or set a cluster in the context)")
	}
	return nil
}

// drainListing is one run as --list shows it: its saved state, the status
// a person should read (interrupted when no live process owns a run saved
// as running) and the live owner, if any.
type drainListing struct {
	*ops.DrainRun
	Status string     `json:"status"`
	Owner  *ops.Owner `json:"owner,omitempty"`
}

// listDrainRuns prints the saved drain runs, for --resume.
func listDrainRuns(env *Env) error {
	runs, err := ops.ListDrainRuns()
	if err != nil {
		return err
	}
	list := make([]drainListing, 0, len(runs))
	for _, r := range runs {
		l := drainListing{DrainRun: r, Status: r.DisplayStatus()}
		if o, live := r.Owner(); live {
			l.Owner = &o
		}
		list = append(list, l)
	}
	if env.JSON != nil && env.JSON() {
		return textsafe.WriteJSON(env.out(), list, true)
	}
	if len(list) == 0 {
		fmt.Fprintln(env.out(), "no saved drain runs")
		return nil
	}
	tw := tabwriter.NewWriter(env.out(), 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCONTEXT\tCLUSTER\tSTATUS\tREPLACED\tUPDATED\tOWNER / REASON")
	for _, l := range list {
		done := 0
		for _, ip := range l.Instances {
			if ip.State == ops.DrainReplaced {
				done++
			}
		}
		note := l.Reason
		switch {
		case l.Owner != nil:
			note = fmt.Sprintf("pid %d on %s since %s", l.Owner.PID, l.Owner.Host, l.Owner.Since.UTC().Format("15:04:05"))
		case l.Status == ops.RunInterrupted:
			note = "its process is gone: ecstui drain --resume " + l.ID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%s\t%s\n", l.ID, orDash(l.Context), l.Cluster, l.Status, done, len(l.Instances),
			l.Updated.UTC().Format("2006-01-02 15:04:05"), textsafe.CleanLine(note))
	}
	return tw.Flush()
}
