package ui

import (
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

// portMapCost is the port map's gathering of a cluster of about n bindings
// (one a task): its tasks, a service per two tasks, an instance per five,
// and the target health of a few target groups.
func portMapCost(n int) sched.Cost {
	c := servicesCost(n / 2)
	c[quota.TaskRead] = tasksCost(n)[quota.TaskRead]
	c[quota.InstanceRead] = instancesCost(n / 5)[quota.InstanceRead]
	c[quota.ELBRead] = 1
	return c
}
