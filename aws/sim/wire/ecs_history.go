package wire

import (
	"time"

	"github.com/ecstui/ecstui/model"
)

// ECS deployment history: ListServiceDeployments (pages of at most 100,
// 20 by default), DescribeServiceDeployments and DescribeServiceRevisions
// (at most 20 ARNs each).
const (
	maxHistoryResults     = 100
	defaultHistoryResults = 20
	maxHistoryDescribe    = 20
)

var serviceDeploymentStatuses = map[string]bool{
	model.SDPending: true, model.SDInProgress: true, model.SDSuccessful: true, model.SDStopRequested: true,
	model.SDStopped: true, model.SDRollbackRequested: true, model.SDRollbackInProgress: true,
	model.SDRollbackSuccessful: true, model.SDRollbackFailed: true,
}

func ecsListServiceDeployments(s *Server, body []byte) (any, error) {
	var in struct {
		listReq
		Service   string   `json:"service"`
		Status    []string `json:"status"`
		CreatedAt *struct {
			After  *epoch `json:"after"`
			Before *epoch `json:"before"`
		} `json:"createdAt"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Service == "" {
		return nil, invalid("Service cannot be empty.")
	}
	n, err := pageSize(in.MaxResults, defaultHistoryResults, maxHistoryResults, "maxResults")
	if err != nil {
		return nil, err
	}
	for _, st := range in.Status {
		if !serviceDeploymentStatuses[st] {
			return nil, invalid("Invalid status: %s", st)
		}
	}
	var after, before time.Time
	if in.CreatedAt != nil {
		if in.CreatedAt.After != nil {
			after = time.Time(*in.CreatedAt.After)
		}
		if in.CreatedAt.Before != nil {
			before = time.Time(*in.CreatedAt.Before)
		}
	}
	arns, err := s.b.ListServiceDeployments(in.Cluster, in.Service, in.Status, after, before)
	if err != nil {
		return nil, err
	}
	fp := fingerprint("ListServiceDeployments", in.Cluster, in.Service, fingerprint(in.Status...), after.String(), before.String())
	page, next, ok := pageOf(arns, n, in.NextToken, fp)
	if !ok {
		return nil, errBadToken
	}
	briefs := []jsServiceDeploymentBrief{}
	if len(page) > 0 {
		ds, _ := s.b.DescribeServiceDeployments(page)
		for _, d := range ds {
			briefs = append(briefs, jsServiceDeploymentBrief{
				ServiceDeploymentArn: d.ARN, ServiceArn: d.ServiceARN, ClusterArn: d.ClusterARN,
				CreatedAt: epoch(d.CreatedAt), StartedAt: epoch(d.StartedAt), FinishedAt: epoch(d.Ended()),
				TargetServiceRevisionArn: d.TargetRevisionARN, Status: d.Status, StatusReason: d.StatusReason,
			})
		}
	}
	return struct {
		ServiceDeployments []jsServiceDeploymentBrief `json:"serviceDeployments"`
		NextToken          string                     `json:"nextToken,omitempty"`
	}{briefs, next}, nil
}

func ecsDescribeServiceDeployments(s *Server, body []byte) (any, error) {
	var in struct {
		ServiceDeploymentArns []string `json:"serviceDeploymentArns"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.ServiceDeploymentArns) == 0 {
		return nil, invalid("serviceDeploymentArns cannot be empty.")
	}
	if len(in.ServiceDeploymentArns) > maxHistoryDescribe {
		return nil, invalid("serviceDeploymentArns can have at most %d items.", maxHistoryDescribe)
	}
	ds, fs := s.b.DescribeServiceDeployments(in.ServiceDeploymentArns)
	out := struct {
		ServiceDeployments []jsServiceDeployment `json:"serviceDeployments"`
		Failures           []jsFailure           `json:"failures"`
	}{ServiceDeployments: []jsServiceDeployment{}, Failures: failuresOf(fs)}
	for _, d := range ds {
		out.ServiceDeployments = append(out.ServiceDeployments, serviceDeploymentOf(d))
	}
	return out, nil
}

