package sim

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// Application Auto Scaling for ECS services. Once a minute, on the minute
// (after that minute's metrics are recorded), every scalable target is
// evaluated:
//
//   - due scheduled actions set min/max capacity and bring the desired count
//     into the new range (unless scheduled scaling is suspended);
//   - a desired count outside [min, max] is set back to the nearest bound by
//     the dynamic policies (unless that direction is suspended): a manual
//     scale beyond the range is undone within about a minute;
//   - target tracking policies on ECS CPU, memory or ALB requests per target
//     scale out after 3 minutes above the target and in after 15 minutes
//     below 90 % of it, to ceil(desired × metric / target) within the
//     range, honouring their cooldowns and DisableScaleIn.
//
// Step scaling policies are stored and described but never fire: the
// simulator has no CloudWatch alarms.
type scalingState struct {
	targets map[string]*scalableTarget // by resource id
	order   []string
	last    time.Time // last evaluation (a minute boundary)
}

type scalableTarget struct {
	model.ScalableTarget
	svc        *service
	policies   []*scalingPolicy
	scheduled  []*scheduledAction
	activities []model.AppScalingActivity // newest first
	lastOut    time.Time
	lastIn     time.Time
}

type scalingPolicy struct {
	model.ScalingPolicy
	above, below int // consecutive minutes past the alarm thresholds
}

type scheduledAction struct {
	model.ScheduledAction
	checked time.Time // runs up to here are done
}

// maxActivities is how many activities a target keeps.
const maxActivities = 100

func (w *World) scalingState() *scalingState {
	if w.scaling == nil {
		w.scaling = &scalingState{targets: map[string]*scalableTarget{}}
	}
	return w.scaling
}

func errNoTarget(resourceID string) error {
	return simapi.Errorf(simapi.CodeAASObjectNotFound,
		"No scalable target registered for service namespace: ecs, resource ID: %s, scalable dimension: %s", resourceID, model.ScalableDimensionECSDesired)
}

// serviceByResource resolves service/CLUSTER/SERVICE.
func (w *World) serviceByResource(resourceID string) (*service, error) {
	parts := strings.Split(resourceID, "/")
	if len(parts) != 3 || parts[0] != "service" {
		return nil, simapi.Errorf(simapi.CodeAASValidation, "Unsupported service namespace, resource type or scalable dimension: %s", resourceID)
	}
	c, ok := w.clusters[parts[1]]
	if !ok {
		return nil, simapi.Errorf(simapi.CodeAASValidation, "ECS cluster doesn't exist: %s", parts[1])
	}
	s, ok := c.services[parts[2]]
	if !ok || s.status != "ACTIVE" {
		return nil, simapi.Errorf(simapi.CodeAASValidation, "ECS service doesn't exist: %s", resourceID)
	}
	return s, nil
}

