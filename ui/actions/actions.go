// Package actions is the TUI face of package ops: for each action a page that
// loads what the plan needs, asks for the few inputs (images, desired count,
// reason…), shows the plan with its diff, placement preview and equivalent
// AWS CLI commands, takes the confirmation (`y`, or the resource name typed in
// production contexts), then runs the executor and shows its progress board.
//
// The UI root opens these pages with page.Open; every constructor returns a
// page.Page. In read-only sessions the pages still show the plan but refuse
// to confirm, and the adapter guard refuses any call that slipped through.
package actions

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/theme"
)

// API is what the action pages call; *aws.Client (and its read-only guard)
// satisfies it.
type API = ops.API

// Deps is what every action page needs. The UI root builds one per context.
type Deps struct {
	API        API
	Styles     *theme.Styles
	Context    string // context name, for the journal
	Production bool   // confirmations require typing the resource name
	ReadOnly   bool   // show plans, never confirm
	Journal    *ops.Journal
	// Back is the console's back key (default esc); the pages leave, step
	// back or stop watching with it.
	Back key.Binding
	// Now and Wait default to the wall clock; tests pass the simulator's.
	Now  func() time.Time
	Wait func(ctx context.Context, d time.Duration) error
	Poll time.Duration
}

func (d Deps) runner() *ops.Runner {
	return &ops.Runner{Wait: d.Wait, Now: d.Now, Poll: d.Poll, Journal: d.Journal, Context: d.Context}
}

// now is the Deps clock (the wall clock unless a test set one).
func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d Deps) styles() *theme.Styles {
	if d.Styles == nil {
		return theme.Default()
	}
	return d.Styles
}

// NewDeploy is the rolling update of a service: edit the images of its
// containers (or name an existing revision), optionally min/max percent and
// desired count; plan; confirm; watch the deployment by id.
func NewDeploy(d Deps, cluster, service string) page.Page {
	return newFlow(d, spec{
		action: ops.ActionDeploy, title: "deploy " + service,
		gather: func(ctx context.Context) (any, error) { return ops.GatherService(ctx, d.API, cluster, service, "") },
		fields: func(state any) []field {
			st := state.(ops.ServiceState)
			var f []field
			for _, c := range st.Current.Containers {
				f = append(f, field{key: "image:" + c.Name, label: "image of " + c.Name, value: c.Image})
			}
			cfg := st.Service.DeploymentConfiguration
			f = append(f,
				field{key: "revision", label: "or existing revision", hint: revisionHint(st)},
				field{key: "min", label: "minimumHealthyPercent", value: strconv.Itoa(cfg.MinimumHealthyPercent)},
				field{key: "max", label: "maximumPercent", value: strconv.Itoa(cfg.MaximumPercent)},
				field{key: "desired", label: "desired count", value: strconv.Itoa(st.Service.DesiredCount)})
			return f
		},
		plan: func(ctx context.Context, state any, v values) (ops.Plan, any, error) {
			st := state.(ops.ServiceState)
			in := ops.DeployInput{Cluster: cluster, Service: service, Images: map[string]string{}}
			for _, c := range st.Current.Containers {
				if img := v.get("image:" + c.Name); img != "" && img != c.Image {
					in.Images[c.Name] = img
				}
			}
			if rev := v.get("revision"); rev != "" {
				in.Revision = rev
				td, err := d.API.TaskDefinition(ctx, rev)
				if err != nil {
					return ops.Plan{}, nil, err
				}
				st.Target = &td
			}
			cfg := st.Service.DeploymentConfiguration
			var err error
			if in.MinPercent, err = v.intIfChanged("min", ops.MinHealthyPercent, cfg.MinimumHealthyPercent); err != nil {
				return ops.Plan{}, nil, err
			}
			if in.MaxPercent, err = v.intIfChanged("max", ops.MaxPercent, cfg.MaximumPercent); err != nil {
				return ops.Plan{}, nil, err
			}
			if in.Desired, err = v.intIfChanged("desired", ops.DesiredCount, st.Service.DesiredCount); err != nil {
				return ops.Plan{}, nil, err
			}
			return ops.PlanDeploy(in, st), st, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, _ any, _ *control) ops.Result {
			return r.UpdateService(ctx, d.API, p, true)
		},
		board:    boardRollout,
		rollback: func() page.Page { return NewRollback(d, cluster, service) },
	})
}

