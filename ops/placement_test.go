package ops

import (
	"strings"
	"testing"

	"github.com/ecstui/ecstui/model"
)

func TestPreviewPlacement(t *testing.T) {
	dyn := taskDef("auth", 3, 256, 512, 0)
	dynNext := taskDef("auth", 4, 256, 512, 0)
	static := taskDef("legacy", 7, 256, 512, 80)
	staticNext := taskDef("legacy", 8, 256, 512, 80)
	big := taskDef("auth", 4, 1024, 512, 0)

	type tc struct {
		name       string
		cur, next  model.TaskDefinition
		inst       []model.ContainerInstance
		running    int
		desired    int
		minPct     int
		maxPct     int
		replace    bool
		verdict    string
		lineHas    string
		suggestHas string
	}
	cases := []tc{
		{name: "dynamic ports with room", cur: dyn, next: dynNext, inst: instances(3, 1024, 2048), running: 2, desired: 2, minPct: 50, maxPct: 200, replace: true,
			verdict: VerdictOK, lineHas: "may start 2 extra tasks"},
		{name: "static ports full cluster stalls", cur: static, next: staticNext, inst: instances(2, 1024, 2048, 80), running: 2, desired: 2, minPct: 50, maxPct: 200, replace: true,
			verdict: VerdictStall, lineHas: "will stall on placement", suggestHas: "dynamic host port"},
		{name: "min 100 max 100 cannot make room", cur: dyn, next: dynNext, inst: instances(3, 1024, 2048), running: 2, desired: 2, minPct: 100, maxPct: 100, replace: true,
			verdict: VerdictBlocked, lineHas: "forbids starting an extra one", suggestHas: "set maximumPercent to 200"},
		{name: "min 100 with static ports on a full cluster (seed 003)", cur: static, next: staticNext, inst: instances(2, 1024, 2048, 80), running: 2, desired: 2, minPct: 100, maxPct: 200, replace: true,
			verdict: VerdictBlocked, lineHas: "host port 80 in use on 2 of 2 instances", suggestHas: "set minimumHealthyPercent to 50"},
		{name: "static ports with one free instance", cur: static, next: staticNext, inst: append(instances(2, 1024, 2048, 80), instances(1, 1024, 2048)...), running: 2, desired: 2, minPct: 100, maxPct: 200, replace: true,
			verdict: VerdictSlow, lineHas: "waves of 1"},
		{name: "CPU shortage blocks with min 100", cur: dyn, next: dynNext, inst: instances(2, 100, 2048), running: 2, desired: 2, minPct: 100, maxPct: 200, replace: true,
			verdict: VerdictBlocked, lineHas: "not enough CPU on 2 of 2", suggestHas: "minimumHealthyPercent to 50"},
		{name: "CPU shortage with min 50 stalls", cur: dyn, next: dynNext, inst: instances(2, 100, 2048), running: 2, desired: 2, minPct: 50, maxPct: 200, replace: true,
			verdict: VerdictStall, lineHas: "capacity drops to 1 of 2"},
		{name: "bigger revision does not fit anywhere", cur: dyn, next: big, inst: instances(2, 300, 2048), running: 2, desired: 2, minPct: 50, maxPct: 200, replace: true,
			verdict: VerdictBlocked, lineHas: "not even where an old task stops", suggestHas: "reserves more CPU"},
		{name: "scale up within capacity", cur: dyn, next: dyn, inst: instances(3, 1024, 2048), running: 4, desired: 6, minPct: 50, maxPct: 200,
			verdict: VerdictOK, lineHas: "2 tasks to start"},
		{name: "scale up beyond capacity", cur: static, next: static, inst: append(instances(2, 1024, 2048, 80), instances(1, 1024, 2048)...), running: 2, desired: 5, minPct: 50, maxPct: 200,
			verdict: VerdictStall, lineHas: "only 1 of 3 new tasks fit", suggestHas: "scale to 3"},
		{name: "scale down", cur: dyn, next: dyn, inst: instances(3, 0, 0), running: 4, desired: 2, minPct: 50, maxPct: 200,
			verdict: VerdictOK, lineHas: "ECS stops 2 tasks"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			svc := service("svc", c.cur, c.running, c.minPct, c.maxPct)
			pv := PreviewPlacement(PlacementInput{
				Service: svc, Current: c.cur, Next: c.next, Desired: c.desired, MinPercent: c.minPct, MaxPercent: c.maxPct,
				Instances: c.inst, Tasks: serviceTasks("svc", c.cur, c.inst, c.running), Replace: c.replace,
			})
			if pv.Verdict != c.verdict {
				t.Errorf("verdict %q, want %q\n%s", pv.Verdict, c.verdict, strings.Join(pv.Lines, "\n"))
			}
			if !strings.Contains(strings.Join(pv.Lines, "\n"), c.lineHas) {
				t.Errorf("lines lack %q:\n%s", c.lineHas, strings.Join(pv.Lines, "\n"))
			}
			if c.suggestHas != "" && !strings.Contains(strings.Join(pv.Suggestions, "\n"), c.suggestHas) {
				t.Errorf("suggestions lack %q:\n%s", c.suggestHas, strings.Join(pv.Suggestions, "\n"))
			}
		})
	}
}

