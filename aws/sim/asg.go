package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// Instance lifecycle timings: a launched instance runs after bootRunning and
// its agent registers in the cluster after bootRegister; a terminating one is
// gone after shutdown, and EC2 forgets it an hour later.
const (
	bootRunning  = 30 * time.Second
	bootRegister = 60 * time.Second
	shutdown     = 30 * time.Second
)

// stepEC2 moves instances through boot and shutdown, applies lifecycle hook
// timeouts, and keeps every Auto Scaling group at its desired capacity:
// instances in Terminating:Wait no longer count, so a replacement launches
// at once; a surplus is scaled in (lifecycle.go).
func (w *World) stepEC2() {
	for _, id := range w.ec2Order {
		e := w.ec2[id]
		if e.gone {
			continue
		}
		switch e.state {
		case "pending":
			if !w.now.Before(e.runningAt) {
				e.state = "running"
				w.activityDone(e)
				if e.lifecycle == model.LifecyclePending {
					e.lifecycle = model.LifecycleInService
					e.protected = e.asg.newProtected
				}
			}
		case "running":
			if e.ci == nil && !e.registerAt.IsZero() && !w.now.Before(e.registerAt) {
				w.registerInstance(e)
			}
		case "shutting-down":
			if !w.now.Before(e.terminatedAt) {
				e.state, e.lifecycle = "terminated", model.LifecycleTerminated
				w.activityDone(e)
			}
		case "terminated":
			if w.now.Sub(e.terminatedAt) > time.Hour {
				e.gone = true
			}
		}
	}
	for _, name := range w.asgOrder {
		g := w.asgs[name]
		w.stepHooks(g)
		n := 0
		for _, m := range g.members {
			if m.inService() {
				n++
			}
		}
		if n > g.desired {
			w.scaleIn(g, n-g.desired)
		}
		for ; n < g.desired; n++ {
			e := w.launchEC2(g)
			e.runningAt = w.now.Add(bootRunning)
			e.registerAt = w.now.Add(bootRegister)
			w.recordActivity(e, "Launching a new EC2 instance: "+e.id, fmt.Sprintf(
				"At %s an instance was started in response to a difference between desired and actual capacity, increasing the capacity from %d to %d.",
				w.now.Format(time.RFC3339), n, n+1))
		}
	}
}

// TerminateInstanceInAutoScalingGroup terminates an instance: its tasks stop
// at once, its container instance goes INACTIVE, and unless decrementDesired
// the group launches a replacement that registers ACTIVE about a minute later.
func (w *World) TerminateInstanceInAutoScalingGroup(instanceID string, decrementDesired bool) (model.ScalingActivity, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.ec2[instanceID]
	if !ok || e.asg == nil || e.gone || e.state == "terminated" || e.state == "shutting-down" {
		return model.ScalingActivity{}, simapi.Errorf(simapi.CodeValidationError,
			"Instance Id not found - No managed instance found for instance ID: %s", instanceID)
	}
	if !e.inService() {
		return model.ScalingActivity{}, simapi.Errorf(simapi.CodeValidationError,
			"The instance %s is not in InService or Standby.", instanceID)
	}
	g := e.asg
	cause := fmt.Sprintf("At %s instance %s was taken out of service in response to a user request.",
		w.now.Format(time.RFC3339), e.id)
	if decrementDesired {
		if g.desired-1 < g.min {
			return model.ScalingActivity{}, simapi.Errorf(simapi.CodeValidationError,
				"Currently, desiredSize equals minSize (%d). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.", g.min)
		}
		cause = strings.TrimSuffix(cause, ".") + fmt.Sprintf(", shrinking the capacity from %d to %d.", g.desired, g.desired-1)
		g.desired--
	}
	// The activity id comes from the world's identifiers, as it always has,
	// so the identifiers after it stay what they were.
	e.termCause, e.termID = cause, w.uuid()
	w.beginTermination(e)
	return *e.activity, nil
}

