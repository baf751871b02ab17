package actions

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ecstui/ecstui/model"
)

// fakeAPI is a tiny scripted ECS for page tests: a rollout completes after
// two observations, a drain empties after one, StartTask fails on instances
// listed in failPorts. Behaviour on the simulator is tested in package ops.
type fakeAPI struct {
	mu        sync.Mutex
	svc       model.Service
	tds       map[string]model.TaskDefinition
	instances []model.ContainerInstance
	tasks     []model.Task
	failPorts map[string]bool
	observed  int
	mutations []string
	scaling   model.ServiceScaling // Application Auto Scaling of svc
}

var t0 = time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)

func newFake() *fakeAPI {
	td := model.TaskDefinition{ARN: "arn:aws:ecs:us-east-1:1:task-definition/auth:3", Family: "auth", Revision: 3, NetworkMode: "bridge",
		Containers: []model.ContainerDefinition{{Name: "web", Image: "nginx:1.25", CPU: 256, Memory: 512, PortMappings: []model.PortMapping{{ContainerPort: 80}}},
			{Name: "envoy", Image: "envoy:1.30", CPU: 64, Memory: 128}}}
	ship := model.TaskDefinition{ARN: "arn:aws:ecs:us-east-1:1:task-definition/shipper:2", Family: "shipper", Revision: 2, NetworkMode: "bridge",
		Containers: []model.ContainerDefinition{{Name: "fluentd", Image: "fluentd:1", CPU: 32, Memory: 64, PortMappings: []model.PortMapping{{ContainerPort: 24224, HostPort: 24224}}}}}
	f := &fakeAPI{tds: map[string]model.TaskDefinition{td.ARN: td, "auth:3": td, "auth:2": withRev(td, 2), ship.ARN: ship, "shipper": ship}, failPorts: map[string]bool{}}
	for i := range 4 {
		f.instances = append(f.instances, model.ContainerInstance{
			ARN: fmt.Sprintf("arn:aws:ecs:us-east-1:1:container-instance/demo/ci%d", i), ID: fmt.Sprintf("ci%d", i), EC2InstanceID: fmt.Sprintf("i-0%d", i),
			Status: model.InstanceActive, AgentConnected: true, AutoScalingGroup: "demo-asg", AMIID: "ami-1", AgentVersion: "1.70.0",
			Remaining: model.Resources{CPU: 1024, Memory: 2048, Ports: []int{22}},
		})
	}
	f.svc = model.Service{Name: "auth", ARN: "arn:aws:ecs:us-east-1:1:service/demo/auth", DesiredCount: 2, RunningCount: 2, SchedulingStrategy: "REPLICA",
		TaskDefinitionARN: td.ARN, DeploymentConfiguration: model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200, CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}},
		Deployments: []model.Deployment{{ID: "ecs-svc/1", Status: model.DeploymentPrimary, TaskDefinitionARN: td.ARN, DesiredCount: 2, RunningCount: 2, RolloutState: model.RolloutCompleted}}}
	for i := range 2 {
		f.tasks = append(f.tasks, model.Task{ARN: fmt.Sprintf("arn:aws:ecs:us-east-1:1:task/demo/auth%d", i), ID: fmt.Sprintf("auth%d", i), TaskDefinitionARN: td.ARN,
			ContainerInstanceARN: f.instances[0].ARN, Group: "service:auth", LastStatus: model.StatusRunning, DesiredStatus: model.StatusRunning})
	}
	f.tasks = append(f.tasks, model.Task{ARN: "arn:aws:ecs:us-east-1:1:task/demo/ship0", ID: "ship0", TaskDefinitionARN: ship.ARN,
		ContainerInstanceARN: f.instances[1].ARN, Group: "family:shipper", LastStatus: model.StatusRunning, DesiredStatus: model.StatusRunning})
	return f
}

func withRev(td model.TaskDefinition, rev int) model.TaskDefinition {
	td.Revision = rev
	td.ARN = strings.Replace(td.ARN, ":3", fmt.Sprintf(":%d", rev), 1)
	td.Containers = append([]model.ContainerDefinition{}, td.Containers...)
	td.Containers[0].Image = "nginx:1.24"
	return td
}

func (f *fakeAPI) mutate(s string) {
	f.mutations = append(f.mutations, s)
}

