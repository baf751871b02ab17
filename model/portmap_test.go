package model

import (
	"strings"
	"testing"
)

const (
	tgAuth    = "arn:aws:elasticloadbalancing:us-east-1:123:targetgroup/auth-tg/aaa"
	tgWeb     = "arn:aws:elasticloadbalancing:us-east-1:123:targetgroup/web-tg/bbb"
	tdAuth    = "arn:aws:ecs:us-east-1:123:task-definition/auth:2"
	tdWeb1    = "arn:aws:ecs:us-east-1:123:task-definition/web:1"
	tdWeb2    = "arn:aws:ecs:us-east-1:123:task-definition/web:2"
	ciARNBase = "arn:aws:ecs:us-east-1:123:container-instance/c/"
)

// fixture is a small cluster: auth (dynamic ports, healthy targets) and web
// (static port 80) on two ACTIVE instances and one DRAINING.
func fixture() PortMapInput {
	inst := func(id, ec2, az, status string, ports []int) ContainerInstance {
		return ContainerInstance{
			ARN: ciARNBase + id, ID: id, EC2InstanceID: ec2, Status: status, AgentConnected: true,
			AvailabilityZone: az, PrivateIP: "10.0.0." + id,
			Registered: Resources{CPU: 2048, Memory: 4096, Ports: []int{22}},
			Remaining:  Resources{CPU: 1024, Memory: 2048, Ports: ports},
		}
	}
	task := func(id, svc, td, ci string, c Container) Task {
		return Task{ARN: "arn:aws:ecs:us-east-1:123:task/c/" + id, ID: id, Group: "service:" + svc,
			TaskDefinitionARN: td, ContainerInstanceARN: ciARNBase + ci, LastStatus: StatusRunning,
			DesiredStatus: StatusRunning, Containers: []Container{c}}
	}
	bind := func(name string, cport, hport int) Container {
		return Container{Name: name, LastStatus: StatusRunning,
			NetworkBindings: []NetworkBinding{{ContainerPort: cport, HostPort: hport, Protocol: "tcp"}}}
	}
	webTD := func(arn string, rev int) TaskDefinition {
		return TaskDefinition{ARN: arn, Family: "web", Revision: rev, NetworkMode: "bridge",
			Containers: []ContainerDefinition{{Name: "web", CPU: 256, Memory: 256,
				PortMappings: []PortMapping{{ContainerPort: 80, HostPort: 80}}}}}
	}
	return PortMapInput{
		Services: []Service{
			{Name: "auth", Status: "ACTIVE", DesiredCount: 2, RunningCount: 2, TaskDefinitionARN: tdAuth,
				DeploymentConfiguration: DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200},
				Deployments:             []Deployment{{Status: DeploymentPrimary, TaskDefinitionARN: tdAuth, DesiredCount: 2, RunningCount: 2}},
				LoadBalancers:           []LoadBalancer{{TargetGroupARN: tgAuth, ContainerName: "auth", ContainerPort: 8080}}},
			{Name: "web", Status: "ACTIVE", DesiredCount: 2, RunningCount: 2, TaskDefinitionARN: tdWeb1,
				DeploymentConfiguration: DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200},
				Deployments:             []Deployment{{Status: DeploymentPrimary, TaskDefinitionARN: tdWeb1, DesiredCount: 2, RunningCount: 2}},
				LoadBalancers:           []LoadBalancer{{TargetGroupARN: tgWeb, ContainerName: "web", ContainerPort: 80}}},
		},
		Tasks: []Task{
			task("a1", "auth", tdAuth, "1", bind("auth", 8080, 32768)),
			task("a2", "auth", tdAuth, "2", bind("auth", 8080, 33001)),
			task("w1", "web", tdWeb1, "1", bind("web", 80, 80)),
		},
		TaskDefinitions: map[string]TaskDefinition{
			tdAuth: {ARN: tdAuth, Family: "auth", Revision: 2, NetworkMode: "bridge",
				Containers: []ContainerDefinition{{Name: "auth", CPU: 128, Memory: 128,
					PortMappings: []PortMapping{{ContainerPort: 8080}}}}},
			tdWeb1: webTD(tdWeb1, 1),
			tdWeb2: webTD(tdWeb2, 2),
		},
		Instances: []ContainerInstance{
			inst("1", "i-1", "us-east-1a", InstanceActive, []int{22, 80, 32768}),
			inst("2", "i-2", "us-east-1b", InstanceActive, []int{22, 33001}),
			inst("3", "i-3", "us-east-1c", InstanceDraining, []int{22}),
		},
		TargetGroups: []TargetGroup{{ARN: tgAuth, Name: "auth-tg", TargetType: "instance"}, {ARN: tgWeb, Name: "web-tg", TargetType: "instance"}},
		TargetHealth: []TargetHealth{
			{TargetGroupARN: tgAuth, TargetID: "i-1", Port: 32768, State: TargetHealthy},
			{TargetGroupARN: tgAuth, TargetID: "i-2", Port: 33001, State: TargetHealthy},
			{TargetGroupARN: tgWeb, TargetID: "i-1", Port: 80, State: TargetHealthy},
		},
	}
}