func TestNeedsOf(t *testing.T) {
	cases := []struct {
		name string
		td   model.TaskDefinition
		want model.TaskNeeds
	}{
		{"container sums, dynamic port", taskDef("a", 1, 256, 512, 0), model.TaskNeeds{CPU: 256, Memory: 512}},
		{"static port", taskDef("a", 1, 128, 256, 80), model.TaskNeeds{CPU: 128, Memory: 256, Ports: []int{80}}},
		{"task-level size wins", model.TaskDefinition{CPU: "1 vCPU", Memory: "2 GB", Containers: []model.ContainerDefinition{{CPU: 10, Memory: 10}}}, model.TaskNeeds{CPU: 1024, Memory: 2048}},
		{"soft limit when no hard limit", model.TaskDefinition{Containers: []model.ContainerDefinition{{MemoryReservation: 300}}}, model.TaskNeeds{Memory: 300}},
		{"host mode uses the container port", model.TaskDefinition{NetworkMode: "host", Containers: []model.ContainerDefinition{{PortMappings: []model.PortMapping{{ContainerPort: 24224, Protocol: "udp"}}}}}, model.TaskNeeds{PortsUDP: []int{24224}}},
		{"awsvpc reserves no host port", model.TaskDefinition{NetworkMode: "awsvpc", Containers: []model.ContainerDefinition{{PortMappings: []model.PortMapping{{ContainerPort: 80, HostPort: 80}}}}}, model.TaskNeeds{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := model.NeedsOf(c.td)
			if got.CPU != c.want.CPU || got.Memory != c.want.Memory || len(got.Ports) != len(c.want.Ports) || len(got.PortsUDP) != len(c.want.PortsUDP) {
				t.Errorf("NeedsOf = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestPackTasks(t *testing.T) {
	free := []model.Resources{{CPU: 512, Memory: 1024, Ports: []int{80}}, {CPU: 512, Memory: 1024}}
	cases := []struct {
		name     string
		tasks    []model.TaskNeeds
		unplaced int
		reason   string
	}{
		{"fits", []model.TaskNeeds{{CPU: 256, Memory: 256}, {CPU: 256, Memory: 256}, {CPU: 512, Memory: 512}}, 0, ""},
		{"one static port slot left", []model.TaskNeeds{{CPU: 1, Ports: []int{80}}, {CPU: 1, Ports: []int{80}}}, 1, model.ReasonPorts},
		{"cpu short", []model.TaskNeeds{{CPU: 600}}, 1, model.ReasonCPU},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, why := model.PackTasks(free, c.tasks)
			if n != c.unplaced || why != c.reason {
				t.Errorf("PackTasks = %d %q, want %d %q", n, why, c.unplaced, c.reason)
			}
		})
	}
}
