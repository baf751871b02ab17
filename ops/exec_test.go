package ops

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

func TestRolloutOnSimulator(t *testing.T) {
	cases := []struct {
		name       string
		image      string
		outcome    Outcome
		rolledBack bool
		finalImage string
	}{
		{"new image completes", "nginx:1.27", OutcomeSuccess, false, "nginx:1.27"},
		{"broken image is rolled back by the circuit breaker", "nginx:broken", OutcomeFailed, true, "nginx:1.25"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := demoWorld(t, 3)
			api := newSpy(apiFor(t, w))
			ctx := context.Background()
			st, err := GatherService(ctx, api, "prod", "auth", "")
			if err != nil {
				t.Fatal(err)
			}
			p := PlanDeploy(DeployInput{Cluster: "prod", Service: "auth", Images: map[string]string{"web": c.image}}, st)
			if p.Blocked() {
				t.Fatalf("plan blocked:\n%s", p.Text())
			}
			r := advancing(w, 5*time.Second)
			var mu sync.Mutex
			var observed []RolloutProgress
			r.Emit = func(e Event) {
				if e.Rollout != nil {
					mu.Lock()
					observed = append(observed, *e.Rollout)
					mu.Unlock()
				}
			}
			res := r.UpdateService(ctx, api, p, true)
			if res.Outcome != c.outcome || res.RolledBack != c.rolledBack {
				t.Fatalf("outcome %s rolledBack %v, want %s %v: %s", res.Outcome, res.RolledBack, c.outcome, c.rolledBack, res.Message)
			}
			if res.DeploymentID == "" || len(observed) == 0 {
				t.Fatalf("no deployment watched (id %q, %d observations)", res.DeploymentID, len(observed))
			}
			for _, o := range observed {
				if o.DeploymentID != res.DeploymentID {
					t.Errorf("observed deployment %s, want %s", o.DeploymentID, res.DeploymentID)
				}
			}
			// The registered revision is the current one with only web's image changed.
			reg, err := api.TaskDefinition(ctx, res.TaskDefinition)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(st.Current.Containers)
			want[slices.IndexFunc(want, func(cd model.ContainerDefinition) bool { return cd.Name == "web" })].Image = c.image
			if reg.Revision <= st.Current.Revision || !reflect.DeepEqual(reg.Containers, want) || !reflect.DeepEqual(reg.Volumes, st.Current.Volumes) {
				t.Errorf("registered %s:\n %+v\nwant a copy of %s with web=%s:\n %+v", reg.FamilyRevision(), reg.Containers, st.Current.FamilyRevision(), c.image, want)
			}
			if c.rolledBack && !strings.Contains(res.Message, "rolled back") {
				t.Errorf("message does not say rolled back: %s", res.Message)
			}
			// After a rollback, let the service settle before looking at its image.
			w.Advance(5 * time.Minute)
			svc, err := DescribeService(ctx, api, "prod", "auth")
			if err != nil {
				t.Fatal(err)
			}
			td, err := api.TaskDefinition(ctx, svc.TaskDefinitionARN)
			if err != nil {
				t.Fatal(err)
			}
			if td.Containers[0].Image != c.finalImage {
				t.Errorf("service runs %s, want %s", td.Containers[0].Image, c.finalImage)
			}
		})
	}
}

func TestScaleOnSimulator(t *testing.T) {
	w := demoWorld(t, 3)
	api := apiFor(t, w)
	ctx := context.Background()
	st, err := GatherService(ctx, api, "prod", "auth", "")
	if err != nil {
		t.Fatal(err)
	}
	res := advancing(w, 5*time.Second).UpdateService(ctx, api, PlanScale("prod", st, 6), true)
	if res.Outcome != OutcomeSuccess || !strings.Contains(res.Message, "steady at 6") {
		t.Fatalf("scale: %s %s", res.Outcome, res.Message)
	}
}

// startStandalone starts a task of a non-service family on one instance.
func startStandalone(t *testing.T, w *sim.World, family string, hostPort int, instanceARN string) model.Task {
	t.Helper()
	mustRegister(t, w, model.TaskDefinition{Family: family, NetworkMode: "bridge", Containers: []model.ContainerDefinition{
		{Name: family, Image: family + ":1", CPU: 64, Memory: 64, Essential: true, PortMappings: []model.PortMapping{{ContainerPort: 24224, HostPort: hostPort}}}}})
	tasks, fails, err := w.StartTask(model.StartTaskInput{Cluster: "prod", TaskDefinition: family, ContainerInstances: []string{instanceARN}})
	if err != nil || len(fails) > 0 || len(tasks) != 1 {
		t.Fatalf("StartTask %s: %v %v", family, fails, err)
	}
	return tasks[0]
}

