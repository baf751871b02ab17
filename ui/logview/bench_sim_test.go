package logview

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/logs"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
)

// simWorld is service "web" of 4 tasks × 2 containers logging to /ecs/web,
// the automatic writers off; it returns the 8 (group, stream) pairs.
func simWorld(b *testing.B) (*sim.World, [][2]string) {
	w := sim.New(sim.Options{Seed: 3})
	w.SetLogRate(0)
	w.AddCluster("c")
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 4})
	var cds []model.ContainerDefinition
	for _, name := range []string{"app", "proxy"} {
		cds = append(cds, model.ContainerDefinition{Name: name, Image: "nginx:1", Memory: 128, Essential: name == "app",
			LogConfiguration: &model.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{"awslogs-group": "/ecs/web", "awslogs-stream-prefix": "ecs"}}})
	}
	if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "web", Containers: cds}); err != nil {
		b.Fatal(err)
	}
	if _, err := w.CreateService(sim.ServiceSpec{Cluster: "c", Name: "web", TaskDefinition: "web", DesiredCount: 4}); err != nil {
		b.Fatal(err)
	}
	w.Advance(time.Minute)
	arns, _ := w.ListTasks("c", model.TaskFilter{ServiceName: "web"})
	tasks, _, _ := w.DescribeTasks("c", arns)
	var streams [][2]string
	for _, t := range tasks {
		for _, c := range []string{"app", "proxy"} {
			streams = append(streams, [2]string{"/ecs/web", model.AWSLogsStreamName("ecs", c, t.ID)})
		}
	}
	if len(streams) != 8 {
		b.Fatalf("%d streams", len(streams))
	}
	return w, streams
}

func simViewer(b *testing.B, w *sim.World, since time.Duration, capacity int) page.Page {
	cl, _ := awstest.Start(b, w)
	d := Deps{Client: cl, Location: time.UTC, SaveDir: b.TempDir(), Capacity: capacity, Since: since, SinceSet: true,
		Engine: logs.Options{Now: w.Now}}
	p := New(d, logs.Target{Cluster: "c", Service: "web"})
	p.SetSize(160, 50)
	return p
}

// BenchmarkSimIngestPolling: 80,000 events (8 streams × the simulator's
// 10,000-event retention) read through the wire server and the SDK adapter
// at the real FilterLogEvents budget (5 requests/s) into the viewer.
func BenchmarkSimIngestPolling(b *testing.B) {
	const perStream = 10_000
	for b.Loop() {
		w, streams := simWorld(b)
		start := w.Now().Add(-30 * time.Minute)
		for i := range perStream {
			for j, s := range streams {
				w.PutLogEvent(s[0], s[1], start.Add(time.Duration(i*8+j)*time.Millisecond), fmt.Sprintf("GET /api/orders/%d 200 %dms", i, j))
			}
		}
		total := perStream * len(streams)
		p := simViewer(b, w, time.Hour, total+10)
		t0 := time.Now()
		drive(p, p.Init(), func(m *Model) bool { return m.buf.Len() >= total })
		el := time.Since(t0)
		m := p.(*Model)
		p.Close()
		if m.buf.Dropped() != 0 || m.buf.Len() != total {
			b.Fatalf("lost lines: %d of %d kept, %d dropped", m.buf.Len(), total, m.buf.Dropped())
		}
		b.ReportMetric(float64(total)/el.Seconds(), "events/s")
		b.ReportMetric(20_000, "goal_events/s")
	}
}

// BenchmarkSimBurstLive: while live tailing, 40,000 lines arrive at once;
// the simulator samples them like CloudWatch (≤ 500 per update), the engine
// marks the gap, switches to polling and re-reads it: every line ends up in
// the viewer. Reports the end-to-end rate and that nothing was lost.
func BenchmarkSimBurstLive(b *testing.B) {
	const total = 40_000
	for b.Loop() {
		w, streams := simWorld(b)
		p := simViewer(b, w, 0, total+100)
		waitLive(b, p)
		now := w.Now()
		t0 := time.Now()
		for i := range total {
			s := streams[i%8]
			w.PutLogEvent(s[0], s[1], now.Add(time.Duration(i)*100*time.Microsecond), fmt.Sprintf("burst %05d", i))
		}
		events := func(m *Model) int {
			n := 0
			for i := range m.buf.Len() {
				if m.buf.At(i).Kind == logs.KindEvent {
					n++
				}
			}
			return n
		}
		drive(p, nil, func(m *Model) bool { return m.buf.Len() >= total && events(m) == total })
		el := time.Since(t0)
		m := p.(*Model)
		p.Close()
		b.ReportMetric(float64(total)/el.Seconds(), "events/s")
		b.ReportMetric(20_000, "goal_events/s")
		b.ReportMetric(float64(total-events(m)), "lost")
	}
}

// BenchmarkSimLatencyLive: a line written in the simulator, to the viewer's
// buffer, in live mode: wire event stream (one update per second, like
// CloudWatch), SDK adapter, engine, one frame.
func BenchmarkSimLatencyLive(b *testing.B) {
	for b.Loop() {
		w, streams := simWorld(b)
		p := simViewer(b, w, 0, 0)
		waitLive(b, p)
		var lat []time.Duration
		for i := range 12 {
			s := streams[i%8]
			sent := time.Now()
			w.PutLogEvent(s[0], s[1], w.Now().Add(time.Duration(i)*time.Millisecond), fmt.Sprint("ping ", i))
			drive(p, nil, func(m *Model) bool { return m.buf.Len() == i+1 })
			lat = append(lat, time.Since(sent))
			time.Sleep(time.Duration(i%4) * 170 * time.Millisecond) // vary the phase against the update clock
		}
		p.Close()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50_ms")
		b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "max_ms")
		b.ReportMetric(1000, "goal_max_ms")
	}
}

func waitLive(b *testing.B, p page.Page) {
	drive(p, p.Init(), func(m *Model) bool { return m.status.Mode != logs.ModeStarting })
	if m := p.(*Model); m.status.Mode != logs.ModeLive {
		b.Fatalf("not live: %v %q %q", m.status.Mode, m.status.Why, m.status.Err)
	}
}
