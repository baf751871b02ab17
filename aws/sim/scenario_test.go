package sim

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

func allARNs(t *testing.T, w *World) []string {
	t.Helper()
	out := w.ListClusters()
	for _, c := range w.ListClusters() {
		s, _ := w.ListServices(c)
		ts, _ := w.ListTasks(c, model.TaskFilter{})
		cis, _ := w.ListContainerInstances(c, "")
		out = append(append(append(out, s...), ts...), cis...)
	}
	return out
}

func TestDeterminism(t *testing.T) {
	a, b, other := allARNs(t, NewDemo(7)), allARNs(t, NewDemo(7)), allARNs(t, NewDemo(8))
	if !slices.Equal(a, b) {
		t.Error("same seed gave different ARNs")
	}
	if slices.Equal(a, other) {
		t.Error("different seeds gave the same ARNs")
	}
}

func TestDemoScenario(t *testing.T) {
	w := NewDemo(1)
	if got := w.ListClusters(); len(got) != 2 || model.ResourceID(got[0]) != "playground" || model.ResourceID(got[1]) != "prod" {
		t.Fatalf("clusters %v", got)
	}
	if d := time.Since(w.Now()); d < -time.Second || d > time.Minute {
		t.Errorf("demo clock %v is not the wall clock", w.Now())
	}

	auth := describe(t, w, "playground", "auth")
	random := describe(t, w, "playground", "random")
	if auth.RunningCount != 2 || random.RunningCount != 4 || auth.DeploymentConfiguration.MinimumHealthyPercent != 50 {
		t.Errorf("auth %d random %d", auth.RunningCount, random.RunningCount)
	}
	for _, task := range tasks(t, w, "playground", model.TaskFilter{ServiceName: "random"}) {
		if hp := task.Containers[0].NetworkBindings[0].HostPort; hp < 32768 {
			t.Errorf("random task host port %d is not dynamic", hp)
		}
	}

	web := describe(t, w, "playground", "corkhounds-web")
	if len(web.Deployments) != 2 || web.Deployments[0].RolloutState != model.RolloutInProgress || web.Deployments[0].RunningCount != 0 ||
		!hasEvent(web, "is already using a port required by your task.") {
		t.Errorf("corkhounds-web is not stuck on port 80: %+v", web.Deployments)
	}

	billing := describe(t, w, "prod", "billing-api")
	if !hasEvent(billing, "deployment failed: tasks failed to start.") || len(billing.Deployments) < 2 ||
		!strings.HasPrefix(billing.Deployments[0].RolloutStateReason, "ECS deployment circuit breaker: rolling back to deploymentId") ||
		billing.Deployments[1].RolloutState != model.RolloutFailed {
		t.Errorf("billing-api rollback not visible: %+v", billing.Deployments)
	}

	auto, err := w.DescribeTaskDefinition("automate")
	if err != nil || len(auto.Containers) != 9 || len(auto.Volumes) != 2 {
		t.Fatalf("automate task definition: %v", err)
	}
	pd, _ := auto.Container("postgresql-data")
	pg, _ := auto.Container("postgresql")
	if pd.Essential || len(pg.VolumesFrom) != 1 || pg.LogConfiguration.Options["awslogs-stream-prefix"] != "automate" {
		t.Errorf("automate containers %+v %+v", pd, pg)
	}

	draining, amis, agents := 0, map[string]bool{}, map[string]bool{}
	for _, c := range []string{"playground", "prod"} {
		cis := instances(t, w, c)
		shippers := 0
		for _, ci := range cis {
			if ci.Status == model.InstanceDraining {
				draining++
			}
			amis[ci.AMIID], agents[ci.AgentVersion] = true, true
			if len(tasks(t, w, c, model.TaskFilter{Family: "logspout", ContainerInstance: ci.ID})) > 0 {
				shippers++
			}
		}
		if shippers == 0 || shippers == len(cis) {
			t.Errorf("%s: logspout on %d of %d instances, want some but not all", c, shippers, len(cis))
		}
	}
	if draining != 1 || len(amis) != 2 || len(agents) != 2 {
		t.Errorf("draining %d, AMIs %v, agents %v", draining, amis, agents)
	}

	tgs, _ := w.DescribeTargetGroups(nil, []string{"billing-api"}, "")
	th, _ := w.DescribeTargetHealth(tgs[0].ARN)
	stale := 0
	for _, h := range th {
		if h.Port == 33012 && h.State == model.TargetUnhealthy {
			stale++
		}
	}
	if stale != 1 {
		t.Errorf("no stale target in %+v", th)
	}

	rtg, _ := w.DescribeTargetGroups(nil, []string{"random"}, "")
	if th, _ := w.DescribeTargetHealth(rtg[0].ARN); len(th) != 3 {
		t.Errorf("random target group has %d targets, want 3 of 4 tasks", len(th))
	}
	disconnected := 0
	for _, ci := range instances(t, w, "prod") {
		if !ci.AgentConnected {
			disconnected++
		}
	}
	if disconnected != 1 {
		t.Errorf("%d disconnected agents in prod, want 1", disconnected)
	}

	evs, err := w.FilterLogEvents(model.LogFilter{Group: "ECSLogGroup-automate", StreamPrefix: "automate/automate-nginx/"})
	if err != nil || len(evs) == 0 {
		t.Errorf("automate-nginx wrote no logs: %v", err)
	}

	// Cluster statistics agree with the tasks.
	for _, c := range []string{"playground", "prod"} {
		cl, _ := w.DescribeClusters([]string{c})
		running := 0
		for _, task := range tasks(t, w, c, model.TaskFilter{}) {
			if task.LastStatus == model.StatusRunning {
				running++
			}
		}
		if cl[0].RunningTasksCount != running {
			t.Errorf("%s: cluster says %d running, tasks say %d", c, cl[0].RunningTasksCount, running)
		}
	}
}