// RegisterScalableTarget registers or updates a service's scalable target.
// A new target needs both capacities. As in AWS, the service's desired count
// is moved into the (new) range at once.
func (w *World) RegisterScalableTarget(in model.ScalableTargetUpdate) (model.ScalableTarget, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	rid := model.ECSServiceResourceID(in.Cluster, in.Service)
	s, err := w.serviceByResource(rid)
	if err != nil {
		return model.ScalableTarget{}, err
	}
	ss := w.scalingState()
	t := ss.targets[rid]
	if t == nil {
		if in.MinCapacity == nil || in.MaxCapacity == nil {
			return model.ScalableTarget{}, simapi.Errorf(simapi.CodeAASValidation, "MinCapacity and MaxCapacity are required when registering a new scalable target")
		}
		t = &scalableTarget{svc: s, ScalableTarget: model.ScalableTarget{
			ARN:        fmt.Sprintf("arn:aws:application-autoscaling:%s:%s:scalable-target/0e%s", w.region, w.account, w.hex(30)),
			ResourceID: rid, ScalableDimension: model.ScalableDimensionECSDesired,
			RoleARN:   fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService", w.account),
			CreatedAt: w.now,
		}}
	}
	next := t.ScalableTarget
	if in.MinCapacity != nil {
		next.MinCapacity = *in.MinCapacity
	}
	if in.MaxCapacity != nil {
		next.MaxCapacity = *in.MaxCapacity
	}
	if next.MinCapacity < 0 || next.MaxCapacity < 0 {
		return model.ScalableTarget{}, simapi.Errorf(simapi.CodeAASValidation, "Minimum and maximum capacity must not be negative")
	}
	if next.MinCapacity > next.MaxCapacity {
		return model.ScalableTarget{}, simapi.Errorf(simapi.CodeAASValidation, "Minimum capacity (%d) cannot be greater than maximum capacity (%d)", next.MinCapacity, next.MaxCapacity)
	}
	setIf := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	setIf(&next.Suspended.DynamicScalingIn, in.SuspendDynamicIn)
	setIf(&next.Suspended.DynamicScalingOut, in.SuspendDynamicOut)
	setIf(&next.Suspended.Scheduled, in.SuspendScheduled)
	if _, ok := ss.targets[rid]; !ok {
		ss.targets[rid] = t
		ss.order = append(ss.order, rid)
	}
	t.ScalableTarget = next
	if n := next.Clamp(s.desired); n != s.desired {
		w.scaleTo(t, n, fmt.Sprintf("Setting desired count to %d.", n),
			fmt.Sprintf("the scalable target was registered with minimum capacity %d and maximum capacity %d", next.MinCapacity, next.MaxCapacity))
	}
	return t.ScalableTarget, nil
}

// PutScalingPolicy creates or replaces a policy of a registered target. A
// target tracking policy gets its two alarms, named as AWS names them.
func (w *World) PutScalingPolicy(p model.ScalingPolicy) (model.ScalingPolicy, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.scalingState().targets[p.ResourceID]
	if t == nil {
		return model.ScalingPolicy{}, errNoTarget(p.ResourceID)
	}
	switch p.Type {
	case model.PolicyTargetTracking:
		if p.TargetTracking == nil {
			return model.ScalingPolicy{}, simapi.Errorf(simapi.CodeAASValidation, "TargetTrackingScalingPolicyConfiguration is required for a TargetTrackingScaling policy")
		}
		tt := p.TargetTracking
		if tt.TargetValue <= 0 || math.IsNaN(tt.TargetValue) {
			return model.ScalingPolicy{}, simapi.Errorf(simapi.CodeAASValidation, "TargetValue must be greater than 0")
		}
		if tt.PredefinedMetric == "" && tt.CustomMetric == "" {
			return model.ScalingPolicy{}, simapi.Errorf(simapi.CodeAASValidation, "Either PredefinedMetricSpecification or CustomizedMetricSpecification is required")
		}
		id := w.uuid()
		p.Alarms = []string{"TargetTracking-" + p.ResourceID + "-AlarmHigh-" + id, "TargetTracking-" + p.ResourceID + "-AlarmLow-" + w.uuid()}
	case model.PolicyStepScaling:
		if p.Step == nil {
			return model.ScalingPolicy{}, simapi.Errorf(simapi.CodeAASValidation, "StepScalingPolicyConfiguration is required for a StepScaling policy")
		}
	default:
		return model.ScalingPolicy{}, simapi.Errorf(simapi.CodeAASValidation, "Unsupported policy type %q for this simulator (TargetTrackingScaling, StepScaling)", p.Type)
	}
	if p.Name == "" {
		return model.ScalingPolicy{}, simapi.Errorf(simapi.CodeAASValidation, "PolicyName is required")
	}
	p.ARN = fmt.Sprintf("arn:aws:autoscaling:%s:%s:scalingPolicy:%s:resource/ecs/%s:policyName/%s", w.region, w.account, w.uuid(), p.ResourceID, p.Name)
	p.CreatedAt = w.now
	i := slices.IndexFunc(t.policies, func(x *scalingPolicy) bool { return x.Name == p.Name })
	np := &scalingPolicy{ScalingPolicy: p}
	if i >= 0 {
		np.ARN, np.CreatedAt = t.policies[i].ARN, t.policies[i].CreatedAt
		t.policies[i] = np
	} else {
		t.policies = append(t.policies, np)
	}
	return clonePolicy(np.ScalingPolicy), nil
}

