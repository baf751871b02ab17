package model

import "time"

// Container instance statuses.
const (
	InstanceActive           = "ACTIVE"
	InstanceDraining         = "DRAINING"
	InstanceInactive         = "INACTIVE"
	InstanceRegistering      = "REGISTERING"
	InstanceDeregistering    = "DEREGISTERING"
	InstanceRegistrationFail = "REGISTRATION_FAILED"
)

// Resources are what an instance offers or has left: CPU units, MiB and host ports.
type Resources struct {
	CPU      int
	Memory   int
	Ports    []int // TCP host ports in use (reserved ports for registered)
	PortsUDP []int
}

// ContainerInstance is an EC2 instance registered in a cluster, as
// DescribeContainerInstances reports it, enriched by the adapter with what EC2
// and Auto Scaling know about it (private IP, AMI, ASG) when available.
type ContainerInstance struct {
	ARN               string
	ID                string // last path element of the ARN
	ClusterARN        string
	EC2InstanceID     string
	Status            string // ACTIVE, DRAINING, …
	StatusReason      string
	AgentConnected    bool
	AgentVersion      string
	DockerVersion     string
	AvailabilityZone  string // attribute ecs.availability-zone
	InstanceType      string // attribute ecs.instance-type
	AMIID             string // attribute ecs.ami-id
	PrivateIP         string // from EC2
	AutoScalingGroup  string // from Auto Scaling
	Registered        Resources
	Remaining         Resources
	RunningTasksCount int
	PendingTasksCount int
	RegisteredAt      time.Time
	Attributes        map[string]string
	Tags              map[string]string

	// CapacityProviderName is the capacity provider the instance registered
	// through (ECS), if any.
	CapacityProviderName string
	// ASG is what Auto Scaling says of the instance (lifecycle state,
	// scale-in protection), when the enrichment got it.
	ASG *ASGInstance
}

// Subnet is one VPC subnet (EC2 DescribeSubnets): where awsvpc tasks'
// network interfaces go.
type Subnet struct {
	ID               string
	AvailabilityZone string
	VPCID            string
	CIDRBlock        string
}
