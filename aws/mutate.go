package aws

import (
	"context"
	"fmt"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// API limits of the mutating batch calls.
const (
	startTaskMax         = 10 // StartTask container instances per call
	updateInstanceStates = 10 // UpdateContainerInstancesState per call
)

// The mutators do not check ReadOnly themselves: the guard middleware on every
// SDK client refuses them before a request exists, which also covers any
// mutating call added later.

// RegisterTaskDefinition registers a new revision and caches it.
func (c *Client) RegisterTaskDefinition(ctx context.Context, td model.TaskDefinition) (model.TaskDefinition, error) {
	in, err := registerInput(td)
	if err != nil {
		return model.TaskDefinition{}, err
	}
	out, err := c.ecs.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return model.TaskDefinition{}, wrapErr(err)
	}
	if out.TaskDefinition == nil {
		return model.TaskDefinition{}, &Error{Service: "ecs", Op: "RegisterTaskDefinition", Message: "empty response"}
	}
	res := fromTaskDefinition(*out.TaskDefinition)
	c.cacheTaskDefinition(res)
	return res, nil
}

// UpdateService changes a service; nil fields are left as they are.
func (c *Client) UpdateService(ctx context.Context, in model.ServiceUpdate) (model.Service, error) {
	req := &ecs.UpdateServiceInput{
		Cluster:            optStr(in.Cluster),
		Service:            sdkaws.String(in.Service),
		TaskDefinition:     optStr(in.TaskDefinition),
		ForceNewDeployment: in.ForceNewDeployment,
	}
	conv := int32s{service: "ecs", op: "UpdateService"}
	req.EnableExecuteCommand = in.EnableExecuteCommand
	if in.DesiredCount != nil {
		req.DesiredCount = conv.ptr("desiredCount", *in.DesiredCount)
	}
	if in.MinimumHealthyPercent != nil || in.MaximumPercent != nil || in.CircuitBreaker != nil {
		dc := &ecstypes.DeploymentConfiguration{}
		if in.MinimumHealthyPercent != nil {
			dc.MinimumHealthyPercent = conv.ptr("minimumHealthyPercent", *in.MinimumHealthyPercent)
		}
		if in.MaximumPercent != nil {
			dc.MaximumPercent = conv.ptr("maximumPercent", *in.MaximumPercent)
		}
		if cb := in.CircuitBreaker; cb != nil {
			dc.DeploymentCircuitBreaker = &ecstypes.DeploymentCircuitBreaker{Enable: cb.Enable, Rollback: cb.Rollback}
		}
		req.DeploymentConfiguration = dc
	}
	if n := in.Network; n != nil {
		pub := ecstypes.AssignPublicIpDisabled
		if n.AssignPublicIP {
			pub = ecstypes.AssignPublicIpEnabled
		}
		req.NetworkConfiguration = &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: n.Subnets, SecurityGroups: n.SecurityGroups, AssignPublicIp: pub}}
	}
	if conv.err != nil {
		return model.Service{}, conv.err
	}
	out, err := c.ecs.UpdateService(ctx, req)
	if err != nil {
		return model.Service{}, wrapErr(err)
	}
	if out.Service == nil {
		return model.Service{}, &Error{Service: "ecs", Op: "UpdateService", Message: "empty response"}
	}
	return fromService(*out.Service), nil
}

// StartTask starts a task definition on chosen container instances, 10 per call.
func (c *Client) StartTask(ctx context.Context, in model.StartTaskInput) ([]model.Task, []model.Failure, error) {
	if len(in.ContainerInstances) == 0 {
		return nil, nil, &Error{Kind: KindValidation, Service: "ecs", Op: "StartTask", Message: "no container instances given"}
	}
	return describeAll(ctx, c, in.ContainerInstances, startTaskMax, func(ctx context.Context, ids []string) ([]model.Task, []model.Failure, error) {
		out, err := c.ecs.StartTask(ctx, &ecs.StartTaskInput{
			Cluster:            optStr(in.Cluster),
			TaskDefinition:     sdkaws.String(in.TaskDefinition),
			ContainerInstances: ids,
			StartedBy:          optStr(in.StartedBy),
			Group:              optStr(in.Group),
		})
		if err != nil {
			return nil, nil, err
		}
		return tasksOf(out.Tasks), ecsFailures(out.Failures), nil
	})
}

