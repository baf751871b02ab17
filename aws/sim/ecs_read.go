package sim

import (
	"slices"
	"strings"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// ListClusters returns every cluster ARN in creation order.
func (w *World) ListClusters() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.clusterOrder))
	for _, n := range w.clusterOrder {
		if c := w.clusters[n]; !c.deleted {
			out = append(out, c.arn)
		}
	}
	return out
}

// DescribeClusters describes clusters by name or ARN ("default" when none).
func (w *World) DescribeClusters(ids []string) ([]model.Cluster, []model.Failure) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(ids) == 0 {
		ids = []string{"default"}
	}
	var out []model.Cluster
	var fails []model.Failure
	for _, id := range ids {
		c, ok := w.clusters[model.ResourceID(id)]
		if !ok {
			fails = append(fails, model.Failure{ARN: w.clusterARN(model.ResourceID(id)), Reason: "MISSING"})
			continue
		}
		out = append(out, w.clusterModel(c))
	}
	return out, fails
}

func (w *World) clusterModel(c *cluster) model.Cluster {
	status := "ACTIVE"
	if c.deleted {
		status = "INACTIVE"
	}
	m := model.Cluster{ARN: c.arn, Name: c.name, Status: status, Tags: cloneMap(c.tags), Settings: cloneMap(c.settings),
		CapacityProviders: slices.Clone(c.capacityProviders), DefaultStrategy: slices.Clone(c.defaultStrategy)}
	for _, s := range c.services {
		if s.status == "ACTIVE" {
			m.ActiveServicesCount++
		}
	}
	for _, ci := range c.instances {
		if ci.status != model.InstanceInactive {
			m.RegisteredContainerInstancesCount++
		}
		for _, t := range ci.tasks {
			switch {
			case t.lastStatus == model.StatusRunning:
				m.RunningTasksCount++
			case t.desiredStatus == model.StatusRunning:
				m.PendingTasksCount++
			}
		}
	}
	for _, id := range c.taskOrder { // Fargate tasks run on no instance
		if t := c.tasks[id]; t.inst == nil && t.live() {
			switch {
			case t.lastStatus == model.StatusRunning:
				m.RunningTasksCount++
			case t.desiredStatus == model.StatusRunning:
				m.PendingTasksCount++
			}
		}
	}
	return m
}

// ListServices returns the cluster's service ARNs in creation order.
func (w *World) ListServices(cluster string) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(c.serviceOrder))
	for _, n := range c.serviceOrder {
		if s := c.services[n]; s.status != "INACTIVE" {
			out = append(out, s.arn)
		}
	}
	return out, nil
}

// DescribeServices describes services by name or ARN; unknown ones come back
// as failures with reason MISSING.
func (w *World) DescribeServices(cluster string, ids []string) ([]model.Service, []model.Failure, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return nil, nil, err
	}
	var out []model.Service
	var fails []model.Failure
	for _, id := range ids {
		name := model.ResourceID(id)
		s, ok := c.services[name]
		if !ok {
			fails = append(fails, model.Failure{ARN: w.ecsARN("service/" + c.name + "/" + name), Reason: "MISSING"})
			continue
		}
		out = append(out, w.serviceModel(s))
	}
	return out, fails, nil
}

