package ui

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
)

// metricsWorld is cluster "c" with n one-task services, some minutes old.
func metricsWorld(t *testing.T, n int) *sim.World {
	t.Helper()
	w := sim.New(sim.Options{Seed: 9, Start: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)})
	w.SetLogRate(0)
	w.AddCluster("c")
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 10, InstanceType: "m5.xlarge"})
	if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "app", Containers: []model.ContainerDefinition{{
		Name: "app", Image: "app:1", CPU: 128, Memory: 128, Essential: true}}}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := w.CreateService(sim.ServiceSpec{Cluster: "c", Name: fmt.Sprintf("svc-%02d", i), TaskDefinition: "app", DesiredCount: 1}); err != nil {
			t.Fatal(err)
		}
	}
	w.Advance(6 * time.Minute)
	return w
}

// TestServicesMetricsOneCallPerScreen: a screen of 45 service rows costs
// one GetMetricData call a minute (counted at the wire), whatever the
// refreshes in between; rows scrolled or resized into view join the next
// call.
func TestServicesMetricsOneCallPerScreen(t *testing.T) {
	w := metricsWorld(t, 70)
	client, srv := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "sim", Region: awstest.Region, Cluster: "c"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = w.Now
	})
	h.keys(":svc c", "enter")
	p, ok := h.r.top().(*servicesPage)
	if !ok {
		t.Fatalf("not on services: %s", h.crumbs())
	}
	calls := func() int { return srv.Calls("cloudwatch:GetMetricData") }
	if got := calls(); got != 1 {
		t.Fatalf("opening the services took %d GetMetricData calls, want 1 for the %d rows on screen", got, len(p.tbl.OnScreen()))
	}
	// Make it 45 rows on screen.
	h.send(tea.WindowSizeMsg{Width: 160, Height: 35 + 45 - len(p.tbl.OnScreen())})
	if n := len(p.tbl.OnScreen()); n != 45 {
		t.Fatalf("%d rows on screen, want 45", n)
	}
	// step moves the world to the scheduler's next wake-up and fires it, so
	// the adapter's clock and the scheduler's agree.
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
	for i := 0; calls() < 2; i++ {
		if i > 3 {
			t.Fatal("the rows resized into view got no metrics")
		}
		step()
	}
	if !strings.Contains(h.screen(), "%") {
		t.Fatalf("no utilisation on screen:\n%s", h.screen())
	}
	first := w.Now()
	for w.Now().Sub(first) < 55*time.Second {
		step()
	}
	if got := calls(); got != 2 {
		t.Fatalf("refreshes within the minute: %d GetMetricData calls in all, want still 2", got)
	}
	for minute := 1; minute <= 3; minute++ {
		for w.Now().Sub(first) < time.Duration(minute)*time.Minute+time.Second {
			step()
		}
		if got := calls(); got != 2+minute {
			t.Fatalf("minute %d: %d GetMetricData calls in all, want %d (one a minute for the 45 rows)", minute, got, 2+minute)
		}
	}
	if got := srv.Calls("ecs:DescribeServices"); got == 0 {
		t.Fatal("the services themselves were not refreshed")
	}
}

func TestSparkline(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		values []float64
		width  int
		max    float64
		want   string
	}{
		{[]float64{0, 50, 100}, 3, 100, "▁▅█"},
		{[]float64{nan, nan, 10, 10}, 2, 100, " ▂"},
		{[]float64{1, 2, 3, 4, 5, 6}, 3, 0, "▁▅█"},
		{[]float64{7, 7}, 2, 0, "▁▁"},
		{nil, 4, 100, ""},
	} {
		if got := sparkline(tc.values, tc.width, tc.max); got != tc.want {
			t.Errorf("sparkline(%v, %d, %v) = %q, want %q", tc.values, tc.width, tc.max, got, tc.want)
		}
	}
}

// TestServiceDetailNumbers: the demo's random, opened on its detail page,
// shows its utilisation, its target group's traffic and its autoscaling;
// a service without a scalable target says so.
func TestServiceDetailNumbers(t *testing.T) {
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, srv := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region, Cluster: "playground"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = w.Now
	})
	h.send(tea.WindowSizeMsg{Width: 160, Height: 60})
	srv.ResetCounts() // the services of the context's cluster opened first
	h.run(h.r.push(newServiceDetailPage(h.r.env, "playground", "random")))
	for _, want := range []string{
		"Utilisation (last hour)", "CPU", "Memory",
		"Target group random on stage01-alb", "Requests", "/min", "Target 5xx", "Response time", " ms",
		"Auto scaling", "min 2 · max 12 · desired 4", "random-cpu50: target tracking, average CPU at 50 % (cooldowns: out 1m, in 5m)",
		"business-hours cron(0 8 ? * MON-FRI *) → min 4, max 12", "next ",
	} {
		h.contains(want)
	}
	if n := srv.Calls("cloudwatch:GetMetricData"); n != 1 {
		t.Fatalf("the detail's numbers took %d GetMetricData calls, want 1\n%v\n%s", n, srv.CallCounts(), h.screen())
	}
	h.run(h.r.push(newServiceDetailPage(h.r.env, "playground", "auth")))
	h.contains("no scalable target: Application Auto Scaling does not manage this service's desired count")
}

