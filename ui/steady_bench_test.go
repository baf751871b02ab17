package ui

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/sched"
)

// The large account: one cluster of 2,345 services, 5,000 tasks and
// 1,000 instances behind 50 ms per request, with AWS's throttle buckets.
const (
	steadyServices  = 2345
	steadyTasks     = 5000
	steadyInstances = 1000
	steadyLatency   = 50 * time.Millisecond
	steadyWindow    = 60 * time.Second
	steadySettle    = 20 * time.Second
)

// benchOpen asks the bench model to show a page built on the live env.
type benchOpen struct{ build func(e *env) page.Page }

// benchProbe asks the bench model for the top page's refresh state.
type benchProbe struct{ reply chan refreshState }

// benchModel runs the root in a real Bubble Tea program (real timers, real
// concurrency) and lets the benchmark open pages and ask how they are.
type benchModel struct{ r *root }

func (m benchModel) Init() tea.Cmd { return m.r.Init() }

func (m benchModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case benchOpen:
		if m.r.env == nil {
			return m, nil
		}
		return m, m.r.reset(msg.build(m.r.env))
	case benchProbe:
		var s refreshState
		if rf, ok := m.r.top().(refresher); ok && m.r.env != nil {
			s = rf.RefreshState()
		}
		msg.reply <- s
		return m, nil
	}
	_, cmd := m.r.Update(msg)
	return m, cmd
}

func (m benchModel) View() tea.View { return tea.NewView("") }

// BenchmarkSteadyStateLarge leaves each view open on the large account and
// reports the calls per second per throttle bucket after the first load.
func BenchmarkSteadyStateLarge(b *testing.B) {
	world := sim.NewLarge(1, sim.LargeOptions{Services: steadyServices, Tasks: steadyTasks, Instances: steadyInstances})
	svc := "api-0000"
	views := []struct {
		name  string
		build func(e *env) page.Page
	}{
		{"services", func(e *env) page.Page { return newServicesPage(e, "large") }},
		{"tasks", func(e *env) page.Page { return newTasksPage(e, "large") }},
		{"service-tasks", func(e *env) page.Page { return newServiceTasksPage(e, "large", svc) }},
		{"instances", func(e *env) page.Page { return newInstancesPage(e, "large") }},
		{"portmap", func(e *env) page.Page { return newPortMapPage(e, portScope{cluster: "large"}) }},
		{"service-detail", func(e *env) page.Page { return newServiceDetailPage(e, "large", svc) }},
	}
	for _, v := range views {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				client, srv := awstest.StartWith(b, world, awstest.Options{Throttling: true, Latency: steadyLatency})
				r, err := newRoot(Deps{
					Contexts: []Context{{Name: "large", Region: awstest.Region}},
					Connect:  func(context.Context, Context) (Backend, error) { return client, nil },
				})
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				// The window size is an option: without a terminal the
				// program would otherwise report 0×0, and no row is on screen.
				p := tea.NewProgram(benchModel{r}, tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(io.Discard),
					tea.WithoutRenderer(), tea.WithoutSignals(), tea.WithWindowSize(120, 40))
				done := make(chan struct{})
				go func() { defer close(done); _, _ = p.Run() }()
				p.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
				probe := func() refreshState {
					ch := make(chan refreshState, 1)
					p.Send(benchProbe{reply: ch})
					return <-ch
				}
				for r := probe(); !r.Loaded; r = probe() { // connected and clusters shown
					time.Sleep(50 * time.Millisecond)
				}
				start := time.Now()
				p.Send(benchOpen{build: v.build})
				time.Sleep(100 * time.Millisecond)
				for s := probe(); !s.Loaded; s = probe() {
					time.Sleep(50 * time.Millisecond)
				}
				load := time.Since(start)
				// Let the first load's tail (enrichment, a refresh already
				// under way) pass and the budget's burst be spent, then
				// count a window of leaving it open.
				time.Sleep(steadySettle)
				srv.ResetCounts()
				time.Sleep(steadyWindow)
				counts := srv.CallCounts()
				cancel()
				<-done
				r.closeAll()
				reportSteady(b, v.name, load, counts, steadyWindow)
			}
		})
	}
}

