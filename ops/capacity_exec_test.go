package ops

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

const (
	cpOldAMI = "ami-0old"
	cpNewAMI = "ami-0new"
)

// cpWorld is cluster "cp" on group "cp-asg" (4 × m5.large, min 2, max 8)
// behind capacity provider "cp-cp" with managed scaling (target 100 %),
// managed termination protection and managed draining. The group launches
// launch template version ltVersion of "cp-lt" (1: the old AMI, 2: the new);
// old names the instances put back on version 1. Services: web (4 tasks, one
// per instance, minimum healthy 100 %, behind a target group) and api (2
// tasks, minimum healthy 50 %).
func cpWorld(t *testing.T, ltVersion string, old int) (*sim.World, []string) {
	t.Helper()
	w := sim.New(sim.Options{Seed: 11, Start: simStart})
	w.SetLogRate(0)
	ids := w.AddAutoScalingGroup(sim.ASGSpec{Name: "cp-asg", Cluster: "cp", Size: 4, MinSize: 2, MaxSize: 8,
		AMI: cpNewAMI, AgentVersion: "1.89.2", OlderImages: []sim.ImageVersion{{AMI: cpOldAMI, AgentVersion: "1.86.3"}},
		LaunchTemplateName: "cp-lt", LaunchTemplateVersion: ltVersion, InstanceWarmup: 30 * time.Second})
	for _, id := range ids[:old] {
		if err := w.SetInstanceImage(id, cpOldAMI, "1.86.3"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.AddCapacityProvider(sim.CapacityProviderSpec{Name: "cp-cp", Group: "cp-asg", Cluster: "cp", Default: true,
		ManagedScaling: true, ManagedTerminationProtection: true, ManagedDraining: true}); err != nil {
		t.Fatal(err)
	}
	mustRegister(t, w, model.TaskDefinition{Family: "web", NetworkMode: "bridge", Containers: []model.ContainerDefinition{
		{Name: "web", Image: "nginx:1.25", CPU: 256, Memory: 512, Essential: true, PortMappings: []model.PortMapping{{ContainerPort: 80}}}}})
	mustRegister(t, w, model.TaskDefinition{Family: "api", NetworkMode: "bridge", Containers: []model.ContainerDefinition{
		{Name: "api", Image: "api:1", CPU: 256, Memory: 512, Essential: true}}})
	tg := w.AddTargetGroup(sim.TargetGroupSpec{Name: "web", HealthCheckInterval: 5 * time.Second})
	for _, s := range []sim.ServiceSpec{
		{Cluster: "cp", Name: "web", TaskDefinition: "web", DesiredCount: 4, HealthCheckGracePeriod: 30 * time.Second,
			LoadBalancers:           []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 80}},
			PlacementConstraints:    []model.PlacementConstraint{{Type: "distinctInstance"}},
			DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200}},
		{Cluster: "cp", Name: "api", TaskDefinition: "api", DesiredCount: 2,
			DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200}},
	} {
		if _, err := w.CreateService(s); err != nil {
			t.Fatal(err)
		}
	}
	w.Advance(3 * time.Minute)
	return w, ids
}

// guard checks the promises of a replacement after every step of simulated
// time: no service below its minimum healthy percent, and no instance that
// launched since the guard started terminated (managed scaling never takes
// a replacement back).
type guard struct {
	t          *testing.T
	w          *sim.World
	cluster    string
	group      string
	start      time.Time
	before     []string
	violations []string
	launched   []string
}

func newGuard(t *testing.T, w *sim.World, cluster, group string) *guard {
	g := &guard{t: t, w: w, cluster: cluster, group: group, start: w.Now()}
	for _, in := range w.DescribeAutoScalingGroups([]string{group})[0].Instances {
		g.before = append(g.before, in.InstanceID)
	}
	return g
}