// PutScheduledAction creates or replaces a scheduled action of a registered target.
func (w *World) PutScheduledAction(a model.ScheduledAction) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.scalingState().targets[a.ResourceID]
	if t == nil {
		return errNoTarget(a.ResourceID)
	}
	if a.Name == "" {
		return simapi.Errorf(simapi.CodeAASValidation, "ScheduledActionName is required")
	}
	if _, _, err := model.NextScheduleRun(a.Schedule, a.Timezone, w.now, a.Start, a.End, w.now); err != nil {
		return simapi.Errorf(simapi.CodeAASValidation, "%v", err)
	}
	a.ARN = fmt.Sprintf("arn:aws:autoscaling:%s:%s:scheduledAction:%s:resource/ecs/%s:scheduledActionName/%s", w.region, w.account, w.uuid(), a.ResourceID, a.Name)
	a.CreatedAt = w.now
	na := &scheduledAction{ScheduledAction: a, checked: w.now}
	if i := slices.IndexFunc(t.scheduled, func(x *scheduledAction) bool { return x.Name == a.Name }); i >= 0 {
		na.ARN, na.CreatedAt = t.scheduled[i].ARN, t.scheduled[i].CreatedAt
		t.scheduled[i] = na
	} else {
		t.scheduled = append(t.scheduled, na)
	}
	return nil
}

// DescribeScalableTargets returns the targets with the given resource ids
// (none: all), in registration order.
func (w *World) DescribeScalableTargets(resourceIDs []string) ([]model.ScalableTarget, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ss := w.scalingState()
	var out []model.ScalableTarget
	for _, rid := range ss.order {
		if len(resourceIDs) == 0 || slices.Contains(resourceIDs, rid) {
			out = append(out, ss.targets[rid].ScalableTarget)
		}
	}
	return out, nil
}

// DescribeScalingPolicies returns a target's policies ("" resource: every
// target's), optionally only the named ones.
func (w *World) DescribeScalingPolicies(resourceID string, names []string) ([]model.ScalingPolicy, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []model.ScalingPolicy
	for _, t := range w.targetsFor(resourceID) {
		for _, p := range t.policies {
			if len(names) == 0 || slices.Contains(names, p.Name) {
				out = append(out, clonePolicy(p.ScalingPolicy))
			}
		}
	}
	return out, nil
}

// DescribeScalingActivities returns a target's activities, newest first.
func (w *World) DescribeScalingActivities(resourceID string) ([]model.AppScalingActivity, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []model.AppScalingActivity
	for _, t := range w.targetsFor(resourceID) {
		out = append(out, t.activities...)
	}
	slices.SortStableFunc(out, func(a, b model.AppScalingActivity) int { return b.Start.Compare(a.Start) })
	return out, nil
}

// DescribeScheduledActions returns a target's scheduled actions.
func (w *World) DescribeScheduledActions(resourceID string, names []string) ([]model.ScheduledAction, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []model.ScheduledAction
	for _, t := range w.targetsFor(resourceID) {
		for _, a := range t.scheduled {
			if len(names) == 0 || slices.Contains(names, a.Name) {
				out = append(out, a.ScheduledAction)
			}
		}
	}
	return out, nil
}

func (w *World) targetsFor(resourceID string) []*scalableTarget {
	ss := w.scalingState()
	if resourceID != "" {
		if t := ss.targets[resourceID]; t != nil {
			return []*scalableTarget{t}
		}
		return nil
	}
	out := make([]*scalableTarget, 0, len(ss.order))
	for _, rid := range ss.order {
		out = append(out, ss.targets[rid])
	}
	return out
}

func clonePolicy(p model.ScalingPolicy) model.ScalingPolicy {
	p.Alarms = slices.Clone(p.Alarms)
	if p.TargetTracking != nil {
		tt := *p.TargetTracking
		p.TargetTracking = &tt
	}
	if p.Step != nil {
		st := *p.Step
		st.Steps = slices.Clone(st.Steps)
		p.Step = &st
	}
	return p
}

