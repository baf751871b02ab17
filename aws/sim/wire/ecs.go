package wire

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/ecstui/ecstui/model"
)

// ECS batch limits as the service enforces them.
const (
	maxDescribeServices  = 10
	maxDescribeBatch     = 100 // tasks, container instances, clusters
	maxStartTaskTargets  = 10
	maxRunTaskCount      = 10
	maxUpdateInstances   = 10
	maxListResults       = 100
	defaultListServices  = 10
	defaultListTasks     = 10
	defaultListClusters  = 100
	defaultListInstances = 100
	defaultListTaskDefs  = 100
)

// clusterOfBody names the cluster a request targets, for AccessDenied messages.
func clusterOfBody(s *Server, body []byte) string {
	var v struct {
		Cluster string `json:"cluster"`
	}
	_ = json.Unmarshal(body, &v)
	return s.clusterResource(v.Cluster)
}

type handler = func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) (any, error)

func ecsOp(bucket string, h func(s *Server, body []byte) (any, error)) jsonOp {
	return jsonOp{bucket: bucket, resource: clusterOfBody, handle: func(s *Server, _ http.ResponseWriter, _ *http.Request, body []byte) (any, error) {
		return h(s, body)
	}}
}

var ecsOps map[string]jsonOp

func init() {
	ecsOps = map[string]jsonOp{
		"ListClusters":                  ecsOp("ecs:cluster-read", ecsListClusters),
		"DescribeClusters":              ecsOp("ecs:cluster-read", ecsDescribeClusters),
		"ListServices":                  ecsOp("ecs:service-read", ecsListServices),
		"DescribeServices":              ecsOp("ecs:service-read", ecsDescribeServices),
		"ListTasks":                     ecsOp("ecs:task-read", ecsListTasks),
		"DescribeTasks":                 ecsOp("ecs:task-read", ecsDescribeTasks),
		"ListContainerInstances":        ecsOp("ecs:instance-read", ecsListContainerInstances),
		"DescribeContainerInstances":    ecsOp("ecs:instance-read", ecsDescribeContainerInstances),
		"ListTaskDefinitionFamilies":    ecsOp("ecs:taskdef-read", ecsListTaskDefinitionFamilies),
		"ListTaskDefinitions":           ecsOp("ecs:taskdef-read", ecsListTaskDefinitions),
		"DescribeTaskDefinition":        ecsOp("ecs:taskdef-read", ecsDescribeTaskDefinition),
		"RegisterTaskDefinition":        ecsOp("ecs:mutate", ecsRegisterTaskDefinition),
		"DeregisterTaskDefinition":      ecsOp("ecs:mutate", ecsDeregisterTaskDefinition),
		"DeleteTaskDefinitions":         ecsOp("ecs:mutate", ecsDeleteTaskDefinitions),
		"UpdateService":                 ecsOp("ecs:update-service", ecsUpdateService),
		"StartTask":                     ecsOp("ecs:mutate", ecsStartTask),
		"RunTask":                       ecsOp("ecs:mutate", ecsRunTask),
		"StopTask":                      ecsOp("ecs:mutate", ecsStopTask),
		"UpdateContainerInstancesState": ecsOp("ecs:mutate", ecsUpdateContainerInstancesState),
		"CreateCluster":                 ecsOp("ecs:mutate", ecsCreateCluster),
		"DeleteCluster":                 ecsOp("ecs:mutate", ecsDeleteCluster),
		"CreateService":                 ecsOp("ecs:mutate", ecsCreateService),
		"DeleteService":                 ecsOp("ecs:mutate", ecsDeleteService),
		"TagResource":                   ecsOp("ecs:mutate", ecsTagResource),
		"UntagResource":                 ecsOp("ecs:mutate", ecsUntagResource),
		"ListTagsForResource":           ecsOp("ecs:other-read", ecsListTagsForResource),
		"ListAccountSettings":           ecsOp("ecs:other-read", ecsListAccountSettings),
		"PutAccountSetting":             ecsOp("ecs:mutate", ecsPutAccountSetting),
		"ListAttributes":                ecsOp("ecs:other-read", ecsListAttributes),
		"DescribeCapacityProviders":     ecsOp("ecs:cluster-read", ecsDescribeCapacityProviders),
		"ListServiceDeployments":        ecsOp("ecs:service-read", ecsListServiceDeployments),
		"DescribeServiceDeployments":    ecsOp("ecs:service-read", ecsDescribeServiceDeployments),
		"DescribeServiceRevisions":      ecsOp("ecs:service-read", ecsDescribeServiceRevisions),
		"ExecuteCommand":                ecsOp("ecs:mutate", ecsExecuteCommand),
	}
}

