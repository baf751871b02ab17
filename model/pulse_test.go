package model

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var pulseNow = time.Date(2026, 3, 4, 3, 0, 0, 0, time.UTC)

func ago(d time.Duration) time.Time { return pulseNow.Add(-d) }

// pulseFixture is the port map fixture (auth with dynamic ports, web with
// static port 80) as a healthy, steady cluster: no rule finds anything.
func pulseFixture() PulseInput {
	pm := fixture()
	for i := range pm.Services {
		s := &pm.Services[i]
		s.CreatedAt = ago(48 * time.Hour)
		s.Events = []ServiceEvent{{CreatedAt: ago(2 * time.Hour), Message: "(service " + s.Name + ") has reached a steady state."}}
		for j := range s.Deployments {
			s.Deployments[j].RolloutState = RolloutCompleted
			s.Deployments[j].CreatedAt = ago(24 * time.Hour)
		}
	}
	// web runs 2 tasks on two instances, so its static port is free on none:
	// give it one desired task so that the fixture is steady.
	pm.Services[1].DesiredCount, pm.Services[1].RunningCount = 1, 1
	pm.Services[1].Deployments[0].DesiredCount, pm.Services[1].Deployments[0].RunningCount = 1, 1
	for i := range pm.Tasks {
		pm.Tasks[i].StartedAt = ago(time.Hour)
	}
	return PulseInput{
		Now: pulseNow, Cluster: "c",
		Services: pm.Services, Tasks: pm.Tasks, TaskDefinitions: pm.TaskDefinitions,
		Instances: pm.Instances, TargetGroups: pm.TargetGroups, TargetHealth: pm.TargetHealth,
	}
}

// want is a finding as a test names it: "severity kind service|fragment of What|action".
func describeFinding(f Finding) string {
	return fmt.Sprintf("%s %s %s|%s|%s", f.Severity, f.Kind, f.Service, f.What, f.Action.Kind)
}