func (g *guard) check() {
	arns, _ := g.w.ListServices(g.cluster)
	svcs, _, _ := g.w.DescribeServices(g.cluster, arns)
	for _, s := range svcs {
		if floor := (s.DesiredCount*s.DeploymentConfiguration.MinimumHealthyPercent + 99) / 100; s.RunningCount < floor {
			g.violations = append(g.violations, fmt.Sprintf("%s: %s runs %d, below its minimum healthy %d", g.w.Now().Format("15:04:05"), s.Name, s.RunningCount, floor))
		}
	}
	for _, in := range g.w.DescribeAutoScalingGroups([]string{g.group})[0].Instances {
		if slices.Contains(g.before, in.InstanceID) {
			continue
		}
		if !slices.Contains(g.launched, in.InstanceID) {
			g.launched = append(g.launched, in.InstanceID)
		}
		if strings.HasPrefix(in.LifecycleState, model.LifecycleTerminating) {
			g.violations = append(g.violations, fmt.Sprintf("%s: replacement %s is %s", g.w.Now().Format("15:04:05"), in.InstanceID, in.LifecycleState))
		}
	}
}

// runner advances the world at each wait and checks the guard.
func (g *guard) runner(poll time.Duration) *Runner {
	r := advancing(g.w, poll)
	r.Wait = func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for range int(d / time.Second) {
			g.w.Advance(time.Second)
			g.check()
		}
		return nil
	}
	return r
}

func (g *guard) assertClean() {
	g.t.Helper()
	seen := map[string]bool{}
	for _, v := range g.violations {
		if !seen[v] {
			g.t.Error(v)
			seen[v] = true
		}
		if len(seen) > 10 {
			break
		}
	}
}

// inServiceAMIs returns the AMI of every in-service instance of the group.
func inServiceAMIs(t *testing.T, w *sim.World, cluster, group string) map[string]string {
	t.Helper()
	var ids []string
	for _, in := range w.DescribeAutoScalingGroups([]string{group})[0].Instances {
		if in.LifecycleState == model.LifecycleInService {
			ids = append(ids, in.InstanceID)
		}
	}
	hosts, err := w.DescribeInstances(ids)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, h := range hosts {
		out[h.InstanceID] = h.ImageID
	}
	return out
}

func TestRollingDrainOnCapacityProviderCluster(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w, ids := cpWorld(t, "2", 2)
	api := apiFor(t, w)
	ctx := context.Background()
	st, err := GatherCluster(ctx, api, "cp")
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{AMI: cpOldAMI}
	o := DrainOptions{Batch: 1}
	p := PlanDrainWith(st, sel, o)
	if p.Blocked() || !strings.Contains(p.Text(), "runs on capacity provider cp-cp") {
		t.Fatalf("plan:\n%s", p.Text())
	}
	g := newGuard(t, w, "cp", "cp-asg")
	r := g.runner(5 * time.Second)
	run := NewDrainRunWith(st, sel, o, w.Now(), "test")
	res := r.Drain(ctx, api, p, run, DrainControl{})
	if res.Outcome != OutcomeSuccess {
		t.Fatalf("drain: %s %s %v\n%s", res.Outcome, res.Message, res.NotDone, p.Text())
	}
	t.Logf("drain: %s; done %v; instances launched meanwhile %v", res.Message, res.Done, g.launched)
	// ECS keeps its idle instance a while: watch 10 more minutes.
	for range 600 {
		w.Advance(time.Second)
		g.check()
	}
	g.assertClean()
	amis := inServiceAMIs(t, w, "cp", "cp-asg")
	for _, id := range ids[:2] {
		if _, ok := amis[id]; ok {
			t.Errorf("old instance %s still in service", id)
		}
	}
	for id, ami := range amis {
		if ami != cpNewAMI {
			t.Errorf("%s runs %s", id, ami)
		}
	}
	for _, ip := range res.Instances {
		if ip.State != DrainReplaced || ip.Replacement == "" {
			t.Errorf("%s ended %s (%s)", ip.EC2InstanceID, ip.State, ip.Note)
		}
	}
}

