package sim

import (
	"cmp"
	"slices"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// ECS's side of Auto Scaling group capacity providers:
//
//   - managed scaling evaluates CapacityProviderReservation once a minute
//     (the metric's period): M is the number of instances running at least
//     one non-daemon task plus the instances the tasks the scheduler could
//     not place would need; N is the group's instances in service (Pending or
//     InService). CPR = M/N×100 (200 when N is 0 and M is not; 100 when both
//     are 0). Above the target it raises the desired capacity at once (by at
//     least minimumScalingStepSize, at most maximumScalingStepSize); below
//     the target for 15 evaluations in a row it lowers it to ceil(M×100/T).
//     (ECS marks unplaceable tasks PROVISIONING; the simulator's scheduler
//     reports a placement failure instead and counts them.)
//   - managed termination protection: new instances launch protected (the
//     group's NewInstancesProtectedFromScaleIn), ECS keeps instances that run
//     non-daemon tasks protected and, to scale in, removes protection only
//     from instances that ran no such task for the whole 15-minute window
//     (those idle longest first), so it only ever terminates idle instances;
//   - managed draining installs the termination hook
//     ecs-managed-draining-termination-hook (heartbeat 3600 s, CONTINUE):
//     an instance in Terminating:Wait is set DRAINING, and once no non-daemon
//     task is left on it (standalone tasks included: draining does not stop
//     them) ECS completes the hook and the instance shuts down.

// scaleInWindow is how long CPR must stay below target before ECS scales in.
const scaleInWindow = 15

type capacityProvider struct {
	name, arn string
	group     *asg
	cluster   *cluster
	tags      map[string]string

	scaling                bool
	target, minStep, maxSt int
	warmup                 int
	mtp, draining          bool

	evaluated bool
	cpr       float64 // the last evaluation's CapacityProviderReservation
	m, n      int
	below     int // evaluations in a row below the target
}

// CapacityProviderSpec describes an Auto Scaling group capacity provider.
type CapacityProviderSpec struct {
	Name    string
	Group   string // the Auto Scaling group's name
	Cluster string // associated with this cluster
	// Default adds it to the cluster's default strategy (weight 1).
	Default bool

	ManagedScaling         bool
	TargetCapacity         int // default 100
	MinimumScalingStepSize int // default 1
	MaximumScalingStepSize int // default 10000
	// ManagedTerminationProtection needs ManagedScaling, as in ECS; it also
	// turns on the group's NewInstancesProtectedFromScaleIn.
	ManagedTerminationProtection bool
	ManagedDraining              bool
}

// AddCapacityProvider creates an Auto Scaling group capacity provider and
// associates it with a cluster. Add it before the cluster's services: they
// copy the cluster's default strategy when they are created.
func (w *World) AddCapacityProvider(s CapacityProviderSpec) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.asgs[s.Group]
	if !ok {
		return errGroup(s.Group)
	}
	c, err := w.cluster(s.Cluster)
	if err != nil {
		return err
	}
	if s.ManagedTerminationProtection && !s.ManagedScaling {
		return simapi.Errorf(simapi.CodeInvalidParameter, "The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must also be enabled.")
	}
	if g.capacityProvider != nil {
		return simapi.Errorf(simapi.CodeInvalidParameter, "The specified Auto Scaling group ARN is already being used by another capacity provider.")
	}
	cp := &capacityProvider{
		name: s.Name, arn: w.ecsARN("capacity-provider/" + s.Name), group: g, cluster: c,
		scaling: s.ManagedScaling, target: cmp.Or(s.TargetCapacity, model.DefaultTargetCapacity),
		minStep: cmp.Or(s.MinimumScalingStepSize, model.DefaultMinimumScalingStep),
		maxSt:   cmp.Or(s.MaximumScalingStepSize, model.DefaultMaximumScalingStep),
		warmup:  model.DefaultInstanceWarmupPeriod, mtp: s.ManagedTerminationProtection, draining: s.ManagedDraining,
	}
	if w.cps == nil {
		w.cps = map[string]*capacityProvider{}
	}
	w.cps[cp.name] = cp
	w.cpOrder = append(w.cpOrder, cp.name)
	g.capacityProvider = cp
	c.capacityProviders = append(c.capacityProviders, cp.name)
	if s.Default {
		c.defaultStrategy = append(c.defaultStrategy, model.CapacityProviderStrategyItem{CapacityProvider: cp.name, Weight: 1})
	}
	if cp.mtp {
		g.newProtected = true
		for _, e := range g.members {
			if e.inService() {
				e.protected = true
			}
		}
	}
	if cp.draining {
		w.putHook(g, LifecycleHookSpec{Name: model.ManagedDrainingHook, Transition: model.TransitionTerminating,
			HeartbeatTimeout: time.Hour, DefaultResult: "CONTINUE"})
	}
	return nil
}

