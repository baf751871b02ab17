package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ecstui/ecstui/model"
)

// t0 is the tests' fixed "now".
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// fakeBackend answers from fixture model values; err, when set for a method
// name, is returned instead.
type fakeBackend struct {
	mu        sync.Mutex
	clusters  []model.Cluster
	services  map[string][]model.Service
	tasks     map[string][]model.Task
	instances map[string][]model.ContainerInstance
	tds       map[string]model.TaskDefinition
	tgs       []model.TargetGroup
	health    map[string][]model.TargetHealth
	errs      map[string]error
	calls     map[string]int
	// gate, when set, makes Services stream its first service to onBatch and
	// wait for gate to close before answering.
	gate chan struct{}
	// block makes Clusters wait for its context to end.
	block bool
}

func (f *fakeBackend) call(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[name]++
	return f.errs[name]
}

func (f *fakeBackend) setErr(name string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.errs == nil {
		f.errs = map[string]error{}
	}
	f.errs[name] = err
}

func (f *fakeBackend) Clusters(ctx context.Context) ([]model.Cluster, []model.Failure, error) {
	if err := f.call("Clusters"); err != nil {
		return nil, nil, err
	}
	if f.block {
		<-ctx.Done()
		return nil, nil, ctx.Err()
	}
	return f.clusters, nil, nil
}

func (f *fakeBackend) Services(_ context.Context, c string, onBatch func([]model.Service)) ([]model.Service, []model.Failure, error) {
	if err := f.call("Services"); err != nil {
		return nil, nil, err
	}
	if f.gate != nil && onBatch != nil && len(f.services[c]) > 0 {
		onBatch(f.services[c][:1])
		<-f.gate
	}
	return f.services[c], nil, nil
}

func (f *fakeBackend) DescribeServices(_ context.Context, c string, names []string) ([]model.Service, []model.Failure, error) {
	if err := f.call("DescribeServices"); err != nil {
		return nil, nil, err
	}
	var out []model.Service
	var fails []model.Failure
	for _, n := range names {
		found := false
		for _, s := range f.services[c] {
			if s.Name == n || s.ARN == n {
				out = append(out, s)
				found = true
			}
		}
		if !found {
			fails = append(fails, model.Failure{ARN: n, Reason: "MISSING"})
		}
	}
	return out, fails, nil
}

func (f *fakeBackend) Tasks(_ context.Context, c string, flt model.TaskFilter, _ func([]model.Task)) ([]model.Task, []model.Failure, error) {
	if err := f.call("Tasks"); err != nil {
		return nil, nil, err
	}
	var out []model.Task
	for _, t := range f.tasks[c] {
		if (flt.DesiredStatus == model.StatusStopped) != (t.DesiredStatus == model.StatusStopped) {
			continue
		}
		if flt.ServiceName != "" && t.ServiceName() != flt.ServiceName {
			continue
		}
		if flt.ContainerInstance != "" && t.ContainerInstanceARN != flt.ContainerInstance &&
			model.ResourceID(t.ContainerInstanceARN) != flt.ContainerInstance {
			continue
		}
		out = append(out, t)
	}
	return out, nil, nil
}

func (f *fakeBackend) DescribeTasks(_ context.Context, c string, ids []string) ([]model.Task, []model.Failure, error) {
	if err := f.call("DescribeTasks"); err != nil {
		return nil, nil, err
	}
	var out []model.Task
	for _, id := range ids {
		for _, t := range f.tasks[c] {
			if t.ARN == id || t.ID == id {
				out = append(out, t)
			}
		}
	}
	return out, nil, nil
}

func (f *fakeBackend) ContainerInstances(_ context.Context, c, _ string) ([]model.ContainerInstance, []model.Failure, error) {
	if err := f.call("ContainerInstances"); err != nil {
		return nil, nil, err
	}
	return f.instances[c], nil, nil
}

func (f *fakeBackend) DescribeContainerInstances(_ context.Context, c string, ids []string) ([]model.ContainerInstance, []model.Failure, error) {
	if err := f.call("DescribeContainerInstances"); err != nil {
		return nil, nil, err
	}
	var out []model.ContainerInstance
	for _, id := range ids {
		for _, ci := range f.instances[c] {
			if ci.ARN == id || ci.ID == id {
				out = append(out, ci)
			}
		}
	}
	return out, nil, nil
}

func (f *fakeBackend) TaskDefinition(_ context.Context, id string) (model.TaskDefinition, error) {
	if err := f.call("TaskDefinition"); err != nil {
		return model.TaskDefinition{}, err
	}
	for arn, td := range f.tds {
		if arn == id || td.FamilyRevision() == id {
			return td, nil
		}
	}
	return model.TaskDefinition{}, fmt.Errorf("task definition %s not found", id)
}