func TestEvaluatePulseRules(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(in *PulseInput)
		want   []string // "severity kind service|fragment|action", in rank order
	}{
		{name: "steady cluster: nothing", mutate: func(*PulseInput) {}},
		{
			name: "below desired past the grace period, with the placement failure",
			mutate: func(in *PulseInput) {
				s := &in.Services[0]
				s.DesiredCount, s.RunningCount = 4, 2
				s.Events = append([]ServiceEvent{{CreatedAt: ago(5 * time.Minute),
					Message: "(service auth) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 1) has insufficient memory available. For more information, see the Troubleshooting section."}},
					s.Events...)
				in.Stopped = []Task{{ARN: "arn:t/x", Group: "service:auth", LastStatus: StatusStopped, StoppedAt: ago(10 * time.Minute),
					StopCode: StopUserInitiated}}
			},
			want: []string{"warning below-desired auth|2/4 tasks running: unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 1) has insufficient memory available.|service"},
		},
		{
			name: "below desired within the grace period is not yet a finding",
			mutate: func(in *PulseInput) {
				s := &in.Services[0]
				s.DesiredCount, s.RunningCount, s.HealthCheckGracePeriod = 2, 1, time.Minute
				in.Stopped = []Task{{Group: "service:auth", LastStatus: StatusStopped, StoppedAt: ago(2 * time.Minute)}}
			},
		},
		{
			name: "nothing running at all is critical",
			mutate: func(in *PulseInput) {
				in.Services[1].RunningCount = 0
				in.Stopped = []Task{{Group: "service:web", LastStatus: StatusStopped, StoppedAt: ago(10 * time.Minute), StopCode: StopUserInitiated}}
			},
			want: []string{"critical below-desired web|0/1 tasks running|service"},
		},
		{
			name: "circuit breaker rolling back names both revisions",
			mutate: func(in *PulseInput) {
				s := &in.Services[0]
				s.Deployments = []Deployment{
					{ID: "ecs-svc/2", Status: DeploymentPrimary, TaskDefinitionARN: tdAuth, DesiredCount: 2, RunningCount: 1,
						RolloutState: RolloutInProgress, RolloutStateReason: "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.",
						CreatedAt: ago(3 * time.Minute)},
					{ID: "ecs-svc/1", Status: DeploymentActive, TaskDefinitionARN: "arn:aws:ecs:us-east-1:123:task-definition/auth:3",
						FailedTasks: 3, RolloutState: RolloutFailed, CreatedAt: ago(6 * time.Minute)},
				}
			},
			want: []string{"critical rolled-back auth|circuit breaker rolled back auth:3 (3 failed tasks) to auth:2 (1/2 running)|service"},
		},
		{
			name: "failed deployment without rollback",
			mutate: func(in *PulseInput) {
				d := &in.Services[0].Deployments[0]
				d.RolloutState, d.RolloutStateReason, d.FailedTasks, d.UpdatedAt = RolloutFailed, "ECS deployment circuit breaker: tasks failed to start.", 3, ago(time.Minute)
			},
			want: []string{"critical deployment-failed auth|deployment of auth:2 failed (3 failed tasks): ECS deployment circuit breaker: tasks failed to start.|service"},
		},
		{
			name: "deployment in progress for too long",
			mutate: func(in *PulseInput) {
				d := &in.Services[0].Deployments[0]
				d.RolloutState, d.CreatedAt, d.RunningCount = RolloutInProgress, ago(40*time.Minute), 1
			},
			want: []string{"warning deployment-slow auth|deployment of auth:2 in progress for 40m: 1/2 new tasks running|service"},
		},
		{
			name: "a rollback DescribeServices forgot, from the deployment history",
			mutate: func(in *PulseInput) {
				rev1, rev2 := "arn:aws:ecs:us-east-1:123:service-revision/c/auth/1", "arn:aws:ecs:us-east-1:123:service-revision/c/auth/2"
				in.Revisions = map[string]ServiceRevision{
					rev1: {ARN: rev1, TaskDefinitionARN: "arn:aws:ecs:us-east-1:123:task-definition/auth:1"},
					rev2: {ARN: rev2, TaskDefinitionARN: tdAuth},
				}
				in.History = map[string][]ServiceDeployment{"auth": {
					{ARN: "sd/old", Status: SDSuccessful, TargetRevisionARN: rev1, CreatedAt: ago(3 * time.Hour), FinishedAt: ago(170 * time.Minute)},
					{ARN: "sd/new", Status: SDRollbackSuccessful, TargetRevisionARN: rev2, CreatedAt: ago(30 * time.Minute),
						FinishedAt: ago(20 * time.Minute), StatusReason: "ECS deployment circuit breaker: tasks failed to start.",
						Rollback: &DeploymentRollback{RevisionARN: rev1, StartedAt: ago(25 * time.Minute)}},
				}}
			},
			want: []string{"warning rolled-back auth|deployment of auth:2 rolled back to auth:1: ECS deployment circuit breaker: tasks failed to start.|service"},
		},
		{
			name: "a rollback older than the window is history, not a finding",
			mutate: func(in *PulseInput) {
				in.History = map[string][]ServiceDeployment{"auth": {{Status: SDRollbackSuccessful, CreatedAt: ago(3 * time.Hour),
					FinishedAt: ago(2 * time.Hour), Rollback: &DeploymentRollback{}}}}
			},
		},
		{
			name: "blocked rollout (static port 80 everywhere, min 100) reuses the port map's rule",
			mutate: func(in *PulseInput) {
				for i := range in.Instances {
					in.Instances[i].Remaining.Ports = append(in.Instances[i].Remaining.Ports, 80)
				}
				s := &in.Services[1]
				s.TaskDefinitionARN = tdWeb2
				s.Deployments = []Deployment{
					{Status: DeploymentPrimary, TaskDefinitionARN: tdWeb2, DesiredCount: 1, RolloutState: RolloutInProgress, CreatedAt: ago(5 * time.Minute)},
					{Status: DeploymentActive, TaskDefinitionARN: tdWeb1, DesiredCount: 1, RunningCount: 1, RolloutState: RolloutCompleted},
				}
			},
			want: []string{
				"critical rollout-blocked web|rollout of web:2 blocked: no ACTIVE instance can place one more web task (port 80 in use on 2); minimumHealthyPercent 100 forbids stopping one first, so the rollout stalls|port-map",
				"warning static-port-conflict web|host port 80/tcp is static in web:1 (1/1 running) and web:2 (0/1 running)|port-map",
			},
		},
		{
			name: "no room for the next task without a rollout is information",
			mutate: func(in *PulseInput) {
				for i := range in.Instances {
					in.Instances[i].Remaining.Memory = 64
				}
			},
			want: []string{
				"info no-capacity auth|no ACTIVE instance can place one more auth task (memory < 128 MiB on 2)|port-map",
				"info no-capacity web|no ACTIVE instance can place one more web task|port-map",
			},
		},
		{
			name: "stale target and a task missing from its target group",
			mutate: func(in *PulseInput) {
				in.TargetHealth = append(in.TargetHealth[1:], TargetHealth{TargetGroupARN: tgAuth, TargetID: "i-2", Port: 40000,
					State: TargetUnhealthy, Reason: "Target.FailedHealthChecks"})
			},
			want: []string{
				"warning not-registered auth|task a1 of auth (container auth, host port 32768 on i-1) is running but not registered in target group auth-tg|port-map",
				"warning stale-target auth|target i-2:40000 in auth-tg (unhealthy) has no running task behind it|port-map",
			},
		},
		{
			name: "a task that just started is not yet missing from its target group",
			mutate: func(in *PulseInput) {
				in.TargetHealth = in.TargetHealth[1:]
				in.Tasks[0].StartedAt = ago(10 * time.Second)
			},
		},
		{
			name: "unhealthy targets, all of them is critical",
			mutate: func(in *PulseInput) {
				in.TargetHealth[0].State, in.TargetHealth[0].Reason = TargetUnhealthy, "Target.FailedHealthChecks"
				in.TargetHealth[2].State = TargetUnhealthy
			},
			want: []string{
				"critical unhealthy-targets web|1 of 1 targets unhealthy in web-tg|port-map",
				"warning unhealthy-targets auth|1 of 2 targets unhealthy in auth-tg (Target.FailedHealthChecks)|port-map",
			},
		},
		{
			name: "a target draining longer than DrainSlow",
			mutate: func(in *PulseInput) {
				in.TargetHealth = append(in.TargetHealth, TargetHealth{TargetGroupARN: tgAuth, TargetID: "i-3", Port: 32800, State: TargetDraining})
				in.Seen = map[string]time.Time{"draining|auth-tg i-3:32800": ago(20 * time.Minute)}
			},
			want: []string{"warning target-draining-long auth|target i-3:32800 has been draining in auth-tg for 20m|port-map"},
		},
		{
			name: "crash loop (OOM) is critical and leads to the logs; an image pull failure to the stopped task",
			mutate: func(in *PulseInput) {
				for i := range 3 {
					in.Stopped = append(in.Stopped, Task{ARN: fmt.Sprintf("arn:t/o%d", i), Group: "service:auth", LastStatus: StatusStopped,
						StopCode: StopEssentialContainerExited, StoppedReason: "Essential container in task exited", StoppedAt: ago(time.Duration(10+i) * time.Minute),
						Containers: []Container{{Name: "auth", ExitCode: exit(137), Reason: "OutOfMemoryError: Container killed due to memory usage"}}})
				}
				in.Stopped = append(in.Stopped, Task{ARN: "arn:t/p", Group: "service:web", LastStatus: StatusStopped, StopCode: StopTaskFailedToStart,
					StoppedReason: "CannotPullContainerError: failed to resolve ref registry/web:9: not found", StoppedAt: ago(3 * time.Minute),
					Containers: []Container{{Name: "web", Image: "registry/web:9"}}},
					// Routine stops and stops older than the window do not count.
					Task{ARN: "arn:t/s", Group: "service:web", LastStatus: StatusStopped, StopCode: StopServiceSchedulerInitiated,
						StoppedReason: "Scaling activity initiated by (deployment ecs-svc/1)", StoppedAt: ago(time.Minute)},
					Task{ARN: "arn:t/old", Group: "service:web", LastStatus: StatusStopped, StopCode: StopTaskFailedToStart,
						StoppedReason: "CannotPullContainerError: x", StoppedAt: ago(2 * time.Hour)})
			},
			want: []string{
				"critical tasks-stopping auth|3 tasks OOM-killed (exit 137) in auth in the last hour: OutOfMemoryError: Container killed due to memory usage|logs",
				"warning tasks-stopping web|1 task image pull failed: registry/web:9 in the last hour: CannotPullContainerError: … not found|stopped-task",
			},
		},
		{
			name: "agent disconnected; drains held by a standalone task or taking too long",
			mutate: func(in *PulseInput) {
				in.Instances[0].AgentConnected = false
				in.Instances[0].RunningTasksCount = 2
				in.Instances[2].RunningTasksCount = 1
				in.Tasks = append(in.Tasks, Task{ARN: "arn:t/d", Group: "family:logspout", ContainerInstanceARN: ciARNBase + "3",
					TaskDefinitionARN: "arn:aws:ecs:us-east-1:123:task-definition/logspout:1", LastStatus: StatusRunning, DesiredStatus: StatusRunning})
				in.Instances = append(in.Instances, ContainerInstance{ARN: ciARNBase + "4", EC2InstanceID: "i-4", Status: InstanceDraining,
					AgentConnected: true, RunningTasksCount: 3})
				in.Seen = map[string]time.Time{"drain|" + ciARNBase + "4": ago(30 * time.Minute)}
			},
			want: []string{
				"critical agent-disconnected |ECS agent on i-1 (ACTIVE) disconnected: ECS cannot start or stop its tasks (2 running)|instance",
				"warning drain-stuck |i-4 has been DRAINING for 30m with 3 tasks left|instance",
				"warning drain-stuck |i-3 is DRAINING but standalone tasks keep it busy (logspout:1): a drain never stops them|instance",
			},
		},
		{
			name: "Auto Scaling group below desired: at once when nothing launches, after the launch grace otherwise",
			mutate: func(in *PulseInput) {
				in.Instances[0].AutoScalingGroup = "c-asg"
				in.ASGs = []AutoScalingGroup{
					{Name: "c-asg", DesiredCapacity: 3, Instances: []ASGInstance{{LifecycleState: "InService"}, {LifecycleState: "InService"}}},
					{Name: "launching", DesiredCapacity: 2, Instances: []ASGInstance{{LifecycleState: "InService"}, {LifecycleState: "Pending"}}},
				}
			},
			want: []string{"warning asg-below-desired |Auto Scaling group c-asg has 2 of 3 instances in service|instance"},
		},
		{
			name: "desired count outside the autoscaler's bounds",
			mutate: func(in *PulseInput) {
				in.Scaling = []ScalingBounds{{Service: "auth", Min: 3, Max: 10}, {Service: "web", Min: 1, Max: 2}}
			},
			want: []string{"warning outside-autoscaling auth|desired count 2 is outside auto scaling's 3–10: the autoscaler will set it back|service"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := pulseFixture()
			c.mutate(&in)
			res := EvaluatePulse(in)
			if len(res.Findings) != len(c.want) {
				var got []string
				for _, f := range res.Findings {
					got = append(got, describeFinding(f))
				}
				t.Fatalf("%d findings, want %d:\n%s", len(res.Findings), len(c.want), strings.Join(got, "\n"))
			}
			for i, w := range c.want {
				head, rest, _ := strings.Cut(w, "|")
				frag, act, _ := strings.Cut(rest, "|")
				f := res.Findings[i]
				gotHead := fmt.Sprintf("%s %s %s", f.Severity, f.Kind, f.Service)
				if gotHead != head || !strings.Contains(f.What, frag) || string(f.Action.Kind) != act {
					t.Errorf("finding %d = %s\nwant      %s", i, describeFinding(f), w)
				}
				if f.Cluster != "c" || f.Action.Cluster != "c" {
					t.Errorf("finding %d cluster %q action cluster %q", i, f.Cluster, f.Action.Cluster)
				}
			}
		})
	}
}