type listReq struct {
	Cluster    string `json:"cluster"`
	NextToken  string `json:"nextToken"`
	MaxResults *int   `json:"maxResults"`
}

var errBadToken = invalid("Invalid nextToken.")

func ecsListClusters(s *Server, body []byte) (any, error) {
	var in listReq
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults, defaultListClusters, maxListResults, "maxResults")
	if err != nil {
		return nil, err
	}
	page, next, ok := pageOf(s.b.ListClusters(), n, in.NextToken, fingerprint("ListClusters"))
	if !ok {
		return nil, errBadToken
	}
	return struct {
		ClusterArns []string `json:"clusterArns"`
		NextToken   string   `json:"nextToken,omitempty"`
	}{nonNil(page), next}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func ecsDescribeClusters(s *Server, body []byte) (any, error) {
	var in struct {
		Clusters []string `json:"clusters"`
		Include  []string `json:"include"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.Clusters) > maxDescribeBatch {
		return nil, invalid("clusters can have at most %d items.", maxDescribeBatch)
	}
	ids := in.Clusters
	if len(ids) == 0 {
		ids = []string{"default"}
	}
	cs, fs := s.b.DescribeClusters(ids)
	out := struct {
		Clusters []jsCluster `json:"clusters"`
		Failures []jsFailure `json:"failures"`
	}{Clusters: []jsCluster{}, Failures: failuresOf(fs)}
	for _, c := range cs {
		jc, err := s.clusterIncluding(c, in.Include)
		if err != nil {
			return nil, err
		}
		if slices.Contains(in.Include, "CONFIGURATIONS") {
			jc.Configuration = s.clusterConfiguration(c.ARN)
		}
		out.Clusters = append(out.Clusters, jc)
	}
	return out, nil
}

func ecsListServices(s *Server, body []byte) (any, error) {
	var in struct {
		listReq
		LaunchType         string `json:"launchType"`
		SchedulingStrategy string `json:"schedulingStrategy"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults, defaultListServices, maxListResults, "maxResults")
	if err != nil {
		return nil, err
	}
	arns, err := s.b.ListServices(in.Cluster)
	if err != nil {
		return nil, err
	}
	if in.LaunchType != "" || in.SchedulingStrategy != "" {
		if arns, err = s.servicesMatching(in.Cluster, arns, in.LaunchType, in.SchedulingStrategy); err != nil {
			return nil, err
		}
	}
	page, next, ok := pageOf(arns, n, in.NextToken, fingerprint("ListServices", in.Cluster, in.LaunchType, in.SchedulingStrategy))
	if !ok {
		return nil, errBadToken
	}
	return struct {
		ServiceArns []string `json:"serviceArns"`
		NextToken   string   `json:"nextToken,omitempty"`
	}{nonNil(page), next}, nil
}

func ecsDescribeServices(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
		Include  []string `json:"include"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.Services) == 0 {
		return nil, invalid("Services cannot be empty.")
	}
	if len(in.Services) > maxDescribeServices {
		return nil, invalid("service names can have at most %d items.", maxDescribeServices)
	}
	svcs, fs, err := s.b.DescribeServices(in.Cluster, in.Services)
	if err != nil {
		return nil, err
	}
	tags := slices.Contains(in.Include, "TAGS")
	out := struct {
		Services []jsService `json:"services"`
		Failures []jsFailure `json:"failures"`
	}{Services: []jsService{}, Failures: failuresOf(fs)}
	for _, sv := range svcs {
		out.Services = append(out.Services, serviceOf(sv, tags))
	}
	return out, nil
}

func ecsListTasks(s *Server, body []byte) (any, error) {
	var in struct {
		listReq
		ContainerInstance string `json:"containerInstance"`
		Family            string `json:"family"`
		StartedBy         string `json:"startedBy"`
		ServiceName       string `json:"serviceName"`
		DesiredStatus     string `json:"desiredStatus"`
		LaunchType        string `json:"launchType"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults, defaultListTasks, maxListResults, "maxResults")
	if err != nil {
		return nil, err
	}
	if in.Family != "" && in.ServiceName != "" {
		return nil, invalid("Cannot specify both family and serviceName.")
	}
	f := model.TaskFilter{ServiceName: in.ServiceName, ContainerInstance: in.ContainerInstance,
		Family: in.Family, StartedBy: in.StartedBy, DesiredStatus: in.DesiredStatus}
	arns, err := s.b.ListTasks(in.Cluster, f)
	if err != nil {
		return nil, err
	}
	if in.LaunchType != "" {
		if arns, err = s.tasksMatching(in.Cluster, arns, in.LaunchType); err != nil {
			return nil, err
		}
	}
	fp := fingerprint("ListTasks", in.Cluster, in.ContainerInstance, in.Family, in.StartedBy, in.ServiceName, in.DesiredStatus, in.LaunchType)
	page, next, ok := pageOf(arns, n, in.NextToken, fp)
	if !ok {
		return nil, errBadToken
	}
	return struct {
		TaskArns  []string `json:"taskArns"`
		NextToken string   `json:"nextToken,omitempty"`
	}{nonNil(page), next}, nil
}

