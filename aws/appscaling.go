package aws

import (
	"context"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/ecstui/ecstui/model"
)

// ServiceScaling reads what Application Auto Scaling holds about a service:
// its scalable target and, when it has one, its policies, scheduled actions
// and (activities > 0) up to that many of its latest scaling activities.
// Without a target that is one call.
func (c *Client) ServiceScaling(ctx context.Context, cluster, service string, activities int) (model.ServiceScaling, error) {
	var out model.ServiceScaling
	rid := model.ECSServiceResourceID(cluster, service)
	targets, err := c.scalableTargets(ctx, []string{rid})
	if err != nil {
		return out, err
	}
	for _, t := range targets {
		if t.ResourceID == rid {
			t := t
			out.Target = &t
		}
	}
	if out.Target == nil {
		return out, nil
	}
	scope := func() (aastypes.ServiceNamespace, *string, aastypes.ScalableDimension) {
		return aastypes.ServiceNamespaceEcs, sdkaws.String(rid), aastypes.ScalableDimensionECSServiceDesiredCount
	}
	ns, id, dim := scope()
	pp := aas.NewDescribeScalingPoliciesPaginator(c.aas, &aas.DescribeScalingPoliciesInput{ServiceNamespace: ns, ResourceId: id, ScalableDimension: dim})
	for pp.HasMorePages() {
		page, err := pp.NextPage(ctx)
		if err != nil {
			return out, wrapErr(err)
		}
		for _, p := range page.ScalingPolicies {
			out.Policies = append(out.Policies, fromScalingPolicy(p))
		}
	}
	sp := aas.NewDescribeScheduledActionsPaginator(c.aas, &aas.DescribeScheduledActionsInput{ServiceNamespace: ns, ResourceId: id, ScalableDimension: dim})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			return out, wrapErr(err)
		}
		for _, a := range page.ScheduledActions {
			out.Scheduled = append(out.Scheduled, fromScheduledAction(a))
		}
	}
	if activities > 0 {
		// The newest come first: one page of the wanted size is enough.
		page, err := c.aas.DescribeScalingActivities(ctx, &aas.DescribeScalingActivitiesInput{ServiceNamespace: ns, ResourceId: id,
			ScalableDimension: dim, MaxResults: sdkaws.Int32(int32(min(activities, 50)))})
		if err != nil {
			return out, wrapErr(err)
		}
		for _, a := range page.ScalingActivities {
			out.Activities = append(out.Activities, fromScalingActivity(a))
		}
	}
	return out, nil
}

// describeScalableTargets describes the ECS scalable targets with the
// given resource ids, 50 per call (the API's limit).
func (c *Client) describeScalableTargets(ctx context.Context, rids []string) ([]model.ScalableTarget, error) {
	var out []model.ScalableTarget
	for lo := 0; lo < len(rids); lo += 50 {
		p := aas.NewDescribeScalableTargetsPaginator(c.aas, &aas.DescribeScalableTargetsInput{
			ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceIds: rids[lo:min(lo+50, len(rids))],
			ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, wrapErr(err)
			}
			for _, t := range page.ScalableTargets {
				out = append(out, fromScalableTarget(t))
			}
		}
	}
	return out, nil
}

// RegisterScalableTarget changes a service's scalable target: min/max
// capacity and suspended state. AWS moves the desired count into the new
// range at once.
func (c *Client) RegisterScalableTarget(ctx context.Context, in model.ScalableTargetUpdate) error {
	params := &aas.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		ResourceId: sdkaws.String(model.ECSServiceResourceID(in.Cluster, in.Service)),
	}
	if in.MinCapacity != nil {
		n, err := int32Of("minimum capacity", *in.MinCapacity)
		if err != nil {
			return err
		}
		params.MinCapacity = &n
	}
	if in.MaxCapacity != nil {
		n, err := int32Of("maximum capacity", *in.MaxCapacity)
		if err != nil {
			return err
		}
		params.MaxCapacity = &n
	}
	if in.SuspendDynamicIn != nil || in.SuspendDynamicOut != nil || in.SuspendScheduled != nil {
		params.SuspendedState = &aastypes.SuspendedState{DynamicScalingInSuspended: in.SuspendDynamicIn,
			DynamicScalingOutSuspended: in.SuspendDynamicOut, ScheduledScalingSuspended: in.SuspendScheduled}
	}
	_, err := c.aas.RegisterScalableTarget(ctx, params)
	// Whatever the outcome, the next read asks AWS.
	c.targets.forget(model.ECSServiceResourceID(in.Cluster, in.Service))
	return wrapErr(err)
}

