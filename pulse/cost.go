package pulse

import "github.com/ecstui/ecstui/aws/quota"

// What one ReadCluster costs in calls per throttle bucket, from the sizes
// the last read returned and the API limits (list pages of 100,
// DescribeServices 10 per call, DescribeTasks and DescribeContainerInstances
// 100, DescribeAutoScalingInstances 50, DescribeTargetGroups 20, one
// DescribeTargetHealth per target group, one ListServiceDeployments and one
// DescribeServiceDeployments per service whose history is read,
// DescribeScalableTargets 50 services per call). Task
// definitions, service revisions and instances' EC2 and Auto Scaling facts
// do not change and are asked for once, so a steady read spends nothing on
// them (a first read does; see FirstCost).

func pages(n, per int) int { return max((n+per-1)/per, 1) }

// listCost is a list of n items and its describes.
func listCost(n, per int) int {
	c := pages(n, 100)
	if n > 0 {
		c += pages(n, per)
	}
	return c
}

// Cost is what reading the cluster again will cost, in calls per bucket.
func (c Counts) Cost() map[quota.Bucket]int {
	out := map[quota.Bucket]int{
		quota.ServiceRead:  listCost(c.Services, 10) + 2*c.History,
		quota.TaskRead:     listCost(c.Tasks, 100) + listCost(c.Stopped, 100),
		quota.InstanceRead: listCost(c.Instances, 100),
	}
	if c.Instances > 0 {
		// The adapter keeps each instance's EC2 and Auto Scaling facts
		// (they do not change), so a steady read only asks for the groups.
		out[quota.AutoScalingRead] = 1
	}
	if c.TargetGroups > 0 {
		out[quota.ELBRead] = pages(c.TargetGroups, 20) + c.TargetGroups
	}
	if c.Scaling && c.Services > 0 {
		// At most: the adapter keeps scalable targets a minute, so most
		// reads of a cluster make none of these calls.
		out[quota.AppScalingRead] = pages(c.Services, 50)
	}
	return out
}

// FirstCost is a guess of a first read's cost, before any size is known:
// a small cluster, with its instances' EC2 and Auto Scaling lookups.
func FirstCost() map[quota.Bucket]int {
	c := Counts{Services: 5, Tasks: 10, Instances: 3, TargetGroups: 2}.Cost()
	c[quota.EC2Read], c[quota.AutoScalingRead], c[quota.AppScalingRead] = 1, 2, 1
	return c
}
