package wire

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// Application Auto Scaling speaks awsJson1_1 with X-Amz-Target
// AnyScaleFrontendService.<Op>, PascalCase members and epoch-second
// timestamps. The simulator models the ecs namespace only: other namespaces
// have no targets.
const aasTargetPrefix = "AnyScaleFrontendService."

// Application Auto Scaling page sizes (API reference: MaxResults).
const (
	maxAASTargets     = 50
	maxAASPolicies    = 10
	maxAASActivities  = 50
	maxAASScheduled   = 50
	maxAASResourceIDs = 50
)

func aasOp(bucket string, h func(s *Server, body []byte) (any, error)) jsonOp {
	return jsonOp{bucket: bucket, handle: func(s *Server, _ http.ResponseWriter, _ *http.Request, body []byte) (any, error) {
		return h(s, body)
	}}
}

var aasOps = map[string]jsonOp{
	"DescribeScalableTargets":   aasOp(string(quota.AppScalingRead), aasDescribeTargets),
	"DescribeScalingPolicies":   aasOp(string(quota.AppScalingRead), aasDescribePolicies),
	"DescribeScalingActivities": aasOp(string(quota.AppScalingRead), aasDescribeActivities),
	"DescribeScheduledActions":  aasOp(string(quota.AppScalingRead), aasDescribeScheduled),
	"RegisterScalableTarget":    aasOp("application-autoscaling:mutate", aasRegisterTarget),
	"PutScalingPolicy":          aasOp("application-autoscaling:mutate", aasPutPolicy),
	"PutScheduledAction":        aasOp("application-autoscaling:mutate", aasPutScheduled),
	"DeregisterScalableTarget":  aasOp("application-autoscaling:mutate", aasDeregisterTarget),
	"DeleteScalingPolicy":       aasOp("application-autoscaling:mutate", aasDeletePolicy),
}

func aasInvalid(format string, args ...any) error {
	return simapi.Errorf(simapi.CodeAASValidation, format, args...)
}

// aasScope is the members every request names the target by.
type aasScope struct {
	ServiceNamespace  string   `json:"ServiceNamespace"`
	ResourceID        string   `json:"ResourceId"`
	ScalableDimension string   `json:"ScalableDimension"`
	MaxResults        *int     `json:"MaxResults"`
	NextToken         string   `json:"NextToken"`
	IncludeNotScaled  *bool    `json:"IncludeNotScaledActivities"`
	Names             []string `json:"-"`
}

// check validates the namespace and dimension and reports whether the
// request can match anything in the simulated world (ecs only).
func (a aasScope) check() (bool, error) {
	if a.ServiceNamespace == "" {
		return false, aasInvalid("1 validation error detected: Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null")
	}
	if a.ScalableDimension != "" && a.ServiceNamespace == model.ScalingNamespaceECS && a.ScalableDimension != model.ScalableDimensionECSDesired {
		return false, aasInvalid("Unsupported scalable dimension %s for service namespace ecs", a.ScalableDimension)
	}
	return a.ServiceNamespace == model.ScalingNamespaceECS, nil
}

func aasPageSize(v *int, max int) (int, error) {
	if v == nil {
		return max, nil
	}
	if *v < 1 || *v > max {
		return 0, aasInvalid("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", *v, max)
	}
	return *v, nil
}

type jsonSuspended struct {
	DynamicScalingInSuspended  *bool `json:"DynamicScalingInSuspended,omitempty"`
	DynamicScalingOutSuspended *bool `json:"DynamicScalingOutSuspended,omitempty"`
	ScheduledScalingSuspended  *bool `json:"ScheduledScalingSuspended,omitempty"`
}

type jsonScalableTarget struct {
	ServiceNamespace  string        `json:"ServiceNamespace"`
	ResourceID        string        `json:"ResourceId"`
	ScalableDimension string        `json:"ScalableDimension"`
	MinCapacity       int           `json:"MinCapacity"`
	MaxCapacity       int           `json:"MaxCapacity"`
	RoleARN           string        `json:"RoleARN"`
	CreationTime      epoch         `json:"CreationTime"`
	SuspendedState    jsonSuspended `json:"SuspendedState"`
	ScalableTargetARN string        `json:"ScalableTargetARN"`
}

