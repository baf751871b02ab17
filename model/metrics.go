package model

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// CloudWatch namespaces and metric names ecstui reads.
const (
	NamespaceECS               = "AWS/ECS"
	NamespaceEC2               = "AWS/EC2"
	NamespaceContainerInsights = "ECS/ContainerInsights"
	NamespaceALB               = "AWS/ApplicationELB"
	NamespaceManagedScaling    = "AWS/ECS/ManagedScaling"

	MetricCPUUtilization    = "CPUUtilization"
	MetricMemoryUtilization = "MemoryUtilization"
	// Container Insights instance metrics (need the CloudWatch agent on EC2).
	MetricInstanceCPUUtilization    = "instance_cpu_utilization"
	MetricInstanceMemoryUtilization = "instance_memory_utilization"
	MetricRequestCount              = "RequestCount"
	MetricTarget5XX                 = "HTTPCode_Target_5XX_Count"
	MetricTargetResponseTime        = "TargetResponseTime"
	// ECS managed scaling's metric, per capacity provider of a cluster.
	MetricCapacityProviderReservation = "CapacityProviderReservation"

	StatAverage     = "Average"
	StatSum         = "Sum"
	StatMinimum     = "Minimum"
	StatMaximum     = "Maximum"
	StatSampleCount = "SampleCount"
)

// GetMetricData limits (CloudWatch API reference).
const (
	MaxMetricQueries     = 500    // MetricDataQueries per call
	MaxMetricDatapoints  = 100800 // datapoints one call returns before paging
	MetricResolution     = time.Minute
	EC2BasicResolution   = 5 * time.Minute // AWS/EC2 without detailed monitoring
	MetricStatusComplete = "Complete"
	MetricStatusPartial  = "PartialData"
)

// MetricDimension is one name=value pair of a CloudWatch metric.
type MetricDimension struct {
	Name  string
	Value string
}

// MetricQuery is one MetricStat query of GetMetricData.
type MetricQuery struct {
	ID         string // unique in a call; ^[a-z][a-zA-Z0-9_]*$
	Namespace  string
	MetricName string
	Dimensions []MetricDimension
	Period     time.Duration
	Stat       string
	Label      string
}

// Key identifies what a query asks for (everything but ID and Label), so
// that the same metric asked by two pages is one cache entry. Dimensions are
// a set in CloudWatch: their order does not matter.
func (q MetricQuery) Key() string {
	d := make([]string, len(q.Dimensions))
	for i, x := range q.Dimensions {
		d[i] = x.Name + "=" + x.Value
	}
	slices.Sort(d)
	return fmt.Sprintf("%s|%s|%s|%d|%s", q.Namespace, q.MetricName, strings.Join(d, ","), int64(q.Period/time.Second), q.Stat)
}

// MetricDataInput is one GetMetricData request.
type MetricDataInput struct {
	Queries    []MetricQuery
	Start, End time.Time
}

// MetricsRequest asks for the recent history of some metrics.
type MetricsRequest struct {
	Queries []MetricQuery // IDs are assigned by the adapter
	Window  time.Duration // how far back from Now
	Now     time.Time     // the end of the window (the caller's clock)
}

// MetricSeries is one query's answer, oldest datapoint first.
type MetricSeries struct {
	ID         string
	Label      string
	Timestamps []time.Time
	Values     []float64
	Status     string // Complete, PartialData, InternalError, Forbidden
	Messages   []string
}

// Dimension returns a dimension's value ("" when absent).
func Dimension(ds []MetricDimension, name string) string {
	for _, d := range ds {
		if d.Name == name {
			return d.Value
		}
	}
	return ""
}

// ServiceMetric asks for a service's AWS/ECS utilisation metric
// (CPUUtilization or MemoryUtilization), published for every service whose
// tasks run, without Container Insights.
func ServiceMetric(metric, cluster, service string) MetricQuery {
	return MetricQuery{Namespace: NamespaceECS, MetricName: metric, Period: MetricResolution, Stat: StatAverage,
		Dimensions: []MetricDimension{{"ClusterName", cluster}, {"ServiceName", service}}}
}

// ReservationMetric asks for a capacity provider's
// CapacityProviderReservation, which ECS publishes once a minute while the
// provider's managed scaling is on: the percentage of the group's instances
// the tasks need (100 is the target when the target is 100).
func ReservationMetric(cluster, provider string) MetricQuery {
	return MetricQuery{Namespace: NamespaceManagedScaling, MetricName: MetricCapacityProviderReservation, Period: MetricResolution, Stat: StatAverage,
		Dimensions: []MetricDimension{{"ClusterName", cluster}, {"CapacityProviderName", provider}}}
}

