package model

import "time"

// Task and container statuses and health as ECS reports them.
const (
	StatusProvisioning = "PROVISIONING"
	StatusPending      = "PENDING"
	StatusActivating   = "ACTIVATING"
	StatusRunning      = "RUNNING"
	StatusDeactivating = "DEACTIVATING"
	StatusStopping     = "STOPPING"
	StatusStopped      = "STOPPED"

	HealthHealthy   = "HEALTHY"
	HealthUnhealthy = "UNHEALTHY"
	HealthUnknown   = "UNKNOWN"
)

// Task is an ECS task as DescribeTasks reports it.
type Task struct {
	ARN                  string
	ID                   string // last path element of the ARN
	ClusterARN           string
	TaskDefinitionARN    string
	ContainerInstanceARN string
	Group                string // "service:NAME" for service tasks, "family:NAME" otherwise
	StartedBy            string // the deployment id (ecs-svc/…) for service tasks
	LastStatus           string
	DesiredStatus        string
	HealthStatus         string
	LaunchType           string
	AvailabilityZone     string
	CPU                  int // task-level units, 0 if unset
	Memory               int // task-level MiB, 0 if unset
	Containers           []Container
	CreatedAt            time.Time
	StartedAt            time.Time
	StoppingAt           time.Time
	StoppedAt            time.Time
	StopCode             string // TaskFailedToStart, EssentialContainerExited, UserInitiated, ServiceSchedulerInitiated…
	StoppedReason        string
	Tags                 map[string]string

	// An awsvpc task has its own elastic network interface: its private
	// IPv4 is what an ip target group registers (with the container port).
	PrivateIP, ENIID, SubnetID string
	// PlatformVersion is a Fargate task's (e.g. 1.4.0); CapacityProviderName
	// the provider it was placed through (FARGATE, FARGATE_SPOT, an ASG's).
	PlatformVersion      string
	CapacityProviderName string
	// EnableExecuteCommand is whether ECS Exec was enabled when the task
	// started; changing the service later does not change running tasks.
	EnableExecuteCommand bool
	PlatformFamily       string // Fargate: Linux, Windows…; empty on EC2
}

// ServiceName returns the service a task belongs to, from its group, or "".
func (t Task) ServiceName() string {
	const p = "service:"
	if len(t.Group) > len(p) && t.Group[:len(p)] == p {
		return t.Group[len(p):]
	}
	return ""
}

// Container is one container of a task.
type Container struct {
	ARN             string
	Name            string
	Image           string
	ImageDigest     string
	RuntimeID       string
	LastStatus      string
	HealthStatus    string
	ExitCode        *int
	Reason          string
	NetworkBindings []NetworkBinding
	CPU             int
	Memory          int
	ManagedAgents   []ManagedAgent // ExecuteCommandAgent when exec is enabled
}

// NetworkBinding is a container port published on the host (bridge/host mode).
type NetworkBinding struct {
	BindIP        string
	ContainerPort int
	HostPort      int
	Protocol      string // tcp, udp
}

// TaskFilter narrows ListTasks.
type TaskFilter struct {
	ServiceName       string
	ContainerInstance string // ARN or id
	Family            string
	StartedBy         string
	DesiredStatus     string // RUNNING (default), PENDING, STOPPED
}

// StartTaskInput starts a task definition on chosen container instances (≤ 10 per call).
type StartTaskInput struct {
	Cluster            string
	TaskDefinition     string
	ContainerInstances []string
	StartedBy          string
	Group              string
}

// RunTaskInput lets the scheduler place Count copies of a task definition.
type RunTaskInput struct {
	Cluster              string
	TaskDefinition       string
	Count                int
	StartedBy            string
	Group                string
	PlacementStrategy    []PlacementStrategy
	PlacementConstraints []PlacementConstraint
	EnableExecuteCommand bool
}
