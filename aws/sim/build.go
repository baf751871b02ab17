package sim

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// reservedPorts are the host ports the ECS agent registers as taken on every
// container instance (SSH, Docker, the agent's own).
var reservedPorts = []int{22, 2375, 2376, 51678, 51679}

// instanceSizes are what an instance type registers with ECS: CPU units and
// MiB after the agent's and the OS's share.
var instanceSizes = map[string][2]int{
	"t2.small":   {1024, 1993},
	"t3.medium":  {2048, 3904},
	"t3.large":   {2048, 7854},
	"m5.large":   {2048, 7681},
	"m5.xlarge":  {4096, 15580},
	"m5.2xlarge": {8192, 31376},
	"c5.xlarge":  {4096, 7463},
	"m4.large":   {2048, 7986},
	"m4.xlarge":  {4096, 16048},
}

// AddCluster creates an ACTIVE cluster and returns its ARN. Adding an existing
// name returns the existing cluster's ARN.
func (w *World) AddCluster(name string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.addCluster(name).arn
}

func (w *World) addCluster(name string) *cluster {
	c, ok := w.clusters[name]
	if ok && !c.deleted {
		return c
	}
	// A deleted cluster's name makes a new cluster, as in ECS.
	if ok {
		w.clusterOrder = slices.DeleteFunc(w.clusterOrder, func(n string) bool { return n == name })
	}
	c = &cluster{
		name:      name,
		arn:       w.clusterARN(name),
		services:  map[string]*service{},
		tasks:     map[string]*task{},
		instances: map[string]*instance{},
		byEC2:     map[string]*instance{},
	}
	w.clusters[name] = c
	w.clusterOrder = append(w.clusterOrder, name)
	return c
}

// ASGSpec describes an Auto Scaling group of container instances.
type ASGSpec struct {
	Name         string
	Cluster      string   // created if missing
	Size         int      // desired capacity; min 0, max Size*2 unless set
	MinSize      int      // default 0
	MaxSize      int      // default 2*Size
	AZs          []string // instances go round-robin over these; default us-east-1a/b/c
	InstanceType string   // default m5.large
	AMI          string   // default ami-0a1b2c3d4e5f60718
	AgentVersion string   // default 1.89.2
	CPU, Memory  int      // registered resources; default from the instance type

	// LaunchTemplateName names the group's launch template (default: its
	// id). OlderImages are earlier versions of it (version 1 first); the
	// AMI and agent above are the newest version, which the group launches
	// as $Default unless LaunchTemplateVersion pins a version ("2").
	LaunchTemplateName    string
	OlderImages           []ImageVersion
	LaunchTemplateVersion string
	// InstanceWarmup is the group's default instance warmup (instance
	// refreshes count a replacement as done that long after InService).
	InstanceWarmup time.Duration
}

// ImageVersion is the AMI and agent version of one launch template version.
type ImageVersion struct{ AMI, AgentVersion string }

