package logview

import (
	"fmt"
	"sort"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/logs"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
)

// drive runs the page like the Bubble Tea loop would (commands in order,
// ticks really waiting a frame, View after every message) until done.
func drive(p page.Page, cmd tea.Cmd, done func(*Model) bool) {
	m := p.(*Model)
	for !done(m) {
		if cmd == nil {
			cmd = m.wait()
		}
		_, cmd = m.Update(cmd())
		_ = m.View()
	}
}

// BenchmarkViewerIngestPolling: 200,000 events over 8 streams read by
// polling (10,000-event pages at the real 5 requests/s budget) into the
// viewer, frames of 50 ms, rendering each frame. Zero loss required.
func BenchmarkViewerIngestPolling(b *testing.B) {
	const total = 200_000
	for b.Loop() {
		f := newFake()
		tasks := f.addService("web", 4, "app", "proxy")
		for i := range total {
			task := tasks[i%4]
			c := []string{"app", "proxy"}[i/4%2]
			f.write("ecs/"+c+"/"+task.ID, t0.Add(time.Duration(i)*time.Millisecond), fmt.Sprintf("GET /api/orders/%d 200 %dms", i, i%97))
		}
		f.pageSize = 10_000
		d := deps(f, b.TempDir())
		d.FrameInterval = 50 * time.Millisecond
		d.Capacity = total + 10
		d.Engine.RequestsPerSec = 5
		d.Engine.Now = func() time.Time { return t0.Add(time.Hour) }
		d.Since, d.SinceSet = 2*time.Hour, true
		p := New(d, logs.Target{Cluster: "c", Service: "web"})
		p.SetSize(160, 50)
		start := time.Now()
		drive(p, p.Init(), func(m *Model) bool { return m.buf.Len() >= total })
		el := time.Since(start)
		m := p.(*Model)
		p.Close()
		if lost := total - m.buf.Len() + int(m.buf.Dropped()); lost != 0 || m.buf.Dropped() != 0 {
			b.Fatalf("lost %d lines", lost)
		}
		b.ReportMetric(float64(total)/el.Seconds(), "events/s")
		b.ReportMetric(20_000, "goal_events/s")
	}
}

// BenchmarkViewerIngestLive: live tail updates of 500 events pushed as fast
// as the engine takes them, into the viewer at 50 ms frames.
func BenchmarkViewerIngestLive(b *testing.B) {
	const total, batch = 200_000, 500
	for b.Loop() {
		f := newFake()
		tasks := f.addService("web", 4, "app", "proxy")
		f.live = make(chan awsapi.LiveTailUpdate, 16)
		d := deps(f, b.TempDir())
		d.FrameInterval = 50 * time.Millisecond
		d.Capacity = total + 10
		d.Since, d.SinceSet = 0, true
		p := New(d, logs.Target{Cluster: "c", Service: "web"})
		p.SetSize(160, 50)
		go func() {
			for i := 0; i < total; i += batch {
				evs := make([]model.LogEvent, batch)
				for j := range evs {
					n := i + j
					task := tasks[n%4]
					c := []string{"app", "proxy"}[n/4%2]
					ts := t0.Add(time.Hour + time.Duration(n)*time.Millisecond)
					evs[j] = model.LogEvent{Group: "/ecs/web", Stream: "ecs/" + c + "/" + task.ID, Timestamp: ts, IngestedAt: ts, Message: fmt.Sprintf("GET /api/orders/%d 200", n)}
				}
				f.live <- awsapi.LiveTailUpdate{Events: evs}
			}
		}()
		start := time.Now()
		drive(p, p.Init(), func(m *Model) bool { return m.buf.Len() >= total })
		el := time.Since(start)
		m := p.(*Model)
		p.Close()
		if m.buf.Dropped() != 0 || m.buf.Len() != total {
			b.Fatalf("lost lines: %d kept, %d dropped", m.buf.Len(), m.buf.Dropped())
		}
		b.ReportMetric(float64(total)/el.Seconds(), "events/s")
		b.ReportMetric(20_000, "goal_events/s")
	}
}

// BenchmarkViewerLatencyLive: one line at a time through a live session to
// the viewer's buffer (frames of 50 ms): the engine/viewer share of latency.
func BenchmarkViewerLatencyLive(b *testing.B) {
	for b.Loop() {
		f := newFake()
		tasks := f.addService("web", 1, "app")
		f.live = make(chan awsapi.LiveTailUpdate, 16)
		d := deps(f, b.TempDir())
		d.FrameInterval = 50 * time.Millisecond
		d.Since, d.SinceSet = 0, true
		p := New(d, logs.Target{Cluster: "c", Service: "web"})
		p.SetSize(160, 50)
		m := p.(*Model)
		var cmd tea.Cmd = p.Init()
		drive(p, cmd, func(m *Model) bool { return m.status.Mode == logs.ModeLive })
		var lat []time.Duration
		for i := range 40 {
			ts := t0.Add(time.Hour + time.Duration(i)*time.Second)
			sent := time.Now()
			f.live <- awsapi.LiveTailUpdate{Events: []model.LogEvent{{Group: "/ecs/web", Stream: "ecs/app/" + tasks[0].ID, Timestamp: ts, Message: fmt.Sprint("line ", i)}}}
			drive(p, nil, func(m *Model) bool { return m.buf.Len() == i+1 })
			lat = append(lat, time.Since(sent))
			time.Sleep(time.Duration(i%5) * 10 * time.Millisecond) // vary the phase against the frame clock
		}
		p.Close()
		_ = m
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max_ms")
		b.ReportMetric(1000, "goal_max_ms")
	}
}