func (w *World) terminateEC2(e *ec2Instance) {
	e.state, e.lifecycle = "shutting-down", model.LifecycleTerminating
	e.waitHooks = nil
	e.terminatedAt = w.now.Add(shutdown)
	ci := e.ci
	if ci == nil {
		return
	}
	for _, t := range sortedTasks(ci.tasks) {
		if t.desiredStatus != model.StatusStopped {
			t.desiredStatus = model.StatusStopped
			t.stoppingAt = w.now
			t.stopCode = "TerminationNotice"
			t.stoppedReason = fmt.Sprintf("Host EC2 (instance %s) terminated.", e.id)
		}
		w.finishStop(t)
	}
	ci.status = model.InstanceInactive
	ci.statusReason = "Instance deregistration forced by the Auto Scaling group"
	ci.agentConnected = false
	ci.deregisteredAt = w.now
}

// DescribeAutoScalingGroups describes groups by name (none: all), sorted by name.
func (w *World) DescribeAutoScalingGroups(names []string) []model.AutoScalingGroup {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(names) == 0 {
		names = w.asgOrder
	}
	var out []model.AutoScalingGroup
	for _, n := range names {
		g, ok := w.asgs[n]
		if !ok {
			continue
		}
		m := model.AutoScalingGroup{
			Name: g.name, ARN: g.arn, MinSize: g.min, MaxSize: g.max, DesiredCapacity: g.desired,
			AvailabilityZones: append([]string(nil), g.azs...), LaunchTemplate: g.launchTemplate,
			Template: g.templateRef(g.ltSpec), NewInstancesProtectedFromScaleIn: g.newProtected,
			HealthCheckGracePeriod: int(g.healthGrace / time.Second), DefaultInstanceWarmup: int(g.instanceWarmup / time.Second),
		}
		for _, e := range g.members {
			if e.state != "terminated" && !e.gone {
				m.Instances = append(m.Instances, asgInstance(e))
			}
		}
		out = append(out, m)
	}
	return out
}

func asgInstance(e *ec2Instance) model.ASGInstance {
	return model.ASGInstance{
		InstanceID: e.id, AutoScalingGroupName: e.asg.name, AvailabilityZone: e.az,
		LifecycleState: e.lifecycle, HealthStatus: "Healthy", InstanceType: e.instanceType,
		LaunchTemplate: e.asg.launchTemplate, Template: e.asg.templateRef(strconv.Itoa(e.ltVersion)),
		ProtectedFromScaleIn: e.protected,
	}
}

// DescribeAutoScalingInstances describes group members by id (none: all);
// unknown ids are left out, as AWS does.
func (w *World) DescribeAutoScalingInstances(ids []string) []model.ASGInstance {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(ids) == 0 {
		ids = w.ec2Order
	}
	var out []model.ASGInstance
	for _, id := range ids {
		e, ok := w.ec2[id]
		if !ok || e.asg == nil || e.gone || e.state == "terminated" {
			continue
		}
		out = append(out, asgInstance(e))
	}
	return out
}

// DescribeInstances describes EC2 instances by id (none: all).
func (w *World) DescribeInstances(ids []string) ([]model.EC2Instance, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	all := len(ids) == 0
	if all {
		ids = w.ec2Order
	}
	var out []model.EC2Instance
	for _, id := range ids {
		e, ok := w.ec2[id]
		if !ok || e.gone {
			if all {
				continue
			}
			return nil, simapi.Errorf(simapi.CodeInvalidInstanceID, "The instance ID '%s' does not exist", id)
		}
		out = append(out, model.EC2Instance{
			InstanceID: e.id, InstanceType: e.instanceType, ImageID: e.ami, State: e.state,
			PrivateIP: e.privateIP, PrivateDNS: "ip-" + strings.ReplaceAll(e.privateIP, ".", "-") + ".ec2.internal",
			AvailabilityZone: e.az, LaunchTime: e.launchTime, Tags: cloneMap(e.tags),
		})
	}
	return out, nil
}
