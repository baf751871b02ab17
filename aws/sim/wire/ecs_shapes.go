package wire

import (
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// epoch is a timestamp as awsJson carries it: seconds since the epoch as a
// JSON number with a fractional part. The zero time is left out (omitzero).
type epoch time.Time

func (e epoch) IsZero() bool { return time.Time(e).IsZero() }

func (e epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(e).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

func (e *epoch) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*e = epoch(time.UnixMilli(int64(f * 1000)).UTC())
	return nil
}

type jsTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func tagsOf(m map[string]string) []jsTag {
	if len(m) == 0 {
		return nil
	}
	out := make([]jsTag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, jsTag{k, m[k]})
	}
	return out
}

type jsFailure struct {
	ARN    string `json:"arn,omitempty"`
	Reason string `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
}

func failuresOf(fs []model.Failure) []jsFailure {
	out := make([]jsFailure, 0, len(fs))
	for _, f := range fs {
		out = append(out, jsFailure(f))
	}
	return out
}

type jsCluster struct {
	ClusterArn                        string        `json:"clusterArn"`
	ClusterName                       string        `json:"clusterName"`
	Status                            string        `json:"status"`
	RegisteredContainerInstancesCount int           `json:"registeredContainerInstancesCount"`
	RunningTasksCount                 int           `json:"runningTasksCount"`
	PendingTasksCount                 int           `json:"pendingTasksCount"`
	ActiveServicesCount               int           `json:"activeServicesCount"`
	Statistics                        []jsNameValue `json:"statistics"`
	Tags                              []jsTag       `json:"tags"`
	Settings                          []jsNameValue `json:"settings"`
	CapacityProviders                 []any         `json:"capacityProviders"`
	DefaultCapacityProviderStrategy   []any         `json:"defaultCapacityProviderStrategy"`
	// Configuration is sent with include CONFIGURATIONS (exec.go).
	Configuration *jsClusterConfiguration `json:"configuration,omitempty"`
}

func clusterOf(c model.Cluster) jsCluster {
	tags := tagsOf(c.Tags)
	if tags == nil {
		tags = []jsTag{}
	}
	return jsCluster{
		ClusterArn: c.ARN, ClusterName: c.Name, Status: c.Status,
		RegisteredContainerInstancesCount: c.RegisteredContainerInstancesCount,
		RunningTasksCount:                 c.RunningTasksCount,
		PendingTasksCount:                 c.PendingTasksCount,
		ActiveServicesCount:               c.ActiveServicesCount,
		Statistics:                        []jsNameValue{}, Tags: tags, Settings: settingsOf(c.Settings),
		CapacityProviders: anys(c.CapacityProviders), DefaultCapacityProviderStrategy: anys(strategyOf(c.DefaultStrategy)),
	}
}

type jsLoadBalancer struct {
	TargetGroupArn   string `json:"targetGroupArn,omitempty"`
	LoadBalancerName string `json:"loadBalancerName,omitempty"`
	ContainerName    string `json:"containerName,omitempty"`
	ContainerPort    int    `json:"containerPort,omitempty"`
}

type jsCircuitBreaker struct {
	Enable   bool `json:"enable"`
	Rollback bool `json:"rollback"`
}

type jsDeploymentConfiguration struct {
	DeploymentCircuitBreaker *jsCircuitBreaker `json:"deploymentCircuitBreaker,omitempty"`
	MaximumPercent           *int              `json:"maximumPercent,omitempty"`
	MinimumHealthyPercent    *int              `json:"minimumHealthyPercent,omitempty"`
}

type jsDeployment struct {
	ID                 string `json:"id"`
	Status             string `json:"status"`
	TaskDefinition     string `json:"taskDefinition"`
	DesiredCount       int    `json:"desiredCount"`
	PendingCount       int    `json:"pendingCount"`
	RunningCount       int    `json:"runningCount"`
	FailedTasks        int    `json:"failedTasks"`
	CreatedAt          epoch  `json:"createdAt,omitzero"`
	UpdatedAt          epoch  `json:"updatedAt,omitzero"`
	LaunchType         string `json:"launchType,omitempty"`
	RolloutState       string `json:"rolloutState,omitempty"`
	RolloutStateReason string `json:"rolloutStateReason,omitempty"`

	CapacityProviderStrategy []jsStrategyItem `json:"capacityProviderStrategy,omitempty"`
}

type jsServiceEvent struct {
	ID        string `json:"id"`
	CreatedAt epoch  `json:"createdAt,omitzero"`
	Message   string `json:"message"`
}

type jsPlacement struct {
	Type  string `json:"type,omitempty"`
	Field string `json:"field,omitempty"`
}

type jsConstraint struct {
	Type       string `json:"type,omitempty"`
	Expression string `json:"expression,omitempty"`
}

type jsDeploymentController struct {
	Type string `json:"type"`
}

type jsService struct {
	ServiceArn                    string                    `json:"serviceArn"`
	ServiceName                   string                    `json:"serviceName"`
	ClusterArn                    string                    `json:"clusterArn"`
	LoadBalancers                 []jsLoadBalancer          `json:"loadBalancers"`
	ServiceRegistries             []any                     `json:"serviceRegistries"`
	Status                        string                    `json:"status"`
	DesiredCount                  int                       `json:"desiredCount"`
	RunningCount                  int                       `json:"runningCount"`
	PendingCount                  int                       `json:"pendingCount"`
	LaunchType                    string                    `json:"launchType,omitempty"`
	TaskDefinition                string                    `json:"taskDefinition"`
	DeploymentConfiguration       jsDeploymentConfiguration `json:"deploymentConfiguration"`
	Deployments                   []jsDeployment            `json:"deployments"`
	RoleArn                       string                    `json:"roleArn,omitempty"`
	Events                        []jsServiceEvent          `json:"events"`
	CreatedAt                     epoch                     `json:"createdAt,omitzero"`
	PlacementConstraints          []jsConstraint            `json:"placementConstraints"`
	PlacementStrategy             []jsPlacement             `json:"placementStrategy"`
	HealthCheckGracePeriodSeconds *int                      `json:"healthCheckGracePeriodSeconds,omitempty"`
	SchedulingStrategy            string                    `json:"schedulingStrategy,omitempty"`
	DeploymentController          jsDeploymentController    `json:"deploymentController"`
	Tags                          []jsTag                   `json:"tags,omitempty"`
	CreatedBy                     string                    `json:"createdBy,omitempty"`
	EnableECSManagedTags          bool                      `json:"enableECSManagedTags"`
	PropagateTags                 string                    `json:"propagateTags"`
	EnableExecuteCommand          bool                      `json:"enableExecuteCommand"`

	CapacityProviderStrategy []jsStrategyItem `json:"capacityProviderStrategy,omitempty"`

	PlatformVersion      string                  `json:"platformVersion,omitempty"`
	PlatformFamily       string                  `json:"platformFamily,omitempty"`
	NetworkConfiguration *jsNetworkConfiguration `json:"networkConfiguration,omitempty"`
}

type jsNetworkConfiguration struct {
	AwsvpcConfiguration jsAwsvpcConfiguration `json:"awsvpcConfiguration"`
}

type jsAwsvpcConfiguration struct {
	Subnets        []string `json:"subnets"`
	SecurityGroups []string `json:"securityGroups"`
	AssignPublicIP string   `json:"assignPublicIp"`
}

func serviceOf(sv model.Service, withTags bool) jsService {
	dc := sv.DeploymentConfiguration
	maxP, minP := dc.MaximumPercent, dc.MinimumHealthyPercent
	out := jsService{
		ServiceArn: sv.ARN, ServiceName: sv.Name, ClusterArn: sv.ClusterARN,
		LoadBalancers: []jsLoadBalancer{}, ServiceRegistries: []any{},
		Status: sv.Status, DesiredCount: sv.DesiredCount, RunningCount: sv.RunningCount, PendingCount: sv.PendingCount,
		LaunchType: sv.LaunchType, TaskDefinition: sv.TaskDefinitionARN,
		DeploymentConfiguration: jsDeploymentConfiguration{
			DeploymentCircuitBreaker: &jsCircuitBreaker{Enable: dc.CircuitBreaker.Enable, Rollback: dc.CircuitBreaker.Rollback},
			MaximumPercent:           &maxP,
			MinimumHealthyPercent:    &minP,
		},
		Deployments: []jsDeployment{}, Events: []jsServiceEvent{},
		CreatedAt:            epoch(sv.CreatedAt),
		PlacementConstraints: []jsConstraint{}, PlacementStrategy: []jsPlacement{},
		SchedulingStrategy:   sv.SchedulingStrategy,
		DeploymentController: jsDeploymentController{Type: "ECS"},
		CreatedBy:            "arn:aws:iam::" + accountOf(sv.ARN) + ":role/admin",
		PropagateTags:        "NONE",
		EnableExecuteCommand: sv.EnableExecuteCommand,
	}
	if len(sv.CapacityProviderStrategy) > 0 {
		out.CapacityProviderStrategy = strategyOf(sv.CapacityProviderStrategy)
	}
	if sv.PlatformVersion != "" {
		out.PlatformVersion, out.PlatformFamily = sv.PlatformVersion, "Linux"
	}
	if len(sv.Subnets) > 0 {
		pub := "DISABLED"
		if sv.AssignPublicIP {
			pub = "ENABLED"
		}
		out.NetworkConfiguration = &jsNetworkConfiguration{AwsvpcConfiguration: jsAwsvpcConfiguration{
			Subnets: sv.Subnets, SecurityGroups: nonNil(sv.SecurityGroups), AssignPublicIP: pub}}
	}
	if sv.HealthCheckGracePeriod > 0 || len(sv.LoadBalancers) > 0 {
		g := int(sv.HealthCheckGracePeriod / time.Second)
		out.HealthCheckGracePeriodSeconds = &g
	}
	for _, lb := range sv.LoadBalancers {
		out.LoadBalancers = append(out.LoadBalancers, jsLoadBalancer{TargetGroupArn: lb.TargetGroupARN,
			LoadBalancerName: lb.LoadBalancerName, ContainerName: lb.ContainerName, ContainerPort: lb.ContainerPort})
	}
	for _, d := range sv.Deployments {
		out.Deployments = append(out.Deployments, jsDeployment{
			ID: d.ID, Status: d.Status, TaskDefinition: d.TaskDefinitionARN,
			DesiredCount: d.DesiredCount, PendingCount: d.PendingCount, RunningCount: d.RunningCount,
			FailedTasks: d.FailedTasks, CreatedAt: epoch(d.CreatedAt), UpdatedAt: epoch(d.UpdatedAt),
			LaunchType: d.LaunchType, RolloutState: d.RolloutState, RolloutStateReason: d.RolloutStateReason,
			CapacityProviderStrategy: out.CapacityProviderStrategy,
		})
	}
	for _, e := range sv.Events {
		out.Events = append(out.Events, jsServiceEvent{ID: e.ID, CreatedAt: epoch(e.CreatedAt), Message: e.Message})
	}
	for _, p := range sv.PlacementStrategy {
		out.PlacementStrategy = append(out.PlacementStrategy, jsPlacement(p))
	}
	for _, c := range sv.PlacementConstraints {
		out.PlacementConstraints = append(out.PlacementConstraints, jsConstraint(c))
	}
	if withTags {
		out.Tags = tagsOf(sv.Tags)
	}
	return out
}

type jsNetworkBinding struct {
	BindIP        string `json:"bindIP,omitempty"`
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol,omitempty"`
}

