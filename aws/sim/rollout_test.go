package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

// TestRolloutMinMaxPercent rolls a service behind a load balancer to a new
// revision and checks, at every tick, that the service never runs more than
// maximumPercent of desired tasks and never has fewer healthy targets than
// minimumHealthyPercent; and whether the rollout completes.
func TestRolloutMinMaxPercent(t *testing.T) {
	tests := []struct {
		name          string
		instances     int
		hostPort      int
		desired       int
		minPct        int
		maxPct        int
		wantCompleted bool
		wantEvent     string
	}{
		{"dynamic ports 100/200", 3, 0, 4, 100, 200, true, ""},
		{"dynamic ports 50/100", 3, 0, 4, 50, 100, true, ""},
		{"dynamic ports 0/100", 3, 0, 4, 0, 100, true, ""},
		{"static port full cluster 100/200 stalls", 4, 80, 4, 100, 200, false, "is already using a port required by your task."},
		{"static port full cluster 50/200 completes", 4, 80, 4, 50, 200, true, ""},
		{"static port 100/100 cannot move", 4, 80, 4, 100, 100, false, "was unable to stop or start tasks during a deployment because of the service deployment configuration"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := testWorld(t, tc.instances, "m5.large")
			tg := w.AddTargetGroup(TargetGroupSpec{Name: "web", HealthCheckInterval: 5 * time.Second})
			register(t, w, webTD("web", "nginx:1.25", tc.hostPort, 128, 256))
			register(t, w, webTD("web", "nginx:1.26", tc.hostPort, 128, 256))
			create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web:1", DesiredCount: tc.desired,
				DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: tc.minPct, MaximumPercent: tc.maxPct},
				LoadBalancers:           []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 8080}}})
			if !steadyWithin(w, t, "c", "web", 2*time.Minute) {
				t.Fatalf("initial deployment did not complete: %+v", describe(t, w, "c", "web").Deployments)
			}
			if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", TaskDefinition: "web:2"}); err != nil {
				t.Fatal(err)
			}
			maxTotal := tc.desired * tc.maxPct / 100
			minHealthy := (tc.desired*tc.minPct + 99) / 100
			completed := false
			for i := 0; i < 600 && !completed; i++ {
				w.Advance(time.Second)
				s := describe(t, w, "c", "web")
				if n := s.RunningCount + s.PendingCount; n > maxTotal {
					t.Fatalf("at +%ds %d tasks running or pending, above maximumPercent (%d)", i, n, maxTotal)
				}
				th, _ := w.DescribeTargetHealth(tg)
				healthyN := 0
				for _, h := range th {
					if h.State == model.TargetHealthy {
						healthyN++
					}
				}
				if healthyN < minHealthy {
					t.Fatalf("at +%ds %d healthy targets, below minimumHealthyPercent (%d)", i, healthyN, minHealthy)
				}
				completed = len(s.Deployments) == 1 && s.Deployments[0].RolloutState == model.RolloutCompleted
			}
			s := describe(t, w, "c", "web")
			if completed != tc.wantCompleted {
				t.Fatalf("completed = %v, want %v; deployments %+v", completed, tc.wantCompleted, s.Deployments)
			}
			if completed {
				if !strings.HasSuffix(s.TaskDefinitionARN, "web:2") || !hasEvent(s, "deployment completed.") || !hasEvent(s, "has reached a steady state.") {
					t.Errorf("completed without the right events: %v", s.Events)
				}
				for _, task := range tasks(t, w, "c", model.TaskFilter{ServiceName: "web"}) {
					if !strings.HasSuffix(task.TaskDefinitionARN, "web:2") {
						t.Errorf("task %s still on %s", task.ID, task.TaskDefinitionARN)
					}
				}
				return
			}
			if len(s.Deployments) != 2 || s.Deployments[0].RolloutState != model.RolloutInProgress || s.Deployments[1].RunningCount != tc.desired {
				t.Errorf("stalled rollout should keep the old tasks: %+v", s.Deployments)
			}
			if !hasEvent(s, tc.wantEvent) {
				t.Errorf("no event %q in %v", tc.wantEvent, s.Events)
			}
		})
	}
}

