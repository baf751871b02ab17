package model

import (
	"fmt"
	"sort"
	"strings"
)

// Ephemeral host port range ECS draws dynamic ports from (Linux default).
const (
	EphemeralPortMin = 32768
	EphemeralPortMax = 60999
)

// PortFlag marks what is wrong with a port map row.
type PortFlag uint8

const (
	// FlagStaleTarget: a target registered in a target group with no running
	// task binding behind it (instance + port).
	FlagStaleTarget PortFlag = 1 << iota
	// FlagUnregistered: a running task's load-balanced binding is absent from
	// its target group.
	FlagUnregistered
	// FlagStaticConflict: the binding holds a static host port that another
	// task definition (another service, or another revision of the same
	// service mid-rollout) also demands.
	FlagStaticConflict
	// FlagRolloutBlocked: the row's service cannot place one more task on any
	// ACTIVE instance, so its next rollout cannot start a task first.
	FlagRolloutBlocked
)

// Has reports whether f includes g.
func (f PortFlag) Has(g PortFlag) bool { return f&g != 0 }

// Names lists the flags set, in severity order, as one short word each.
func (f PortFlag) Names() []string {
	var out []string
	if f.Has(FlagStaleTarget) {
		out = append(out, "stale")
	}
	if f.Has(FlagUnregistered) {
		out = append(out, "unregistered")
	}
	if f.Has(FlagStaticConflict) {
		out = append(out, "conflict")
	}
	if f.Has(FlagRolloutBlocked) {
		out = append(out, "blocked")
	}
	return out
}

// PortMapInput is everything the join needs; all of one cluster.
type PortMapInput struct {
	Services        []Service
	Tasks           []Task                    // tasks to map (usually desired RUNNING)
	TaskDefinitions map[string]TaskDefinition // by ARN: services' deployments and the tasks'
	Instances       []ContainerInstance
	TargetGroups    []TargetGroup
	TargetHealth    []TargetHealth // every target of TargetGroups
}

// PortMapRow is one host port binding (or one stale target).
type PortMapRow struct {
	Service        string // "" for a standalone task
	TaskARN        string // "" for a stale target
	TaskID         string
	TaskDefinition string // family:revision
	Container      string
	ContainerPort  int
	HostPort       int
	Protocol       string
	Dynamic        bool // host port chosen by ECS from the ephemeral range
	TaskStatus     string

	ContainerInstanceARN string
	InstanceID           string // EC2 instance id ("" on Fargate)
	PrivateIP            string // the instance's, or an awsvpc task's own ENI address
	// AWSVPC: the task has its own network interface; its container port is
	// reached at PrivateIP (HostPort is the container port) and a target
	// group of type ip registers PrivateIP:port. Fargate tasks are awsvpc
	// tasks on no instance, at PlatformVersion.
	AWSVPC          bool
	Fargate         bool
	PlatformVersion string
	AZ              string

	TargetGroupARN string
	TargetGroup    string // name
	TargetState    string // "" when the binding is not load balanced
	TargetReason   string

	Flags PortFlag
}

// PortIssueKind is the kind of a port map finding.
type PortIssueKind int

const (
	IssueStaleTarget PortIssueKind = iota
	IssueUnregistered
	IssueStaticConflict
	IssueRolloutBlocked
)

func (k PortIssueKind) String() string {
	switch k {
	case IssueStaleTarget:
		return "stale target"
	case IssueUnregistered:
		return "not registered"
	case IssueStaticConflict:
		return "static port conflict"
	case IssueRolloutBlocked:
		return "rollout blocked"
	}
	return "issue"
}

// PortIssue is one finding, in words a person can act on.
type PortIssue struct {
	Kind        PortIssueKind
	Service     string
	TargetGroup string
	InstanceID  string
	Port        int
	// Stalls (rollout blocked only): the deployment cannot proceed at all,
	// because minimumHealthyPercent also forbids stopping a task first.
	Stalls bool
	Detail string
}

// PortMapSummary counts what the map shows.
type PortMapSummary struct {
	Bindings        int // task bindings (rows with a task)
	Dynamic         int
	Static          int
	Healthy         int // bindings whose target is healthy
	Unhealthy       int // bindings whose target is unhealthy
	StaleTargets    int
	Unregistered    int
	Conflicts       int // static host ports demanded by more than one task definition
	BlockedServices int
}

// PortMap is the joined view.
type PortMap struct {
	Rows    []PortMapRow
	Issues  []PortIssue
	Summary PortMapSummary
}

// BuildPortMap joins tasks, task definitions, instances and target health
// into one row per host port binding, adds a row per stale target, and
// flags stale targets, unregistered tasks, static host port conflicts and
// services whose next task fits on no instance. It is pure: same input, same
// output, rows sorted by service, task, container, port.
func BuildPortMap(in PortMapInput) PortMap {
	var pm PortMap
	j := newPortJoin(in)
	for _, t := range in.Tasks {
		j.addTask(&pm, t)
	}
	j.addStaleTargets(&pm, in.TargetHealth)
	flagFleetIssues(in, &pm)
	sortPortRows(pm.Rows)
	pm.Summary = Summarise(pm)
	return pm
}