// int32Of refuses a number the API's int32 cannot carry, rather than
// sending a wrapped one.
func int32Of(what string, n int) (int32, error) {
	if n < 0 || n > 1<<31-1 {
		return 0, &Error{Kind: KindValidation, Service: "application-autoscaling", Op: "RegisterScalableTarget",
			Message: what + " must be between 0 and 2147483647"}
	}
	return int32(n), nil
}

func secondsOf(p *int32) time.Duration { return time.Duration(i32(p)) * time.Second }

func fromScalableTarget(t aastypes.ScalableTarget) model.ScalableTarget {
	out := model.ScalableTarget{ARN: str(t.ScalableTargetARN), ResourceID: str(t.ResourceId), ScalableDimension: string(t.ScalableDimension),
		MinCapacity: i32(t.MinCapacity), MaxCapacity: i32(t.MaxCapacity), RoleARN: str(t.RoleARN), CreatedAt: tm(t.CreationTime)}
	if s := t.SuspendedState; s != nil {
		out.Suspended = model.SuspendedState{DynamicScalingIn: sdkaws.ToBool(s.DynamicScalingInSuspended),
			DynamicScalingOut: sdkaws.ToBool(s.DynamicScalingOutSuspended), Scheduled: sdkaws.ToBool(s.ScheduledScalingSuspended)}
	}
	return out
}

func fromScalingPolicy(p aastypes.ScalingPolicy) model.ScalingPolicy {
	out := model.ScalingPolicy{ARN: str(p.PolicyARN), Name: str(p.PolicyName), ResourceID: str(p.ResourceId),
		Type: string(p.PolicyType), CreatedAt: tm(p.CreationTime)}
	for _, a := range p.Alarms {
		out.Alarms = append(out.Alarms, str(a.AlarmName))
	}
	if tt := p.TargetTrackingScalingPolicyConfiguration; tt != nil {
		m := &model.TargetTracking{TargetValue: sdkaws.ToFloat64(tt.TargetValue), DisableScaleIn: sdkaws.ToBool(tt.DisableScaleIn),
			ScaleInCooldown: secondsOf(tt.ScaleInCooldown), ScaleOutCooldown: secondsOf(tt.ScaleOutCooldown)}
		if pm := tt.PredefinedMetricSpecification; pm != nil {
			m.PredefinedMetric, m.ResourceLabel = string(pm.PredefinedMetricType), str(pm.ResourceLabel)
		}
		if cm := tt.CustomizedMetricSpecification; cm != nil && m.PredefinedMetric == "" {
			if len(cm.Metrics) > 0 {
				m.CustomMetric = "metric math"
			} else {
				m.CustomMetric = str(cm.Namespace) + " " + str(cm.MetricName) + " (" + string(cm.Statistic) + ")"
			}
		}
		out.TargetTracking = m
	}
	if st := p.StepScalingPolicyConfiguration; st != nil {
		m := &model.StepScaling{AdjustmentType: string(st.AdjustmentType), Cooldown: secondsOf(st.Cooldown),
			MetricAggregationType: string(st.MetricAggregationType), MinAdjustmentMagnitude: i32(st.MinAdjustmentMagnitude)}
		for _, a := range st.StepAdjustments {
			m.Steps = append(m.Steps, model.StepAdjustment{Lower: a.MetricIntervalLowerBound, Upper: a.MetricIntervalUpperBound, Adjustment: i32(a.ScalingAdjustment)})
		}
		out.Step = m
	}
	return out
}

func fromScheduledAction(a aastypes.ScheduledAction) model.ScheduledAction {
	out := model.ScheduledAction{ARN: str(a.ScheduledActionARN), Name: str(a.ScheduledActionName), ResourceID: str(a.ResourceId),
		Schedule: str(a.Schedule), Timezone: str(a.Timezone), Start: tm(a.StartTime), End: tm(a.EndTime), CreatedAt: tm(a.CreationTime)}
	if ta := a.ScalableTargetAction; ta != nil {
		if ta.MinCapacity != nil {
			n := i32(ta.MinCapacity)
			out.MinCapacity = &n
		}
		if ta.MaxCapacity != nil {
			n := i32(ta.MaxCapacity)
			out.MaxCapacity = &n
		}
	}
	return out
}

func fromScalingActivity(a aastypes.ScalingActivity) model.AppScalingActivity {
	out := model.AppScalingActivity{ID: str(a.ActivityId), ResourceID: str(a.ResourceId), Description: str(a.Description),
		Cause: str(a.Cause), Details: str(a.Details), StatusCode: string(a.StatusCode), StatusMessage: str(a.StatusMessage),
		Start: tm(a.StartTime), End: tm(a.EndTime)}
	for _, r := range a.NotScaledReasons {
		out.NotScaledReasons = append(out.NotScaledReasons, str(r.Code))
	}
	return out
}
