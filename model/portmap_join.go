package model

import (
	"fmt"
	"sort"
	"strings"
)

// portJoin holds the lookups BuildPortMap joins through, built once from its
// input, and which targets a task binding has claimed.
type portJoin struct {
	tds        map[string]TaskDefinition // by ARN
	insts      map[string]instInfo       // by container instance ARN
	byEC2      map[string]instInfo       // by EC2 instance id
	tgNames    map[string]string         // target group ARN → name
	tgType     map[string]string         // target group ARN → target type
	targets    map[targetKey]TargetHealth
	links      map[string][]lbLink // service → its load balancer entries
	tgServices map[string][]string // target group ARN → services sending to it
	matched    map[targetKey]bool  // targets a task binding accounts for
}

type instInfo struct {
	arn, ec2, ip, az string
}

type targetKey struct {
	tg, id string
	port   int
}

type staticPort struct {
	port  int
	proto string
}

// lbLink is one load balancer entry of a service.
type lbLink struct {
	tg, container string
	port          int
}

func newPortJoin(in PortMapInput) *portJoin {
	j := &portJoin{
		tds:   in.TaskDefinitions,
		insts: map[string]instInfo{}, byEC2: map[string]instInfo{},
		tgNames: map[string]string{}, tgType: map[string]string{},
		targets: map[targetKey]TargetHealth{}, links: map[string][]lbLink{},
		tgServices: map[string][]string{}, matched: map[targetKey]bool{},
	}
	for _, ci := range in.Instances {
		info := instInfo{arn: ci.ARN, ec2: ci.EC2InstanceID, ip: ci.PrivateIP, az: ci.AvailabilityZone}
		j.insts[ci.ARN] = info
		if ci.EC2InstanceID != "" {
			j.byEC2[ci.EC2InstanceID] = info
		}
	}
	for _, tg := range in.TargetGroups {
		j.tgNames[tg.ARN] = tg.Name
		j.tgType[tg.ARN] = tg.TargetType
	}
	for _, th := range in.TargetHealth {
		j.targets[targetKey{th.TargetGroupARN, th.TargetID, th.Port}] = th
	}
	for _, s := range in.Services {
		for _, lb := range s.LoadBalancers {
			if lb.TargetGroupARN == "" {
				continue
			}
			j.links[s.Name] = append(j.links[s.Name], lbLink{tg: lb.TargetGroupARN, container: lb.ContainerName, port: lb.ContainerPort})
			j.tgServices[lb.TargetGroupARN] = appendUnique(j.tgServices[lb.TargetGroupARN], s.Name)
		}
	}
	return j
}

// addTask adds one row per host port binding of t's containers (per port
// mapping of an awsvpc task, which publishes none on a host).
func (j *portJoin) addTask(pm *PortMap, t Task) {
	svc := t.ServiceName()
	td, hasTD := j.tds[t.TaskDefinitionARN]
	inst := j.insts[t.ContainerInstanceARN]
	if t.PrivateIP != "" || (hasTD && td.NetworkMode == "awsvpc") {
		j.addAWSVPCTask(pm, t, td, inst)
		return
	}
	for _, c := range t.Containers {
		for _, b := range c.NetworkBindings {
			row := PortMapRow{
				Service: svc, TaskARN: t.ARN, TaskID: t.ID, TaskDefinition: ResourceID(t.TaskDefinitionARN),
				Container: c.Name, ContainerPort: b.ContainerPort, HostPort: b.HostPort,
				Protocol: protoOf(b.Protocol), TaskStatus: t.LastStatus,
				ContainerInstanceARN: t.ContainerInstanceARN, InstanceID: inst.ec2, PrivateIP: inst.ip,
				AZ:      firstOf(t.AvailabilityZone, inst.az),
				Dynamic: isDynamic(td, hasTD, c.Name, b),
			}
			j.attachTarget(pm, &row, t, inst)
			pm.Rows = append(pm.Rows, row)
		}
	}
}

// addAWSVPCTask adds a row per port mapping of an awsvpc task's containers:
// the task's own address and the container port.
func (j *portJoin) addAWSVPCTask(pm *PortMap, t Task, td TaskDefinition, inst instInfo) {
	for _, c := range t.Containers {
		cd, ok := td.Container(c.Name)
		if !ok {
			continue
		}
		for _, m := range cd.PortMappings {
			row := PortMapRow{
				Service: t.ServiceName(), TaskARN: t.ARN, TaskID: t.ID, TaskDefinition: ResourceID(t.TaskDefinitionARN),
				Container: c.Name, ContainerPort: m.ContainerPort, HostPort: m.ContainerPort,
				Protocol: protoOf(m.Protocol), TaskStatus: t.LastStatus,
				ContainerInstanceARN: t.ContainerInstanceARN, InstanceID: inst.ec2, PrivateIP: t.PrivateIP,
				AZ:     firstOf(t.AvailabilityZone, inst.az),
				AWSVPC: true, Fargate: t.LaunchType == "FARGATE", PlatformVersion: t.PlatformVersion,
			}
			j.attachTarget(pm, &row, t, inst)
			pm.Rows = append(pm.Rows, row)
		}
	}
}

