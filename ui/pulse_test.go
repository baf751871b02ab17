package ui

import (
	"context"
	"fmt"
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
)

// pulseWorld is a small account whose clock stops at the harness's t0:
// a crash-looping service (killed for memory) and a healthy one in "web";
// in "jobs" a rollout to an image that cannot be pulled, and a rollback.
func pulseWorld(t *testing.T, seed int64) *sim.World {
	t.Helper()
	w := sim.New(sim.Options{Seed: seed, Start: t0.Add(-10 * time.Minute)})
	w.SetLogRate(0)
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "web-asg", Cluster: "web", Size: 2})
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "jobs-asg", Cluster: "jobs", Size: 2})
	td := func(family, image string) {
		t.Helper()
		if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: family, Containers: []model.ContainerDefinition{{
			Name: family, Image: image, CPU: 128, Memory: 256, Essential: true,
			LogConfiguration: &model.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
				"awslogs-group": "/ecs/" + family, "awslogs-stream-prefix": "ecs"}},
		}}}); err != nil {
			t.Fatal(err)
		}
	}
	td("api", "api:1-oom")
	td("site", "site:1")
	td("report", "report:1")
	td("report", "report:2-missing")
	breaker := &model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200,
		CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}}
	for _, s := range []sim.ServiceSpec{
		{Cluster: "web", Name: "api", TaskDefinition: "api:1", DesiredCount: 2},
		{Cluster: "web", Name: "site", TaskDefinition: "site:1", DesiredCount: 2},
		{Cluster: "jobs", Name: "report", TaskDefinition: "report:1", DesiredCount: 2, DeploymentConfiguration: breaker},
	} {
		if _, err := w.CreateService(s); err != nil {
			t.Fatal(err)
		}
	}
	w.Advance(2 * time.Minute)
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "jobs", Service: "report", TaskDefinition: "report:2"}); err != nil {
		t.Fatal(err)
	}
	w.Advance(8 * time.Minute)
	return w
}

// serveWorld serves a world on loopback and returns an adapter client.
func serveWorld(t *testing.T, w *sim.World, throttling bool) (*aws.Client, *wire.Server) {
	t.Helper()
	return awstest.StartWith(t, w, awstest.Options{Throttling: throttling})
}

// pulseHarness opens the console on the pulse over two contexts, each its
// own simulated account.
func pulseHarness(t *testing.T, us, eu *sim.World, throttling bool) (*harness, *wire.Server, *wire.Server) {
	t.Helper()
	clUS, srvUS := serveWorld(t, us, throttling)
	clEU, srvEU := serveWorld(t, eu, throttling)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "us", Region: awstest.Region}, {Name: "eu", Region: awstest.Region}}
		d.StartScreen = StartPulse
		d.Connect = func(_ context.Context, c Context) (Backend, error) {
			if c.Name == "eu" {
				return clEU, nil
			}
			return clUS, nil
		}
	})
	return h, srvUS, srvEU
}

