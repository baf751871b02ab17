package sim

import (
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// ServiceLoad is the work a service's tasks do, from which the world
// derives its CloudWatch metrics: the service's CPU and memory utilisation,
// its instances' utilisation, and its target group's requests, 5xx count and
// response time. Scaling the service spreads the same work over more tasks,
// so utilisation falls as tasks are added.
type ServiceLoad struct {
	// CPU is the CPU units (1,024 = one vCPU) the service keeps busy at its
	// base level, spread evenly over its running tasks.
	CPU float64
	// Swing is the ± fraction the load moves by over a 40-minute wave.
	Swing float64
	// RequestsPerSecond reach the service's target groups at the base level.
	RequestsPerSecond float64
	// Memory is the fraction of its reservation each task's memory uses.
	Memory float64
	// ErrorRate is the fraction of requests answered 5xx while tasks are
	// not saturated (more once CPU passes 85 %).
	ErrorRate float64
	// ResponseTime is the target response time at low utilisation.
	ResponseTime time.Duration
}

// loadWave is the period of ServiceLoad.Swing.
const loadWave = 40 * time.Minute

// metricState is the world's CloudWatch: one-minute datapoints recorded at
// each minute boundary from the world's state, kept for MetricRetention.
type metricState struct {
	loads    map[*service]*ServiceLoad
	insights map[string]bool // cluster name → Container Insights (with the agent) on
	series   map[string]*metricSeries
	last     time.Time // the last minute boundary recorded
}

// metricPoint is one minute's statistic set; n == 0 means no datapoint.
type metricPoint struct {
	sum, min, max, n float64
}

type metricSeries struct {
	start  time.Time // timestamp of points[0]
	points []metricPoint
}

func newMetricState() *metricState {
	return &metricState{loads: map[*service]*ServiceLoad{}, insights: map[string]bool{}, series: map[string]*metricSeries{}}
}

func (w *World) metricsState() *metricState {
	if w.metrics == nil {
		w.metrics = newMetricState()
	}
	return w.metrics
}

// SetServiceLoad sets the work a service does (see ServiceLoad). Services
// without one get a light load derived from their name.
func (w *World) SetServiceLoad(cluster, service string, l ServiceLoad) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return err
	}
	s, ok := c.services[model.ResourceID(service)]
	if !ok {
		return simapi.Errorf(simapi.CodeServiceNotFound, "Service not found.")
	}
	if l.Memory == 0 {
		l.Memory = 0.4
	}
	if l.ResponseTime == 0 {
		l.ResponseTime = 40 * time.Millisecond
	}
	w.metricsState().loads[s] = &l
	return nil
}

// SetContainerInsights turns a cluster's Container Insights (with the
// CloudWatch agent on its instances) on or off: it decides whether the
// ECS/ContainerInsights instance metrics exist.
func (w *World) SetContainerInsights(cluster string, on bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return err
	}
	w.metricsState().insights[c.name] = on
	return nil
}

func unitHash(parts ...string) float64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return float64(h.Sum64()%1_000_000) / 1_000_000
}

// loadOf returns a service's load, inventing a light one the first time a
// service without SetServiceLoad is measured: 8–30 % of what its tasks
// reserve at that moment.
func (w *World) loadOf(s *service, tasks []*task) *ServiceLoad {
	ms := w.metricsState()
	if l := ms.loads[s]; l != nil {
		return l
	}
	reserved := 0.0
	for _, t := range tasks {
		reserved += taskCPU(t)
	}
	l := &ServiceLoad{
		CPU:          reserved * (0.08 + 0.22*unitHash(s.arn, "cpu")),
		Swing:        0.1 + 0.15*unitHash(s.arn, "swing"),
		Memory:       0.3 + 0.3*unitHash(s.arn, "mem"),
		ErrorRate:    0.0005,
		ResponseTime: time.Duration(20+60*unitHash(s.arn, "rt")) * time.Millisecond,
	}
	if len(s.lbs) > 0 {
		l.RequestsPerSecond = 2 + 40*unitHash(s.arn, "rps")
	}
	ms.loads[s] = l
	return l
}