func TestDrainMovesServiceTasksKeepsStandalone(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := demoWorld(t, 3)
	api := newSpy(apiFor(t, w))
	ctx := context.Background()
	st, err := GatherCluster(ctx, api, "prod")
	if err != nil {
		t.Fatal(err)
	}
	// The instance that runs an auth task gets a standalone task too.
	var target model.ContainerInstance
	for _, ci := range st.Instances {
		for _, tk := range st.TasksOn(ci) {
			if tk.ServiceName() == "auth" {
				target = ci
			}
		}
	}
	solo := startStandalone(t, w, "debug-shell", 0, target.ARN)
	w.Advance(time.Minute)
	if st, err = GatherCluster(ctx, api, "prod"); err != nil {
		t.Fatal(err)
	}
	sel := Selection{IDs: []string{target.EC2InstanceID}}
	p := PlanDrain(st, sel, 1, false)
	if p.Blocked() || !strings.Contains(p.Text(), "debug-shell") {
		t.Fatalf("plan:\n%s", p.Text())
	}
	r := advancing(w, 5*time.Second)
	r.Timeout = 10 * time.Minute
	run := NewDrainRun(st, sel, 1, false, w.Now(), "test")
	res := r.Drain(ctx, api, p, run, DrainControl{})
	if res.Outcome != OutcomePartial {
		t.Fatalf("outcome %s (%s), want partial", res.Outcome, res.Message)
	}
	if n := api.Calls("TerminateInstanceInAutoScalingGroup"); n != 0 {
		t.Fatalf("terminated an instance that still runs a standalone task (%d calls)", n)
	}
	left, _, err := api.Tasks(ctx, "prod", model.TaskFilter{ContainerInstance: target.ARN}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].ID != solo.ID {
		t.Errorf("tasks left on the drained instance: %v, want only %s", taskIDs(left), solo.ID)
	}
	w.Advance(time.Minute) // the moved task's replacement may still be starting
	svc, _ := DescribeService(ctx, api, "prod", "auth")
	if svc.RunningCount != 2 {
		t.Errorf("auth runs %d tasks, want 2 (moved elsewhere)", svc.RunningCount)
	}
	if ip := run.Instances[0]; ip.State != DrainBlocked || len(ip.Standalone) != 1 {
		t.Errorf("board row %+v, want blocked with the standalone task", ip)
	}

	// Allowed to stop it, the resumed drain terminates and waits for the replacement.
	// (A resume goes on from the saved state, so the setting is saved.)
	run.StopStandalone = true
	if err := run.Save(w.Now()); err != nil {
		t.Fatal(err)
	}
	res = r.Drain(ctx, api, p, run, DrainControl{})
	if res.Outcome != OutcomeSuccess {
		t.Fatalf("resumed drain: %s %s", res.Outcome, res.Message)
	}
	if ip := run.Instances[0]; ip.State != DrainReplaced || ip.Replacement == "" {
		t.Errorf("board row %+v, want replaced", ip)
	}
}

func taskIDs(ts []model.Task) []string {
	var s []string
	for _, t := range ts {
		s = append(s, t.ID)
	}
	return s
}

