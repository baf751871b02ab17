package ops

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// How a cluster's instances are managed: the Auto Scaling groups behind its
// instances, the capacity provider of each (if any), their termination
// hooks and their latest instance refresh. The drain plans adapt to it.

// GroupCapacity is one Auto Scaling group as the instance actions see it.
type GroupCapacity struct {
	Group    model.AutoScalingGroup
	Provider *model.CapacityProvider // nil: a classic group ECS does not manage
	Hooks    []model.LifecycleHook   // termination hooks
	Refresh  *model.InstanceRefresh  // the latest instance refresh, if any
	// Reservation is CloudWatch's latest CapacityProviderReservation of the
	// provider (nil: not read, or no recent datapoint).
	Reservation *Reservation
}

// Reservation is one CapacityProviderReservation datapoint: the percentage
// of the group's instances ECS's managed scaling finds its tasks need.
type Reservation struct {
	Percent float64
	At      time.Time
}

// Capacity is every group of a cluster's instances, with what could not be read.
type Capacity struct {
	Strategy []model.CapacityProviderStrategyItem // the cluster's default strategy
	Groups   map[string]*GroupCapacity            // by group name
	// Unknown says what could not be read; plans show it as a warning and
	// treat the group as classic.
	Unknown []string
}

// CapacityReader is what gathering Capacity reads.
type CapacityReader interface {
	DescribeClusters(ctx context.Context, names []string) ([]model.Cluster, []model.Failure, error)
	CapacityProviders(ctx context.Context, names []string) ([]model.CapacityProvider, []model.Failure, error)
	AutoScalingGroups(ctx context.Context, names []string) ([]model.AutoScalingGroup, error)
	LifecycleHooks(ctx context.Context, group string) ([]model.LifecycleHook, error)
	InstanceRefreshes(ctx context.Context, group string, limit int) ([]model.InstanceRefresh, error)
}

// GatherCapacity reads the groups named and the cluster's capacity
// providers: DescribeClusters and DescribeCapacityProviders (one call each),
// DescribeAutoScalingGroups (one), and per group DescribeLifecycleHooks and
// DescribeInstanceRefreshes (one each). A read that fails is reported in
// Unknown, never fatal: a plan can still be made, with a warning.
func GatherCapacity(ctx context.Context, r CapacityReader, cluster string, groups []string) Capacity {
	c := Capacity{Groups: map[string]*GroupCapacity{}}
	groups = slices.Compact(slices.Sorted(slices.Values(groups)))
	groups = slices.DeleteFunc(groups, func(g string) bool { return g == "" })
	byGroup := map[string]*model.CapacityProvider{}
	cls, _, err := r.DescribeClusters(ctx, []string{cluster})
	switch {
	case err != nil:
		c.Unknown = append(c.Unknown, "capacity providers of "+cluster+": "+err.Error())
	case len(cls) == 1 && len(cls[0].CapacityProviders) > 0:
		c.Strategy = cls[0].DefaultStrategy
		cps, fails, err := r.CapacityProviders(ctx, cls[0].CapacityProviders)
		if err != nil {
			c.Unknown = append(c.Unknown, "capacity providers "+strings.Join(cls[0].CapacityProviders, ", ")+": "+err.Error())
		}
		for _, f := range fails {
			c.Unknown = append(c.Unknown, "capacity provider "+f.String())
		}
		for i := range cps {
			if g := cps[i].GroupName(); g != "" {
				byGroup[g] = &cps[i]
				if !slices.Contains(groups, g) {
					groups = append(groups, g)
				}
			}
		}
		slices.Sort(groups)
	}
	if len(groups) == 0 {
		return c
	}
	gs, err := r.AutoScalingGroups(ctx, groups)
	if err != nil {
		c.Unknown = append(c.Unknown, "Auto Scaling groups "+strings.Join(groups, ", ")+": "+err.Error())
		return c
	}
	for _, g := range gs {
		gc := &GroupCapacity{Group: g, Provider: byGroup[g.Name]}
		hooks, err := r.LifecycleHooks(ctx, g.Name)
		if err != nil {
			c.Unknown = append(c.Unknown, "lifecycle hooks of "+g.Name+": "+err.Error())
		}
		gc.Hooks = model.TerminationHooks(hooks)
		rs, err := r.InstanceRefreshes(ctx, g.Name, 1)
		if err != nil {
			c.Unknown = append(c.Unknown, "instance refreshes of "+g.Name+": "+err.Error())
		} else if len(rs) > 0 {
			gc.Refresh = &rs[0]
		}
		c.Groups[g.Name] = gc
	}
	return c
}

