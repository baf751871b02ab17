package wire

import (
	"slices"

	"github.com/ecstui/ecstui/model"
)

// ECS capacity providers: DescribeCapacityProviders and the strategy shapes
// clusters and services carry.

const (
	maxDescribeCapacityProviders     = 100
	defaultCapacityProvidersPageSize = 10
)

type jsStrategyItem struct {
	CapacityProvider string `json:"capacityProvider"`
	Base             int    `json:"base"`
	Weight           int    `json:"weight"`
}

func strategyOf(s []model.CapacityProviderStrategyItem) []jsStrategyItem {
	out := make([]jsStrategyItem, 0, len(s))
	for _, it := range s {
		out = append(out, jsStrategyItem{CapacityProvider: it.CapacityProvider, Base: it.Base, Weight: it.Weight})
	}
	return out
}

// anys widens a slice for the []any fields of shapes that started empty.
func anys[T any](s []T) []any {
	out := make([]any, 0, len(s))
	for _, v := range s {
		out = append(out, v)
	}
	return out
}

type jsManagedScaling struct {
	Status                 string `json:"status,omitempty"`
	TargetCapacity         int    `json:"targetCapacity,omitempty"`
	MinimumScalingStepSize int    `json:"minimumScalingStepSize,omitempty"`
	MaximumScalingStepSize int    `json:"maximumScalingStepSize,omitempty"`
	InstanceWarmupPeriod   int    `json:"instanceWarmupPeriod"`
}

type jsASGProvider struct {
	AutoScalingGroupArn          string           `json:"autoScalingGroupArn"`
	ManagedScaling               jsManagedScaling `json:"managedScaling"`
	ManagedTerminationProtection string           `json:"managedTerminationProtection,omitempty"`
	ManagedDraining              string           `json:"managedDraining,omitempty"`
}

type jsCapacityProvider struct {
	CapacityProviderArn      string         `json:"capacityProviderArn"`
	Name                     string         `json:"name"`
	Status                   string         `json:"status"`
	Type                     string         `json:"type,omitempty"`
	AutoScalingGroupProvider *jsASGProvider `json:"autoScalingGroupProvider,omitempty"`
	UpdateStatus             string         `json:"updateStatus,omitempty"`
	UpdateStatusReason       string         `json:"updateStatusReason,omitempty"`
	Tags                     []jsTag        `json:"tags"`
}

func capacityProviderOf(cp model.CapacityProvider, withTags bool) jsCapacityProvider {
	out := jsCapacityProvider{CapacityProviderArn: cp.ARN, Name: cp.Name, Status: cp.Status, Type: cp.Type,
		UpdateStatus: cp.UpdateStatus, UpdateStatusReason: cp.UpdateStatusReason, Tags: []jsTag{}}
	if withTags && len(cp.Tags) > 0 {
		out.Tags = tagsOf(cp.Tags)
	}
	if cp.AutoScalingGroupARN != "" {
		ms := cp.ManagedScaling
		out.AutoScalingGroupProvider = &jsASGProvider{
			AutoScalingGroupArn: cp.AutoScalingGroupARN,
			ManagedScaling: jsManagedScaling{Status: ms.Status, TargetCapacity: ms.TargetCapacity,
				MinimumScalingStepSize: ms.MinimumScalingStepSize, MaximumScalingStepSize: ms.MaximumScalingStepSize,
				InstanceWarmupPeriod: ms.InstanceWarmupPeriod},
			ManagedTerminationProtection: cp.ManagedTerminationProtection,
			ManagedDraining:              cp.ManagedDraining,
		}
	}
	return out
}

func ecsDescribeCapacityProviders(s *Server, body []byte) (any, error) {
	var in struct {
		CapacityProviders []string `json:"capacityProviders"`
		Include           []string `json:"include"`
		MaxResults        *int     `json:"maxResults"`
		NextToken         string   `json:"nextToken"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.CapacityProviders) > maxDescribeCapacityProviders {
		return nil, invalid("capacityProviders can have at most %d items.", maxDescribeCapacityProviders)
	}
	n, err := pageSize(in.MaxResults, defaultCapacityProvidersPageSize, defaultCapacityProvidersPageSize, "maxResults")
	if err != nil {
		return nil, err
	}
	cps, fails := s.b.DescribeCapacityProviders(in.CapacityProviders)
	page, next := cps, ""
	if len(in.CapacityProviders) == 0 {
		var ok bool
		if page, next, ok = pageOf(cps, n, in.NextToken, fingerprint("DescribeCapacityProviders")); !ok {
			return nil, errBadToken
		}
	}
	out := struct {
		CapacityProviders []jsCapacityProvider `json:"capacityProviders"`
		Failures          []jsFailure          `json:"failures"`
		NextToken         string               `json:"nextToken,omitempty"`
	}{CapacityProviders: []jsCapacityProvider{}, Failures: failuresOf(fails), NextToken: next}
	tags := slices.Contains(in.Include, "TAGS")
	for _, cp := range page {
		out.CapacityProviders = append(out.CapacityProviders, capacityProviderOf(cp, tags))
	}
	return out, nil
}
