package sim

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// The Auto Scaling side of instance termination: lifecycle hooks that hold a
// terminating instance in Terminating:Wait until every hook is completed (or
// times out with its default result), scale-in protection, scale-in when the
// desired capacity drops below the instances in service, and launch template
// versions.

type lifecycleHook struct {
	name, transition, defaultResult string
	heartbeat                       time.Duration
}

type ltVersion struct{ ami, agent string }

// LifecycleHookSpec describes a lifecycle hook to put on a group.
type LifecycleHookSpec struct {
	Group            string
	Name             string
	Transition       string        // default autoscaling:EC2_INSTANCE_TERMINATING
	HeartbeatTimeout time.Duration // default 3600 s
	DefaultResult    string        // default ABANDON, as AWS's
}

// AddLifecycleHook puts a lifecycle hook on a group (replacing one of the same name).
func (w *World) AddLifecycleHook(s LifecycleHookSpec) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.asgs[s.Group]
	if !ok {
		return errGroup(s.Group)
	}
	w.putHook(g, s)
	return nil
}

func (w *World) putHook(g *asg, s LifecycleHookSpec) {
	h := &lifecycleHook{name: s.Name, transition: cmp.Or(s.Transition, model.TransitionTerminating),
		defaultResult: cmp.Or(s.DefaultResult, "ABANDON"), heartbeat: cmp.Or(s.HeartbeatTimeout, time.Hour)}
	g.hooks = slices.DeleteFunc(g.hooks, func(x *lifecycleHook) bool { return x.name == s.Name })
	g.hooks = append(g.hooks, h)
}

func errGroup(name string) error {
	return simapi.Errorf(simapi.CodeValidationError, "AutoScalingGroup name not found - AutoScalingGroup %s not found", name)
}

// DescribeLifecycleHooks describes a group's hooks (all, or the named ones).
func (w *World) DescribeLifecycleHooks(group string, names []string) ([]model.LifecycleHook, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.asgs[model.ASGNameFromARN(group)]
	if !ok {
		return nil, errGroup(group)
	}
	var out []model.LifecycleHook
	for _, h := range g.hooks {
		if len(names) > 0 && !slices.Contains(names, h.name) {
			continue
		}
		out = append(out, model.LifecycleHook{Name: h.name, AutoScalingGroupName: g.name, LifecycleTransition: h.transition,
			HeartbeatTimeout: h.heartbeat, GlobalTimeout: min(100*h.heartbeat, 48*time.Hour), DefaultResult: h.defaultResult})
	}
	return out, nil
}

func (g *asg) terminationHooks() []*lifecycleHook {
	var out []*lifecycleHook
	for _, h := range g.hooks {
		if h.transition == model.TransitionTerminating {
			out = append(out, h)
		}
	}
	return out
}

// inService reports whether e counts towards its group's capacity.
func (e *ec2Instance) inService() bool {
	return !e.gone && (e.state == "pending" || e.state == "running") &&
		(e.lifecycle == model.LifecyclePending || e.lifecycle == model.LifecycleInService)
}

// beginTermination takes e out of service: into Terminating:Wait while its
// group has termination hooks, otherwise straight to shutdown.
func (w *World) beginTermination(e *ec2Instance) {
	w.recordTermination(e)
	hooks := e.asg.terminationHooks()
	if len(hooks) == 0 || e.state != "running" {
		w.terminateEC2(e)
		return
	}
	e.lifecycle, e.waitSince = model.LifecycleTerminatingWait, w.now
	e.waitHooks = map[string]time.Time{}
	for _, h := range hooks {
		e.waitHooks[h.name] = w.now.Add(h.heartbeat)
	}
}

// completeHook ends one hook's hold on e; the instance proceeds to shutdown
// when no hook holds it any more (ABANDON ends them all).
func (w *World) completeHook(e *ec2Instance, hook, result string) {
	delete(e.waitHooks, hook)
	if result == "ABANDON" {
		clear(e.waitHooks)
	}
	if len(e.waitHooks) == 0 && e.lifecycle == model.LifecycleTerminatingWait {
		w.terminateEC2(e)
		e.lifecycle = model.LifecycleTerminatingProceed
	}
}