func TestBuildPortMap(t *testing.T) {
	cases := []struct {
		name    string
		mutate  func(in *PortMapInput)
		summary PortMapSummary
		issues  []string // issue kinds and a fragment of the detail
		flagged map[string]PortFlag
	}{
		{
			name:    "healthy dynamic and static",
			mutate:  func(*PortMapInput) {},
			summary: PortMapSummary{Bindings: 3, Dynamic: 2, Static: 1, Healthy: 3},
			flagged: map[string]PortFlag{"a1": 0, "a2": 0, "w1": 0},
		},
		{
			name: "stale target",
			mutate: func(in *PortMapInput) {
				in.TargetHealth = append(in.TargetHealth, TargetHealth{TargetGroupARN: tgAuth, TargetID: "i-2", Port: 40000,
					State: TargetUnhealthy, Reason: "Target.FailedHealthChecks"})
			},
			summary: PortMapSummary{Bindings: 3, Dynamic: 2, Static: 1, Healthy: 3, StaleTargets: 1},
			issues:  []string{"stale target|target i-2:40000 in auth-tg (unhealthy) has no running task"},
			flagged: map[string]PortFlag{"stale:i-2:40000": FlagStaleTarget},
		},
		{
			name: "draining target is not stale",
			mutate: func(in *PortMapInput) {
				in.TargetHealth = append(in.TargetHealth, TargetHealth{TargetGroupARN: tgAuth, TargetID: "i-3", Port: 32800,
					State: TargetDraining, Reason: "Target.DeregistrationInProgress"})
			},
			summary: PortMapSummary{Bindings: 3, Dynamic: 2, Static: 1, Healthy: 3},
			flagged: map[string]PortFlag{"stale:i-3:32800": 0},
		},
		{
			name: "running task not registered",
			mutate: func(in *PortMapInput) {
				in.TargetHealth = in.TargetHealth[1:]
			},
			summary: PortMapSummary{Bindings: 3, Dynamic: 2, Static: 1, Healthy: 2, Unregistered: 1},
			issues:  []string{"not registered|task a1 of auth (container auth, host port 32768 on i-1) is running but not registered in target group auth-tg"},
			flagged: map[string]PortFlag{"a1": FlagUnregistered},
		},
		{
			name: "static port rollout: conflict and stalled rollout",
			mutate: func(in *PortMapInput) {
				in.Tasks = append(in.Tasks, in.Tasks[2])
				in.Tasks[3].ID, in.Tasks[3].ARN, in.Tasks[3].ContainerInstanceARN = "w2", "arn:w2", ciARNBase+"2"
				in.Instances[1].Remaining.Ports = append(in.Instances[1].Remaining.Ports, 80)
				in.TargetHealth = append(in.TargetHealth, TargetHealth{TargetGroupARN: tgWeb, TargetID: "i-2", Port: 80, State: TargetHealthy})
				s := &in.Services[1]
				s.TaskDefinitionARN = tdWeb2
				s.Deployments = []Deployment{
					{Status: DeploymentPrimary, TaskDefinitionARN: tdWeb2, DesiredCount: 2, RolloutState: RolloutInProgress},
					{Status: DeploymentActive, TaskDefinitionARN: tdWeb1, DesiredCount: 2, RunningCount: 2},
				}
			},
			summary: PortMapSummary{Bindings: 4, Dynamic: 2, Static: 2, Healthy: 4, Conflicts: 1, BlockedServices: 1},
			issues: []string{
				"static port conflict|host port 80/tcp is static in web:1 (2/2 running) and web:2 (0/2 running)",
				"rollout blocked|no ACTIVE instance can place one more web task (port 80 in use on 2); minimumHealthyPercent 100 forbids stopping one first, so the rollout stalls",
			},
			flagged: map[string]PortFlag{"a1": 0, "w1": FlagStaticConflict | FlagRolloutBlocked, "w2": FlagStaticConflict | FlagRolloutBlocked},
		},
		{
			name: "no memory left blocks, min 50 can still proceed",
			mutate: func(in *PortMapInput) {
				for i := range in.Instances {
					in.Instances[i].Remaining.Memory = 64
				}
			},
			summary: PortMapSummary{Bindings: 3, Dynamic: 2, Static: 1, Healthy: 3, BlockedServices: 2},
			issues: []string{
				"rollout blocked|no ACTIVE instance can place one more auth task (memory < 128 MiB on 2); the rollout can only proceed by stopping old tasks first (minimumHealthyPercent 50)",
				"rollout blocked|one more web task (port 80 in use on 1, memory < 256 MiB on 1)",
			},
			flagged: map[string]PortFlag{"a1": FlagRolloutBlocked},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := fixture()
			c.mutate(&in)
			pm := BuildPortMap(in)
			if pm.Summary != c.summary {
				t.Errorf("summary = %+v\nwant      %+v", pm.Summary, c.summary)
			}
			if len(pm.Issues) != len(c.issues) {
				t.Errorf("%d issues, want %d: %+v", len(pm.Issues), len(c.issues), pm.Issues)
			}
			for i, want := range c.issues {
				if i >= len(pm.Issues) {
					break
				}
				kind, frag, _ := strings.Cut(want, "|")
				if got := pm.Issues[i]; got.Kind.String() != kind || !strings.Contains(got.Detail, frag) {
					t.Errorf("issue %d = %s: %q\nwant %s containing %q", i, got.Kind, got.Detail, kind, frag)
				}
			}
			for id, want := range c.flagged {
				row, ok := findRow(pm, id)
				if !ok {
					t.Errorf("row %s missing", id)
					continue
				}
				if row.Flags != want {
					t.Errorf("row %s flags = %v, want %v", id, row.Flags.Names(), want.Names())
				}
			}
		})
	}
}

