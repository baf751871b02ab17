package logs

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// collect takes lines from e into a buffer until cond holds (or fails after
// a generous deadline; the engine signals Ready on every change).
func collect(t *testing.T, e *Engine, b *Buffer, cond func(*Buffer, Status) bool) Status {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		lines, st := e.Take()
		b.Add(lines)
		if cond(b, st) {
			return st
		}
		select {
		case <-e.Ready():
		case <-e.Done():
			lines, st := e.Take()
			b.Add(lines)
			if cond(b, st) {
				return st
			}
			t.Fatalf("engine stopped; status %+v; %d lines", st, b.Len())
		case <-deadline:
			t.Fatalf("timed out; status %+v; lines %q", st, messages(b))
		}
	}
}

func fastOptions() Options {
	return Options{PollInterval: 5 * time.Millisecond, RequestsPerSec: -1, Now: func() time.Time { return t0.Add(time.Hour) }}
}

func TestResolve(t *testing.T) {
	f := newFakeClient()
	tasks := f.addService("web", 4, "app", "proxy")
	td := model.TaskDefinition{ARN: "arn:td/mixed:1", Containers: []model.ContainerDefinition{
		{Name: "syslogged", LogConfiguration: &model.LogConfiguration{LogDriver: "syslog"}},
		{Name: "bare"},
		{Name: "noprefix", LogConfiguration: &model.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{"awslogs-group": "g"}}},
	}}
	f.defs[td.ARN] = td
	f.tasks = append(f.tasks, model.Task{ID: "mixed000task", TaskDefinitionARN: td.ARN, Group: "family:mixed",
		Containers: []model.Container{{Name: "noprefix", RuntimeID: "0123abcd"}}})

	tests := []struct {
		name        string
		target      Target
		streams     []string
		unavailable []string
		explain     string
	}{
		{"service: all tasks × containers", Target{Cluster: "c", Service: "web"}, []string{
			"ecs/app/" + tasks[0].ID, "ecs/proxy/" + tasks[0].ID, "ecs/app/" + tasks[1].ID, "ecs/proxy/" + tasks[1].ID,
			"ecs/app/" + tasks[2].ID, "ecs/proxy/" + tasks[2].ID, "ecs/app/" + tasks[3].ID, "ecs/proxy/" + tasks[3].ID}, nil, ""},
		{"service narrowed to a container", Target{Cluster: "c", Service: "web", Container: "proxy"}, []string{
			"ecs/proxy/" + tasks[0].ID, "ecs/proxy/" + tasks[1].ID, "ecs/proxy/" + tasks[2].ID, "ecs/proxy/" + tasks[3].ID}, nil, ""},
		{"one container of a task", Target{Cluster: "c", Task: tasks[2].ARN, Container: "app"}, []string{"ecs/app/" + tasks[2].ID}, nil, ""},
		{"other drivers explained", Target{Cluster: "c", Task: "mixed000task"}, []string{"0123abcd"},
			[]string{"mixed000/syslogged: log driver \"syslog\", not awslogs: its logs are not in CloudWatch Logs",
				"mixed000/bare: no log configuration: its output stays on the instance (docker logs)"}, ""},
		{"only unavailable", Target{Cluster: "c", Task: "mixed000task", Container: "bare"}, nil,
			[]string{"mixed000/bare: no log configuration: its output stays on the instance (docker logs)"},
			"no CloudWatch Logs stream to read: mixed000/bare: no log configuration: its output stays on the instance (docker logs)"},
		{"no tasks", Target{Cluster: "c", Service: "idle"}, nil, nil, "service idle has no running tasks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Resolve(context.Background(), f, tt.target)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range res.Streams {
				got = append(got, s.Name)
			}
			if strings.Join(got, ",") != strings.Join(tt.streams, ",") {
				t.Errorf("streams = %q, want %q", got, tt.streams)
			}
			var un []string
			for _, u := range res.Unavailable {
				un = append(un, u.String())
			}
			if strings.Join(un, ",") != strings.Join(tt.unavailable, ",") {
				t.Errorf("unavailable = %q, want %q", un, tt.unavailable)
			}
			if got := res.Explain(tt.target); got != tt.explain {
				t.Errorf("Explain = %q, want %q", got, tt.explain)
			}
		})
	}
	if _, err := Resolve(context.Background(), f, Target{Cluster: "c", Task: "nope"}); err == nil || err.Error() != `task "nope" not found in cluster c` {
		t.Errorf("missing task: %v, want it named as not found in its cluster", err)
	}
}