// RunTask lets the scheduler place Count copies.
func (c *Client) RunTask(ctx context.Context, in model.RunTaskInput) ([]model.Task, []model.Failure, error) {
	if in.Count < 1 {
		return nil, nil, &Error{Kind: KindValidation, Service: "ecs", Op: "RunTask", Message: fmt.Sprintf("count %d: at least one task must be asked for", in.Count)}
	}
	conv := int32s{service: "ecs", op: "RunTask"}
	req := &ecs.RunTaskInput{
		Cluster:        optStr(in.Cluster),
		TaskDefinition: sdkaws.String(in.TaskDefinition),
		Count:          conv.ptr("count", in.Count),
		StartedBy:      optStr(in.StartedBy),
		Group:          optStr(in.Group),
		LaunchType:     ecstypes.LaunchTypeEc2,
	}
	req.EnableExecuteCommand = in.EnableExecuteCommand
	for _, p := range in.PlacementStrategy {
		req.PlacementStrategy = append(req.PlacementStrategy, ecstypes.PlacementStrategy{Type: ecstypes.PlacementStrategyType(p.Type), Field: optStr(p.Field)})
	}
	for _, p := range in.PlacementConstraints {
		req.PlacementConstraints = append(req.PlacementConstraints, ecstypes.PlacementConstraint{Type: ecstypes.PlacementConstraintType(p.Type), Expression: optStr(p.Expression)})
	}
	if conv.err != nil {
		return nil, nil, conv.err
	}
	out, err := c.ecs.RunTask(ctx, req)
	if err != nil {
		return nil, nil, wrapErr(err)
	}
	return tasksOf(out.Tasks), ecsFailures(out.Failures), nil
}

func tasksOf(ts []ecstypes.Task) []model.Task {
	out := make([]model.Task, 0, len(ts))
	for _, t := range ts {
		out = append(out, fromTask(t))
	}
	return out
}

// StopTask stops one task.
func (c *Client) StopTask(ctx context.Context, cluster, task, reason string) (model.Task, error) {
	out, err := c.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: optStr(cluster), Task: sdkaws.String(task), Reason: optStr(reason)})
	if err != nil {
		return model.Task{}, wrapErr(err)
	}
	if out.Task == nil {
		return model.Task{}, &Error{Service: "ecs", Op: "StopTask", Message: "empty response"}
	}
	return fromTask(*out.Task), nil
}

// UpdateContainerInstancesState sets ACTIVE or DRAINING, 10 instances per call.
func (c *Client) UpdateContainerInstancesState(ctx context.Context, cluster string, ids []string, status string) ([]model.ContainerInstance, []model.Failure, error) {
	return describeAll(ctx, c, ids, updateInstanceStates, func(ctx context.Context, batch []string) ([]model.ContainerInstance, []model.Failure, error) {
		out, err := c.ecs.UpdateContainerInstancesState(ctx, &ecs.UpdateContainerInstancesStateInput{
			Cluster: optStr(cluster), ContainerInstances: batch, Status: ecstypes.ContainerInstanceStatus(status),
		})
		if err != nil {
			return nil, nil, err
		}
		res := make([]model.ContainerInstance, 0, len(out.ContainerInstances))
		for _, ci := range out.ContainerInstances {
			res = append(res, fromContainerInstance(ci))
		}
		return res, ecsFailures(out.Failures), nil
	})
}

// TerminateInstanceInAutoScalingGroup terminates an instance through its ASG.
func (c *Client) TerminateInstanceInAutoScalingGroup(ctx context.Context, instanceID string, decrementDesired bool) (model.ScalingActivity, error) {
	out, err := c.asg.TerminateInstanceInAutoScalingGroup(ctx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{
		InstanceId: sdkaws.String(instanceID), ShouldDecrementDesiredCapacity: sdkaws.Bool(decrementDesired),
	})
	if err != nil {
		return model.ScalingActivity{}, wrapErr(err)
	}
	if out.Activity == nil {
		return model.ScalingActivity{}, nil
	}
	a := out.Activity
	return model.ScalingActivity{
		ActivityID:           str(a.ActivityId),
		AutoScalingGroupName: str(a.AutoScalingGroupName),
		Description:          str(a.Description),
		Cause:                str(a.Cause),
		StatusCode:           string(a.StatusCode),
		StartTime:            tm(a.StartTime),
	}, nil
}
