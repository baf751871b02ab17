package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestAppScalingReadCost measures the Application Auto Scaling reads of the
// pulse and of a service detail opened from it (the demo, one account, the
// wire server's counters over 5 simulated minutes per phase), and holds the
// scalable targets to one shared read: the detail's target comes from the
// pulse's recent DescribeScalableTargets, and the pulse reads the targets of
// a cluster at most once a minute.
func TestAppScalingReadCost(t *testing.T) {
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, srv := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region}}
		d.StartScreen = StartPulse
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = w.Now
	})
	h.send(tea.WindowSizeMsg{Width: 160, Height: 50})
	step := func() {
		t.Helper()
		if at := h.r.env.loop.wakeAt; !at.IsZero() {
			if d := at.Sub(w.Now()); d > 0 {
				w.Advance(d)
			}
		}
		if h.fire(isPageTick) == 0 {
			t.Fatal("no tick pending")
		}
	}
	idle := func(d time.Duration) {
		for start := w.Now(); w.Now().Sub(start) < d; {
			step()
		}
	}
	const window = 5 * time.Minute
	measure := func(phase string) map[string]int {
		srv.ResetCounts()
		idle(window)
		got := map[string]int{}
		var lines []string
		for action, n := range srv.CallCounts() {
			if strings.HasPrefix(action, "application-autoscaling:") {
				got[strings.TrimPrefix(action, "application-autoscaling:")] = n
				lines = append(lines, fmt.Sprintf("%s %.3f/s", strings.TrimPrefix(action, "application-autoscaling:"), float64(n)/window.Seconds()))
			}
		}
		slices.Sort(lines)
		t.Logf("%s: application-autoscaling reads: %s", phase, strings.Join(lines, ", "))
		return got
	}
	idle(30 * time.Second) // past the first loads
	pulse := measure("pulse")

	clusters := len(h.r.pulse.sources[0].clusters)
	// Before: the pulse described the targets of each cluster at every
	// refresh (0.26 calls/s on the demo's 2 clusters).
	if limit := clusters * int(window/time.Minute+1); pulse["DescribeScalableTargets"] > limit {
		t.Errorf("the pulse: %d DescribeScalableTargets in %v, want ≤ %d (one a minute per cluster)", pulse["DescribeScalableTargets"], window, limit)
	}

	srv.ResetCounts()
	h.run(h.r.push(newServiceDetailPage(h.r.env, "playground", "random")))
	h.contains("min 2 · max 12")
	if n := srv.Calls("application-autoscaling:DescribeScalableTargets"); n != 0 {
		t.Errorf("the detail opened from the pulse described its target again (%d calls): the pulse's answer is a few seconds old", n)
	}
	detail := measure("service detail over the pulse")
	if n := detail["DescribeScalableTargets"]; n > int(window/time.Minute+1) {
		t.Errorf("the detail: %d DescribeScalableTargets in %v, want ≤ one a minute", n, window)
	}
	h.keys("esc")
	back := measure("back on the pulse")
	if limit := clusters * int(window/time.Minute+1); back["DescribeScalableTargets"] > limit {
		t.Errorf("back on the pulse: %d DescribeScalableTargets in %v, want ≤ %d", back["DescribeScalableTargets"], window, limit)
	}
}

// TestServiceDetailResumesAutoScaling: with dynamic scaling suspended, the
// service detail says so with the key that resumes it; the key opens the
// plan, and confirming resumes the scalable target.
func TestServiceDetailResumesAutoScaling(t *testing.T) {
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	yes := true
	if _, err := w.RegisterScalableTarget(model.ScalableTargetUpdate{Cluster: "playground", Service: "random", SuspendDynamicIn: &yes, SuspendDynamicOut: &yes}); err != nil {
		t.Fatal(err)
	}
	client, srv := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region, Cluster: "playground"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = w.Now
	})
	h.send(tea.WindowSizeMsg{Width: 160, Height: 60})
	h.run(h.r.push(newServiceDetailPage(h.r.env, "playground", "random")))
	h.contains("dynamic scaling suspended — R: resume")
	h.contains("R resume autoscaling") // offered in the footer while suspended
	h.keys("R")
	h.contains("resume dynamic scaling of service random (cluster playground)")
	h.contains("from then on policy random-cpu50: average CPU at 50 % moves the desired count")
	if n := srv.MutatingCalls(); n != 0 {
		t.Fatalf("the plan made %d mutating calls", n)
	}
	h.keys("y")
	ts, _ := w.DescribeScalableTargets([]string{model.ECSServiceResourceID("playground", "random")})
	if s := ts[0].Suspended; s.DynamicScalingIn || s.DynamicScalingOut || srv.MutatingCalls() != 1 {
		t.Fatalf("after y: %+v (%d mutating calls), want resumed with one call", s, srv.MutatingCalls())
	}
	// Back on the detail, the autoscaling is read again at once.
	h.keys("esc")
	h.contains("dynamic and scheduled scaling active")
	h.lacks("R: resume")
	h.lacks("R resume autoscaling") // nothing to resume: not offered
}