// AddAutoScalingGroup creates the group and launches Size instances that are
// already registered ACTIVE in the cluster. It returns their EC2 ids.
func (w *World) AddAutoScalingGroup(s ASGSpec) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(s.AZs) == 0 {
		s.AZs = []string{w.region + "a", w.region + "b", w.region + "c"}
	}
	if s.InstanceType == "" {
		s.InstanceType = "m5.large"
	}
	if s.AMI == "" {
		s.AMI = "ami-0a1b2c3d4e5f60718"
	}
	if s.AgentVersion == "" {
		s.AgentVersion = "1.89.2"
	}
	size := instanceSizes[s.InstanceType]
	if size == [2]int{} {
		size = [2]int{2048, 7681}
	}
	if s.CPU == 0 {
		s.CPU = size[0]
	}
	if s.Memory == 0 {
		s.Memory = size[1]
	}
	if s.MaxSize == 0 {
		s.MaxSize = max(2*s.Size, 1)
	}
	c := w.addCluster(s.Cluster)
	g := &asg{
		name: s.Name, cluster: c.name,
		arn: fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:%s:autoScalingGroupName/%s",
			w.region, w.account, w.uuid(), s.Name),
		min: s.MinSize, max: s.MaxSize, desired: s.Size,
		azs: s.AZs, instanceType: s.InstanceType, ami: s.AMI, agentVersion: s.AgentVersion,
		cpu: s.CPU, memory: s.Memory,
		launchTemplate: "lt-0" + w.hex(16),
		ltSpec:         cmp.Or(s.LaunchTemplateVersion, "$Default"),
		healthGrace:    300 * time.Second,
		instanceWarmup: s.InstanceWarmup,
	}
	g.ltName = cmp.Or(s.LaunchTemplateName, g.launchTemplate)
	for _, v := range s.OlderImages {
		g.ltVersions = append(g.ltVersions, ltVersion{ami: v.AMI, agent: v.AgentVersion})
	}
	g.ltVersions = append(g.ltVersions, ltVersion{ami: s.AMI, agent: s.AgentVersion})
	g.ltDefault = len(g.ltVersions)
	w.asgs[g.name] = g
	w.asgOrder = append(w.asgOrder, g.name)
	sort.Strings(w.asgOrder)
	var ids []string
	for range s.Size {
		e := w.launchEC2(g)
		e.state, e.lifecycle = "running", model.LifecycleInService
		w.registerInstance(e)
		w.recordActivity(e, "Launching a new EC2 instance: "+e.id, fmt.Sprintf(
			"At %s a user request created an AutoScalingGroup changing the desired capacity from 0 to %d.", w.now.Format(time.RFC3339), s.Size))
		w.activityDone(e)
		ids = append(ids, e.id)
	}
	return ids
}

// launchEC2 starts a pending instance in g, in the AZ with fewest members.
func (w *World) launchEC2(g *asg) *ec2Instance {
	perAZ := map[string]int{}
	for _, m := range g.members {
		if !m.gone && m.state != "shutting-down" && m.state != "terminated" {
			perAZ[m.az]++
		}
	}
	az := g.azs[g.launches%len(g.azs)]
	for _, a := range g.azs {
		if perAZ[a] < perAZ[az] {
			az = a
		}
	}
	g.launches++
	subnet := 1 + slices.Index(g.azs, az)
	v := g.launchVersion()
	e := &ec2Instance{
		id:           "i-0" + w.hex(16),
		instanceType: g.instanceType,
		ami:          g.ltVersions[v-1].ami,
		ltVersion:    v,
		state:        "pending",
		lifecycle:    model.LifecyclePending,
		privateIP:    fmt.Sprintf("10.0.%d.%d", subnet*16+w.idRand.IntN(16), 4+w.idRand.IntN(250)),
		az:           az,
		launchTime:   w.now,
		asg:          g,
		agentVersion: g.ltVersions[v-1].agent,
		cpu:          g.cpu,
		memory:       g.memory,
		tags: map[string]string{
			"Name":                      g.cluster + "-ecs-host",
			"aws:autoscaling:groupName": g.name,
		},
	}
	g.members = append(g.members, e)
	w.ec2[e.id] = e
	w.ec2Order = append(w.ec2Order, e.id)
	return e
}

// registerInstance registers a running EC2 instance with its cluster, ACTIVE.
func (w *World) registerInstance(e *ec2Instance) *instance {
	c := w.clusters[e.asg.cluster]
	id := w.hex(32)
	reg := model.Resources{CPU: e.cpu, Memory: e.memory, Ports: slices.Clone(reservedPorts)}
	ci := &instance{
		id: id, arn: w.ecsARN("container-instance/" + c.name + "/" + id),
		cluster: c, ec2: e, status: model.InstanceActive,
		agentConnected: true, agentVersion: e.agentVersion, dockerVersion: dockerFor(e.agentVersion),
		registered: reg, remaining: model.Resources{CPU: reg.CPU, Memory: reg.Memory, Ports: slices.Clone(reg.Ports)},
		dynUsed: map[int]bool{}, nextDyn: dynLow,
		registeredAt: w.now,
		tasks:        map[string]*task{},
	}
	e.ci = ci
	e.busyAt = w.now
	c.instances[id] = ci
	c.instanceOrder = append(c.instanceOrder, id)
	c.byEC2[e.id] = ci
	return ci
}

