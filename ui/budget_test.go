package ui

import (
	"context"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
)

// largeHarness opens the console on a large scenario of n services through
// the wire server, on the harness's manual clock.
func largeHarness(t *testing.T, services, tasks, instances int) (*harness, *aws.Client, *wire.Server) {
	t.Helper()
	w := sim.NewLarge(1, sim.LargeOptions{Services: services, Tasks: tasks, Instances: instances})
	client, srv := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "large", Region: awstest.Region, Cluster: "large"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
	})
	return h, client, srv
}

// idle advances the scheduler's clock by d, firing its wake-up ticks.
func (h *harness) idle(d time.Duration) {
	h.t.Helper()
	end := h.r.env.clock().Add(d)
	for h.r.env.clock().Before(end) {
		if h.fire(isPageTick) == 0 {
			h.t.Fatalf("nothing scheduled at %v", h.r.env.clock())
		}
	}
}

// perBucket sums the wire counters by throttle bucket.
func perBucket(counts map[string]int) map[string]int {
	out := map[string]int{}
	for op, n := range counts {
		out[bucketOfAction(op)] += n
	}
	return out
}

func TestServicesViewStaysWithinTheBudgetAndFresh(t *testing.T) {
	h, client, srv := largeHarness(t, 400, 400, 40)
	p, ok := h.r.top().(*servicesPage)
	if !ok || len(p.items) != 400 {
		t.Fatalf("top %T with %d services", h.r.top(), len(p.items))
	}
	first := srv.CallCounts()
	if first["ecs:ListServices"] != 4 || first["ecs:DescribeServices"] != 40 {
		t.Fatalf("first load made %v, want the minimum (4 list pages, 40 describes)", first)
	}

	srv.ResetCounts()
	h.idle(time.Minute)
	got := perBucket(srv.CallCounts())
	// 10 % of service reads' 20/s, plus the share's burst of 10.
	if n := got["ecs:service-read"]; n > 2*60+10 {
		t.Errorf("a minute of idle made %d service reads, more than 10%% of 20/s (120 + burst 10)", n)
	}
	for b, n := range got {
		if b != "ecs:service-read" && n > 0 {
			t.Errorf("the services view spent %d calls of %s", n, b)
		}
	}
	t.Logf("one idle minute: %v", got)
	// The header says how old the oldest row is and what share is in use.
	h.contains("full sweep")
	h.contains("of 10%")
	if p.sw == nil || h.r.env.clock().Sub(p.oldestRow()) > time.Minute {
		t.Fatalf("no full sweep within a minute (oldest row %v old)", h.r.env.clock().Sub(p.oldestRow()))
	}

	// A desired count changed through the wire: on screen within one interval…
	set := func(name string, n int) {
		if _, err := client.UpdateService(context.Background(), model.ServiceUpdate{Cluster: "large", Service: name, DesiredCount: &n}); err != nil {
			t.Fatal(err)
		}
	}
	desired := func(name string) int {
		for _, s := range p.items {
			if s.Name == name {
				return s.DesiredCount
			}
		}
		return -1
	}
	onScreen := p.items[p.tbl.OnScreen()[0]].Name
	set(onScreen, 7)
	h.idle(5 * time.Second)
	if d := desired(onScreen); d != 7 {
		t.Errorf("on-screen %s shows desired %d 5s after the change, want 7", onScreen, d)
	}
	// …and off screen within the sweep period.
	offScreen := p.items[len(p.items)-1].Name
	set(offScreen, 9)
	h.idle(time.Minute)
	if d := desired(offScreen); d != 9 {
		t.Errorf("off-screen %s shows desired %d a minute after the change, want 9", offScreen, d)
	}
}