func TestRollingDrainKilledAndResumed(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := demoWorld(t, 4)
	if _, err := w.CreateService(sim.ServiceSpec{Cluster: "prod", Name: "random", TaskDefinition: "auth", DesiredCount: 4,
		DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200}}); err != nil {
		t.Fatal(err)
	}
	w.Advance(2 * time.Minute)
	api := newSpy(apiFor(t, w))
	base := inProcess(w) // the backend's own view, to check right before each terminate
	ctx := context.Background()
	violations := 0
	api.beforeTermina = func(ec2ID string) {
		cis, _, _ := base.ContainerInstances(ctx, "prod", "")
		for _, ci := range cis {
			if ci.EC2InstanceID != ec2ID {
				continue
			}
			tasks, _, _ := base.Tasks(ctx, "prod", model.TaskFilter{ContainerInstance: ci.ARN}, nil)
			if len(tasks) > 0 || ci.RunningTasksCount > 0 {
				violations++
				t.Errorf("terminating %s while it runs %v", ec2ID, taskIDs(tasks))
			}
		}
	}
	st, err := GatherCluster(ctx, api, "prod")
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{AMI: "ami-old"}
	p := PlanDrain(st, sel, 2, false)
	if p.Blocked() {
		t.Fatalf("plan blocked:\n%s", p.Text())
	}
	run := NewDrainRun(st, sel, 2, false, w.Now(), "test")

	// Kill the run once the second batch is draining.
	killCtx, kill := context.WithCancel(ctx)
	r := advancing(w, 5*time.Second)
	r.Emit = func(e Event) {
		replaced, draining := 0, 0
		for _, ip := range e.Instances {
			switch ip.State {
			case DrainReplaced:
				replaced++
			case DrainDraining:
				draining++
			}
		}
		if replaced >= 2 && draining > 0 {
			kill()
		}
	}
	res := r.Drain(killCtx, api, p, run, DrainControl{})
	if res.Outcome != OutcomeAborted {
		t.Fatalf("killed run: %s %s", res.Outcome, res.Message)
	}
	saved, err := LoadDrainRun(run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Status != RunAborted {
		t.Errorf("saved status %s, want aborted", saved.Status)
	}

	// A new process resumes from the file.
	r2 := advancing(w, 5*time.Second)
	res = r2.Drain(ctx, api, p, saved, DrainControl{})
	if res.Outcome != OutcomeSuccess {
		t.Fatalf("resumed run: %s %s\n%v", res.Outcome, res.Message, res.NotDone)
	}
	for _, ip := range saved.Instances {
		if ip.State != DrainReplaced {
			t.Errorf("%s ended %s", ip.EC2InstanceID, ip.State)
		}
	}
	if got := api.Calls("TerminateInstanceInAutoScalingGroup"); got != 4 || violations > 0 {
		t.Errorf("%d terminations (want 4), %d while tasks ran", got, violations)
	}
	for _, svc := range []string{"auth", "random"} {
		s, _ := DescribeService(ctx, api, "prod", svc)
		if s.RunningCount != s.DesiredCount {
			t.Errorf("%s runs %d of %d", svc, s.RunningCount, s.DesiredCount)
		}
	}
}

func TestDaemonStartOver23Instances(t *testing.T) {
	w := sim.New(sim.Options{Seed: 3, Start: simStart})
	w.SetLogRate(0)
	ids := w.AddAutoScalingGroup(sim.ASGSpec{Name: "big", Cluster: "prod", Size: 23})
	base, srv := startAdapter(t, w, false)
	api := newSpy(base)
	ctx := context.Background()
	cis, _, err := api.ContainerInstances(ctx, "prod", "")
	if err != nil || len(cis) != 23 {
		t.Fatalf("%d instances, %v", len(cis), err)
	}
	byEC2 := map[string]model.ContainerInstance{}
	for _, ci := range cis {
		byEC2[ci.EC2InstanceID] = ci
	}
	shipper := mustRegister(t, w, model.TaskDefinition{Family: "log-shipper", NetworkMode: "bridge", Containers: []model.ContainerDefinition{
		{Name: "fluent-bit", Image: "fluent-bit:2", CPU: 64, Memory: 128, Essential: true, PortMappings: []model.PortMapping{{ContainerPort: 24224, HostPort: 24224}}}}})
	for _, id := range ids[:2] {
		if _, fails, err := w.StartTask(model.StartTaskInput{Cluster: "prod", TaskDefinition: shipper.ARN, ContainerInstances: []string{byEC2[id].ARN}}); err != nil || len(fails) > 0 {
			t.Fatal(fails, err)
		}
	}
	// Something else holds port 24224 on one node.
	blocker := startStandalone(t, w, "legacy-agent", 24224, byEC2[ids[7]].ARN)
	w.Advance(time.Minute)

	st, err := GatherDaemon(ctx, api, "prod", "log-shipper")
	if err != nil {
		t.Fatal(err)
	}
	p, nodes := PlanDaemonStart(st, nil)
	if len(p.Commands) != 3 || countState(nodes, NodeAlreadyRunning) != 2 {
		t.Fatalf("plan:\n%s", p.Text())
	}
	res := advancing(w, 5*time.Second).DaemonStart(ctx, api, p, st.TaskDefinition, nodes)
	if got := srv.Calls("ecs:StartTask"); got != 3 {
		t.Errorf("StartTask calls on the wire %d, want 3", got)
	}
	if got := countState(res.Nodes, NodeStarted); got != 20 {
		t.Errorf("started %d, want 20", got)
	}
	failed := nodesIn(res.Nodes, NodeFailed)
	if len(failed) != 1 || failed[0].EC2InstanceID != ids[7] || !strings.Contains(failed[0].Reason, model.ReasonPorts) {
		t.Fatalf("failed nodes %+v, want %s with %s", failed, ids[7], model.ReasonPorts)
	}
	if res.Outcome != OutcomeFailed {
		t.Errorf("outcome %s with a failed node, want failed", res.Outcome)
	}

	// Free the port and retry only the failed node.
	if _, err := w.StopTask("prod", blocker.ID, "make room for the log shipper"); err != nil {
		t.Fatal(err)
	}
	w.Advance(time.Minute)
	st, err = GatherDaemon(ctx, api, "prod", "log-shipper")
	if err != nil {
		t.Fatal(err)
	}
	p, nodes = PlanDaemonStart(st, FailedNodes(res.Nodes))
	res = advancing(w, 5*time.Second).DaemonStart(ctx, api, p, st.TaskDefinition, nodes)
	if res.Outcome != OutcomeSuccess || countState(res.Nodes, NodeStarted) != 1 {
		t.Fatalf("retry: %s %s %+v", res.Outcome, res.Message, res.Nodes)
	}
	if got := srv.Calls("ecs:StartTask"); got != 4 {
		t.Errorf("StartTask calls on the wire after the retry %d, want 4", got)
	}
}