func ecsDescribeServiceRevisions(s *Server, body []byte) (any, error) {
	var in struct {
		ServiceRevisionArns []string `json:"serviceRevisionArns"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.ServiceRevisionArns) == 0 {
		return nil, invalid("serviceRevisionArns cannot be empty.")
	}
	if len(in.ServiceRevisionArns) > maxHistoryDescribe {
		return nil, invalid("serviceRevisionArns can have at most %d items.", maxHistoryDescribe)
	}
	rs, fs := s.b.DescribeServiceRevisions(in.ServiceRevisionArns)
	out := struct {
		ServiceRevisions []jsServiceRevision `json:"serviceRevisions"`
		Failures         []jsFailure         `json:"failures"`
	}{ServiceRevisions: []jsServiceRevision{}, Failures: failuresOf(fs)}
	for _, r := range rs {
		out.ServiceRevisions = append(out.ServiceRevisions, serviceRevisionOf(r))
	}
	return out, nil
}

type jsServiceDeploymentBrief struct {
	ServiceDeploymentArn     string `json:"serviceDeploymentArn"`
	ServiceArn               string `json:"serviceArn"`
	ClusterArn               string `json:"clusterArn"`
	StartedAt                epoch  `json:"startedAt,omitzero"`
	CreatedAt                epoch  `json:"createdAt,omitzero"`
	FinishedAt               epoch  `json:"finishedAt,omitzero"`
	TargetServiceRevisionArn string `json:"targetServiceRevisionArn,omitempty"`
	Status                   string `json:"status"`
	StatusReason             string `json:"statusReason,omitempty"`
}

type jsRevisionSummary struct {
	Arn string `json:"arn"`
}

type jsRollback struct {
	Reason             string `json:"reason,omitempty"`
	StartedAt          epoch  `json:"startedAt,omitzero"`
	ServiceRevisionArn string `json:"serviceRevisionArn,omitempty"`
}

type jsDeploymentMonitor struct {
	Status       string `json:"status"`
	FailureCount *int   `json:"failureCount,omitempty"`
	Threshold    *int   `json:"threshold,omitempty"`
}

type jsServiceDeployment struct {
	ServiceDeploymentArn     string               `json:"serviceDeploymentArn"`
	ServiceArn               string               `json:"serviceArn"`
	ClusterArn               string               `json:"clusterArn"`
	CreatedAt                epoch                `json:"createdAt,omitzero"`
	StartedAt                epoch                `json:"startedAt,omitzero"`
	FinishedAt               epoch                `json:"finishedAt,omitzero"`
	StoppedAt                epoch                `json:"stoppedAt,omitzero"`
	UpdatedAt                epoch                `json:"updatedAt,omitzero"`
	SourceServiceRevisions   []jsRevisionSummary  `json:"sourceServiceRevisions"`
	TargetServiceRevision    *jsRevisionSummary   `json:"targetServiceRevision,omitempty"`
	Status                   string               `json:"status"`
	StatusReason             string               `json:"statusReason,omitempty"`
	Rollback                 *jsRollback          `json:"rollback,omitempty"`
	DeploymentCircuitBreaker *jsDeploymentMonitor `json:"deploymentCircuitBreaker,omitempty"`
	Alarms                   *jsDeploymentMonitor `json:"alarms,omitempty"`
}

func serviceDeploymentOf(d model.ServiceDeployment) jsServiceDeployment {
	out := jsServiceDeployment{
		ServiceDeploymentArn: d.ARN, ServiceArn: d.ServiceARN, ClusterArn: d.ClusterARN,
		CreatedAt: epoch(d.CreatedAt), StartedAt: epoch(d.StartedAt), FinishedAt: epoch(d.FinishedAt),
		StoppedAt: epoch(d.StoppedAt), UpdatedAt: epoch(d.UpdatedAt),
		SourceServiceRevisions: []jsRevisionSummary{},
		Status:                 d.Status, StatusReason: d.StatusReason,
		Alarms: &jsDeploymentMonitor{Status: "DISABLED"},
	}
	for _, a := range d.SourceRevisionARNs {
		out.SourceServiceRevisions = append(out.SourceServiceRevisions, jsRevisionSummary{Arn: a})
	}
	if d.TargetRevisionARN != "" {
		out.TargetServiceRevision = &jsRevisionSummary{Arn: d.TargetRevisionARN}
	}
	if rb := d.Rollback; rb != nil {
		out.Rollback = &jsRollback{Reason: rb.Reason, StartedAt: epoch(rb.StartedAt), ServiceRevisionArn: rb.RevisionARN}
	}
	cb := &jsDeploymentMonitor{Status: "DISABLED"}
	if d.FailureThreshold > 0 {
		n, th := d.FailureCount, d.FailureThreshold
		cb.FailureCount, cb.Threshold = &n, &th
		switch {
		case n >= th:
			cb.Status = "TRIGGERED"
		case d.Ended().IsZero():
			cb.Status = "MONITORING"
		default:
			cb.Status = "MONITORING_COMPLETE"
		}
	}
	out.DeploymentCircuitBreaker = cb
	return out
}

type jsContainerImage struct {
	ContainerName string `json:"containerName"`
	ImageDigest   string `json:"imageDigest,omitempty"`
	Image         string `json:"image"`
}

type jsServiceRevision struct {
	ServiceRevisionArn       string             `json:"serviceRevisionArn"`
	ServiceArn               string             `json:"serviceArn"`
	ClusterArn               string             `json:"clusterArn"`
	TaskDefinition           string             `json:"taskDefinition"`
	CapacityProviderStrategy []jsStrategyItem   `json:"capacityProviderStrategy"`
	LaunchType               string             `json:"launchType,omitempty"`
	PlatformVersion          string             `json:"platformVersion,omitempty"`
	PlatformFamily           string             `json:"platformFamily,omitempty"`
	LoadBalancers            []jsLoadBalancer   `json:"loadBalancers"`
	ServiceRegistries        []any              `json:"serviceRegistries"`
	ContainerImages          []jsContainerImage `json:"containerImages"`
	GuardDutyEnabled         bool               `json:"guardDutyEnabled"`
	CreatedAt                epoch              `json:"createdAt,omitzero"`
}

func serviceRevisionOf(r model.ServiceRevision) jsServiceRevision {
	out := jsServiceRevision{
		ServiceRevisionArn: r.ARN, ServiceArn: r.ServiceARN, ClusterArn: r.ClusterARN, TaskDefinition: r.TaskDefinitionARN,
		CapacityProviderStrategy: strategyOf(r.CapacityProviderStrategy), LaunchType: r.LaunchType, PlatformVersion: r.PlatformVersion,
		LoadBalancers: []jsLoadBalancer{}, ServiceRegistries: []any{}, ContainerImages: []jsContainerImage{},
		CreatedAt: epoch(r.CreatedAt),
	}
	if r.PlatformVersion != "" {
		out.PlatformFamily = "Linux"
	}
	for _, lb := range r.LoadBalancers {
		out.LoadBalancers = append(out.LoadBalancers, jsLoadBalancer{TargetGroupArn: lb.TargetGroupARN,
			LoadBalancerName: lb.LoadBalancerName, ContainerName: lb.ContainerName, ContainerPort: lb.ContainerPort})
	}
	for _, c := range r.Images {
		out.ContainerImages = append(out.ContainerImages, jsContainerImage{ContainerName: c.ContainerName, ImageDigest: c.ImageDigest, Image: c.Image})
	}
	return out
}
