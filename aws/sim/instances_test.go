package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

func TestDrainMovesServiceTasksKeepsStandalone(t *testing.T) {
	tests := []struct {
		name   string
		minPct int
		maxPct int
	}{{"100/200 starts replacements first", 100, 200}, {"50/100 stops first", 50, 100}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := testWorld(t, 4, "m5.large")
			tg := w.AddTargetGroup(TargetGroupSpec{Name: "web", HealthCheckInterval: 5 * time.Second})
			register(t, w, webTD("web", "nginx:1.25", 0, 128, 256))
			register(t, w, webTD("shipper", "gliderlabs/logspout:v3", 0, 64, 128))
			create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 4,
				DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: tc.minPct, MaximumPercent: tc.maxPct},
				LoadBalancers:           []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 8080}}})
			if !steadyWithin(w, t, "c", "web", time.Minute) {
				t.Fatal("not steady")
			}
			victim := instances(t, w, "c")[0]
			if _, fails, err := w.StartTask(model.StartTaskInput{Cluster: "c", TaskDefinition: "shipper", ContainerInstances: []string{victim.ID}}); err != nil || len(fails) > 0 {
				t.Fatalf("StartTask: %v %v", fails, err)
			}
			w.Advance(10 * time.Second)
			if len(tasks(t, w, "c", model.TaskFilter{ServiceName: "web", ContainerInstance: victim.ARN})) == 0 {
				t.Fatal("setup: no service task on the instance to drain")
			}
			out, fails, err := w.UpdateContainerInstancesState("c", []string{victim.ARN}, model.InstanceDraining)
			if err != nil || len(fails) > 0 || out[0].Status != model.InstanceDraining {
				t.Fatalf("drain: %+v %v %v", out, fails, err)
			}
			minHealthy := (4*tc.minPct + 99) / 100
			for i := range 120 {
				w.Advance(time.Second)
				if s := describe(t, w, "c", "web"); s.RunningCount+s.PendingCount > 4*tc.maxPct/100 {
					t.Fatalf("at +%ds %d tasks above maximumPercent", i, s.RunningCount+s.PendingCount)
				}
				th, _ := w.DescribeTargetHealth(tg)
				n := 0
				for _, h := range th {
					if h.State == model.TargetHealthy {
						n++
					}
				}
				if n < minHealthy {
					t.Fatalf("at +%ds %d healthy targets, below %d", i, n, minHealthy)
				}
			}
			left := tasks(t, w, "c", model.TaskFilter{ContainerInstance: victim.ID})
			if len(left) != 1 || left[0].Group != "family:shipper" {
				t.Fatalf("drained instance still runs %+v", left)
			}
			s := describe(t, w, "c", "web")
			if s.RunningCount != 4 {
				t.Errorf("service running %d after drain, want 4", s.RunningCount)
			}
			drained := 0
			for _, task := range tasks(t, w, "c", model.TaskFilter{DesiredStatus: "STOPPED", ServiceName: "web"}) {
				if task.StoppedReason == "Task stopped because the container instance was drained" {
					drained++
				}
			}
			if drained == 0 {
				t.Error("no task stopped with the drain reason")
			}

			// ACTIVE again: the instance takes tasks again.
			if _, _, err := w.UpdateContainerInstancesState("c", []string{victim.ID}, model.InstanceActive); err != nil {
				t.Fatal(err)
			}
			eight := 8
			if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", DesiredCount: &eight}); err != nil {
				t.Fatal(err)
			}
			w.Advance(20 * time.Second)
			if len(tasks(t, w, "c", model.TaskFilter{ServiceName: "web", ContainerInstance: victim.ID})) == 0 {
				t.Error("reactivated instance took no task")
			}
		})
	}
}