// attachTarget finds the target group the row's service sends its
// container port to and the target registered for the row's instance and
// host port (an ip target group: the task's address and container port). A
// running task missing from its target group is an issue.
func (j *portJoin) attachTarget(pm *PortMap, row *PortMapRow, t Task, inst instInfo) {
	for _, l := range j.links[row.Service] {
		if l.container != row.Container || l.port != row.ContainerPort {
			continue
		}
		row.TargetGroupARN, row.TargetGroup = l.tg, firstOf(j.tgNames[l.tg], tgNameFromARN(l.tg))
		id, where := inst.ec2, firstOf(inst.ec2, "an unknown instance")
		if j.tgType[l.tg] == "ip" || row.AWSVPC {
			id, where = row.PrivateIP, firstOf(row.PrivateIP, "an unknown address")
		}
		k := targetKey{l.tg, id, row.HostPort}
		if th, ok := j.targets[k]; ok && id != "" {
			j.matched[k] = true
			row.TargetState, row.TargetReason = th.State, th.Reason
		} else if t.LastStatus == StatusRunning && t.DesiredStatus != StatusStopped {
			row.Flags |= FlagUnregistered
			pm.Issues = append(pm.Issues, PortIssue{
				Kind: IssueUnregistered, Service: row.Service, TargetGroup: row.TargetGroup,
				InstanceID: id, Port: row.HostPort,
				Detail: fmt.Sprintf("task %s of %s (container %s, host port %d on %s) is running but not registered in target group %s",
					shortTask(t.ID), row.Service, row.Container, row.HostPort, where, row.TargetGroup),
			})
		}
		return
	}
}

// addStaleTargets adds a row per target of our services' target groups that
// no task binding claimed: registered with no running task behind it.
// (Targets of type ip are matched against awsvpc tasks' addresses.) A
// draining target is on its way out, so expected.
func (j *portJoin) addStaleTargets(pm *PortMap, health []TargetHealth) {
	seen := map[targetKey]bool{}
	for _, th := range health {
		k := targetKey{th.TargetGroupARN, th.TargetID, th.Port}
		svcs, ours := j.tgServices[th.TargetGroupARN]
		if !ours || j.matched[k] || seen[k] {
			continue
		}
		seen[k] = true
		name := firstOf(j.tgNames[th.TargetGroupARN], tgNameFromARN(th.TargetGroupARN))
		inst := j.byEC2[th.TargetID]
		row := PortMapRow{
			Service: strings.Join(svcs, ","), HostPort: th.Port, Protocol: "tcp",
			ContainerInstanceARN: inst.arn, InstanceID: th.TargetID, PrivateIP: inst.ip, AZ: firstOf(th.AZ, inst.az),
			TargetGroupARN: th.TargetGroupARN, TargetGroup: name, TargetState: th.State, TargetReason: th.Reason,
			Dynamic: th.Port >= EphemeralPortMin && th.Port <= EphemeralPortMax,
		}
		if j.tgType[th.TargetGroupARN] == "ip" { // an address, not an instance
			row.InstanceID, row.PrivateIP, row.AWSVPC, row.Dynamic = "", th.TargetID, true, false
		}
		for _, s := range svcs {
			for _, l := range j.links[s] {
				if l.tg == th.TargetGroupARN {
					row.Container, row.ContainerPort = l.container, l.port
				}
			}
		}
		if th.State != TargetDraining {
			row.Flags |= FlagStaleTarget
			pm.Issues = append(pm.Issues, PortIssue{
				Kind: IssueStaleTarget, Service: row.Service, TargetGroup: name, InstanceID: th.TargetID, Port: th.Port,
				Detail: fmt.Sprintf("target %s:%d in %s (%s) has no running task behind it",
					th.TargetID, th.Port, name, firstOf(th.State, "unknown")),
			})
		}
		pm.Rows = append(pm.Rows, row)
	}
}

// sortPortRows orders rows by service, then a service's task bindings
// before its stale targets, then task, container, instance and host port.
func sortPortRows(rows []PortMapRow) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if (a.TaskARN == "") != (b.TaskARN == "") {
			return a.TaskARN != "" // stale targets after the service's tasks
		}
		if a.TaskID != b.TaskID {
			return a.TaskID < b.TaskID
		}
		if a.Container != b.Container {
			return a.Container < b.Container
		}
		if a.InstanceID != b.InstanceID {
			return a.InstanceID < b.InstanceID
		}
		return a.HostPort < b.HostPort
	})
}
