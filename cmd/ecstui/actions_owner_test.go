package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
)

// TestServiceActionsAcrossProcesses: two ecstui processes changing the same
// service at once — the second is refused (exit 3) naming the first's pid
// and host, and changes nothing; a process killed with SIGKILL mid-deploy
// leaves a journal that says it was interrupted and after which step; a
// rerun then changes nothing (the service already runs the new revision).
func TestServiceActionsAcrossProcesses(t *testing.T) {
	isolate(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := sim.New(sim.Options{Seed: 9, Start: time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)})
	w.SetLogRate(0)
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "asg", Cluster: "prod", Size: 3})
	if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "web", Containers: []model.ContainerDefinition{
		{Name: "web", Image: "web:1", CPU: 256, Memory: 256, Essential: true, PortMappings: []model.PortMapping{{ContainerPort: 80}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CreateService(sim.ServiceSpec{Cluster: "prod", Name: "web", TaskDefinition: "web", DesiredCount: 2,
		DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200}}); err != nil {
		t.Fatal(err)
	}
	w.Advance(3 * time.Minute)
	srv := wire.New(w, wire.Options{Region: "us-east-1", DisableThrottling: true})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// The world runs at 10× while the processes drive it, and only while
	// the test wants it to (paused, a deploy stays in progress).
	ctx, stop := context.WithCancel(context.Background())
	var runMu sync.Mutex
	running := true
	stepped := make(chan struct{})
	go func() {
		defer close(stepped)
		for ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
			runMu.Lock()
			if running {
				w.Advance(100 * time.Millisecond)
			}
			runMu.Unlock()
		}
	}()
	defer func() { stop(); <-stepped }()
	setRunning := func(b bool) { runMu.Lock(); running = b; runMu.Unlock() }

	args := func(a ...string) []string {
		return append([]string{"--endpoint-url", url, "--region", "us-east-1"}, append(a, "--poll", "100ms", "--timeout", "2m")...)
	}
	j := ops.DefaultJournal()
	waitJournal := func(what string, ok func([]ops.Entry) bool, out *syncBuffer) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			es, _ := j.Read()
			if ok(es) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("journal never showed %s:\n%s", what, out.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	stepOf := func(step, prefix string) func([]ops.Entry) bool {
		return func(es []ops.Entry) bool {
			for _, e := range es {
				if e.Step == step && strings.HasPrefix(e.Message, prefix) {
					return true
				}
			}
			return false
		}
	}

	// Two scales of one service: the second is refused while the first watches.
	setRunning(false)
	base := srv.MutatingCalls()
	a, outA := ecstuiProcess(t, args("scale", "--cluster", "prod", "--service", "web", "--desired", "4", "--yes", "--wait")...)
	waitJournal("the first scale's update", stepOf("update", "updating service web"), outA)
	// The journal line comes before the call: wait for the call itself to
	// reach the server, or it would be counted against the second process.
	for deadline := time.Now().Add(30 * time.Second); srv.MutatingCalls() == base; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the first scale's UpdateService never reached the server:\n%s", outA.String())
		}
	}
	before := srv.MutatingCalls()
	b, outB := ecstuiProcess(t, args("scale", "--cluster", "prod", "--service", "web", "--desired", "1", "--yes", "--wait")...)
	if code := exitCodeOf(b.Wait()); code != 3 {
		t.Errorf("second scale exit %d, want 3 (refused)\n%s", code, outB.String())
	}
	host, _ := os.Hostname()
	if !strings.Contains(outB.String(), fmt.Sprintf("pid %d on host %s", a.Process.Pid, host)) {
		t.Errorf("the refusal does not name the first process (pid %d on %s):\n%s", a.Process.Pid, host, outB.String())
	}
	if n := srv.MutatingCalls() - before; n != 0 {
		t.Errorf("the refused scale made %d mutating calls", n)
	}
	setRunning(true)
	if code := exitCodeOf(a.Wait()); code != 0 {
		t.Fatalf("first scale exit %d\n%s", code, outA.String())
	}

	// kill -9 once the deployment has started, with ECS still rolling.
	setRunning(false)
	c, outC := ecstuiProcess(t, args("deploy", "--cluster", "prod", "--service", "web", "--image", "web=web:2", "--yes", "--wait")...)
	waitJournal("the deployment's start", stepOf("update", "deployment "), outC)
	if err := c.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.Wait()
	lister, outL := ecstuiProcess(t, "-o", "json", "journal")
	if err := lister.Wait(); err != nil {
		t.Fatalf("journal: %v\n%s", err, outL.String())
	}
	var acts []ops.Entry
	if err := json.Unmarshal([]byte(outL.String()), &acts); err != nil || len(acts) == 0 {
		t.Fatalf("journal -o json: %v\n%s", err, outL.String())
	}
	last := acts[len(acts)-1]
	if last.Action != ops.ActionDeploy || last.Outcome != ops.OutcomeInterrupted || !strings.Contains(last.Message, "deployment ") || last.PID != c.Process.Pid {
		t.Errorf("after kill -9 the journal says %s %s %q (pid %d), want deploy interrupted after its deployment started (pid %d)",
			last.Action, last.Outcome, last.Message, last.PID, c.Process.Pid)
	}
	// A rerun is safe: it sees that the service already runs the new
	// revision and changes nothing.
	before = srv.MutatingCalls()
	d, outD := ecstuiProcess(t, args("deploy", "--cluster", "prod", "--service", "web", "--image", "web=web:2", "--yes", "--wait")...)
	if code := exitCodeOf(d.Wait()); code != 3 || !strings.Contains(outD.String(), "already what the service runs") {
		t.Errorf("rerun after kill -9: exit %d, want 3 (nothing to deploy)\n%s", code, outD.String())
	}
	if n := srv.MutatingCalls() - before; n != 0 {
		t.Errorf("the rerun made %d mutating calls", n)
	}
}
