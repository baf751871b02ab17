package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/table"
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

// idle advances the scheduler's clock by d, firing its wake-up ticks due
// by then (a later one stays pending).
func (h *harness) idle(d time.Duration) {
	h.t.Helper()
	e := h.r.env
	end := e.clock().Add(d)
	for {
		if at := e.loop.wakeAt; at.IsZero() || at.After(end) {
			e.loop.virt = end
			return
		}
		if h.fire(isPageTick) == 0 {
			h.t.Fatalf("no tick pending at %v", e.clock())
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
	h, client, srv := largeHarness(t, 300, 300, 30)
	p, ok := h.r.top().(*servicesPage)
	if !ok || len(p.items) != 300 {
		t.Fatalf("top %T with %d services", h.r.top(), len(p.items))
	}
	first := srv.CallCounts()
	if first["ecs:ListServices"] != 3 || first["ecs:DescribeServices"] != 30 {
		t.Fatalf("first load made %v, want the minimum (3 list pages, 30 describes)", first)
	}

	srv.ResetCounts()
	h.idle(time.Minute)
	got := perBucket(srv.CallCounts())
	// 10 % of service reads' 20/s, plus the share's burst of 10.
	if n := got["ecs:service-read"]; n > 2*60+10 {
		t.Errorf("a minute of idle made %d service reads, more than 10%% of 20/s (120 + burst 10)", n)
	}
	for b, n := range got {
		switch {
		case b == string(quota.CloudWatchRead) && n > 1:
			// The metrics of the rows on screen: one GetMetricData a minute.
			t.Errorf("the services view spent %d GetMetricData calls in a minute, want at most 1", n)
		case b != "ecs:service-read" && b != string(quota.CloudWatchRead) && n > 0:
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

// TestViewsStayWithinTheBudgetOnTheLargeScenario leaves each view open on
// the manual clock for two minutes after its first load and counts the
// calls per throttle bucket at the wire server: each ECS bucket at most 10 %
// of its sustained rate (plus the share's burst), EC2, Auto Scaling and
// ELBv2 at most one call per second. (Minutes, because a fetch that
// costs more than the share's burst — the port map's whole gathering —
// starts when the bucket is full and repays the rest before the next: its
// rate is the share's over time, not in every minute.)
func TestViewsStayWithinTheBudgetOnTheLargeScenario(t *testing.T) {
	views := []struct {
		name string
		open func(e *env) page.Page
	}{
		{"services", func(e *env) page.Page { return newServicesPage(e, "large") }},
		{"tasks", func(e *env) page.Page { return newTasksPage(e, "large") }},
		{"service-tasks", func(e *env) page.Page { return newServiceTasksPage(e, "large", "api-0000") }},
		{"instances", func(e *env) page.Page { return newInstancesPage(e, "large") }},
		{"portmap", func(e *env) page.Page { return newPortMapPage(e, portScope{cluster: "large"}) }},
		{"service-detail", func(e *env) page.Page { return newServiceDetailPage(e, "large", "api-0000") }},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			// Sizes at which services and tasks are refreshed piecemeal
			// (a whole fetch costs more than the share's burst of 10).
			h, _, srv := largeHarness(t, 120, 600, 60)
			h.run(h.r.reset(v.open(h.r.env)))
			if rf := h.r.top().(refresher).RefreshState(); !rf.Loaded {
				t.Fatalf("%s did not load: %+v", v.name, rf)
			}
			srv.ResetCounts()
			const window = 2 * time.Minute
			h.idle(window)
			got := perBucket(srv.CallCounts())
			for b, n := range got {
				limit := int(window.Seconds()) + 1 // one per second
				if spec, ok := quota.ECS[quota.Bucket(b)]; ok {
					limit = int(spec.Rate*0.10*window.Seconds()) + int(float64(spec.Burst)*0.10)
				}
				if n > limit {
					t.Errorf("%s: %d calls of %s in %v idle, want ≤ %d", v.name, n, b, window, limit)
				}
			}
			t.Logf("%-14s calls per idle minute: %v", v.name, perMinute(got, window))
		})
	}
}

func perMinute(calls map[string]int, d time.Duration) map[string]float64 {
	out := map[string]float64{}
	for b, n := range calls {
		out[b] = float64(int(float64(n)/d.Minutes()*10+0.5)) / 10
	}
	return out
}

// TestServiceTasksShowBeforeTheInstanceLookup: the tasks of a service show
// as soon as DescribeTasks answers (two calls); the instance column is
// filled when the container instance lookup answers, and from the
// context's labels when another page looked the instances up already.
func TestServiceTasksShowBeforeTheInstanceLookup(t *testing.T) {
	h, _, srv := largeHarness(t, 40, 80, 10)
	srv.ResetCounts()
	p := newServiceTasksPage(h.r.env, "large", "api-0000")
	p.SetSize(120, 30)
	h.r.stack = append(h.r.stack, p)
	var first tea.Msg
	msgs := h.exec(p.Init())
	for _, m := range msgs {
		switch m := m.(type) {
		case partialMsg, fetchedMsg:
			first = m
		}
	}
	if first == nil {
		t.Fatalf("no rows among %v", msgs)
	}
	if got := srv.CallCounts(); got["ecs:ListTasks"] != 1 || got["ecs:DescribeTasks"] != 1 || len(got) != 2 {
		t.Fatalf("calls before the rows: %v, want ListTasks and DescribeTasks only", got)
	}
	h.send(first)
	if len(p.items) != 2 {
		t.Fatalf("%d task rows, want 2", len(p.items))
	}
	// The lookup ran after the rows, and labelled them.
	if n := srv.Calls("ecs:DescribeContainerInstances"); n != 1 {
		t.Errorf("%d instance lookups, want 1", n)
	}
	for _, r := range p.tbl.Rows() {
		if !strings.Contains(strings.Join(cellTexts(r), " "), "i-") {
			t.Errorf("row %v has no EC2 instance id", cellTexts(r))
		}
	}
	// A second tasks page of the context needs no lookup.
	srv.ResetCounts()
	q := newServiceTasksPage(h.r.env, "large", "api-0000")
	h.r.stack = append(h.r.stack, q)
	h.run(q.Init())
	if n := srv.Calls("ecs:DescribeContainerInstances"); n != 0 || len(q.items) != 2 {
		t.Errorf("second page: %d lookups, %d rows", n, len(q.items))
	}
}

func cellTexts(r table.Row) []string {
	var out []string
	for _, c := range r.Cells {
		out = append(out, c.Text)
	}
	return out
}

// TestCursorStaysOnTopWhileRowsStreamIn: batches of a first load land in
// any order; the cursor stays on the top row unless the user moved it.
func TestCursorStaysOnTopWhileRowsStreamIn(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	svc := func(names ...string) listData[model.Service] {
		var d listData[model.Service]
		for _, n := range names {
			d.items = append(d.items, model.Service{Name: n, ARN: "arn:" + n})
		}
		return d
	}
	for _, moved := range []bool{false, true} {
		p := newServicesPage(h.r.env, "prod")
		p.SetSize(120, 20)
		p.Update(partialMsg{key: p.key, id: 1, data: svc("billing-0040", "billing-0041")})
		want := "billing-0040"
		if moved {
			p.Update(tea.KeyPressMsg{Code: tea.KeyDown})
			want = "billing-0041"
		}
		p.Update(partialMsg{key: p.key, id: 1, data: svc("api-0000", "api-0001", "billing-0040", "billing-0041")})
		if !moved {
			want = "api-0000"
		}
		if s, _ := p.selected(); s.Name != want {
			t.Errorf("moved=%v: cursor on %s, want %s", moved, s.Name, want)
		}
	}
}

// TestThrottledRefreshBacksOffAndSaysSo: when AWS throttles a steady-state
// describe (someone else emptied the bucket), the call is not retried, the
// scheduler halves its service-read rate, and the header says so; a quiet
// minute later the rate is back to the share.
func TestThrottledRefreshBacksOffAndSaysSo(t *testing.T) {
	h, _, srv := largeHarness(t, 300, 300, 30)
	h.idle(10 * time.Second)
	srv.ResetCounts()
	srv.InjectFault("ecs:DescribeServices", wire.Fault{Code: "ThrottlingException", Message: "Rate exceeded", HTTPStatus: 400, Times: 1})
	sc := h.r.env.loop.sched
	for srv.Calls("ecs:DescribeServices") == 0 {
		h.idle(time.Second)
	}
	if n := srv.Calls("ecs:DescribeServices"); n != 1 {
		t.Errorf("the throttled describe was sent %d times, want once (no retries)", n)
	}
	if r := sc.Rate(quota.ServiceRead); r != 1 {
		t.Errorf("service reads at %v/s after a throttle, want half the share (1/s)", r)
	}
	h.contains("THROTTLED")
	h.idle(90 * time.Second)
	if r := sc.Rate(quota.ServiceRead); r != 2 {
		t.Errorf("service reads at %v/s after quiet minutes, want the share (2/s)", r)
	}
	h.lacks("THROTTLED")
}

// TestPortMapRowsOnScreenStayFresh: on a cluster whose whole gathering is
// over the share's burst, the bindings on screen (their tasks, services
// and target health) are described again every interval while the whole
// gathering runs in the background, and the header says how old it is.
func TestPortMapRowsOnScreenStayFresh(t *testing.T) {
	h, _, _ := largeHarness(t, 120, 240, 30)
	h.run(h.r.reset(newPortMapPage(h.r.env, portScope{cluster: "large"})))
	p := h.r.top().(*portMapPage)
	for range 6 {
		h.idle(10 * time.Second)
		needs, piecemeal := p.piecemealNeeds()
		if !piecemeal || len(needs) != 2 {
			t.Fatalf("port map not refreshed piecemeal: %v %v", piecemeal, needs)
		}
		// Fetched last by the rows' own need or by a whole gathering.
		last := h.r.env.loop.sched.State(needs[1].Key).LastDone
		if p.fresh.at.After(last) {
			last = p.fresh.at
		}
		if age := h.r.env.clock().Sub(last); age > DefaultRefreshInterval {
			t.Fatalf("the rows on screen were fetched %v ago, want within %v", age, DefaultRefreshInterval)
		}
	}
	h.contains("full sweep")
}
