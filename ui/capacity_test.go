package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestDemoCapacityThroughRealStack shows the demo's capacity providers: the
// clusters' strategies, prod's provider and its managed features above its
// instances, scale-in protection and lifecycle per instance, and a refresh
// with an instance held in Terminating:Wait; playground stays classic.
func TestDemoCapacityThroughRealStack(t *testing.T) {
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, srv := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = nil
	})
	cpr, _, _, ok := w.CapacityProviderReservation("prod-ecs-cp")
	if !ok {
		t.Fatal("the demo's managed scaling has not evaluated")
	}
	// Managed scaling: CloudWatch's reservation over the target.
	h.send(tea.WindowSizeMsg{Width: 160, Height: 35})
	h.contains(fmt.Sprintf("prod-ecs-cp weight 1 (scaling %.0f%%/100%% · MTP · draining)", cpr))

	srv.ResetCounts()

	h.keys(":ci prod", "enter")
	h.contains("prod-ecs-asg: capacity provider prod-ecs-cp (default strategy base 0 weight 1), desired 6 (min 6, max 10)")
	h.contains("managed scaling ENABLED (target 100%) · termination protection ENABLED · managed draining ENABLED")
	// CloudWatch's value, as the simulated ECS published it (daemon tasks
	// do not count, so it is below the 6 of 6 instances with a task).
	h.contains(fmt.Sprintf("CapacityProviderReservation %.0f%% (CloudWatch, ", cpr))
	h.contains("· 6 of 6 instances in use")
	h.lacks("estimated")
	if n := srv.Calls("cloudwatch:GetMetricData"); n != 1 {
		t.Errorf("the instances and their provider's reservation took %d GetMetricData calls, want 1", n)
	}
	h.contains("LIFECYCLE")

	// The service detail of a service on the provider: the same value,
	// in the detail's one GetMetricData call.
	srv.ResetCounts()
	h.run(h.r.push(newServiceDetailPage(h.r.env, "prod", "billing-api")))
	h.contains(fmt.Sprintf("prod-ecs-cp: managed scaling target 100%%, reservation %.0f%% (CloudWatch, ", cpr))
	if n := srv.Calls("cloudwatch:GetMetricData"); n != 1 {
		t.Errorf("the detail took %d GetMetricData calls, want 1", n)
	}
	h.keys("esc")
	h.contains("InService")

	min100 := 100
	if _, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "prod-ecs-asg", Desired: &model.LaunchTemplateRef{Name: "prod-ecs-lt", Version: "2"},
		Preferences: model.RefreshPreferences{MinHealthyPercentage: &min100, SkipMatching: true, ScaleInProtectedInstances: model.ProtectedRefresh}}); err != nil {
		t.Fatal(err)
	}
	w.Advance(3 * time.Second)
	h.keys("ctrl+r")
	h.contains("instance refresh ")
	h.contains("InProgress 0% (2 to update) — w: watch")
	h.contains("Terminating:Wait 60m left (ecs-managed-draining-termination-hook: ECS completes it once empty)")
	if srv.MutatingCalls() != 0 {
		t.Errorf("the views made %d mutating calls", srv.MutatingCalls())
	}

	h.keys(":ci playground", "enter")
	h.contains("playground-ecs-asg: no capacity provider (ECS does not manage it), desired 6 (min 0, max 12)")
	h.lacks("managed draining")
	if !strings.Contains(h.screen(), "InService") {
		t.Errorf("playground lifecycle:\n%s", h.screen())
	}
}

// TestReservationEstimatedWithoutMetric: before ECS has published a
// CapacityProviderReservation datapoint the header estimates it from the
// instances, and says so.
func TestReservationEstimatedWithoutMetric(t *testing.T) {
	w := sim.New(sim.Options{Seed: 3, Start: time.Date(2026, 11, 23, 9, 0, 10, 0, time.UTC)})
	w.SetLogRate(0)
	w.AddCluster("c")
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 2, MaxSize: 4, InstanceType: "m5.large"})
	if err := w.AddCapacityProvider(sim.CapacityProviderSpec{Name: "c-cp", Group: "c-asg", Cluster: "c", Default: true, ManagedScaling: true}); err != nil {
		t.Fatal(err)
	}
	w.Advance(20 * time.Second)
	client, _ := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "sim", Region: awstest.Region, Cluster: "c"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = w.Now
	})
	h.send(tea.WindowSizeMsg{Width: 200, Height: 40})
	h.keys(":ci c", "enter")
	h.contains("0 of 2 instances in use: CapacityProviderReservation ≈ 0% estimated (" + noReservation + ")")
}

func TestReservationText(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 4, 0, 0, time.UTC)
	for _, tc := range []struct {
		r    model.MetricReading
		m, n int
		want string
	}{
		{model.MetricReading{OK: true, Value: 66.666, At: at}, 6, 6, "CapacityProviderReservation 67% (CloudWatch, 09:04) · 6 of 6 instances in use"},
		{model.MetricReading{Reason: "loading"}, 3, 4, "3 of 4 instances in use: CapacityProviderReservation ≈ 75% estimated (loading)"},
		{model.MetricReading{Reason: "CloudWatch access denied"}, 0, 0, "0 of 0 instances in use: CapacityProviderReservation ≈ 0% estimated (CloudWatch access denied)"},
	} {
		if got := reservationText(tc.r, tc.m, tc.n); got != tc.want {
			t.Errorf("reservationText(%+v, %d, %d) = %q, want %q", tc.r, tc.m, tc.n, got, tc.want)
		}
	}
}

// TestServiceDetailReadsItsProvidersOnce: a service detail opened with no
// clusters view read before it (from the pulse, or a command) reads its
// strategy's providers itself, once, so the Capacity field names managed
// scaling's target; left open, it does not read them again.
func TestServiceDetailReadsItsProvidersOnce(t *testing.T) {
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, srv := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = nil
	})
	h.send(tea.WindowSizeMsg{Width: 160, Height: 35})
	// As if no clusters view had read them.
	h.r.env.providers = providerCache{}
	h.r.env.store.providers = newResourceStore().providers
	srv.ResetCounts()
	h.run(h.r.push(newServiceDetailPage(h.r.env, "prod", "billing-api")))
	h.contains("prod-ecs-cp: managed scaling target 100%, reservation")
	if n := srv.Calls("ecs:DescribeCapacityProviders"); n != 1 {
		t.Errorf("the detail read its providers with %d calls, want 1", n)
	}
	h.idle(time.Minute)
	if n := srv.Calls("ecs:DescribeCapacityProviders"); n != 1 {
		t.Errorf("left open a minute, the detail made %d DescribeCapacityProviders in all, want 1", n)
	}
}
