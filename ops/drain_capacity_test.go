package ops

import (
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

// capacityState is a cluster of 4 instances in group "asg" (2 on launch
// template version 1, the old AMI; 2 on version 2), a service of 4 tasks,
// one standalone task on ci0, and the group's capacity as the case says.
func capacityState(g *GroupCapacity) ClusterState {
	inst := instances(4, 1536, 3072)
	web := taskDef("web", 1, 256, 512, 0)
	ship := taskDef("shipper", 1, 64, 128, 0)
	tasks := serviceTasks("web", web, inst, 4)
	tasks = append(tasks, model.Task{ARN: "arn:aws:ecs:eu-west-1:1:task/prod/ship0", ID: "ship0", TaskDefinitionARN: ship.ARN,
		ContainerInstanceARN: inst[0].ARN, Group: "family:shipper", LastStatus: model.StatusRunning})
	for i := range inst {
		if i >= 2 {
			inst[i].AMIID = "ami-new"
		}
	}
	st := ClusterState{Cluster: "prod", Instances: inst, Tasks: tasks,
		Needs: map[string]model.TaskNeeds{web.ARN: model.NeedsOf(web), ship.ARN: model.NeedsOf(ship)}}
	if g != nil {
		g.Group.Name = "asg"
		if g.Group.DesiredCapacity == 0 {
			g.Group.DesiredCapacity, g.Group.MinSize, g.Group.MaxSize = 4, 1, 8
		}
		if g.Group.Template.Name == "" {
			g.Group.Template = model.LaunchTemplateRef{Name: "lt", Version: "2"}
		}
		for i, ci := range inst {
			v := "2"
			if i < 2 {
				v = "1"
			}
			g.Group.Instances = append(g.Group.Instances, model.ASGInstance{InstanceID: ci.EC2InstanceID, AutoScalingGroupName: "asg",
				LifecycleState: model.LifecycleInService, Template: model.LaunchTemplateRef{Name: "lt", Version: v},
				ProtectedFromScaleIn: g.Provider != nil && g.Provider.TerminationProtection()})
		}
		st.Capacity = &Capacity{Groups: map[string]*GroupCapacity{"asg": g}}
	} else {
		st.Capacity = &Capacity{Groups: map[string]*GroupCapacity{"asg": {Group: model.AutoScalingGroup{Name: "asg", DesiredCapacity: 4}}}}
	}
	return st
}

func provider(scaling, mtp, draining bool) *model.CapacityProvider {
	onOff := func(b bool) string {
		if b {
			return model.Enabled
		}
		return model.Disabled
	}
	cp := &model.CapacityProvider{Name: "cp", AutoScalingGroupARN: "arn:aws:autoscaling:eu-west-1:1:autoScalingGroup:x:autoScalingGroupName/asg",
		ManagedTerminationProtection: onOff(mtp), ManagedDraining: onOff(draining)}
	cp.ManagedScaling = model.ManagedScaling{Status: onOff(scaling), TargetCapacity: 100}
	return cp
}

var drainingHook = model.LifecycleHook{Name: model.ManagedDrainingHook, AutoScalingGroupName: "asg", LifecycleTransition: model.TransitionTerminating,
	HeartbeatTimeout: time.Hour, DefaultResult: "CONTINUE"}

func allManaged() *GroupCapacity {
	return &GroupCapacity{Provider: provider(true, true, true), Hooks: []model.LifecycleHook{drainingHook}}
}

func TestPlanDrainCapacityCombinations(t *testing.T) {
	oldAMI := Selection{AMI: "ami-old"}
	cases := []struct {
		name    string
		group   *GroupCapacity
		opts    DrainOptions
		blocked bool
		has     []string
		hasNot  []string
	}{
		{name: "classic group: the plan of before, with the strategies", group: nil, opts: DrainOptions{Batch: 1},
			has:    []string{"ACTIVE → DRAINING", "when an instance has no task left: terminate", "refresh — not possible here", "recommended: drain"},
			hasNot: []string{"runs on capacity provider", "Terminating:Wait", "managed scaling"}},
		{name: "all three managed features, ecstui drains first", group: allManaged(), opts: DrainOptions{Batch: 1},
			has: []string{"asg runs on capacity provider cp: managed scaling ENABLED (target 100%), managed termination protection ENABLED, managed draining ENABLED",
				"managed scaling: 4 of 4 instances in asg run tasks (CapacityProviderReservation ≈ 100% estimated, target 100%); each termination keeps the desired capacity at 4",
				"ECS lowers the desired capacity only after the reservation stays below target for 15 minutes",
				"i-0000, i-0001 are protected from scale-in (by ECS's managed termination protection",
				"does not stop TerminateInstanceInAutoScalingGroup",
				"holds each instance in Terminating:Wait (ecs-managed-draining-termination-hook (60m, then CONTINUE)); ECS completes the hook as soon as the instance has no task",
				"recommended: refresh"}},
		{name: "let ECS drain on termination", group: allManaged(), opts: DrainOptions{Batch: 1, ECSDrains: true},
			has: []string{"terminated now, ECS sets it DRAINING", "terminate each instance at once without decrementing desired capacity: ECS sets it DRAINING from Terminating:Wait",
				"i-0000 runs standalone tasks: managed draining waits for them until ecs-managed-draining-termination-hook times out (60m)",
				"describe-auto-scaling-instances --instance-ids i-0000"},
			hasNot: []string{"update-container-instances-state", "when an instance has no task left"}},
		{name: "let ECS drain without managed draining is refused", group: &GroupCapacity{Provider: provider(true, true, false)}, opts: DrainOptions{Batch: 1, ECSDrains: true},
			blocked: true, has: []string{"asg has no managed draining", "refresh — not possible here: asg has no ECS managed draining"}},
		{name: "managed scaling without termination protection", group: &GroupCapacity{Provider: provider(true, false, false)}, opts: DrainOptions{Batch: 1},
			has: []string{"may scale in any unprotected instance", "protects each replacement from scale-in until the drain ends",
				"set-instance-protection --auto-scaling-group-name asg --instance-ids REPLACEMENT --protected-from-scale-in"}},
		{name: "at the minimum size ECS cannot scale in", group: func() *GroupCapacity {
			g := allManaged()
			g.Group.DesiredCapacity, g.Group.MinSize, g.Group.MaxSize = 4, 4, 8
			return g
		}(), opts: DrainOptions{Batch: 1}, has: []string{"ECS cannot scale in below the group's minimum size 4"}},
		{name: "a hook that is not ECS's", group: &GroupCapacity{Hooks: []model.LifecycleHook{{Name: "backup", LifecycleTransition: model.TransitionTerminating, HeartbeatTimeout: 10 * time.Minute, DefaultResult: "ABANDON"}}},
			opts: DrainOptions{Batch: 1},
			has: []string{"asg is not behind a capacity provider; it has termination lifecycle hooks", "termination hook backup (10m, then ABANDON), which is not ECS's",
				"complete-lifecycle-action --auto-scaling-group-name asg --lifecycle-hook-name backup"}},
		{name: "an instance refresh in progress blocks the drain", group: func() *GroupCapacity {
			g := allManaged()
			g.Refresh = &model.InstanceRefresh{ID: "r-1", Status: model.RefreshInProgress, PercentageComplete: 50, InstancesToUpdate: 1,
				Preferences: model.RefreshPreferences{CheckpointPercentages: []int{50, 100}}, StatusReason: "waiting at checkpoint"}
			return g
		}(), opts: DrainOptions{Batch: 1}, blocked: true,
			has: []string{"an instance refresh is in progress on asg (r-1 InProgress 50% (1 to update), next checkpoint 100%: waiting at checkpoint)",
				"ecstui drain --cluster prod --strategy refresh --watch", "refresh — not possible here: an instance refresh is already in progress"}},
		{name: "a finished refresh does not block", group: func() *GroupCapacity {
			g := allManaged()
			g.Refresh = &model.InstanceRefresh{ID: "r-0", Status: model.RefreshSuccessful, PercentageComplete: 100}
			return g
		}(), opts: DrainOptions{Batch: 1}, hasNot: []string{"in progress on asg"}},
		{name: "CloudWatch's reservation replaces the estimate", group: func() *GroupCapacity {
			g := allManaged()
			g.Reservation = &Reservation{Percent: 50, At: time.Date(2026, 11, 23, 9, 4, 0, 0, time.UTC)}
			return g
		}(), opts: DrainOptions{Batch: 1},
			has: []string{"managed scaling: 4 of 4 instances in asg run tasks (CapacityProviderReservation 50% in CloudWatch at 09:04, target 100%)",
				"the reservation is below target, so ECS will lower the desired capacity"},
			hasNot: []string{"estimated"}},
		{name: "unreadable groups are a warning", group: &GroupCapacity{}, opts: DrainOptions{Batch: 1}, has: []string{"could not read lifecycle hooks of asg: AccessDenied"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := capacityState(c.group)
			if c.name == "unreadable groups are a warning" {
				st.Capacity.Unknown = []string{"lifecycle hooks of asg: AccessDenied"}
			}
			p := PlanDrainWith(st, oldAMI, c.opts)
			text := p.Text()
			if p.Blocked() != c.blocked {
				t.Errorf("blocked = %v, want %v\n%s", p.Blocked(), c.blocked, text)
			}
			if c.blocked && p.Overridable {
				t.Errorf("a capacity blocker must not be overridable\n%s", text)
			}
			for _, s := range c.has {
				if !strings.Contains(text, s) {
					t.Errorf("plan lacks %q\n%s", s, text)
				}
			}
			for _, s := range c.hasNot {
				if strings.Contains(text, s) {
					t.Errorf("plan has %q\n%s", s, text)
				}
			}
		})
	}
}

func TestPlanRefreshCombinations(t *testing.T) {
	oldAMI := Selection{AMI: "ami-old"}
	delay := 10 * time.Minute
	cases := []struct {
		name    string
		group   *GroupCapacity
		sel     Selection
		opts    RefreshOptions
		blocked bool
		has     []string
		hasNot  []string
	}{
		{name: "managed draining, roll to the group's version", group: allManaged(), sel: oldAMI,
			has: []string{"instance refresh of asg in cluster prod: replace 2 instances with lt:2, 1 at a time",
				"replaces i-0000, i-0001", "minimum healthy 90% of desired capacity 4 → at most 1 out of service at once",
				"ScaleInProtectedInstances=Refresh", "service tasks that move: web×2", "placement headroom: the instances left can hold",
				"i-0000 runs standalone tasks (ship0 (shipper:1)): managed draining waits for them",
				`start-instance-refresh --auto-scaling-group-name asg --desired-configuration '{"LaunchTemplate":{"LaunchTemplateName":"lt","Version":"2"}}'`,
				`"ScaleInProtectedInstances":"Refresh","SkipMatching":true`,
				"a rollback would return asg to the configuration it had before the refresh, lt:2 itself", "recommended: refresh"}},
		{name: "checkpoints, min healthy and standalone stops", group: allManaged(), sel: oldAMI,
			opts: RefreshOptions{MinHealthy: ptr(50), Checkpoints: []int{50, 100}, CheckpointDelay: &delay, StopStandalone: true},
			has: []string{"minimum healthy 50% of desired capacity 4 → at most 2 out of service at once", "checkpoints at 50%, 100%: after each, the refresh waits 10m",
				"once i-0000 waits in Terminating:Wait, stop its standalone tasks", `"CheckpointDelay":600,"CheckpointPercentages":[50,100],"MinHealthyPercentage":50`}},
		{name: "roll to another version: rollback is possible", group: func() *GroupCapacity {
			g := allManaged()
			g.Group.Template = model.LaunchTemplateRef{Name: "lt", Version: "1"}
			return g
		}(), sel: Selection{AgentVersion: "1.70.0"}, opts: RefreshOptions{Version: "3"},
			has: []string{"rolling to lt:3", "rollback possible"}, hasNot: []string{"a rollback would return"}},
		{name: "no managed draining", group: &GroupCapacity{Provider: provider(true, true, false)}, sel: oldAMI, blocked: true,
			has: []string{"asg has no ECS managed draining: a refresh would terminate its instances with their tasks still running"}},
		{name: "the group still launches the old image", group: func() *GroupCapacity {
			g := allManaged()
			g.Group.Template = model.LaunchTemplateRef{Name: "lt", Version: "1"}
			return g
		}(), sel: oldAMI, blocked: true,
			has: []string{"i-0000, i-0001 are already on lt:1, the version the refresh rolls to", "aws ec2 create-launch-template-version"}},
		{name: "a symbolic version cannot be resolved nor rolled back", group: func() *GroupCapacity {
			g := allManaged()
			g.Group.Template = model.LaunchTemplateRef{Name: "lt", Version: "$Default"}
			return g
		}(), sel: oldAMI, has: []string{"asg launches lt:$Default: which version that is, only Auto Scaling resolves", "a rollback would return asg"}},
		{name: "also replaces instances outside the selection", group: allManaged(), sel: Selection{IDs: []string{"i-0000"}},
			has: []string{"the refresh also replaces i-0001 (version 1)", "recommended: drain (named instances are a repair"}},
		{name: "a checkpoint delay needs checkpoints", group: allManaged(), sel: oldAMI, opts: RefreshOptions{CheckpointDelay: &delay}, blocked: true,
			has: []string{"a checkpoint delay needs checkpoints"}},
		{name: "numbers out of range", group: allManaged(), sel: oldAMI, opts: RefreshOptions{MinHealthy: ptr(101), Checkpoints: []int{0}}, blocked: true,
			has: []string{"minimum healthy percentage 101 is out of range (--min-healthy)", "checkpoint percentage 0 is out of range (--checkpoints)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := capacityState(c.group)
			p := PlanRefresh(st, c.sel, c.opts)
			text := p.Text()
			if p.Blocked() != c.blocked {
				t.Errorf("blocked = %v, want %v\n%s", p.Blocked(), c.blocked, text)
			}
			for _, s := range c.has {
				if !strings.Contains(text, s) {
					t.Errorf("plan lacks %q\n%s", s, text)
				}
			}
			for _, s := range c.hasNot {
				if strings.Contains(text, s) {
					t.Errorf("plan has %q\n%s", s, text)
				}
			}
		})
	}
}

func TestPlanRefreshCancelRollback(t *testing.T) {
	g := allManaged()
	st := capacityState(g)
	if p := PlanRefreshCancel("prod", st.Capacity.Group("asg")); !p.Blocked() || !strings.Contains(p.Text(), "no instance refresh is in progress on asg") {
		t.Errorf("cancel with none:\n%s", p.Text())
	}
	g.Refresh = &model.InstanceRefresh{ID: "r-1", Status: model.RefreshInProgress, PercentageComplete: 50, InstancesToUpdate: 1, Desired: &model.LaunchTemplateRef{Name: "lt", Version: "2"}}
	p := PlanRefreshCancel("prod", g)
	if p.Blocked() || !strings.Contains(p.Text(), "aws autoscaling cancel-instance-refresh --auto-scaling-group-name asg") || !strings.Contains(p.Text(), "instances already replaced stay replaced") {
		t.Errorf("cancel:\n%s", p.Text())
	}
	g.Group.Template.Version = "$Default"
	if p := PlanRefreshRollback("prod", g); !p.Blocked() || !strings.Contains(p.Text(), "AWS cannot roll a refresh back to a $Default or $Latest version") {
		t.Errorf("rollback of a $Default group:\n%s", p.Text())
	}
	g.Group.Template.Version = "1"
	if p := PlanRefreshRollback("prod", g); p.Blocked() || !strings.Contains(p.Text(), "replaces the instances the refresh replaced with lt:1") {
		t.Errorf("rollback:\n%s", p.Text())
	}
}