func (f *fakeAPI) DescribeServices(_ context.Context, _ string, names []string) ([]model.Service, []model.Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.svc.Deployments) > 1 {
		f.observed++
		d := &f.svc.Deployments[0]
		d.RunningCount = min(d.DesiredCount, f.observed)
		if f.observed >= 3 {
			d.RolloutState = model.RolloutCompleted
			f.svc.Deployments = f.svc.Deployments[:1]
			f.svc.Events = append([]model.ServiceEvent{{ID: "e2", CreatedAt: t0.Add(time.Minute), Message: "(service auth) has reached a steady state."}}, f.svc.Events...)
		}
	}
	return []model.Service{f.svc}, nil, nil
}

func (f *fakeAPI) TaskDefinition(_ context.Context, id string) (model.TaskDefinition, error) {
	if td, ok := f.tds[id]; ok {
		return td, nil
	}
	return model.TaskDefinition{}, fmt.Errorf("task definition %s not found", id)
}

func (f *fakeAPI) ContainerInstances(context.Context, string, string) ([]model.ContainerInstance, []model.Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]model.ContainerInstance{}, f.instances...), nil, nil
}

func (f *fakeAPI) DescribeContainerInstances(_ context.Context, _ string, ids []string) ([]model.ContainerInstance, []model.Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.ContainerInstance
	for _, ci := range f.instances {
		for _, id := range ids {
			if id == ci.ARN || id == ci.ID {
				out = append(out, ci)
			}
		}
	}
	return out, nil, nil
}

func (f *fakeAPI) Tasks(_ context.Context, _ string, flt model.TaskFilter, _ func([]model.Task)) ([]model.Task, []model.Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.Task
	for _, t := range f.tasks {
		if flt.ServiceName != "" && t.ServiceName() != flt.ServiceName {
			continue
		}
		if flt.ContainerInstance != "" && t.ContainerInstanceARN != flt.ContainerInstance {
			continue
		}
		if flt.Family != "" && !strings.Contains(t.TaskDefinitionARN, "/"+flt.Family+":") {
			continue
		}
		out = append(out, t)
	}
	return out, nil, nil
}

func (f *fakeAPI) DescribeTasks(_ context.Context, _ string, ids []string) ([]model.Task, []model.Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tasks {
		if t.ID == ids[0] {
			return []model.Task{t}, nil, nil
		}
	}
	return nil, []model.Failure{{ARN: ids[0], Reason: "MISSING"}}, nil
}

func (f *fakeAPI) RegisterTaskDefinitionWithImages(_ context.Context, base string, images map[string]string) (model.TaskDefinition, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	td, ok := f.tds[base]
	if !ok {
		return model.TaskDefinition{}, fmt.Errorf("task definition %s not found", base)
	}
	f.mutate("RegisterTaskDefinition")
	td.Containers = slices.Clone(td.Containers)
	for i, c := range td.Containers {
		if img, ok := images[c.Name]; ok {
			td.Containers[i].Image = img
		}
	}
	td.Revision = 4
	td.ARN = "arn:aws:ecs:us-east-1:1:task-definition/auth:4"
	f.tds[td.ARN] = td
	return td, nil
}

func (f *fakeAPI) UpdateService(_ context.Context, in model.ServiceUpdate) (model.Service, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mutate("UpdateService")
	if in.DesiredCount != nil {
		// ECS applies a new count to the PRIMARY deployment too.
		f.svc.DesiredCount = *in.DesiredCount
		f.svc.Deployments[0].DesiredCount = *in.DesiredCount
		f.svc.Deployments[0].RunningCount = *in.DesiredCount
	}
	if in.TaskDefinition != "" || in.ForceNewDeployment {
		old := f.svc.Deployments[0]
		old.Status = model.DeploymentActive
		f.svc.Deployments = []model.Deployment{{ID: "ecs-svc/2", Status: model.DeploymentPrimary, TaskDefinitionARN: in.TaskDefinition, DesiredCount: f.svc.DesiredCount, RolloutState: model.RolloutInProgress}, old}
		f.svc.Events = append([]model.ServiceEvent{{ID: "e1", CreatedAt: t0, Message: "(service auth) has started 2 tasks: (task a) (task b)."}}, f.svc.Events...)
	}
	f.svc.RunningCount = f.svc.DesiredCount
	return f.svc, nil
}

