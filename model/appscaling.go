package model

import (
	"fmt"
	"strings"
	"time"
)

// Application Auto Scaling names for ECS services.
const (
	ScalingNamespaceECS         = "ecs"
	ScalableDimensionECSDesired = "ecs:service:DesiredCount"

	PolicyTargetTracking = "TargetTrackingScaling"
	PolicyStepScaling    = "StepScaling"
	PolicyPredictive     = "PredictiveScaling"

	PredefinedECSCPU       = "ECSServiceAverageCPUUtilization"
	PredefinedECSMemory    = "ECSServiceAverageMemoryUtilization"
	PredefinedALBPerTarget = "ALBRequestCountPerTarget"

	ScalingActivitySuccessful = "Successful"
)

// ECSServiceResourceID is the resource id Application Auto Scaling knows a
// service by: service/CLUSTER/SERVICE.
func ECSServiceResourceID(cluster, service string) string {
	return "service/" + ResourceID(cluster) + "/" + ResourceID(service)
}

// SuspendedState says which kinds of scaling are suspended on a target.
type SuspendedState struct {
	DynamicScalingIn  bool
	DynamicScalingOut bool
	Scheduled         bool
}

// Any reports whether anything is suspended.
func (s SuspendedState) Any() bool { return s.DynamicScalingIn || s.DynamicScalingOut || s.Scheduled }

func (s SuspendedState) String() string {
	var parts []string
	if s.DynamicScalingIn && s.DynamicScalingOut {
		parts = append(parts, "dynamic scaling")
	} else if s.DynamicScalingIn {
		parts = append(parts, "dynamic scale-in")
	} else if s.DynamicScalingOut {
		parts = append(parts, "dynamic scale-out")
	}
	if s.Scheduled {
		parts = append(parts, "scheduled scaling")
	}
	if len(parts) == 0 {
		return "nothing suspended"
	}
	return strings.Join(parts, " and ") + " suspended"
}

// ScalableTarget is a resource registered with Application Auto Scaling.
type ScalableTarget struct {
	ARN               string
	ResourceID        string // service/CLUSTER/SERVICE
	ScalableDimension string
	MinCapacity       int
	MaxCapacity       int
	Suspended         SuspendedState
	RoleARN           string
	CreatedAt         time.Time
}

// Clamp returns n moved into [MinCapacity, MaxCapacity].
func (t ScalableTarget) Clamp(n int) int { return min(max(n, t.MinCapacity), t.MaxCapacity) }

// ScalingPolicy is a target tracking, step or predictive scaling policy.
type ScalingPolicy struct {
	ARN            string
	Name           string
	ResourceID     string
	Type           string // TargetTrackingScaling, StepScaling, PredictiveScaling
	TargetTracking *TargetTracking
	Step           *StepScaling
	Alarms         []string // CloudWatch alarm names that trigger it
	CreatedAt      time.Time
}

// TargetTracking is a target tracking policy's configuration.
type TargetTracking struct {
	TargetValue      float64
	PredefinedMetric string // ECSServiceAverageCPUUtilization, …; "" for a customized metric
	ResourceLabel    string
	// CustomMetric describes a customized metric ("Namespace MetricName
	// (Statistic)", or "metric math"), when PredefinedMetric is empty.
	CustomMetric     string
	ScaleInCooldown  time.Duration
	ScaleOutCooldown time.Duration
	DisableScaleIn   bool
}

// MetricName is a person's name for what the policy tracks.
func (t TargetTracking) MetricName() string {
	switch t.PredefinedMetric {
	case PredefinedECSCPU:
		return "average CPU"
	case PredefinedECSMemory:
		return "average memory"
	case PredefinedALBPerTarget:
		return "ALB requests per target"
	case "":
		return t.CustomMetric
	}
	return t.PredefinedMetric
}

// StepScaling is a step scaling policy's configuration.
type StepScaling struct {
	AdjustmentType         string // ChangeInCapacity, PercentChangeInCapacity, ExactCapacity
	Cooldown               time.Duration
	MetricAggregationType  string
	MinAdjustmentMagnitude int
	Steps                  []StepAdjustment
}

// StepAdjustment is one step: when the alarm's metric minus its threshold
// lies in [Lower, Upper) (nil: unbounded), adjust by Adjustment.
type StepAdjustment struct {
	Lower, Upper *float64
	Adjustment   int
}

func (s StepAdjustment) String() string {
	lo, hi := "-∞", "+∞"
	if s.Lower != nil {
		lo = trimFloat(*s.Lower)
	}
	if s.Upper != nil {
		hi = trimFloat(*s.Upper)
	}
	return fmt.Sprintf("[%s, %s) %+d", lo, hi, s.Adjustment)
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", f), "0"), ".")
}

// ScheduledAction changes a target's min/max capacity on a schedule.
type ScheduledAction struct {
	ARN        string
	Name       string
	ResourceID string
	Schedule   string // at(…), rate(…), cron(…)
	Timezone   string // IANA name; "" is UTC
	Start, End time.Time
	// MinCapacity and MaxCapacity are what the action sets (nil: unchanged).
	MinCapacity, MaxCapacity *int
	CreatedAt                time.Time
}

// Next returns the action's next run after t, if the schedule has one.
func (a ScheduledAction) Next(after time.Time) (time.Time, bool, error) {
	base := a.Start
	if base.IsZero() {
		base = a.CreatedAt
	}
	return NextScheduleRun(a.Schedule, a.Timezone, base, a.Start, a.End, after)
}

// AppScalingActivity is one Application Auto Scaling scaling activity.
type AppScalingActivity struct {
	ID               string
	ResourceID       string
	Description      string
	Cause            string
	Details          string
	StatusCode       string // Pending, InProgress, Successful, Overridden, Unfulfilled, Failed
	StatusMessage    string
	Start, End       time.Time
	NotScaledReasons []string
}

// ServiceScaling is everything Application Auto Scaling holds about one
// service: its scalable target (nil when it has none), policies, scheduled
// actions and recent activities (newest first).
type ServiceScaling struct {
	Target     *ScalableTarget
	Policies   []ScalingPolicy
	Scheduled  []ScheduledAction
	Activities []AppScalingActivity
}

// DynamicPolicies returns the target tracking and step policies: the ones
// that move the desired count on their own, and bring it back into range.
func (s ServiceScaling) DynamicPolicies() []ScalingPolicy {
	var out []ScalingPolicy
	for _, p := range s.Policies {
		if p.Type == PolicyTargetTracking || p.Type == PolicyStepScaling {
			out = append(out, p)
		}
	}
	return out
}

// ScalableTargetUpdate is the input of RegisterScalableTarget for an ECS
// service. Nil fields are left as they are.
type ScalableTargetUpdate struct {
	Cluster, Service  string
	MinCapacity       *int
	MaxCapacity       *int
	SuspendDynamicIn  *bool
	SuspendDynamicOut *bool
	SuspendScheduled  *bool
}
