package aws

import (
	"context"
	"slices"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// Capacity providers (ECS) and what Auto Scaling says about draining:
// lifecycle hooks, scale-in protection, instance refreshes.

// API limits of these calls.
const (
	describeCapacityProvidersMax = 100 // names per DescribeCapacityProviders
	setInstanceProtectionMax     = 50  // instance ids per SetInstanceProtection
	describeRefreshesPage        = 100 // MaxRecords of DescribeInstanceRefreshes
)

func fromStrategy(s []ecstypes.CapacityProviderStrategyItem) []model.CapacityProviderStrategyItem {
	if len(s) == 0 {
		return nil
	}
	out := make([]model.CapacityProviderStrategyItem, 0, len(s))
	for _, it := range s {
		out = append(out, model.CapacityProviderStrategyItem{CapacityProvider: str(it.CapacityProvider), Base: int(it.Base), Weight: int(it.Weight)})
	}
	return out
}

func fromCapacityProvider(cp ecstypes.CapacityProvider) model.CapacityProvider {
	out := model.CapacityProvider{
		Name: str(cp.Name), ARN: str(cp.CapacityProviderArn), Status: string(cp.Status), Type: string(cp.Type),
		UpdateStatus: string(cp.UpdateStatus), UpdateStatusReason: str(cp.UpdateStatusReason), Tags: ecsTags(cp.Tags),
	}
	if p := cp.AutoScalingGroupProvider; p != nil {
		out.AutoScalingGroupARN = str(p.AutoScalingGroupArn)
		out.ManagedTerminationProtection = string(p.ManagedTerminationProtection)
		out.ManagedDraining = string(p.ManagedDraining)
		out.ManagedScaling.InstanceWarmupPeriod = -1
		if ms := p.ManagedScaling; ms != nil {
			out.ManagedScaling = model.ManagedScaling{Status: string(ms.Status), TargetCapacity: i32(ms.TargetCapacity),
				MinimumScalingStepSize: i32(ms.MinimumScalingStepSize), MaximumScalingStepSize: i32(ms.MaximumScalingStepSize),
				InstanceWarmupPeriod: -1}
			if ms.InstanceWarmupPeriod != nil {
				out.ManagedScaling.InstanceWarmupPeriod = int(*ms.InstanceWarmupPeriod)
			}
		}
	}
	return out
}

// CapacityProviders describes capacity providers by name or ARN, 100 per
// call. Names that are not found come back as failures.
func (c *Client) CapacityProviders(ctx context.Context, names []string) ([]model.CapacityProvider, []model.Failure, error) {
	if len(names) == 0 {
		return nil, nil, nil
	}
	return describeAll(ctx, c, names, describeCapacityProvidersMax, func(ctx context.Context, batch []string) ([]model.CapacityProvider, []model.Failure, error) {
		var res []model.CapacityProvider
		var fails []model.Failure
		in := &ecs.DescribeCapacityProvidersInput{CapacityProviders: batch}
		for {
			out, err := c.ecs.DescribeCapacityProviders(ctx, in)
			if err != nil {
				return nil, nil, err
			}
			for _, cp := range out.CapacityProviders {
				res = append(res, fromCapacityProvider(cp))
			}
			fails = append(fails, ecsFailures(out.Failures)...)
			if out.NextToken == nil || *out.NextToken == "" {
				return res, fails, nil
			}
			in.NextToken = out.NextToken
		}
	})
}

// LifecycleHooks describes a group's lifecycle hooks.
func (c *Client) LifecycleHooks(ctx context.Context, group string) ([]model.LifecycleHook, error) {
	out, err := c.asg.DescribeLifecycleHooks(ctx, &autoscaling.DescribeLifecycleHooksInput{AutoScalingGroupName: sdkaws.String(group)})
	if err != nil {
		return nil, wrapErr(err)
	}
	res := make([]model.LifecycleHook, 0, len(out.LifecycleHooks))
	for _, h := range out.LifecycleHooks {
		res = append(res, model.LifecycleHook{
			Name: str(h.LifecycleHookName), AutoScalingGroupName: str(h.AutoScalingGroupName),
			LifecycleTransition: str(h.LifecycleTransition), DefaultResult: str(h.DefaultResult),
			HeartbeatTimeout: time.Duration(i32(h.HeartbeatTimeout)) * time.Second,
			GlobalTimeout:    time.Duration(i32(h.GlobalTimeout)) * time.Second,
		})
	}
	return res, nil
}

// InstanceRefreshes returns a group's most recent instance refreshes (at
// most limit, one call), newest first: AWS answers in that order and the
// adapter sorts again rather than trust it.
func (c *Client) InstanceRefreshes(ctx context.Context, group string, limit int) ([]model.InstanceRefresh, error) {
	limit = min(max(limit, 1), describeRefreshesPage)
	out, err := c.asg.DescribeInstanceRefreshes(ctx, &autoscaling.DescribeInstanceRefreshesInput{
		AutoScalingGroupName: sdkaws.String(group), MaxRecords: sdkaws.Int32(int32(limit))})
	if err != nil {
		return nil, wrapErr(err)
	}
	res := make([]model.InstanceRefresh, 0, len(out.InstanceRefreshes))
	for _, r := range out.InstanceRefreshes {
		res = append(res, fromRefresh(r))
	}
	slices.SortStableFunc(res, func(a, b model.InstanceRefresh) int { return b.StartTime.Compare(a.StartTime) })
	return res, nil
}

func fromRefresh(r asgtypes.InstanceRefresh) model.InstanceRefresh {
	m := model.InstanceRefresh{
		ID: str(r.InstanceRefreshId), AutoScalingGroupName: str(r.AutoScalingGroupName), Status: string(r.Status),
		StatusReason: str(r.StatusReason), StartTime: tm(r.StartTime), EndTime: tm(r.EndTime),
		PercentageComplete: i32(r.PercentageComplete), InstancesToUpdate: i32(r.InstancesToUpdate),
	}
	if p := r.Preferences; p != nil {
		m.Preferences = model.RefreshPreferences{
			MinHealthyPercentage: optInt(p.MinHealthyPercentage), MaxHealthyPercentage: optInt(p.MaxHealthyPercentage),
			InstanceWarmup: optInt(p.InstanceWarmup), CheckpointDelay: optInt(p.CheckpointDelay), BakeTime: optInt(p.BakeTime),
			SkipMatching: sdkaws.ToBool(p.SkipMatching), AutoRollback: sdkaws.ToBool(p.AutoRollback),
			ScaleInProtectedInstances: string(p.ScaleInProtectedInstances), StandbyInstances: string(p.StandbyInstances),
		}
		for _, c := range p.CheckpointPercentages {
			m.Preferences.CheckpointPercentages = append(m.Preferences.CheckpointPercentages, int(c))
		}
	}
	if d := r.DesiredConfiguration; d != nil && d.LaunchTemplate != nil {
		ref := templateRef(d.LaunchTemplate)
		m.Desired = &ref
	}
	if rb := r.RollbackDetails; rb != nil {
		m.Rollback = &model.RefreshRollback{Reason: str(rb.RollbackReason), StartTime: tm(rb.RollbackStartTime),
			PercentageComplete: i32(rb.PercentageCompleteOnRollback), InstancesToUpdate: i32(rb.InstancesToUpdateOnRollback)}
	}
	return m
}

func optInt(p *int32) *int {
	if p == nil {
		return nil
	}
	v := int(*p)
	return &v
}

func optInt32(p *int) *int32 {
	if p == nil {
		return nil
	}
	return sdkaws.Int32(int32(*p))
}

func templateRef(lt *asgtypes.LaunchTemplateSpecification) model.LaunchTemplateRef {
	if lt == nil {
		return model.LaunchTemplateRef{}
	}
	return model.LaunchTemplateRef{ID: str(lt.LaunchTemplateId), Name: str(lt.LaunchTemplateName), Version: str(lt.Version)}
}

// SetInstanceProtection sets or clears scale-in protection, 50 instances per call.
func (c *Client) SetInstanceProtection(ctx context.Context, group string, ids []string, protected bool) error {
	for _, b := range chunks(ids, setInstanceProtectionMax) {
		if _, err := c.asg.SetInstanceProtection(ctx, &autoscaling.SetInstanceProtectionInput{
			AutoScalingGroupName: sdkaws.String(group), InstanceIds: b, ProtectedFromScaleIn: sdkaws.Bool(protected)}); err != nil {
			return wrapErr(err)
		}
	}
	return nil
}

// CompleteLifecycleAction completes a lifecycle hook's hold on an instance
// (result CONTINUE or ABANDON).
func (c *Client) CompleteLifecycleAction(ctx context.Context, group, hook, instanceID, result string) error {
	_, err := c.asg.CompleteLifecycleAction(ctx, &autoscaling.CompleteLifecycleActionInput{
		AutoScalingGroupName: sdkaws.String(group), LifecycleHookName: sdkaws.String(hook),
		InstanceId: sdkaws.String(instanceID), LifecycleActionResult: sdkaws.String(result)})
	return wrapErr(err)
}

// StartInstanceRefresh starts an instance refresh and returns its id.
func (c *Client) StartInstanceRefresh(ctx context.Context, in model.RefreshInput) (string, error) {
	p := in.Preferences
	prefs := &asgtypes.RefreshPreferences{
		MinHealthyPercentage: optInt32(p.MinHealthyPercentage), MaxHealthyPercentage: optInt32(p.MaxHealthyPercentage),
		InstanceWarmup: optInt32(p.InstanceWarmup), CheckpointDelay: optInt32(p.CheckpointDelay), BakeTime: optInt32(p.BakeTime),
		SkipMatching: sdkaws.Bool(p.SkipMatching), AutoRollback: sdkaws.Bool(p.AutoRollback),
		ScaleInProtectedInstances: asgtypes.ScaleInProtectedInstances(p.ScaleInProtectedInstances),
		StandbyInstances:          asgtypes.StandbyInstances(p.StandbyInstances),
	}
	for _, cp := range p.CheckpointPercentages {
		prefs.CheckpointPercentages = append(prefs.CheckpointPercentages, int32(cp))
	}
	req := &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: sdkaws.String(in.AutoScalingGroupName), Preferences: prefs}
	if d := in.Desired; d != nil {
		req.DesiredConfiguration = &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{
			LaunchTemplateId: optStr(d.ID), LaunchTemplateName: optStr(d.Name), Version: optStr(d.Version)}}
		if d.Name != "" {
			// AWS takes the id or the name, not both.
			req.DesiredConfiguration.LaunchTemplate.LaunchTemplateId = nil
		}
	}
	out, err := c.asg.StartInstanceRefresh(ctx, req)
	if err != nil {
		return "", wrapErr(err)
	}
	return str(out.InstanceRefreshId), nil
}