// TestPulseAcrossTwoContexts: the console opens on the pulse, which reads
// every cluster of both contexts (the second through an env of its own)
// and ranks what it finds; enter does a line's action, in the current
// context at once, in the other after switching to it; esc comes back to
// the pulse, which remembers how long each line has shown.
func TestPulseAcrossTwoContexts(t *testing.T) {
	h, srvUS, srvEU := pulseHarness(t, pulseWorld(t, 1), pulseWorld(t, 2), false)
	if h.crumbs() != "pulse" {
		t.Fatalf("start page %q", h.crumbs())
	}
	p := h.r.top().(*pulsePage)
	if n := len(p.findings); n == 0 {
		t.Fatalf("no findings:\n%s", h.screen())
	}
	for _, f := range p.findings {
		if f.Context != "us" && f.Context != "eu" {
			t.Errorf("finding of context %q", f.Context)
		}
	}
	h.bodyGolden("pulse")
	h.contains("OOM-killed (exit 137)")
	h.contains("image pull failed")
	h.contains("4 clusters in 2 contexts")
	if srvUS.MutatingCalls()+srvEU.MutatingCalls() != 0 {
		t.Error("the pulse changed something")
	}
	if srvEU.Calls("ecs:ListClusters") == 0 {
		t.Fatal("the second context was not read")
	}

	// A line of the current context: its action opens at once.
	find := func(ctxName, kind string) int {
		for i, f := range p.findings {
			if f.Context == ctxName && string(f.Kind) == kind {
				return i
			}
		}
		t.Fatalf("no %s finding in %s:\n%s", kind, ctxName, h.screen())
		return -1
	}
	moveTo := func(i int) {
		h.keys("g")
		for range i {
			h.keys("j")
		}
	}
	// (The logs a crash loop's line opens are not opened here: a live
	// tail never ends, and the harness runs every command to its end.)
	moveTo(find("us", "tasks-stopping") + 1)
	f, _ := p.selected()
	if f.Action.Kind == model.ActLogs {
		moveTo(find("us", "below-desired"))
	}
	h.keys("enter")
	if !strings.HasPrefix(h.crumbs(), "pulse > ") {
		t.Fatalf("action of a current-context line: %q\n%s", h.crumbs(), h.screen())
	}
	h.keys("esc")
	if h.crumbs() != "pulse" {
		t.Fatalf("esc: %q", h.crumbs())
	}

	// A line of the other context: switch there, then open the service.
	moveTo(find("eu", "below-desired"))
	shown := p.findings[find("eu", "below-desired")].FirstSeen
	h.keys("enter")
	if h.r.env.conn.Name != "eu" || !strings.HasPrefix(h.crumbs(), "pulse > service(") {
		t.Fatalf("action of another context's line: ctx %s, %q\n%s", h.r.env.conn.Name, h.crumbs(), h.screen())
	}
	h.contains("Deployment history")
	h.keys("esc")
	p = h.r.top().(*pulsePage)
	i := find("eu", "below-desired")
	if got := p.findings[i].FirstSeen; !got.Equal(shown) {
		t.Errorf("the line's first sight changed across the switch: %v, was %v", got, shown)
	}
	if len(p.findings) == 0 || h.r.pulse.status().contexts != 2 {
		t.Errorf("after the switch the pulse shows %d findings over %d contexts", len(p.findings), h.r.pulse.status().contexts)
	}
}

// TestStoppedTriage: :stopped lists a service's stopped tasks with why each
// died; enter opens that task's logs from a little before it stopped.
func TestStoppedTriage(t *testing.T) {
	h, _, _ := pulseHarness(t, pulseWorld(t, 1), pulseWorld(t, 2), false)
	h.keys(":svc web", "enter")
	h.keys(":stopped api", "enter")
	sp, ok := h.r.top().(*stoppedPage)
	if !ok || len(sp.items) == 0 {
		t.Fatalf("stopped page: %T\n%s", h.r.top(), h.screen())
	}
	h.bodyGolden("stopped")
	h.contains("OOM-killed (exit 137)")
	h.contains("api 137")
	// The INSTANCE column names the EC2 instance, looked up as the tasks
	// view does, not the container instance's hex id.
	onEC2 := 0
	for _, it := range sp.items {
		if it.task.ContainerInstanceARN == "" {
			continue
		}
		onEC2++
		if cell := stoppedRow(sp.env, it, t0).Cells[7].Text; !strings.HasPrefix(cell, "i-") {
			t.Errorf("stopped task %s: INSTANCE %q, want its EC2 instance id", it.task.ID, cell)
		}
	}
	if onEC2 == 0 {
		t.Error("no stopped task ran on a container instance: the INSTANCE check checked nothing")
	}
	it := sp.items[0]
	target, _ := sp.LogTarget()
	want := t0.Sub(stoppedAt(it.task)) + logsBeforeStop
	if target.TaskID != it.task.ID || target.Since != want {
		t.Errorf("logs of the stopped task: %+v, want task %s since %v", target, it.task.ID, want)
	}
	var opened tea.Msg
	_, cmd := sp.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd != nil {
		opened = cmd()
	}
	if m, ok := opened.(openLogsMsg); !ok || m.target.TaskID != it.task.ID {
		t.Errorf("enter: %#v, want the task's logs", opened)
	}
}