func (w *World) serviceModel(s *service) model.Service {
	m := model.Service{
		ARN: s.arn, Name: s.name, ClusterARN: s.cluster.arn, Status: s.status,
		DesiredCount: s.desired, LaunchType: "EC2", SchedulingStrategy: strategyName(s),
		TaskDefinitionARN:       s.td.ARN,
		DeploymentConfiguration: s.cfg,
		Events:                  slices.Clone(s.events),
		LoadBalancers:           slices.Clone(s.lbs),
		PlacementStrategy:       slices.Clone(s.strategy),
		PlacementConstraints:    slices.Clone(s.cons),
		HealthCheckGracePeriod:  s.grace,
		CreatedAt:               s.createdAt,
		Tags:                    cloneMap(s.tags),
		EnableExecuteCommand:    s.exec,
	}
	if len(s.cpStrategy) > 0 {
		m.LaunchType, m.CapacityProviderStrategy = "", slices.Clone(s.cpStrategy)
	}
	if s.launchType == "FARGATE" {
		m.LaunchType = "FARGATE"
	}
	if isFargate(s) {
		m.PlatformVersion = firstNonEmpty(s.platformVersion, "LATEST")
	}
	if s.td.NetworkMode == "awsvpc" {
		net := s.net
		if net == nil {
			net = w.defaultNetwork()
		}
		m.Subnets, m.SecurityGroups, m.AssignPublicIP = slices.Clone(net.subnets), slices.Clone(net.securityGroups), net.publicIP
	}
	type counts struct{ running, pending, live int }
	per := map[*deployment]*counts{}
	for _, d := range s.deployments {
		per[d] = &counts{}
	}
	for _, t := range s.tasks {
		c := per[t.dep]
		if c == nil || t.desiredStatus != model.StatusRunning {
			continue
		}
		c.live++
		if t.lastStatus == model.StatusRunning {
			c.running++
			m.RunningCount++
		} else {
			c.pending++
			m.PendingCount++
		}
	}
	for i, d := range s.deployments {
		c := per[d]
		desired := d.desired
		if i > 0 {
			desired = c.live
		}
		m.Deployments = append(m.Deployments, model.Deployment{
			ID: d.id, Status: d.status, TaskDefinitionARN: d.td.ARN,
			DesiredCount: desired, PendingCount: c.pending, RunningCount: c.running,
			FailedTasks: d.failed, RolloutState: d.rollout, RolloutStateReason: d.reason,
			LaunchType: m.LaunchType, CreatedAt: d.createdAt, UpdatedAt: d.updatedAt,
		})
	}
	return m
}

// ListTasks returns task ARNs matching f, oldest first.
func (w *World) ListTasks(cluster string, f model.TaskFilter) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return nil, err
	}
	var svc *service
	if f.ServiceName != "" {
		s, ok := c.services[model.ResourceID(f.ServiceName)]
		if !ok {
			return nil, simapi.Errorf(simapi.CodeServiceNotFound, "Service not found.")
		}
		svc = s
	}
	var ci *instance
	if f.ContainerInstance != "" {
		i, ok := c.instances[model.ResourceID(f.ContainerInstance)]
		if !ok {
			return nil, simapi.Errorf(simapi.CodeInvalidParameter, "The referenced container instance was not found.")
		}
		ci = i
	}
	want := f.DesiredStatus
	if want == "" {
		want = model.StatusRunning
	}
	out := []string{}
	for _, id := range c.taskOrder {
		t := c.tasks[id]
		if t.desiredStatus != want ||
			(svc != nil && t.svc != svc) ||
			(ci != nil && t.inst != ci) ||
			(f.Family != "" && t.td.Family != f.Family) ||
			(f.StartedBy != "" && t.startedBy != f.StartedBy) {
			continue
		}
		out = append(out, t.arn)
	}
	return out, nil
}

// DescribeTasks describes tasks by id or ARN; unknown ones are MISSING failures.
func (w *World) DescribeTasks(cluster string, ids []string) ([]model.Task, []model.Failure, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return nil, nil, err
	}
	var out []model.Task
	var fails []model.Failure
	for _, id := range ids {
		tid := model.ResourceID(id)
		t, ok := c.tasks[tid]
		if !ok {
			fails = append(fails, model.Failure{ARN: w.ecsARN("task/" + c.name + "/" + tid), Reason: "MISSING"})
			continue
		}
		out = append(out, taskModel(t))
	}
	return out, fails, nil
}