func TestTerminateInstanceInAutoScalingGroup(t *testing.T) {
	tests := []struct {
		name      string
		decrement bool
		wantCause string
		wantCount int
	}{
		{"replacement registers ACTIVE", false, "in response to a user request.", 3},
		{"decrement shrinks the group", true, "shrinking the capacity from 3 to 2.", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, ids := testWorld(t, 3, "m5.large")
			register(t, w, webTD("web", "nginx:1.25", 0, 128, 256))
			create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 3})
			steadyWithin(w, t, "c", "web", time.Minute)
			before := instances(t, w, "c")
			act, err := w.TerminateInstanceInAutoScalingGroup(ids[0], tc.decrement)
			if err != nil {
				t.Fatal(err)
			}
			if act.Description != "Terminating EC2 instance: "+ids[0] || !strings.HasSuffix(act.Cause, tc.wantCause) || act.AutoScalingGroupName != "c-asg" {
				t.Errorf("activity %+v", act)
			}
			gone, _, _ := w.DescribeContainerInstances("c", []string{before[0].ARN})
			if len(gone) != 1 || gone[0].Status != model.InstanceInactive {
				t.Errorf("terminated container instance: %+v", gone)
			}
			for _, task := range tasks(t, w, "c", model.TaskFilter{DesiredStatus: "STOPPED"}) {
				if task.StoppedReason != "Host EC2 (instance "+ids[0]+") terminated." {
					t.Errorf("stop reason %q", task.StoppedReason)
				}
			}
			w.Advance(59 * time.Second)
			if n := len(instances(t, w, "c")); n != 2 {
				t.Errorf("%d instances before the replacement registers, want 2", n)
			}
			w.Advance(5 * time.Second)
			now := instances(t, w, "c")
			if len(now) != tc.wantCount {
				t.Fatalf("%d instances registered, want %d", len(now), tc.wantCount)
			}
			for _, ci := range now {
				if ci.Status != model.InstanceActive || !ci.AgentConnected || ci.AutoScalingGroup != "c-asg" {
					t.Errorf("instance %+v", ci)
				}
			}
			g := w.DescribeAutoScalingGroups([]string{"c-asg"})[0]
			if g.DesiredCapacity != tc.wantCount || len(g.Instances) != tc.wantCount {
				t.Errorf("group desired %d with %d instances, want %d", g.DesiredCapacity, len(g.Instances), tc.wantCount)
			}
			ec2, err := w.DescribeInstances([]string{ids[0]})
			if err != nil || ec2[0].State != "terminated" {
				t.Errorf("EC2 state %+v %v", ec2, err)
			}
			if !steadyWithin(w, t, "c", "web", time.Minute) {
				t.Error("service did not recover its tasks")
			}
			if _, err := w.TerminateInstanceInAutoScalingGroup(ids[0], false); apiCode(err) != "ValidationError" {
				t.Errorf("terminating twice: %v", err)
			}
		})
	}
}

func TestStartTask(t *testing.T) {
	w, _ := testWorld(t, 3, "t2.small")
	register(t, w, webTD("static", "nginx:1.25", 80, 64, 128))
	register(t, w, webTD("huge", "nginx:1.25", 0, 64, 4096))
	cis := instances(t, w, "c")
	if _, fails, err := w.StartTask(model.StartTaskInput{Cluster: "c", TaskDefinition: "static", ContainerInstances: []string{cis[0].ID}}); err != nil || len(fails) > 0 {
		t.Fatalf("first start: %v %v", fails, err)
	}
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = cis[i%3].ID
	}
	tests := []struct {
		name      string
		td        string
		ids       []string
		wantCode  string
		wantTasks int
		wantFail  map[string]string // container instance ARN → reason
	}{
		{"port taken on one", "static", []string{cis[0].ID, cis[1].ARN, cis[2].ID}, "", 2, map[string]string{cis[0].ARN: model.ReasonPorts}},
		{"memory", "huge", []string{cis[0].ID}, "", 0, map[string]string{cis[0].ARN: model.ReasonMemory}},
		{"unknown instance", "static", []string{"0000"}, "", 0, map[string]string{w.ecsARN("container-instance/c/0000"): "MISSING"}},
		{"more than 10", "static", eleven, "InvalidParameterException", 0, nil},
		{"none", "static", nil, "InvalidParameterException", 0, nil},
		{"unknown task definition", "nope", []string{cis[0].ID}, "InvalidParameterException", 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, fails, err := w.StartTask(model.StartTaskInput{Cluster: "c", TaskDefinition: tc.td, ContainerInstances: tc.ids})
			if apiCode(err) != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if len(out) != tc.wantTasks || len(fails) != len(tc.wantFail) {
				t.Fatalf("tasks %d failures %v", len(out), fails)
			}
			for _, f := range fails {
				if tc.wantFail[f.ARN] != f.Reason {
					t.Errorf("failure %v, want %v", f, tc.wantFail)
				}
			}
			for _, task := range out {
				if task.Group != "family:"+tc.td || task.LastStatus != model.StatusPending {
					t.Errorf("task %+v", task)
				}
			}
		})
	}
}

func TestRunTask(t *testing.T) {
	w, _ := testWorld(t, 2, "t2.small")
	register(t, w, webTD("job", "busybox:1", 80, 64, 128))
	if _, _, err := w.RunTask(model.RunTaskInput{Cluster: "c", TaskDefinition: "job", Count: 11}); apiCode(err) != "InvalidParameterException" {
		t.Errorf("count 11: %v", err)
	}
	out, fails, err := w.RunTask(model.RunTaskInput{Cluster: "c", TaskDefinition: "job", Count: 3})
	if err != nil || len(out) != 2 || len(fails) != 1 || fails[0].Reason != model.ReasonPorts {
		t.Fatalf("run 3 static on 2 hosts: %d tasks, %v, %v", len(out), fails, err)
	}
	if out[0].ContainerInstanceARN == out[1].ContainerInstanceARN {
		t.Error("both tasks on one host")
	}
}