// TestEngineHistoryMerged reads a 4 × 2 service's history, written stream by
// stream (so arrival order is not time order), and checks the merge.
func TestEngineHistoryMerged(t *testing.T) {
	f := newFakeClient()
	tasks := f.addService("web", 4, "app", "proxy")
	n := 0
	for _, task := range tasks {
		for _, c := range []string{"app", "proxy"} {
			for i := range 5 {
				// Interleaved timestamps across streams.
				f.write("/ecs/web", "ecs/"+c+"/"+task.ID, t0.Add(time.Duration(i*8+n%8)*time.Millisecond), fmt.Sprintf("%s-%s-%d", task.ID[:3], c, i))
			}
			n++
		}
	}
	o := fastOptions()
	o.Since, o.NoFollow = 2*time.Hour, true
	e := Start(context.Background(), f, Target{Cluster: "c", Service: "web"}, o)
	defer e.Close()
	b := NewBuffer(0)
	st := collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModeDone })
	if b.Len() != 40 || st.Streams != 8 || st.Tasks != 4 {
		t.Fatalf("lines %d streams %d tasks %d, want 40, 8, 4", b.Len(), st.Streams, st.Tasks)
	}
	for i := 1; i < b.Len(); i++ {
		if b.At(i).Time.Before(b.At(i - 1).Time) {
			t.Fatalf("line %d (%s) before line %d (%s)", i, b.At(i).Time, i-1, b.At(i-1).Time)
		}
	}
	if l := b.At(0); l.Label != tasks[0].ID[:8]+"/app" || e.Labels()[l.Source] != l.Label {
		t.Errorf("first line label %q source %d (labels %q)", l.Label, l.Source, e.Labels())
	}
	if len(e.Labels()) != 8 {
		t.Errorf("labels = %q, want 8", e.Labels())
	}
}

// TestEnginePollingDedupAcrossWindows writes while polling: every poll
// re-reads the overlap window, and nothing shows twice.
func TestEnginePollingDedupAcrossWindows(t *testing.T) {
	f := newFakeClient()
	tasks := f.addService("web", 2, "app")
	stream := func(i int) string { return "ecs/app/" + tasks[i].ID }
	o := fastOptions()
	o.PollOnly, o.Since, o.Overlap = true, time.Hour, time.Minute
	e := Start(context.Background(), f, Target{Cluster: "c", Service: "web"}, o)
	defer e.Close()
	b := NewBuffer(0)
	for round := range 5 {
		for i := range 4 {
			f.write("/ecs/web", stream(i%2), t0.Add(time.Duration(round*4+i)*time.Second), fmt.Sprintf("r%d-%d", round, i))
		}
		want := (round + 1) * 4
		collect(t, e, b, func(b *Buffer, st Status) bool { return b.Len() >= want && st.Requests > int64(round+2)*2 })
	}
	// A late event inside the overlap window is still picked up, once.
	f.write("/ecs/web", stream(0), t0.Add(2500*time.Millisecond), "late")
	st := collect(t, e, b, func(b *Buffer, st Status) bool { return b.Len() == 21 })
	seen := map[string]int{}
	for i := range b.Len() {
		seen[b.At(i).Message]++
	}
	for m, n := range seen {
		if n != 1 {
			t.Errorf("%q shown %d times", m, n)
		}
	}
	if b.At(3).Message != "late" {
		t.Errorf("late line at %q, want index 3", messages(b))
	}
	if st.Duplicates == 0 || st.Mode != ModePolling || st.Why != "chosen" {
		t.Errorf("status %+v: want duplicates suppressed while polling (chosen)", st)
	}
}

