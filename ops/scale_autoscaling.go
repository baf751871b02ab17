package ops

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// ActionAutoScaling is the journal's name for a change ecstui makes to a
// service's Application Auto Scaling target (before a scale).
const ActionAutoScaling = "autoscaling"

// ScalableCapacity is the range of a scalable target's min and max capacity.
var ScalableCapacity = Limit{Name: "capacity", Flag: "--desired", Min: 0, Max: math.MaxInt32,
	Why: "Application Auto Scaling capacities are 32-bit integers"}

// ScaleOptions say what a scale does about Application Auto Scaling when
// the new desired count is outside the service's scalable target's range.
type ScaleOptions struct {
	// AdjustAutoScaling moves the target's min or max to the new count first,
	// so the autoscaler does not set the count back.
	AdjustAutoScaling bool
	// SuspendAutoScaling suspends dynamic scaling (scale-in and scale-out)
	// first, so no policy moves the count until it is resumed.
	SuspendAutoScaling bool
	// Now is the time the plan is made, to name the next scheduled action
	// (zero: not named).
	Now time.Time
}

// autoScalingHold is how long a scale watch keeps going when the plan
// expects the autoscaler to set the count back: its policies act about once
// a minute.
const autoScalingHold = 90 * time.Second

// ScalingStep is the change to a service's scalable target the executor
// makes before updating the service: journalled as its own entry.
type ScalingStep struct {
	Update   model.ScalableTargetUpdate
	Summary  string
	Changes  []string
	Commands []string
}

// scalingReader reads a service's Application Auto Scaling state (targets,
// policies, scheduled actions, activities).
type scalingReader interface {
	ServiceScaling(ctx context.Context, cluster, service string, activities int) (model.ServiceScaling, error)
}

// ScalingAPI changes a scalable target; the adapter (and its read-only
// guard) implements it.
type ScalingAPI interface {
	RegisterScalableTarget(ctx context.Context, in model.ScalableTargetUpdate) error
}

// AutoScalingAPI is what a scale reads and changes of Application Auto
// Scaling. The executors ask for it by type on the API they are given, so
// the smaller interfaces (ServiceReader, ServiceAPI) stay as they are.
type AutoScalingAPI interface {
	scalingReader
	ScalingAPI
}

// gatherScaling reads the service's Application Auto Scaling state when the
// reader can: a failure is kept, for the plan to say what it could not check.
func gatherScaling(ctx context.Context, r ServiceReader, st *ServiceState, cluster string) {
	sr, ok := r.(scalingReader)
	if !ok {
		return
	}
	// A plan is made from what AWS holds now, not what a view read.
	sc, err := sr.ServiceScaling(awsapi.Uncached(ctx), cluster, st.Service.Name, 0)
	if err != nil {
		st.ScalingErr = err
		return
	}
	st.Scaling = &sc
}

func targetCommand(cluster, service string, args ...string) string {
	base := []string{"application-autoscaling", "register-scalable-target", "--service-namespace", "ecs",
		"--scalable-dimension", model.ScalableDimensionECSDesired, "--resource-id", model.ECSServiceResourceID(cluster, service)}
	return awsCmd(append(base, args...)...)
}

func policyNames(ps []model.ScalingPolicy) string {
	var n []string
	for _, p := range ps {
		s := p.Name
		if tt := p.TargetTracking; tt != nil {
			unit := ""
			if tt.PredefinedMetric == model.PredefinedECSCPU || tt.PredefinedMetric == model.PredefinedECSMemory {
				unit = " %"
			}
			s += fmt.Sprintf(": %s at %s%s", tt.MetricName(), trimNum(tt.TargetValue), unit)
		}
		n = append(n, s)
	}
	return strings.Join(n, ", ")
}