func ecsDescribeTasks(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster string   `json:"cluster"`
		Tasks   []string `json:"tasks"`
		Include []string `json:"include"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.Tasks) == 0 {
		return nil, invalid("Tasks cannot be empty.")
	}
	if len(in.Tasks) > maxDescribeBatch {
		return nil, invalid("tasks can have at most %d items.", maxDescribeBatch)
	}
	ts, fs, err := s.b.DescribeTasks(in.Cluster, in.Tasks)
	if err != nil {
		return nil, err
	}
	return tasksResponse(ts, fs), nil
}

type tasksOut struct {
	Tasks    []jsTask    `json:"tasks"`
	Failures []jsFailure `json:"failures"`
}

func tasksResponse(ts []model.Task, fs []model.Failure) tasksOut {
	out := tasksOut{Tasks: []jsTask{}, Failures: failuresOf(fs)}
	for _, t := range ts {
		out.Tasks = append(out.Tasks, taskOf(t))
	}
	return out
}

func ecsListContainerInstances(s *Server, body []byte) (any, error) {
	var in struct {
		listReq
		Filter string `json:"filter"`
		Status string `json:"status"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults, defaultListInstances, maxListResults, "maxResults")
	if err != nil {
		return nil, err
	}
	if in.Filter != "" {
		// Silently ignoring the filter would return instances it excludes.
		return nil, invalid("The simulator does not evaluate cluster query language filters: %s", in.Filter)
	}
	arns, err := s.b.ListContainerInstances(in.Cluster, in.Status)
	if err != nil {
		return nil, err
	}
	page, next, ok := pageOf(arns, n, in.NextToken, fingerprint("ListContainerInstances", in.Cluster, in.Status, in.Filter))
	if !ok {
		return nil, errBadToken
	}
	return struct {
		ContainerInstanceArns []string `json:"containerInstanceArns"`
		NextToken             string   `json:"nextToken,omitempty"`
	}{nonNil(page), next}, nil
}

type instancesOut struct {
	ContainerInstances []jsContainerInstance `json:"containerInstances"`
	Failures           []jsFailure           `json:"failures"`
}

func instancesResponse(cis []model.ContainerInstance, fs []model.Failure) instancesOut {
	out := instancesOut{ContainerInstances: []jsContainerInstance{}, Failures: failuresOf(fs)}
	for _, ci := range cis {
		out.ContainerInstances = append(out.ContainerInstances, containerInstanceOf(ci))
	}
	return out
}

