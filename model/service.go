package model

import "time"

// Deployment statuses and rollout states as ECS reports them.
const (
	DeploymentPrimary  = "PRIMARY"
	DeploymentActive   = "ACTIVE"
	DeploymentInactive = "INACTIVE"

	RolloutInProgress = "IN_PROGRESS"
	RolloutCompleted  = "COMPLETED"
	RolloutFailed     = "FAILED"
)

// Service is an ECS service as DescribeServices reports it.
type Service struct {
	ARN                     string
	Name                    string
	ClusterARN              string
	Status                  string // ACTIVE, DRAINING, INACTIVE
	DesiredCount            int
	RunningCount            int
	PendingCount            int
	LaunchType              string // EC2, FARGATE, EXTERNAL
	SchedulingStrategy      string // REPLICA, DAEMON
	TaskDefinitionARN       string
	DeploymentConfiguration DeploymentConfiguration
	Deployments             []Deployment   // PRIMARY first
	Events                  []ServiceEvent // newest first, as ECS returns them
	LoadBalancers           []LoadBalancer
	PlacementStrategy       []PlacementStrategy
	PlacementConstraints    []PlacementConstraint
	HealthCheckGracePeriod  time.Duration
	CreatedAt               time.Time
	Tags                    map[string]string

	// CapacityProviderStrategy is the service's strategy; its LaunchType is
	// then empty. ECS copies the cluster's default strategy into a service
	// created without launch type or strategy.
	CapacityProviderStrategy []CapacityProviderStrategyItem
	// PlatformVersion is a Fargate service's platform version (LATEST, 1.4.0…).
	PlatformVersion string
	// NetworkMode-awsvpc services name the subnets their task ENIs go in,
	// the security groups on them, and whether Fargate gives them a public IP.
	Subnets              []string
	SecurityGroups       []string
	AssignPublicIP       bool
	EnableExecuteCommand bool // new tasks start with ECS Exec enabled
}

// AwsvpcConfiguration is a service's networkConfiguration for the awsvpc
// network mode: the subnets its tasks' network interfaces go in, their
// security groups, and whether Fargate assigns them a public IP.
type AwsvpcConfiguration struct {
	Subnets        []string
	SecurityGroups []string
	AssignPublicIP bool
}

// DeploymentConfiguration holds the rolling-update bounds and the circuit breaker.
type DeploymentConfiguration struct {
	MinimumHealthyPercent int
	MaximumPercent        int
	CircuitBreaker        CircuitBreaker
	// Defaulted: ECS did not report (some of) the percentages, so they hold
	// ECS's documented defaults (REPLICA 100/200, DAEMON 0/100). Plans and
	// views say so rather than present them as the service's settings.
	Defaulted bool
}

// CircuitBreaker is the ECS deployment circuit breaker setting.
type CircuitBreaker struct {
	Enable   bool
	Rollback bool
}

// Deployment is one deployment of a service.
type Deployment struct {
	ID                 string // ecs-svc/1234567890123456789
	Status             string // PRIMARY, ACTIVE, INACTIVE
	TaskDefinitionARN  string
	DesiredCount       int
	PendingCount       int
	RunningCount       int
	FailedTasks        int
	RolloutState       string // IN_PROGRESS, COMPLETED, FAILED
	RolloutStateReason string
	LaunchType         string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// ServiceEvent is one line of a service's event log.
type ServiceEvent struct {
	ID        string
	CreatedAt time.Time
	Message   string
}

// LoadBalancer ties a service's container port to a target group.
type LoadBalancer struct {
	TargetGroupARN   string
	LoadBalancerName string // classic ELB only
	ContainerName    string
	ContainerPort    int
}

// PlacementStrategy is one entry of a service's placement strategy.
type PlacementStrategy struct {
	Type  string // spread, binpack, random
	Field string // attribute:ecs.availability-zone, instanceId, cpu, memory
}

// PlacementConstraint is one placement constraint.
type PlacementConstraint struct {
	Type       string // distinctInstance, memberOf
	Expression string
}

// ServiceUpdate is the input of UpdateService. Nil pointers leave a field unchanged.
type ServiceUpdate struct {
	Cluster               string
	Service               string
	TaskDefinition        string // ARN or family:revision; empty leaves it
	DesiredCount          *int
	MinimumHealthyPercent *int
	MaximumPercent        *int
	CircuitBreaker        *CircuitBreaker
	ForceNewDeployment    bool
	EnableExecuteCommand  *bool // nil leaves it
	// Network replaces the awsvpc configuration (nil leaves it); a change
	// starts a new deployment, as the tasks need new network interfaces.
	Network *AwsvpcConfiguration
}

// PrimaryDeployment returns the PRIMARY deployment, if any.
func (s Service) PrimaryDeployment() (Deployment, bool) {
	for _, d := range s.Deployments {
		if d.Status == DeploymentPrimary {
			return d, true
		}
	}
	return Deployment{}, false
}

// DeploymentByID returns the deployment with the given id, if the service still lists it.
func (s Service) DeploymentByID(id string) (Deployment, bool) {
	for _, d := range s.Deployments {
		if d.ID == id {
			return d, true
		}
	}
	return Deployment{}, false
}

// OnFargate reports whether the service's tasks run on Fargate: launch type
// FARGATE, or a FARGATE / FARGATE_SPOT capacity provider strategy. They
// take no container instance's resources.
func (s Service) OnFargate() bool {
	if s.LaunchType == "FARGATE" {
		return true
	}
	for _, it := range s.CapacityProviderStrategy {
		if it.CapacityProvider == "FARGATE" || it.CapacityProvider == "FARGATE_SPOT" {
			return true
		}
	}
	return false
}
