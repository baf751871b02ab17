// Package opstest lets tests of ops, its CLI and its pages drive a simulated
// world in process: an ops.API over a simapi.Backend, and a Wait that
// advances the world's clock instead of sleeping.
package opstest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// API returns an ops.API over the backend, behaving the way the adapter
// does: list then describe, instances enriched with their Auto Scaling group.
// (It returns the concrete type so package ops's own tests can use it
// without an import cycle.)
func API(b simapi.Backend) WorldAPI { return WorldAPI{b: b} }

// Clock is what Wait needs of a world.
type Clock interface {
	Advance(d time.Duration)
	Now() time.Time
}

// Wait advances the world by d instead of sleeping.
func Wait(w Clock) func(ctx context.Context, d time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		w.Advance(d)
		return nil
	}
}

// WorldAPI implements ops.API over a simapi.Backend.
type WorldAPI struct{ b simapi.Backend }

func (a WorldAPI) DescribeServices(_ context.Context, cluster string, names []string) ([]model.Service, []model.Failure, error) {
	return a.b.DescribeServices(cluster, names)
}

func (a WorldAPI) TaskDefinition(_ context.Context, id string) (model.TaskDefinition, error) {
	return a.b.DescribeTaskDefinition(id)
}

func (a WorldAPI) enrich(cis []model.ContainerInstance) []model.ContainerInstance {
	var ids []string
	for _, ci := range cis {
		ids = append(ids, ci.EC2InstanceID)
	}
	groups := map[string]model.ASGInstance{}
	for _, in := range a.b.DescribeAutoScalingInstances(ids) {
		groups[in.InstanceID] = in
	}
	for i := range cis {
		if g, ok := groups[cis[i].EC2InstanceID]; ok {
			cis[i].AutoScalingGroup = g.AutoScalingGroupName
			cis[i].ASG = &g
		}
	}
	return cis
}

func (a WorldAPI) ContainerInstances(_ context.Context, cluster, status string) ([]model.ContainerInstance, []model.Failure, error) {
	arns, err := a.b.ListContainerInstances(cluster, status)
	if err != nil || len(arns) == 0 {
		return nil, nil, err
	}
	cis, f, err := a.b.DescribeContainerInstances(cluster, arns)
	return a.enrich(cis), f, err
}

func (a WorldAPI) DescribeContainerInstances(_ context.Context, cluster string, ids []string) ([]model.ContainerInstance, []model.Failure, error) {
	cis, f, err := a.b.DescribeContainerInstances(cluster, ids)
	return a.enrich(cis), f, err
}

func (a WorldAPI) Tasks(_ context.Context, cluster string, f model.TaskFilter, _ func([]model.Task)) ([]model.Task, []model.Failure, error) {
	arns, err := a.b.ListTasks(cluster, f)
	if err != nil || len(arns) == 0 {
		return nil, nil, err
	}
	return a.b.DescribeTasks(cluster, arns)
}

func (a WorldAPI) DescribeTasks(_ context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error) {
	return a.b.DescribeTasks(cluster, ids)
}

func (a WorldAPI) RegisterTaskDefinition(_ context.Context, td model.TaskDefinition) (model.TaskDefinition, error) {
	return a.b.RegisterTaskDefinition(td)
}

// RegisterTaskDefinitionWithImages copies base as the world holds it (every
// field and tag) with new images, refusing an unknown container as the
// adapter does.
func (a WorldAPI) RegisterTaskDefinitionWithImages(_ context.Context, base string, images map[string]string) (model.TaskDefinition, error) {
	td, err := a.b.DescribeTaskDefinition(base)
	if err != nil {
		return model.TaskDefinition{}, err
	}
	for _, name := range slices.Sorted(maps.Keys(images)) {
		if _, ok := td.Container(name); !ok {
			return model.TaskDefinition{}, &aws.Error{Kind: aws.KindValidation, Service: "ecs", Op: "RegisterTaskDefinition",
				Message: fmt.Sprintf("task definition %s has no container %q", base, name)}
		}
	}
	return simapi.CopyTaskDefinition(a.b, base, images)
}

func (a WorldAPI) UpdateService(_ context.Context, in model.ServiceUpdate) (model.Service, error) {
	return a.b.UpdateService(in)
}

func (a WorldAPI) StartTask(_ context.Context, in model.StartTaskInput) ([]model.Task, []model.Failure, error) {
	return a.b.StartTask(in)
}

func (a WorldAPI) StopTask(_ context.Context, cluster, task, reason string) (model.Task, error) {
	return a.b.StopTask(cluster, task, reason)
}

func (a WorldAPI) UpdateContainerInstancesState(_ context.Context, cluster string, ids []string, status string) ([]model.ContainerInstance, []model.Failure, error) {
	return a.b.UpdateContainerInstancesState(cluster, ids, status)
}

