// Package simapi is the contract between the simulated AWS world (package sim)
// and the wire server that speaks the real AWS protocols on loopback (package
// wire). The world answers AWS operations in model types; the wire server
// decodes requests, enforces page sizes and batch limits, throttles, injects
// latency and faults, counts calls, and encodes responses. Neither knows how
// the other works.
package simapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// Backend answers AWS operations. Lists return every identifier in a stable
// order; the wire server slices them into pages. Describe-style calls return
// per-item failures next to results, as ECS does. Errors returned should be
// *APIError so the wire server can render AWS's error shape; any other error
// becomes a 500 InternalFailure/ServerException.
//
// Identifiers accepted by the ECS methods are what ECS accepts: full ARNs or
// short names/ids (cluster name, service name, task id, container instance id,
// task definition family:revision or family for the latest ACTIVE revision).
// An empty cluster means "default".
type Backend interface {
	// ECS
	ListClusters() []string
	DescribeClusters(ids []string) ([]model.Cluster, []model.Failure)
	ListServices(cluster string) ([]string, error)
	DescribeServices(cluster string, ids []string) ([]model.Service, []model.Failure, error)
	ListTasks(cluster string, f model.TaskFilter) ([]string, error)
	DescribeTasks(cluster string, ids []string) ([]model.Task, []model.Failure, error)
	ListContainerInstances(cluster string, status string) ([]string, error)
	DescribeContainerInstances(cluster string, ids []string) ([]model.ContainerInstance, []model.Failure, error)
	ListTaskDefinitionFamilies(prefix string, status string) []string
	ListTaskDefinitions(familyPrefix string, status string) []string // ARNs, oldest first
	DescribeTaskDefinition(id string) (model.TaskDefinition, error)
	RegisterTaskDefinition(td model.TaskDefinition) (model.TaskDefinition, error)
	// Task definitions in ECS's full shape, as the wire serves them: every
	// field of the SDK's RegisterTaskDefinitionInput is kept, tags in the
	// order given.
	RegisterTaskDefinitionFull(in *ecs.RegisterTaskDefinitionInput) (ecstypes.TaskDefinition, []ecstypes.Tag, error)
	DescribeTaskDefinitionFull(id string) (ecstypes.TaskDefinition, []ecstypes.Tag, error)
	DeregisterTaskDefinition(id string) (ecstypes.TaskDefinition, error)
	DeleteTaskDefinitions(ids []string) ([]ecstypes.TaskDefinition, []model.Failure, error)
	UpdateService(in model.ServiceUpdate) (model.Service, error)
	StartTask(in model.StartTaskInput) ([]model.Task, []model.Failure, error)
	RunTask(in model.RunTaskInput) ([]model.Task, []model.Failure, error)
	StopTask(cluster, task, reason string) (model.Task, error)
	UpdateContainerInstancesState(cluster string, ids []string, status string) ([]model.ContainerInstance, []model.Failure, error)
	CreateCluster(in CreateClusterInput) (model.Cluster, error)
	DeleteCluster(id string) (model.Cluster, error)
	// ClusterStatistics are DescribeClusters' STATISTICS, by name.
	ClusterStatistics(id string) (map[string]int, error)
	CreateServiceRequest(in CreateServiceInput) (model.Service, error)
	DeleteService(cluster, service string, force bool) (model.Service, error)
	// Tags of any ECS resource by ARN; a task definition's keep their order.
	TagResource(arn string, tags []model.KeyValue) error
	UntagResource(arn string, keys []string) error
	ListTagsForResource(arn string) ([]model.KeyValue, error)
	PutAccountSetting(name, value string)
	AccountSettings() []model.KeyValue // those PutAccountSetting set
	// Deployment history: ListServiceDeployments returns ARNs newest first,
	// narrowed to the statuses (none: all) and created in [after, before)
	// (zero: unbounded).
	ListServiceDeployments(cluster, service string, statuses []string, after, before time.Time) ([]string, error)
	DescribeServiceDeployments(arns []string) ([]model.ServiceDeployment, []model.Failure)
	DescribeServiceRevisions(arns []string) ([]model.ServiceRevision, []model.Failure)

	// ECS Exec and SSM sessions: ExecuteCommand fails like ECS when exec was
	// not enabled or the container's ExecuteCommandAgent is not RUNNING;
	// StartSession serves the port forwarding documents on ECS targets.
	ExecuteCommand(in model.ExecInput) (model.ExecSession, error)
	ExecConfiguration(cluster string) (model.ExecConfiguration, error)
	StartSession(in model.StartSessionInput) (model.SSMSession, error)
	// SimulatePrincipalPolicy (IAM) tells whether a role allows each action.
	SimulatePrincipalPolicy(policySourceARN string, actions []string) (map[string]bool, error)

	// CloudWatch Logs
	DescribeLogGroups(prefix string) []model.LogGroup
	DescribeLogStreams(group, prefix string, orderByLastEvent, descending bool) ([]model.LogStream, error)
	// FilterLogEvents returns every matching event ordered by (timestamp, id);
	// the wire server pages them (Limit, NextToken are ignored here).
	FilterLogEvents(f model.LogFilter) ([]model.LogEvent, error)
	// GetLogEvents returns the events of one stream in [start, end), oldest first.
	GetLogEvents(group, stream string, start, end time.Time) ([]model.LogEvent, error)
	// TailLogs delivers every event written from now on to the given groups
	// (optionally only streams with one of the names or prefixes, and only
	// events matching the filter pattern) until ctx is done. Used by StartLiveTail.
	TailLogs(ctx context.Context, groups []string, streamNames, streamPrefixes []string, pattern string) (<-chan model.LogEvent, error)
	CreateLogGroup(name string, tags map[string]string) error
	CreateLogStream(group, stream string) error
	PutLogEvents(group, stream string, events []InputLogEvent) (RejectedLogEvents, error)
	DeleteLogGroup(name string) error

	// Auto Scaling
	DescribeAutoScalingGroups(names []string) []model.AutoScalingGroup
	DescribeAutoScalingInstances(ids []string) []model.ASGInstance
	TerminateInstanceInAutoScalingGroup(instanceID string, decrementDesired bool) (model.ScalingActivity, error)
	// DescribeAutoScalingActivities (Auto Scaling's DescribeScalingActivities):
	// a group's (every group's when "") or those with the ids, newest first.
	DescribeAutoScalingActivities(group string, ids []string) ([]model.ScalingActivity, error)

	// ECS capacity providers and Auto Scaling lifecycle hooks, scale-in
	// protection and instance refresh. DescribeCapacityProviders with no
	// ids describes every provider; the wire server pages them.
	DescribeCapacityProviders(ids []string) ([]model.CapacityProvider, []model.Failure)
	DescribeLifecycleHooks(group string, names []string) ([]model.LifecycleHook, error)
	SetInstanceProtection(group string, instanceIDs []string, protected bool) error
	CompleteLifecycleAction(group, hook, instanceID, result string) error
	StartInstanceRefresh(in model.RefreshInput) (string, error)
	// DescribeInstanceRefreshes returns a group's refreshes, newest first.
	DescribeInstanceRefreshes(group string, ids []string) ([]model.InstanceRefresh, error)
	CancelInstanceRefresh(group string) (string, error)
	RollbackInstanceRefresh(group string) (string, error)

	// EC2
	DescribeInstances(ids []string) ([]model.EC2Instance, error)
	// Subnets are the world's subnets, one per availability zone: what an
	// awsvpc service's networkConfiguration names.
	Subnets() []model.Subnet
	DescribeImages(ids []string) ([]Image, error)

	// ELBv2
	DescribeTargetGroups(arns, names []string, loadBalancerARN string) ([]model.TargetGroup, error)
	DescribeTargetHealth(targetGroupARN string) ([]model.TargetHealth, error)
	DescribeLoadBalancers(arns, names []string) ([]LoadBalancer, error)
	DescribeListeners(loadBalancerARN string, arns []string) ([]Listener, error)
	DescribeTags(arns []string) ([]TagDescription, error)
	DescribeTargetGroupAttributes(arn string) ([]model.KeyValue, error)

	// CloudWatch metrics and Application Auto Scaling (metrics.go)
	MetricsBackend
	AppScalingBackend
}