func TestNewScenario(t *testing.T) {
	if _, err := NewScenario("nope", 1); err == nil || !strings.Contains(err.Error(), "demo, demo-eu, large") {
		t.Errorf("unknown scenario: %v", err)
	}
	if w, err := NewScenario("demo", 1); err != nil || len(w.ListClusters()) != 2 {
		t.Errorf("demo: %v", err)
	}
	if w, err := NewScenario("demo-eu", 1); err != nil || len(w.ListClusters()) != 2 || w.Region() != DemoEURegion || w.AccountID() != DemoEUAccount {
		t.Errorf("demo-eu: %v", err)
	}
}

func TestNewLargeSizes(t *testing.T) {
	w := NewLarge(1, LargeOptions{Services: 2345, Tasks: 5000, Instances: 1000})
	if got := w.ListClusters(); len(got) != 1 || model.ResourceID(got[0]) != "large" {
		t.Fatalf("clusters %v", got)
	}
	svcs, _ := w.ListServices("large")
	ts, _ := w.ListTasks("large", model.TaskFilter{})
	cis, _ := w.ListContainerInstances("large", "")
	if len(svcs) != 2345 || len(ts) != 5000 || len(cis) != 1000 {
		t.Fatalf("services %d tasks %d instances %d", len(svcs), len(ts), len(cis))
	}
	cl, _ := w.DescribeClusters([]string{"large"})
	if cl[0].RunningTasksCount != 5000 || cl[0].ActiveServicesCount != 2345 || cl[0].RegisteredContainerInstancesCount != 1000 {
		t.Errorf("cluster stats %+v", cl[0])
	}
	got, fails, _ := w.DescribeServices("large", svcs[:10])
	if len(got) != 10 || len(fails) != 0 || got[0].RunningCount != got[0].DesiredCount {
		t.Errorf("describe: %d %v", len(got), fails)
	}
	w.Advance(5 * time.Second)
	if cl, _ := w.DescribeClusters([]string{"large"}); cl[0].RunningTasksCount != 5000 {
		t.Errorf("large world not steady: %+v", cl[0])
	}
}

func BenchmarkNewLarge(b *testing.B) {
	for b.Loop() {
		NewLarge(1, LargeOptions{Services: 2345, Tasks: 5000, Instances: 1000})
	}
}

func BenchmarkLargeAdvanceSecond(b *testing.B) {
	w := NewLarge(1, LargeOptions{})
	for b.Loop() {
		w.Advance(time.Second)
	}
}

func BenchmarkNewDemo(b *testing.B) {
	for b.Loop() {
		NewDemo(1)
	}
}

func TestRunFollowsWallClock(t *testing.T) {
	w := New(Options{Seed: 1, Start: t0})
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	w.Run(ctx)
	if d := w.Now().Sub(t0); d < 250*time.Millisecond || d > 2*time.Second {
		t.Errorf("Run advanced %v in about 700ms of wall time", d)
	}
}

// TestConcurrentUse runs the clock and many readers and writers at once, for
// the race detector.
func TestConcurrentUse(t *testing.T) {
	w := NewDemo(3)
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	ch, err := w.TailLogs(ctx, []string{"/ecs/playground/auth", "/ecs/playground/random"}, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for range ch {
		}
	}()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				arns, _ := w.ListServices("playground")
				svcs, _, _ := w.DescribeServices("playground", arns)
				for _, s := range svcs {
					s.Events = nil // callers own their copies
				}
				ts, _ := w.ListTasks("playground", model.TaskFilter{})
				w.DescribeTasks("playground", ts)
				w.FilterLogEvents(model.LogFilter{Group: "/ecs/playground/auth", FilterPattern: "GET"})
				if i == 0 {
					n := 3 + int(time.Now().UnixNano()%2)
					w.UpdateService(model.ServiceUpdate{Cluster: "playground", Service: "random", DesiredCount: &n})
				}
			}
		}()
	}
	wg.Wait()
	<-done
}
