package sim

import (
	"math"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

// loadedWorld runs service "web" with 4 tasks of 256 CPU behind a target
// group, doing 512 CPU units of work (50 % of what it reserves).
func loadedWorld(t *testing.T) (*World, string) {
	t.Helper()
	w, _ := testWorld(t, 3, "t3.large")
	register(t, w, webTD("web", "web:1", 0, 256, 256))
	tg := w.AddTargetGroup(TargetGroupSpec{Name: "web", LoadBalancer: "web-alb", HealthCheckInterval: 5 * time.Second})
	create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 4,
		LoadBalancers: []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 8080}}})
	if err := w.SetServiceLoad("c", "web", ServiceLoad{CPU: 512, RequestsPerSecond: 10}); err != nil {
		t.Fatal(err)
	}
	if !steadyWithin(w, t, "c", "web", 2*time.Minute) {
		t.Fatal("web never steady")
	}
	return w, tg
}

func metricData(t *testing.T, w *World, window time.Duration, qs ...model.MetricQuery) []model.MetricSeries {
	t.Helper()
	now := w.Now()
	for i := range qs {
		qs[i].ID = "q" + string(rune('a'+i))
	}
	out, err := w.GetMetricData(model.MetricDataInput{Queries: qs, Start: now.Add(-window), End: now})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestServiceUtilisationFollowsTheTaskCount(t *testing.T) {
	w, _ := loadedWorld(t)
	w.Advance(5 * time.Minute)
	cpu := metricData(t, w, 5*time.Minute, model.ServiceMetric(model.MetricCPUUtilization, "c", "web"))[0]
	if len(cpu.Values) < 4 {
		t.Fatalf("want a datapoint per minute, got %v", cpu)
	}
	for _, v := range cpu.Values {
		if v < 40 || v > 60 {
			t.Fatalf("4 tasks doing 512 of 1024 units: want ~50%%, got %v", cpu.Values)
		}
	}
	four := 8
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", DesiredCount: &four}); err != nil {
		t.Fatal(err)
	}
	if !steadyWithin(w, t, "c", "web", 2*time.Minute) {
		t.Fatal("web never steady at 8")
	}
	w.Advance(3 * time.Minute)
	cpu = metricData(t, w, 2*time.Minute, model.ServiceMetric(model.MetricCPUUtilization, "c", "web"))[0]
	last := cpu.Values[len(cpu.Values)-1]
	if last < 20 || last > 30 {
		t.Fatalf("8 tasks doing the same work: want ~25%%, got %v", cpu.Values)
	}
	mem := metricData(t, w, 2*time.Minute, model.ServiceMetric(model.MetricMemoryUtilization, "c", "web"))[0]
	if len(mem.Values) == 0 || mem.Values[0] <= 0 || mem.Values[0] > 100 {
		t.Fatalf("memory utilisation: %v", mem)
	}
}

func TestMetricsAbsentWhereCloudWatchHasNone(t *testing.T) {
	w, tg := loadedWorld(t)
	w.Advance(6 * time.Minute)
	cis := instances(t, w, "c")
	lb := tgLoadBalancer(t, w, tg)
	got := metricData(t, w, 10*time.Minute,
		model.ServiceMetric(model.MetricCPUUtilization, "c", "nope"),
		model.InstanceMemoryMetric("c", cis[0].ID, cis[0].EC2InstanceID), // Container Insights off
		model.InstanceCPUMetric(cis[0].EC2InstanceID),
		model.TargetGroupMetric(model.MetricRequestCount, tg, lb),
		model.TargetGroupMetric(model.MetricTarget5XX, tg, lb), // 0.05 % of 600 a minute rounds to none
		model.TargetGroupMetric(model.MetricTargetResponseTime, tg, lb),
	)
	if len(got[0].Values) != 0 || len(got[1].Values) != 0 {
		t.Fatalf("unknown service and Container Insights off must have no datapoints: %v / %v", got[0], got[1])
	}
	if len(got[2].Values) == 0 || len(got[2].Values) > 2 {
		t.Fatalf("EC2 CPU is published every 5 minutes: %v", got[2])
	}
	if len(got[3].Values) < 5 || math.Abs(got[3].Values[0]-600) > 60 {
		t.Fatalf("10 requests/s: want ~600 a minute, got %v", got[3].Values)
	}
	if len(got[4].Values) != 0 {
		t.Fatalf("no 5xx minutes: want no datapoints, got %v", got[4].Values)
	}
	if len(got[5].Values) == 0 || got[5].Values[0] <= 0 || got[5].Values[0] > 1 {
		t.Fatalf("response time in seconds: %v", got[5].Values)
	}
	if err := w.SetContainerInsights("c", true); err != nil {
		t.Fatal(err)
	}
	w.Advance(2 * time.Minute)
	mem := metricData(t, w, 2*time.Minute, model.InstanceMemoryMetric("c", cis[0].ID, cis[0].EC2InstanceID))[0]
	if len(mem.Values) == 0 {
		t.Fatal("Container Insights on: instance memory must be published")
	}
}

func TestGetMetricDataAggregatesPeriods(t *testing.T) {
	w, _ := loadedWorld(t)
	w.Advance(10 * time.Minute)
	q := model.ServiceMetric(model.MetricCPUUtilization, "c", "web")
	perMinute := metricData(t, w, 10*time.Minute, q)[0]
	q.Period = 5 * time.Minute
	q.Stat = model.StatSampleCount
	five := metricData(t, w, 10*time.Minute, q)[0]
	if len(five.Values) != 2 || len(perMinute.Values) != 10 {
		t.Fatalf("10 minutes: want 10 one-minute and 2 five-minute datapoints, got %d and %d", len(perMinute.Values), len(five.Values))
	}
	if five.Values[0] != 20 { // 5 minutes × 4 tasks
		t.Fatalf("SampleCount over 5 minutes of 4 tasks: want 20, got %v", five.Values)
	}
}

func tgLoadBalancer(t *testing.T, w *World, tg string) string {
	t.Helper()
	tgs, err := w.DescribeTargetGroups([]string{tg}, nil, "")
	if err != nil || len(tgs) != 1 {
		t.Fatal(err)
	}
	return tgs[0].LoadBalancerARNs[0]
}
