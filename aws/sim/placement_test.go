package sim

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

func TestPlacementPorts(t *testing.T) {
	tests := []struct {
		name        string
		hostPort    int
		desired     int
		wantRunning int
		wantEvent   string
	}{
		{"dynamic ports share hosts", 0, 7, 7, ""},
		{"static port one per host", 80, 4, 3, "is already using a port required by your task."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := testWorld(t, 3, "m5.large")
			register(t, w, webTD("web", "nginx:1.25", tc.hostPort, 128, 256))
			create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: tc.desired})
			w.Advance(30 * time.Second)
			s := describe(t, w, "c", "web")
			if s.RunningCount != tc.wantRunning {
				t.Fatalf("running = %d, want %d", s.RunningCount, tc.wantRunning)
			}
			seen := map[string]bool{}
			for _, task := range tasks(t, w, "c", model.TaskFilter{ServiceName: "web"}) {
				b := task.Containers[0].NetworkBindings
				if len(b) != 1 {
					t.Fatalf("bindings = %v", b)
				}
				hp := b[0].HostPort
				if tc.hostPort == 0 && (hp < 32768 || hp > 60999) {
					t.Errorf("dynamic host port %d outside 32768-60999", hp)
				}
				if tc.hostPort != 0 && hp != tc.hostPort {
					t.Errorf("host port %d, want %d", hp, tc.hostPort)
				}
				key := task.ContainerInstanceARN + ":" + itoa(hp)
				if seen[key] {
					t.Errorf("two tasks bound %s", key)
				}
				seen[key] = true
			}
			if tc.wantEvent != "" && !hasEvent(s, tc.wantEvent) {
				t.Errorf("no event containing %q in %v", tc.wantEvent, s.Events)
			}
			if tc.wantEvent != "" && !hasEvent(s, "(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance ") {
				t.Errorf("placement failure not worded like ECS: %v", s.Events)
			}
			for _, ci := range instances(t, w, "c") {
				if tc.hostPort != 0 && !slices.Contains(ci.Remaining.Ports, tc.hostPort) {
					t.Errorf("instance %s remaining ports %v lack the static port", ci.ID, ci.Remaining.Ports)
				}
			}
		})
	}
}

func sprint(p []int) string {
	var b strings.Builder
	for _, v := range p {
		b.WriteString(itoa(v) + " ")
	}
	return b.String()
}

func TestPlacementStrategies(t *testing.T) {
	tests := []struct {
		name     string
		strategy []model.PlacementStrategy
		desired  int
		check    func(t *testing.T, perAZ, perInstance map[string]int)
	}{
		{"spread by AZ", []model.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}}, 6,
			func(t *testing.T, perAZ, _ map[string]int) {
				for az, n := range perAZ {
					if n != 2 {
						t.Errorf("AZ %s has %d tasks, want 2 (%v)", az, n, perAZ)
					}
				}
			}},
		{"spread by AZ then instance", []model.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}, {Type: "spread", Field: "instanceId"}}, 6,
			func(t *testing.T, _, perInstance map[string]int) {
				if len(perInstance) != 6 {
					t.Errorf("tasks on %d instances, want 6: %v", len(perInstance), perInstance)
				}
			}},
		{"binpack memory", []model.PlacementStrategy{{Type: "binpack", Field: "memory"}}, 5,
			func(t *testing.T, _, perInstance map[string]int) {
				if len(perInstance) != 1 {
					t.Errorf("binpack used %d instances, want 1: %v", len(perInstance), perInstance)
				}
			}},
		{"random places everything", []model.PlacementStrategy{{Type: "random"}}, 6,
			func(t *testing.T, _, perInstance map[string]int) {
				total := 0
				for _, n := range perInstance {
					total += n
				}
				if total != 6 {
					t.Errorf("placed %d, want 6", total)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := testWorld(t, 6, "m5.large")
			register(t, w, webTD("web", "nginx:1.25", 0, 128, 256))
			create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: tc.desired, PlacementStrategy: tc.strategy})
			w.Advance(20 * time.Second)
			perAZ, perInstance := map[string]int{}, map[string]int{}
			for _, task := range tasks(t, w, "c", model.TaskFilter{ServiceName: "web"}) {
				perAZ[task.AvailabilityZone]++
				perInstance[task.ContainerInstanceARN]++
			}
			tc.check(t, perAZ, perInstance)
		})
	}
}