type jsContainer struct {
	ContainerArn    string             `json:"containerArn"`
	TaskArn         string             `json:"taskArn"`
	Name            string             `json:"name"`
	Image           string             `json:"image,omitempty"`
	ImageDigest     string             `json:"imageDigest,omitempty"`
	RuntimeID       string             `json:"runtimeId,omitempty"`
	LastStatus      string             `json:"lastStatus"`
	ExitCode        *int               `json:"exitCode,omitempty"`
	Reason          string             `json:"reason,omitempty"`
	NetworkBindings []jsNetworkBinding `json:"networkBindings"`
	NetworkIfaces   []any              `json:"networkInterfaces"`
	HealthStatus    string             `json:"healthStatus,omitempty"`
	CPU             string             `json:"cpu,omitempty"`
	Memory          string             `json:"memory,omitempty"`
	ManagedAgents   []jsManagedAgent   `json:"managedAgents,omitempty"`
}

type jsManagedAgent struct {
	LastStartedAt epoch  `json:"lastStartedAt,omitzero"`
	Name          string `json:"name"`
	Reason        string `json:"reason,omitempty"`
	LastStatus    string `json:"lastStatus"`
}

type jsTask struct {
	Attachments          []any         `json:"attachments"`
	Attributes           []jsAttribute `json:"attributes"`
	AvailabilityZone     string        `json:"availabilityZone,omitempty"`
	ClusterArn           string        `json:"clusterArn"`
	Connectivity         string        `json:"connectivity,omitempty"`
	ContainerInstanceArn string        `json:"containerInstanceArn,omitempty"`
	Containers           []jsContainer `json:"containers"`
	CPU                  string        `json:"cpu,omitempty"`
	CreatedAt            epoch         `json:"createdAt,omitzero"`
	DesiredStatus        string        `json:"desiredStatus"`
	EnableExecuteCommand bool          `json:"enableExecuteCommand"`
	Group                string        `json:"group,omitempty"`
	HealthStatus         string        `json:"healthStatus,omitempty"`
	LastStatus           string        `json:"lastStatus"`
	LaunchType           string        `json:"launchType,omitempty"`
	PlatformVersion      string        `json:"platformVersion,omitempty"`
	PlatformFamily       string        `json:"platformFamily,omitempty"`
	CapacityProviderName string        `json:"capacityProviderName,omitempty"`
	Memory               string        `json:"memory,omitempty"`
	Overrides            jsOverrides   `json:"overrides"`
	StartedAt            epoch         `json:"startedAt,omitzero"`
	StartedBy            string        `json:"startedBy,omitempty"`
	StopCode             string        `json:"stopCode,omitempty"`
	StoppedAt            epoch         `json:"stoppedAt,omitzero"`
	StoppedReason        string        `json:"stoppedReason,omitempty"`
	StoppingAt           epoch         `json:"stoppingAt,omitzero"`
	Tags                 []jsTag       `json:"tags"`
	TaskArn              string        `json:"taskArn"`
	TaskDefinitionArn    string        `json:"taskDefinitionArn"`
	Version              int           `json:"version"`
}

