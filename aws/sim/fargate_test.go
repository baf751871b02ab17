package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

func awsvpcTD(family, image string) model.TaskDefinition {
	td := webTD(family, image, 8080, 256, 512) // awsvpc: host port = container port
	td.NetworkMode, td.CPU, td.Memory = "awsvpc", "256", "512"
	td.RequiresCompatibilities = []string{"EC2", "FARGATE"}
	return td
}

// TestAWSVPCOnEC2BehindIPTargetGroup: each task gets an ENI with its own
// private IP in its instance's zone; the ip target group registers
// IP:containerPort and the targets go healthy; no host port is taken.
func TestAWSVPCOnEC2BehindIPTargetGroup(t *testing.T) {
	w, _ := testWorld(t, 2, "m5.large")
	tg := w.AddTargetGroup(TargetGroupSpec{Name: "api-ip", TargetType: "ip", HealthCheckInterval: 5 * time.Second})
	register(t, w, awsvpcTD("api", "api:1"))
	create(t, w, ServiceSpec{Name: "api", TaskDefinition: "api:1", DesiredCount: 3,
		LoadBalancers: []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 8080}}})
	if !steadyWithin(w, t, "c", "api", 2*time.Minute) {
		t.Fatalf("awsvpc service not steady: %+v", describe(t, w, "c", "api").Deployments)
	}
	ts := tasks(t, w, "c", model.TaskFilter{ServiceName: "api"})
	th, _ := w.DescribeTargetHealth(tg)
	if len(ts) != 3 || len(th) != 3 {
		t.Fatalf("%d tasks, %d targets", len(ts), len(th))
	}
	ips := map[string]bool{}
	for _, task := range ts {
		if task.PrivateIP == "" || task.ENIID == "" || !strings.HasPrefix(task.SubnetID, "subnet-") || task.ContainerInstanceARN == "" ||
			task.LaunchType != "EC2" || len(task.Containers[0].NetworkBindings) != 0 {
			t.Errorf("awsvpc task %+v", task)
		}
		ips[task.PrivateIP] = true
	}
	for _, h := range th {
		if !ips[h.TargetID] || h.Port != 8080 || h.State != model.TargetHealthy {
			t.Errorf("target %+v does not match a task ENI", h)
		}
	}
	for _, ci := range instances(t, w, "c") {
		for _, p := range ci.Remaining.Ports {
			if p == 8080 {
				t.Errorf("awsvpc task took host port 8080 on %s", ci.EC2InstanceID)
			}
		}
	}
}

