package ops

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ecstui/ecstui/model"
)

// The way back from --suspend-autoscaling: resume the dynamic scaling
// (scale-in and scale-out) of a service's scalable target, so its target
// tracking and step policies move the desired count again.

// PlanResumeAutoScaling plans resuming a service's dynamic scaling. The
// scheduled-scaling state is sent as it is (AWS may reset what a request
// leaves out), and the plan says what the policies will do to the count.
func PlanResumeAutoScaling(cluster string, st ServiceState) Plan {
	svc := st.Service
	p := Plan{Action: ActionAutoScaling, Cluster: cluster, Target: svc.Name,
		Summary: fmt.Sprintf("resume dynamic scaling of service %s (cluster %s)", svc.Name, cluster)}
	switch {
	case st.ScalingErr != nil:
		p.Blockers = append(p.Blockers, "could not read the service's Application Auto Scaling settings: "+st.ScalingErr.Error())
		return p
	case st.Scaling == nil || st.Scaling.Target == nil:
		p.Blockers = append(p.Blockers, "service "+svc.Name+" has no Application Auto Scaling target: there is nothing to resume")
		return p
	}
	t := *st.Scaling.Target
	if !t.Suspended.DynamicScalingIn && !t.Suspended.DynamicScalingOut {
		p.Blockers = append(p.Blockers, "dynamic scaling of service "+svc.Name+" is not suspended ("+t.Suspended.String()+"): there is nothing to resume")
		return p
	}
	no, scheduled := false, t.Suspended.Scheduled
	upd := model.ScalableTargetUpdate{Cluster: cluster, Service: svc.Name, SuspendDynamicIn: &no, SuspendDynamicOut: &no, SuspendScheduled: &scheduled}
	change := fmt.Sprintf("Application Auto Scaling: resume dynamic scaling (scale-in and scale-out) of service %s (%s now)", svc.Name, t.Suspended.String())
	p.Changes = append(p.Changes, change)
	p.Commands = append(p.Commands, targetCommand(cluster, svc.Name, "--suspended-state",
		"DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false,ScheduledScalingSuspended="+strconv.FormatBool(scheduled)))
	p.Scaling = &ScalingStep{Update: upd, Summary: p.Summary, Changes: []string{change}, Commands: p.Commands}

	dynamic := st.Scaling.DynamicPolicies()
	switch bound := t.Clamp(svc.DesiredCount); {
	case len(dynamic) == 0:
		p.Warnings = append(p.Warnings, "the service has no target tracking or step scaling policy: resuming changes nothing until one is added")
	case bound != svc.DesiredCount:
		p.Warnings = append(p.Warnings, fmt.Sprintf("the desired count %d is outside the scalable target's range %d–%d: once resumed, Application Auto Scaling sets it to %d within about a minute (policy %s)",
			svc.DesiredCount, t.MinCapacity, t.MaxCapacity, bound, policyNames(dynamic)))
	default:
		p.Changes = append(p.Changes, fmt.Sprintf("from then on policy %s moves the desired count (now %d) within %d–%d",
			policyNames(dynamic), svc.DesiredCount, t.MinCapacity, t.MaxCapacity))
	}
	if scheduled {
		p.Warnings = append(p.Warnings, "scheduled scaling stays suspended; to resume it too: "+
			targetCommand(cluster, svc.Name, "--suspended-state", "DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false,ScheduledScalingSuspended=false"))
	}
	return p
}

// ResumeAutoScaling applies a PlanResumeAutoScaling plan: one
// RegisterScalableTarget call, journalled.
func (r *Runner) ResumeAutoScaling(ctx context.Context, api any, p Plan) Result {
	if res, refused := r.refuse(p); refused {
		return res
	}
	res := Result{Action: p.Action, NotDone: p.Changes}
	sa, ok := api.(ScalingAPI)
	if !ok || p.Scaling == nil {
		return r.finish(p, res, fmt.Errorf("this connection cannot change Application Auto Scaling"), "resuming dynamic scaling")
	}
	if res, refused := r.begin(p); refused {
		return res
	}
	defer r.end()
	r.step("autoscaling", "%s", strings.Join(p.Scaling.Changes, "; "))
	if err := sa.RegisterScalableTarget(ctx, p.Scaling.Update); err != nil {
		return r.finish(p, res, err, "changing the scalable target")
	}
	res.Outcome, res.NotDone = OutcomeSuccess, nil
	res.Done = p.Scaling.Changes
	res.Message = "dynamic scaling of service " + p.Target + " resumed"
	return r.finish(p, res, nil, "")
}
