package wire

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/schemas"
	smithy "github.com/aws/smithy-go"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// Building and tearing down a world: CreateCluster, DeleteCluster,
// CreateService, DeleteService, and DescribeClusters' includes.

type jsNameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func settingsOf(m map[string]string) []jsNameValue {
	out := []jsNameValue{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, jsNameValue{k, m[k]})
	}
	return out
}

func tagMap(tags []jsTag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// clusterIncluding renders a cluster with what DescribeClusters' include
// asks for: TAGS, STATISTICS (SETTINGS are always there).
func (s *Server) clusterIncluding(c model.Cluster, include []string) (jsCluster, error) {
	jc := clusterOf(c)
	if !slices.Contains(include, "TAGS") {
		jc.Tags = []jsTag{}
	}
	if slices.Contains(include, "STATISTICS") {
		st, err := s.b.ClusterStatistics(c.ARN)
		if err != nil {
			return jsCluster{}, err
		}
		jc.Statistics = settingsOf(itoaMap(st))
	}
	return jc, nil
}

func itoaMap(m map[string]int) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = strconv.Itoa(v)
	}
	return out
}

// refuseMembers refuses a request that sets a member the simulator does
// not model (a non-zero JSON value), naming it: ignoring it would answer
// for a world other than the one asked for.
func refuseMembers(body []byte, op string, unsupported map[string]string) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		return serializationError(err)
	}
	for _, k := range slices.Sorted(maps.Keys(unsupported)) {
		if v, ok := members[k]; ok && !zeroJSON(v) {
			return invalid("The simulator does not model %s's %s (%s).", op, k, unsupported[k])
		}
	}
	return nil
}

// zeroJSON reports whether a JSON value says nothing: null, false, 0, "",
// an empty list, or an object of such values.
func zeroJSON(raw json.RawMessage) bool {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return false
	}
	var zero func(any) bool
	zero = func(v any) bool {
		switch x := v.(type) {
		case nil:
			return true
		case bool:
			return !x
		case float64:
			return x == 0
		case string:
			return x == ""
		case []any:
			return len(x) == 0
		case map[string]any:
			for _, e := range x {
				if !zero(e) {
					return false
				}
			}
			return true
		}
		return false
	}
	return zero(v)
}

// checkRequest refuses members the operation does not have and those the
// simulator does not model.
func checkRequest(body []byte, schema *smithy.Schema, op string, unsupported map[string]string) error {
	if err := checkMembers(schema, body, ""); err != nil {
		return err
	}
	return refuseMembers(body, op, unsupported)
}