// stepHooks applies the default result of every hook whose heartbeat ran out.
func (w *World) stepHooks(g *asg) {
	for _, e := range g.members {
		if e.lifecycle != model.LifecycleTerminatingWait {
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(e.waitHooks)) {
			if !w.now.Before(e.waitHooks[name]) {
				res := "CONTINUE"
				for _, h := range g.hooks {
					if h.name == name {
						res = h.defaultResult
					}
				}
				w.completeHook(e, name, res)
			}
		}
	}
}

// CompleteLifecycleAction completes the hook's hold on an instance.
func (w *World) CompleteLifecycleAction(group, hook, instanceID, result string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.asgs[model.ASGNameFromARN(group)]
	if !ok {
		return errGroup(group)
	}
	if result != "CONTINUE" && result != "ABANDON" {
		return simapi.Errorf(simapi.CodeValidationError, "Invalid value for LifecycleActionResult: %s. Valid values are CONTINUE and ABANDON.", result)
	}
	e, ok := w.ec2[instanceID]
	if !ok || e.asg != g || e.lifecycle != model.LifecycleTerminatingWait {
		return simapi.Errorf(simapi.CodeValidationError, "No active Lifecycle Action found with instance ID %s", instanceID)
	}
	if _, ok := e.waitHooks[hook]; !ok {
		return simapi.Errorf(simapi.CodeValidationError, "No active Lifecycle Action found with instance ID %s", instanceID)
	}
	w.completeHook(e, hook, result)
	return nil
}

// SetInstanceProtection sets or clears scale-in protection on group members
// (at most 50). It does not stop TerminateInstanceInAutoScalingGroup, as in AWS.
func (w *World) SetInstanceProtection(group string, ids []string, protected bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.asgs[model.ASGNameFromARN(group)]
	if !ok {
		return errGroup(group)
	}
	if len(ids) == 0 || len(ids) > 50 {
		return simapi.Errorf(simapi.CodeValidationError, "1 validation error detected: Value at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	var es []*ec2Instance
	for _, id := range ids {
		e, ok := w.ec2[id]
		if !ok || e.asg != g || e.gone || e.state == "terminated" {
			return simapi.Errorf(simapi.CodeValidationError, "The instance %s is not part of Auto Scaling group %s.", id, g.name)
		}
		es = append(es, e)
	}
	for _, e := range es {
		e.protected = protected
	}
	return nil
}

// scaleIn terminates in-service members above the desired capacity, chosen
// as the default termination policy does among unprotected instances: the
// Availability Zone with the most instances, then the oldest launch template
// version, then the oldest launch. Protected instances are never chosen; the
// group then stays above its desired capacity, as AWS's does.
func (w *World) scaleIn(g *asg, surplus int) {
	for range surplus {
		perAZ := map[string]int{}
		var cands []*ec2Instance
		for _, e := range g.members {
			if e.inService() {
				perAZ[e.az]++
				if e.state == "running" && !e.protected {
					cands = append(cands, e)
				}
			}
		}
		if len(cands) == 0 {
			return
		}
		slices.SortStableFunc(cands, func(a, b *ec2Instance) int {
			return cmp.Or(perAZ[b.az]-perAZ[a.az], a.ltVersion-b.ltVersion, a.launchTime.Compare(b.launchTime), cmp.Compare(a.id, b.id))
		})
		w.beginTermination(cands[0])
	}
}

// launchVersion is the launch template version the group launches now: the
// desired one while a refresh replaces instances, the previous one while it
// rolls back.
func (g *asg) launchVersion() int {
	if r := g.activeRefresh(); r != nil && r.desiredVersion > 0 {
		if r.status == model.RefreshRollbackInProgress {
			return r.prevVersion
		}
		return r.desiredVersion
	}
	return g.resolveVersion(g.ltSpec)
}

func (g *asg) resolveVersion(spec string) int {
	switch spec {
	case "$Latest":
		return len(g.ltVersions)
	case "", "$Default":
		return g.ltDefault
	}
	if n, err := strconv.Atoi(spec); err == nil && n >= 1 && n <= len(g.ltVersions) {
		return n
	}
	return g.ltDefault
}

func (g *asg) templateRef(version string) model.LaunchTemplateRef {
	return model.LaunchTemplateRef{ID: g.launchTemplate, Name: g.ltName, Version: version}
}