func ecsDescribeContainerInstances(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster            string   `json:"cluster"`
		ContainerInstances []string `json:"containerInstances"`
		Include            []string `json:"include"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.ContainerInstances) == 0 {
		return nil, invalid("ContainerInstances cannot be empty.")
	}
	if len(in.ContainerInstances) > maxDescribeBatch {
		return nil, invalid("container instances can have at most %d items.", maxDescribeBatch)
	}
	cis, fs, err := s.b.DescribeContainerInstances(in.Cluster, in.ContainerInstances)
	if err != nil {
		return nil, err
	}
	return instancesResponse(cis, fs), nil
}

type taskDefListReq struct {
	FamilyPrefix string `json:"familyPrefix"`
	Status       string `json:"status"`
	Sort         string `json:"sort"`
	NextToken    string `json:"nextToken"`
	MaxResults   *int   `json:"maxResults"`
}

func ecsListTaskDefinitionFamilies(s *Server, body []byte) (any, error) {
	var in taskDefListReq
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults, defaultListTaskDefs, maxListResults, "maxResults")
	if err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = "ACTIVE"
	}
	fams := s.b.ListTaskDefinitionFamilies(in.FamilyPrefix, status)
	page, next, ok := pageOf(fams, n, in.NextToken, fingerprint("ListTaskDefinitionFamilies", in.FamilyPrefix, status))
	if !ok {
		return nil, errBadToken
	}
	return struct {
		Families  []string `json:"families"`
		NextToken string   `json:"nextToken,omitempty"`
	}{nonNil(page), next}, nil
}

func ecsListTaskDefinitions(s *Server, body []byte) (any, error) {
	var in taskDefListReq
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults, defaultListTaskDefs, maxListResults, "maxResults")
	if err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = "ACTIVE"
	}
	arns := s.b.ListTaskDefinitions(in.FamilyPrefix, status)
	switch in.Sort {
	case "", "ASC":
	case "DESC":
		arns = slices.Clone(arns)
		slices.Reverse(arns)
	default:
		return nil, invalid("sort must be ASC or DESC.")
	}
	page, next, ok := pageOf(arns, n, in.NextToken, fingerprint("ListTaskDefinitions", in.FamilyPrefix, status, in.Sort))
	if !ok {
		return nil, errBadToken
	}
	return struct {
		TaskDefinitionArns []string `json:"taskDefinitionArns"`
		NextToken          string   `json:"nextToken,omitempty"`
	}{nonNil(page), next}, nil
}

func ecsUpdateService(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster                 string                    `json:"cluster"`
		Service                 string                    `json:"service"`
		DesiredCount            *int                      `json:"desiredCount"`
		TaskDefinition          string                    `json:"taskDefinition"`
		DeploymentConfiguration jsDeploymentConfiguration `json:"deploymentConfiguration"`
		ForceNewDeployment      bool                      `json:"forceNewDeployment"`
		EnableExecuteCommand    *bool                     `json:"enableExecuteCommand"`
		NetworkConfiguration    *jsNetworkConfiguration   `json:"networkConfiguration"`
	}
	if err := checkUpdateService(body); err != nil {
		return nil, err
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	network, err := awsvpcOf(in.NetworkConfiguration)
	if err != nil {
		return nil, err
	}
	if in.Service == "" {
		return nil, invalid("Service must be specified.")
	}
	if in.DesiredCount != nil && *in.DesiredCount < 0 {
		return nil, invalid("desiredCount must be non-negative.")
	}
	u := model.ServiceUpdate{
		Cluster: in.Cluster, Service: in.Service, TaskDefinition: in.TaskDefinition, DesiredCount: in.DesiredCount,
		MinimumHealthyPercent: in.DeploymentConfiguration.MinimumHealthyPercent,
		MaximumPercent:        in.DeploymentConfiguration.MaximumPercent,
		ForceNewDeployment:    in.ForceNewDeployment,
		EnableExecuteCommand:  in.EnableExecuteCommand,
		Network:               network,
	}
	if cb := in.DeploymentConfiguration.DeploymentCircuitBreaker; cb != nil {
		u.CircuitBreaker = &model.CircuitBreaker{Enable: cb.Enable, Rollback: cb.Rollback}
	}
	sv, err := s.b.UpdateService(u)
	if err != nil {
		return nil, err
	}
	return struct {
		Service jsService `json:"service"`
	}{serviceOf(sv, false)}, nil
}

func ecsStartTask(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster            string   `json:"cluster"`
		ContainerInstances []string `json:"containerInstances"`
		TaskDefinition     string   `json:"taskDefinition"`
		StartedBy          string   `json:"startedBy"`
		Group              string   `json:"group"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.TaskDefinition == "" {
		return nil, invalid("TaskDefinition cannot be empty.")
	}
	if len(in.ContainerInstances) == 0 {
		return nil, invalid("Container instances cannot be empty.")
	}
	if len(in.ContainerInstances) > maxStartTaskTargets {
		return nil, invalid("container instances can have at most %d items.", maxStartTaskTargets)
	}
	ts, fs, err := s.b.StartTask(model.StartTaskInput{Cluster: in.Cluster, TaskDefinition: in.TaskDefinition,
		ContainerInstances: in.ContainerInstances, StartedBy: in.StartedBy, Group: in.Group})
	if err != nil {
		return nil, err
	}
	return tasksResponse(ts, fs), nil
}