// scaleTo sets a service's desired count as Application Auto Scaling does
// (UpdateService on its behalf) and records the activity.
func (w *World) scaleTo(t *scalableTarget, n int, description, cause string) {
	s := t.svc
	from := s.desired
	s.desired = n
	if len(s.deployments) > 0 {
		s.deployments[0].desired = n
		s.deployments[0].updatedAt = w.now
	}
	if n > from {
		t.lastOut = w.now
	} else {
		t.lastIn = w.now
	}
	t.activities = append([]model.AppScalingActivity{{
		ID: w.uuid(), ResourceID: t.ResourceID, Description: description, Cause: cause,
		Details:    fmt.Sprintf("desired count %d → %d", from, n),
		StatusCode: model.ScalingActivitySuccessful, StatusMessage: fmt.Sprintf("Successfully set desired count to %d. Change successfully fulfilled by ecs.", n),
		Start: w.now, End: w.now,
	}}, t.activities...)
	if len(t.activities) > maxActivities {
		t.activities = t.activities[:maxActivities]
	}
}

// stepScaling evaluates every target once per minute boundary.
func (w *World) stepScaling() {
	ss := w.scalingState()
	m := w.now.Truncate(time.Minute)
	if !m.After(ss.last) {
		return
	}
	ss.last = m
	for _, rid := range ss.order {
		t := ss.targets[rid]
		if t.svc.status != "ACTIVE" {
			continue
		}
		w.runScheduled(t)
		w.runDynamic(t)
	}
}

func (w *World) runScheduled(t *scalableTarget) {
	for _, a := range t.scheduled {
		next, ok, err := a.Next(a.checked)
		if err != nil || !ok || next.After(w.now) {
			continue
		}
		a.checked = w.now
		if t.Suspended.Scheduled {
			continue
		}
		if a.MinCapacity != nil {
			t.MinCapacity = *a.MinCapacity
		}
		if a.MaxCapacity != nil {
			t.MaxCapacity = *a.MaxCapacity
		}
		t.MaxCapacity = max(t.MaxCapacity, t.MinCapacity)
		if n := t.Clamp(t.svc.desired); n != t.svc.desired {
			w.scaleTo(t, n, fmt.Sprintf("Setting desired count to %d.", n),
				fmt.Sprintf("scheduled action %s set minimum capacity %d and maximum capacity %d", a.Name, t.MinCapacity, t.MaxCapacity))
		}
	}
}

func (w *World) runDynamic(t *scalableTarget) {
	cur := t.svc.desired
	var tracking []*scalingPolicy
	for _, p := range t.policies {
		if p.Type == model.PolicyTargetTracking {
			tracking = append(tracking, p)
		}
	}
	hasDynamic := len(t.policies) > 0
	switch {
	case !hasDynamic:
		return
	case cur > t.MaxCapacity && !t.Suspended.DynamicScalingIn:
		w.scaleTo(t, t.MaxCapacity, fmt.Sprintf("Setting desired count to %d.", t.MaxCapacity),
			fmt.Sprintf("the desired count %d was above the maximum capacity %d", cur, t.MaxCapacity))
		return
	case cur < t.MinCapacity && !t.Suspended.DynamicScalingOut:
		w.scaleTo(t, t.MinCapacity, fmt.Sprintf("Setting desired count to %d.", t.MinCapacity),
			fmt.Sprintf("the desired count %d was below the minimum capacity %d", cur, t.MinCapacity))
		return
	}
	out, in, allLow := cur, 0, len(tracking) > 0
	var outCause, inCause string
	for _, p := range tracking {
		v, ok := w.trackedValue(t, p.TargetTracking)
		tv := p.TargetTracking.TargetValue
		if !ok {
			p.above, p.below, allLow = 0, 0, false
			continue
		}
		p.above, p.below = countIf(p.above, v > tv), countIf(p.below, v < 0.9*tv)
		want := t.Clamp(int(math.Ceil(float64(max(cur, 1)) * v / tv)))
		if p.above >= 3 && want > out {
			out, outCause = want, p.Alarms[0]+" in state ALARM triggered policy "+p.Name
		}
		if p.below >= 15 && !p.TargetTracking.DisableScaleIn {
			if want > in {
				in, inCause = want, p.Alarms[len(p.Alarms)-1]+" in state ALARM triggered policy "+p.Name
			}
		} else {
			allLow = false
		}
	}
	cooldown := func(p *scalingPolicy, out bool) time.Duration {
		if out {
			return p.TargetTracking.ScaleOutCooldown
		}
		return p.TargetTracking.ScaleInCooldown
	}
	cool := func(last time.Time, isOut bool) bool {
		for _, p := range tracking {
			if !last.IsZero() && w.now.Sub(last) < cooldown(p, isOut) {
				return true
			}
		}
		return false
	}
	switch {
	case out > cur && !t.Suspended.DynamicScalingOut && !cool(t.lastOut, true):
		w.scaleTo(t, out, fmt.Sprintf("Setting desired count to %d.", out), "monitor alarm "+outCause)
		resetAlarms(tracking)
	case allLow && in < cur && !t.Suspended.DynamicScalingIn && !cool(t.lastIn, false) && !cool(t.lastOut, false):
		w.scaleTo(t, in, fmt.Sprintf("Setting desired count to %d.", in), "monitor alarm "+inCause)
		resetAlarms(tracking)
	}
}