func TestIdentifiersAndErrors(t *testing.T) {
	w, _ := testWorld(t, 1, "m5.large")
	register(t, w, webTD("web", "nginx:1.25", 0, 64, 128))
	td2 := register(t, w, webTD("web", "nginx:1.26", 0, 64, 128))
	create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web:1", DesiredCount: 1})
	w.Advance(10 * time.Second)
	clusterARN := "arn:aws:ecs:us-east-1:123456789012:cluster/c"

	if _, err := w.ListServices("nope"); apiCode(err) != "ClusterNotFoundException" {
		t.Errorf("unknown cluster: %v", err)
	}
	if got, _ := w.ListServices(clusterARN); len(got) != 1 || got[0] != "arn:aws:ecs:us-east-1:123456789012:service/c/web" {
		t.Errorf("ListServices by ARN: %v", got)
	}
	svcs, fails, _ := w.DescribeServices("c", []string{"arn:aws:ecs:us-east-1:123456789012:service/c/web", "ghost"})
	if len(svcs) != 1 || len(fails) != 1 || fails[0] != (model.Failure{ARN: "arn:aws:ecs:us-east-1:123456789012:service/c/ghost", Reason: "MISSING"}) {
		t.Errorf("DescribeServices: %d %v", len(svcs), fails)
	}
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "ghost"}); apiCode(err) != "ServiceNotFoundException" {
		t.Errorf("UpdateService unknown: %v", err)
	}
	if _, err := w.DescribeTaskDefinition("ghost:1"); apiCode(err) != "ClientException" {
		t.Errorf("DescribeTaskDefinition unknown: %v", err)
	}
	for _, id := range []string{"web", "web:2", td2.ARN} {
		td, err := w.DescribeTaskDefinition(id)
		if err != nil || td.Revision != 2 || td.ARN != "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2" {
			t.Errorf("DescribeTaskDefinition(%s) = %s %v", id, td.ARN, err)
		}
	}
	if got := w.ListTaskDefinitions("web", ""); len(got) != 2 || !strings.HasSuffix(got[0], "web:1") {
		t.Errorf("ListTaskDefinitions: %v", got)
	}
	if got := w.ListTaskDefinitionFamilies("w", ""); len(got) != 1 || got[0] != "web" {
		t.Errorf("families: %v", got)
	}
	ts := tasks(t, w, clusterARN, model.TaskFilter{ServiceName: "web"})
	if len(ts) != 1 || !strings.HasPrefix(ts[0].ARN, "arn:aws:ecs:us-east-1:123456789012:task/c/") || len(ts[0].ID) != 32 {
		t.Fatalf("tasks %+v", ts)
	}
	if got, _, _ := w.DescribeTasks("c", []string{ts[0].ID}); len(got) != 1 {
		t.Error("DescribeTasks by id")
	}
	if _, f, _ := w.DescribeTasks("c", []string{"ghost"}); len(f) != 1 || f[0].Reason != "MISSING" {
		t.Errorf("DescribeTasks ghost: %v", f)
	}
	if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "x", Containers: []model.ContainerDefinition{{Name: "a", Image: "b", Essential: true}}}); apiCode(err) != "ClientException" {
		t.Errorf("container without memory: %v", err)
	}
	ci := instances(t, w, "c")[0]
	if !strings.HasPrefix(ci.ARN, "arn:aws:ecs:us-east-1:123456789012:container-instance/c/") || len(ci.ID) != 32 ||
		!strings.HasPrefix(ci.EC2InstanceID, "i-0") || len(ci.EC2InstanceID) != 19 || !strings.HasPrefix(ci.PrivateIP, "10.0.") {
		t.Errorf("instance identifiers %+v", ci)
	}
	s := describe(t, w, "c", "web")
	if d := s.Deployments[0].ID; !strings.HasPrefix(d, "ecs-svc/") || len(d) != len("ecs-svc/")+19 {
		t.Errorf("deployment id %q", d)
	}
	if _, _, err := w.UpdateContainerInstancesState("c", []string{ci.ID}, "INACTIVE"); apiCode(err) != "InvalidParameterException" {
		t.Errorf("bad status: %v", err)
	}
	cl, f := w.DescribeClusters([]string{"c", "ghost"})
	if len(cl) != 1 || cl[0].RunningTasksCount != 1 || cl[0].RegisteredContainerInstancesCount != 1 || cl[0].ActiveServicesCount != 1 ||
		len(f) != 1 || f[0].ARN != "arn:aws:ecs:us-east-1:123456789012:cluster/ghost" {
		t.Errorf("DescribeClusters %+v %v", cl, f)
	}
}