// pulseIdle advances every env's scheduler clock by d, firing each one's
// wake-up ticks due by then.
func (h *harness) pulseIdle(d time.Duration) {
	h.t.Helper()
	var envs []*env
	for _, s := range h.r.pulse.sources {
		if s.env != nil {
			envs = append(envs, s.env)
		}
	}
	ends := map[*env]time.Time{}
	for _, e := range envs {
		ends[e] = e.clock().Add(d)
	}
	for {
		fired := false
		for _, e := range envs {
			if at := e.loop.wakeAt; !at.IsZero() && !at.After(ends[e]) {
				n := h.fire(func(m tea.Msg) bool {
					tm, ok := m.(tickMsg)
					return ok && (tm.src == e || tm.src == nil && e == h.r.env)
				})
				fired = fired || n > 0
			}
		}
		if !fired {
			break
		}
	}
	for _, e := range envs {
		e.loop.virt = ends[e]
	}
}

// TestPulseStaysWithinTheBudget leaves the pulse open on the large
// scenario spread over 10 clusters in 2 contexts (accounts) and counts the
// calls each account's simulator receives per throttle bucket: at most the
// share (10 %) of each ECS bucket's sustained rate, plus its burst share,
// and one call per second of the other services, whatever the number of
// clusters; every cluster is still read again within the window.
func TestPulseStaysWithinTheBudget(t *testing.T) {
	large := func(seed int64) *sim.World {
		return sim.NewLarge(seed, sim.LargeOptions{Clusters: 5, Services: 500, Tasks: 1000, Instances: 100, Start: t0})
	}
	h, srvUS, srvEU := pulseHarness(t, large(1), large(2), true)
	st := h.r.pulse.status()
	if st.clusters != 10 || st.loaded != 10 {
		t.Fatalf("first load: %d of %d clusters read\n%s", st.loaded, st.clusters, h.screen())
	}
	srvUS.ResetCounts()
	srvEU.ResetCounts()
	const window = 3 * time.Minute
	h.pulseIdle(window)
	for name, srv := range map[string]*wire.Server{"us": srvUS, "eu": srvEU} {
		got := map[quota.Bucket]int{}
		for action, n := range srv.CallCounts() {
			svc, op, _ := strings.Cut(action, ":")
			got[quota.Of(svc, op)] += n
		}
		var report []string
		for b, n := range got {
			limit := int(window.Seconds()) + 1 // one per second
			if spec, ok := quota.ECS[b]; ok {
				limit = int(spec.Rate*0.10*window.Seconds()) + int(float64(spec.Burst)*0.10)
			}
			if n > limit {
				t.Errorf("%s: %d calls of %s in %v, want ≤ %d", name, n, b, window, limit)
			}
			report = append(report, fmt.Sprintf("%s %.2f", b, float64(n)/window.Seconds()))
		}
		t.Logf("%s: calls/s over %v with the pulse open: %s", name, window, strings.Join(report, ", "))
	}
	now := h.r.env.clock()
	for _, s := range h.r.pulse.sources {
		for _, c := range s.clusters {
			if age := now.Sub(s.data[c].At); age > window {
				t.Errorf("%s/%s: data %v old after %v", s.ctx.Name, c, age, window)
			}
		}
	}
}