func (f *fakeBackend) TaskDefinitionFamilies(context.Context) ([]string, error) {
	if err := f.call("TaskDefinitionFamilies"); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, td := range f.tds {
		if !seen[td.Family] {
			seen[td.Family] = true
			out = append(out, td.Family)
		}
	}
	return out, nil
}

func (f *fakeBackend) TaskDefinitionRevisions(_ context.Context, family string) ([]string, error) {
	if err := f.call("TaskDefinitionRevisions"); err != nil {
		return nil, err
	}
	var out []string
	for rev := 20; rev > 0; rev-- {
		for arn, td := range f.tds {
			if td.Family == family && td.Revision == rev {
				out = append(out, arn)
			}
		}
	}
	return out, nil
}

func (f *fakeBackend) TargetGroups(_ context.Context, arns []string) ([]model.TargetGroup, error) {
	if err := f.call("TargetGroups"); err != nil {
		return nil, err
	}
	var out []model.TargetGroup
	for _, a := range arns {
		for _, tg := range f.tgs {
			if tg.ARN == a {
				out = append(out, tg)
			}
		}
	}
	return out, nil
}

func (f *fakeBackend) TargetHealth(_ context.Context, arn string) ([]model.TargetHealth, error) {
	if err := f.call("TargetHealth"); err != nil {
		return nil, err
	}
	return f.health[arn], nil
}

const (
	acct      = "arn:aws:ecs:us-east-1:123456789012:"
	fxTGAuth  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/auth-tg/1a2b3c"
	fxTGWeb   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/4d5e6f"
	fxTDAuth1 = acct + "task-definition/auth:1"
	fxTDAuth2 = acct + "task-definition/auth:2"
	fxTDWeb1  = acct + "task-definition/web:1"
	fxTDWeb2  = acct + "task-definition/web:2"
)

func ciARN(id string) string   { return acct + "container-instance/prod/" + id }
func taskARN(id string) string { return acct + "task/prod/" + id }