func nodesIn(nodes []NodeResult, state string) []NodeResult {
	var out []NodeResult
	for _, n := range nodes {
		if n.State == state {
			out = append(out, n)
		}
	}
	return out
}

func TestRollingDrainPauseAndResume(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := demoWorld(t, 3)
	api := newSpy(apiFor(t, w))
	ctx := context.Background()
	st, err := GatherCluster(ctx, api, "prod")
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{AgentVersion: "1.70.0"}
	p := PlanDrain(st, sel, 1, false)
	run := NewDrainRun(st, sel, 1, false, w.Now(), "test")
	r := advancing(w, 5*time.Second)
	batches := 0
	res := r.Drain(ctx, api, p, run, DrainControl{Paused: func() bool { batches++; return batches > 1 }})
	if res.Outcome != OutcomePartial || run.Status != RunPaused {
		t.Fatalf("paused run: %s %s (status %s)", res.Outcome, res.Message, run.Status)
	}
	if got := api.Calls("TerminateInstanceInAutoScalingGroup"); got != 1 {
		t.Errorf("%d terminations before the pause, want 1", got)
	}
	if !strings.Contains(res.Message, "drain --resume "+run.ID) {
		t.Errorf("message does not say how to resume: %s", res.Message)
	}
	res = r.Drain(ctx, api, p, run, DrainControl{})
	if res.Outcome != OutcomeSuccess || api.Calls("TerminateInstanceInAutoScalingGroup") != 3 {
		t.Fatalf("resumed: %s %s, %d terminations", res.Outcome, res.Message, api.Calls("TerminateInstanceInAutoScalingGroup"))
	}
}

// TestReadOnlyAdapterRefusesEveryExecutor runs each executor, as if the UI
// or CLI had let it through, against a read-only adapter: the guard refuses
// and not one mutating call reaches the simulator.
func TestReadOnlyAdapterRefusesEveryExecutor(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := demoWorld(t, 3)
	api, srv := startAdapter(t, w, true)
	ctx := context.Background()
	r := advancing(w, 5*time.Second)
	st, err := GatherService(ctx, api, "prod", "auth", "")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := GatherCluster(ctx, api, "prod")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := GatherDaemon(ctx, api, "prod", "auth")
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{IDs: []string{cs.Instances[0].EC2InstanceID}}
	dp, nodes := PlanDaemonStart(ds, nil)
	results := map[string]Result{
		"deploy":   r.UpdateService(ctx, api, PlanDeploy(DeployInput{Cluster: "prod", Service: "auth", Images: map[string]string{"web": "nginx:2"}}, st), true),
		"scale":    r.UpdateService(ctx, api, PlanScale("prod", st, 3), true),
		"redeploy": r.UpdateService(ctx, api, PlanRedeploy("prod", st), true),
		"stop":     r.StopTask(ctx, api, PlanStopTask("prod", st.Tasks[0], "x"), "x", true),
		"drain":    r.Drain(ctx, api, PlanDrain(cs, sel, 1, true), NewDrainRun(cs, sel, 1, true, w.Now(), "ro"), DrainControl{}),
		"daemon":   r.DaemonStart(ctx, api, dp, ds.TaskDefinition, nodes),
	}
	for name, res := range results {
		if res.OK() {
			t.Errorf("%s succeeded in read-only mode: %s", name, res.Message)
		}
		if aws.KindOf(res.Err) != aws.KindReadOnly && !strings.Contains(res.Message, "read-only") {
			t.Errorf("%s: %s (%v), want a read-only refusal", name, res.Message, res.Err)
		}
	}
	if n := srv.MutatingCalls(); n != 0 {
		t.Errorf("%d mutating calls reached the simulator", n)
	}
}