func TestRollingDrainLettingECSDrain(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w, _ := cpWorld(t, "2", 2)
	api := apiFor(t, w)
	ctx := context.Background()
	st, err := GatherCluster(ctx, api, "cp")
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{AMI: cpOldAMI}
	o := DrainOptions{Batch: 1, ECSDrains: true}
	p := PlanDrainWith(st, sel, o)
	if p.Blocked() {
		t.Fatalf("plan:\n%s", p.Text())
	}
	g := newGuard(t, w, "cp", "cp-asg")
	r := g.runner(5 * time.Second)
	var notes []string
	r.Emit = func(e Event) {
		for _, ip := range e.Instances {
			if ip.State == DrainECS && !slices.Contains(notes, ip.Note) {
				notes = append(notes, ip.Note)
			}
		}
	}
	res := r.Drain(ctx, api, p, NewDrainRunWith(st, sel, o, w.Now(), "test"), DrainControl{})
	if res.Outcome != OutcomeSuccess {
		t.Fatalf("drain: %s %s %v", res.Outcome, res.Message, res.NotDone)
	}
	g.assertClean()
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.HasPrefix(n, "Terminating:Wait — ECS is draining it") }) {
		t.Errorf("the board never said ECS was draining: %q", notes)
	}
}

func TestDrainBlockedByInstanceRefresh(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w, _ := cpWorld(t, "2", 2)
	api := apiFor(t, w)
	ctx := context.Background()
	min100 := 100
	if _, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "cp-asg", Desired: &model.LaunchTemplateRef{Name: "cp-lt", Version: "2"},
		Preferences: model.RefreshPreferences{MinHealthyPercentage: &min100, SkipMatching: true, ScaleInProtectedInstances: model.ProtectedRefresh}}); err != nil {
		t.Fatal(err)
	}
	w.Advance(5 * time.Second)
	st, err := GatherCluster(ctx, api, "cp")
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{AMI: cpOldAMI}
	p := PlanDrainWith(st, sel, DrainOptions{Batch: 1})
	if !p.Blocked() || p.Overridable || !strings.Contains(p.Text(), "an instance refresh is in progress on cp-asg") {
		t.Fatalf("plan not refused:\n%s", p.Text())
	}
	r := advancing(w, 5*time.Second)
	r.Override = true
	res := r.Drain(ctx, api, p, NewDrainRunWith(st, sel, DrainOptions{Batch: 1}, w.Now(), "test"), DrainControl{})
	if res.Outcome != OutcomeRefused {
		t.Fatalf("drain ran: %s %s", res.Outcome, res.Message)
	}
	// The choice to watch it instead: the watch follows it to its end.
	g, err := GroupOfCluster(st)
	if err != nil {
		t.Fatal(err)
	}
	wp := Plan{Action: ActionRefresh, Cluster: "cp", Target: g.Group.Name, Summary: "watch"}
	wres := r.WatchRefresh(ctx, api.(RefreshAPI), wp, RefreshWatch{Cluster: "cp", Group: g.Group.Name})
	if wres.Outcome != OutcomeSuccess {
		t.Errorf("watch: %s %s", wres.Outcome, wres.Message)
	}
}

func TestDrainPausesWhenARefreshStartsBetweenBatches(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w, _ := cpWorld(t, "2", 2)
	api := apiFor(t, w)
	ctx := context.Background()
	st, err := GatherCluster(ctx, api, "cp")
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{AMI: cpOldAMI}
	p := PlanDrainWith(st, sel, DrainOptions{Batch: 1})
	r := advancing(w, 5*time.Second)
	started := false
	r.Emit = func(e Event) {
		if e.Step == "replace" && !started {
			started = true
			if _, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "cp-asg",
				Preferences: model.RefreshPreferences{SkipMatching: true, ScaleInProtectedInstances: model.ProtectedIgnore}}); err != nil {
				t.Error(err)
			}
		}
	}
	res := r.Drain(ctx, api, p, NewDrainRunWith(st, sel, DrainOptions{Batch: 1}, w.Now(), "test"), DrainControl{})
	if res.Outcome != OutcomePartial || !strings.Contains(res.Message, "an instance refresh is in progress on cp-asg") {
		t.Fatalf("drain: %s %s", res.Outcome, res.Message)
	}
}