// NewRollback plans a return of the service to its previous revision (the
// other deployment's, or the revision before the current one).
func NewRollback(d Deps, cluster, service string) page.Page {
	return newFlow(d, spec{
		action: ops.ActionRollback, title: "rollback " + service,
		gather: func(ctx context.Context) (any, error) { return ops.GatherService(ctx, d.API, cluster, service, "") },
		plan: func(ctx context.Context, state any, _ values) (ops.Plan, any, error) {
			st := state.(ops.ServiceState)
			if st.Previous == "" {
				return ops.Plan{}, nil, fmt.Errorf("service %s has no previous revision to return to", service)
			}
			prev, err := d.API.TaskDefinition(ctx, st.Previous)
			if err != nil {
				return ops.Plan{}, nil, err
			}
			return ops.PlanRollback(cluster, st, prev), st, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, _ any, _ *control) ops.Result {
			return r.UpdateService(ctx, d.API, p, true)
		},
		board: boardRollout,
	})
}

// What a scale outside the scalable target's range does about Application
// Auto Scaling (the scale form's choice; the CLI's --adjust-autoscaling and
// --suspend-autoscaling).
const (
	scaleKeep    = "warn"
	scaleAdjust  = "adjust"
	scaleSuspend = "suspend"
)

// NewScale sets a service's desired count and watches it to steady state.
// With a scalable target, the form offers the fix for a count outside its
// range: adjust min/max first, or suspend dynamic scaling.
func NewScale(d Deps, cluster, service string) page.Page {
	return newFlow(d, spec{
		action: ops.ActionScale, title: "scale " + service,
		gather: func(ctx context.Context) (any, error) { return ops.GatherService(ctx, d.API, cluster, service, "") },
		fields: func(state any) []field {
			st := state.(ops.ServiceState)
			f := []field{{key: "desired", label: "desired count", value: strconv.Itoa(st.Service.DesiredCount)}}
			if st.Scaling != nil && st.Scaling.Target != nil {
				t := st.Scaling.Target
				f = append(f, field{key: "autoscaling", label: fmt.Sprintf("if outside %d–%d", t.MinCapacity, t.MaxCapacity), value: scaleKeep,
					// A text field: say it is typed, or "warn" reads as a setting shown.
					hint: "type " + scaleKeep + " (only warn), " + scaleAdjust + " (move min/max to the count first) or " + scaleSuspend + " (suspend dynamic scaling)"})
			}
			return f
		},
		plan: func(_ context.Context, state any, v values) (ops.Plan, any, error) {
			n, err := ops.DesiredCount.Parse(v.get("desired"))
			if err != nil {
				return ops.Plan{}, nil, err
			}
			opt := ops.ScaleOptions{Now: d.now()}
			switch a := strings.TrimSpace(v.get("autoscaling")); a {
			case "", scaleKeep:
			case scaleAdjust:
				opt.AdjustAutoScaling = true
			case scaleSuspend:
				opt.SuspendAutoScaling = true
			default:
				return ops.Plan{}, nil, fmt.Errorf("outside min/max: %q is not %s, %s or %s", a, scaleKeep, scaleAdjust, scaleSuspend)
			}
			return ops.PlanScale(cluster, state.(ops.ServiceState), n, opt), state, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, _ any, _ *control) ops.Result {
			return r.UpdateService(ctx, d.API, p, true)
		},
		board: boardRollout,
	})
}

// NewResumeAutoScaling resumes the service's suspended dynamic scaling
// (the way back from a scale's "suspend"): the plan says what its policies
// will then do to the desired count.
func NewResumeAutoScaling(d Deps, cluster, service string) page.Page {
	return newFlow(d, spec{
		action: ops.ActionAutoScaling, title: "resume autoscaling of " + service,
		gather: func(ctx context.Context) (any, error) { return ops.GatherService(ctx, d.API, cluster, service, "") },
		plan: func(_ context.Context, state any, _ values) (ops.Plan, any, error) {
			return ops.PlanResumeAutoScaling(cluster, state.(ops.ServiceState)), state, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, _ any, _ *control) ops.Result {
			return r.ResumeAutoScaling(ctx, d.API, p)
		},
	})
}

// NewRedeploy forces a new deployment of the service's current revision.
func NewRedeploy(d Deps, cluster, service string) page.Page {
	return newFlow(d, spec{
		action: ops.ActionRedeploy, title: "redeploy " + service,
		gather: func(ctx context.Context) (any, error) { return ops.GatherService(ctx, d.API, cluster, service, "") },
		plan: func(_ context.Context, state any, _ values) (ops.Plan, any, error) {
			return ops.PlanRedeploy(cluster, state.(ops.ServiceState)), state, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, _ any, _ *control) ops.Result {
			return r.UpdateService(ctx, d.API, p, true)
		},
		board:    boardRollout,
		rollback: func() page.Page { return NewRollback(d, cluster, service) },
	})
}

