package aws

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// Responses are read as AWS defines them, not as one server happens to send
// them: an absent optional field means what the API says it means (ECS's
// defaults), and neither a server's order nor its filtering is trusted —
// this file sorts and filters again on ecstui's side.

// ECS's documented deployment configuration defaults: 100/200 for a
// REPLICA service; 0/100 for a DAEMON service (the API's and CLI's default;
// only the console uses 50 for DAEMON).
func ecsDeploymentDefaults(strategy string) (minPct, maxPct int) {
	if strategy == string(ecstypes.SchedulingStrategyDaemon) {
		return 0, 100
	}
	return 100, 200
}

// deploymentConfiguration reads a service's configuration, filling what ECS
// left out with its defaults and saying so.
func deploymentConfiguration(dc *ecstypes.DeploymentConfiguration, strategy string) model.DeploymentConfiguration {
	minPct, maxPct := ecsDeploymentDefaults(strategy)
	out := model.DeploymentConfiguration{MinimumHealthyPercent: minPct, MaximumPercent: maxPct}
	if dc == nil {
		out.Defaulted = true
		return out
	}
	if dc.MinimumHealthyPercent != nil {
		out.MinimumHealthyPercent = int(*dc.MinimumHealthyPercent)
	} else {
		out.Defaulted = true
	}
	if dc.MaximumPercent != nil {
		out.MaximumPercent = int(*dc.MaximumPercent)
	} else {
		out.Defaulted = true
	}
	if cb := dc.DeploymentCircuitBreaker; cb != nil {
		out.CircuitBreaker = model.CircuitBreaker{Enable: cb.Enable, Rollback: cb.Rollback}
	}
	return out
}

// orderService puts the PRIMARY deployment first and events newest first,
// as ECS documents them, whatever order the server sent.
func orderService(s *model.Service) {
	slices.SortStableFunc(s.Deployments, func(a, b model.Deployment) int {
		pa, pb := a.Status == model.DeploymentPrimary, b.Status == model.DeploymentPrimary
		switch {
		case pa && !pb:
			return -1
		case pb && !pa:
			return 1
		}
		return b.CreatedAt.Compare(a.CreatedAt)
	})
	slices.SortStableFunc(s.Events, func(a, b model.ServiceEvent) int { return b.CreatedAt.Compare(a.CreatedAt) })
}

// taskMatches reports whether t is what a ListTasks with f asks for. A
// server may ignore a filter; a field the response left out cannot
// contradict it, so such a task is kept.
func taskMatches(t model.Task, f model.TaskFilter) bool {
	if f.ServiceName != "" && t.Group != "" && t.Group != "service:"+f.ServiceName {
		return false
	}
	if f.ContainerInstance != "" && t.ContainerInstanceARN != "" &&
		t.ContainerInstanceARN != f.ContainerInstance && model.ResourceID(t.ContainerInstanceARN) != model.ResourceID(f.ContainerInstance) {
		return false
	}
	if f.Family != "" && t.TaskDefinitionARN != "" && familyOfARN(t.TaskDefinitionARN) != f.Family {
		return false
	}
	if f.StartedBy != "" && t.StartedBy != "" && t.StartedBy != f.StartedBy {
		return false
	}
	// ListTasks lists tasks whose desired status is RUNNING unless told otherwise.
	want := cmp.Or(f.DesiredStatus, model.StatusRunning)
	if t.DesiredStatus != "" && t.DesiredStatus != want {
		return false
	}
	return true
}

// filterDescribed keeps what keep accepts of each described batch.
func filterDescribed[T any](describe describeFunc[T], keep func(T) bool) describeFunc[T] {
	return func(ctx context.Context, ids []string) ([]T, []model.Failure, error) {
		items, fails, err := describe(ctx, ids)
		if err != nil {
			return nil, nil, err
		}
		return slices.DeleteFunc(items, func(x T) bool { return !keep(x) }), fails, nil
	}
}

// revisionOf is REV of arn:…:task-definition/FAMILY:REV (0 when absent).
func revisionOf(arn string) int {
	i := strings.LastIndexByte(arn, ':')
	if i < 0 {
		return 0
	}
	n, _ := strconv.Atoi(arn[i+1:])
	return n
}

// sortRevisionsNewestFirst orders task definition ARNs by revision number,
// newest first, not trusting the server to have honoured sort=DESC.
func sortRevisionsNewestFirst(arns []string) {
	slices.SortStableFunc(arns, func(a, b string) int { return cmp.Compare(revisionOf(b), revisionOf(a)) })
}