// ManagedDraining reports whether ECS drains the group's terminating instances.
func (g *GroupCapacity) ManagedDraining() bool {
	return g != nil && g.Provider != nil && g.Provider.Draining() && slices.ContainsFunc(g.Hooks, func(h model.LifecycleHook) bool { return h.Name == model.ManagedDrainingHook })
}

// ManagedScaling reports whether ECS sets the group's desired capacity.
func (g *GroupCapacity) ManagedScaling() bool {
	return g != nil && g.Provider != nil && g.Provider.ManagedScaling.Enabled()
}

// TerminationProtection reports whether ECS manages scale-in protection.
func (g *GroupCapacity) TerminationProtection() bool {
	return g != nil && g.Provider != nil && g.Provider.TerminationProtection()
}

// ActiveRefresh is the group's instance refresh still in progress, if any.
func (g *GroupCapacity) ActiveRefresh() *model.InstanceRefresh {
	if g == nil || g.Refresh == nil || !g.Refresh.Active() {
		return nil
	}
	return g.Refresh
}

// Member is what the group says of one of its instances.
func (g *GroupCapacity) Member(ec2ID string) (model.ASGInstance, bool) {
	if g == nil {
		return model.ASGInstance{}, false
	}
	for _, in := range g.Group.Instances {
		if in.InstanceID == ec2ID {
			return in, true
		}
	}
	return model.ASGInstance{}, false
}

// Classic reports whether nothing manages the group: no capacity provider
// and no termination hook.
func (g *GroupCapacity) Classic() bool { return g == nil || (g.Provider == nil && len(g.Hooks) == 0) }

// OtherHooks are the termination hooks that are not ECS's managed draining.
func (g *GroupCapacity) OtherHooks() []model.LifecycleHook {
	if g == nil {
		return nil
	}
	var out []model.LifecycleHook
	for _, h := range g.Hooks {
		if h.Name != model.ManagedDrainingHook {
			out = append(out, h)
		}
	}
	return out
}

// Group returns the capacity of a group by name (nil when unknown).
func (c *Capacity) Group(name string) *GroupCapacity {
	if c == nil {
		return nil
	}
	return c.Groups[name]
}

// Reservation estimates the group's CapacityProviderReservation from the
// cluster state: M instances of the group running at least one task (ECS
// leaves DAEMON services' tasks out; the estimate cannot tell them apart and
// says "≈") of N in service, as ECS computes it. The metric itself is
// CloudWatch's (AWS/ECS/ManagedScaling CapacityProviderReservation).
func (st ClusterState) Reservation(g *GroupCapacity) (m, n int, pct float64) {
	for _, in := range g.Group.Instances {
		if in.LifecycleState != model.LifecyclePending && in.LifecycleState != model.LifecycleInService {
			continue
		}
		n++
		if ci, ok := st.Instance(in.InstanceID); ok && len(st.TasksOn(ci)) > 0 {
			m++
		}
	}
	switch {
	case n == 0 && m > 0:
		return m, n, 200
	case n == 0:
		return m, n, 100
	}
	return m, n, float64(m) * 100 / float64(n)
}

// hookText describes a lifecycle hook: "ecs-managed-draining-termination-hook (60m, then CONTINUE)".
func hookText(h model.LifecycleHook) string {
	return fmt.Sprintf("%s (%s, then %s)", h.Name, shortDuration(h.HeartbeatTimeout), h.DefaultResult)
}

// shortDuration renders 3600s as "60m", 90s as "90s", 2h as "2h".
func shortDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d%time.Hour == 0 && d >= 2*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d >= 2*time.Minute:
		// A time left: rounded up, never promising less than there is.
		return fmt.Sprintf("%dm", int((d+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

// RefreshText describes a refresh in one line: status, progress, the next
// checkpoint, and AWS's status reason.
func RefreshText(r model.InstanceRefresh) string {
	s := fmt.Sprintf("%s %s %d%% (%d to update)", r.ID, r.Status, r.PercentageComplete, r.InstancesToUpdate)
	if c := r.NextCheckpoint(); c > 0 && r.Active() {
		s += fmt.Sprintf(", next checkpoint %d%%", c)
	}
	if rb := r.Rollback; rb != nil {
		s += fmt.Sprintf(", rollback %d%% (%d to update)", rb.PercentageComplete, rb.InstancesToUpdate)
	}
	if r.StatusReason != "" {
		s += ": " + r.StatusReason
	}
	return s
}