type jsOverrides struct {
	ContainerOverrides   []any `json:"containerOverrides"`
	InferenceAccelerator []any `json:"inferenceAcceleratorOverrides"`
}

func itoaOmit(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func taskOf(t model.Task) jsTask {
	out := jsTask{
		Attachments: []any{}, Attributes: []jsAttribute{},
		AvailabilityZone: t.AvailabilityZone, ClusterArn: t.ClusterARN,
		ContainerInstanceArn: t.ContainerInstanceARN, Containers: []jsContainer{},
		CPU: itoaOmit(t.CPU), CreatedAt: epoch(t.CreatedAt), DesiredStatus: t.DesiredStatus,
		Group: t.Group, HealthStatus: t.HealthStatus, LastStatus: t.LastStatus, LaunchType: t.LaunchType,
		Memory:    itoaOmit(t.Memory),
		Overrides: jsOverrides{ContainerOverrides: []any{}, InferenceAccelerator: []any{}},
		StartedAt: epoch(t.StartedAt), StartedBy: t.StartedBy, StopCode: t.StopCode,
		StoppedAt: epoch(t.StoppedAt), StoppedReason: t.StoppedReason, StoppingAt: epoch(t.StoppingAt),
		Tags: tagsOf(t.Tags), TaskArn: t.ARN, TaskDefinitionArn: t.TaskDefinitionARN, Version: 1,
		PlatformVersion: t.PlatformVersion, CapacityProviderName: t.CapacityProviderName,
		EnableExecuteCommand: t.EnableExecuteCommand,
	}
	if t.PlatformVersion != "" {
		out.PlatformFamily = "Linux"
	}
	eniAttachment := taskENIAttachment(t)
	if eniAttachment != nil {
		out.Attachments = append(out.Attachments, eniAttachment)
	}
	if out.Tags == nil {
		out.Tags = []jsTag{}
	}
	if t.LastStatus == model.StatusRunning {
		out.Connectivity = "CONNECTED"
	}
	if !t.StartedAt.IsZero() {
		out.Version = 3
	}
	if !t.StoppedAt.IsZero() {
		out.Version = 5
	}
	for _, c := range t.Containers {
		jc := jsContainer{
			ContainerArn: c.ARN, TaskArn: t.ARN, Name: c.Name, Image: c.Image, ImageDigest: c.ImageDigest,
			RuntimeID: c.RuntimeID, LastStatus: c.LastStatus, ExitCode: c.ExitCode, Reason: c.Reason,
			NetworkBindings: []jsNetworkBinding{}, NetworkIfaces: []any{}, HealthStatus: c.HealthStatus,
			CPU: strconv.Itoa(c.CPU), Memory: itoaOmit(c.Memory),
		}
		for _, nb := range c.NetworkBindings {
			jc.NetworkBindings = append(jc.NetworkBindings, jsNetworkBinding(nb))
		}
		if eniAttachment != nil {
			jc.NetworkIfaces = append(jc.NetworkIfaces, jsContainerENI{AttachmentID: eniAttachment.ID, PrivateIPv4Address: t.PrivateIP})
		}
		for _, a := range c.ManagedAgents {
			jc.ManagedAgents = append(jc.ManagedAgents, jsManagedAgent{LastStartedAt: epoch(a.LastStartedAt), Name: a.Name, Reason: a.Reason, LastStatus: a.LastStatus})
		}
		out.Containers = append(out.Containers, jc)
	}
	return out
}

type jsAttribute struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

type jsResource struct {
	Name           string   `json:"name"`
	Type           string   `json:"type"`
	DoubleValue    float64  `json:"doubleValue"`
	LongValue      int64    `json:"longValue"`
	IntegerValue   int      `json:"integerValue"`
	StringSetValue []string `json:"stringSetValue,omitempty"`
}

func resourcesOf(r model.Resources) []jsResource {
	ports := func(ps []int) []string {
		out := make([]string, 0, len(ps))
		for _, p := range ps {
			out = append(out, strconv.Itoa(p))
		}
		return out
	}
	return []jsResource{
		{Name: "CPU", Type: "INTEGER", IntegerValue: r.CPU},
		{Name: "MEMORY", Type: "INTEGER", IntegerValue: r.Memory},
		{Name: "PORTS", Type: "STRINGSET", StringSetValue: ports(r.Ports)},
		{Name: "PORTS_UDP", Type: "STRINGSET", StringSetValue: ports(r.PortsUDP)},
	}
}

type jsVersionInfo struct {
	AgentVersion  string `json:"agentVersion,omitempty"`
	AgentHash     string `json:"agentHash,omitempty"`
	DockerVersion string `json:"dockerVersion,omitempty"`
}

type jsContainerInstance struct {
	ContainerInstanceArn string        `json:"containerInstanceArn"`
	Ec2InstanceID        string        `json:"ec2InstanceId"`
	Version              int           `json:"version"`
	VersionInfo          jsVersionInfo `json:"versionInfo"`
	RemainingResources   []jsResource  `json:"remainingResources"`
	RegisteredResources  []jsResource  `json:"registeredResources"`
	Status               string        `json:"status"`
	StatusReason         string        `json:"statusReason,omitempty"`
	AgentConnected       bool          `json:"agentConnected"`
	RunningTasksCount    int           `json:"runningTasksCount"`
	PendingTasksCount    int           `json:"pendingTasksCount"`
	Attributes           []jsAttribute `json:"attributes"`
	RegisteredAt         epoch         `json:"registeredAt,omitzero"`
	Attachments          []any         `json:"attachments"`
	Tags                 []jsTag       `json:"tags"`

	CapacityProviderName string `json:"capacityProviderName,omitempty"`
}

func containerInstanceOf(ci model.ContainerInstance) jsContainerInstance {
	attrs := map[string]string{}
	maps.Copy(attrs, ci.Attributes)
	set := func(k, v string) {
		if v != "" {
			attrs[k] = v
		}
	}
	set("ecs.availability-zone", ci.AvailabilityZone)
	set("ecs.instance-type", ci.InstanceType)
	set("ecs.ami-id", ci.AMIID)
	set("ecs.os-type", "linux")
	out := jsContainerInstance{
		ContainerInstanceArn: ci.ARN, Ec2InstanceID: ci.EC2InstanceID, Version: 1,
		VersionInfo:        jsVersionInfo{AgentVersion: ci.AgentVersion, DockerVersion: ci.DockerVersion},
		RemainingResources: resourcesOf(ci.Remaining), RegisteredResources: resourcesOf(ci.Registered),
		Status: ci.Status, StatusReason: ci.StatusReason, AgentConnected: ci.AgentConnected,
		RunningTasksCount: ci.RunningTasksCount, PendingTasksCount: ci.PendingTasksCount,
		Attributes: []jsAttribute{}, RegisteredAt: epoch(ci.RegisteredAt), Attachments: []any{},
		Tags: tagsOf(ci.Tags), CapacityProviderName: ci.CapacityProviderName,
	}
	if out.Tags == nil {
		out.Tags = []jsTag{}
	}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		out.Attributes = append(out.Attributes, jsAttribute{k, attrs[k]})
	}
	return out
}

