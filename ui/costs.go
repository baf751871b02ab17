package ui

import (
	"github.com/ecstui/ecstui/aws/gather"
	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/ui/sched"
)

// What one full fetch of a view costs in calls per throttle bucket, from
// the API limits (list pages of 100, DescribeServices 10 per call,
// DescribeTasks/DescribeContainerInstances/DescribeClusters 100): the
// scheduler charges it to the budget and paces the view by it.

func pages(n, per int) int { return max((n+per-1)/per, 1) }

// listCost is a full list and describe of n items.
func listCost(b quota.Bucket, n, describePer int) sched.Cost {
	c := pages(n, 100)
	if n > 0 {
		c += pages(n, describePer)
	}
	return sched.Cost{b: c}
}

func clustersCost(n int) sched.Cost { return listCost(quota.ClusterRead, n, 100) }
func servicesCost(n int) sched.Cost { return listCost(quota.ServiceRead, n, 10) }

// tasksCost adds the lookup of the container instances the tasks run on.
func tasksCost(n int) sched.Cost {
	c := listCost(quota.TaskRead, n, 100)
	if n > 0 {
		c[quota.InstanceRead] = 1
	}
	return c
}

func instancesCost(n int) sched.Cost { return listCost(quota.InstanceRead, n, 100) }

// portMapCost is a port map's gathering: the cluster's services, tasks and
// instances listed and described, and one target health call per target
// group (task definitions are cached for good after the first).
func portMapCost(g gather.PortMap) sched.Cost {
	c := servicesCost(g.Services)
	c[quota.TaskRead] = tasksCost(g.Tasks)[quota.TaskRead]
	c[quota.InstanceRead] = instancesCost(g.Instances)[quota.InstanceRead]
	c[quota.ELBRead] = max(g.TargetGroups, 1)
	return c
}
