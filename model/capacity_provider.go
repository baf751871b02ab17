package model

import (
	"slices"
	"strings"
	"time"
)

// Capacity provider settings as ECS spells them.
const (
	Enabled  = "ENABLED"
	Disabled = "DISABLED"
)

// CapacityProvider is an ECS capacity provider as DescribeCapacityProviders
// reports it. Only Auto Scaling group providers carry the ASG settings.
type CapacityProvider struct {
	Name                string
	ARN                 string
	Status              string // ACTIVE, INACTIVE
	Type                string // EC2_AUTOSCALING, FARGATE, FARGATE_SPOT, MANAGED_INSTANCES; may be absent
	AutoScalingGroupARN string // the ARN, or the group name when created with one
	ManagedScaling      ManagedScaling
	// ManagedTerminationProtection and ManagedDraining are ENABLED or
	// DISABLED; absent means ECS's default (termination protection off;
	// draining is on for providers created since 2024, but an absent value
	// is shown as unknown rather than guessed).
	ManagedTerminationProtection string
	ManagedDraining              string
	UpdateStatus                 string
	UpdateStatusReason           string
	Tags                         map[string]string
}

// ManagedScaling is ECS's management of the group's desired capacity.
type ManagedScaling struct {
	Status                 string // ENABLED, DISABLED
	TargetCapacity         int    // percent, 1–100; 0 when absent (ECS's default is 100)
	MinimumScalingStepSize int    // 0 when absent (default 1)
	MaximumScalingStepSize int    // 0 when absent (default 10000)
	InstanceWarmupPeriod   int    // seconds; -1 when absent (default 300)
}

// Managed scaling defaults ECS applies when a value is absent.
const (
	DefaultTargetCapacity       = 100
	DefaultMinimumScalingStep   = 1
	DefaultMaximumScalingStep   = 10000
	DefaultInstanceWarmupPeriod = 300
)

// Enabled reports whether ECS manages the group's desired capacity.
func (m ManagedScaling) Enabled() bool { return m.Status == Enabled }

// Target is the target capacity, ECS's default when absent.
func (m ManagedScaling) Target() int {
	if m.TargetCapacity <= 0 {
		return DefaultTargetCapacity
	}
	return m.TargetCapacity
}

// GroupName is the Auto Scaling group's name, from the ARN or the name itself.
func (cp CapacityProvider) GroupName() string { return ASGNameFromARN(cp.AutoScalingGroupARN) }

// TerminationProtection reports whether ECS keeps scale-in protection on
// instances that run tasks.
func (cp CapacityProvider) TerminationProtection() bool {
	return cp.ManagedTerminationProtection == Enabled
}

// Draining reports whether ECS drains instances the group terminates.
func (cp CapacityProvider) Draining() bool { return cp.ManagedDraining == Enabled }

// ASGNameFromARN returns the group name of an Auto Scaling group ARN
// (…:autoScalingGroupName/NAME), or s unchanged when it is already a name.
func ASGNameFromARN(s string) string {
	if i := strings.LastIndex(s, "autoScalingGroupName/"); i >= 0 {
		return s[i+len("autoScalingGroupName/"):]
	}
	return s
}

