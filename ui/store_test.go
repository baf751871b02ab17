package ui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
)

// describeLog is the simulator seen through its describes: which services
// and tasks each DescribeServices and DescribeTasks call asked for, so a
// test can tell whether a page described again what another described
// within the interval.
type describeLog struct {
	simapi.Backend
	mu    sync.Mutex
	calls []describeCall
}

type describeCall struct {
	kind string // "services" or "tasks"
	ids  []string
}

func (l *describeLog) DescribeServices(cluster string, ids []string) ([]model.Service, []model.Failure, error) {
	svcs, fails, err := l.Backend.DescribeServices(cluster, ids)
	var arns []string
	for _, s := range svcs {
		arns = append(arns, s.ARN)
	}
	l.log("services", arns)
	return svcs, fails, err
}

func (l *describeLog) DescribeTasks(cluster string, ids []string) ([]model.Task, []model.Failure, error) {
	ts, fails, err := l.Backend.DescribeTasks(cluster, ids)
	var arns []string
	for _, t := range ts {
		arns = append(arns, t.ARN)
	}
	l.log("tasks", arns)
	return ts, fails, err
}

func (l *describeLog) log(kind string, ids []string) {
	l.mu.Lock()
	l.calls = append(l.calls, describeCall{kind: kind, ids: ids})
	l.mu.Unlock()
}

// drain returns the calls made since the last drain.
func (l *describeLog) drain() []describeCall {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.calls
	l.calls = nil
	return out
}

// storeHarness opens the console on a large scenario behind a describe
// log, with the cluster's services page on top.
func storeHarness(t *testing.T, services, tasks, instances int) (*harness, *sim.World, *aws.Client, *wire.Server, *describeLog) {
	t.Helper()
	w := sim.NewLarge(1, sim.LargeOptions{Services: services, Tasks: tasks, Instances: instances})
	log := &describeLog{Backend: w}
	client, srv := awstest.Start(t, log)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "large", Region: awstest.Region, Cluster: "large"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
	})
	return h, w, client, srv, log
}

// noRepeats follows the describe calls in steps of the manual clock and
// fails a call all of whose items some call described within the interval
// before it (a page describing again only what another just fetched).
type noRepeats struct {
	t    *testing.T
	h    *harness
	log  *describeLog
	last map[string]time.Time // id → when last described
	step time.Duration
}

func newNoRepeats(t *testing.T, h *harness, log *describeLog) *noRepeats {
	n := &noRepeats{t: t, h: h, log: log, last: map[string]time.Time{}, step: 500 * time.Millisecond}
	n.take("the first load")
	return n
}

// take attributes the calls made since the last take to the clock now.
func (n *noRepeats) take(what string) (described map[string]int) {
	n.t.Helper()
	now := n.h.r.env.clock()
	described = map[string]int{}
	for _, c := range n.log.drain() {
		repeat := len(c.ids) > 0
		for _, id := range c.ids {
			if at, ok := n.last[id]; !ok || now.Sub(at) >= DefaultRefreshInterval-n.step {
				repeat = false
			}
		}
		if repeat {
			n.t.Errorf("%s: a %s describe of %d items all described within the interval before (e.g. %s)", what, c.kind, len(c.ids), c.ids[0])
		}
		for _, id := range c.ids {
			n.last[id] = now
		}
		described[c.kind] += len(c.ids)
	}
	return described
}

// idle advances the clock by d in steps, following the describes.
func (n *noRepeats) idle(d time.Duration, what string) {
	n.t.Helper()
	for end := n.h.r.env.clock().Add(d); n.h.r.env.clock().Before(end); {
		n.h.idle(n.step)
		n.take(what)
	}
}