func findRow(pm PortMap, id string) (PortMapRow, bool) {
	for _, r := range pm.Rows {
		if r.TaskID == id && id != "" {
			return r, true
		}
		if r.TaskARN == "" && "stale:"+r.InstanceID+":"+itoa(r.HostPort) == id {
			return r, true
		}
	}
	return PortMapRow{}, false
}

func TestBuildPortMapRowDetail(t *testing.T) {
	pm := BuildPortMap(fixture())
	want := []string{
		"auth a1 auth 8080→32768 dyn i-1 10.0.0.1 us-east-1a auth-tg healthy",
		"auth a2 auth 8080→33001 dyn i-2 10.0.0.2 us-east-1b auth-tg healthy",
		"web w1 web 80→80 static i-1 10.0.0.1 us-east-1a web-tg healthy",
	}
	if len(pm.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(pm.Rows), len(want))
	}
	for i, r := range pm.Rows {
		kind := "static"
		if r.Dynamic {
			kind = "dyn"
		}
		got := strings.Join([]string{r.Service, r.TaskID, r.Container, itoa(r.ContainerPort) + "→" + itoa(r.HostPort), kind,
			r.InstanceID, r.PrivateIP, r.AZ, r.TargetGroup, r.TargetState}, " ")
		if got != want[i] {
			t.Errorf("row %d = %q\nwant   %q", i, got, want[i])
		}
	}
}

func TestIsDynamicWithoutTaskDefinition(t *testing.T) {
	cases := []struct {
		b    NetworkBinding
		want bool
	}{
		{NetworkBinding{ContainerPort: 8080, HostPort: 32768}, true},
		{NetworkBinding{ContainerPort: 80, HostPort: 80}, false},
		{NetworkBinding{ContainerPort: 40000, HostPort: 40000}, false},
		{NetworkBinding{ContainerPort: 80, HostPort: 8080}, false},
	}
	for _, c := range cases {
		if got := isDynamic(TaskDefinition{}, false, "x", c.b); got != c.want {
			t.Errorf("isDynamic(%+v) = %v, want %v", c.b, got, c.want)
		}
	}
}