// InstanceCPUMetric asks for an EC2 instance's CPUUtilization, which EC2
// publishes every 5 minutes (basic monitoring) for every instance.
func InstanceCPUMetric(ec2ID string) MetricQuery {
	return MetricQuery{Namespace: NamespaceEC2, MetricName: MetricCPUUtilization, Period: EC2BasicResolution, Stat: StatAverage,
		Dimensions: []MetricDimension{{"InstanceId", ec2ID}}}
}

// InstanceMemoryMetric asks for a container instance's memory utilisation,
// which only Container Insights (with the CloudWatch agent) publishes.
func InstanceMemoryMetric(cluster, containerInstanceID, ec2ID string) MetricQuery {
	return MetricQuery{Namespace: NamespaceContainerInsights, MetricName: MetricInstanceMemoryUtilization, Period: MetricResolution, Stat: StatAverage,
		Dimensions: []MetricDimension{{"ClusterName", cluster}, {"ContainerInstanceId", containerInstanceID}, {"EC2InstanceId", ec2ID}}}
}

// TargetGroupMetric asks for an ALB target group metric. CloudWatch keys
// them by TargetGroup and LoadBalancer together, with the ARN suffixes
// ("targetgroup/NAME/ID", "app/NAME/ID"). The statistic is the one that
// makes sense for the metric: Sum for counts, Average for response time.
func TargetGroupMetric(metric, targetGroupARN, loadBalancerARN string) MetricQuery {
	stat := StatSum
	if metric == MetricTargetResponseTime {
		stat = StatAverage
	}
	return MetricQuery{Namespace: NamespaceALB, MetricName: metric, Period: MetricResolution, Stat: stat,
		Dimensions: []MetricDimension{{"TargetGroup", ARNSuffix(targetGroupARN, "targetgroup/")}, {"LoadBalancer", ARNSuffix(loadBalancerARN, "loadbalancer/")}}}
}

// ARNSuffix returns what follows marker in an ELBv2 ARN, keeping the marker
// for target groups ("targetgroup/web/abc") and dropping it for load
// balancers ("app/web-alb/abc"), as CloudWatch's dimensions spell them.
func ARNSuffix(arn, marker string) string {
	i := strings.Index(arn, marker)
	if i < 0 {
		return arn
	}
	if marker == "loadbalancer/" {
		return arn[i+len(marker):]
	}
	return arn[i:]
}

// MetricReading is what a view shows for one metric: the latest value and
// the recent history, or why there is none. A missing value is never 0.
type MetricReading struct {
	OK     bool
	Value  float64
	At     time.Time
	Reason string    // why there is no value, when !OK
	Spark  []float64 // one value per period over the window, NaN where CloudWatch had none
}

// ReadingOf summarises a series at now: the newest datapoint no older than
// fresh is the current value; older or none means no value, with a reason
// built from noData (what absence usually means for this metric).
func ReadingOf(s MetricSeries, now time.Time, window, period, fresh time.Duration, noData string) MetricReading {
	r := MetricReading{Spark: SparkValues(s, now, window, period)}
	n := len(s.Values)
	if n == 0 || len(s.Timestamps) != n {
		r.Reason = noData
		return r
	}
	i := 0
	for j := range s.Timestamps {
		if s.Timestamps[j].After(s.Timestamps[i]) {
			i = j
		}
	}
	last := s.Timestamps[i]
	if now.Sub(last) > fresh {
		r.Reason = fmt.Sprintf("no datapoint in the last %s (the newest is %s old)", metricAge(fresh), metricAge(now.Sub(last)))
		return r
	}
	if math.IsNaN(s.Values[i]) || math.IsInf(s.Values[i], 0) {
		r.Reason = "CloudWatch returned an invalid value"
		return r
	}
	r.OK, r.Value, r.At = true, s.Values[i], last
	return r
}

// SparkValues lays a series onto the window ending at now, one slot per
// period, oldest first; slots without a datapoint are NaN.
func SparkValues(s MetricSeries, now time.Time, window, period time.Duration) []float64 {
	if period <= 0 || window <= 0 {
		return nil
	}
	n := int(window / period)
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	end := now.Truncate(period)
	for i, ts := range s.Timestamps {
		if i >= len(s.Values) {
			break
		}
		slot := n - 1 - int(end.Sub(ts.Truncate(period))/period)
		if slot >= 0 && slot < n {
			out[slot] = s.Values[i]
		}
	}
	return out
}

func metricAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%dh", int(d.Hours()))
}