// StrategyText renders a strategy compactly: "prod-cp base 1 weight 1, spot weight 3".
func StrategyText(s []CapacityProviderStrategyItem) string {
	parts := make([]string, 0, len(s))
	for _, it := range s {
		p := it.CapacityProvider
		if it.Base > 0 {
			p += " base " + itoa(it.Base)
		}
		p += " weight " + itoa(it.Weight)
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

// Lifecycle hook facts.
const (
	TransitionTerminating = "autoscaling:EC2_INSTANCE_TERMINATING"
	TransitionLaunching   = "autoscaling:EC2_INSTANCE_LAUNCHING"
	// ManagedDrainingHook is the termination hook ECS installs on the group
	// of a capacity provider with managed draining.
	ManagedDrainingHook = "ecs-managed-draining-termination-hook"
)

// Auto Scaling lifecycle states that matter to a drain.
const (
	LifecyclePending            = "Pending"
	LifecycleInService          = "InService"
	LifecycleTerminating        = "Terminating"
	LifecycleTerminatingWait    = "Terminating:Wait"
	LifecycleTerminatingProceed = "Terminating:Proceed"
	LifecycleTerminated         = "Terminated"
)

// LifecycleHook is an Auto Scaling lifecycle hook.
type LifecycleHook struct {
	Name                 string
	AutoScalingGroupName string
	LifecycleTransition  string
	HeartbeatTimeout     time.Duration
	GlobalTimeout        time.Duration
	DefaultResult        string // CONTINUE, ABANDON
}

// TerminationHooks returns the hooks that hold a terminating instance.
func TerminationHooks(hooks []LifecycleHook) []LifecycleHook {
	var out []LifecycleHook
	for _, h := range hooks {
		if h.LifecycleTransition == TransitionTerminating {
			out = append(out, h)
		}
	}
	return out
}

// Instance refresh statuses.
const (
	RefreshPending            = "Pending"
	RefreshInProgress         = "InProgress"
	RefreshSuccessful         = "Successful"
	RefreshFailed             = "Failed"
	RefreshCancelling         = "Cancelling"
	RefreshCancelled          = "Cancelled"
	RefreshRollbackInProgress = "RollbackInProgress"
	RefreshRollbackFailed     = "RollbackFailed"
	RefreshRollbackSuccessful = "RollbackSuccessful"
	RefreshBaking             = "Baking"
)

// RefreshActive reports whether a refresh in this status still changes the
// group (and so blocks a drain of its instances or a new refresh).
func RefreshActive(status string) bool {
	switch status {
	case RefreshPending, RefreshInProgress, RefreshCancelling, RefreshRollbackInProgress, RefreshBaking:
		return true
	}
	return false
}

// Values of RefreshPreferences.ScaleInProtectedInstances.
const (
	ProtectedRefresh = "Refresh"
	ProtectedIgnore  = "Ignore"
	ProtectedWait    = "Wait"
)

// RefreshPreferences are an instance refresh's preferences. Pointers are
// absent values, which AWS fills with its defaults (min healthy 90 %,
// scale-in protected and standby instances: Wait).
type RefreshPreferences struct {
	MinHealthyPercentage      *int
	MaxHealthyPercentage      *int
	InstanceWarmup            *int // seconds
	CheckpointPercentages     []int
	CheckpointDelay           *int // seconds; AWS's default is 3600 when checkpoints are set
	SkipMatching              bool
	AutoRollback              bool
	ScaleInProtectedInstances string
	StandbyInstances          string
	BakeTime                  *int // seconds
}

// Defaults AWS applies to absent refresh preferences.
const (
	DefaultMinHealthyPercentage = 90
	DefaultCheckpointDelay      = 3600
)

// MinHealthy is the minimum healthy percentage in effect.
func (p RefreshPreferences) MinHealthy() int {
	if p.MinHealthyPercentage == nil {
		return DefaultMinHealthyPercentage
	}
	return *p.MinHealthyPercentage
}

// Delay is the checkpoint delay in effect.
func (p RefreshPreferences) Delay() time.Duration {
	if p.CheckpointDelay == nil {
		return DefaultCheckpointDelay * time.Second
	}
	return time.Duration(*p.CheckpointDelay) * time.Second
}

// ProtectedBehaviour is the scale-in protected instances behaviour in effect.
func (p RefreshPreferences) ProtectedBehaviour() string {
	if p.ScaleInProtectedInstances == "" {
		return ProtectedWait
	}
	return p.ScaleInProtectedInstances
}

// LaunchTemplateRef names a launch template and version ("3", "$Default", "$Latest").
type LaunchTemplateRef struct {
	ID      string
	Name    string
	Version string
}

// String renders "name:version" (or the id when there is no name).
func (l LaunchTemplateRef) String() string {
	n := l.Name
	if n == "" {
		n = l.ID
	}
	if l.Version != "" {
		n += ":" + l.Version
	}
	return n
}

// Symbolic reports whether the version is $Default or $Latest, which AWS
// resolves at launch (and which make a refresh impossible to roll back).
func (l LaunchTemplateRef) Symbolic() bool {
	return l.Version == "" || strings.HasPrefix(l.Version, "$")
}

// InstanceRefresh is one instance refresh of an Auto Scaling group.
type InstanceRefresh struct {
	ID                   string
	AutoScalingGroupName string
	Status               string
	StatusReason         string
	StartTime            time.Time
	EndTime              time.Time
	PercentageComplete   int
	InstancesToUpdate    int
	Preferences          RefreshPreferences
	Desired              *LaunchTemplateRef // the desired configuration, when one was given
	Rollback             *RefreshRollback
}

// RefreshRollback describes a rollback of an instance refresh.
type RefreshRollback struct {
	Reason             string
	StartTime          time.Time
	PercentageComplete int
	InstancesToUpdate  int
}

// Active reports whether the refresh still changes the group.
func (r InstanceRefresh) Active() bool { return RefreshActive(r.Status) }

// NextCheckpoint returns the first checkpoint above the percentage complete
// (0 when none is left).
func (r InstanceRefresh) NextCheckpoint() int {
	for _, c := range slices.Sorted(slices.Values(r.Preferences.CheckpointPercentages)) {
		if c > r.PercentageComplete {
			return c
		}
	}
	return 0
}

// RefreshInput is what StartInstanceRefresh sends.
type RefreshInput struct {
	AutoScalingGroupName string
	Desired              *LaunchTemplateRef
	Preferences          RefreshPreferences
}

// IsFargateProvider reports whether a strategy's provider is one of
// Fargate's (FARGATE, FARGATE_SPOT): no group, no managed scaling.
func IsFargateProvider(name string) bool { return name == "FARGATE" || name == "FARGATE_SPOT" }
