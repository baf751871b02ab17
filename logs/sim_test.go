package logs

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
)

// simService builds a world with service "web": 4 running tasks × 2
// containers (app, proxy) logging with awslogs to /ecs/web, the automatic
// log writers off so every line is the test's.
func simService(t testing.TB) (*sim.World, []Stream) {
	t.Helper()
	w := sim.New(sim.Options{Seed: 7, Start: t0})
	w.AddCluster("c")
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 4})
	var cds []model.ContainerDefinition
	for _, name := range []string{"app", "proxy"} {
		cds = append(cds, model.ContainerDefinition{Name: name, Image: "nginx:1", Memory: 128, Essential: name == "app",
			LogConfiguration: &model.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
				"awslogs-group": "/ecs/web", "awslogs-stream-prefix": "ecs", "awslogs-region": "us-east-1"}}})
	}
	if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "web", Containers: cds}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CreateService(sim.ServiceSpec{Cluster: "c", Name: "web", TaskDefinition: "web", DesiredCount: 4}); err != nil {
		t.Fatal(err)
	}
	w.SetLogRate(0)
	w.Advance(time.Minute)
	res, err := Resolve(context.Background(), simTasks{w}, Target{Cluster: "c", Service: "web"})
	if err != nil || len(res.Streams) != 8 {
		t.Fatalf("resolve: %d streams, %v", len(res.Streams), err)
	}
	return w, res.Streams
}

// simTasks lets Resolve read the world directly while building fixtures.
type simTasks struct{ w *sim.World }

func (s simTasks) Tasks(_ context.Context, cluster string, f model.TaskFilter, _ func([]model.Task)) ([]model.Task, []model.Failure, error) {
	arns, err := s.w.ListTasks(cluster, f)
	if err != nil {
		return nil, nil, err
	}
	return s.w.DescribeTasks(cluster, arns)
}

func (s simTasks) DescribeTasks(_ context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error) {
	return s.w.DescribeTasks(cluster, ids)
}

func (s simTasks) TaskDefinition(_ context.Context, id string) (model.TaskDefinition, error) {
	return s.w.DescribeTaskDefinition(id)
}

func simOptions(w *sim.World) Options {
	return Options{PollInterval: 10 * time.Millisecond, RequestsPerSec: -1, Now: w.Now}
}

// TestSimServiceMergedOrder: a 4 × 2 service read through the real adapter;
// lines written stream by stream come out merged by time, labelled, once.
func TestSimServiceMergedOrder(t *testing.T) {
	w, streams := simService(t)
	cl, _ := awstest.Start(t, w)
	base := w.Now().Add(-30 * time.Second)
	for i, s := range streams {
		for j := range 5 {
			ts := base.Add(time.Duration(j*8+i) * 100 * time.Millisecond)
			w.PutLogEvent(s.Group, s.Name, ts, fmt.Sprintf("%s line %d", s.Label(), j))
		}
	}
	o := simOptions(w)
	o.Since, o.NoFollow = time.Minute, true
	e := Start(context.Background(), cl, Target{Cluster: "c", Service: "web"}, o)
	defer e.Close()
	b := NewBuffer(0)
	st := collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModeDone })
	if b.Len() != 40 || st.Streams != 8 || st.Tasks != 4 {
		t.Fatalf("%d lines, %d streams, %d tasks; want 40, 8, 4 (status %+v)", b.Len(), st.Streams, st.Tasks, st)
	}
	for i := range b.Len() {
		l := b.At(i)
		if i > 0 && l.Time.Before(b.At(i-1).Time) {
			t.Fatalf("line %d out of order", i)
		}
		// Written in the order of streams within each 800 ms slot.
		want := fmt.Sprintf("%s line %d", streams[i%8].Label(), i/8)
		if l.Message != want || !strings.HasPrefix(l.Message, l.Label+" ") {
			t.Errorf("line %d = %q (label %q), want %q", i, l.Message, l.Label, want)
		}
	}
}