func TestEngineFallbackToPolling(t *testing.T) {
	tests := []struct {
		name string
		err  error
		why  string
	}{
		{"unsupported", &awsapi.Error{Kind: awsapi.KindUnsupported, Op: "StartLiveTail"}, "live tail is not available on this endpoint"},
		{"access denied", &awsapi.Error{Kind: awsapi.KindAccessDenied, Op: "StartLiveTail", Action: "logs:StartLiveTail"}, "live tail not allowed (logs:StartLiveTail denied)"},
		{"other", fmt.Errorf("boom\x1b[31m"), "live tail failed: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeClient()
			tasks := f.addService("web", 1, "app")
			f.liveErr = tt.err
			e := Start(context.Background(), f, Target{Cluster: "c", Service: "web"}, fastOptions())
			defer e.Close()
			b := NewBuffer(0)
			collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModePolling })
			f.write("/ecs/web", "ecs/app/"+tasks[0].ID, t0.Add(time.Hour+time.Second), "after fallback")
			st := collect(t, e, b, func(b *Buffer, st Status) bool { return b.Len() == 1 })
			if st.Why != tt.why {
				t.Errorf("Why = %q, want %q", st.Why, tt.why)
			}
			if !strings.Contains(st.Text(time.Second), "polling every 1s — "+tt.why) {
				t.Errorf("status text %q does not show the fallback", st.Text(time.Second))
			}
		})
	}
}

func TestEngineLiveThenSessionEnds(t *testing.T) {
	f := newFakeClient()
	tasks := f.addService("web", 4, "app", "proxy")
	e := Start(context.Background(), f, Target{Cluster: "c", Service: "web"}, fastOptions())
	defer e.Close()
	live := <-f.liveCh
	if len(live.in.StreamNames) != 8 || live.in.Groups[0] != "/ecs/web" {
		t.Fatalf("live tail input %+v, want 8 streams of /ecs/web", live.in)
	}
	b := NewBuffer(0)
	collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModeLive && st.Requests > 0 })
	// Out-of-order arrival across streams is placed in order.
	f.write("/ecs/web", "ecs/app/"+tasks[1].ID, t0.Add(time.Hour+2*time.Second), "second")
	f.write("/ecs/web", "ecs/proxy/"+tasks[3].ID, t0.Add(time.Hour+time.Second), "first")
	collect(t, e, b, func(b *Buffer, st Status) bool { return b.Len() == 2 })
	if got := messages(b); got[0] != "first" || got[1] != "second" {
		t.Errorf("order %q", got)
	}
	// The session ends with an error: polling takes over, and the catch-up
	// re-read shows nothing twice.
	live.end(&awsapi.Error{Kind: awsapi.KindUnsupported, Op: "StartLiveTail"})
	f.write("/ecs/web", "ecs/app/"+tasks[0].ID, t0.Add(time.Hour+3*time.Second), "third")
	st := collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModePolling && b.Len() >= 3 })
	if got := messages(b); len(got) != 3 || got[2] != "third" {
		t.Errorf("after fallback: %q", got)
	}
	if st.Why != "live tail is not available on this endpoint" {
		t.Errorf("Why = %q", st.Why)
	}
}

func TestEngineSampledMarker(t *testing.T) {
	f := newFakeClient()
	tasks := f.addService("web", 1, "app")
	e := Start(context.Background(), f, Target{Cluster: "c", Service: "web"}, fastOptions())
	defer e.Close()
	live := <-f.liveCh
	b := NewBuffer(0)
	collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModeLive && st.Requests > 0 })
	s := "ecs/app/" + tasks[0].ID
	// CloudWatch sampled: of three lines written only one was delivered.
	f.mu.Lock()
	f.lives = nil // stop the fake's automatic delivery
	f.mu.Unlock()
	var written []model.LogEvent
	for i := range 3 {
		written = append(written, f.write("/ecs/web", s, t0.Add(time.Hour+time.Duration(i)*time.Second), fmt.Sprintf("burst %d", i)))
	}
	one := written[1]
	one.ID = ""
	live.push(awsapi.LiveTailUpdate{Events: []model.LogEvent{one}, Sampled: true})
	st := collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModePolling && b.Len() == 4 })
	got := messages(b)
	want := []string{"burst 0", "!⚠ some lines dropped (live tail sampled above ~500 events/s; polling re-reads from here) between 2026-11-23 11:00:01.000Z and 2026-11-23 11:00:01.000Z", "burst 1", "burst 2"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines %q, want %q", got, want)
	}
	if st.Sampled != 1 || !strings.HasPrefix(st.Why, "live tail sampled") {
		t.Errorf("status %+v", st)
	}
}