func aasDescribeTargets(s *Server, body []byte) (any, error) {
	var in struct {
		aasScope
		ResourceIDs []string `json:"ResourceIds"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	ecs, err := in.check()
	if err != nil {
		return nil, err
	}
	if len(in.ResourceIDs) > maxAASResourceIDs {
		return nil, aasInvalid("1 validation error detected: Value at 'resourceIds' failed to satisfy constraint: Member must have length less than or equal to %d", maxAASResourceIDs)
	}
	n, err := aasPageSize(in.MaxResults, maxAASTargets)
	if err != nil {
		return nil, err
	}
	var targets []model.ScalableTarget
	if ecs {
		if targets, err = s.b.DescribeScalableTargets(in.ResourceIDs); err != nil {
			return nil, err
		}
	}
	page, next, ok := pageOf(targets, n, in.NextToken, fingerprint(append([]string{"DescribeScalableTargets", in.ServiceNamespace}, in.ResourceIDs...)...))
	if !ok {
		return nil, simapi.Errorf("InvalidNextTokenException", "Invalid token")
	}
	out := make([]jsonScalableTarget, len(page))
	for i, t := range page {
		b := func(v bool) *bool { return &v }
		out[i] = jsonScalableTarget{ServiceNamespace: model.ScalingNamespaceECS, ResourceID: t.ResourceID, ScalableDimension: t.ScalableDimension,
			MinCapacity: t.MinCapacity, MaxCapacity: t.MaxCapacity, RoleARN: t.RoleARN, CreationTime: epoch(t.CreatedAt),
			SuspendedState:    jsonSuspended{b(t.Suspended.DynamicScalingIn), b(t.Suspended.DynamicScalingOut), b(t.Suspended.Scheduled)},
			ScalableTargetARN: t.ARN}
	}
	return struct {
		ScalableTargets []jsonScalableTarget `json:"ScalableTargets"`
		NextToken       string               `json:"NextToken,omitempty"`
	}{out, next}, nil
}

type jsonDimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

type jsonTargetTracking struct {
	TargetValue                   *float64 `json:"TargetValue"`
	PredefinedMetricSpecification *struct {
		PredefinedMetricType string `json:"PredefinedMetricType"`
		ResourceLabel        string `json:"ResourceLabel,omitempty"`
	} `json:"PredefinedMetricSpecification,omitempty"`
	CustomizedMetricSpecification *struct {
		MetricName string          `json:"MetricName,omitempty"`
		Namespace  string          `json:"Namespace,omitempty"`
		Statistic  string          `json:"Statistic,omitempty"`
		Dimensions []jsonDimension `json:"Dimensions,omitempty"`
		Metrics    json.RawMessage `json:"Metrics,omitempty"`
	} `json:"CustomizedMetricSpecification,omitempty"`
	ScaleOutCooldown *int  `json:"ScaleOutCooldown,omitempty"`
	ScaleInCooldown  *int  `json:"ScaleInCooldown,omitempty"`
	DisableScaleIn   *bool `json:"DisableScaleIn,omitempty"`
}

type jsonStep struct {
	AdjustmentType         string `json:"AdjustmentType,omitempty"`
	Cooldown               *int   `json:"Cooldown,omitempty"`
	MetricAggregationType  string `json:"MetricAggregationType,omitempty"`
	MinAdjustmentMagnitude *int   `json:"MinAdjustmentMagnitude,omitempty"`
	StepAdjustments        []struct {
		MetricIntervalLowerBound *float64 `json:"MetricIntervalLowerBound,omitempty"`
		MetricIntervalUpperBound *float64 `json:"MetricIntervalUpperBound,omitempty"`
		ScalingAdjustment        *int     `json:"ScalingAdjustment"`
	} `json:"StepAdjustments,omitempty"`
}

type jsonAlarm struct {
	AlarmName string `json:"AlarmName"`
	AlarmARN  string `json:"AlarmARN"`
}

type jsonPolicy struct {
	PolicyARN                                string              `json:"PolicyARN"`
	PolicyName                               string              `json:"PolicyName"`
	ServiceNamespace                         string              `json:"ServiceNamespace"`
	ResourceID                               string              `json:"ResourceId"`
	ScalableDimension                        string              `json:"ScalableDimension"`
	PolicyType                               string              `json:"PolicyType"`
	StepScalingPolicyConfiguration           *jsonStep           `json:"StepScalingPolicyConfiguration,omitempty"`
	TargetTrackingScalingPolicyConfiguration *jsonTargetTracking `json:"TargetTrackingScalingPolicyConfiguration,omitempty"`
	Alarms                                   []jsonAlarm         `json:"Alarms"`
	CreationTime                             epoch               `json:"CreationTime"`
}

func seconds(d time.Duration) *int {
	n := int(d / time.Second)
	return &n
}

func (s *Server) policyJSON(p model.ScalingPolicy) jsonPolicy {
	out := jsonPolicy{PolicyARN: p.ARN, PolicyName: p.Name, ServiceNamespace: model.ScalingNamespaceECS, ResourceID: p.ResourceID,
		ScalableDimension: model.ScalableDimensionECSDesired, PolicyType: p.Type, CreationTime: epoch(p.CreatedAt), Alarms: []jsonAlarm{}}
	for _, a := range p.Alarms {
		out.Alarms = append(out.Alarms, jsonAlarm{AlarmName: a, AlarmARN: s.arn("cloudwatch", "alarm:"+a)})
	}
	if tt := p.TargetTracking; tt != nil {
		j := &jsonTargetTracking{TargetValue: &tt.TargetValue, ScaleOutCooldown: seconds(tt.ScaleOutCooldown), ScaleInCooldown: seconds(tt.ScaleInCooldown),
			DisableScaleIn: &tt.DisableScaleIn}
		if tt.PredefinedMetric != "" {
			j.PredefinedMetricSpecification = &struct {
				PredefinedMetricType string `json:"PredefinedMetricType"`
				ResourceLabel        string `json:"ResourceLabel,omitempty"`
			}{tt.PredefinedMetric, tt.ResourceLabel}
		} else {
			ns, name, stat := splitCustomMetric(tt.CustomMetric)
			j.CustomizedMetricSpecification = &struct {
				MetricName string          `json:"MetricName,omitempty"`
				Namespace  string          `json:"Namespace,omitempty"`
				Statistic  string          `json:"Statistic,omitempty"`
				Dimensions []jsonDimension `json:"Dimensions,omitempty"`
				Metrics    json.RawMessage `json:"Metrics,omitempty"`
			}{MetricName: name, Namespace: ns, Statistic: stat}
		}
		out.TargetTrackingScalingPolicyConfiguration = j
	}
	if st := p.Step; st != nil {
		j := &jsonStep{AdjustmentType: st.AdjustmentType, Cooldown: seconds(st.Cooldown), MetricAggregationType: st.MetricAggregationType}
		if st.MinAdjustmentMagnitude != 0 {
			j.MinAdjustmentMagnitude = &st.MinAdjustmentMagnitude
		}
		for _, a := range st.Steps {
			adj := a.Adjustment
			j.StepAdjustments = append(j.StepAdjustments, struct {
				MetricIntervalLowerBound *float64 `json:"MetricIntervalLowerBound,omitempty"`
				MetricIntervalUpperBound *float64 `json:"MetricIntervalUpperBound,omitempty"`
				ScalingAdjustment        *int     `json:"ScalingAdjustment"`
			}{a.Lower, a.Upper, &adj})
		}
		out.StepScalingPolicyConfiguration = j
	}
	return out
}

// A customized metric is kept as "Namespace MetricName (Statistic)".
func customMetric(ns, name, stat string) string { return ns + " " + name + " (" + stat + ")" }

func splitCustomMetric(s string) (ns, name, stat string) {
	ns, rest, _ := strings.Cut(s, " ")
	name, stat, _ = strings.Cut(rest, " ")
	return ns, name, strings.TrimSuffix(strings.TrimPrefix(stat, "("), ")")
}

func aasDescribePolicies(s *Server, body []byte) (any, error) {
	var in struct {
		aasScope
		PolicyNames []string `json:"PolicyNames"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	ecs, err := in.check()
	if err != nil {
		return nil, err
	}
	n, err := aasPageSize(in.MaxResults, maxAASPolicies)
	if err != nil {
		return nil, err
	}
	var ps []model.ScalingPolicy
	if ecs {
		if ps, err = s.b.DescribeScalingPolicies(in.ResourceID, in.PolicyNames); err != nil {
			return nil, err
		}
	}
	page, next, ok := pageOf(ps, n, in.NextToken, fingerprint(append([]string{"DescribeScalingPolicies", in.ServiceNamespace, in.ResourceID}, in.PolicyNames...)...))
	if !ok {
		return nil, simapi.Errorf("InvalidNextTokenException", "Invalid token")
	}
	out := make([]jsonPolicy, len(page))
	for i, p := range page {
		out[i] = s.policyJSON(p)
	}
	return struct {
		ScalingPolicies []jsonPolicy `json:"ScalingPolicies"`
		NextToken       string       `json:"NextToken,omitempty"`
	}{out, next}, nil
}

type jsonActivity struct {
	ActivityID        string `json:"ActivityId"`
	ServiceNamespace  string `json:"ServiceNamespace"`
	ResourceID        string `json:"ResourceId"`
	ScalableDimension string `json:"ScalableDimension"`
	Description       string `json:"Description"`
	Cause             string `json:"Cause"`
	StartTime         epoch  `json:"StartTime"`
	EndTime           epoch  `json:"EndTime,omitzero"`
	StatusCode        string `json:"StatusCode"`
	StatusMessage     string `json:"StatusMessage,omitempty"`
	Details           string `json:"Details,omitempty"`
}

func aasDescribeActivities(s *Server, body []byte) (any, error) {
	var in aasScope
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	ecs, err := in.check()
	if err != nil {
		return nil, err
	}
	n, err := aasPageSize(in.MaxResults, maxAASActivities)
	if err != nil {
		return nil, err
	}
	var acts []model.AppScalingActivity
	if ecs {
		if acts, err = s.b.DescribeScalingActivities(in.ResourceID); err != nil {
			return nil, err
		}
	}
	page, next, ok := pageOf(acts, n, in.NextToken, fingerprint("DescribeScalingActivities", in.ServiceNamespace, in.ResourceID))
	if !ok {
		return nil, simapi.Errorf("InvalidNextTokenException", "Invalid token")
	}
	out := make([]jsonActivity, len(page))
	for i, a := range page {
		out[i] = jsonActivity{ActivityID: a.ID, ServiceNamespace: model.ScalingNamespaceECS, ResourceID: a.ResourceID,
			ScalableDimension: model.ScalableDimensionECSDesired, Description: a.Description, Cause: a.Cause,
			StartTime: epoch(a.Start), EndTime: epoch(a.End), StatusCode: a.StatusCode, StatusMessage: a.StatusMessage, Details: a.Details}
	}
	return struct {
		ScalingActivities []jsonActivity `json:"ScalingActivities"`
		NextToken         string         `json:"NextToken,omitempty"`
	}{out, next}, nil
}

type jsonTargetAction struct {
	MinCapacity *int `json:"MinCapacity,omitempty"`
	MaxCapacity *int `json:"MaxCapacity,omitempty"`
}

type jsonScheduled struct {
	ScheduledActionName  string            `json:"ScheduledActionName"`
	ScheduledActionARN   string            `json:"ScheduledActionARN"`
	ServiceNamespace     string            `json:"ServiceNamespace"`
	Schedule             string            `json:"Schedule"`
	Timezone             string            `json:"Timezone,omitempty"`
	ResourceID           string            `json:"ResourceId"`
	ScalableDimension    string            `json:"ScalableDimension"`
	StartTime            epoch             `json:"StartTime,omitzero"`
	EndTime              epoch             `json:"EndTime,omitzero"`
	ScalableTargetAction *jsonTargetAction `json:"ScalableTargetAction,omitempty"`
	CreationTime         epoch             `json:"CreationTime"`
}

func aasDescribeScheduled(s *Server, body []byte) (any, error) {
	var in struct {
		aasScope
		ScheduledActionNames []string `json:"ScheduledActionNames"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	ecs, err := in.check()
	if err != nil {
		return nil, err
	}
	n, err := aasPageSize(in.MaxResults, maxAASScheduled)
	if err != nil {
		return nil, err
	}
	var as []model.ScheduledAction
	if ecs {
		if as, err = s.b.DescribeScheduledActions(in.ResourceID, in.ScheduledActionNames); err != nil {
			return nil, err
		}
	}
	page, next, ok := pageOf(as, n, in.NextToken, fingerprint(append([]string{"DescribeScheduledActions", in.ServiceNamespace, in.ResourceID}, in.ScheduledActionNames...)...))
	if !ok {
		return nil, simapi.Errorf("InvalidNextTokenException", "Invalid token")
	}
	out := make([]jsonScheduled, len(page))
	for i, a := range page {
		out[i] = jsonScheduled{ScheduledActionName: a.Name, ScheduledActionARN: a.ARN, ServiceNamespace: model.ScalingNamespaceECS,
			Schedule: a.Schedule, Timezone: a.Timezone, ResourceID: a.ResourceID, ScalableDimension: model.ScalableDimensionECSDesired,
			StartTime: epoch(a.Start), EndTime: epoch(a.End), CreationTime: epoch(a.CreatedAt),
			ScalableTargetAction: &jsonTargetAction{MinCapacity: a.MinCapacity, MaxCapacity: a.MaxCapacity}}
	}
	return struct {
		ScheduledActions []jsonScheduled `json:"ScheduledActions"`
		NextToken        string          `json:"NextToken,omitempty"`
	}{out, next}, nil
}

// ecsResource splits service/CLUSTER/SERVICE for a mutating request, which
// must name the ecs namespace and its one dimension.
func ecsResource(a aasScope) (cluster, service string, err error) {
	if a.ServiceNamespace != model.ScalingNamespaceECS {
		return "", "", aasInvalid("Unsupported service namespace %q: the simulator models ecs only", a.ServiceNamespace)
	}
	if a.ScalableDimension != model.ScalableDimensionECSDesired {
		return "", "", aasInvalid("Unsupported scalable dimension %q for service namespace ecs", a.ScalableDimension)
	}
	parts := strings.Split(a.ResourceID, "/")
	if len(parts) != 3 || parts[0] != "service" || parts[1] == "" || parts[2] == "" {
		return "", "", aasInvalid("Unsupported resource ID %q: want service/CLUSTER/SERVICE", a.ResourceID)
	}
	return parts[1], parts[2], nil
}

func nonNegative(name string, v *int) error {
	if v != nil && *v < 0 {
		return aasInvalid("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value greater than or equal to 0", *v, name)
	}
	return nil
}

func aasRegisterTarget(s *Server, body []byte) (any, error) {
	var in struct {
		aasScope
		MinCapacity    *int           `json:"MinCapacity"`
		MaxCapacity    *int           `json:"MaxCapacity"`
		SuspendedState *jsonSuspended `json:"SuspendedState"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	cluster, service, err := ecsResource(in.aasScope)
	if err != nil {
		return nil, err
	}
	if err := nonNegative("minCapacity", in.MinCapacity); err != nil {
		return nil, err
	}
	if err := nonNegative("maxCapacity", in.MaxCapacity); err != nil {
		return nil, err
	}
	u := model.ScalableTargetUpdate{Cluster: cluster, Service: service, MinCapacity: in.MinCapacity, MaxCapacity: in.MaxCapacity}
	if ss := in.SuspendedState; ss != nil {
		u.SuspendDynamicIn, u.SuspendDynamicOut, u.SuspendScheduled = ss.DynamicScalingInSuspended, ss.DynamicScalingOutSuspended, ss.ScheduledScalingSuspended
	}
	t, err := s.b.RegisterScalableTarget(u)
	if err != nil {
		return nil, err
	}
	return struct {
		ScalableTargetARN string `json:"ScalableTargetARN"`
	}{t.ARN}, nil
}

func aasPutPolicy(s *Server, body []byte) (any, error) {
	var in struct {
		aasScope
		PolicyName     string              `json:"PolicyName"`
		PolicyType     string              `json:"PolicyType"`
		TargetTracking *jsonTargetTracking `json:"TargetTrackingScalingPolicyConfiguration"`
		Step           *jsonStep           `json:"StepScalingPolicyConfiguration"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if _, _, err := ecsResource(in.aasScope); err != nil {
		return nil, err
	}
	p := model.ScalingPolicy{Name: in.PolicyName, ResourceID: in.ResourceID, Type: in.PolicyType}
	if p.Type == "" {
		p.Type = model.PolicyStepScaling // AWS's default
	}
	if tt := in.TargetTracking; tt != nil {
		if tt.TargetValue == nil {
			return nil, aasInvalid("TargetValue is required in TargetTrackingScalingPolicyConfiguration")
		}
		m := &model.TargetTracking{TargetValue: *tt.TargetValue}
		if tt.PredefinedMetricSpecification != nil {
			m.PredefinedMetric, m.ResourceLabel = tt.PredefinedMetricSpecification.PredefinedMetricType, tt.PredefinedMetricSpecification.ResourceLabel
		}
		if c := tt.CustomizedMetricSpecification; c != nil {
			if len(c.Metrics) > 0 {
				m.CustomMetric = "metric math"
			} else {
				m.CustomMetric = customMetric(c.Namespace, c.MetricName, c.Statistic)
			}
		}
		if tt.ScaleOutCooldown != nil {
			m.ScaleOutCooldown = time.Duration(*tt.ScaleOutCooldown) * time.Second
		} else {
			m.ScaleOutCooldown = 300 * time.Second
		}
		if tt.ScaleInCooldown != nil {
			m.ScaleInCooldown = time.Duration(*tt.ScaleInCooldown) * time.Second
		} else {
			m.ScaleInCooldown = 300 * time.Second
		}
		m.DisableScaleIn = tt.DisableScaleIn != nil && *tt.DisableScaleIn
		p.TargetTracking = m
	}
	if st := in.Step; st != nil {
		m := &model.StepScaling{AdjustmentType: st.AdjustmentType, MetricAggregationType: st.MetricAggregationType}
		if st.Cooldown != nil {
			m.Cooldown = time.Duration(*st.Cooldown) * time.Second
		}
		if st.MinAdjustmentMagnitude != nil {
			m.MinAdjustmentMagnitude = *st.MinAdjustmentMagnitude
		}
		for _, a := range st.StepAdjustments {
			if a.ScalingAdjustment == nil {
				return nil, aasInvalid("ScalingAdjustment is required in every StepAdjustment")
			}
			m.Steps = append(m.Steps, model.StepAdjustment{Lower: a.MetricIntervalLowerBound, Upper: a.MetricIntervalUpperBound, Adjustment: *a.ScalingAdjustment})
		}
		p.Step = m
	}
	out, err := s.b.PutScalingPolicy(p)
	if err != nil {
		return nil, err
	}
	j := s.policyJSON(out)
	return struct {
		PolicyARN string      `json:"PolicyARN"`
		Alarms    []jsonAlarm `json:"Alarms"`
	}{j.PolicyARN, j.Alarms}, nil
}

func aasPutScheduled(s *Server, body []byte) (any, error) {
	var in struct {
		aasScope
		ScheduledActionName  string            `json:"ScheduledActionName"`
		Schedule             string            `json:"Schedule"`
		Timezone             string            `json:"Timezone"`
		StartTime            epoch             `json:"StartTime"`
		EndTime              epoch             `json:"EndTime"`
		ScalableTargetAction *jsonTargetAction `json:"ScalableTargetAction"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if _, _, err := ecsResource(in.aasScope); err != nil {
		return nil, err
	}
	a := model.ScheduledAction{Name: in.ScheduledActionName, ResourceID: in.ResourceID, Schedule: in.Schedule, Timezone: in.Timezone,
		Start: time.Time(in.StartTime), End: time.Time(in.EndTime)}
	if ta := in.ScalableTargetAction; ta != nil {
		if err := nonNegative("minCapacity", ta.MinCapacity); err != nil {
			return nil, err
		}
		if err := nonNegative("maxCapacity", ta.MaxCapacity); err != nil {
			return nil, err
		}
		a.MinCapacity, a.MaxCapacity = ta.MinCapacity, ta.MaxCapacity
	}
	if err := s.b.PutScheduledAction(a); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func aasDeregisterTarget(s *Server, body []byte) (any, error) {
	var in aasScope
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if _, _, err := ecsResource(in); err != nil {
		return nil, err
	}
	if err := s.b.DeregisterScalableTarget(in.ResourceID); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func aasDeletePolicy(s *Server, body []byte) (any, error) {
	var in struct {
		aasScope
		PolicyName string `json:"PolicyName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if _, _, err := ecsResource(in.aasScope); err != nil {
		return nil, err
	}
	if err := s.b.DeleteScalingPolicy(in.ResourceID, in.PolicyName); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