func dockerFor(agent string) string {
	if agent < "1.88" {
		return "DockerVersion: 20.10.25"
	}
	return "DockerVersion: 25.0.8"
}

// SetInstanceImage changes the AMI and agent version an instance reports, to
// build a cluster half-way through an AMI update.
func (w *World) SetInstanceImage(ec2ID, ami, agentVersion string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.ec2[ec2ID]
	if !ok {
		return simapi.Errorf(simapi.CodeInvalidInstanceID, "The instance ID '%s' does not exist", ec2ID)
	}
	e.ami, e.agentVersion = ami, agentVersion
	for i, v := range e.asg.ltVersions {
		if v.ami == ami {
			e.ltVersion = i + 1
		}
	}
	if e.ci != nil {
		e.ci.agentVersion = agentVersion
		e.ci.dockerVersion = dockerFor(agentVersion)
	}
	return nil
}

// SetAgentConnected marks an instance's agent connected or not; a
// disconnected agent takes no new tasks.
func (w *World) SetAgentConnected(ec2ID string, connected bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.ec2[ec2ID]
	if !ok || e.ci == nil {
		return simapi.Errorf(simapi.CodeInvalidInstanceID, "The instance ID '%s' does not exist", ec2ID)
	}
	e.ci.agentConnected = connected
	return nil
}

// TargetGroupSpec describes an ELBv2 target group of type instance.
type TargetGroupSpec struct {
	Name                string
	Port                int    // default 80
	Protocol            string // default HTTP
	HealthCheckPath     string // default /
	HealthCheckInterval time.Duration
	HealthyThreshold    int           // default 2
	UnhealthyThreshold  int           // default 2
	DeregistrationDelay time.Duration // default 10s (AWS: 300s; shortened so drains are watchable)
	LoadBalancer        string        // ALB name; default NAME-alb; groups naming the same one share it
	TargetType          string        // instance (default) or ip (awsvpc tasks register ENI-IP:port)
	Tags                map[string]string
}

// AddTargetGroup creates a target group (and names its load balancer) and returns its ARN.
func (w *World) AddTargetGroup(s TargetGroupSpec) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if s.Port == 0 {
		s.Port = 80
	}
	if s.Protocol == "" {
		s.Protocol = "HTTP"
	}
	if s.HealthCheckPath == "" {
		s.HealthCheckPath = "/"
	}
	if s.HealthCheckInterval == 0 {
		s.HealthCheckInterval = 10 * time.Second
	}
	if s.HealthyThreshold == 0 {
		s.HealthyThreshold = 2
	}
	if s.UnhealthyThreshold == 0 {
		s.UnhealthyThreshold = 2
	}
	if s.DeregistrationDelay == 0 {
		s.DeregistrationDelay = 10 * time.Second
	}
	if s.LoadBalancer == "" {
		s.LoadBalancer = s.Name + "-alb"
	}
	elb := fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:", w.region, w.account)
	arn := elb + "targetgroup/" + s.Name + "/" + w.hex(16)
	lb := w.loadBalancerNamed(s.LoadBalancer) // names are unique: groups share their balancer
	tg := &targetGroup{
		TargetGroup: model.TargetGroup{
			ARN:              arn,
			Name:             s.Name,
			Port:             s.Port,
			Protocol:         s.Protocol,
			TargetType:       firstNonEmpty(s.TargetType, "instance"),
			HealthCheckPath:  s.HealthCheckPath,
			LoadBalancerARNs: []string{lb.arn},
			VPCID:            lb.vpcID,
		},
		interval: s.HealthCheckInterval, healthyCount: s.HealthyThreshold,
		unhealthyCount: s.UnhealthyThreshold, deregDelay: s.DeregistrationDelay,
		tags: cloneMap(s.Tags),
	}
	lb.tgs = append(lb.tgs, tg)
	w.tgs[tg.ARN] = tg
	w.tgOrder = append(w.tgOrder, tg.ARN)
	return tg.ARN
}