// fixtureBackend is a small "prod" cluster: auth (dynamic ports behind a
// target group, a stale target), web (static port 80, a rollout stuck on
// the port), three instances (one DRAINING).
func fixtureBackend() *fakeBackend {
	inst := func(id, ec2, az, status string, ports []int, run int, connected bool) model.ContainerInstance {
		return model.ContainerInstance{
			ARN: ciARN(id), ID: id, EC2InstanceID: ec2, Status: status, AgentConnected: connected,
			AgentVersion: "1.89.2", AvailabilityZone: az, InstanceType: "m5.large", AMIID: "ami-0f8e7d6c5b4a39281",
			PrivateIP: "10.0.1." + id[len(id)-1:], AutoScalingGroup: "prod-asg",
			Registered:        model.Resources{CPU: 2048, Memory: 7680, Ports: []int{22, 2375, 2376, 51678, 51679}},
			Remaining:         model.Resources{CPU: 1536, Memory: 6144, Ports: ports},
			RunningTasksCount: run,
		}
	}
	reserved := []int{22, 2375, 2376, 51678, 51679}
	with := func(extra ...int) []int { return append(append([]int{}, reserved...), extra...) }
	task := func(id, svc, td, ci, az string, started time.Duration, c ...model.Container) model.Task {
		return model.Task{ARN: taskARN(id), ID: id, Group: "service:" + svc, TaskDefinitionARN: td,
			ContainerInstanceARN: ciARN(ci), LastStatus: "RUNNING", DesiredStatus: "RUNNING", HealthStatus: "HEALTHY",
			AvailabilityZone: az, StartedAt: t0.Add(-started), CreatedAt: t0.Add(-started - time.Minute),
			LaunchType: "EC2", Containers: c}
	}
	ctr := func(name, image string, cport, hport int) model.Container {
		return model.Container{ARN: acct + "container/" + name, Name: name, Image: image, LastStatus: "RUNNING", HealthStatus: "HEALTHY",
			NetworkBindings: []model.NetworkBinding{{BindIP: "0.0.0.0", ContainerPort: cport, HostPort: hport, Protocol: "tcp"}}}
	}
	logs := func(group string) *model.LogConfiguration {
		return &model.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}}
	}
	authTD := func(arn string, rev int, image string) model.TaskDefinition {
		return model.TaskDefinition{ARN: arn, Family: "auth", Revision: rev, Status: "ACTIVE", NetworkMode: "bridge",
			RegisteredAt: t0.Add(-time.Duration(3-rev) * 24 * time.Hour),
			Containers: []model.ContainerDefinition{{Name: "auth", Image: image, CPU: 256, Memory: 512, Essential: true,
				PortMappings: []model.PortMapping{{ContainerPort: 8080, Protocol: "tcp"}}, LogConfiguration: logs("/ecs/auth"),
				Environment: []model.KeyValue{{Name: "LOG_LEVEL", Value: "info"}}}}}
	}
	webTD := func(arn string, rev int, image string) model.TaskDefinition {
		return model.TaskDefinition{ARN: arn, Family: "web", Revision: rev, Status: "ACTIVE", NetworkMode: "bridge",
			Containers: []model.ContainerDefinition{{Name: "web", Image: image, CPU: 256, Memory: 256, Essential: true,
				PortMappings: []model.PortMapping{{ContainerPort: 80, HostPort: 80, Protocol: "tcp"}}, LogConfiguration: logs("/ecs/web")}}}
	}

	exit1 := 1
	stopped := task("9f0e1d2c3b4a59687766554433221100", "auth", fxTDAuth1, "c2", "us-east-1b", 3*time.Hour)
	stopped.LastStatus, stopped.DesiredStatus, stopped.HealthStatus = "STOPPED", "STOPPED", "UNKNOWN"
	stopped.StoppedAt, stopped.StopCode = t0.Add(-20*time.Minute), "EssentialContainerExited"
	stopped.StoppedReason = "Essential container in task exited\x1b[2J"
	stopped.Containers = []model.Container{{Name: "auth", Image: "registry/auth:1.4.0", LastStatus: "STOPPED", ExitCode: &exit1,
		Reason: "OutOfMemoryError: Container killed due to memory usage"}}

	return &fakeBackend{
		clusters: []model.Cluster{
			{ARN: acct + "cluster/prod", Name: "prod", Status: "ACTIVE", ActiveServicesCount: 2, RunningTasksCount: 4, PendingTasksCount: 0, RegisteredContainerInstancesCount: 3},
			{ARN: acct + "cluster/staging", Name: "staging", Status: "ACTIVE", ActiveServicesCount: 1, RunningTasksCount: 0, PendingTasksCount: 1, RegisteredContainerInstancesCount: 0},
		},
		services: map[string][]model.Service{"prod": {
			{ARN: acct + "service/prod/auth", Name: "auth", Status: "ACTIVE", DesiredCount: 2, RunningCount: 2,
				LaunchType: "EC2", SchedulingStrategy: "REPLICA", TaskDefinitionARN: fxTDAuth2, CreatedAt: t0.Add(-30 * 24 * time.Hour),
				DeploymentConfiguration: model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200,
					CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}},
				Deployments: []model.Deployment{{ID: "ecs-svc/1111111111111111111", Status: "PRIMARY", TaskDefinitionARN: fxTDAuth2,
					DesiredCount: 2, RunningCount: 2, RolloutState: "COMPLETED", RolloutStateReason: "ECS deployment ecs-svc/1111111111111111111 completed.",
					CreatedAt: t0.Add(-2 * time.Hour), UpdatedAt: t0.Add(-110 * time.Minute)}},
				LoadBalancers:     []model.LoadBalancer{{TargetGroupARN: fxTGAuth, ContainerName: "auth", ContainerPort: 8080}},
				PlacementStrategy: []model.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}},
				Events: []model.ServiceEvent{
					{ID: "e3", CreatedAt: t0.Add(-5 * time.Minute), Message: "(service auth) has reached a steady state."},
					{ID: "e2", CreatedAt: t0.Add(-90 * time.Minute), Message: "(service auth) deregistered 1 targets\x1b]52;c;ZXZpbA==\x07 in (target-group auth-tg)"},
					{ID: "e1", CreatedAt: t0.Add(-2 * time.Hour), Message: "(service auth) has started 2 tasks: (task 3f2a…) (task 7c1d…)."},
				}},
			{ARN: acct + "service/prod/web", Name: "web", Status: "ACTIVE", DesiredCount: 2, RunningCount: 2, PendingCount: 0,
				LaunchType: "EC2", SchedulingStrategy: "REPLICA", TaskDefinitionARN: fxTDWeb2, CreatedAt: t0.Add(-10 * 24 * time.Hour),
				DeploymentConfiguration: model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200},
				Deployments: []model.Deployment{
					{ID: "ecs-svc/2222222222222222222", Status: "PRIMARY", TaskDefinitionARN: fxTDWeb2, DesiredCount: 2,
						RolloutState: "IN_PROGRESS", RolloutStateReason: "ECS deployment ecs-svc/2222222222222222222 in progress.",
						CreatedAt: t0.Add(-12 * time.Minute), UpdatedAt: t0.Add(-12 * time.Minute)},
					{ID: "ecs-svc/3333333333333333333", Status: "ACTIVE", TaskDefinitionARN: fxTDWeb1, DesiredCount: 2, RunningCount: 2,
						RolloutState: "COMPLETED", CreatedAt: t0.Add(-5 * 24 * time.Hour), UpdatedAt: t0.Add(-12 * time.Minute)},
				},
				LoadBalancers: []model.LoadBalancer{{TargetGroupARN: fxTGWeb, ContainerName: "web", ContainerPort: 80}},
				Events: []model.ServiceEvent{
					{ID: "w1", CreatedAt: t0.Add(-1 * time.Minute), Message: "(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance c1) is already using a port required by your task."},
				}},
		}},
		tasks: map[string][]model.Task{"prod": {
			task("3f2a9c0d1e2f4a5b8c7d6e5f4a3b2c1d", "auth", fxTDAuth2, "c1", "us-east-1a", 2*time.Hour, ctr("auth", "registry/auth:1.5.0", 8080, 32768)),
			task("7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", "auth", fxTDAuth2, "c2", "us-east-1b", 2*time.Hour, ctr("auth", "registry/auth:1.5.0", 8080, 33012)),
			task("a1b2c3d4e5f60718293a4b5c6d7e8f90", "web", fxTDWeb1, "c1", "us-east-1a", 5*24*time.Hour, ctr("web", "nginx:1.25", 80, 80)),
			task("b2c3d4e5f60718293a4b5c6d7e8f90a1", "web", fxTDWeb1, "c2", "us-east-1b", 5*24*time.Hour, ctr("web", "nginx:1.25", 80, 80)),
			stopped,
		}},
		instances: map[string][]model.ContainerInstance{"prod": {
			inst("c1", "i-0aaa1111", "us-east-1a", "ACTIVE", with(80, 32768), 2, true),
			inst("c2", "i-0bbb2222", "us-east-1b", "ACTIVE", with(80, 33012), 2, true),
			inst("c3", "i-0ccc3333", "us-east-1c", "DRAINING", with(), 0, false),
		}},
		tds: map[string]model.TaskDefinition{
			fxTDAuth1: authTD(fxTDAuth1, 1, "registry/auth:1.4.0"),
			fxTDAuth2: authTD(fxTDAuth2, 2, "registry/auth:1.5.0"),
			fxTDWeb1:  webTD(fxTDWeb1, 1, "nginx:1.25"),
			fxTDWeb2:  webTD(fxTDWeb2, 2, "nginx:1.27"),
		},
		tgs: []model.TargetGroup{
			{ARN: fxTGAuth, Name: "auth-tg", Port: 8080, Protocol: "HTTP", TargetType: "instance"},
			{ARN: fxTGWeb, Name: "web-tg", Port: 80, Protocol: "HTTP", TargetType: "instance"},
		},
		health: map[string][]model.TargetHealth{
			fxTGAuth: {
				{TargetGroupARN: fxTGAuth, TargetID: "i-0aaa1111", Port: 32768, State: "healthy"},
				{TargetGroupARN: fxTGAuth, TargetID: "i-0bbb2222", Port: 33012, State: "healthy"},
				{TargetGroupARN: fxTGAuth, TargetID: "i-0ccc3333", Port: 32771, State: "unhealthy", Reason: "Target.FailedHealthChecks"},
			},
			fxTGWeb: {
				{TargetGroupARN: fxTGWeb, TargetID: "i-0aaa1111", Port: 80, State: "healthy"},
				{TargetGroupARN: fxTGWeb, TargetID: "i-0bbb2222", Port: 80, State: "healthy"},
			},
		},
	}
}

