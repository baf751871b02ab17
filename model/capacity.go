package model

import (
	"slices"
	"strconv"
	"strings"
)

// Placement failure reasons, worded as ECS words them in StartTask/RunTask failures.
const (
	ReasonCPU    = "RESOURCE:CPU"
	ReasonMemory = "RESOURCE:MEMORY"
	ReasonPorts  = "RESOURCE:PORTS"
)

// TaskNeeds is what one task of a task definition reserves on an EC2 host.
type TaskNeeds struct {
	CPU      int
	Memory   int
	Ports    []int // static TCP host ports
	PortsUDP []int // static UDP host ports
}

// StaticPorts reports whether the task needs fixed host ports, the property
// that keeps two copies off one host and blocks in-place rolling replacement.
func (n TaskNeeds) StaticPorts() bool { return len(n.Ports)+len(n.PortsUDP) > 0 }

// NeedsOf returns what one task of td reserves: task-level CPU/memory when set
// (ECS reserves those), otherwise the sum over containers (memory: the hard
// limit, else the soft reservation); and every static host port. Dynamic
// ports (hostPort 0 in bridge mode) and awsvpc tasks reserve no host port.
func NeedsOf(td TaskDefinition) TaskNeeds {
	var n TaskNeeds
	cpu, cpuSet := parseCPU(td.CPU)
	mem, memSet := parseMemory(td.Memory)
	for _, c := range td.Containers {
		if !cpuSet {
			n.CPU += c.CPU
		}
		if !memSet {
			if c.Memory > 0 {
				n.Memory += c.Memory
			} else {
				n.Memory += c.MemoryReservation
			}
		}
		if td.NetworkMode == "awsvpc" || td.NetworkMode == "none" {
			continue
		}
		for _, p := range c.PortMappings {
			host := p.HostPort
			if td.NetworkMode == "host" && host == 0 {
				host = p.ContainerPort
			}
			if host == 0 {
				continue
			}
			if strings.EqualFold(p.Protocol, "udp") {
				n.PortsUDP = append(n.PortsUDP, host)
			} else {
				n.Ports = append(n.Ports, host)
			}
		}
	}
	if cpuSet {
		n.CPU = cpu
	}
	if memSet {
		n.Memory = mem
	}
	return n
}

// parseCPU reads a task-level CPU value as ECS reports it: "256" or "1 vCPU".
func parseCPU(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if f := strings.Fields(s); len(f) == 2 && strings.EqualFold(f[1], "vcpu") {
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, false
		}
		return int(v * 1024), true
	}
	v, err := strconv.Atoi(s)
	return v, err == nil
}

// parseMemory reads a task-level memory value: "512" (MiB) or "2 GB".
func parseMemory(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if f := strings.Fields(s); len(f) == 2 && strings.EqualFold(f[1], "gb") {
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, false
		}
		return int(v * 1024), true
	}
	v, err := strconv.Atoi(s)
	return v, err == nil
}

// Fits reports whether r (an instance's remaining resources) can take one
// more task with needs n, and if not the ECS reason why. Ports are checked
// first because a port clash is the failure people cannot fix by waiting.
func (r Resources) Fits(n TaskNeeds) (bool, string) {
	for _, p := range n.Ports {
		if slices.Contains(r.Ports, p) {
			return false, ReasonPorts
		}
	}
	for _, p := range n.PortsUDP {
		if slices.Contains(r.PortsUDP, p) {
			return false, ReasonPorts
		}
	}
	if n.CPU > r.CPU {
		return false, ReasonCPU
	}
	if n.Memory > r.Memory {
		return false, ReasonMemory
	}
	return true, ""
}

// Reserve returns r after placing one task with needs n.
func (r Resources) Reserve(n TaskNeeds) Resources {
	out := Resources{CPU: r.CPU - n.CPU, Memory: r.Memory - n.Memory}
	out.Ports = append(slices.Clone(r.Ports), n.Ports...)
	out.PortsUDP = append(slices.Clone(r.PortsUDP), n.PortsUDP...)
	return out
}

// Release returns r after one task with needs n has left.
func (r Resources) Release(n TaskNeeds) Resources {
	out := Resources{CPU: r.CPU + n.CPU, Memory: r.Memory + n.Memory}
	out.Ports = removeEach(r.Ports, n.Ports)
	out.PortsUDP = removeEach(r.PortsUDP, n.PortsUDP)
	return out
}

func removeEach(from, drop []int) []int {
	out := slices.Clone(from)
	for _, d := range drop {
		if i := slices.Index(out, d); i >= 0 {
			out = slices.Delete(out, i, i+1)
		}
	}
	return out
}

// CountFits returns how many tasks with needs n fit into r, at most limit,
// and the reason the next one would not fit.
func (r Resources) CountFits(n TaskNeeds, limit int) (int, string) {
	count := 0
	for count < limit {
		ok, why := r.Fits(n)
		if !ok {
			return count, why
		}
		if n.CPU == 0 && n.Memory == 0 && !n.StaticPorts() {
			// A task that reserves nothing fits without bound.
			return limit, ""
		}
		r = r.Reserve(n)
		count++
	}
	return count, ""
}

// PackTasks places each of tasks (by needs) on the first instance with room,
// largest first, and returns how many could not be placed with the reason of
// the first one that did not fit. It answers "can the remaining instances
// hold these tasks?" the way a scheduler with spare room would.
func PackTasks(free []Resources, tasks []TaskNeeds) (unplaced int, reason string) {
	room := make([]Resources, len(free))
	copy(room, free)
	order := slices.Clone(tasks)
	slices.SortStableFunc(order, func(a, b TaskNeeds) int {
		return (b.CPU + b.Memory) - (a.CPU + a.Memory)
	})
	for _, t := range order {
		placed := false
		var why string
		for i := range room {
			if ok, w := room[i].Fits(t); ok {
				room[i] = room[i].Reserve(t)
				placed = true
				break
			} else if why == "" {
				why = w
			}
		}
		if !placed {
			unplaced++
			if reason == "" {
				reason = why
			}
		}
	}
	return unplaced, reason
}