// AddTarget registers a target that no task stands behind (someone registered
// it by hand, or ECS never deregistered it). It fails its health checks.
func (w *World) AddTarget(targetGroupARN, ec2ID string, port int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	tg, ok := w.tgs[targetGroupARN]
	if !ok {
		return simapi.Errorf(simapi.CodeTargetGroupNotFound, "One or more target groups not found")
	}
	e, ok := w.ec2[ec2ID]
	if !ok {
		return simapi.Errorf(simapi.CodeInvalidInstanceID, "The instance ID '%s' does not exist", ec2ID)
	}
	w.registerTarget(tg, e.id, port, e.az, nil)
	return nil
}

// DeregisterTarget removes a target from its group behind ECS's back, so a
// running task goes missing from its target group.
func (w *World) DeregisterTarget(targetGroupARN, ec2ID string, port int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	tg, ok := w.tgs[targetGroupARN]
	if !ok {
		return simapi.Errorf(simapi.CodeTargetGroupNotFound, "One or more target groups not found")
	}
	for _, tr := range tg.targets {
		if tr.ec2ID == ec2ID && tr.port == port {
			w.removeTarget(tr)
			if t := tr.task; t != nil {
				t.targets = slices.DeleteFunc(t.targets, func(x *target) bool { return x == tr })
			}
			return nil
		}
	}
	return simapi.Errorf("InvalidTarget", "The following targets are not registered: %s:%d", ec2ID, port)
}

// ServiceSpec describes a service to create.
type ServiceSpec struct {
	Cluster        string
	Name           string
	TaskDefinition string // ARN, family:revision or family
	DesiredCount   int
	// DeploymentConfiguration nil means ECS's defaults: minimum 100 %, maximum 200 %, no circuit breaker.
	DeploymentConfiguration *model.DeploymentConfiguration
	LoadBalancers           []model.LoadBalancer
	// PlacementStrategy empty means spread over attribute:ecs.availability-zone, then instanceId.
	PlacementStrategy      []model.PlacementStrategy
	PlacementConstraints   []model.PlacementConstraint
	HealthCheckGracePeriod time.Duration
	Tags                   map[string]string
	// SchedulingStrategy is REPLICA (default) or DAEMON: one task on every
	// ACTIVE instance that meets the constraints, DesiredCount ignored,
	// deployment configuration defaulting to minimum 0 % / maximum 100 %.
	SchedulingStrategy string
	// CapacityProviderStrategy: empty takes the cluster's default strategy,
	// as ECS does for a service created without a launch type.
	CapacityProviderStrategy []model.CapacityProviderStrategyItem
	// LaunchType EC2 (default) or FARGATE; a FARGATE or FARGATE_SPOT
	// capacity provider strategy runs on Fargate too. PlatformVersion is
	// Fargate's (default LATEST, which is 1.4.0).
	LaunchType      string
	PlatformVersion string
	// EnableExecuteCommand starts the service's tasks with ECS Exec enabled.
	EnableExecuteCommand bool
	// Network is the awsvpc configuration (subnets, security groups,
	// public IP); nil gives an awsvpc service every zone's subnet.
	Network *model.AwsvpcConfiguration
	// requireNetwork applies ECS's rule that an awsvpc service names its
	// subnets (a request from a client, not a scenario).
	requireNetwork bool
}