// APIError is an AWS error: its Code is the AWS error code (ClusterNotFoundException,
// InvalidParameterException, AccessDeniedException, ValidationError…), HTTPStatus
// the status AWS answers with (400 unless stated).
type APIError struct {
	Code       string
	Message    string
	HTTPStatus int
}

func (e *APIError) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Status returns the HTTP status, 400 by default.
func (e *APIError) Status() int {
	if e.HTTPStatus == 0 {
		return http.StatusBadRequest
	}
	return e.HTTPStatus
}

// Errorf builds a 400 APIError.
func Errorf(code, format string, args ...any) *APIError {
	return &APIError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Common ECS error codes.
const (
	CodeClusterNotFound     = "ClusterNotFoundException"
	CodeServiceNotFound     = "ServiceNotFoundException"
	CodeServiceNotActive    = "ServiceNotActiveException"
	CodeInvalidParameter    = "InvalidParameterException"
	CodeClientException     = "ClientException"
	CodeResourceNotFound    = "ResourceNotFoundException" // Logs
	CodeAccessDenied        = "AccessDeniedException"
	CodeThrottling          = "ThrottlingException"
	CodeValidationError     = "ValidationError" // Auto Scaling, ELBv2
	CodeTargetGroupNotFound = "TargetGroupNotFound"
	CodeInvalidInstanceID   = "InvalidInstanceID.NotFound" // EC2
)

// CopyTaskDefinition registers a new revision that is base (ARN,
// family:revision or family) exactly as the backend holds it, tags
// included, with the named containers' images replaced: what a deploy does
// through the wire, for in-process tests that have no SDK client. A name
// that is not a container of base is ignored; callers check names first.
func CopyTaskDefinition(b Backend, base string, images map[string]string) (model.TaskDefinition, error) {
	td, tags, err := b.DescribeTaskDefinitionFull(base)
	if err != nil {
		return model.TaskDefinition{}, err
	}
	for i, c := range td.ContainerDefinitions {
		if img, ok := images[aws.ToString(c.Name)]; ok {
			td.ContainerDefinitions[i].Image = aws.String(img)
		}
	}
	reg, _, err := b.RegisterTaskDefinitionFull(&ecs.RegisterTaskDefinitionInput{
		ContainerDefinitions: td.ContainerDefinitions, Family: td.Family, Cpu: td.Cpu,
		EnableFaultInjection: td.EnableFaultInjection, EphemeralStorage: td.EphemeralStorage,
		ExecutionRoleArn: td.ExecutionRoleArn, InferenceAccelerators: td.InferenceAccelerators,
		IpcMode: td.IpcMode, Memory: td.Memory, NetworkMode: td.NetworkMode, PidMode: td.PidMode,
		PlacementConstraints: td.PlacementConstraints, ProxyConfiguration: td.ProxyConfiguration,
		RequiresCompatibilities: td.RequiresCompatibilities, RuntimePlatform: td.RuntimePlatform,
		Tags: tags, TaskRoleArn: td.TaskRoleArn, Volumes: td.Volumes,
	})
	if err != nil {
		return model.TaskDefinition{}, err
	}
	return b.DescribeTaskDefinition(aws.ToString(reg.TaskDefinitionArn))
}

// CreateClusterInput is an ECS CreateCluster request.
type CreateClusterInput struct {
	Name              string // default "default"
	Tags              map[string]string
	Settings          map[string]string // containerInsights
	CapacityProviders []string
	DefaultStrategy   []model.CapacityProviderStrategyItem
}

// LoadBalancer is an application load balancer.
type LoadBalancer struct {
	ARN, Name, DNSName, Scheme, Type, State, VPCID string
	AvailabilityZones                              []string
	CreatedAt                                      time.Time
}

// Listener is a load balancer listener whose default action forwards to
// its target groups.
type Listener struct {
	ARN, LoadBalancerARN, Protocol string
	Port                           int
	TargetGroupARNs                []string
}

// TagDescription is one ELB resource's tags.
type TagDescription struct {
	ARN  string
	Tags []model.KeyValue
}

// InputLogEvent is one event of a PutLogEvents request.
type InputLogEvent struct {
	Timestamp time.Time
	Message   string
}

// RejectedLogEvents says which events of a PutLogEvents batch CloudWatch
// did not take: indexes, -1 when none.
type RejectedLogEvents struct {
	TooNewStart, TooOldEnd, ExpiredEnd int
}

// Image is an EC2 machine image the world's instances use.
type Image struct {
	ID, Name, Description string
	CreatedAt             time.Time
}

// CreateServiceInput is an ECS CreateService request, in the terms the
// world schedules with.
type CreateServiceInput struct {
	Cluster, Name, TaskDefinition string
	DesiredCount                  int
	SchedulingStrategy            string // REPLICA (default) or DAEMON
	// DeploymentConfiguration nil means ECS's defaults.
	DeploymentConfiguration  *model.DeploymentConfiguration
	LoadBalancers            []model.LoadBalancer
	PlacementStrategy        []model.PlacementStrategy
	PlacementConstraints     []model.PlacementConstraint
	HealthCheckGracePeriod   time.Duration
	CapacityProviderStrategy []model.CapacityProviderStrategyItem
	Tags                     map[string]string
	LaunchType               string // EC2 (default) or FARGATE
	PlatformVersion          string // Fargate's
	// Network is the awsvpc configuration, which ECS requires of a service
	// whose task definition uses the awsvpc network mode (and refuses for
	// the other modes).
	Network              *model.AwsvpcConfiguration
	EnableExecuteCommand bool
}
