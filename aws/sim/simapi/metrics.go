package simapi

import (
	"time"

	"github.com/ecstui/ecstui/model"
)

// MetricsBackend answers CloudWatch metric reads.
type MetricsBackend interface {
	// GetMetricData answers each query with its datapoints in [start, end),
	// one per period, oldest first; the wire server validates the request
	// against CloudWatch's limits first and pages the answer.
	GetMetricData(in model.MetricDataInput) ([]model.MetricSeries, error)
	// Now is the service's clock: CloudWatch judges how old a request's
	// start time is (the period rules) by it.
	Now() time.Time
}

// AppScalingBackend answers Application Auto Scaling for ECS services (the
// only namespace the simulator models). Lists return everything in a stable
// order; the wire server pages them.
type AppScalingBackend interface {
	DescribeScalableTargets(resourceIDs []string) ([]model.ScalableTarget, error)
	DescribeScalingPolicies(resourceID string, names []string) ([]model.ScalingPolicy, error)
	// DescribeScalingActivities returns activities newest first.
	DescribeScalingActivities(resourceID string) ([]model.AppScalingActivity, error)
	DescribeScheduledActions(resourceID string, names []string) ([]model.ScheduledAction, error)
	RegisterScalableTarget(in model.ScalableTargetUpdate) (model.ScalableTarget, error)
	PutScalingPolicy(p model.ScalingPolicy) (model.ScalingPolicy, error)
	PutScheduledAction(a model.ScheduledAction) error
	// DeregisterScalableTarget deletes a target with its policies and
	// scheduled actions; DeleteScalingPolicy deletes one policy.
	DeregisterScalableTarget(resourceID string) error
	DeleteScalingPolicy(resourceID, name string) error
}

// Application Auto Scaling error codes.
const (
	CodeAASValidation     = "ValidationException"
	CodeAASObjectNotFound = "ObjectNotFoundException"
)

// MetricRetention is how long the simulator keeps one-minute datapoints.
const MetricRetention = 3 * time.Hour