// awsvpc tasks (an ENI each) on EC2 and on Fargate: one row per port
// mapping at the task's own address, matched against an ip target group;
// a registered address no task has is stale, a task missing is flagged.
func TestBuildPortMapAWSVPC(t *testing.T) {
	const tgAPI = "arn:aws:elasticloadbalancing:us-east-1:123:targetgroup/api-ip/ccc"
	const tdAPI = "arn:aws:ecs:us-east-1:123:task-definition/api:1"
	in := fixture()
	in.Services = append(in.Services, Service{Name: "api", Status: "ACTIVE", DesiredCount: 3, RunningCount: 3, TaskDefinitionARN: tdAPI,
		CapacityProviderStrategy: []CapacityProviderStrategyItem{{CapacityProvider: "FARGATE", Weight: 1}},
		Deployments:              []Deployment{{Status: DeploymentPrimary, TaskDefinitionARN: tdAPI, DesiredCount: 3, RunningCount: 3}},
		LoadBalancers:            []LoadBalancer{{TargetGroupARN: tgAPI, ContainerName: "api", ContainerPort: 9000}}})
	in.TaskDefinitions[tdAPI] = TaskDefinition{ARN: tdAPI, Family: "api", Revision: 1, NetworkMode: "awsvpc", CPU: "256", Memory: "512",
		Containers: []ContainerDefinition{{Name: "api", PortMappings: []PortMapping{{ContainerPort: 9000, HostPort: 9000}}}}}
	task := func(id, ip, ci, launch string) Task {
		t := Task{ARN: "arn:aws:ecs:us-east-1:123:task/c/" + id, ID: id, Group: "service:api", TaskDefinitionARN: tdAPI,
			LastStatus: StatusRunning, DesiredStatus: StatusRunning, PrivateIP: ip, LaunchType: launch,
			Containers: []Container{{Name: "api", LastStatus: StatusRunning}}}
		if ci != "" {
			t.ContainerInstanceARN = ciARNBase + ci
		} else {
			t.PlatformVersion = "1.4.0"
		}
		return t
	}
	in.Tasks = append(in.Tasks, task("f1", "10.0.64.4", "", "FARGATE"), task("f2", "10.0.80.5", "", "FARGATE"), task("e1", "10.0.96.6", "2", "EC2"))
	in.TargetGroups = append(in.TargetGroups, TargetGroup{ARN: tgAPI, Name: "api-ip", TargetType: "ip"})
	in.TargetHealth = append(in.TargetHealth,
		TargetHealth{TargetGroupARN: tgAPI, TargetID: "10.0.64.4", Port: 9000, State: TargetHealthy},
		TargetHealth{TargetGroupARN: tgAPI, TargetID: "10.0.96.6", Port: 9000, State: TargetUnhealthy, Reason: "Target.FailedHealthChecks"},
		TargetHealth{TargetGroupARN: tgAPI, TargetID: "10.0.112.9", Port: 9000, State: TargetHealthy})
	pm := BuildPortMap(in)
	rows := map[string]PortMapRow{}
	for _, r := range pm.Rows {
		if r.Service == "api" {
			rows[firstOf(r.TaskID, "stale:"+r.PrivateIP)] = r
		}
	}
	f1, e1, f2, stale := rows["f1"], rows["e1"], rows["f2"], rows["stale:10.0.112.9"]
	if !f1.AWSVPC || !f1.Fargate || f1.PlatformVersion != "1.4.0" || f1.InstanceID != "" || f1.PrivateIP != "10.0.64.4" ||
		f1.HostPort != 9000 || f1.Dynamic || f1.TargetState != TargetHealthy || f1.Flags != 0 {
		t.Errorf("Fargate row %+v", f1)
	}
	if !e1.AWSVPC || e1.Fargate || e1.InstanceID != "i-2" || e1.TargetState != TargetUnhealthy {
		t.Errorf("awsvpc on EC2 row %+v", e1)
	}
	if !f2.Flags.Has(FlagUnregistered) {
		t.Errorf("unregistered Fargate task not flagged: %+v", f2)
	}
	if !stale.Flags.Has(FlagStaleTarget) || !stale.AWSVPC || stale.InstanceID != "" {
		t.Errorf("stale ip target %+v", stale)
	}
	for _, is := range pm.Issues {
		if is.Kind == IssueRolloutBlocked && is.Service == "api" {
			t.Errorf("a Fargate service is blocked by instance capacity: %s", is.Detail)
		}
		if is.Kind == IssueUnregistered && is.Service == "api" && !strings.Contains(is.Detail, "on 10.0.80.5") {
			t.Errorf("unregistered detail %q", is.Detail)
		}
	}
}