func TestCircuitBreakerRollback(t *testing.T) {
	tests := []struct {
		name     string
		rollback bool
	}{{"rollback", true}, {"fail only", false}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := testWorld(t, 3, "m5.large")
			register(t, w, webTD("api", "example/api:1.0", 0, 128, 256))
			register(t, w, webTD("api", "example/api:1.1-broken", 0, 128, 256))
			create(t, w, ServiceSpec{Name: "api", TaskDefinition: "api:1", DesiredCount: 4,
				DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200,
					CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: tc.rollback}}})
			if !steadyWithin(w, t, "c", "api", time.Minute) {
				t.Fatal("initial deployment did not complete")
			}
			first := describe(t, w, "c", "api").Deployments[0].ID
			s, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "api", TaskDefinition: "api:2"})
			if err != nil {
				t.Fatal(err)
			}
			broken := s.Deployments[0].ID
			w.Advance(2 * time.Minute)
			s = describe(t, w, "c", "api")
			if !hasEvent(s, "(service api) (deployment "+broken+") deployment failed: tasks failed to start.") {
				t.Fatalf("no failure event: %v", s.Events)
			}
			failed, ok := s.DeploymentByID(broken)
			if tc.rollback {
				if !steadyWithin(w, t, "c", "api", 2*time.Minute) {
					t.Fatalf("rollback did not complete: %+v", describe(t, w, "c", "api").Deployments)
				}
				s = describe(t, w, "c", "api")
				p, _ := s.PrimaryDeployment()
				if !strings.HasSuffix(p.TaskDefinitionARN, "api:1") || !strings.HasSuffix(s.TaskDefinitionARN, "api:1") {
					t.Errorf("rolled back to %s", p.TaskDefinitionARN)
				}
				if p.ID == first || p.ID == broken {
					t.Errorf("rollback must be a new deployment, got %s", p.ID)
				}
				if !hasEvent(s, "deployment completed.") {
					t.Errorf("no completion event: %v", s.Events)
				}
			} else {
				if !ok || failed.Status != model.DeploymentPrimary || failed.RolloutState != model.RolloutFailed {
					t.Fatalf("failed deployment: %+v", s.Deployments)
				}
				if failed.RolloutStateReason != "ECS deployment circuit breaker: tasks failed to start." {
					t.Errorf("reason %q", failed.RolloutStateReason)
				}
				if failed.FailedTasks < 3 {
					t.Errorf("failed tasks %d, want at least the threshold (3)", failed.FailedTasks)
				}
				w.Advance(time.Minute)
				if n := describe(t, w, "c", "api").Deployments[0].FailedTasks; n != failed.FailedTasks {
					t.Errorf("a failed deployment kept launching: %d → %d failed tasks", failed.FailedTasks, n)
				}
			}
			stopped := tasks(t, w, "c", model.TaskFilter{DesiredStatus: "STOPPED", Family: "api"})
			crashed := 0
			for _, task := range stopped {
				if task.StopCode == "EssentialContainerExited" {
					crashed++
					if task.StoppedReason != "Essential container in task exited" || task.Containers[0].ExitCode == nil || *task.Containers[0].ExitCode != 1 {
						t.Errorf("crashed task: %q exit %v", task.StoppedReason, task.Containers[0].ExitCode)
					}
				}
			}
			if crashed < 3 {
				t.Errorf("%d crashed tasks, want ≥ 3", crashed)
			}
		})
	}
}

func TestCircuitBreakerRollbackReason(t *testing.T) {
	w, _ := testWorld(t, 3, "m5.large")
	register(t, w, webTD("api", "example/api:1.0", 0, 128, 256))
	register(t, w, webTD("api", "example/api:1.1-broken", 0, 128, 256))
	create(t, w, ServiceSpec{Name: "api", TaskDefinition: "api:1", DesiredCount: 2,
		DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200,
			CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}}})
	if !steadyWithin(w, t, "c", "api", time.Minute) {
		t.Fatal("initial deployment did not complete")
	}
	first := describe(t, w, "c", "api").Deployments[0].ID
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "api", TaskDefinition: "api:2"}); err != nil {
		t.Fatal(err)
	}
	for range 120 {
		w.Advance(time.Second)
		s := describe(t, w, "c", "api")
		if r := s.Deployments[0].RolloutStateReason; strings.HasSuffix(r, " in progress.") {
			continue
		}
		want := "ECS deployment circuit breaker: rolling back to deploymentId " + first + "."
		if r := s.Deployments[0].RolloutStateReason; r != want {
			t.Fatalf("reason %q, want %q", r, want)
		}
		if len(s.Deployments) < 2 || s.Deployments[1].RolloutState != model.RolloutFailed || s.Deployments[1].Status != model.DeploymentActive {
			t.Fatalf("failed deployment not listed ACTIVE/FAILED during rollback: %+v", s.Deployments)
		}
		return
	}
	t.Fatal("circuit breaker never tripped")
}