// CreateService creates a service with one PRIMARY deployment; its tasks are
// placed from the next tick on.
func (w *World) CreateService(s ServiceSpec) (model.Service, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(s.Cluster)
	if err != nil {
		return model.Service{}, err
	}
	if s.Name == "" {
		return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter, "serviceName can not be blank.")
	}
	if old, dup := c.services[s.Name]; dup {
		if old.status != "INACTIVE" {
			return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter, "Creation of service was not idempotent.")
		}
		// An INACTIVE service's name may be used again: the new service
		// replaces it and goes last.
		c.serviceOrder = slices.DeleteFunc(c.serviceOrder, func(n string) bool { return n == s.Name })
	}
	td, err := w.usableTaskDef(s.TaskDefinition)
	if err != nil {
		return model.Service{}, err
	}
	for _, lb := range s.LoadBalancers {
		if _, ok := w.tgs[lb.TargetGroupARN]; !ok {
			return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter,
				"Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.")
		}
		cd, ok := td.Container(lb.ContainerName)
		if !ok {
			return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter,
				"The container %s does not exist in the task definition.", lb.ContainerName)
		}
		if !slices.ContainsFunc(cd.PortMappings, func(p model.PortMapping) bool { return p.ContainerPort == lb.ContainerPort }) {
			return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter,
				"The container %s did not have a container port %d defined.", lb.ContainerName, lb.ContainerPort)
		}
	}
	if err := w.checkNetworking(s, td); err != nil {
		return model.Service{}, err
	}
	fargate := s.LaunchType == "FARGATE" || fargateProvider(s.CapacityProviderStrategy) != ""
	if s.LaunchType == "" && len(s.CapacityProviderStrategy) == 0 {
		fargate = fargateProvider(c.defaultStrategy) != ""
	}
	net, err := w.networkFor(s.Network, td, fargate, s.requireNetwork)
	if err != nil {
		return model.Service{}, err
	}
	if s.EnableExecuteCommand {
		if err := checkExecRole(&s.EnableExecuteCommand, td); err != nil {
			return model.Service{}, err
		}
	}
	daemon := s.SchedulingStrategy == "DAEMON"
	if !daemon && s.SchedulingStrategy != "" && s.SchedulingStrategy != "REPLICA" {
		return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter, "schedulingStrategy must be REPLICA or DAEMON.")
	}
	cfg := model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200}
	if daemon {
		cfg = model.DeploymentConfiguration{MinimumHealthyPercent: 0, MaximumPercent: 100}
		s.DesiredCount = 0
	}
	if s.DeploymentConfiguration != nil {
		cfg = *s.DeploymentConfiguration
	}
	strategy := s.PlacementStrategy
	if len(strategy) == 0 && !daemon {
		strategy = []model.PlacementStrategy{
			{Type: "spread", Field: "attribute:ecs.availability-zone"},
			{Type: "spread", Field: "instanceId"},
		}
	}
	svc := &service{
		name: s.Name, arn: w.ecsARN("service/" + c.name + "/" + s.Name),
		cluster: c, status: "ACTIVE", desired: s.DesiredCount, td: td, cfg: cfg,
		lbs: slices.Clone(s.LoadBalancers), strategy: slices.Clone(strategy),
		cons: slices.Clone(s.PlacementConstraints), grace: s.HealthCheckGracePeriod,
		createdAt: w.now, tags: cloneMap(s.Tags),
		tasks: map[string]*task{}, lastMessages: map[string]time.Time{}, daemon: daemon,
		exec: s.EnableExecuteCommand, net: net,
	}
	svc.launchType, svc.platformVersion = s.LaunchType, s.PlatformVersion
	svc.cpStrategy = slices.Clone(s.CapacityProviderStrategy)
	if len(svc.cpStrategy) == 0 && !daemon && s.LaunchType == "" {
		svc.cpStrategy = slices.Clone(c.defaultStrategy)
	}
	svc.deployments = []*deployment{w.newDeployment(svc, td)}
	w.recordDeployment(svc, svc.deployments[0])
	c.services[s.Name] = svc
	c.serviceOrder = append(c.serviceOrder, s.Name)
	return w.serviceModel(svc), nil
}

func (w *World) newDeployment(s *service, td *taskDef) *deployment {
	id := "ecs-svc/" + w.digits(19)
	return &deployment{
		id: id, status: model.DeploymentPrimary, td: td,
		desired: s.desired, rollout: model.RolloutInProgress, reason: "ECS deployment " + id + " in progress.",
		createdAt: w.now, updatedAt: w.now,
	}
}

// SetLogRate sets how many lines each running container writes per simulated
// minute (default 6); 0 stops the log writers.
func (w *World) SetLogRate(linesPerMinute float64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.logRate = linesPerMinute
	w.logsEnabled = linesPerMinute > 0
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