// TestSimLiveThenFallback: live tail over the event stream shows new lines;
// a denied StartLiveTail falls back to polling, visibly, and still shows them.
func TestSimLiveThenFallback(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*wire.Server)
		mode  Mode
		why   string
	}{
		{"live", func(*wire.Server) {}, ModeLive, ""},
		{"denied", func(s *wire.Server) { s.DenyAction("logs:StartLiveTail") }, ModePolling, "live tail not allowed (logs:StartLiveTail denied)"},
		{"unsupported", func(s *wire.Server) {
			s.InjectFault("logs:StartLiveTail", wire.Fault{Code: "UnknownOperationException", Message: "no"})
		}, ModePolling, "live tail is not available on this endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, streams := simService(t)
			cl, srv := awstest.Start(t, w)
			tt.setup(srv)
			e := Start(context.Background(), cl, Target{Cluster: "c", Service: "web"}, simOptions(w))
			defer e.Close()
			b := NewBuffer(0)
			collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == tt.mode && st.Requests > 0 })
			w.PutLogEvent(streams[5].Group, streams[5].Name, w.Now().Add(time.Second), "hello from the simulator")
			st := collect(t, e, b, func(b *Buffer, st Status) bool { return b.Len() == 1 })
			if st.Mode != tt.mode || st.Why != tt.why {
				t.Errorf("mode %v why %q, want %v %q", st.Mode, st.Why, tt.mode, tt.why)
			}
			if l := b.At(0); l.Label != streams[5].Label() || l.Message != "hello from the simulator" {
				t.Errorf("line %+v", l)
			}
		})
	}
}

// TestSimOutOfOrderAndDedupAcrossPolls: polling re-reads an overlap window
// each time; a late line (older timestamp, written later) lands in order and
// nothing shows twice.
func TestSimOutOfOrderAndDedupAcrossPolls(t *testing.T) {
	w, streams := simService(t)
	cl, srv := awstest.Start(t, w)
	o := simOptions(w)
	o.PollOnly, o.Since, o.Overlap = true, time.Minute, 30*time.Second
	e := Start(context.Background(), cl, Target{Cluster: "c", Service: "web"}, o)
	defer e.Close()
	b := NewBuffer(0)
	now := w.Now()
	for round := range 3 {
		for i, s := range streams {
			w.PutLogEvent(s.Group, s.Name, now.Add(time.Duration(round*10+i)*time.Second/10), fmt.Sprintf("r%d s%d", round, i))
		}
		want := (round + 1) * 8
		calls := srv.Calls("logs:FilterLogEvents")
		// Wait for two more polls so every line was read at least twice.
		collect(t, e, b, func(b *Buffer, st Status) bool {
			return b.Len() >= want && srv.Calls("logs:FilterLogEvents") >= calls+2
		})
	}
	w.PutLogEvent(streams[3].Group, streams[3].Name, now.Add(150*time.Millisecond), "late")
	st := collect(t, e, b, func(b *Buffer, st Status) bool { return b.Len() == 25 })
	seen := map[string]bool{}
	for i := range b.Len() {
		l := b.At(i)
		if seen[l.Message] {
			t.Errorf("%q shown twice", l.Message)
		}
		seen[l.Message] = true
		if i > 0 && l.Time.Before(b.At(i-1).Time) {
			t.Errorf("line %d out of order", i)
		}
	}
	if got := b.At(2).Message; got != "late" {
		t.Errorf("line 2 = %q, want the late line", got)
	}
	if st.Duplicates == 0 {
		t.Error("no duplicate suppressed: the overlap windows did not overlap")
	}
}

