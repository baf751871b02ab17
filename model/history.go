package model

import (
	"sort"
	"strings"
	"time"
)

// Service deployment statuses (ListServiceDeployments, DescribeServiceDeployments).
const (
	SDPending            = "PENDING"
	SDInProgress         = "IN_PROGRESS"
	SDSuccessful         = "SUCCESSFUL"
	SDStopRequested      = "STOP_REQUESTED"
	SDStopped            = "STOPPED"
	SDRollbackRequested  = "ROLLBACK_REQUESTED"
	SDRollbackInProgress = "ROLLBACK_IN_PROGRESS"
	SDRollbackSuccessful = "ROLLBACK_SUCCESSFUL"
	SDRollbackFailed     = "ROLLBACK_FAILED"
)

// ServiceDeployment is one entry of a service's deployment history, which
// ECS keeps after DescribeServices has dropped the deployment.
type ServiceDeployment struct {
	ARN          string // …:service-deployment/CLUSTER/SERVICE/ID
	ServiceARN   string
	ClusterARN   string
	Status       string // SD* constants
	StatusReason string
	CreatedAt    time.Time
	StartedAt    time.Time
	FinishedAt   time.Time
	StoppedAt    time.Time
	UpdatedAt    time.Time
	// TargetRevisionARN is the service revision being deployed.
	TargetRevisionARN string
	// SourceRevisionARNs are the revisions that were running when it started.
	SourceRevisionARNs []string
	// Rollback is set when the deployment was rolled back.
	Rollback *DeploymentRollback
	// CircuitBreaker failure count and threshold (0/0 when not used).
	FailureCount, FailureThreshold int
}

// DeploymentRollback says where a failed deployment went back to.
type DeploymentRollback struct {
	Reason      string
	RevisionARN string // the service revision rolled back to
	StartedAt   time.Time
}

// ServiceRevision is the configuration one deployment deploys (task
// definition, launch type or capacity provider strategy, platform version,
// load balancers, images).
type ServiceRevision struct {
	ARN                      string // …:service-revision/CLUSTER/SERVICE/ID
	ServiceARN               string
	ClusterARN               string
	TaskDefinitionARN        string
	LaunchType               string
	CapacityProviderStrategy []CapacityProviderStrategyItem
	PlatformVersion          string
	LoadBalancers            []LoadBalancer
	Images                   []ContainerImage
	CreatedAt                time.Time
}

// ContainerImage is one container's image as a revision resolved it.
type ContainerImage struct {
	ContainerName string
	Image         string
	ImageDigest   string
}

// CapacityProviderStrategyItem is one entry of a capacity provider strategy.
type CapacityProviderStrategyItem struct {
	CapacityProvider string
	Weight           int
	Base             int
}

// Outcome is a deployment's result in one word: successful, failed, rolled
// back, stopped, in progress.
func (d ServiceDeployment) Outcome() string {
	switch d.Status {
	case SDSuccessful:
		return "successful"
	case SDRollbackSuccessful:
		return "rolled back"
	case SDRollbackFailed:
		return "rollback failed"
	case SDRollbackInProgress, SDRollbackRequested:
		return "rolling back"
	case SDStopped, SDStopRequested:
		if d.Rollback == nil && d.FailureThreshold > 0 && d.FailureCount >= d.FailureThreshold {
			return "failed"
		}
		return "stopped"
	case SDPending, SDInProgress:
		return "in progress"
	}
	return strings.ToLower(d.Status)
}

// Failed reports whether the deployment did not reach its target revision.
func (d ServiceDeployment) Failed() bool {
	switch d.Status {
	case SDRollbackSuccessful, SDRollbackFailed, SDRollbackInProgress, SDRollbackRequested:
		return true
	case SDStopped:
		return d.Outcome() == "failed"
	}
	return false
}

// Ended is when the deployment reached its final status (zero while it runs).
func (d ServiceDeployment) Ended() time.Time {
	return firstTime(d.FinishedAt, d.StoppedAt)
}

// Duration is how long the deployment took, or has taken by now.
func (d ServiceDeployment) Duration(now time.Time) time.Duration {
	start := firstTime(d.StartedAt, d.CreatedAt)
	if start.IsZero() {
		return 0
	}
	end := d.Ended()
	if end.IsZero() {
		end = now
	}
	if end.Before(start) {
		return 0
	}
	return end.Sub(start)
}

// SortDeploymentHistory orders deployments newest first; the API promises
// no order.
func SortDeploymentHistory(ds []ServiceDeployment) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := firstTime(ds[i].CreatedAt, ds[i].StartedAt), firstTime(ds[j].CreatedAt, ds[j].StartedAt)
		if !a.Equal(b) {
			return a.After(b)
		}
		return ds[i].ARN > ds[j].ARN
	})
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
