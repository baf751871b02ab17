package model

// Target health states as ELBv2 reports them.
const (
	TargetInitial     = "initial"
	TargetHealthy     = "healthy"
	TargetUnhealthy   = "unhealthy"
	TargetUnused      = "unused"
	TargetDraining    = "draining"
	TargetUnavailable = "unavailable"
)

// TargetGroup is an ELBv2 target group.
type TargetGroup struct {
	ARN              string
	Name             string
	Port             int
	Protocol         string
	TargetType       string // instance, ip
	HealthCheckPath  string
	LoadBalancerARNs []string
	VPCID            string
}

// TargetHealth is one registered target and its health.
type TargetHealth struct {
	TargetGroupARN string
	TargetID       string // instance id (target type instance) or IP
	Port           int
	AZ             string
	State          string // initial, healthy, unhealthy, unused, draining, unavailable
	Reason         string // Elb.RegistrationInProgress, Target.FailedHealthChecks, Target.DeregistrationInProgress…
	Description    string
}
