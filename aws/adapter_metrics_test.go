package aws_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// manyServices is cluster "c" with n one-task services, a few minutes old.
func manyServices(t *testing.T, n int) *sim.World {
	t.Helper()
	w := sim.New(sim.Options{Seed: 3, Start: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)})
	w.AddCluster("c")
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 8, InstanceType: "m5.xlarge"})
	if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "app", Containers: []model.ContainerDefinition{{
		Name: "app", Image: "app:1", CPU: 128, Memory: 128, Essential: true}}}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := w.CreateService(sim.ServiceSpec{Cluster: "c", Name: fmt.Sprintf("svc-%02d", i), TaskDefinition: "app", DesiredCount: 1}); err != nil {
			t.Fatal(err)
		}
	}
	w.Advance(4 * time.Minute)
	return w
}

func serviceQueries(n int) []model.MetricQuery {
	var qs []model.MetricQuery
	for i := range n {
		name := fmt.Sprintf("svc-%02d", i)
		qs = append(qs, model.ServiceMetric(model.MetricCPUUtilization, "c", name), model.ServiceMetric(model.MetricMemoryUtilization, "c", name))
	}
	return qs
}

// TestMetricsOneCallPerScreen: 45 visible service rows (90 metrics) cost one
// GetMetricData call, and refreshes within the minute cost none.
func TestMetricsOneCallPerScreen(t *testing.T) {
	w := manyServices(t, 45)
	cl, srv := awstest.Start(t, w)
	ctx := context.Background()
	qs := serviceQueries(45)
	now := w.Now()
	got, err := cl.Metrics(ctx, model.MetricsRequest{Queries: qs, Window: time.Hour, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("cloudwatch:GetMetricData"); n != 1 {
		t.Fatalf("45 rows: want 1 GetMetricData call, got %d", n)
	}
	for _, q := range qs {
		s := got[q.Key()]
		if len(s.Values) < 2 {
			t.Fatalf("%s: want the minutes since the service started, got %+v", q.Key(), s)
		}
		for i := 1; i < len(s.Timestamps); i++ {
			if !s.Timestamps[i].After(s.Timestamps[i-1]) {
				t.Fatalf("datapoints must come oldest first: %v", s.Timestamps)
			}
		}
	}
	for _, dt := range []time.Duration{5 * time.Second, 10 * time.Second, 55 * time.Second} {
		if _, err := cl.Metrics(ctx, model.MetricsRequest{Queries: qs, Window: time.Hour, Now: now.Add(dt)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Calls("cloudwatch:GetMetricData"); n != 1 {
		t.Fatalf("refreshes within the minute must come from the cache: %d calls", n)
	}
	// Scrolling shows 5 new rows: they are fetched, and the 90 aging ones
	// ride along, so the screen stays on one call a minute.
	more := append(qs, serviceQueries(50)[90:]...)
	if _, err := cl.Metrics(ctx, model.MetricsRequest{Queries: more, Window: time.Hour, Now: now.Add(40 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Metrics(ctx, model.MetricsRequest{Queries: more, Window: time.Hour, Now: now.Add(70 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("cloudwatch:GetMetricData"); n != 2 {
		t.Fatalf("scrolled rows join the next call and keep the screen in step: want 2 calls, got %d", n)
	}
	if _, err := cl.Metrics(ctx, model.MetricsRequest{Queries: more, Window: time.Hour, Now: now.Add(101 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("cloudwatch:GetMetricData"); n != 3 {
		t.Fatalf("a minute later: want one more call, got %d", n)
	}
}

func TestMetricsSplitAtTheQueryLimit(t *testing.T) {
	w := manyServices(t, 300)
	cl, srv := awstest.Start(t, w)
	got, err := cl.Metrics(context.Background(), model.MetricsRequest{Queries: serviceQueries(300), Window: 10 * time.Minute, Now: w.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("cloudwatch:GetMetricData"); n != 2 || len(got) != 600 {
		t.Fatalf("600 metrics: want 2 calls (500 + 100) and 600 series, got %d calls, %d series", n, len(got))
	}
}

func TestServiceScalingAndTheGuard(t *testing.T) {
	w := sim.NewDemo(1)
	cl, srv := awstest.StartReadOnly(t, w)
	ctx := context.Background()
	sc, err := cl.ServiceScaling(ctx, "playground", "random", 10)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Target == nil || sc.Target.MaxCapacity != 12 || len(sc.Policies) != 1 || len(sc.Scheduled) != 2 {
		t.Fatalf("random: %+v", sc)
	}
	tt := sc.Policies[0].TargetTracking
	if tt == nil || tt.TargetValue != 50 || tt.MetricName() != "average CPU" || tt.ScaleOutCooldown != time.Minute {
		t.Fatalf("policy: %+v", sc.Policies[0])
	}
	none, err := cl.ServiceScaling(ctx, "playground", "auth", 10)
	if err != nil || none.Target != nil {
		t.Fatalf("auth has no scalable target: %+v %v", none, err)
	}
	if _, err := cl.Metrics(ctx, model.MetricsRequest{Queries: []model.MetricQuery{model.ServiceMetric(model.MetricCPUUtilization, "playground", "random")},
		Window: time.Hour, Now: w.Now()}); err != nil {
		t.Fatalf("GetMetricData is a read: %v", err)
	}
	twenty := 20
	err = cl.RegisterScalableTarget(ctx, model.ScalableTargetUpdate{Cluster: "playground", Service: "random", MaxCapacity: &twenty})
	if aws.KindOf(err) != aws.KindReadOnly || srv.MutatingCalls() != 0 {
		t.Fatalf("read-only: want a refusal before sending, got %v (%d mutating calls)", err, srv.MutatingCalls())
	}
	var ae *aws.Error
	if !errors.As(err, &ae) || ae.Action != "application-autoscaling:RegisterScalableTarget" {
		t.Fatalf("the refusal names the IAM action: %+v", ae)
	}
}