func trimNum(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// planAutoScaling adds to a scale plan what Application Auto Scaling will
// do to the new count, and the fix the options ask for.
func planAutoScaling(p *Plan, cluster string, st ServiceState, desired int, opt ScaleOptions) {
	svc := st.Service
	fixing := opt.AdjustAutoScaling || opt.SuspendAutoScaling
	if st.ScalingErr != nil {
		msg := "could not read the service's Application Auto Scaling settings (" + st.ScalingErr.Error() + "): an autoscaler may set the count back"
		if fixing {
			p.Blockers = append(p.Blockers, msg+"; --adjust-autoscaling and --suspend-autoscaling need them")
		} else {
			p.Warnings = append(p.Warnings, msg)
		}
		return
	}
	if st.Scaling == nil || st.Scaling.Target == nil {
		if fixing {
			p.Blockers = append(p.Blockers, "service "+svc.Name+" has no Application Auto Scaling target: there is nothing to adjust or suspend")
		}
		return
	}
	t := *st.Scaling.Target
	dynamic := st.Scaling.DynamicPolicies()
	above, below := desired > t.MaxCapacity, desired < t.MinCapacity
	bound := t.Clamp(desired)

	upd := model.ScalableTargetUpdate{Cluster: cluster, Service: svc.Name}
	var changes, args []string
	if opt.AdjustAutoScaling {
		switch {
		case above:
			if p.checkInt(ScalableCapacity, desired) {
				upd.MaxCapacity = &desired
				changes = append(changes, fmt.Sprintf("Application Auto Scaling: maximum capacity %d → %d (first, so the new count is within range)", t.MaxCapacity, desired))
				args = append(args, "--max-capacity", fmt.Sprint(desired))
			}
		case below:
			if p.checkInt(ScalableCapacity, desired) {
				upd.MinCapacity = &desired
				changes = append(changes, fmt.Sprintf("Application Auto Scaling: minimum capacity %d → %d (first, so the new count is within range)", t.MinCapacity, desired))
				args = append(args, "--min-capacity", fmt.Sprint(desired))
			}
		default:
			p.Warnings = append(p.Warnings, fmt.Sprintf("--adjust-autoscaling: %d is within the scalable target's range %d–%d; min and max stay as they are", desired, t.MinCapacity, t.MaxCapacity))
		}
	}
	if opt.SuspendAutoScaling {
		if t.Suspended.DynamicScalingIn && t.Suspended.DynamicScalingOut {
			p.Warnings = append(p.Warnings, "dynamic scaling is already suspended")
		} else {
			yes := true
			upd.SuspendDynamicIn, upd.SuspendDynamicOut = &yes, &yes
			changes = append(changes, "Application Auto Scaling: suspend dynamic scaling (scale-in and scale-out) of service "+svc.Name+" until it is resumed")
			args = append(args, "--suspended-state", "DynamicScalingInSuspended=true,DynamicScalingOutSuspended=true")
			resume := targetCommand(cluster, svc.Name, "--suspended-state", "DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false")
			p.Warnings = append(p.Warnings, fmt.Sprintf("dynamic scaling stays suspended until someone resumes it: ecstui autoscaling resume --cluster %s --service %s (R on the service detail), or %s",
				shellQuote(cluster), shellQuote(svc.Name), resume))
		}
	}
	if len(changes) > 0 {
		p.Scaling = &ScalingStep{Update: upd, Changes: changes,
			Summary:  fmt.Sprintf("change the scalable target of service %s (cluster %s) before scaling it to %d", svc.Name, cluster, desired),
			Commands: []string{targetCommand(cluster, svc.Name, args...)}}
		p.Changes = slices.Concat(changes, p.Changes)
		p.Commands = slices.Concat(p.Scaling.Commands, p.Commands)
	}

	// What the autoscaler does to the count once it is set.
	adjusted := opt.AdjustAutoScaling && (above || below)
	suspended := (t.Suspended.DynamicScalingIn && t.Suspended.DynamicScalingOut) || upd.SuspendDynamicIn != nil
	outOfRange := (above || below) && !adjusted
	switch {
	case outOfRange && len(dynamic) > 0 && !suspended && !(above && t.Suspended.DynamicScalingIn) && !(below && t.Suspended.DynamicScalingOut):
		side := fmt.Sprintf("above the maximum capacity %d", t.MaxCapacity)
		if below {
			side = fmt.Sprintf("below the minimum capacity %d", t.MinCapacity)
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("%d is %s of the service's scalable target: Application Auto Scaling will set it back to %d within about a minute (policy %s). "+
			"Fix: move the %s to %d first (--adjust-autoscaling; \"adjust\" in the form) or suspend dynamic scaling (--suspend-autoscaling; \"suspend\")",
			desired, side, bound, policyNames(dynamic), map[bool]string{true: "maximum", false: "minimum"}[above], desired))
		p.AutoScalingHold = autoScalingHold
	case outOfRange:
		p.Warnings = append(p.Warnings, fmt.Sprintf("%d is outside the scalable target's range %d–%d: the next scaling policy or scheduled action that runs will set it to %d", desired, t.MinCapacity, t.MaxCapacity, bound))
	case len(dynamic) > 0 && !suspended:
		p.Warnings = append(p.Warnings, fmt.Sprintf("Application Auto Scaling keeps adjusting the desired count within %d–%d (policy %s): it may move away from %d; --suspend-autoscaling holds it",
			t.MinCapacity, t.MaxCapacity, policyNames(dynamic), desired))
	}
	if !opt.Now.IsZero() && !t.Suspended.Scheduled {
		nextScheduled(p, st.Scaling.Scheduled, desired, opt.Now)
	}
}

// nextScheduled warns about the next scheduled action that would move the
// new count (its range excludes it).
func nextScheduled(p *Plan, actions []model.ScheduledAction, desired int, now time.Time) {
	var first *model.ScheduledAction
	var at time.Time
	for i, a := range actions {
		next, ok, err := a.Next(now)
		if err != nil || !ok {
			continue
		}
		lo, hi := math.MinInt, math.MaxInt
		if a.MinCapacity != nil {
			lo = *a.MinCapacity
		}
		if a.MaxCapacity != nil {
			hi = *a.MaxCapacity
		}
		if desired >= lo && desired <= hi {
			continue
		}
		if first == nil || next.Before(at) {
			first, at = &actions[i], next
		}
	}
	if first == nil {
		return
	}
	var set []string
	if first.MinCapacity != nil {
		set = append(set, fmt.Sprintf("min %d", *first.MinCapacity))
	}
	if first.MaxCapacity != nil {
		set = append(set, fmt.Sprintf("max %d", *first.MaxCapacity))
	}
	p.Warnings = append(p.Warnings, fmt.Sprintf("scheduled action %s sets %s at %s (in %s): that moves the count away from %d",
		first.Name, strings.Join(set, ", "), at.UTC().Format("2006-01-02 15:04 UTC"), strings.TrimSuffix(at.Sub(now).Round(time.Minute).String(), "0s"), desired))
}

// adjustScaling applies a plan's scalable target change, journalled as its
// own entry, before the service is updated.
func (r *Runner) adjustScaling(ctx context.Context, api any, p Plan) error {
	step := p.Scaling
	sp := Plan{Action: ActionAutoScaling, Cluster: p.Cluster, Target: p.Target, Summary: step.Summary, Changes: step.Changes, Commands: step.Commands}
	sa, ok := api.(ScalingAPI)
	if !ok {
		err := fmt.Errorf("this connection cannot change Application Auto Scaling")
		r.Record(sp, Result{Action: sp.Action, Outcome: OutcomeFailed, Message: err.Error(), NotDone: step.Changes, Err: err})
		return err
	}
	r.step("autoscaling", "%s", strings.Join(step.Changes, "; "))
	if err := sa.RegisterScalableTarget(ctx, step.Update); err != nil {
		res := Result{Action: sp.Action, Outcome: OutcomeFailed, Message: "changing the scalable target: " + err.Error(), NotDone: step.Changes, Err: err}
		r.Record(sp, res)
		return err
	}
	r.Record(sp, Result{Action: sp.Action, Outcome: OutcomeSuccess, Message: "scalable target changed", Done: step.Changes})
	return nil
}

// desiredWatch notices the desired count moving away from what we set
// (Application Auto Scaling, or someone else) and says who did it, once.
type desiredWatch struct {
	want  int
	since time.Time
	told  bool
	why   string
}

func (d *desiredWatch) observe(ctx context.Context, r *Runner, api any, cluster string, svc model.Service) {
	if d == nil || d.told || svc.DesiredCount == d.want {
		return
	}
	d.told = true
	d.why = fmt.Sprintf("the desired count changed from %d to %d after our update, by someone other than this ecstui", d.want, svc.DesiredCount)
	if sr, ok := api.(scalingReader); ok {
		if sc, err := sr.ServiceScaling(ctx, cluster, svc.Name, 5); err == nil {
			for _, a := range sc.Activities {
				if a.Start.Before(d.since.Add(-5 * time.Second)) {
					continue
				}
				d.why = fmt.Sprintf("Application Auto Scaling changed the desired count from %d to %d at %s: %s (%s)",
					d.want, svc.DesiredCount, a.Start.UTC().Format("15:04:05"), strings.TrimSuffix(a.Description, "."), a.Cause)
				break
			}
		}
	}
	r.step("autoscaler", "%s", d.why)
}