// jsAttachment is a task attachment; an awsvpc task has one of type
// ElasticNetworkInterface whose details name its subnet, ENI and address.
type jsAttachment struct {
	ID      string        `json:"id"`
	Type    string        `json:"type"`
	Status  string        `json:"status"`
	Details []jsAttribute `json:"details"`
}

type jsContainerENI struct {
	AttachmentID       string `json:"attachmentId"`
	PrivateIPv4Address string `json:"privateIpv4Address"`
}

func taskENIAttachment(t model.Task) *jsAttachment {
	if t.ENIID == "" {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(t.ENIID))
	x := h.Sum64()
	status := "ATTACHED"
	if t.LastStatus == model.StatusStopped {
		status = "DELETED"
	}
	return &jsAttachment{
		ID:     fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(x), uint16(x>>32), uint16(x>>48)&0xfff, uint16(x>>20)&0xfff, x&0xffffffffffff),
		Type:   "ElasticNetworkInterface",
		Status: status,
		Details: []jsAttribute{
			{Name: "subnetId", Value: t.SubnetID},
			{Name: "networkInterfaceId", Value: t.ENIID},
			{Name: "macAddress", Value: fmt.Sprintf("0a:%02x:%02x:%02x:%02x:%02x", byte(x>>8), byte(x>>16), byte(x>>24), byte(x>>32), byte(x>>40))},
			{Name: "privateDnsName", Value: "ip-" + strings.ReplaceAll(t.PrivateIP, ".", "-") + ".ec2.internal"},
			{Name: "privateIPv4Address", Value: t.PrivateIP},
		},
	}
}