func (a WorldAPI) TerminateInstanceInAutoScalingGroup(_ context.Context, id string, dec bool) (model.ScalingActivity, error) {
	return a.b.TerminateInstanceInAutoScalingGroup(id, dec)
}

// Services lists and describes every service of a cluster (10 per describe).
func (a WorldAPI) Services(_ context.Context, cluster string, onBatch func([]model.Service)) ([]model.Service, []model.Failure, error) {
	names, err := a.b.ListServices(cluster)
	if err != nil {
		return nil, nil, err
	}
	var out []model.Service
	var fails []model.Failure
	for i := 0; i < len(names); i += 10 {
		svcs, f, err := a.b.DescribeServices(cluster, names[i:min(len(names), i+10)])
		if err != nil {
			return out, fails, err
		}
		if onBatch != nil {
			onBatch(svcs)
		}
		out, fails = append(out, svcs...), append(fails, f...)
	}
	return out, fails, nil
}

// TaskDefinitionRevisions lists a family's revision ARNs, newest first.
func (a WorldAPI) TaskDefinitionRevisions(_ context.Context, family string) ([]string, error) {
	arns := a.b.ListTaskDefinitions(family, "ACTIVE")
	out := make([]string, 0, len(arns))
	for i := len(arns) - 1; i >= 0; i-- {
		if model.ResourceID(arns[i]) != "" && familyOf(arns[i]) == family {
			out = append(out, arns[i])
		}
	}
	return out, nil
}

func familyOf(arn string) string {
	id := model.ResourceID(arn)
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == ':' {
			return id[:i]
		}
	}
	return id
}

func (a WorldAPI) AutoScalingGroups(_ context.Context, names []string) ([]model.AutoScalingGroup, error) {
	return a.b.DescribeAutoScalingGroups(names), nil
}

func (a WorldAPI) CapacityProviders(_ context.Context, names []string) ([]model.CapacityProvider, []model.Failure, error) {
	if len(names) == 0 {
		return nil, nil, nil
	}
	cps, f := a.b.DescribeCapacityProviders(names)
	return cps, f, nil
}

func (a WorldAPI) DescribeClusters(_ context.Context, names []string) ([]model.Cluster, []model.Failure, error) {
	cs, f := a.b.DescribeClusters(names)
	return cs, f, nil
}

func (a WorldAPI) LifecycleHooks(_ context.Context, group string) ([]model.LifecycleHook, error) {
	return a.b.DescribeLifecycleHooks(group, nil)
}

func (a WorldAPI) InstanceRefreshes(_ context.Context, group string, limit int) ([]model.InstanceRefresh, error) {
	rs, err := a.b.DescribeInstanceRefreshes(group, nil)
	return rs[:min(len(rs), max(limit, 1))], err
}

func (a WorldAPI) SetInstanceProtection(_ context.Context, group string, ids []string, protected bool) error {
	return a.b.SetInstanceProtection(group, ids, protected)
}

func (a WorldAPI) CompleteLifecycleAction(_ context.Context, group, hook, id, result string) error {
	return a.b.CompleteLifecycleAction(group, hook, id, result)
}

func (a WorldAPI) StartInstanceRefresh(_ context.Context, in model.RefreshInput) (string, error) {
	return a.b.StartInstanceRefresh(in)
}

func (a WorldAPI) CancelInstanceRefresh(_ context.Context, group string) (string, error) {
	return a.b.CancelInstanceRefresh(group)
}

func (a WorldAPI) RollbackInstanceRefresh(_ context.Context, group string) (string, error) {
	return a.b.RollbackInstanceRefresh(group)
}

// ServiceScaling reads a service's Application Auto Scaling state as the
// adapter does: the target, then (when there is one) its policies,
// scheduled actions and latest activities.
func (a WorldAPI) ServiceScaling(_ context.Context, cluster, service string, activities int) (model.ServiceScaling, error) {
	var out model.ServiceScaling
	rid := model.ECSServiceResourceID(cluster, service)
	ts, err := a.b.DescribeScalableTargets([]string{rid})
	if err != nil || len(ts) == 0 {
		return out, err
	}
	out.Target = &ts[0]
	if out.Policies, err = a.b.DescribeScalingPolicies(rid, nil); err != nil {
		return out, err
	}
	if out.Scheduled, err = a.b.DescribeScheduledActions(rid, nil); err != nil {
		return out, err
	}
	if activities > 0 {
		acts, err := a.b.DescribeScalingActivities(rid)
		if err != nil {
			return out, err
		}
		out.Activities = acts[:min(activities, len(acts))]
	}
	return out, nil
}

// RegisterScalableTarget changes a service's scalable target.
func (a WorldAPI) RegisterScalableTarget(_ context.Context, in model.ScalableTargetUpdate) error {
	_, err := a.b.RegisterScalableTarget(in)
	return err
}
