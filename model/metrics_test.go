package model

import (
	"math"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the Europe/Paris case must not depend on the host's zoneinfo
)

func TestNextScheduleRun(t *testing.T) {
	at := time.Date(2026, 11, 23, 13, 7, 0, 0, time.UTC) // a Monday
	created := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		schedule, tz string
		want         string // RFC3339, "" for no run
		err          string
	}{
		{"cron(0 18 ? * MON-FRI *)", "", "2026-11-23T18:00:00Z", ""},
		{"cron(0 8 ? * MON-FRI *)", "", "2026-11-24T08:00:00Z", ""},
		{"cron(0 8 ? * SAT *)", "", "2026-11-28T08:00:00Z", ""},
		{"cron(*/15 * * * ? *)", "", "2026-11-23T13:15:00Z", ""},
		{"cron(30 9 1 * ? *)", "", "2026-12-01T09:30:00Z", ""},
		{"cron(0 8 ? * 2 *)", "Europe/Paris", "2026-11-30T07:00:00Z", ""},
		{"rate(5 minutes)", "", "2026-11-23T13:10:00Z", ""},
		{"at(2026-11-23T15:00:00)", "", "2026-11-23T15:00:00Z", ""},
		{"at(2026-11-23T10:00:00)", "", "", ""},
		{"cron(0 8 * * MON *)", "", "", "must be ?"},
		{"cron(0 8 L * ? *)", "", "", "not supported"},
		{"rate(0 minutes)", "", "", "positive"},
		{"every day", "", "", "not at(…)"},
	} {
		t.Run(tc.schedule, func(t *testing.T) {
			next, ok, err := NextScheduleRun(tc.schedule, tc.tz, created, time.Time{}, time.Time{}, at)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want error %q, got %v", tc.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if ok {
				got = next.UTC().Format(time.RFC3339)
			}
			if got != tc.want {
				t.Fatalf("want %q, got %q", tc.want, got)
			}
		})
	}
}

func TestReadingNeverInventsZero(t *testing.T) {
	now := time.Date(2026, 11, 23, 13, 7, 30, 0, time.UTC)
	m := func(mins ...int) MetricSeries {
		var s MetricSeries
		for _, x := range mins {
			s.Timestamps = append(s.Timestamps, now.Truncate(time.Minute).Add(-time.Duration(x)*time.Minute))
			s.Values = append(s.Values, float64(10*x))
		}
		return s
	}
	for _, tc := range []struct {
		name   string
		s      MetricSeries
		ok     bool
		value  float64
		reason string
	}{
		{"none", MetricSeries{}, false, 0, "new service"},
		{"fresh, newest first", m(1, 2, 3), true, 10, ""},
		{"fresh, oldest first", m(3, 2, 1), true, 10, ""},
		{"stale", m(20, 21), false, 0, "no datapoint in the last 5m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ReadingOf(tc.s, now, time.Hour, time.Minute, 5*time.Minute, "new service")
			if r.OK != tc.ok || r.Value != tc.value || !strings.Contains(r.Reason, tc.reason) {
				t.Fatalf("got %+v", r)
			}
			if len(r.Spark) != 60 {
				t.Fatalf("one slot per minute of the hour, got %d", len(r.Spark))
			}
		})
	}
	spark := ReadingOf(m(1, 3), now, time.Hour, time.Minute, 5*time.Minute, "").Spark
	if spark[58] != 10 || !math.IsNaN(spark[57]) || spark[56] != 30 {
		t.Fatalf("gaps must stay gaps: %v", spark[55:])
	}
}

func TestMetricQueriesNameCloudWatchDimensions(t *testing.T) {
	q := TargetGroupMetric(MetricRequestCount,
		"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/6d0ecf831eec9f09",
		"arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web-alb/50dc6c495c0c9188")
	if Dimension(q.Dimensions, "TargetGroup") != "targetgroup/web/6d0ecf831eec9f09" || Dimension(q.Dimensions, "LoadBalancer") != "app/web-alb/50dc6c495c0c9188" || q.Stat != StatSum {
		t.Fatalf("%+v", q)
	}
	a, b := ServiceMetric(MetricCPUUtilization, "c", "s"), ServiceMetric(MetricCPUUtilization, "c", "s")
	b.Dimensions[0], b.Dimensions[1] = b.Dimensions[1], b.Dimensions[0]
	b.ID = "other"
	if a.Key() != b.Key() {
		t.Fatal("the same metric asked twice must share a cache key")
	}
}