// factor is the load's level at t: the wave plus a little per-minute noise.
func (l *ServiceLoad) factor(key string, t time.Time) float64 {
	phase := unitHash(key, "phase")
	wave := math.Sin(2 * math.Pi * (float64(t.Unix())/loadWave.Seconds() + phase))
	noise := 2*unitHash(key, t.Format("200601021504")) - 1
	return math.Max(0, 1+l.Swing*wave+0.03*noise)
}

func taskCPU(t *task) float64 {
	if t.needs.CPU > 0 {
		return float64(t.needs.CPU)
	}
	return 128 // no reservation: ECS still measures against a share
}

func taskMemory(t *task) float64 {
	if t.needs.Memory > 0 {
		return float64(t.needs.Memory)
	}
	return 256
}

// usage is what one service's running tasks do during one minute.
type usage struct {
	tasks       []*task
	load        *ServiceLoad
	cpuPct      float64 // of the CPU the running tasks reserve
	memPct      float64
	cpuPerTask  float64 // units
	memFraction float64
}

func (w *World) serviceUsage(s *service, at time.Time) usage {
	var u usage
	for _, t := range s.tasks {
		if t.lastStatus == model.StatusRunning {
			u.tasks = append(u.tasks, t)
		}
	}
	if len(u.tasks) == 0 {
		return u
	}
	u.load = w.loadOf(s, u.tasks)
	demand := u.load.CPU * u.load.factor(s.arn, at)
	reserved := 0.0
	for _, t := range u.tasks {
		reserved += taskCPU(t)
	}
	u.cpuPct = math.Min(400, demand/reserved*100)
	u.cpuPerTask = demand / float64(len(u.tasks))
	u.memFraction = math.Min(1, u.load.Memory+0.1*math.Min(u.cpuPct, 100)/100)
	u.memPct = u.memFraction * 100
	return u
}

// stepMetrics records the minute that just ended once per minute boundary.
func (w *World) stepMetrics() {
	ms := w.metricsState()
	m := w.now.Truncate(time.Minute)
	if !m.After(ms.last) {
		return
	}
	first := ms.last.IsZero()
	ms.last = m
	if first {
		return // the world was just built: no minute has passed yet
	}
	ts := m.Add(-time.Minute)
	w.recordMetrics(ts, m.Minute()%5 == 0)
	ms.trim(w.now.Add(-simapi.MetricRetention))
}

func (w *World) recordMetrics(ts time.Time, ec2Boundary bool) {
	ms := w.metricsState()
	svcUse := map[*service]usage{}
	for _, cn := range w.clusterOrder {
		c := w.clusters[cn]
		for _, sn := range c.serviceOrder {
			s := c.services[sn]
			u := w.serviceUsage(s, ts)
			svcUse[s] = u
			n := float64(len(u.tasks))
			if n == 0 {
				continue // ECS publishes nothing for a service with no running task
			}
			dims := []model.MetricDimension{{Name: "ClusterName", Value: c.name}, {Name: "ServiceName", Value: s.name}}
			ms.put(model.NamespaceECS, model.MetricCPUUtilization, dims, ts, metricPoint{u.cpuPct * n, u.cpuPct * 0.9, u.cpuPct * 1.1, n})
			ms.put(model.NamespaceECS, model.MetricMemoryUtilization, dims, ts, metricPoint{u.memPct * n, u.memPct * 0.95, math.Min(100, u.memPct*1.05), n})
		}
		w.recordInstances(c, svcUse, ts, ec2Boundary)
	}
	w.recordTargetGroups(svcUse, ts)
}