// DescribeCapacityProviders describes capacity providers by name or ARN (none:
// every one, FARGATE and FARGATE_SPOT included, as ECS lists them); unknown
// names are MISSING failures.
func (w *World) DescribeCapacityProviders(ids []string) ([]model.CapacityProvider, []model.Failure) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fargate := func(name string) model.CapacityProvider {
		return model.CapacityProvider{Name: name, ARN: w.ecsARN("capacity-provider/" + name), Status: "ACTIVE", Type: "FARGATE"}
	}
	if len(ids) == 0 {
		var out []model.CapacityProvider
		for _, n := range w.cpOrder {
			out = append(out, w.cpModel(w.cps[n]))
		}
		return append(out, fargate("FARGATE"), fargate("FARGATE_SPOT")), nil
	}
	var out []model.CapacityProvider
	var fails []model.Failure
	for _, id := range ids {
		name := model.ResourceID(id)
		if cp, ok := w.cps[name]; ok {
			out = append(out, w.cpModel(cp))
			continue
		}
		if name == "FARGATE" || name == "FARGATE_SPOT" {
			out = append(out, fargate(name))
			continue
		}
		fails = append(fails, model.Failure{ARN: id, Reason: "MISSING"})
	}
	return out, fails
}

func (w *World) cpModel(cp *capacityProvider) model.CapacityProvider {
	onOff := func(b bool) string {
		if b {
			return model.Enabled
		}
		return model.Disabled
	}
	return model.CapacityProvider{
		Name: cp.name, ARN: cp.arn, Status: "ACTIVE", Type: "EC2_AUTOSCALING", AutoScalingGroupARN: cp.group.arn,
		ManagedScaling: model.ManagedScaling{Status: onOff(cp.scaling), TargetCapacity: cp.target,
			MinimumScalingStepSize: cp.minStep, MaximumScalingStepSize: cp.maxSt, InstanceWarmupPeriod: cp.warmup},
		ManagedTerminationProtection: onOff(cp.mtp), ManagedDraining: onOff(cp.draining),
		UpdateStatus: "UPDATE_COMPLETE", Tags: cloneMap(cp.tags),
	}
}

// CapacityProviderReservation is the last value of the metric ECS publishes
// for the provider (AWS/ECS/ManagedScaling CapacityProviderReservation), with
// the M and N it came from; ok is false before the first evaluation or when
// managed scaling is off.
func (w *World) CapacityProviderReservation(name string) (cpr float64, m, n int, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cp, found := w.cps[name]
	if !found || !cp.scaling || !cp.evaluated {
		return 0, 0, 0, false
	}
	return cp.cpr, cp.m, cp.n, true
}

// publishReservation records the evaluation as ECS publishes it to
// CloudWatch: AWS/ECS/ManagedScaling CapacityProviderReservation by
// ClusterName and CapacityProviderName, one datapoint a minute, stamped
// with the start of the minute it covers (a provider of no cluster
// publishes nothing).
func (w *World) publishReservation(cp *capacityProvider) {
	if cp.cluster == nil {
		return
	}
	ts := w.now.Truncate(time.Minute).Add(-time.Minute)
	w.metricsState().put(model.NamespaceManagedScaling, model.MetricCapacityProviderReservation,
		model.ReservationMetric(cp.cluster.name, cp.name).Dimensions, ts, metricPoint{cp.cpr, cp.cpr, cp.cpr, 1})
}

// nonDaemonTasks counts the live tasks on ci that are not a DAEMON service's.
func nonDaemonTasks(ci *instance) int {
	n := 0
	for _, t := range ci.tasks {
		if t.live() && (t.svc == nil || !t.svc.daemon) {
			n++
		}
	}
	return n
}

// stepCapacity runs ECS's capacity provider management for one tick.
func (w *World) stepCapacity() {
	for _, name := range w.cpOrder {
		cp := w.cps[name]
		if cp.draining {
			w.stepManagedDraining(cp)
		}
		if cp.mtp {
			for _, e := range cp.group.members {
				if e.inService() && e.ci != nil && nonDaemonTasks(e.ci) > 0 {
					e.protected = true
				}
			}
		}
		if cp.scaling && w.now.Second() == 0 {
			w.evaluateScaling(cp)
		}
	}
}