// page returns ids[token:] in pages of 100, the token being the offset.
func fakePage(ids []string, token string) ([]string, string) {
	from := 0
	if token != "" {
		fmt.Sscanf(token, "%d", &from)
	}
	to := min(from+100, len(ids))
	next := ""
	if to < len(ids) {
		next = fmt.Sprint(to)
	}
	return ids[from:to], next
}

func (f *fakeBackend) ListServicesPage(_ context.Context, c, token string) ([]string, string, error) {
	if err := f.call("ListServicesPage"); err != nil {
		return nil, "", err
	}
	var ids []string
	for _, s := range f.services[c] {
		ids = append(ids, s.ARN)
	}
	out, next := fakePage(ids, token)
	return out, next, nil
}

func (f *fakeBackend) ListContainerInstancesPage(_ context.Context, c, _, token string) ([]string, string, error) {
	if err := f.call("ListContainerInstancesPage"); err != nil {
		return nil, "", err
	}
	var ids []string
	for _, ci := range f.instances[c] {
		ids = append(ids, ci.ARN)
	}
	out, next := fakePage(ids, token)
	return out, next, nil
}

func (f *fakeBackend) ListTasksPage(ctx context.Context, c string, flt model.TaskFilter, token string) ([]string, string, error) {
	ts, _, err := f.Tasks(ctx, c, flt, nil)
	if err != nil {
		return nil, "", err
	}
	var ids []string
	for _, t := range ts {
		ids = append(ids, t.ARN)
	}
	out, next := fakePage(ids, token)
	return out, next, nil
}
