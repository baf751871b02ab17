package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/opstest"
)

// mainArgsEnv makes the test binary run ecstui's main with these arguments
// (a JSON list) instead of the tests: how a test starts real ecstui
// processes without building a binary.
const mainArgsEnv = "ECSTUI_TEST_MAIN_ARGS"

func TestMain(m *testing.M) {
	if raw := os.Getenv(mainArgsEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			fmt.Fprintln(os.Stderr, "bad", mainArgsEnv, err)
			os.Exit(2)
		}
		os.Exit(run(args))
	}
	os.Exit(m.Run())
}

// ecstuiProcess starts ecstui with args as a separate OS process.
func ecstuiProcess(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainArgsEnv+"="+string(raw),
		"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=test", "AWS_EC2_METADATA_DISABLED=true")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}

func exitCodeOf(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// watchedWorld is the simulator behind the wire server, checking the
// drain's promises on every termination: no instance is terminated while
// it runs a task.
type watchedWorld struct {
	*sim.World
	mu         sync.Mutex
	violations []string
}

func (w *watchedWorld) TerminateInstanceInAutoScalingGroup(id string, dec bool) (model.ScalingActivity, error) {
	arns, _ := w.ListContainerInstances("prod", "")
	cis, _, _ := w.DescribeContainerInstances("prod", arns)
	for _, ci := range cis {
		if ci.EC2InstanceID != id {
			continue
		}
		taskARNs, _ := w.ListTasks("prod", model.TaskFilter{ContainerInstance: ci.ARN})
		ts, _, _ := w.DescribeTasks("prod", taskARNs)
		for _, tk := range ts {
			if tk.LastStatus != model.StatusStopped {
				w.mu.Lock()
				w.violations = append(w.violations, fmt.Sprintf("%s terminated while task %s is %s", id, tk.ID, tk.LastStatus))
				w.mu.Unlock()
			}
		}
	}
	return w.World.TerminateInstanceInAutoScalingGroup(id, dec)
}

// TestOneDrainOwnerAcrossProcesses: two ecstui processes resume the same
// drain run at once; one is refused naming the other's pid and host, the
// ACTIVE instance count never drops below the plan's floor and no instance is
// terminated while it runs a task. Then a run's process is killed with
// SIGKILL: `drain --list` shows it interrupted, and a resume finishes it.
func TestOneDrainOwnerAcrossProcesses(t *testing.T) {
	isolate(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := &watchedWorld{World: sim.New(sim.Options{Seed: 9, Start: time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)})}
	w.SetLogRate(0)
	const size = 4
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "asg", Cluster: "prod", Size: size})
	if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "web", Containers: []model.ContainerDefinition{
		{Name: "web", Image: "web:1", CPU: 256, Memory: 256, Essential: true, PortMappings: []model.PortMapping{{ContainerPort: 80}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CreateService(sim.ServiceSpec{Cluster: "prod", Name: "web", TaskDefinition: "web", DesiredCount: 4,
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

	// The world runs at 100× while the processes drive it; the floor is
	// sampled on every step.
	ctx, stop := context.WithCancel(context.Background())
	minActive := size
	var floorMu sync.Mutex
	stepped := make(chan struct{})
	go func() {
		defer close(stepped)
		for ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
			w.Advance(time.Second)
			arns, _ := w.ListContainerInstances("prod", model.InstanceActive)
			floorMu.Lock()
			minActive = min(minActive, len(arns))
			floorMu.Unlock()
		}
	}()
	defer func() { stop(); <-stepped }()

	newRun := func() *ops.DrainRun {
		t.Helper()
		st, err := ops.GatherCluster(context.Background(), opstest.API(w.World), "prod")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, ci := range st.Instances {
			if ci.Status == model.InstanceActive && len(ids) < 2 {
				ids = append(ids, ci.EC2InstanceID)
			}
		}
		sel := ops.Selection{IDs: ids}
		run := ops.NewDrainRun(st, sel, 1, false, w.Now(), "test")
		if err := run.Save(w.Now()); err != nil {
			t.Fatal(err)
		}
		return run
	}
	resumeArgs := func(id string) []string {
		return []string{"--endpoint-url", url, "--region", "us-east-1", "drain", "--resume", id, "--yes", "--poll", "100ms", "--timeout", "2m"}
	}

	// Two processes resume the same run at once.
	run := newRun()
	a, outA := ecstuiProcess(t, resumeArgs(run.ID)...)
	b, outB := ecstuiProcess(t, resumeArgs(run.ID)...)
	errA, errB := a.Wait(), b.Wait()
	codes := []int{exitCodeOf(errA), exitCodeOf(errB)}
	outs := []string{outA.String(), outB.String()}
	winner, loser := 0, 1
	if codes[0] != 0 {
		winner, loser = 1, 0
	}
	if codes[winner] != 0 || codes[loser] != 3 {
		t.Fatalf("exit codes %v, want one 0 and one 3 (refused)\n--- A\n%s\n--- B\n%s", codes, outs[0], outs[1])
	}
	pids := []int{a.Process.Pid, b.Process.Pid}
	host, _ := os.Hostname()
	if l := outs[loser]; !strings.Contains(l, fmt.Sprintf("pid %d on host %s", pids[winner], host)) || !strings.Contains(l, "since") {
		t.Errorf("the refused process does not name the owner (pid %d on host %s); codes %v pids %v\n--- A\n%s\n--- B\n%s", pids[winner], host, codes, pids, outs[0], outs[1])
	}
	floorMu.Lock()
	if floor := size - 1; minActive < floor {
		t.Errorf("ACTIVE instances fell to %d, below the plan's floor of %d", minActive, floor)
	}
	floorMu.Unlock()
	w.mu.Lock()
	if len(w.violations) > 0 {
		t.Errorf("drain promises broken: %v", w.violations)
	}
	w.mu.Unlock()
	done, err := ops.LoadDrainRun(run.ID)
	if err != nil || done.Status != ops.RunDone {
		t.Fatalf("run after both processes: %+v %v\n%s", done, err, outs[winner])
	}

	// kill -9 mid-run: the run reads interrupted, and a resume finishes it.
	run = newRun()
	c, outC := ecstuiProcess(t, resumeArgs(run.ID)...)
	deadline := time.Now().Add(30 * time.Second)
	for {
		cur, err := ops.LoadDrainRun(run.ID)
		if err == nil && cur.Started && cur.Status == ops.RunRunning && cur.Instances[0].State != ops.DrainPending {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the drain did not start:\n%s", outC.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := c.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.Wait()
	lister, outL := ecstuiProcess(t, "drain", "--list")
	if err := lister.Wait(); err != nil {
		t.Fatalf("drain --list: %v\n%s", err, outL.String())
	}
	var line string
	for _, l := range strings.Split(outL.String(), "\n") {
		if strings.HasPrefix(l, run.ID) {
			line = l
		}
	}
	if !strings.Contains(line, " interrupted ") {
		t.Errorf("after kill -9, drain --list shows %q, want interrupted\n%s", line, outL.String())
	}
	d, outD := ecstuiProcess(t, resumeArgs(run.ID)...)
	if err := d.Wait(); err != nil {
		t.Fatalf("resume after kill -9: %v\n%s", err, outD.String())
	}
	if fin, err := ops.LoadDrainRun(run.ID); err != nil || fin.Status != ops.RunDone {
		t.Errorf("resumed run: %+v %v", fin, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.violations) > 0 {
		t.Errorf("drain promises broken: %v", w.violations)
	}
}