func TestRefreshStrategyEndToEnd(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w, ids := cpWorld(t, "2", 2)
	api := apiFor(t, w)
	ctx := context.Background()
	st, err := GatherCluster(ctx, api, "cp")
	if err != nil {
		t.Fatal(err)
	}
	p := PlanRefresh(st, Selection{AMI: cpOldAMI}, RefreshOptions{MinHealthy: ptr(100)})
	if p.Blocked() {
		t.Fatalf("plan:\n%s", p.Text())
	}
	g := newGuard(t, w, "cp", "cp-asg")
	r := g.runner(5 * time.Second)
	j := &Journal{Path: t.TempDir() + "/journal.jsonl"}
	r.Journal = j
	var last *RefreshProgress
	r.Emit = func(e Event) {
		if e.Refresh != nil {
			last = e.Refresh
		}
	}
	res := r.StartRefresh(ctx, api.(RefreshAPI), p, WatchFor(st, p, false))
	if res.Outcome != OutcomeSuccess || res.RefreshID == "" {
		t.Fatalf("refresh: %s %s %v", res.Outcome, res.Message, res.NotDone)
	}
	g.assertClean()
	amis := inServiceAMIs(t, w, "cp", "cp-asg")
	for _, id := range ids[:2] {
		if _, ok := amis[id]; ok {
			t.Errorf("old instance %s still in service", id)
		}
	}
	if last == nil || last.Refresh.Status != model.RefreshSuccessful || len(last.Instances) == 0 {
		t.Errorf("last observation: %+v", last)
	}
	entries, err := j.Actions()
	if err != nil || len(entries) != 1 || entries[0].Action != ActionRefresh || entries[0].Outcome != OutcomeSuccess {
		t.Errorf("journal: %+v %v", entries, err)
	}
}

func TestRefreshStrategyCancel(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w, _ := cpWorld(t, "2", 2)
	api := apiFor(t, w)
	ctx := context.Background()
	st, err := GatherCluster(ctx, api, "cp")
	if err != nil {
		t.Fatal(err)
	}
	delay := 10 * time.Minute
	p := PlanRefresh(st, Selection{AMI: cpOldAMI}, RefreshOptions{MinHealthy: ptr(100), Checkpoints: []int{50, 100}, CheckpointDelay: &delay})
	if p.Blocked() {
		t.Fatalf("plan:\n%s", p.Text())
	}
	r := advancing(w, 5*time.Second)
	cancelled := false
	r.Emit = func(e Event) {
		if e.Refresh != nil && e.Refresh.Refresh.PercentageComplete >= 50 && !cancelled {
			cancelled = true
			// At the checkpoint, the user cancels from another terminal.
			cst, err := GatherCluster(ctx, api, "cp")
			if err != nil {
				t.Error(err)
				return
			}
			cp := PlanRefreshCancel("cp", cst.Capacity.Group("cp-asg"))
			if cp.Blocked() {
				t.Errorf("cancel plan:\n%s", cp.Text())
				return
			}
			if cres := advancing(w, 5*time.Second).CancelRefresh(ctx, api.(RefreshAPI), cp, RefreshWatch{Cluster: "cp", Group: "cp-asg"}, false); cres.Outcome != OutcomeSuccess {
				t.Errorf("cancel: %s %s", cres.Outcome, cres.Message)
			}
		}
	}
	res := r.StartRefresh(ctx, api.(RefreshAPI), p, WatchFor(st, p, false))
	if !cancelled {
		t.Fatal("never reached the checkpoint")
	}
	if res.Outcome != OutcomePartial || !strings.Contains(res.Message, "Cancelled") {
		t.Fatalf("refresh after cancel: %s %s %v", res.Outcome, res.Message, res.NotDone)
	}
	amis := inServiceAMIs(t, w, "cp", "cp-asg")
	old := 0
	for _, ami := range amis {
		if ami == cpOldAMI {
			old++
		}
	}
	if old != 1 {
		t.Errorf("%d old instances after a cancel at 50%% of 2, want 1", old)
	}
}