// TestPortMapShowsAWSVPCAndFargate: in the second demo account's edge
// cluster, awsvpc tasks show at their own address with the container port,
// Fargate ones with their platform version, each matched to its ip target.
func TestPortMapShowsAWSVPCAndFargate(t *testing.T) {
	w := sim.NewDemoEU(1)
	client, _ := awstest.StartWith(t, w, awstest.Options{Region: w.Region()})
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "eu", Region: w.Region(), Cluster: "edge"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = nil
	})
	h.keys(":ports", "enter")
	pm, ok := h.r.top().(*portMapPage)
	if !ok {
		t.Fatalf("top %T\n%s", h.r.top(), h.screen())
	}
	var fargate, ec2 int
	for _, r := range pm.items {
		if !r.AWSVPC || r.PrivateIP == "" || r.TargetState != model.TargetHealthy || r.Flags != 0 {
			t.Errorf("row %+v", r)
		}
		if r.Fargate {
			fargate++
		} else if r.InstanceID != "" {
			ec2++
		}
	}
	if fargate != 3 || ec2 != 3 {
		t.Errorf("%d Fargate and %d awsvpc-on-EC2 rows, want 3 and 3\n%s", fargate, ec2, h.screen())
	}
	h.contains("Fargate 1.4.0")
	h.contains("8080 (eni)")
	h.contains("awsvpc")
}

// regionsBackend is a fake account with several enabled regions.
type regionsBackend struct {
	*fakeBackend
	regions []string
}

func (b regionsBackend) Regions(context.Context) ([]string, error) { return b.regions, nil }

// TestRegionPicker: :region lists the account's regions and enter switches
// the current context there (prod@eu-central-1), with no config entry.
func TestRegionPicker(t *testing.T) {
	fb := fixtureBackend()
	var asked []Context
	h := newHarness(t, fb, func(d *Deps) {
		d.Connect = func(_ context.Context, c Context) (Backend, error) {
			asked = append(asked, c)
			return regionsBackend{fb, []string{"eu-central-1", "us-east-1", "us-west-2"}}, nil
		}
	})
	h.keys(":region", "enter")
	h.contains("eu-central-1")
	h.contains("current")
	h.keys("g", "enter")
	c := asked[len(asked)-1]
	if c.Name != "prod@eu-central-1" || c.Region != "eu-central-1" || c.Profile != "ops" || c.Base != "prod" {
		t.Fatalf("switched to %+v", c)
	}
	if h.r.env.conn.Region != "eu-central-1" {
		t.Errorf("current region %s", h.r.env.conn.Region)
	}
	h.contains("region eu-central-1")
	// Back to the context's own region: its own entry, not a new one.
	n := len(h.r.d.Contexts)
	h.keys(":region us-east-1", "enter")
	if c := asked[len(asked)-1]; c.Name != "prod" || len(h.r.d.Contexts) != n {
		t.Errorf("back to us-east-1: %+v (%d contexts, was %d)", c, len(h.r.d.Contexts), n)
	}
}

// TestPulseRegionsAll: a context with regions: all gets a pulse source per
// region its account has enabled, each its own budget.
func TestPulseRegionsAll(t *testing.T) {
	fb := fixtureBackend()
	h := newHarness(t, fb, func(d *Deps) {
		d.Contexts = []Context{{Name: "prod", Region: "us-east-1", Regions: []string{RegionsAll}}, {Name: "dev", Regions: []string{"eu-west-1", "eu-west-2"}}}
		d.StartScreen = StartPulse
		d.Connect = func(_ context.Context, c Context) (Backend, error) {
			return regionsBackend{fb, []string{"ap-south-1", "us-east-1"}}, nil
		}
	})
	var ids []string
	envs := map[*env]bool{}
	for _, s := range h.r.pulse.sources {
		ids = append(ids, s.id())
		if s.env != nil {
			envs[s.env] = true
		}
	}
	want := "prod@us-east-1 dev@eu-west-1@eu-west-1 dev@eu-west-2@eu-west-2 prod@ap-south-1@ap-south-1"
	if strings.Join(ids, " ") != want {
		t.Errorf("sources %v\nwant    %s", ids, want)
	}
	if len(envs) != 4 {
		t.Errorf("%d schedulers for 4 regions", len(envs))
	}
}