func (w *World) recordInstances(c *cluster, svcUse map[*service]usage, ts time.Time, ec2Boundary bool) {
	ms := w.metricsState()
	for _, id := range c.instanceOrder {
		ci := c.instances[id]
		if ci.ec2 == nil || ci.ec2.gone || ci.status == model.InstanceInactive || ci.registered.CPU == 0 {
			continue
		}
		cpu, mem := 20.0, 300.0 // the OS and the agent
		for _, t := range ci.tasks {
			if t.lastStatus != model.StatusRunning {
				continue
			}
			if u, ok := svcUse[t.svc]; ok && t.svc != nil && len(u.tasks) > 0 {
				cpu += u.cpuPerTask
				mem += taskMemory(t) * u.memFraction
			} else {
				cpu += 0.05 * taskCPU(t)
				mem += 0.5 * taskMemory(t)
			}
		}
		cpuPct := math.Min(100, cpu/float64(ci.registered.CPU)*100)
		memPct := math.Min(100, mem/float64(ci.registered.Memory)*100)
		if ec2Boundary {
			// Basic monitoring: one datapoint per 5 minutes, stamped at its start.
			ms.put(model.NamespaceEC2, model.MetricCPUUtilization, []model.MetricDimension{{Name: "InstanceId", Value: ci.ec2.id}},
				ts.Add(-4*time.Minute), metricPoint{cpuPct, cpuPct, cpuPct, 1})
		}
		if ms.insights[c.name] {
			dims := []model.MetricDimension{{Name: "ClusterName", Value: c.name}, {Name: "ContainerInstanceId", Value: ci.id}, {Name: "EC2InstanceId", Value: ci.ec2.id}}
			ms.put(model.NamespaceContainerInsights, model.MetricInstanceCPUUtilization, dims, ts, metricPoint{cpuPct, cpuPct, cpuPct, 1})
			ms.put(model.NamespaceContainerInsights, model.MetricInstanceMemoryUtilization, dims, ts, metricPoint{memPct, memPct, memPct, 1})
			res := func(reg, rem int) float64 { return float64(reg-rem) / float64(max(reg, 1)) * 100 }
			cr, mr := res(ci.registered.CPU, ci.remaining.CPU), res(ci.registered.Memory, ci.remaining.Memory)
			ms.put(model.NamespaceContainerInsights, "instance_cpu_reserved_capacity", dims, ts, metricPoint{cr, cr, cr, 1})
			ms.put(model.NamespaceContainerInsights, "instance_memory_reserved_capacity", dims, ts, metricPoint{mr, mr, mr, 1})
		}
	}
}

// recordTargetGroups derives ALB metrics from the services behind each
// target group: requests reach healthy targets; response time climbs and
// 5xx appear as the service saturates. CloudWatch publishes the 5xx count
// only for minutes that had some.
func (w *World) recordTargetGroups(svcUse map[*service]usage, ts time.Time) {
	ms := w.metricsState()
	for _, arn := range w.tgOrder {
		tg := w.tgs[arn]
		if len(tg.LoadBalancerARNs) == 0 {
			continue // not attached to a load balancer: no traffic
		}
		healthy := map[*service]int{}
		for _, tr := range tg.targets {
			if tr.task != nil && tr.task.svc != nil && tr.state == model.TargetHealthy {
				healthy[tr.task.svc]++
			}
		}
		var requests, errors, rtWeighted float64
		for s, n := range healthy {
			u := svcUse[s]
			if n == 0 || u.load == nil {
				continue
			}
			r := u.load.RequestsPerSecond * u.load.factor(s.arn+"/rps", ts) * 60
			requests += r
			rate := u.load.ErrorRate + math.Max(0, math.Min(u.cpuPct, 100)-85)/100*0.5
			errors += math.Round(r * rate)
			rt := u.load.ResponseTime.Seconds() * (1 + 4*math.Pow(math.Min(u.cpuPct, 150)/100, 3))
			rtWeighted += rt * r
		}
		if requests < 1 {
			continue
		}
		dims := []model.MetricDimension{
			{Name: "TargetGroup", Value: model.ARNSuffix(tg.ARN, "targetgroup/")},
			{Name: "LoadBalancer", Value: model.ARNSuffix(tg.LoadBalancerARNs[0], "loadbalancer/")},
		}
		requests = math.Round(requests)
		ms.put(model.NamespaceALB, model.MetricRequestCount, dims, ts, metricPoint{requests, requests, requests, 1})
		if errors > 0 {
			ms.put(model.NamespaceALB, model.MetricTarget5XX, dims, ts, metricPoint{errors, errors, errors, 1})
		}
		rt := rtWeighted / requests
		ms.put(model.NamespaceALB, model.MetricTargetResponseTime, dims, ts, metricPoint{rt * requests, rt * 0.2, rt * 3, requests})
	}
}