func countIf(n int, cond bool) int {
	if cond {
		return n + 1
	}
	return 0
}

func resetAlarms(ps []*scalingPolicy) {
	for _, p := range ps {
		p.above, p.below = 0, 0
	}
}

// trackedValue is the last minute's value of a target tracking metric.
func (w *World) trackedValue(t *scalableTarget, tt *model.TargetTracking) (float64, bool) {
	s := t.svc
	dims := []model.MetricDimension{{Name: "ClusterName", Value: s.cluster.name}, {Name: "ServiceName", Value: s.name}}
	var key string
	switch tt.PredefinedMetric {
	case model.PredefinedECSCPU:
		key = seriesKey(model.NamespaceECS, model.MetricCPUUtilization, dims)
	case model.PredefinedECSMemory:
		key = seriesKey(model.NamespaceECS, model.MetricMemoryUtilization, dims)
	case model.PredefinedALBPerTarget:
		if tt.ResourceLabel == "" {
			return 0, false
		}
		lb, tg, _ := strings.Cut(tt.ResourceLabel, "/targetgroup/")
		key = seriesKey(model.NamespaceALB, model.MetricRequestCount, []model.MetricDimension{{Name: "TargetGroup", Value: "targetgroup/" + tg}, {Name: "LoadBalancer", Value: lb}})
	default:
		return 0, false // customized metrics are not evaluated
	}
	ser := w.metricsState().series[key]
	if ser == nil || len(ser.points) == 0 {
		return 0, false
	}
	p := ser.points[len(ser.points)-1]
	if p.n == 0 || w.now.Sub(ser.start.Add(time.Duration(len(ser.points)-1)*time.Minute)) > 2*time.Minute {
		return 0, false
	}
	if tt.PredefinedMetric == model.PredefinedALBPerTarget {
		return p.sum / float64(max(s.desired, 1)), true
	}
	return p.sum / p.n, true
}

// DeregisterScalableTarget deletes a service's scalable target and, as in
// AWS, its scaling policies and scheduled actions; the desired count stays
// where it is.
func (w *World) DeregisterScalableTarget(resourceID string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	ss := w.scalingState()
	if ss.targets[resourceID] == nil {
		return errNoTarget(resourceID)
	}
	delete(ss.targets, resourceID)
	ss.order = slices.DeleteFunc(ss.order, func(rid string) bool { return rid == resourceID })
	return nil
}

// DeleteScalingPolicy deletes one policy of a target.
func (w *World) DeleteScalingPolicy(resourceID, name string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.scalingState().targets[resourceID]
	i := -1
	if t != nil {
		i = slices.IndexFunc(t.policies, func(p *scalingPolicy) bool { return p.Name == name })
	}
	if i < 0 {
		return simapi.Errorf(simapi.CodeAASObjectNotFound, "No scaling policy found for service namespace: ecs, resource ID: %s, scalable dimension: %s, policy name: %s",
			resourceID, model.ScalableDimensionECSDesired, name)
	}
	t.policies = slices.Delete(t.policies, i, i+1)
	return nil
}