func TestEngineTooManyGroupsPolls(t *testing.T) {
	f := newFakeClient()
	for i := range 3 {
		f.addService(fmt.Sprintf("s%d", i), 1, "app")
	}
	// One task definition with three containers in three groups.
	td := model.TaskDefinition{ARN: "arn:td/multi:1"}
	for i := range 3 {
		td.Containers = append(td.Containers, model.ContainerDefinition{Name: fmt.Sprintf("c%d", i), LogConfiguration: &model.LogConfiguration{
			LogDriver: "awslogs", Options: map[string]string{"awslogs-group": fmt.Sprintf("/g%d", i), "awslogs-stream-prefix": "p"}}})
	}
	f.defs[td.ARN] = td
	f.tasks = append(f.tasks, model.Task{ID: "multi0001", TaskDefinitionARN: td.ARN, Group: "service:multi"})
	o := fastOptions()
	o.MaxLiveSessions = 2
	e := Start(context.Background(), f, Target{Cluster: "c", Service: "multi"}, o)
	defer e.Close()
	st := collect(t, e, NewBuffer(0), func(b *Buffer, st Status) bool { return st.Mode == ModePolling })
	if st.Why != "3 live tail sessions needed (one per log group and 100 streams), more than 2" || st.Groups != 3 {
		t.Errorf("status %+v", st)
	}
}

func TestEngineNoStreamsExplains(t *testing.T) {
	f := newFakeClient()
	f.addService("web", 1, "app")
	o := fastOptions()
	o.NoFollow = true
	e := Start(context.Background(), f, Target{Cluster: "c", Service: "web", Container: "nope"}, o)
	defer e.Close()
	st := collect(t, e, NewBuffer(0), func(b *Buffer, st Status) bool { return st.Mode == ModeFailed })
	if want := `no container named "nope" in service web container nope`; st.Why != want {
		t.Errorf("Why = %q, want %q", st.Why, want)
	}
}

func TestEngineSanitises(t *testing.T) {
	f := newFakeClient()
	tasks := f.addService("web", 1, "app")
	f.write("/ecs/web", "ecs/app/"+tasks[0].ID, t0, "\x1b[2J\x1b]0;pwned\x07hello\u202e\n")
	o := fastOptions()
	o.Since, o.NoFollow = 2*time.Hour, true
	e := Start(context.Background(), f, Target{Cluster: "c", Service: "web"}, o)
	defer e.Close()
	b := NewBuffer(0)
	collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModeDone })
	if got := b.At(0).Message; got != "hello" {
		t.Errorf("message %q, want hello", got)
	}
}

func TestPendingOverflowMarker(t *testing.T) {
	f := newFakeClient()
	tasks := f.addService("web", 1, "app")
	for i := range 10 {
		f.write("/ecs/web", "ecs/app/"+tasks[0].ID, t0.Add(time.Duration(i)*time.Second), fmt.Sprint(i))
	}
	o := fastOptions()
	o.Since, o.NoFollow, o.MaxPending = 2*time.Hour, true, 4
	e := Start(context.Background(), f, Target{Cluster: "c", Service: "web"}, o)
	<-e.Done()
	b := NewBuffer(0)
	lines, _ := e.Take()
	b.Add(lines)
	got := messages(b)
	if len(got) != 4 || got[0] != "!⚠ 7 lines dropped (more than 4 lines waited while paused or the display fell behind) between 2026-11-23 10:00:00.000Z and 2026-11-23 10:00:06.000Z" {
		t.Errorf("lines %q", got)
	}
}

func TestDedupPairsLiveAndPolled(t *testing.T) {
	d := newDedup(time.Minute)
	e := model.LogEvent{Group: "g", Stream: "s", Timestamp: t0, Message: "same"}
	withID := func(id string) model.LogEvent { x := e; x.ID = id; return x }
	steps := []struct {
		ev    model.LogEvent
		fresh bool
	}{
		{e, true},            // live
		{e, true},            // a second identical live line is real
		{withID("1"), false}, // polled copy of the first
		{withID("2"), false}, // polled copy of the second
		{withID("2"), false}, // overlap re-read
		{withID("3"), true},  // a third identical line, only polled
		{e, false},           // its live copy arrives late
		{withID("3"), false}, // re-read again
		{model.LogEvent{Group: "g", Stream: "s", Timestamp: t0, Message: "other", ID: "4"}, true},
	}
	for i, s := range steps {
		if got := d.fresh(s.ev); got != s.fresh {
			t.Errorf("step %d: fresh = %v, want %v", i, got, s.fresh)
		}
	}
	d.newest = t0.Add(time.Hour)
	d.prune()
	if d.size() != 0 {
		t.Errorf("after prune %d entries remain", d.size())
	}
}