// CancelInstanceRefresh cancels the group's refresh in progress.
func (c *Client) CancelInstanceRefresh(ctx context.Context, group string) (string, error) {
	out, err := c.asg.CancelInstanceRefresh(ctx, &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: sdkaws.String(group)})
	if err != nil {
		return "", wrapErr(err)
	}
	return str(out.InstanceRefreshId), nil
}

// RollbackInstanceRefresh rolls the group's refresh in progress back.
func (c *Client) RollbackInstanceRefresh(ctx context.Context, group string) (string, error) {
	out, err := c.asg.RollbackInstanceRefresh(ctx, &autoscaling.RollbackInstanceRefreshInput{AutoScalingGroupName: sdkaws.String(group)})
	if err != nil {
		return "", wrapErr(err)
	}
	return str(out.InstanceRefreshId), nil
}

// DescribeClusters describes named clusters (their capacity providers and
// default strategy included), 100 per call.
func (c *Client) DescribeClusters(ctx context.Context, names []string) ([]model.Cluster, []model.Failure, error) {
	return describeAll(ctx, c, names, describeClustersMax, c.describeClusters)
}

// ScalingActivities returns a group's most recent scaling activities (at
// most limit, one call), newest first; the one terminating an instance
// started when its lifecycle hooks began to hold it.
func (c *Client) ScalingActivities(ctx context.Context, group string, limit int) ([]model.ScalingActivity, error) {
	limit = min(max(limit, 1), describeRefreshesPage)
	out, err := c.asg.DescribeScalingActivities(ctx, &autoscaling.DescribeScalingActivitiesInput{
		AutoScalingGroupName: sdkaws.String(group), MaxRecords: sdkaws.Int32(int32(limit))})
	if err != nil {
		return nil, wrapErr(err)
	}
	res := make([]model.ScalingActivity, 0, len(out.Activities))
	for _, a := range out.Activities {
		res = append(res, model.ScalingActivity{ActivityID: str(a.ActivityId), AutoScalingGroupName: str(a.AutoScalingGroupName),
			Description: str(a.Description), Cause: str(a.Cause), StatusCode: string(a.StatusCode),
			StartTime: tm(a.StartTime), EndTime: tm(a.EndTime), Progress: i32(a.Progress)})
	}
	slices.SortStableFunc(res, func(a, b model.ScalingActivity) int { return b.StartTime.Compare(a.StartTime) })
	return res, nil
}