// Durations the rules need come from what was observed before: a draining
// target is remembered from one look to the next and reported once it has
// drained for DrainSlow; once it is gone it is forgotten.
func TestPulseRemembersConditions(t *testing.T) {
	in := pulseFixture()
	in.TargetHealth = append(in.TargetHealth, TargetHealth{TargetGroupARN: tgAuth, TargetID: "i-3", Port: 32800, State: TargetDraining})
	first := EvaluatePulse(in)
	if len(first.Findings) != 0 {
		t.Fatalf("first look: %v", first.Findings)
	}
	key := "draining|auth-tg i-3:32800"
	if got := first.Observed[key]; !got.Equal(pulseNow) {
		t.Fatalf("observed %s = %v, want now", key, got)
	}
	in.Seen, in.Now = first.Observed, pulseNow.Add(16*time.Minute)
	second := EvaluatePulse(in)
	if len(second.Findings) != 1 || second.Findings[0].Kind != FindDrainingTarget || !second.Findings[0].Since.Equal(pulseNow) ||
		!second.Findings[0].Observed {
		t.Fatalf("second look: %+v", second.Findings)
	}
	in.TargetHealth = in.TargetHealth[:3]
	in.Seen = second.Observed
	if third := EvaluatePulse(in); len(third.Observed) != 0 {
		t.Errorf("a cleared condition is still remembered: %v", third.Observed)
	}
}

