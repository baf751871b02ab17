package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

func TestDaemonService(t *testing.T) {
	w, ids := testWorld(t, 4, "m5.large")
	register(t, w, webTD("agent", "datadog/agent:7.50", 0, 64, 256))
	register(t, w, webTD("agent", "datadog/agent:7.51", 0, 64, 256))
	register(t, w, webTD("web", "nginx:1.25", 0, 128, 256))
	create(t, w, ServiceSpec{Name: "agent", TaskDefinition: "agent:1", SchedulingStrategy: "DAEMON"})
	create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 4,
		PlacementStrategy: []model.PlacementStrategy{{Type: "spread", Field: "instanceId"}}})
	if !steadyWithin(w, t, "c", "agent", time.Minute) {
		t.Fatalf("daemon not steady: %+v", describe(t, w, "c", "agent").Deployments)
	}
	s := describe(t, w, "c", "agent")
	if s.SchedulingStrategy != "DAEMON" || s.DesiredCount != 4 || s.RunningCount != 4 {
		t.Fatalf("daemon %s desired %d running %d", s.SchedulingStrategy, s.DesiredCount, s.RunningCount)
	}
	perInstance := map[string]int{}
	for _, task := range tasks(t, w, "c", model.TaskFilter{ServiceName: "agent"}) {
		perInstance[task.ContainerInstanceARN]++
	}
	if len(perInstance) != 4 {
		t.Errorf("daemon tasks on %d instances: %v", len(perInstance), perInstance)
	}
	one := 1
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "agent", DesiredCount: &one}); apiCode(err) != "InvalidParameterException" {
		t.Errorf("desired count on a daemon: %v", err)
	}

	// Rolling the daemon replaces it on every instance.
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "agent", TaskDefinition: "agent:2"}); err != nil {
		t.Fatal(err)
	}
	if !steadyWithin(w, t, "c", "agent", 2*time.Minute) {
		t.Fatalf("daemon rollout did not complete: %+v", describe(t, w, "c", "agent").Deployments)
	}
	for _, task := range tasks(t, w, "c", model.TaskFilter{ServiceName: "agent"}) {
		if !strings.HasSuffix(task.TaskDefinitionARN, "agent:2") {
			t.Errorf("task on %s", task.TaskDefinitionARN)
		}
	}

	// Draining: the daemon task goes only after the replica tasks.
	victim := instances(t, w, "c")[0]
	if _, _, err := w.UpdateContainerInstancesState("c", []string{victim.ID}, model.InstanceDraining); err != nil {
		t.Fatal(err)
	}
	for range 120 {
		w.Advance(time.Second)
		web := tasks(t, w, "c", model.TaskFilter{ServiceName: "web", ContainerInstance: victim.ID})
		agent := tasks(t, w, "c", model.TaskFilter{ServiceName: "agent", ContainerInstance: victim.ID})
		if len(web) > 0 && len(agent) == 0 {
			t.Fatal("daemon task stopped before the replica tasks left the draining instance")
		}
		if len(web) == 0 && len(agent) == 0 {
			break
		}
	}
	if n := len(tasks(t, w, "c", model.TaskFilter{ContainerInstance: victim.ID})); n != 0 {
		t.Fatalf("%d tasks left on the drained instance", n)
	}
	if s := describe(t, w, "c", "agent"); s.DesiredCount != 3 {
		t.Errorf("daemon desired %d with one instance draining, want 3", s.DesiredCount)
	}

	// A replacement instance gets the daemon.
	if _, err := w.TerminateInstanceInAutoScalingGroup(ids[0], false); err != nil {
		t.Fatal(err)
	}
	w.Advance(90 * time.Second)
	if s := describe(t, w, "c", "agent"); s.DesiredCount != 4 || s.RunningCount != 4 {
		t.Errorf("after replacement: desired %d running %d, want 4", s.DesiredCount, s.RunningCount)
	}
}