func ecsRunTask(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster              string         `json:"cluster"`
		TaskDefinition       string         `json:"taskDefinition"`
		Count                *int           `json:"count"`
		StartedBy            string         `json:"startedBy"`
		Group                string         `json:"group"`
		PlacementStrategy    []jsPlacement  `json:"placementStrategy"`
		PlacementConstraints []jsConstraint `json:"placementConstraints"`
		EnableExecuteCommand bool           `json:"enableExecuteCommand"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.TaskDefinition == "" {
		return nil, invalid("TaskDefinition cannot be empty.")
	}
	count, err := pageSize(in.Count, 1, maxRunTaskCount, "count")
	if err != nil {
		return nil, err
	}
	rt := model.RunTaskInput{Cluster: in.Cluster, TaskDefinition: in.TaskDefinition, Count: count,
		StartedBy: in.StartedBy, Group: in.Group, EnableExecuteCommand: in.EnableExecuteCommand}
	for _, p := range in.PlacementStrategy {
		rt.PlacementStrategy = append(rt.PlacementStrategy, model.PlacementStrategy(p))
	}
	for _, c := range in.PlacementConstraints {
		rt.PlacementConstraints = append(rt.PlacementConstraints, model.PlacementConstraint(c))
	}
	ts, fs, err := s.b.RunTask(rt)
	if err != nil {
		return nil, err
	}
	return tasksResponse(ts, fs), nil
}

func ecsStopTask(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster string `json:"cluster"`
		Task    string `json:"task"`
		Reason  string `json:"reason"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Task == "" {
		return nil, invalid("Task cannot be empty.")
	}
	t, err := s.b.StopTask(in.Cluster, in.Task, in.Reason)
	if err != nil {
		return nil, err
	}
	return struct {
		Task jsTask `json:"task"`
	}{taskOf(t)}, nil
}

func ecsUpdateContainerInstancesState(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster            string   `json:"cluster"`
		ContainerInstances []string `json:"containerInstances"`
		Status             string   `json:"status"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.ContainerInstances) == 0 {
		return nil, invalid("Container instances cannot be empty.")
	}
	if len(in.ContainerInstances) > maxUpdateInstances {
		return nil, invalid("container instances can have at most %d items.", maxUpdateInstances)
	}
	switch in.Status {
	case model.InstanceActive, model.InstanceDraining:
	default:
		return nil, invalid("status must be one of [ACTIVE, DRAINING].")
	}
	cis, fs, err := s.b.UpdateContainerInstancesState(in.Cluster, in.ContainerInstances, in.Status)
	if err != nil {
		return nil, err
	}
	return instancesResponse(cis, fs), nil
}

// servicesMatching keeps the services with the given launch type and
// scheduling strategy (empty matches any), in list order.
func (s *Server) servicesMatching(cluster string, arns []string, launchType, strategy string) ([]string, error) {
	keep := map[string]bool{}
	for i := 0; i < len(arns); i += maxDescribeServices {
		svcs, _, err := s.b.DescribeServices(cluster, arns[i:min(i+maxDescribeServices, len(arns))])
		if err != nil {
			return nil, err
		}
		for _, sv := range svcs {
			if (launchType == "" || sv.LaunchType == launchType) && (strategy == "" || sv.SchedulingStrategy == strategy) {
				keep[sv.ARN] = true
			}
		}
	}
	return slices.DeleteFunc(slices.Clone(arns), func(a string) bool { return !keep[a] }), nil
}

// tasksMatching keeps the tasks with the given launch type, in list order.
func (s *Server) tasksMatching(cluster string, arns []string, launchType string) ([]string, error) {
	keep := map[string]bool{}
	for i := 0; i < len(arns); i += maxDescribeBatch {
		tasks, _, err := s.b.DescribeTasks(cluster, arns[i:min(i+maxDescribeBatch, len(arns))])
		if err != nil {
			return nil, err
		}
		for _, t := range tasks {
			if t.LaunchType == launchType {
				keep[t.ARN] = true
			}
		}
	}
	return slices.DeleteFunc(slices.Clone(arns), func(a string) bool { return !keep[a] }), nil
}