// flagFleetIssues finds what no single row shows — static ports two task
// definitions demand, services whose next task fits nowhere — and flags the
// rows concerned.
func flagFleetIssues(in PortMapInput, pm *PortMap) {
	conflictPorts := staticConflicts(in, pm)
	blocked := blockedServices(in, pm)
	for i := range pm.Rows {
		r := &pm.Rows[i]
		if r.TaskARN != "" && !r.Dynamic && conflictPorts[staticPort{r.HostPort, r.Protocol}] {
			r.Flags |= FlagStaticConflict
		}
		if r.Service != "" && blocked[r.Service] {
			r.Flags |= FlagRolloutBlocked
		}
	}
}

// portDemand is one task definition's claim on a static host port.
type portDemand struct {
	service          string
	running, desired int
}

// staticConflicts finds static host ports demanded by more than one task
// definition (two services, or two revisions of one service mid-rollout):
// their tasks can never share an instance. It records one issue per port.
func staticConflicts(in PortMapInput, pm *PortMap) map[staticPort]bool {
	demands := map[staticPort]map[string]*portDemand{}
	add := func(tdARN, service string, running, desired int) {
		td, ok := in.TaskDefinitions[tdARN]
		if !ok {
			return
		}
		n := NeedsOf(td)
		claim := func(p staticPort) {
			m := demands[p]
			if m == nil {
				m = map[string]*portDemand{}
				demands[p] = m
			}
			d := m[tdARN]
			if d == nil {
				d = &portDemand{service: service}
				m[tdARN] = d
			}
			d.running += running
			d.desired += desired
		}
		for _, p := range n.Ports {
			claim(staticPort{p, "tcp"})
		}
		for _, p := range n.PortsUDP {
			claim(staticPort{p, "udp"})
		}
	}
	for _, s := range in.Services {
		if s.Status != "" && s.Status != "ACTIVE" {
			continue
		}
		for _, d := range s.Deployments {
			if d.DesiredCount == 0 && d.RunningCount == 0 {
				continue
			}
			add(d.TaskDefinitionARN, s.Name, d.RunningCount, d.DesiredCount)
		}
	}
	// Standalone tasks (daemons started per instance) hold ports too.
	for _, t := range in.Tasks {
		if t.ServiceName() == "" && t.LastStatus == StatusRunning {
			add(t.TaskDefinitionARN, "", 1, 1)
		}
	}
	var ports []staticPort
	for p, m := range demands {
		if len(m) > 1 {
			ports = append(ports, p)
		}
	}
	sort.Slice(ports, func(i, j int) bool {
		if ports[i].port != ports[j].port {
			return ports[i].port < ports[j].port
		}
		return ports[i].proto < ports[j].proto
	})
	out := map[staticPort]bool{}
	for _, p := range ports {
		out[p] = true
		var tds, parts, svcs []string
		for td := range demands[p] {
			tds = append(tds, td)
		}
		sort.Strings(tds)
		for _, td := range tds {
			d := demands[p][td]
			who := ResourceID(td)
			if d.service != "" {
				if !strings.HasPrefix(who, d.service+":") {
					who = d.service + " " + who
				}
				svcs = appendUnique(svcs, d.service)
			} else {
				who = "standalone " + who
			}
			parts = append(parts, fmt.Sprintf("%s (%d/%d running)", who, d.running, d.desired))
		}
		pm.Issues = append(pm.Issues, PortIssue{
			Kind: IssueStaticConflict, Service: strings.Join(svcs, ","), Port: p.port,
			Detail: fmt.Sprintf("host port %d/%s is static in %s: their tasks cannot share an instance",
				p.port, p.proto, strings.Join(parts, " and ")),
		})
	}
	return out
}