// NewStopTask stops one task with a reason.
func NewStopTask(d Deps, cluster, taskID string) page.Page {
	return newFlow(d, spec{
		action: ops.ActionStopTask, title: "stop task " + model.ResourceID(taskID),
		gather: func(ctx context.Context) (any, error) {
			ts, fails, err := d.API.DescribeTasks(ctx, cluster, []string{taskID})
			if err != nil {
				return nil, err
			}
			if len(ts) == 0 {
				if len(fails) > 0 {
					return nil, fmt.Errorf("task %s: %s", taskID, fails[0])
				}
				return nil, fmt.Errorf("task %s not found", taskID)
			}
			return ts[0], nil
		},
		fields: func(any) []field {
			return []field{{key: "reason", label: "reason", value: "stopped from ecstui"}}
		},
		plan: func(_ context.Context, state any, v values) (ops.Plan, any, error) {
			return ops.PlanStopTask(cluster, state.(model.Task), v.get("reason")), v.get("reason"), nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, extra any, _ *control) ops.Result {
			return r.StopTask(ctx, d.API, p, extra.(string), true)
		},
		board: boardSteps,
	})
}

// NewDrain drains one instance and replaces it through its Auto Scaling
// group. instance is a container instance id or ARN or an EC2 instance id.
func NewDrain(d Deps, cluster, instance string) page.Page {
	f := newDrainFlow(d, cluster, ops.Selection{IDs: []string{instance}}, 1, "drain "+model.ResourceID(instance))
	f.spec.titleFromPlan = true
	return f
}

// NewRollingDrain drains and replaces a selection of instances batch by
// batch. With explicit IDs it drains those; otherwise its form asks for the
// AMI and/or agent version (prefilled from sel) that select the instances.
func NewRollingDrain(d Deps, cluster string, sel ops.Selection, batch int) page.Page {
	title := "rolling drain in " + cluster
	if s := sel.String(); s != "" {
		title = "rolling drain " + s
	}
	return newDrainFlow(d, cluster, sel, batch, title)
}

func newDrainFlow(d Deps, cluster string, sel ops.Selection, batch int, title string) *flow {
	type drainPlan struct {
		st  ops.ClusterState
		sel ops.Selection
		o   ops.DrainOptions
	}
	fields := func(state any) []field {
		var f []field
		if len(sel.IDs) == 0 {
			// A selection by image: prefilled from the row the user came
			// from, editable here.
			f = append(f,
				field{key: "ami", label: "AMI", value: sel.AMI, hint: "every ACTIVE/DRAINING instance on this AMI (empty: any)"},
				field{key: "agent", label: "agent version", value: sel.AgentVersion, hint: "and on this ECS agent version (empty: any)"})
		}
		f = append(f, field{key: "stop", label: "stop standalone tasks (y/n)", value: "n", hint: "draining does not move tasks outside services"})
		if len(sel.IDs) != 1 {
			f = append(f, field{key: "batch", label: "batch size", value: strconv.Itoa(max(1, batch))})
		}
		if drainsOnTermination(state.(ops.ClusterState), sel) {
			f = append(f, field{key: "ecs", label: "let ECS drain (y/n)", value: "n", hint: "managed draining: terminate at once, ECS drains from Terminating:Wait"})
		}
		return f
	}
	return newFlow(d, spec{
		action: ops.ActionDrain, title: title,
		gather: func(ctx context.Context) (any, error) { return ops.GatherCluster(ctx, d.API, cluster) },
		fields: fields,
		plan: func(_ context.Context, state any, v values) (ops.Plan, any, error) {
			st := state.(ops.ClusterState)
			sel := sel
			if len(sel.IDs) == 0 {
				sel.AMI, sel.AgentVersion = v.get("ami"), v.get("agent")
				if sel.AMI == "" && sel.AgentVersion == "" {
					return ops.Plan{}, nil, fmt.Errorf("give an AMI or an agent version to select instances")
				}
			}
			stop := strings.HasPrefix(strings.ToLower(v.get("stop")), "y")
			b := batch
			if s := v.get("batch"); s != "" {
				n, err := ops.DrainBatch.Parse(s)
				if err != nil {
					return ops.Plan{}, nil, err
				}
				b = n
			}
			o := ops.DrainOptions{Batch: b, StopStandalone: stop, ECSDrains: strings.HasPrefix(strings.ToLower(v.get("ecs")), "y")}
			return ops.PlanDrainWith(st, sel, o), drainPlan{st: st, sel: sel, o: o}, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, extra any, ctl *control) ops.Result {
			dp := extra.(drainPlan)
			run := ops.NewDrainRunWith(dp.st, dp.sel, dp.o, r.Clock(), d.Context)
			ctl.drainID.Store(run.ID)
			return r.Drain(ctx, d.API, p, run, ops.DrainControl{Paused: ctl.paused.Load})
		},
		board: boardDrain,
		watch: func() page.Page { return NewRefreshWatch(d, cluster) },
	})
}