// TestMetricsSteadyCost measures what each view with numbers costs at
// steady state (the demo, five minutes after the first load), per bucket
// of the calls this feature adds, and holds it to one GetMetricData call a
// minute per screen.
func TestMetricsSteadyCost(t *testing.T) {
	for _, v := range []struct {
		name  string
		open  func(e *env) page.Page
		limit map[string]int            // calls in 5 minutes, per action
		shows func(w *sim.World) string // on screen at the end
	}{
		{"services", func(e *env) page.Page { return newServicesPage(e, "playground") },
			map[string]int{"cloudwatch:GetMetricData": 5}, nil},
		// The capacity provider's reservation comes in the rows' call.
		{"clusters", func(e *env) page.Page { return newClustersPage(e) },
			map[string]int{"cloudwatch:GetMetricData": 5}, func(w *sim.World) string {
				return fmt.Sprintf("(scaling %.0f%%/100%% · MTP", reservationOf(w, "prod-ecs-cp"))
			}},
		{"instances", func(e *env) page.Page { return newInstancesPage(e, "prod") },
			map[string]int{"cloudwatch:GetMetricData": 5}, func(w *sim.World) string {
				return fmt.Sprintf("CapacityProviderReservation %.0f%% (CloudWatch, ", reservationOf(w, "prod-ecs-cp"))
			}},
		{"port map", func(e *env) page.Page { return newPortMapPage(e, portScope{cluster: "playground", service: "random"}) },
			map[string]int{"cloudwatch:GetMetricData": 5}, nil},
		{"service detail", func(e *env) page.Page { return newServiceDetailPage(e, "playground", "random") },
			map[string]int{"cloudwatch:GetMetricData": 5, "elasticloadbalancing:DescribeTargetGroups": 5,
				"application-autoscaling:DescribeScalableTargets": 5, "application-autoscaling:DescribeScalingPolicies": 5,
				"application-autoscaling:DescribeScheduledActions": 5, "application-autoscaling:DescribeScalingActivities": 5}, nil},
	} {
		t.Run(v.name, func(t *testing.T) {
			w := sim.NewDemo(1)
			w.SetLogRate(0)
			client, srv := awstest.Start(t, w)
			h := newHarness(t, nil, func(d *Deps) {
				d.Contexts = []Context{{Name: "demo", Region: awstest.Region}}
				d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
				d.Now = w.Now
			})
			h.send(tea.WindowSizeMsg{Width: 200, Height: 50})
			h.run(h.r.push(v.open(h.r.env)))
			step := func() {
				if at := h.r.env.loop.wakeAt; !at.IsZero() {
					if d := at.Sub(w.Now()); d > 0 {
						w.Advance(d)
					}
				}
				if h.fire(isPageTick) == 0 {
					t.Fatal("no tick pending")
				}
			}
			for start := w.Now(); w.Now().Sub(start) < 30*time.Second; {
				step() // past the first loads
			}
			srv.ResetCounts()
			start := w.Now()
			for w.Now().Sub(start) < 5*time.Minute {
				step()
			}
			got := srv.CallCounts()
			var lines []string
			for action, n := range got {
				if !strings.HasPrefix(action, "ecs:") {
					lines = append(lines, fmt.Sprintf("%s %.1f/min", action, float64(n)/5))
				}
			}
			slices.Sort(lines)
			t.Logf("%s, steady state: %s", v.name, strings.Join(lines, ", "))
			for action, limit := range v.limit {
				if got[action] > limit {
					t.Errorf("%s: %d calls in 5 minutes, want at most %d", action, got[action], limit)
				}
			}
			if got["cloudwatch:GetMetricData"] == 0 {
				t.Error("no metrics were refreshed")
			}
			if v.shows != nil {
				h.contains(v.shows(w))
			}
		})
	}
}

// reservationOf is the simulated ECS's last CapacityProviderReservation of a provider.
func reservationOf(w *sim.World, provider string) float64 {
	cpr, _, _, ok := w.CapacityProviderReservation(provider)
	if !ok {
		panic("managed scaling of " + provider + " has not evaluated")
	}
	return cpr
}
