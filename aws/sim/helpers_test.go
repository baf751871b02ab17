package sim

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// testWorld is a cluster "c" with n instances of the given type over 3 AZs.
func testWorld(t *testing.T, n int, instanceType string) (*World, []string) {
	t.Helper()
	w := New(Options{Seed: 42, Start: t0})
	w.AddCluster("c")
	ids := w.AddAutoScalingGroup(ASGSpec{Name: "c-asg", Cluster: "c", Size: n, InstanceType: instanceType})
	return w, ids
}

// webTD is a one-container definition; hostPort 0 means dynamic.
func webTD(family, image string, hostPort, cpu, mem int) model.TaskDefinition {
	return model.TaskDefinition{Family: family, Containers: []model.ContainerDefinition{{
		Name: "web", Image: image, CPU: cpu, Memory: mem, Essential: true,
		PortMappings:     []model.PortMapping{{ContainerPort: 8080, HostPort: hostPort}},
		LogConfiguration: &model.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{"awslogs-group": "/ecs/" + family, "awslogs-stream-prefix": "ecs"}},
	}}}
}

func register(t *testing.T, w *World, td model.TaskDefinition) model.TaskDefinition {
	t.Helper()
	out, err := w.RegisterTaskDefinition(td)
	if err != nil {
		t.Fatalf("RegisterTaskDefinition(%s): %v", td.Family, err)
	}
	return out
}

func create(t *testing.T, w *World, s ServiceSpec) {
	t.Helper()
	if s.Cluster == "" {
		s.Cluster = "c"
	}
	if _, err := w.CreateService(s); err != nil {
		t.Fatalf("CreateService(%s): %v", s.Name, err)
	}
}

func describe(t *testing.T, w *World, cluster, name string) model.Service {
	t.Helper()
	svcs, fails, err := w.DescribeServices(cluster, []string{name})
	if err != nil || len(fails) > 0 || len(svcs) != 1 {
		t.Fatalf("DescribeServices(%s): %v %v", name, fails, err)
	}
	return svcs[0]
}

func tasks(t *testing.T, w *World, cluster string, f model.TaskFilter) []model.Task {
	t.Helper()
	arns, err := w.ListTasks(cluster, f)
	if err != nil {
		t.Fatalf("ListTasks: %v", err)
	}
	if len(arns) == 0 {
		return nil
	}
	out, fails, err := w.DescribeTasks(cluster, arns)
	if err != nil || len(fails) > 0 {
		t.Fatalf("DescribeTasks: %v %v", fails, err)
	}
	return out
}

func instances(t *testing.T, w *World, cluster string) []model.ContainerInstance {
	t.Helper()
	arns, err := w.ListContainerInstances(cluster, "")
	if err != nil {
		t.Fatalf("ListContainerInstances: %v", err)
	}
	out, _, err := w.DescribeContainerInstances(cluster, arns)
	if err != nil {
		t.Fatalf("DescribeContainerInstances: %v", err)
	}
	return out
}

func hasEvent(s model.Service, substr string) bool {
	for _, e := range s.Events {
		if strings.Contains(e.Message, substr) {
			return true
		}
	}
	return false
}

func apiCode(err error) string {
	var ae *simapi.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// steadyWithin advances until the service's PRIMARY deployment is COMPLETED
// with a single deployment, or the limit passes.
func steadyWithin(w *World, t *testing.T, cluster, name string, limit time.Duration) bool {
	t.Helper()
	for waited := time.Duration(0); waited < limit; waited += time.Second {
		s := describe(t, w, cluster, name)
		if len(s.Deployments) == 1 && s.Deployments[0].RolloutState == model.RolloutCompleted && s.RunningCount == s.DesiredCount {
			return true
		}
		w.Advance(time.Second)
	}
	return false
}