func TestRankAndTrackFindings(t *testing.T) {
	fs := []Finding{
		{Severity: SeverityWarning, Kind: FindStaleTarget, Cluster: "a", Since: ago(time.Hour)},
		{Severity: SeverityCritical, Kind: FindBelowDesired, Cluster: "b", Since: ago(time.Minute)},
		{Severity: SeverityWarning, Kind: FindDrainStuck, Cluster: "a", Since: ago(2 * time.Hour)},
		{Severity: SeverityInfo, Kind: FindNoCapacity, Cluster: "a", Since: ago(3 * time.Hour)},
	}
	RankFindings(fs)
	var order []FindingKind
	for _, f := range fs {
		order = append(order, f.Kind)
	}
	want := []FindingKind{FindBelowDesired, FindDrainStuck, FindStaleTarget, FindNoCapacity}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("rank = %v, want %v", order, want)
	}
	if sev, ok := Worst(fs); !ok || sev != SeverityCritical {
		t.Errorf("worst = %v %v", sev, ok)
	}
	if _, ok := Worst(nil); ok {
		t.Error("no findings has a worst severity")
	}

	seen := TrackFindings(nil, fs, pulseNow)
	later := pulseNow.Add(time.Minute)
	again := []Finding{fs[1], fs[0]}
	next := TrackFindings(seen, again, later)
	if !again[0].FirstSeen.Equal(pulseNow) || !again[1].FirstSeen.Equal(pulseNow) {
		t.Errorf("first seen not kept: %v %v", again[0].FirstSeen, again[1].FirstSeen)
	}
	if len(next) != 2 {
		t.Errorf("cleared findings are remembered: %v", next)
	}
	back := []Finding{fs[3]}
	TrackFindings(next, back, later)
	if !back[0].FirstSeen.Equal(later) {
		t.Errorf("a finding that came back is not new: %v", back[0].FirstSeen)
	}
}