func ecsCreateCluster(s *Server, body []byte) (any, error) {
	if err := checkRequest(body, schemas.CreateClusterRequest, "CreateCluster", map[string]string{
		"configuration":          "execute command and managed storage configuration",
		"serviceConnectDefaults": "Service Connect",
	}); err != nil {
		return nil, err
	}
	var in struct {
		ClusterName                     string           `json:"clusterName"`
		Tags                            []jsTag          `json:"tags"`
		Settings                        []jsNameValue    `json:"settings"`
		CapacityProviders               []string         `json:"capacityProviders"`
		DefaultCapacityProviderStrategy []jsStrategyItem `json:"defaultCapacityProviderStrategy"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	cin := simapi.CreateClusterInput{Name: in.ClusterName, Tags: tagMap(in.Tags), CapacityProviders: in.CapacityProviders}
	if len(in.Settings) > 0 {
		cin.Settings = map[string]string{}
		for _, st := range in.Settings {
			cin.Settings[st.Name] = st.Value
		}
	}
	for _, it := range in.DefaultCapacityProviderStrategy {
		cin.DefaultStrategy = append(cin.DefaultStrategy, model.CapacityProviderStrategyItem{CapacityProvider: it.CapacityProvider, Base: it.Base, Weight: it.Weight})
	}
	c, err := s.b.CreateCluster(cin)
	if err != nil {
		return nil, err
	}
	return struct {
		Cluster jsCluster `json:"cluster"`
	}{clusterOf(c)}, nil
}

func ecsDeleteCluster(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster string `json:"cluster"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Cluster == "" {
		return nil, invalid("Cluster must be specified.")
	}
	c, err := s.b.DeleteCluster(in.Cluster)
	if err != nil {
		return nil, err
	}
	return struct {
		Cluster jsCluster `json:"cluster"`
	}{clusterOf(c)}, nil
}

// createServiceUnsupported are CreateService members the simulator does not
// model yet.
var createServiceUnsupported = map[string]string{
	"serviceRegistries":           "Cloud Map service discovery",
	"serviceConnectConfiguration": "Service Connect",
	"volumeConfigurations":        "volumes configured at launch",
	"enableECSManagedTags":        "ECS managed tags",
	"vpcLatticeConfigurations":    "VPC Lattice",
}

// updateServiceUnsupported are UpdateService members the simulator does not
// model: refused by name rather than dropped.
var updateServiceUnsupported = map[string]string{
	"capacityProviderStrategy":      "a change of capacity provider strategy",
	"availabilityZoneRebalancing":   "Availability Zone rebalancing",
	"placementConstraints":          "a change of placement constraints",
	"placementStrategy":             "a change of placement strategy",
	"platformVersion":               "a change of Fargate platform version",
	"healthCheckGracePeriodSeconds": "a change of health check grace period",
	"deploymentController":          "a change of deployment controller",
	"enableECSManagedTags":          "ECS managed tags",
	"loadBalancers":                 "a change of load balancers",
	"propagateTags":                 "tag propagation",
	"serviceRegistries":             "Cloud Map service discovery",
	"serviceConnectConfiguration":   "Service Connect",
	"volumeConfigurations":          "volumes configured at launch",
	"vpcLatticeConfigurations":      "VPC Lattice",
}

// checkUpdateService refuses UpdateService members the simulator does not
// model, in the request and in its deployment configuration.
func checkUpdateService(body []byte) error {
	if err := checkRequest(body, schemas.UpdateServiceRequest, "UpdateService", updateServiceUnsupported); err != nil {
		return err
	}
	var raw struct {
		DeploymentConfiguration json.RawMessage `json:"deploymentConfiguration"`
	}
	_ = json.Unmarshal(body, &raw)
	if len(raw.DeploymentConfiguration) > 0 {
		return refuseMembers(raw.DeploymentConfiguration, "UpdateService deploymentConfiguration", deploymentUnsupported)
	}
	return nil
}

// deploymentUnsupported are deployment configuration members the simulator
// does not model; the rolling strategy (ROLLING) is what it runs.
var deploymentUnsupported = map[string]string{
	"alarms":              "rollback on CloudWatch alarms",
	"bakeTimeInMinutes":   "blue/green bake time",
	"lifecycleHooks":      "deployment lifecycle hooks",
	"canaryConfiguration": "canary deployments",
	"linearConfiguration": "linear deployments",
}

func ecsCreateService(s *Server, body []byte) (any, error) {
	if err := checkRequest(body, schemas.CreateServiceRequest, "CreateService", createServiceUnsupported); err != nil {
		return nil, err
	}
	var raw struct {
		DeploymentConfiguration json.RawMessage `json:"deploymentConfiguration"`
	}
	_ = json.Unmarshal(body, &raw)
	if len(raw.DeploymentConfiguration) > 0 {
		if err := refuseMembers(raw.DeploymentConfiguration, "CreateService deploymentConfiguration", deploymentUnsupported); err != nil {
			return nil, err
		}
		var dc struct {
			Strategy string `json:"strategy"`
		}
		_ = json.Unmarshal(raw.DeploymentConfiguration, &dc)
		if dc.Strategy != "" && dc.Strategy != "ROLLING" {
			return nil, invalid("The simulator runs rolling deployments only, not %s.", dc.Strategy)
		}
	}
	var in struct {
		Cluster                       string                     `json:"cluster"`
		ServiceName                   string                     `json:"serviceName"`
		TaskDefinition                string                     `json:"taskDefinition"`
		LoadBalancers                 []jsLoadBalancer           `json:"loadBalancers"`
		DesiredCount                  *int                       `json:"desiredCount"`
		LaunchType                    string                     `json:"launchType"`
		PlatformVersion               string                     `json:"platformVersion"`
		CapacityProviderStrategy      []jsStrategyItem           `json:"capacityProviderStrategy"`
		DeploymentConfiguration       *jsDeploymentConfiguration `json:"deploymentConfiguration"`
		PlacementConstraints          []jsConstraint             `json:"placementConstraints"`
		PlacementStrategy             []jsPlacement              `json:"placementStrategy"`
		HealthCheckGracePeriodSeconds *int                       `json:"healthCheckGracePeriodSeconds"`
		SchedulingStrategy            string                     `json:"schedulingStrategy"`
		DeploymentController          *struct {
			Type string `json:"type"`
		} `json:"deploymentController"`
		Tags                 []jsTag                 `json:"tags"`
		PropagateTags        string                  `json:"propagateTags"`
		NetworkConfiguration *jsNetworkConfiguration `json:"networkConfiguration"`
		EnableExecuteCommand bool                    `json:"enableExecuteCommand"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	network, err := awsvpcOf(in.NetworkConfiguration)
	if err != nil {
		return nil, err
	}
	switch {
	case in.ServiceName == "":
		return nil, invalid("serviceName can not be blank.")
	case in.TaskDefinition == "":
		return nil, invalid("TaskDefinition can not be blank.")
	case in.LaunchType != "" && len(in.CapacityProviderStrategy) > 0:
		return nil, invalid("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.")
	case in.DeploymentController != nil && in.DeploymentController.Type != "" && in.DeploymentController.Type != "ECS":
		return nil, invalid("The simulator runs the ECS deployment controller only, not %s.", in.DeploymentController.Type)
	case in.PropagateTags != "" && in.PropagateTags != "NONE":
		return nil, invalid("The simulator does not propagate tags to tasks (propagateTags %s).", in.PropagateTags)
	case in.SchedulingStrategy != "DAEMON" && in.DesiredCount == nil:
		return nil, invalid("desiredCount is required for a REPLICA service.")
	case in.DesiredCount != nil && *in.DesiredCount < 0:
		return nil, invalid("desiredCount must be non-negative.")
	}
	cin := simapi.CreateServiceInput{
		Cluster: in.Cluster, Name: in.ServiceName, TaskDefinition: in.TaskDefinition,
		SchedulingStrategy: in.SchedulingStrategy, Tags: tagMap(in.Tags),
		LaunchType: in.LaunchType, PlatformVersion: in.PlatformVersion,
		Network: network, EnableExecuteCommand: in.EnableExecuteCommand,
	}
	if in.DesiredCount != nil {
		cin.DesiredCount = *in.DesiredCount
	}
	if dc := in.DeploymentConfiguration; dc != nil {
		cfg := model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200}
		if in.SchedulingStrategy == "DAEMON" {
			cfg = model.DeploymentConfiguration{MinimumHealthyPercent: 0, MaximumPercent: 100}
		}
		if dc.MinimumHealthyPercent != nil {
			cfg.MinimumHealthyPercent = *dc.MinimumHealthyPercent
		}
		if dc.MaximumPercent != nil {
			cfg.MaximumPercent = *dc.MaximumPercent
		}
		if cb := dc.DeploymentCircuitBreaker; cb != nil {
			cfg.CircuitBreaker = model.CircuitBreaker{Enable: cb.Enable, Rollback: cb.Rollback}
		}
		if cfg.MinimumHealthyPercent < 0 || cfg.MinimumHealthyPercent > 100 || cfg.MaximumPercent < cfg.MinimumHealthyPercent {
			return nil, invalid("minimumHealthyPercent must be 0-100 and maximumPercent at least minimumHealthyPercent.")
		}
		cin.DeploymentConfiguration = &cfg
	}
	for _, lb := range in.LoadBalancers {
		if lb.LoadBalancerName != "" || lb.TargetGroupArn == "" {
			return nil, invalid("The simulator balances through target groups only: give targetGroupArn, not loadBalancerName.")
		}
		cin.LoadBalancers = append(cin.LoadBalancers, model.LoadBalancer{TargetGroupARN: lb.TargetGroupArn,
			ContainerName: lb.ContainerName, ContainerPort: lb.ContainerPort})
	}
	for _, p := range in.PlacementStrategy {
		cin.PlacementStrategy = append(cin.PlacementStrategy, model.PlacementStrategy(p))
	}
	for _, c := range in.PlacementConstraints {
		cin.PlacementConstraints = append(cin.PlacementConstraints, model.PlacementConstraint(c))
	}
	for _, it := range in.CapacityProviderStrategy {
		cin.CapacityProviderStrategy = append(cin.CapacityProviderStrategy,
			model.CapacityProviderStrategyItem{CapacityProvider: it.CapacityProvider, Base: it.Base, Weight: it.Weight})
	}
	if g := in.HealthCheckGracePeriodSeconds; g != nil {
		if len(in.LoadBalancers) == 0 {
			return nil, invalid("Health check grace period is only valid for services configured to use load balancers")
		}
		cin.HealthCheckGracePeriod = time.Duration(*g) * time.Second
	}
	sv, err := s.b.CreateServiceRequest(cin)
	if err != nil {
		return nil, err
	}
	return struct {
		Service jsService `json:"service"`
	}{serviceOf(sv, true)}, nil
}

func ecsDeleteService(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster string `json:"cluster"`
		Service string `json:"service"`
		Force   bool   `json:"force"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Service == "" {
		return nil, invalid("Service must be specified.")
	}
	sv, err := s.b.DeleteService(in.Cluster, in.Service, in.Force)
	if err != nil {
		return nil, err
	}
	return struct {
		Service jsService `json:"service"`
	}{serviceOf(sv, false)}, nil
}

// awsvpcOf reads a request's networkConfiguration (nil when absent).
func awsvpcOf(nc *jsNetworkConfiguration) (*model.AwsvpcConfiguration, error) {
	if nc == nil {
		return nil, nil
	}
	a := nc.AwsvpcConfiguration
	out := &model.AwsvpcConfiguration{Subnets: a.Subnets, SecurityGroups: a.SecurityGroups}
	switch a.AssignPublicIP {
	case "", "DISABLED":
	case "ENABLED":
		out.AssignPublicIP = true
	default:
		return nil, invalid("assignPublicIp must be ENABLED or DISABLED.")
	}
	return out, nil
}