// TestPagesShareWhatTheyFetch walks services → port map → back → service
// detail → back → tasks on the large scenario: a page opened next starts
// from what the store holds (marked with its age), a first load takes what
// another page fetched within the interval instead of describing it again,
// and no describe call ever asks only for what another call described
// within the interval.
func TestPagesShareWhatTheyFetch(t *testing.T) {
	h, _, _, srv, log := storeHarness(t, 120, 600, 60)
	e := h.r.env
	svcs := h.r.top().(*servicesPage)
	if len(svcs.items) != 120 {
		t.Fatalf("%d services", len(svcs.items))
	}
	nr := newNoRepeats(t, h, log)

	// The port map, opened at once: the services come from the store.
	srv.ResetCounts()
	h.send(page.OpenMsg{Page: newPortMapPage(e, portScope{cluster: "large"})})
	pm := h.r.top().(*portMapPage)
	if !pm.loaded || len(pm.items) == 0 {
		t.Fatalf("port map not loaded: %d rows", len(pm.items))
	}
	if got := perBucket(srv.CallCounts()); got[string(quota.ServiceRead)] != 0 {
		t.Errorf("the port map's first load made %d service reads, want 0 (the services list described them just now)", got[string(quota.ServiceRead)])
	}
	nr.take("port map first load")
	nr.idle(12*time.Second, "port map")

	// Back on the services: the rows are the store's, and the rows on
	// screen the port map described within the interval are not described
	// again.
	h.keys("esc")
	if h.r.top() != page.Page(svcs) {
		t.Fatalf("top %T after esc", h.r.top())
	}
	nr.idle(6*time.Second, "services after the port map")

	// The detail of the selected service: its row was described within the
	// interval (it is on screen), so no service read at open.
	srv.ResetCounts()
	h.keys("d")
	if n := srv.Calls("ecs:DescribeServices"); n != 0 {
		t.Errorf("the service detail's first load made %d DescribeServices, want 0 (its row is fresh)", n)
	}
	if !strings.HasPrefix(h.crumbs(), "clusters > services(large) > service(") {
		t.Fatalf("crumbs %q", h.crumbs())
	}
	nr.take("service detail first load")
	nr.idle(8*time.Second, "service detail")
	h.keys("esc")
	nr.idle(6*time.Second, "services after the detail")

	// A tasks page opened next starts from the tasks the port map read,
	// marked with their age, before its own first load completes.
	tp := newTasksPage(e, "large")
	tp.SetSize(120, 30)
	cmd := tp.Init()
	st := tp.RefreshState()
	if len(tp.items) != 600 || !(st.Loaded || st.Seeded) {
		t.Errorf("a tasks page opened next shows %d tasks (state %+v), want the 600 the port map read", len(tp.items), st)
	}
	if st.Seeded && e.clock().Sub(st.LastOK) < DefaultRefreshInterval {
		t.Errorf("seeded rows marked %v old, want their age (older than the interval)", e.clock().Sub(st.LastOK))
	}
	h.r.stack = append(h.r.stack, tp)
	h.run(cmd)
	if !tp.loaded {
		t.Fatal("the tasks page did not load")
	}
	nr.idle(8*time.Second, "cluster tasks")
}