func TestNamesSanitised(t *testing.T) {
	evil := "app\x1b]0;pwned\x07\u202e"
	s := Stream{TaskID: "abcdef0123", Container: evil}
	u := Unavailable{TaskID: "abcdef0123", Container: evil, Reason: "log driver \"x\x1b[2J\""}
	tg := Target{Cluster: "c", Service: "web\x1b[31m"}
	for _, got := range []string{s.Label(), u.String(), tg.String()} {
		if strings.ContainsAny(got, "\x1b\x07\u202e") {
			t.Errorf("unsanitised: %q", got)
		}
	}
}

// TestEngineReopensLongLivedSession: a session that ends after living long
// enough (CloudWatch's 3-hour limit, a dropped connection) is reopened, and
// the gap is re-read, instead of falling back to polling.
func TestEngineReopensLongLivedSession(t *testing.T) {
	f := newFakeClient()
	tasks := f.addService("web", 1, "app")
	o := fastOptions()
	o.LiveReopenAfter = time.Nanosecond
	e := Start(context.Background(), f, Target{Cluster: "c", Service: "web"}, o)
	defer e.Close()
	first := <-f.liveCh
	b := NewBuffer(0)
	collect(t, e, b, func(b *Buffer, st Status) bool { return st.Mode == ModeLive && st.Requests > 0 })
	f.mu.Lock()
	f.lives = nil
	f.mu.Unlock()
	// Written while no session is open: only the catch-up poll can see it.
	f.write("/ecs/web", "ecs/app/"+tasks[0].ID, t0.Add(time.Hour+time.Second), "in the gap")
	first.end(&awsapi.Error{Kind: awsapi.KindUnknown, Op: "StartLiveTail", Code: "SessionTimeoutException"})
	<-f.liveCh // reopened
	st := collect(t, e, b, func(b *Buffer, st Status) bool { return b.Len() == 1 })
	if st.Mode != ModeLive || b.At(0).Message != "in the gap" {
		t.Errorf("mode %v, lines %q", st.Mode, messages(b))
	}
}

// TestEngineDropsStoppedTaskStreams: a stopped task's stream is read for a
// grace period, then dropped from the tail.
func TestEngineDropsStoppedTaskStreams(t *testing.T) {
	f := newFakeClient()
	tasks := f.addService("web", 2, "app")
	o := fastOptions()
	o.PollOnly, o.RefreshInterval, o.StoppedGrace = true, 5*time.Millisecond, 300*time.Millisecond
	e := Start(context.Background(), f, Target{Cluster: "c", Service: "web"}, o)
	defer e.Close()
	b := NewBuffer(0)
	collect(t, e, b, func(b *Buffer, st Status) bool { return st.Streams == 2 && st.Requests > 0 })
	f.mu.Lock()
	f.tasks = f.tasks[:1]
	f.mu.Unlock()
	// Still read during the grace period.
	f.write("/ecs/web", "ecs/app/"+tasks[1].ID, t0.Add(time.Hour+time.Second), "last words")
	collect(t, e, b, func(b *Buffer, st Status) bool { return b.Len() == 1 })
	st := collect(t, e, b, func(b *Buffer, st Status) bool { return st.Streams == 1 })
	if st.Tasks != 1 {
		t.Errorf("status %+v", st)
	}
}

func TestLimiterSpacesRequests(t *testing.T) {
	l := NewLimiter(1000) // 1 ms apart
	ctx := context.Background()
	before := time.Now()
	for range 3 {
		if err := l.wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The third request was let through two intervals after the first.
	if got := time.Since(before); got < 2*time.Millisecond {
		t.Errorf("three requests in %s, want ≥ 2ms", got)
	}
	if NewLimiter(0).wait(ctx) != nil || NewLimiter(-1).lim.Limit() != rate.Inf {
		t.Error("unlimited limiter waits")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := NewLimiter(0.001).wait(cancelled); err == nil {
		t.Error("a cancelled wait returned nil")
	}
}
