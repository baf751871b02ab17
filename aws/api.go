// Package aws is ecstui's only door to AWS. It offers the operations ui/ and
// ops/ need, in model types, implemented on aws-sdk-go-v2 (pagination at the
// API maximum, Describe batches at the API limit run concurrently, task
// definitions cached by ARN, the SDK's standard retryer), maps AWS errors to
// error kinds a person can act on, and enforces read-only mode before any
// request leaves. No SDK type leaves this package.
//
// Consumers define the small interfaces they need (docs/ARCHITECTURE.md); the method
// sets below are the adapter's full surface, documented in one place.
package aws

import (
	"context"
	"time"

	"github.com/ecstui/ecstui/model"
)

// Reader is every read the console makes. Methods that describe batches return
// per-item failures next to results: a partial answer is still an answer, and
// the failures must be shown.
type Reader interface {
	// Clusters lists and describes every cluster (with statistics).
	Clusters(ctx context.Context) ([]model.Cluster, []model.Failure, error)
	// Services lists every service of a cluster and describes them in batches of 10.
	// onBatch, when non-nil, receives each described batch as it arrives so a
	// view can show the first rows early; it is called from adapter goroutines.
	Services(ctx context.Context, cluster string, onBatch func([]model.Service)) ([]model.Service, []model.Failure, error)
	// ListServicesPage returns one page of service ARNs and the next token.
	ListServicesPage(ctx context.Context, cluster, token string) ([]string, string, error)
	// DescribeServices describes named services (any count; batched by 10).
	DescribeServices(ctx context.Context, cluster string, names []string) ([]model.Service, []model.Failure, error)
	// Tasks lists and describes the tasks matching f (DesiredStatus RUNNING by default).
	Tasks(ctx context.Context, cluster string, f model.TaskFilter, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error)
	// ListTasksPage returns one page of the ARNs of the tasks matching f and the next token.
	ListTasksPage(ctx context.Context, cluster string, f model.TaskFilter, token string) ([]string, string, error)
	// DescribeTasks describes tasks by ARN or id.
	DescribeTasks(ctx context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error)
	// ContainerInstances lists and describes every container instance (status
	// "" = all), enriched with private IP and AMI (EC2) and ASG name (Auto Scaling).
	ContainerInstances(ctx context.Context, cluster string, status string) ([]model.ContainerInstance, []model.Failure, error)
	// ListContainerInstancesPage returns one page of instance ARNs and the next token.
	ListContainerInstancesPage(ctx context.Context, cluster, status, token string) ([]string, string, error)
	// DescribeContainerInstances describes instances by ARN or id, enriched as above.
	DescribeContainerInstances(ctx context.Context, cluster string, ids []string) ([]model.ContainerInstance, []model.Failure, error)
	// TaskDefinition describes one revision (ARN or family:revision); cached by ARN.
	TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error)
	// TaskDefinitionFamilies lists ACTIVE families.
	TaskDefinitionFamilies(ctx context.Context) ([]string, error)
	// TaskDefinitionRevisions lists the ARNs of a family's revisions, newest first.
	TaskDefinitionRevisions(ctx context.Context, family string) ([]string, error)
	// TargetGroups describes target groups by ARN.
	TargetGroups(ctx context.Context, arns []string) ([]model.TargetGroup, error)
	// TargetHealth describes the health of every target of one target group.
	TargetHealth(ctx context.Context, targetGroupARN string) ([]model.TargetHealth, error)
	// EC2Instances describes EC2 instances by id.
	EC2Instances(ctx context.Context, ids []string) ([]model.EC2Instance, error)
	// AutoScalingGroups describes groups by name (none: all).
	AutoScalingGroups(ctx context.Context, names []string) ([]model.AutoScalingGroup, error)
	// DescribeClusters describes named clusters.
	DescribeClusters(ctx context.Context, names []string) ([]model.Cluster, []model.Failure, error)
	// CapacityProviders describes capacity providers by name or ARN.
	CapacityProviders(ctx context.Context, names []string) ([]model.CapacityProvider, []model.Failure, error)
	// LifecycleHooks describes an Auto Scaling group's lifecycle hooks.
	LifecycleHooks(ctx context.Context, group string) ([]model.LifecycleHook, error)
	// InstanceRefreshes returns a group's most recent instance refreshes
	// (at most limit, one call), newest first.
	InstanceRefreshes(ctx context.Context, group string, limit int) ([]model.InstanceRefresh, error)
}

// Mutator is every change ecstui can make. Only package ops calls it; the
// read-only guard refuses all of it.
type Mutator interface {
	RegisterTaskDefinition(ctx context.Context, td model.TaskDefinition) (model.TaskDefinition, error)
	// RegisterTaskDefinitionWithImages registers a copy of the raw revision
	// base (every setting ECS holds, modelled or not, and its tags) with only
	// the images of the named containers (name → image) replaced. A name that
	// is not a container of base is an error of KindValidation.
	RegisterTaskDefinitionWithImages(ctx context.Context, base string, images map[string]string) (model.TaskDefinition, error)
	UpdateService(ctx context.Context, in model.ServiceUpdate) (model.Service, error)
	StartTask(ctx context.Context, in model.StartTaskInput) ([]model.Task, []model.Failure, error)
	RunTask(ctx context.Context, in model.RunTaskInput) ([]model.Task, []model.Failure, error)
	StopTask(ctx context.Context, cluster, task, reason string) (model.Task, error)
	UpdateContainerInstancesState(ctx context.Context, cluster string, ids []string, status string) ([]model.ContainerInstance, []model.Failure, error)
	TerminateInstanceInAutoScalingGroup(ctx context.Context, instanceID string, decrementDesired bool) (model.ScalingActivity, error)
	SetInstanceProtection(ctx context.Context, group string, instanceIDs []string, protected bool) error
	CompleteLifecycleAction(ctx context.Context, group, hook, instanceID, result string) error
	StartInstanceRefresh(ctx context.Context, in model.RefreshInput) (string, error)
	CancelInstanceRefresh(ctx context.Context, group string) (string, error)
	RollbackInstanceRefresh(ctx context.Context, group string) (string, error)
}

// LogReader reads CloudWatch Logs.
type LogReader interface {
	LogStreams(ctx context.Context, group, prefix string) ([]model.LogStream, error)
	// FilterLogEvents returns one page; pass the returned token back for the next.
	FilterLogEvents(ctx context.Context, f model.LogFilter) (events []model.LogEvent, nextToken string, err error)
	GetLogEvents(ctx context.Context, group, stream string, start, end time.Time, limit int) ([]model.LogEvent, error)
	// StartLiveTail opens a live tail session (≤ 10 groups). It fails with an
	// error of KindUnsupported when live tail cannot be used here, so callers
	// fall back to polling.
	StartLiveTail(ctx context.Context, in LiveTailInput) (LiveTail, error)
}

// API is everything the adapter offers.
type API interface {
	Reader
	Mutator
	LogReader
}