func TestRefreshStrategyRollback(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w, _ := cpWorld(t, "1", 0)
	api := apiFor(t, w)
	ctx := context.Background()
	st, err := GatherCluster(ctx, api, "cp")
	if err != nil {
		t.Fatal(err)
	}
	p := PlanRefresh(st, Selection{AMI: cpOldAMI}, RefreshOptions{MinHealthy: ptr(100), Version: "2"})
	if p.Blocked() || !strings.Contains(p.Text(), "rollback possible") {
		t.Fatalf("plan:\n%s", p.Text())
	}
	r := advancing(w, 5*time.Second)
	rolled := false
	r.Emit = func(e Event) {
		if e.Refresh != nil && e.Refresh.Refresh.PercentageComplete >= 25 && !rolled {
			rolled = true
			cst, err := GatherCluster(ctx, api, "cp")
			if err != nil {
				t.Error(err)
				return
			}
			rp := PlanRefreshRollback("cp", cst.Capacity.Group("cp-asg"))
			if rres := advancing(w, 5*time.Second).RollbackRefresh(ctx, api.(RefreshAPI), rp, RefreshWatch{Cluster: "cp", Group: "cp-asg"}, false); rres.Outcome != OutcomeSuccess {
				t.Errorf("rollback: %s %s\n%s", rres.Outcome, rres.Message, rp.Text())
			}
		}
	}
	res := r.StartRefresh(ctx, api.(RefreshAPI), p, WatchFor(st, p, false))
	if !rolled || res.Outcome != OutcomeFailed || !strings.Contains(res.Message, model.RefreshRollbackSuccessful) {
		t.Fatalf("refresh after rollback: %s %s %v", res.Outcome, res.Message, res.NotDone)
	}
	for id, ami := range inServiceAMIs(t, w, "cp", "cp-asg") {
		if ami != cpOldAMI {
			t.Errorf("%s runs %s after the rollback", id, ami)
		}
	}
}

// clocked is the adapter with the simulated world's clock, so the metrics
// window is the world's.
type clocked struct {
	readers
	w *sim.World
}

type readers interface {
	API
	CapacityReader
	metricsReader
}

func (c clocked) Now() time.Time { return c.w.Now() }

// TestGatherReadsReservation: the drain plan's state carries CloudWatch's
// CapacityProviderReservation, as the simulated ECS published it, read
// through the adapter's metrics cache; a reader without CloudWatch's
// datapoints leaves it to the plan's estimate.
func TestGatherReadsReservation(t *testing.T) {
	w, _ := cpWorld(t, "2", 2)
	api, srv := startAdapter(t, w, false)
	st, err := GatherCluster(context.Background(), clocked{api.(readers), w}, "cp")
	if err != nil {
		t.Fatal(err)
	}
	want, _, _, ok := w.CapacityProviderReservation("cp-cp")
	g := st.Capacity.Group("cp-asg")
	if !ok || g == nil || g.Reservation == nil || g.Reservation.Percent != want {
		t.Fatalf("reservation %+v, want %v (%v)", g.Reservation, want, ok)
	}
	text := PlanDrainWith(st, Selection{AMI: cpOldAMI}, DrainOptions{Batch: 1}).Text()
	if !strings.Contains(text, fmt.Sprintf("CapacityProviderReservation %.0f%% in CloudWatch at ", want)) {
		t.Errorf("plan:\n%s", text)
	}
	if n := srv.Calls("cloudwatch:GetMetricData"); n != 1 {
		t.Errorf("%d GetMetricData calls, want 1", n)
	}
	// Gathering again within the minute (a drain's rounds) asks nothing more.
	if _, err := GatherCluster(context.Background(), clocked{api.(readers), w}, "cp"); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("cloudwatch:GetMetricData"); n != 1 {
		t.Errorf("a second gather within the minute: %d GetMetricData calls, want still 1", n)
	}

	st, err = GatherCluster(context.Background(), inProcess(w), "cp")
	if err != nil {
		t.Fatal(err)
	}
	if g := st.Capacity.Group("cp-asg"); g == nil || g.Reservation != nil {
		t.Fatalf("without CloudWatch: %+v", g)
	}
	if text := PlanDrainWith(st, Selection{AMI: cpOldAMI}, DrainOptions{Batch: 1}).Text(); !strings.Contains(text, "% estimated, target 100%") {
		t.Errorf("plan without the metric:\n%s", text)
	}
}