// TestSimSampledLiveTailRecovered: more than 500 lines in one live tail
// update makes CloudWatch (and the simulator) send a sample; the viewer gets
// a marker and polling re-reads the span, so every line is there in the end.
func TestSimSampledLiveTailRecovered(t *testing.T) {
	w, streams := simService(t)
	cl, _ := awstest.Start(t, w)
	e := Start(context.Background(), cl, Target{Cluster: "c", Service: "web"}, simOptions(w))
	defer e.Close()
	b := NewBuffer(0)
	collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModeLive && st.Requests > 0 })
	now := w.Now()
	for i := range 800 {
		s := streams[i%8]
		w.PutLogEvent(s.Group, s.Name, now.Add(time.Duration(i)*time.Millisecond), fmt.Sprintf("burst %03d", i))
	}
	st := collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModePolling && b.Len() == 801 })
	if st.Sampled != 1 || !strings.HasPrefix(st.Why, "live tail sampled") {
		t.Errorf("status %+v", st)
	}
	markers := 0
	for i := range b.Len() {
		if b.At(i).Kind == KindDropped {
			markers++
		}
	}
	if markers != 1 {
		t.Errorf("%d markers, want 1", markers)
	}
}

// TestSimOverflowMarker: a small buffer keeps the newest lines and says how
// many older ones went, and when.
func TestSimOverflowMarker(t *testing.T) {
	w, streams := simService(t)
	cl, _ := awstest.Start(t, w)
	base := w.Now().Add(-time.Minute)
	for i := range 30 {
		s := streams[i%8]
		w.PutLogEvent(s.Group, s.Name, base.Add(time.Duration(i)*time.Second), fmt.Sprintf("n%02d", i))
	}
	o := simOptions(w)
	o.Since, o.NoFollow = 2*time.Minute, true
	e := Start(context.Background(), cl, Target{Cluster: "c", Service: "web"}, o)
	defer e.Close()
	b := NewBuffer(10)
	collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModeDone })
	m := b.At(0)
	want := fmt.Sprintf("⚠ 21 lines dropped (buffer full: the newest 10 lines are kept) between %s and %s",
		stamp(base), stamp(base.Add(20*time.Second)))
	if m.Kind != KindDropped || m.MarkerText() != want {
		t.Errorf("first line %q, want %q", m.MarkerText(), want)
	}
	if b.Len() != 10 || b.At(1).Message != "n21" || b.At(9).Message != "n29" {
		t.Errorf("kept %q", messages(b))
	}
}

// TestSimServiceNewTasksJoin: tasks started after the tail opened (a scale
// out) are picked up on the next refresh, in live and in polling mode.
func TestSimServiceNewTasksJoin(t *testing.T) {
	for _, pollOnly := range []bool{false, true} {
		t.Run(fmt.Sprintf("poll=%v", pollOnly), func(t *testing.T) {
			w, _ := simService(t)
			cl, _ := awstest.Start(t, w)
			o := simOptions(w)
			o.PollOnly, o.RefreshInterval = pollOnly, 20*time.Millisecond
			e := Start(context.Background(), cl, Target{Cluster: "c", Service: "web"}, o)
			defer e.Close()
			b := NewBuffer(0)
			collect(t, e, b, func(b *Buffer, st Status) bool { return st.Streams == 8 && st.Requests > 0 })
			six := 6
			if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "c", Service: "web", DesiredCount: &six}); err != nil {
				t.Fatal(err)
			}
			w.Advance(10 * time.Second)
			st := collect(t, e, b, func(b *Buffer, st Status) bool { return st.Streams == 12 })
			// Write to a stream of one of the new tasks.
			res, err := Resolve(context.Background(), simTasks{w}, Target{Cluster: "c", Service: "web"})
			if err != nil {
				t.Fatal(err)
			}
			s := res.Streams[len(res.Streams)-1]
			w.PutLogEvent(s.Group, s.Name, w.Now(), "from a new task")
			collect(t, e, b, func(b *Buffer, st Status) bool {
				for i := range b.Len() {
					if b.At(i).Message == "from a new task" {
						return true
					}
				}
				return false
			})
			if st.Tasks != 6 {
				t.Errorf("status %+v, want 6 tasks", st)
			}
		})
	}
}
