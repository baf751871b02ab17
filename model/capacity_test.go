package model

import (
	"reflect"
	"slices"
	"testing"
)

func TestNeedsOf(t *testing.T) {
	ctr := func(cpu, mem, soft int, ports ...PortMapping) ContainerDefinition {
		return ContainerDefinition{Name: "c", CPU: cpu, Memory: mem, MemoryReservation: soft, PortMappings: ports}
	}
	tcp := func(c, h int) PortMapping { return PortMapping{ContainerPort: c, HostPort: h} }
	udp := func(c, h int) PortMapping { return PortMapping{ContainerPort: c, HostPort: h, Protocol: "UDP"} }
	tests := []struct {
		name string
		td   TaskDefinition
		want TaskNeeds
	}{
		{"containers summed", TaskDefinition{NetworkMode: "bridge", Containers: []ContainerDefinition{ctr(256, 512, 0), ctr(128, 0, 64)}},
			TaskNeeds{CPU: 384, Memory: 576}},
		{"hard limit wins over soft", TaskDefinition{Containers: []ContainerDefinition{ctr(0, 512, 256)}},
			TaskNeeds{Memory: 512}},
		{"task-level units override containers", TaskDefinition{CPU: "1024", Memory: "2048", Containers: []ContainerDefinition{ctr(256, 512, 0)}},
			TaskNeeds{CPU: 1024, Memory: 2048}},
		{"task-level vCPU and GB", TaskDefinition{CPU: "0.5 vCPU", Memory: "1.5 GB"},
			TaskNeeds{CPU: 512, Memory: 1536}},
		{"task-level spelled in lower case", TaskDefinition{CPU: " 2 vcpu ", Memory: "2 gb"},
			TaskNeeds{CPU: 2048, Memory: 2048}},
		{"unreadable task-level falls back to containers", TaskDefinition{CPU: "lots", Memory: "x GB", Containers: []ContainerDefinition{ctr(256, 512, 0)}},
			TaskNeeds{CPU: 256, Memory: 512}},
		{"only one task-level value set", TaskDefinition{Memory: "1024", Containers: []ContainerDefinition{ctr(256, 512, 0)}},
			TaskNeeds{CPU: 256, Memory: 1024}},
		{"bridge: static ports reserved, dynamic not", TaskDefinition{NetworkMode: "bridge", Containers: []ContainerDefinition{ctr(0, 0, 0, tcp(80, 80), tcp(8080, 0), udp(53, 5353))}},
			TaskNeeds{Ports: []int{80}, PortsUDP: []int{5353}}},
		{"default network mode is bridge", TaskDefinition{Containers: []ContainerDefinition{ctr(0, 0, 0, tcp(443, 8443))}},
			TaskNeeds{Ports: []int{8443}}},
		{"host mode: the container port is the host port", TaskDefinition{NetworkMode: "host", Containers: []ContainerDefinition{ctr(0, 0, 0, tcp(9090, 0), udp(514, 0))}},
			TaskNeeds{Ports: []int{9090}, PortsUDP: []int{514}}},
		{"awsvpc reserves no host port", TaskDefinition{NetworkMode: "awsvpc", Containers: []ContainerDefinition{ctr(256, 512, 0, tcp(80, 80))}},
			TaskNeeds{CPU: 256, Memory: 512}},
		{"none reserves no host port", TaskDefinition{NetworkMode: "none", Containers: []ContainerDefinition{ctr(0, 0, 0, tcp(80, 80))}},
			TaskNeeds{}},
		{"empty definition", TaskDefinition{}, TaskNeeds{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsOf(tt.td); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("NeedsOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestStaticPorts(t *testing.T) {
	for _, tt := range []struct {
		n    TaskNeeds
		want bool
	}{
		{TaskNeeds{CPU: 256}, false},
		{TaskNeeds{Ports: []int{80}}, true},
		{TaskNeeds{PortsUDP: []int{53}}, true},
	} {
		if got := tt.n.StaticPorts(); got != tt.want {
			t.Errorf("%+v.StaticPorts() = %v, want %v", tt.n, got, tt.want)
		}
	}
}

func TestFits(t *testing.T) {
	room := Resources{CPU: 1024, Memory: 2048, Ports: []int{22, 80}, PortsUDP: []int{53}}
	tests := []struct {
		name   string
		r      Resources
		n      TaskNeeds
		fits   bool
		reason string
	}{
		{"plenty of room", room, TaskNeeds{CPU: 256, Memory: 512}, true, ""},
		{"exactly the remaining CPU and memory", room, TaskNeeds{CPU: 1024, Memory: 2048}, true, ""},
		{"one CPU unit too many", room, TaskNeeds{CPU: 1025}, false, ReasonCPU},
		{"one MiB too many", room, TaskNeeds{Memory: 2049}, false, ReasonMemory},
		{"CPU is reported before memory", room, TaskNeeds{CPU: 4096, Memory: 4096}, false, ReasonCPU},
		{"TCP port in use", room, TaskNeeds{Ports: []int{80}}, false, ReasonPorts},
		{"UDP port in use", room, TaskNeeds{PortsUDP: []int{53}}, false, ReasonPorts},
		{"same number, other protocol", room, TaskNeeds{Ports: []int{53}, PortsUDP: []int{80}}, true, ""},
		{"a port clash is reported before resources", room, TaskNeeds{CPU: 4096, Ports: []int{22}}, false, ReasonPorts},
		{"free port", room, TaskNeeds{Ports: []int{8080}}, true, ""},
		{"nothing left, nothing needed", Resources{}, TaskNeeds{}, true, ""},
		{"overcommitted instance", Resources{CPU: -10, Memory: 100}, TaskNeeds{Memory: 10}, false, ReasonCPU},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fits, reason := tt.r.Fits(tt.n)
			if fits != tt.fits || reason != tt.reason {
				t.Errorf("Fits = %v %q, want %v %q", fits, reason, tt.fits, tt.reason)
			}
		})
	}
}

func TestReserveAndRelease(t *testing.T) {
	tests := []struct {
		name     string
		r        Resources
		n        TaskNeeds
		reserved Resources
	}{
		{"resources only", Resources{CPU: 1024, Memory: 2048, Ports: []int{22}},
			TaskNeeds{CPU: 256, Memory: 512}, Resources{CPU: 768, Memory: 1536, Ports: []int{22}}},
		{"ports of both protocols", Resources{CPU: 1024, Memory: 2048, Ports: []int{22}},
			TaskNeeds{CPU: 256, Memory: 512, Ports: []int{80, 443}, PortsUDP: []int{53}},
			Resources{CPU: 768, Memory: 1536, Ports: []int{22, 80, 443}, PortsUDP: []int{53}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := Resources{CPU: tt.r.CPU, Memory: tt.r.Memory, Ports: slices.Clone(tt.r.Ports), PortsUDP: slices.Clone(tt.r.PortsUDP)}
			got := tt.r.Reserve(tt.n)
			if !equalResources(got, tt.reserved) {
				t.Errorf("Reserve = %+v, want %+v", got, tt.reserved)
			}
			if !equalResources(tt.r, before) {
				t.Errorf("Reserve changed its receiver: %+v, was %+v", tt.r, before)
			}
			back := got.Release(tt.n)
			if !equalResources(back, before) {
				t.Errorf("Release(Reserve(r)) = %+v, want %+v", back, before)
			}
			if !equalResources(got, tt.reserved) {
				t.Errorf("Release changed its receiver: %+v", got)
			}
		})
	}
}

// A task leaving releases one use of a port, not every use: two tasks of a
// host-mode daemon on one host (a failed placement the simulator models)
// must leave the port in use after the first stops.
func TestReleaseDropsOneUseOfAPort(t *testing.T) {
	r := Resources{Ports: []int{80, 80, 443}}
	got := r.Release(TaskNeeds{Ports: []int{80}})
	if !slices.Equal(got.Ports, []int{80, 443}) {
		t.Errorf("ports after release %v, want [80 443]", got.Ports)
	}
	if got := r.Release(TaskNeeds{Ports: []int{8080}}); !slices.Equal(got.Ports, r.Ports) {
		t.Errorf("releasing a port not in use changed the ports: %v", got.Ports)
	}
}

func TestCountFits(t *testing.T) {
	room := Resources{CPU: 1024, Memory: 2048, Ports: []int{22}}
	tests := []struct {
		name   string
		r      Resources
		n      TaskNeeds
		limit  int
		count  int
		reason string
	}{
		{"bounded by CPU", room, TaskNeeds{CPU: 300, Memory: 100}, 10, 3, ReasonCPU},
		{"bounded by memory", room, TaskNeeds{CPU: 10, Memory: 600}, 10, 3, ReasonMemory},
		{"bounded by the limit", room, TaskNeeds{CPU: 10, Memory: 10}, 5, 5, ""},
		{"exact fit leaves no reason", room, TaskNeeds{CPU: 512, Memory: 1024}, 2, 2, ""},
		{"a static port: one per host", room, TaskNeeds{CPU: 10, Memory: 10, Ports: []int{80}}, 10, 1, ReasonPorts},
		{"static port already taken", room, TaskNeeds{Ports: []int{22}}, 10, 0, ReasonPorts},
		{"a task that reserves nothing fits up to the limit", room, TaskNeeds{}, 1000, 1000, ""},
		{"limit zero", room, TaskNeeds{CPU: 1}, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			count, reason := tt.r.CountFits(tt.n, tt.limit)
			if count != tt.count || reason != tt.reason {
				t.Errorf("CountFits = %d %q, want %d %q", count, reason, tt.count, tt.reason)
			}
		})
	}
}

func TestPackTasks(t *testing.T) {
	host := func(cpu, mem int, ports ...int) Resources { return Resources{CPU: cpu, Memory: mem, Ports: ports} }
	task := func(cpu, mem int, ports ...int) TaskNeeds { return TaskNeeds{CPU: cpu, Memory: mem, Ports: ports} }
	tests := []struct {
		name     string
		free     []Resources
		tasks    []TaskNeeds
		unplaced int
		reason   string
	}{
		{"all fit on one host", []Resources{host(1024, 1024)}, []TaskNeeds{task(256, 256), task(256, 256)}, 0, ""},
		{"spread over hosts", []Resources{host(512, 512), host(512, 512)}, []TaskNeeds{task(512, 512), task(512, 512)}, 0, ""},
		// First fit in the given order would put the small task on the
		// first host and strand the large one; largest first places both.
		{"largest first", []Resources{host(600, 600), host(300, 300)}, []TaskNeeds{task(200, 200), task(500, 500)}, 0, ""},
		{"one too many", []Resources{host(512, 512)}, []TaskNeeds{task(256, 256), task(256, 256), task(256, 256)}, 1, ReasonCPU},
		{"static ports: one per host", []Resources{host(4096, 4096), host(4096, 4096)},
			[]TaskNeeds{task(10, 10, 80), task(10, 10, 80), task(10, 10, 80)}, 1, ReasonPorts},
		{"port taken on every host", []Resources{host(4096, 4096, 80)}, []TaskNeeds{task(10, 10, 80)}, 1, ReasonPorts},
		{"reason of the first refusal", []Resources{host(4096, 100), host(100, 4096)}, []TaskNeeds{task(200, 200)}, 1, ReasonMemory},
		{"no hosts", nil, []TaskNeeds{task(1, 1)}, 1, ""},
		{"no tasks", []Resources{host(1, 1)}, nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			free := slices.Clone(tt.free)
			tasks := slices.Clone(tt.tasks)
			unplaced, reason := PackTasks(tt.free, tt.tasks)
			if unplaced != tt.unplaced || reason != tt.reason {
				t.Errorf("PackTasks = %d %q, want %d %q", unplaced, reason, tt.unplaced, tt.reason)
			}
			if !reflect.DeepEqual(free, tt.free) || !reflect.DeepEqual(tasks, tt.tasks) {
				t.Error("PackTasks changed its arguments")
			}
		})
	}
}

func equalResources(a, b Resources) bool {
	return a.CPU == b.CPU && a.Memory == b.Memory && slices.Equal(a.Ports, b.Ports) && slices.Equal(a.PortsUDP, b.PortsUDP)
}
