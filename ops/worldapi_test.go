package ops

import (
	"context"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// worldAPI drives a simulated world in process, in model types, the way the
// adapter would: list then describe, instances enriched with their ASG.
type worldAPI struct{ b simapi.Backend }

func (a worldAPI) DescribeServices(_ context.Context, cluster string, names []string) ([]model.Service, []model.Failure, error) {
	return a.b.DescribeServices(cluster, names)
}

func (a worldAPI) TaskDefinition(_ context.Context, id string) (model.TaskDefinition, error) {
	return a.b.DescribeTaskDefinition(id)
}

func (a worldAPI) enrich(cis []model.ContainerInstance) []model.ContainerInstance {
	var ids []string
	for _, ci := range cis {
		ids = append(ids, ci.EC2InstanceID)
	}
	groups := map[string]string{}
	for _, in := range a.b.DescribeAutoScalingInstances(ids) {
		groups[in.InstanceID] = in.AutoScalingGroupName
	}
	for i := range cis {
		if cis[i].AutoScalingGroup == "" {
			cis[i].AutoScalingGroup = groups[cis[i].EC2InstanceID]
		}
	}
	return cis
}

func (a worldAPI) ContainerInstances(_ context.Context, cluster, status string) ([]model.ContainerInstance, []model.Failure, error) {
	arns, err := a.b.ListContainerInstances(cluster, status)
	if err != nil || len(arns) == 0 {
		return nil, nil, err
	}
	cis, f, err := a.b.DescribeContainerInstances(cluster, arns)
	return a.enrich(cis), f, err
}

func (a worldAPI) DescribeContainerInstances(_ context.Context, cluster string, ids []string) ([]model.ContainerInstance, []model.Failure, error) {
	cis, f, err := a.b.DescribeContainerInstances(cluster, ids)
	return a.enrich(cis), f, err
}

func (a worldAPI) Tasks(_ context.Context, cluster string, f model.TaskFilter, _ func([]model.Task)) ([]model.Task, []model.Failure, error) {
	arns, err := a.b.ListTasks(cluster, f)
	if err != nil || len(arns) == 0 {
		return nil, nil, err
	}
	return a.b.DescribeTasks(cluster, arns)
}

func (a worldAPI) DescribeTasks(_ context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error) {
	return a.b.DescribeTasks(cluster, ids)
}

func (a worldAPI) RegisterTaskDefinition(_ context.Context, td model.TaskDefinition) (model.TaskDefinition, error) {
	return a.b.RegisterTaskDefinition(td)
}

func (a worldAPI) UpdateService(_ context.Context, in model.ServiceUpdate) (model.Service, error) {
	return a.b.UpdateService(in)
}

func (a worldAPI) StartTask(_ context.Context, in model.StartTaskInput) ([]model.Task, []model.Failure, error) {
	return a.b.StartTask(in)
}

func (a worldAPI) StopTask(_ context.Context, cluster, task, reason string) (model.Task, error) {
	return a.b.StopTask(cluster, task, reason)
}

func (a worldAPI) UpdateContainerInstancesState(_ context.Context, cluster string, ids []string, status string) ([]model.ContainerInstance, []model.Failure, error) {
	return a.b.UpdateContainerInstancesState(cluster, ids, status)
}

func (a worldAPI) TerminateInstanceInAutoScalingGroup(_ context.Context, id string, dec bool) (model.ScalingActivity, error) {
	return a.b.TerminateInstanceInAutoScalingGroup(id, dec)
}