// drainsOnTermination reports whether a selected instance's group has ECS
// managed draining (so ECS could drain it on termination).
func drainsOnTermination(st ops.ClusterState, sel ops.Selection) bool {
	targets, _ := st.Select(sel)
	for _, ci := range targets {
		if st.Capacity.Group(ci.AutoScalingGroup).ManagedDraining() {
			return true
		}
	}
	return false
}

// NewResumeDrain carries on a persisted drain run (see `ecstui drain --resume`).
func NewResumeDrain(d Deps, id string) page.Page {
	type resumed struct {
		run *ops.DrainRun
		st  ops.ClusterState
	}
	return newFlow(d, spec{
		action: ops.ActionRollingDrain, title: "resume drain " + id,
		gather: func(ctx context.Context) (any, error) {
			run, err := ops.LoadDrainRun(id)
			if err != nil {
				return nil, err
			}
			st, err := ops.GatherCluster(ctx, d.API, run.Cluster)
			return resumed{run: run, st: st}, err
		},
		plan: func(_ context.Context, state any, _ values) (ops.Plan, any, error) {
			rs := state.(resumed)
			var sel ops.Selection
			for _, ip := range rs.run.Instances {
				if ip.State != ops.DrainReplaced {
					sel.IDs = append(sel.IDs, ip.ARN)
				}
			}
			if len(sel.IDs) == 0 {
				return ops.Plan{}, nil, fmt.Errorf("drain %s already finished: every instance was replaced", id)
			}
			p := ops.PlanDrainWith(rs.st, sel, ops.DrainOptions{Batch: rs.run.Batch, StopStandalone: rs.run.StopStandalone, ECSDrains: rs.run.ECSDrains})
			p.Summary = "resume drain " + id + ": " + p.Summary
			// Instances terminated before the stop are gone from the cluster:
			// waiting for their replacements is part of the resumed run.
			var keep []string
			for _, b := range p.Blockers {
				if !strings.HasPrefix(b, "no container instance ") && !strings.HasPrefix(b, "no ACTIVE or DRAINING instance") {
					keep = append(keep, b)
				}
			}
			p.Blockers = keep
			return p, rs.run, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, extra any, ctl *control) ops.Result {
			run := extra.(*ops.DrainRun)
			ctl.drainID.Store(run.ID)
			return r.Drain(ctx, d.API, p, run, ops.DrainControl{Paused: ctl.paused.Load})
		},
		board: boardDrain,
	})
}

// NewDaemonStart starts a task definition on every ACTIVE instance of the
// cluster that does not run its family yet; `r` on the board retries failures.
func NewDaemonStart(d Deps, cluster, taskDef string) page.Page {
	return newDaemonFlow(d, cluster, taskDef, nil)
}

func newDaemonFlow(d Deps, cluster, taskDef string, only []string) page.Page {
	type daemonPlan struct {
		td    model.TaskDefinition
		nodes []ops.NodeResult
	}
	title := "daemon start " + model.ResourceID(taskDef)
	if len(only) > 0 {
		title = "retry " + title
	}
	return newFlow(d, spec{
		action: ops.ActionDaemonStart, title: title,
		gather: func(ctx context.Context) (any, error) { return ops.GatherDaemon(ctx, d.API, cluster, taskDef) },
		plan: func(_ context.Context, state any, _ values) (ops.Plan, any, error) {
			st := state.(ops.DaemonState)
			p, nodes := ops.PlanDaemonStart(st, only)
			return p, daemonPlan{td: st.TaskDefinition, nodes: nodes}, nil
		},
		run: func(ctx context.Context, r *ops.Runner, p ops.Plan, extra any, _ *control) ops.Result {
			dp := extra.(daemonPlan)
			return r.DaemonStart(ctx, d.API, p, dp.td, dp.nodes)
		},
		board: boardDaemon,
		retry: func(res ops.Result) page.Page {
			failed := ops.FailedNodes(res.Nodes)
			if len(failed) == 0 {
				return nil
			}
			return newDaemonFlow(d, cluster, taskDef, failed)
		},
	})
}

// values are the form's inputs by field key.
type values map[string]string

func (v values) get(k string) string { return strings.TrimSpace(v[k]) }

// intIfChanged parses a numeric field against its limit, nil when it still
// holds the current value.
func (v values) intIfChanged(k string, l ops.Limit, current int) (*int, error) {
	s := v.get(k)
	if s == "" || s == strconv.Itoa(current) {
		return nil, nil
	}
	n, err := l.Parse(s)
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// revisionHint names a few revisions to choose from.
func revisionHint(st ops.ServiceState) string {
	h := "family:revision; leave empty to use the images above"
	var recent []string
	for _, arn := range st.Revisions {
		if arn != st.Current.ARN && len(recent) < 4 {
			recent = append(recent, model.ResourceID(arn))
		}
	}
	if len(recent) > 0 {
		h += " (other revisions: " + strings.Join(recent, ", ") + ")"
	}
	return h
}