func TestServiceDeploymentOutcome(t *testing.T) {
	cases := []struct {
		d       ServiceDeployment
		outcome string
		failed  bool
	}{
		{ServiceDeployment{Status: SDSuccessful}, "successful", false},
		{ServiceDeployment{Status: SDRollbackSuccessful, Rollback: &DeploymentRollback{}}, "rolled back", true},
		{ServiceDeployment{Status: SDRollbackInProgress}, "rolling back", true},
		{ServiceDeployment{Status: SDRollbackFailed}, "rollback failed", true},
		{ServiceDeployment{Status: SDStopped}, "stopped", false},
		{ServiceDeployment{Status: SDStopped, FailureCount: 3, FailureThreshold: 3}, "failed", true},
		{ServiceDeployment{Status: SDInProgress}, "in progress", false},
	}
	for _, c := range cases {
		if got := c.d.Outcome(); got != c.outcome || c.d.Failed() != c.failed {
			t.Errorf("%s: outcome %q failed %v, want %q %v", c.d.Status, got, c.d.Failed(), c.outcome, c.failed)
		}
	}
	d := ServiceDeployment{StartedAt: ago(10 * time.Minute), FinishedAt: ago(4 * time.Minute)}
	if got := d.Duration(pulseNow); got != 6*time.Minute {
		t.Errorf("duration %v", got)
	}
	d.FinishedAt = time.Time{}
	if got := d.Duration(pulseNow); got != 10*time.Minute {
		t.Errorf("running duration %v", got)
	}
	hist := []ServiceDeployment{{ARN: "a", CreatedAt: ago(time.Hour)}, {ARN: "b", CreatedAt: ago(time.Minute)}}
	SortDeploymentHistory(hist)
	if hist[0].ARN != "b" {
		t.Errorf("history not newest first: %v", hist)
	}
}