// blockedServices finds services whose PRIMARY task definition fits on no
// ACTIVE instance for one more task: the next rollout (or scale-up) cannot
// start a task before stopping one. With minimumHealthyPercent 100 it cannot
// stop one either, and stalls.
func blockedServices(in PortMapInput, pm *PortMap) map[string]bool {
	var active []ContainerInstance
	for _, ci := range in.Instances {
		if ci.Status == InstanceActive && ci.AgentConnected {
			active = append(active, ci)
		}
	}
	// Tasks per service per instance, for distinctInstance.
	onInstance := map[string]map[string]bool{}
	for _, t := range in.Tasks {
		if s := t.ServiceName(); s != "" && t.DesiredStatus != StatusStopped {
			if onInstance[s] == nil {
				onInstance[s] = map[string]bool{}
			}
			onInstance[s][t.ContainerInstanceARN] = true
		}
	}
	out := map[string]bool{}
	for _, s := range in.Services {
		if (s.Status != "" && s.Status != "ACTIVE") || s.DesiredCount == 0 || s.SchedulingStrategy == "DAEMON" || s.OnFargate() {
			continue
		}
		tdARN := s.TaskDefinitionARN
		if d, ok := s.PrimaryDeployment(); ok && d.TaskDefinitionARN != "" {
			tdARN = d.TaskDefinitionARN
		}
		td, ok := in.TaskDefinitions[tdARN]
		if !ok {
			continue
		}
		need := NeedsOf(td)
		distinct := false
		for _, c := range s.PlacementConstraints {
			if c.Type == "distinctInstance" {
				distinct = true
			}
		}
		reasons := map[string]int{}
		fits := 0
		for _, ci := range active {
			if distinct && onInstance[s.Name][ci.ARN] {
				reasons["distinctInstance"]++
				continue
			}
			if ok, why := ci.Remaining.Fits(need); ok {
				fits++
			} else {
				reasons[why]++
			}
		}
		if fits > 0 {
			continue
		}
		out[s.Name] = true
		stalls := s.DeploymentConfiguration.MinimumHealthyPercent >= 100
		var why []string
		for _, r := range []string{ReasonPorts, ReasonCPU, ReasonMemory, "distinctInstance"} {
			if n := reasons[r]; n > 0 {
				why = append(why, fmt.Sprintf("%s on %d", reasonWords(r, need), n))
			}
		}
		detail := fmt.Sprintf("no ACTIVE instance can place one more %s task (%s)", s.Name, firstOf(strings.Join(why, ", "), "no ACTIVE instances"))
		if stalls {
			detail += fmt.Sprintf("; minimumHealthyPercent %d forbids stopping one first, so the rollout stalls",
				s.DeploymentConfiguration.MinimumHealthyPercent)
		} else {
			detail += fmt.Sprintf("; the rollout can only proceed by stopping old tasks first (minimumHealthyPercent %d)",
				s.DeploymentConfiguration.MinimumHealthyPercent)
		}
		pm.Issues = append(pm.Issues, PortIssue{Kind: IssueRolloutBlocked, Service: s.Name, Stalls: stalls, Detail: detail})
	}
	return out
}

func reasonWords(reason string, need TaskNeeds) string {
	switch reason {
	case ReasonPorts:
		var ps []string
		for _, p := range need.Ports {
			ps = append(ps, itoa(p))
		}
		for _, p := range need.PortsUDP {
			ps = append(ps, itoa(p)+"/udp")
		}
		return "port " + strings.Join(ps, ",") + " in use"
	case ReasonCPU:
		return fmt.Sprintf("CPU < %d", need.CPU)
	case ReasonMemory:
		return fmt.Sprintf("memory < %d MiB", need.Memory)
	case "distinctInstance":
		return "already running one (distinctInstance)"
	}
	return reason
}

// Summarise counts the bindings and findings of a port map; views that
// narrow a port map to one service or instance recount with it.
func Summarise(pm PortMap) PortMapSummary {
	var s PortMapSummary
	for _, r := range pm.Rows {
		if r.TaskARN == "" {
			continue
		}
		s.Bindings++
		if r.Dynamic {
			s.Dynamic++
		} else {
			s.Static++
		}
		switch r.TargetState {
		case TargetHealthy:
			s.Healthy++
		case TargetUnhealthy:
			s.Unhealthy++
		}
	}
	for _, is := range pm.Issues {
		switch is.Kind {
		case IssueStaleTarget:
			s.StaleTargets++
		case IssueUnregistered:
			s.Unregistered++
		case IssueStaticConflict:
			s.Conflicts++
		case IssueRolloutBlocked:
			s.BlockedServices++
		}
	}
	return s
}

// isDynamic reports whether ECS chose the binding's host port: the task
// definition maps the port with hostPort 0 in bridge mode. Without the task
// definition, a host port in the ephemeral range that differs from the
// container port is taken as dynamic.
func isDynamic(td TaskDefinition, hasTD bool, container string, b NetworkBinding) bool {
	if hasTD {
		if td.NetworkMode == "host" || td.NetworkMode == "awsvpc" {
			return false
		}
		if c, ok := td.Container(container); ok {
			for _, pm := range c.PortMappings {
				if pm.ContainerPort == b.ContainerPort && strings.EqualFold(protoOf(pm.Protocol), protoOf(b.Protocol)) {
					return pm.HostPort == 0
				}
			}
		}
	}
	return b.HostPort != b.ContainerPort && b.HostPort >= EphemeralPortMin && b.HostPort <= EphemeralPortMax
}

func protoOf(p string) string {
	if p == "" {
		return "tcp"
	}
	return strings.ToLower(p)
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func appendUnique(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}

func shortTask(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// tgNameFromARN is a target group's name from its ARN (…:targetgroup/NAME/ID).
func tgNameFromARN(arn string) string {
	const marker = "targetgroup/"
	if i := strings.Index(arn, marker); i >= 0 {
		rest := arn[i+len(marker):]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return rest[:j]
		}
		return rest
	}
	return arn
}
