package model

import "time"

// AutoScalingGroup is an EC2 Auto Scaling group.
type AutoScalingGroup struct {
	Name              string
	ARN               string
	MinSize           int
	MaxSize           int
	DesiredCapacity   int
	AvailabilityZones []string
	Instances         []ASGInstance
	LaunchTemplate    string
	// Template is the launch template and version the group launches.
	Template LaunchTemplateRef
	// NewInstancesProtectedFromScaleIn: instances launch protected from
	// scale-in (required by ECS managed termination protection).
	NewInstancesProtectedFromScaleIn bool
	HealthCheckGracePeriod           int // seconds
	DefaultInstanceWarmup            int // seconds; 0 when unset
}

// ASGInstance is an instance as its Auto Scaling group sees it.
type ASGInstance struct {
	InstanceID           string
	AutoScalingGroupName string
	AvailabilityZone     string
	LifecycleState       string // Pending, InService, Terminating, Terminated…
	HealthStatus         string // Healthy, Unhealthy
	InstanceType         string
	LaunchTemplate       string
	// Template is the launch template and version the instance was launched from.
	Template             LaunchTemplateRef
	ProtectedFromScaleIn bool
}

// ScalingActivity is what TerminateInstanceInAutoScalingGroup returns.
type ScalingActivity struct {
	ActivityID           string
	AutoScalingGroupName string
	Description          string
	Cause                string
	StatusCode           string // InProgress, Successful, …
	StartTime            time.Time
	EndTime              time.Time // zero while in progress
	Progress             int       // percent
}

// EC2Instance is what DescribeInstances tells us about a host.
type EC2Instance struct {
	InstanceID       string
	InstanceType     string
	ImageID          string
	State            string // pending, running, shutting-down, terminated, stopping, stopped
	PrivateIP        string
	PrivateDNS       string
	AvailabilityZone string
	LaunchTime       time.Time
	Tags             map[string]string
}