func TestUnhealthyTasksAreReplaced(t *testing.T) {
	tests := []struct {
		name        string
		withLB      bool
		healthCheck bool
		wantEvent   string
		wantReason  string
	}{
		{"target health", true, false, "is unhealthy in (target-group ", "Task failed ELB health checks in (target-group "},
		{"container health", false, true, "failed container health checks.", "Task failed container health checks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := testWorld(t, 3, "m5.large")
			td := webTD("web", "example/web:2-unhealthy", 0, 128, 256)
			if tc.healthCheck {
				td.Containers[0].HealthCheck = &model.HealthCheck{Command: []string{"CMD", "true"}, Interval: 5 * time.Second}
			}
			register(t, w, td)
			spec := ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 2, HealthCheckGracePeriod: 10 * time.Second}
			if tc.withLB {
				tg := w.AddTargetGroup(TargetGroupSpec{Name: "web", HealthCheckInterval: 5 * time.Second})
				spec.LoadBalancers = []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 8080}}
			}
			create(t, w, spec)
			w.Advance(90 * time.Second)
			s := describe(t, w, "c", "web")
			if s.Deployments[0].FailedTasks == 0 || !hasEvent(s, tc.wantEvent) {
				t.Fatalf("unhealthy tasks not replaced: failed=%d events %v", s.Deployments[0].FailedTasks, s.Events)
			}
			if s.Deployments[0].RolloutState == model.RolloutCompleted {
				t.Error("a deployment of unhealthy tasks completed")
			}
			stopped := tasks(t, w, "c", model.TaskFilter{DesiredStatus: "STOPPED"})
			if len(stopped) == 0 || !strings.HasPrefix(stopped[0].StoppedReason, tc.wantReason) {
				t.Fatalf("stopped tasks: %+v", stopped)
			}
		})
	}
}

func TestScaleAndStopTaskReplacement(t *testing.T) {
	w, _ := testWorld(t, 3, "m5.large")
	register(t, w, webTD("web", "nginx:1.25", 0, 128, 256))
	create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 2})
	steadyWithin(w, t, "c", "web", time.Minute)
	six := 6
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", DesiredCount: &six}); err != nil {
		t.Fatal(err)
	}
	if !steadyWithin(w, t, "c", "web", time.Minute) || describe(t, w, "c", "web").RunningCount != 6 {
		t.Fatal("did not scale to 6")
	}
	victim := tasks(t, w, "c", model.TaskFilter{ServiceName: "web"})[0]
	stopped, err := w.StopTask("c", victim.ARN, "")
	if err != nil || stopped.DesiredStatus != "STOPPED" || stopped.StopCode != "UserInitiated" {
		t.Fatalf("StopTask: %+v %v", stopped, err)
	}
	w.Advance(30 * time.Second)
	if s := describe(t, w, "c", "web"); s.RunningCount != 6 {
		t.Errorf("stopped task not replaced: running %d", s.RunningCount)
	}
	if _, err := w.StopTask("c", "0123", ""); apiCode(err) != "InvalidParameterException" {
		t.Errorf("StopTask unknown: %v", err)
	}
}

func TestFailingServiceIsThrottled(t *testing.T) {
	w, _ := testWorld(t, 3, "m5.large")
	register(t, w, webTD("api", "example/api:1-broken", 0, 128, 256))
	create(t, w, ServiceSpec{Name: "api", TaskDefinition: "api", DesiredCount: 2})
	w.Advance(30 * time.Minute)
	s := describe(t, w, "c", "api")
	if n := s.Deployments[0].FailedTasks; n < 10 || n > 40 {
		t.Errorf("%d failed tasks in 30 minutes; launches should back off", n)
	}
	if !hasEvent(s, "(service api) is unable to consistently start tasks successfully.") {
		t.Errorf("no throttling event: %v", s.Events)
	}
}