func TestDistinctInstanceConstraint(t *testing.T) {
	w, _ := testWorld(t, 2, "m5.large")
	register(t, w, webTD("web", "nginx:1.25", 0, 128, 256))
	create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 3,
		PlacementStrategy:    []model.PlacementStrategy{{Type: "binpack", Field: "memory"}},
		PlacementConstraints: []model.PlacementConstraint{{Type: "distinctInstance"}}})
	w.Advance(20 * time.Second)
	s := describe(t, w, "c", "web")
	if s.RunningCount != 2 {
		t.Fatalf("running %d, want 2 (one per instance)", s.RunningCount)
	}
	if !hasEvent(s, "distinctInstance") {
		t.Errorf("no placement event naming the constraint: %v", s.Events)
	}
}

func TestRemainingResourcesTrackTasks(t *testing.T) {
	w, _ := testWorld(t, 1, "m5.large")
	register(t, w, webTD("web", "nginx:1.25", 8080, 256, 1024))
	create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 1})
	w.Advance(10 * time.Second)
	ci := instances(t, w, "c")[0]
	if ci.Remaining.CPU != ci.Registered.CPU-256 || ci.Remaining.Memory != ci.Registered.Memory-1024 {
		t.Errorf("remaining %d/%d of %d/%d", ci.Remaining.CPU, ci.Remaining.Memory, ci.Registered.CPU, ci.Registered.Memory)
	}
	want := []int{22, 2375, 2376, 51678, 51679, 8080}
	if sprint(ci.Remaining.Ports) != sprint(want) || sprint(ci.Registered.Ports) != sprint(want[:5]) {
		t.Errorf("ports registered %v remaining %v", ci.Registered.Ports, ci.Remaining.Ports)
	}
	if ci.RunningTasksCount != 1 {
		t.Errorf("running tasks %d", ci.RunningTasksCount)
	}
	zero := 0
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", DesiredCount: &zero}); err != nil {
		t.Fatal(err)
	}
	w.Advance(30 * time.Second)
	ci = instances(t, w, "c")[0]
	if ci.Remaining.CPU != ci.Registered.CPU || ci.Remaining.Memory != ci.Registered.Memory || len(ci.Remaining.Ports) != 5 {
		t.Errorf("resources not released: %+v", ci.Remaining)
	}
}

func TestMemberOfConstraint(t *testing.T) {
	tests := []struct {
		expr    string
		wantAZs []string
	}{
		{"attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", []string{"us-east-1a", "us-east-1b"}},
		{"attribute:ecs.availability-zone == us-east-1c", []string{"us-east-1c"}},
		{"attribute:ecs.availability-zone != us-east-1c", []string{"us-east-1a", "us-east-1b"}},
		{"attribute:ecs.instance-type not in ['m5.large']", nil},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			w, _ := testWorld(t, 6, "m5.large")
			register(t, w, webTD("web", "nginx:1.25", 0, 64, 128))
			create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 4,
				PlacementConstraints: []model.PlacementConstraint{{Type: "memberOf", Expression: tc.expr}}})
			w.Advance(20 * time.Second)
			got := map[string]bool{}
			for _, task := range tasks(t, w, "c", model.TaskFilter{ServiceName: "web"}) {
				got[task.AvailabilityZone] = true
			}
			for az := range got {
				if !slices.Contains(tc.wantAZs, az) {
					t.Errorf("task in %s, want only %v", az, tc.wantAZs)
				}
			}
			if len(tc.wantAZs) == 0 && !hasEvent(describe(t, w, "c", "web"), `encountered error "memberOf placement constraint unsatisfied".`) {
				t.Errorf("no constraint event: %v", describe(t, w, "c", "web").Events)
			}
		})
	}
}