// TestFargateService: tasks run on no container instance, report FARGATE,
// the platform version and an ENI, count in the cluster, and take no
// instance resources; a task definition without awsvpc is refused.
func TestFargateService(t *testing.T) {
	w, _ := testWorld(t, 1, "t3.medium")
	tg := w.AddTargetGroup(TargetGroupSpec{Name: "edge", TargetType: "ip", HealthCheckInterval: 5 * time.Second})
	register(t, w, awsvpcTD("edge", "edge:1"))
	register(t, w, webTD("bridge", "x:1", 0, 128, 128))
	if _, err := w.CreateService(ServiceSpec{Cluster: "c", Name: "bad", TaskDefinition: "bridge:1", DesiredCount: 1, LaunchType: "FARGATE"}); apiCode(err) != "InvalidParameterException" {
		t.Fatalf("Fargate with bridge mode: %v", err)
	}
	if _, err := w.CreateService(ServiceSpec{Cluster: "c", Name: "bad", TaskDefinition: "bridge:1", DesiredCount: 1,
		LoadBalancers: []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 8080}}}); apiCode(err) != "InvalidParameterException" {
		t.Fatalf("ip target group with bridge mode: %v", err)
	}
	before := instances(t, w, "c")[0].Remaining
	create(t, w, ServiceSpec{Name: "edge", TaskDefinition: "edge:1", DesiredCount: 4, LaunchType: "FARGATE",
		LoadBalancers: []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 8080}}})
	if !steadyWithin(w, t, "c", "edge", 2*time.Minute) {
		t.Fatalf("Fargate service not steady: %+v", describe(t, w, "c", "edge").Deployments)
	}
	s := describe(t, w, "c", "edge")
	if s.LaunchType != "FARGATE" || s.PlatformVersion != "LATEST" || len(s.Subnets) != 3 {
		t.Errorf("service: launch type %q platform %q subnets %v", s.LaunchType, s.PlatformVersion, s.Subnets)
	}
	zones := map[string]bool{}
	for _, task := range tasks(t, w, "c", model.TaskFilter{ServiceName: "edge"}) {
		if task.LaunchType != "FARGATE" || task.PlatformVersion != DefaultPlatformVersion || task.ContainerInstanceARN != "" || task.PrivateIP == "" {
			t.Errorf("Fargate task %+v", task)
		}
		zones[task.AvailabilityZone] = true
	}
	if len(zones) < 2 {
		t.Errorf("Fargate tasks in %d zones, want them spread", len(zones))
	}
	if after := instances(t, w, "c")[0].Remaining; after.CPU != before.CPU || after.Memory != before.Memory {
		t.Errorf("Fargate tasks took instance resources: %+v → %+v", before, after)
	}
	cl, _ := w.DescribeClusters([]string{"c"})
	if cl[0].RunningTasksCount != 4 {
		t.Errorf("cluster counts %d running tasks, want 4", cl[0].RunningTasksCount)
	}
	// A Fargate capacity provider strategy runs on Fargate too.
	create(t, w, ServiceSpec{Name: "spot", TaskDefinition: "edge:1", DesiredCount: 1,
		CapacityProviderStrategy: []model.CapacityProviderStrategyItem{{CapacityProvider: "FARGATE_SPOT", Weight: 1}}})
	w.Advance(10 * time.Second)
	spot := tasks(t, w, "c", model.TaskFilter{ServiceName: "spot"})
	if len(spot) != 1 || spot[0].CapacityProviderName != "FARGATE_SPOT" || spot[0].LaunchType != "FARGATE" {
		t.Errorf("FARGATE_SPOT task %+v", spot)
	}
}

// TestTasksThatDie: the image conventions give the stop codes, reasons and
// exit codes ECS reports, and each failure counts for the deployment.
func TestTasksThatDie(t *testing.T) {
	cases := []struct {
		image            string
		code, reasonPart string
		exit             *int
		containerReason  string
	}{
		{"app:1-oom", model.StopEssentialContainerExited, "Essential container in task exited", intp(137), "OutOfMemoryError: Container killed due to memory usage"},
		{"app:1-missing", model.StopTaskFailedToStart, "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref app:1-missing", nil, "CannotPullContainerError"},
		{"app:1-nosecret", model.StopTaskFailedToStart, "ResourceInitializationError: unable to pull secrets", nil, "ResourceInitializationError"},
		{"app:1-broken", model.StopEssentialContainerExited, "Essential container in task exited", intp(1), ""},
	}
	for _, c := range cases {
		t.Run(c.image, func(t *testing.T) {
			w, _ := testWorld(t, 2, "m5.large")
			register(t, w, webTD("app", c.image, 0, 128, 256))
			create(t, w, ServiceSpec{Name: "app", TaskDefinition: "app:1", DesiredCount: 1})
			w.Advance(30 * time.Second)
			stopped := tasks(t, w, "c", model.TaskFilter{ServiceName: "app", DesiredStatus: model.StatusStopped})
			if len(stopped) == 0 {
				t.Fatal("no task stopped")
			}
			st := stopped[0]
			k := st.Containers[0]
			if st.StopCode != c.code || !strings.Contains(st.StoppedReason, c.reasonPart) || !strings.HasPrefix(k.Reason, c.containerReason) {
				t.Errorf("stopped %s %q, container reason %q", st.StopCode, st.StoppedReason, k.Reason)
			}
			if (k.ExitCode == nil) != (c.exit == nil) || (k.ExitCode != nil && *k.ExitCode != *c.exit) {
				t.Errorf("exit code %v, want %v", k.ExitCode, c.exit)
			}
			if p, _ := describe(t, w, "c", "app").PrimaryDeployment(); p.FailedTasks == 0 {
				t.Error("the failure did not count for the deployment")
			}
			if got := model.ClassifyStop(st, nil).Kind; !got.Failure() {
				t.Errorf("classified as %s", got)
			}
		})
	}
}

func intp(n int) *int { return &n }