func (f *fakeAPI) StartTask(_ context.Context, in model.StartTaskInput) ([]model.Task, []model.Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mutate("StartTask")
	var ts []model.Task
	var fails []model.Failure
	for i, ci := range in.ContainerInstances {
		if f.failPorts[ci] {
			fails = append(fails, model.Failure{ARN: ci, Reason: model.ReasonPorts})
			continue
		}
		ts = append(ts, model.Task{ID: fmt.Sprintf("new%d", i), ContainerInstanceARN: ci})
	}
	return ts, fails, nil
}

func (f *fakeAPI) RunTask(context.Context, model.RunTaskInput) ([]model.Task, []model.Failure, error) {
	return nil, nil, fmt.Errorf("unused")
}

func (f *fakeAPI) StopTask(_ context.Context, _, task, _ string) (model.Task, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mutate("StopTask")
	for i, t := range f.tasks {
		if t.ID == task {
			f.tasks[i].LastStatus = model.StatusStopped
			return f.tasks[i], nil
		}
	}
	return model.Task{}, fmt.Errorf("no task %s", task)
}

func (f *fakeAPI) UpdateContainerInstancesState(_ context.Context, _ string, ids []string, status string) ([]model.ContainerInstance, []model.Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mutate("UpdateContainerInstancesState")
	for i := range f.instances {
		for _, id := range ids {
			if id == f.instances[i].ARN {
				f.instances[i].Status = status
				// The service tasks move elsewhere at once in this fake.
				for j := range f.tasks {
					if f.tasks[j].ContainerInstanceARN == id && f.tasks[j].ServiceName() != "" {
						f.tasks[j].ContainerInstanceARN = f.instances[3].ARN
					}
				}
			}
		}
	}
	return nil, nil, nil
}

func (f *fakeAPI) ServiceScaling(context.Context, string, string, int) (model.ServiceScaling, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.scaling, nil
}

func (f *fakeAPI) RegisterScalableTarget(_ context.Context, in model.ScalableTargetUpdate) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mutate("RegisterScalableTarget " + in.Service)
	if t := f.scaling.Target; t != nil && in.MaxCapacity != nil {
		t.MaxCapacity = *in.MaxCapacity
	}
	return nil
}

func (f *fakeAPI) TerminateInstanceInAutoScalingGroup(_ context.Context, id string, _ bool) (model.ScalingActivity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mutate("TerminateInstanceInAutoScalingGroup " + id)
	for i := range f.instances {
		if f.instances[i].EC2InstanceID == id {
			f.instances[i].Status = model.InstanceInactive
		}
	}
	f.instances = append(f.instances, model.ContainerInstance{ARN: "arn:aws:ecs:us-east-1:1:container-instance/demo/ci9", ID: "ci9", EC2InstanceID: "i-09",
		Status: model.InstanceActive, AgentConnected: true, Remaining: model.Resources{CPU: 1024, Memory: 2048}})
	return model.ScalingActivity{ActivityID: "act-1"}, nil
}

// The fake's Auto Scaling side: classic groups, no capacity provider, no
// hooks, no refresh (the capacity flows are tested on the simulator).

func (f *fakeAPI) DescribeClusters(context.Context, []string) ([]model.Cluster, []model.Failure, error) {
	return nil, nil, nil
}

func (f *fakeAPI) CapacityProviders(context.Context, []string) ([]model.CapacityProvider, []model.Failure, error) {
	return nil, nil, nil
}

func (f *fakeAPI) AutoScalingGroups(context.Context, []string) ([]model.AutoScalingGroup, error) {
	return nil, nil
}

func (f *fakeAPI) LifecycleHooks(context.Context, string) ([]model.LifecycleHook, error) {
	return nil, nil
}

func (f *fakeAPI) InstanceRefreshes(context.Context, string, int) ([]model.InstanceRefresh, error) {
	return nil, nil
}

func (f *fakeAPI) SetInstanceProtection(context.Context, string, []string, bool) error { return nil }

func (f *fakeAPI) StartInstanceRefresh(context.Context, model.RefreshInput) (string, error) {
	return "", fmt.Errorf("the fake has no instance refresh")
}

func (f *fakeAPI) CancelInstanceRefresh(context.Context, string) (string, error) {
	return "", fmt.Errorf("the fake has no instance refresh")
}

func (f *fakeAPI) RollbackInstanceRefresh(context.Context, string) (string, error) {
	return "", fmt.Errorf("the fake has no instance refresh")
}