// TestDeployingServicesAndTheirTasksStayFresh: a service with a deployment
// in progress whose tasks are off screen: in the cluster tasks view and the
// port map every one of its tasks is described within each interval, the
// tasks the deployment starts show within an interval, and the views stay
// within the budget.
func TestDeployingServicesAndTheirTasksStayFresh(t *testing.T) {
	h, w, client, srv, _ := storeHarness(t, 120, 600, 60)
	e := h.r.env
	tp := newTasksPage(e, "large")
	h.send(page.OpenMsg{Page: tp})
	h.idle(6 * time.Second)
	if tp.sw == nil {
		t.Fatal("the tasks view is not refreshed piecemeal")
	}
	// A service none of whose tasks is on screen.
	onScreen := map[string]bool{}
	for _, i := range tp.tbl.OnScreen() {
		onScreen[tp.items[i].task.ServiceName()] = true
	}
	name := ""
	for i := len(tp.items) - 1; i >= 0 && name == ""; i-- {
		if s := tp.items[i].task.ServiceName(); !onScreen[s] {
			name = s
		}
	}
	if _, err := client.UpdateService(context.Background(), model.ServiceUpdate{Cluster: "large", Service: name, ForceNewDeployment: true}); err != nil {
		t.Fatal(err)
	}
	// A page that describes the service (its detail) tells the store it
	// deploys.
	h.send(page.OpenMsg{Page: newServiceDetailPage(e, "large", name)})
	if s, _, ok := e.store.servicesOf("large").find(func(s model.Service) bool { return s.Name == name }); !ok || !deploying(s) {
		t.Fatalf("the store does not know %s deploys: %+v", name, s.Deployments)
	}
	h.keys("esc")

	tasksOfService := func() []string {
		ts, _, err := client.Tasks(context.Background(), "large", model.TaskFilter{ServiceName: name}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, t := range ts {
			ids = append(ids, t.ARN)
		}
		return ids
	}
	check := func(view string, has func(arn string) (time.Time, bool)) {
		t.Helper()
		w.Advance(3 * time.Second) // the deployment starts and stops tasks
		want := tasksOfService()
		if svc, _, err := client.DescribeServices(context.Background(), "large", []string{name}); err != nil || len(svc) != 1 || !deploying(svc[0]) {
			t.Fatalf("%s: %s no longer deploys (%v): the check needs a deployment in progress", view, name, err)
		}
		h.idle(DefaultRefreshInterval)
		now := e.clock()
		for _, arn := range want {
			at, ok := has(arn)
			switch {
			case !ok:
				t.Errorf("%s: task %s of the deploying service not shown an interval after it started", view, arn)
			case now.Sub(at) > DefaultRefreshInterval:
				t.Errorf("%s: task %s of the deploying service described %v ago, want within %v", view, arn, now.Sub(at), DefaultRefreshInterval)
			}
		}
	}

	srv.ResetCounts()
	for range 2 {
		check("tasks view", func(arn string) (time.Time, bool) {
			for _, it := range tp.items {
				if it.task.ARN == arn {
					return tp.sw.seen[arn], true
				}
			}
			return time.Time{}, false
		})
	}
	withinBudget(t, "tasks view", srv.CallCounts(), 2*DefaultRefreshInterval)

	h.keys("esc")
	pm := newPortMapPage(e, portScope{cluster: "large"})
	h.send(page.OpenMsg{Page: pm})
	h.idle(10 * time.Second)
	if _, piecemeal := pm.piecemealNeeds(); !piecemeal {
		t.Fatal("the port map is not refreshed piecemeal")
	}
	srv.ResetCounts()
	for range 2 {
		check("port map", func(arn string) (time.Time, bool) {
			if !slices.ContainsFunc(pm.fresh.g.Input.Tasks, func(t model.Task) bool { return t.ARN == arn }) {
				return time.Time{}, false
			}
			return e.store.tasksOf("large").at(arn), true
		})
	}
	withinBudget(t, "port map", srv.CallCounts(), 2*DefaultRefreshInterval)
}

// withinBudget checks calls made over d against 10 % of each ECS bucket's
// sustained rate plus the share's burst, and one call per second (plus
// one) of the others.
func withinBudget(t *testing.T, what string, counts map[string]int, d time.Duration) {
	t.Helper()
	for b, n := range perBucket(counts) {
		limit := int(d.Seconds()) + 1
		if spec, ok := quota.ECS[quota.Bucket(b)]; ok {
			limit = int(spec.Rate*0.10*d.Seconds()) + int(float64(spec.Burst)*0.10)
		}
		if n > limit {
			t.Errorf("%s: %d calls of %s in %v, want ≤ %d", what, n, b, d, limit)
		}
	}
	t.Logf("%s over %v: %v", what, d, perBucket(counts))
}

// TestHeaderSaysTheBudgetShareOnEveryPollingPage: every page the scheduler
// refreshes says, in the header, what share of the budget is in use; a
// task definition revision (fetched once, it never changes) does not.
func TestHeaderSaysTheBudgetShareOnEveryPollingPage(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	e := h.r.env
	pages := []struct {
		name  string
		open  func() page.Page
		polls bool
	}{
		{"clusters", func() page.Page { return newClustersPage(e) }, true},
		{"services", func() page.Page { return newServicesPage(e, "prod") }, true},
		{"service detail", func() page.Page { return newServiceDetailPage(e, "prod", "auth") }, true},
		{"tasks", func() page.Page { return newTasksPage(e, "prod") }, true},
		{"instances", func() page.Page { return newInstancesPage(e, "prod") }, true},
		{"port map", func() page.Page { return newPortMapPage(e, portScope{cluster: "prod"}) }, true},
		{"task definition", func() page.Page { return newTaskDefPage(e, fxTDAuth2) }, false},
	}
	for _, p := range pages {
		h.run(h.r.reset(p.open()))
		if got := strings.Contains(h.screen(), " of 10%"); got != p.polls {
			t.Errorf("%s: header says the budget share: %v, want %v:\n%s", p.name, got, p.polls, strings.SplitN(h.screen(), "\n", 2)[0])
		}
	}
}

// TestInstancesViewReadsClusterSettingsRarely: the capacity header above
// the instances view reads the cluster's settings (or takes them from the
// clusters page) and reads them again only every capacitySettingsEvery (or
// on ctrl+r): left open two minutes after its first load, the view makes
// no cluster read (it made two a minute).
func TestInstancesViewReadsClusterSettingsRarely(t *testing.T) {
	h, _, srv := largeHarness(t, 40, 80, 10)
	h.run(h.r.reset(newInstancesPage(h.r.env, "large")))
	srv.ResetCounts()
	h.idle(2 * time.Minute)
	if n := perBucket(srv.CallCounts())[string(quota.ClusterRead)]; n != 0 {
		t.Errorf("the instances view made %d cluster reads in two minutes, want 0", n)
	}
	h.idle(capacitySettingsEvery)
	if n := srv.Calls("ecs:DescribeClusters"); n != 1 {
		t.Errorf("%d DescribeClusters after %v, want 1", n, capacitySettingsEvery)
	}
	srv.ResetCounts()
	h.keys("ctrl+r")
	if n := srv.Calls("ecs:DescribeClusters"); n != 1 {
		t.Errorf("ctrl+r made %d DescribeClusters, want 1", n)
	}
}

// TestDeployingNames: the services a tasks view watches are those the
// store describes as deploying and those whose running tasks two
// deployments started (a rolling update seen from its tasks alone).
func TestDeployingNames(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	e := h.r.env
	e.store.servicesOf("c").put(t0,
		model.Service{ARN: "arn:s/a", Name: "a", Deployments: []model.Deployment{{Status: model.DeploymentPrimary, RolloutState: model.RolloutInProgress}}},
		model.Service{ARN: "arn:s/b", Name: "b", Deployments: []model.Deployment{{Status: model.DeploymentPrimary, RolloutState: model.RolloutCompleted}}})
	task := func(svc, by, desired string) model.Task {
		return model.Task{Group: "service:" + svc, StartedBy: by, DesiredStatus: desired}
	}
	tasks := []model.Task{
		task("b", "ecs-svc/1", "RUNNING"), task("b", "ecs-svc/1", "RUNNING"),
		task("c", "ecs-svc/1", "RUNNING"), task("c", "ecs-svc/2", "RUNNING"),
		task("d", "ecs-svc/1", "RUNNING"), task("d", "ecs-svc/2", "STOPPED"),
		task("e", "ecs-svc/1", "RUNNING"), task("e", "by-hand", "RUNNING"),
	}
	for _, tt := range []struct {
		only string
		want []string
	}{
		{"", []string{"a", "c"}},
		{"c", []string{"c"}},
		{"b", nil},
	} {
		if got := deployingNames(e, "c", tt.only, tasks); !slices.Equal(got, tt.want) {
			t.Errorf("only %q: %v, want %v", tt.only, got, tt.want)
		}
	}
}

// TestShelf: a later fetch wins, a whole listing forgets what it no longer
// lists, and a scope narrows the whole listing or uses its own, whichever
// is later.
func TestShelf(t *testing.T) {
	s := newShelf(func(t model.Task) string { return t.ARN })
	a := model.Task{ARN: "a", Group: "service:x", LastStatus: "RUNNING"}
	b := model.Task{ARN: "b", Group: "service:y"}
	c := model.Task{ARN: "c", Group: "service:x"}
	s.put(t0.Add(2*time.Second), a, b, c)
	s.put(t0, model.Task{ARN: "a", LastStatus: "PENDING"})
	if got, at, _ := s.get("a"); got.LastStatus != "RUNNING" || !at.Equal(t0.Add(2*time.Second)) {
		t.Errorf("an older fetch replaced a later one: %+v at %v", got, at)
	}
	within := func(t model.Task) bool { return t.ServiceName() == "x" }
	if _, _, ok := s.listing("service:x", within); ok {
		t.Error("a listing with none made")
	}
	s.listed("", []string{"a", "b"}, t0.Add(3*time.Second))
	if _, _, ok := s.get("c"); ok {
		t.Error("the whole listing kept an item it no longer lists")
	}
	if ids, at, ok := s.listing("service:x", within); !ok || !slices.Equal(ids, []string{"a"}) || !at.Equal(t0.Add(3*time.Second)) {
		t.Errorf("narrowed whole listing %v %v %v", ids, at, ok)
	}
	s.listed("service:x", []string{"a", "d"}, t0.Add(4*time.Second))
	if ids, _, _ := s.listing("service:x", within); !slices.Equal(ids, []string{"a", "d"}) {
		t.Errorf("the scope's own later listing not used: %v", ids)
	}
	if _, _, ok := s.listing("stopped", nil); ok {
		t.Error("a scope that cannot narrow the whole listing used it")
	}
}