// reportSteady prints calls/s per bucket over the window, next to the
// steady-state budget (10 % of ECS's sustained rate, 1/s for the others).
func reportSteady(b *testing.B, view string, load time.Duration, counts map[string]int, window time.Duration) {
	perBucket := map[string]int{}
	for op, n := range counts {
		perBucket[bucketOfAction(op)] += n
	}
	var names []string
	for k := range perBucket {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		rate := float64(perBucket[k]) / window.Seconds()
		budget := 1.0
		if spec, ok := quota.ECS[quota.Bucket(k)]; ok {
			budget = spec.Rate * sched.DefaultShare
		}
		parts = append(parts, fmt.Sprintf("%s %.2f/s (budget %.1f/s)", k, rate, budget))
		b.ReportMetric(rate, k+"/s")
	}
	if len(parts) == 0 {
		parts = append(parts, "no calls")
	}
	b.Logf("%-14s first load %v; steady state over %v: %s", view, load.Round(10*time.Millisecond), window, strings.Join(parts, ", "))
}

// BenchmarkSweepPeriodLarge measures, on the manual clock, how long a full
// background sweep of the large account's services, tasks and instances
// takes at a 10 %, 25 % and 50 % budget with the view open (rows on screen
// refreshed every interval besides): the age the header shows for the
// oldest row.
func BenchmarkSweepPeriodLarge(b *testing.B) {
	world := sim.NewLarge(1, sim.LargeOptions{Services: steadyServices, Tasks: steadyTasks, Instances: steadyInstances})
	client, _ := awstest.Start(b, world)
	views := []struct {
		name  string
		build func(e *env) page.Page
		// sw is the page's last full sweep's end, and false while it
		// refreshes whole (its whole fetch fits the share's burst).
		sw func(p page.Page) (time.Time, bool)
	}{
		{"services", func(e *env) page.Page { return newServicesPage(e, "large") },
			func(p page.Page) (time.Time, bool) { return lastFull(p.(*servicesPage).listPage) }},
		{"tasks", func(e *env) page.Page { return newTasksPage(e, "large") },
			func(p page.Page) (time.Time, bool) { return lastFull(p.(*tasksPage).listPage) }},
		{"instances", func(e *env) page.Page { return newInstancesPage(e, "large") },
			func(p page.Page) (time.Time, bool) { return lastFull(p.(*instancesPage).listPage) }},
	}
	for _, v := range views {
		for _, share := range []float64{0.10, 0.25, 0.50} {
			b.Run(fmt.Sprintf("%s-%d%%", v.name, int(share*100)), func(b *testing.B) {
				for b.Loop() {
					h := newHarness(b, nil, func(d *Deps) {
						d.Contexts = []Context{{Name: "large", Region: awstest.Region}}
						d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
						d.APIBudget = share
					})
					h.run(h.r.reset(v.build(h.r.env)))
					top := h.r.top()
					// Two round ends after the first load: the second minus
					// the first is one full sweep.
					var ends []time.Time
					h.idle(time.Second)
					last, piecemeal := v.sw(top)
					if !piecemeal {
						b.ReportMetric(DefaultRefreshInterval.Seconds(), "sweep-s")
						b.Logf("%-9s at %2.0f%% of the budget: the whole list every %v (it fits the share's burst)",
							v.name, share*100, DefaultRefreshInterval)
						h.r.closeAll()
						continue
					}
					for len(ends) < 2 {
						h.idle(time.Second)
						if t, _ := v.sw(top); !t.Equal(last) {
							ends = append(ends, t)
							last = t
						}
						if h.r.env.clock().Sub(t0) > time.Hour {
							b.Fatalf("%s: no full sweep in an hour", v.name)
						}
					}
					period := ends[1].Sub(ends[0])
					b.ReportMetric(period.Seconds(), "sweep-s")
					b.Logf("%-9s at %2.0f%% of the budget: a full sweep every %v", v.name, share*100, period.Round(time.Second))
					h.r.closeAll()
				}
			})
		}
	}
}

// lastFull is when a list page's last background sweep round ended (zero
// while it refreshes whole).
func lastFull[T any](p *listPage[T]) (time.Time, bool) {
	if p.sw == nil {
		return time.Time{}, false
	}
	return p.sw.lastFull, true
}

// bucketOfAction names the throttle bucket of a wire action.
func bucketOfAction(action string) string {
	svc, op, _ := strings.Cut(action, ":")
	if svc != "ecs" {
		return svc + ":read"
	}
	switch {
	case strings.Contains(op, "Cluster"):
		return "ecs:cluster-read"
	case strings.Contains(op, "ContainerInstance"):
		return "ecs:instance-read"
	case strings.Contains(op, "TaskDefinition"):
		return "ecs:taskdef-read"
	case strings.Contains(op, "Service"):
		return "ecs:service-read"
	case strings.Contains(op, "Task"):
		return "ecs:task-read"
	}
	return "ecs:other"
}