func seriesKey(namespace, metric string, dims []model.MetricDimension) string {
	d := make([]string, len(dims))
	for i, x := range dims {
		d[i] = x.Name + "=" + x.Value
	}
	slices.Sort(d)
	return namespace + "|" + metric + "|" + strings.Join(d, ",")
}

func (ms *metricState) put(namespace, metric string, dims []model.MetricDimension, ts time.Time, p metricPoint) {
	k := seriesKey(namespace, metric, dims)
	s := ms.series[k]
	if s == nil {
		s = &metricSeries{start: ts}
		ms.series[k] = s
	}
	i := int(ts.Sub(s.start) / time.Minute)
	if i < 0 {
		return
	}
	for len(s.points) <= i {
		s.points = append(s.points, metricPoint{})
	}
	s.points[i] = p
}

// trim drops datapoints older than cutoff, and series left empty.
func (ms *metricState) trim(cutoff time.Time) {
	for k, s := range ms.series {
		drop := int(cutoff.Sub(s.start) / time.Minute)
		if drop <= 0 {
			continue
		}
		if drop >= len(s.points) {
			delete(ms.series, k)
			continue
		}
		s.points = slices.Clone(s.points[drop:])
		s.start = s.start.Add(time.Duration(drop) * time.Minute)
	}
}

// GetMetricData aggregates the recorded minutes into each query's periods.
// Periods start at the start time (rounded down to the minute); a period
// without any datapoint is absent from the answer, as in CloudWatch.
func (w *World) GetMetricData(in model.MetricDataInput) ([]model.MetricSeries, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ms := w.metricsState()
	start := in.Start.Truncate(time.Minute)
	out := make([]model.MetricSeries, 0, len(in.Queries))
	for _, q := range in.Queries {
		res := model.MetricSeries{ID: q.ID, Label: q.Label, Status: model.MetricStatusComplete}
		if res.Label == "" {
			res.Label = q.MetricName
		}
		s := ms.series[seriesKey(q.Namespace, q.MetricName, q.Dimensions)]
		if s != nil && q.Period > 0 {
			for b := start; b.Before(in.End); b = b.Add(q.Period) {
				var agg metricPoint
				var avgs []float64
				for t := b; t.Before(b.Add(q.Period)) && t.Before(in.End); t = t.Add(time.Minute) {
					i := int(t.Sub(s.start) / time.Minute)
					if t.Before(s.start) || i >= len(s.points) || s.points[i].n == 0 {
						continue
					}
					p := s.points[i]
					if agg.n == 0 {
						agg.min, agg.max = p.min, p.max
					}
					agg.sum += p.sum
					agg.n += p.n
					agg.min, agg.max = math.Min(agg.min, p.min), math.Max(agg.max, p.max)
					avgs = append(avgs, p.sum/p.n)
				}
				if agg.n == 0 {
					continue
				}
				res.Timestamps = append(res.Timestamps, b)
				res.Values = append(res.Values, statOf(q.Stat, agg, avgs))
			}
		}
		out = append(out, res)
	}
	return out, nil
}

// statOf computes a statistic over one period. Percentiles are taken over
// the minutes' averages: the world keeps no finer samples.
func statOf(stat string, p metricPoint, avgs []float64) float64 {
	switch stat {
	case model.StatSum:
		return p.sum
	case model.StatMinimum:
		return p.min
	case model.StatMaximum:
		return p.max
	case model.StatSampleCount:
		return p.n
	case model.StatAverage:
		return p.sum / p.n
	}
	if pct, ok := percentile(stat); ok {
		slices.Sort(avgs)
		i := int(math.Ceil(pct/100*float64(len(avgs)))) - 1
		return avgs[min(max(i, 0), len(avgs)-1)]
	}
	return p.sum / p.n
}

// percentile parses "p99" or "p99.9".
func percentile(stat string) (float64, bool) {
	if !strings.HasPrefix(stat, "p") {
		return 0, false
	}
	v, err := strconv.ParseFloat(stat[1:], 64)
	if err != nil || v < 0 || v > 100 {
		return 0, false
	}
	return v, true
}
