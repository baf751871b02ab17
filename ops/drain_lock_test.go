package ops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDrainHasOneOwner: while a run is driven, resuming it again or
// starting another run over one of its instances is refused naming the
// owner; once the owner is gone, the run reads interrupted and resumes.
func TestDrainHasOneOwner(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := demoWorld(t, 4)
	api := newSpy(inProcess(w))
	ctx := context.Background()
	st, err := GatherCluster(ctx, api, "prod")
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{IDs: []string{st.Instances[0].EC2InstanceID, st.Instances[1].EC2InstanceID}}
	run := NewDrainRun(st, sel, 1, true, w.Now(), "test")
	p := PlanDrain(st, sel, 1, true)
	if err := run.Save(w.Now()); err != nil {
		t.Fatal(err)
	}

	// This process owns the run (as a running executor would).
	lease, err := run.Acquire(w.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := run.DisplayStatus(); got != RunRunning {
		t.Errorf("owned run reads %q, want running", got)
	}
	host, _ := os.Hostname()
	owner := fmt.Sprintf("pid %d on host %s", os.Getpid(), host)

	second, err := LoadDrainRun(run.ID)
	if err != nil {
		t.Fatal(err)
	}
	res := advancing(w, 5*time.Second).Drain(ctx, api, p, second, DrainControl{})
	if res.Outcome != OutcomeRefused || !strings.Contains(res.Message, owner) || !strings.Contains(res.Message, "drain run "+run.ID) {
		t.Errorf("second resume: %s %q, want refused naming %s", res.Outcome, res.Message, owner)
	}
	other := NewDrainRun(st, Selection{IDs: sel.IDs[1:]}, 1, true, w.Now(), "test")
	res = advancing(w, 5*time.Second).Drain(ctx, api, PlanDrain(st, Selection{IDs: sel.IDs[1:]}, 1, true), other, DrainControl{})
	if res.Outcome != OutcomeRefused || !strings.Contains(res.Message, "instance "+sel.IDs[1]) || !strings.Contains(res.Message, owner) {
		t.Errorf("another run over an owned instance: %s %q", res.Outcome, res.Message)
	}
	if n := api.Calls("TerminateInstanceInAutoScalingGroup"); n != 0 {
		t.Fatalf("a refused run terminated %d instances", n)
	}

	// The owner goes away without saving: the run was left running.
	lease.Release()
	if got := run.DisplayStatus(); got != RunInterrupted {
		t.Errorf("unowned running run reads %q, want interrupted", got)
	}
	res = advancing(w, 5*time.Second).Drain(ctx, api, p, second, DrainControl{})
	if res.Outcome != OutcomeSuccess {
		t.Fatalf("resume after the owner left: %s %s", res.Outcome, res.Message)
	}
	if got := second.DisplayStatus(); got != RunDone {
		t.Errorf("finished run reads %q", got)
	}
}

// TestFailedStateSaveStopsTheDrain: when the state file cannot be written
// the run stops with an error that says so, and terminates nothing more.
func TestFailedStateSaveStopsTheDrain(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	w := demoWorld(t, 3)
	api := newSpy(inProcess(w))
	ctx := context.Background()
	st, err := GatherCluster(ctx, api, "prod")
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{IDs: []string{st.Instances[0].EC2InstanceID}}
	run := NewDrainRun(st, sel, 1, true, w.Now(), "test")
	r := advancing(w, 5*time.Second)
	// After the first save, the state file's directory becomes a file:
	// every later save fails.
	blocked := filepath.Join(dir, "gone")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	saves := 0
	r.Emit = func(e Event) {
		if e.Step == "drain" {
			if saves++; saves == 1 {
				run.SetPath(filepath.Join(blocked, "drain.json"))
			}
		}
	}
	res := r.Drain(ctx, api, PlanDrain(st, sel, 1, true), run, DrainControl{})
	if res.Outcome != OutcomeFailed || !strings.Contains(res.Message, "saving drain state") {
		t.Errorf("outcome %s %q, want failed on saving the state", res.Outcome, res.Message)
	}
	if !strings.Contains(strings.Join(res.NotDone, "\n"), "final drain state could not be saved") {
		t.Errorf("not done %v: the lost final save is not reported", res.NotDone)
	}
	if n := api.Calls("TerminateInstanceInAutoScalingGroup"); n != 0 {
		t.Errorf("%d terminations after the state could not be saved", n)
	}
}

// TestOwnerProbeNeverDisturbsTheOwner: `drain --list` and the early resume
// check probe the lock; a probe neither overwrites the owner's record nor
// makes a starting owner fail.
func TestOwnerProbeNeverDisturbsTheOwner(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	run := &DrainRun{ID: "probe-test", Status: RunRunning, Instances: []InstanceProgress{{EC2InstanceID: "i-1"}}}
	stop := make(chan struct{})
	probed := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				probed <- n
				return
			default:
				run.Owner()
				n++
			}
		}
	}()
	for i := range 20 {
		lease, err := run.Acquire(time.Now())
		if err != nil {
			t.Fatalf("acquire %d while another caller probes: %v", i, err)
		}
		o, live := run.Owner()
		if !live || o.PID != os.Getpid() || o.Run != run.ID {
			t.Fatalf("owner %+v live %v, want this process", o, live)
		}
		lease.Release()
	}
	close(stop)
	if n := <-probed; n == 0 {
		t.Fatal("the probe never ran")
	}
}
