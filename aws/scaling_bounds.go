package aws

import (
	"context"

	"github.com/ecstui/ecstui/model"
)

// ServiceScalingBounds reads the Application Auto Scaling min and max
// capacity of the services of a cluster that have a scalable target, 50
// services per DescribeScalableTargets call: what the pulse compares each
// desired count with.
func (c *Client) ServiceScalingBounds(ctx context.Context, cluster string, services []string) ([]model.ScalingBounds, error) {
	if len(services) == 0 {
		return nil, nil
	}
	rids := make([]string, len(services))
	for i, s := range services {
		rids[i] = model.ECSServiceResourceID(cluster, s)
	}
	targets, err := c.scalableTargets(ctx, rids)
	if err != nil {
		return nil, err
	}
	out := make([]model.ScalingBounds, 0, len(targets))
	for _, t := range targets {
		out = append(out, model.ScalingBounds{Service: model.ResourceID(t.ResourceID), Min: t.MinCapacity, Max: t.MaxCapacity})
	}
	return out, nil
}