func taskModel(t *task) model.Task {
	m := model.Task{
		ARN: t.arn, ID: t.id, ClusterARN: t.cluster.arn, TaskDefinitionARN: t.td.ARN,
		Group: t.group, StartedBy: t.startedBy,
		LastStatus: t.lastStatus, DesiredStatus: t.desiredStatus, HealthStatus: t.health,
		LaunchType: "EC2",
		CreatedAt:  t.createdAt, StartedAt: t.startedAt, StoppingAt: t.stoppingAt, StoppedAt: t.stoppedAt,
		StopCode: t.stopCode, StoppedReason: t.stoppedReason, Tags: cloneMap(t.tags),
		EnableExecuteCommand: t.exec,
	}
	if t.inst != nil {
		m.ContainerInstanceARN = t.inst.arn
		m.CapacityProviderName = capacityProviderOf(t.inst)
	}
	m.AvailabilityZone = taskAZ(t)
	m.LaunchType = launchTypeOf(t)
	if t.eni != nil {
		m.PrivateIP, m.ENIID, m.SubnetID = t.eni.ip, t.eni.id, t.eni.subnet
	}
	if t.inst == nil && t.svc != nil {
		m.PlatformVersion = servicePlatform(t.svc)
		m.CapacityProviderName = fargateProvider(t.svc.cpStrategy)
	}
	if v, ok := parseInt(t.td.CPU); ok {
		m.CPU = v
	}
	if v, ok := parseInt(t.td.Memory); ok {
		m.Memory = v
	}
	for _, k := range t.containers {
		mc := model.Container{
			ARN: k.arn, Name: k.name, Image: k.image, ImageDigest: k.digest, RuntimeID: k.runtimeID,
			LastStatus: k.status, HealthStatus: k.health, Reason: k.reason,
			NetworkBindings: slices.Clone(k.bindings), CPU: k.cpu, Memory: k.memory,
		}
		if mc.HealthStatus == "" {
			mc.HealthStatus = model.HealthUnknown
		}
		if k.exitCode != nil {
			v := *k.exitCode
			mc.ExitCode = &v
		}
		mc.ManagedAgents = execAgents(t, k)
		m.Containers = append(m.Containers, mc)
	}
	return m
}

func parseInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// ListContainerInstances lists instance ARNs in registration order; status ""
// lists every instance that is not INACTIVE.
func (w *World) ListContainerInstances(cluster string, status string) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, id := range c.instanceOrder {
		ci := c.instances[id]
		if (status == "" && ci.status != model.InstanceInactive) || ci.status == status {
			out = append(out, ci.arn)
		}
	}
	return out, nil
}

// DescribeContainerInstances describes instances by id or ARN.
func (w *World) DescribeContainerInstances(cluster string, ids []string) ([]model.ContainerInstance, []model.Failure, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return nil, nil, err
	}
	var out []model.ContainerInstance
	var fails []model.Failure
	for _, id := range ids {
		ci, ok := c.instances[model.ResourceID(id)]
		if !ok {
			fails = append(fails, model.Failure{ARN: w.ecsARN("container-instance/" + c.name + "/" + model.ResourceID(id)), Reason: "MISSING"})
			continue
		}
		out = append(out, instanceModel(ci))
	}
	return out, fails, nil
}

func instanceModel(ci *instance) model.ContainerInstance {
	e := ci.ec2
	m := model.ContainerInstance{
		ARN: ci.arn, ID: ci.id, ClusterARN: ci.cluster.arn, EC2InstanceID: e.id,
		Status: ci.status, StatusReason: ci.statusReason,
		AgentConnected: ci.agentConnected, AgentVersion: ci.agentVersion, DockerVersion: ci.dockerVersion,
		AvailabilityZone: e.az, InstanceType: e.instanceType, AMIID: e.ami, PrivateIP: e.privateIP,
		Registered:   cloneResources(ci.registered),
		Remaining:    cloneResources(ci.remaining),
		RegisteredAt: ci.registeredAt,
		Tags:         cloneMap(ci.tags),
		Attributes: map[string]string{
			"ecs.availability-zone": e.az,
			"ecs.instance-type":     e.instanceType,
			"ecs.ami-id":            e.ami,
			"ecs.os-type":           "linux",
			"ecs.cpu-architecture":  "x86_64",
		},
	}
	if e.asg != nil {
		m.AutoScalingGroup = e.asg.name
	}
	m.CapacityProviderName = capacityProviderOf(ci)
	for k, v := range ci.attributes {
		m.Attributes[k] = v
	}
	for _, t := range ci.tasks {
		switch {
		case t.lastStatus == model.StatusRunning:
			m.RunningTasksCount++
		case t.desiredStatus == model.StatusRunning:
			m.PendingTasksCount++
		}
	}
	return m
}

func cloneResources(r model.Resources) model.Resources {
	return model.Resources{CPU: r.CPU, Memory: r.Memory, Ports: slices.Clone(r.Ports), PortsUDP: slices.Clone(r.PortsUDP)}
}

func strategyName(s *service) string {
	if s.daemon {
		return "DAEMON"
	}
	return "REPLICA"
}