func (w *World) stepManagedDraining(cp *capacityProvider) {
	for _, e := range cp.group.members {
		if e.lifecycle != model.LifecycleTerminatingWait {
			continue
		}
		if _, held := e.waitHooks[model.ManagedDrainingHook]; !held {
			continue
		}
		ci := e.ci
		if ci == nil || ci.status == model.InstanceInactive {
			w.completeHook(e, model.ManagedDrainingHook, "CONTINUE")
			continue
		}
		if ci.status == model.InstanceActive {
			ci.status = model.InstanceDraining
		}
		if nonDaemonTasks(ci) == 0 {
			w.completeHook(e, model.ManagedDrainingHook, "CONTINUE")
		}
	}
}

// evaluateScaling is one evaluation of the managed target tracking policy.
func (w *World) evaluateScaling(cp *capacityProvider) {
	g := cp.group
	var inSvc []*ec2Instance
	busy := 0
	for _, e := range g.members {
		if !e.inService() {
			continue
		}
		inSvc = append(inSvc, e)
		if e.ci != nil && nonDaemonTasks(e.ci) > 0 {
			busy++
			e.busyAt = w.now
		}
	}
	n := len(inSvc)
	m := busy + w.instancesNeeded(cp)
	cpr := 100.0
	switch {
	case n == 0 && m > 0:
		cpr = 200
	case n > 0:
		cpr = float64(m) * 100 / float64(n)
	}
	cp.evaluated, cp.cpr, cp.m, cp.n = true, cpr, m, n
	w.publishReservation(cp)
	cp.below++
	if cpr >= float64(cp.target) {
		cp.below = 0
	}
	want := (m*100 + cp.target - 1) / cp.target
	switch {
	case cpr > float64(cp.target):
		step := min(max(want-n, cp.minStep), cp.maxSt)
		if d := min(g.max, n+step); d > g.desired {
			g.desired = d
		}
	case cp.below >= scaleInWindow:
		want = max(want, g.min)
		if want >= g.desired || want >= n {
			return
		}
		if !cp.mtp {
			g.desired = want
			cp.below = 0
			return
		}
		var idle []*ec2Instance
		for _, e := range inSvc {
			if e.state == "running" && (e.ci == nil || nonDaemonTasks(e.ci) == 0) && w.now.Sub(e.lastBusy()) >= scaleInWindow*time.Minute {
				idle = append(idle, e)
			}
		}
		slices.SortStableFunc(idle, func(a, b *ec2Instance) int { return a.lastBusy().Compare(b.lastBusy()) })
		idle = idle[:min(len(idle), n-want)]
		for _, e := range idle {
			e.protected = false
		}
		if len(idle) > 0 {
			g.desired = n - len(idle)
			cp.below = 0
		}
	}
}

// lastBusy is when e last ran a non-daemon task, or its launch.
func (e *ec2Instance) lastBusy() time.Time {
	if e.busyAt.IsZero() {
		return e.launchTime
	}
	return e.busyAt
}

// instancesNeeded is how many more instances of the group's shape the tasks
// the scheduler could not place would take.
func (w *World) instancesNeeded(cp *capacityProvider) int {
	var need []model.TaskNeeds
	alone := 0 // tasks that need an instance each (distinctInstance)
	for _, sn := range cp.cluster.serviceOrder {
		s := cp.cluster.services[sn]
		if s.unplaced == 0 || !usesProvider(s, cp.name) {
			continue
		}
		if slices.ContainsFunc(s.cons, func(c model.PlacementConstraint) bool { return c.Type == "distinctInstance" }) {
			alone += s.unplaced
			continue
		}
		for range s.unplaced {
			need = append(need, s.deployments[0].td.needs)
		}
	}
	if len(need) == 0 {
		return min(alone, cp.maxSt)
	}
	fresh := model.Resources{CPU: cp.group.cpu, Memory: cp.group.memory, Ports: slices.Clone(reservedPorts)}
	for k := 1; k <= cp.maxSt; k++ {
		free := make([]model.Resources, k)
		for i := range free {
			free[i] = fresh
		}
		if unplaced, _ := model.PackTasks(free, need); unplaced == 0 {
			return min(max(k, alone), cp.maxSt)
		}
	}
	return cp.maxSt
}

func usesProvider(s *service, name string) bool {
	return slices.ContainsFunc(s.cpStrategy, func(it model.CapacityProviderStrategyItem) bool { return it.CapacityProvider == name })
}

// capacityProviderOf names the provider an instance registered through.
func capacityProviderOf(ci *instance) string {
	if ci.ec2 == nil || ci.ec2.asg == nil || ci.ec2.asg.capacityProvider == nil {
		return ""
	}
	return ci.ec2.asg.capacityProvider.name
}
