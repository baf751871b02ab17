package sim

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

func TestFilterLogEvents(t *testing.T) {
	w := New(Options{Seed: 1, Start: t0})
	g := "/ecs/app"
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	// Written out of order across streams, as awslogs batches arrive.
	w.PutLogEvent(g, "ecs/web/b", at(3), `{"level":"error","msg":"upstream timeout"}`)
	w.PutLogEvent(g, "ecs/web/a", at(1), "GET / 200 ok")
	w.PutLogEvent(g, "ecs/web/a", at(4), "GET /login 500 connection refused")
	w.PutLogEvent(g, "ecs/web/b", at(2), "WARN slow query")
	w.PutLogEvent(g, "ecs/db/a", at(5), "ERROR deadlock detected")

	tests := []struct {
		name    string
		f       model.LogFilter
		want    []string // message prefixes, in order
		wantErr string
	}{
		{"all by time", model.LogFilter{Group: g}, []string{"GET / 200", "WARN", `{"level"`, "GET /login", "ERROR"}, ""},
		{"stream prefix", model.LogFilter{Group: g, StreamPrefix: "ecs/web/"}, []string{"GET / 200", "WARN", `{"level"`, "GET /login"}, ""},
		{"stream names", model.LogFilter{Group: g, StreamNames: []string{"ecs/db/a", "ecs/web/a"}}, []string{"GET / 200", "GET /login", "ERROR"}, ""},
		{"time window inclusive", model.LogFilter{Group: g, Start: at(2), End: at(4)}, []string{"WARN", `{"level"`, "GET /login"}, ""},
		{"terms all", model.LogFilter{Group: g, FilterPattern: "GET 500"}, []string{"GET /login"}, ""},
		{"quoted phrase", model.LogFilter{Group: g, FilterPattern: `"connection refused"`}, []string{"GET /login"}, ""},
		{"any of", model.LogFilter{Group: g, FilterPattern: "?WARN ?ERROR"}, []string{"WARN", "ERROR"}, ""},
		{"exclude", model.LogFilter{Group: g, FilterPattern: "GET -500"}, []string{"GET / 200"}, ""},
		{"case sensitive", model.LogFilter{Group: g, FilterPattern: "error"}, []string{`{"level"`}, ""},
		{"json", model.LogFilter{Group: g, FilterPattern: `{ $.level = "error" }`}, []string{`{"level"`}, ""},
		{"unknown group", model.LogFilter{Group: "/nope"}, nil, "ResourceNotFoundException"},
		{"names and prefix", model.LogFilter{Group: g, StreamNames: []string{"x"}, StreamPrefix: "y"}, nil, "InvalidParameterException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := w.FilterLogEvents(tc.f)
			if apiCode(err) != tc.wantErr {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d events, want %d: %v", len(got), len(tc.want), got)
			}
			for i, ev := range got {
				if !strings.HasPrefix(ev.Message, tc.want[i]) {
					t.Errorf("event %d = %q, want prefix %q", i, ev.Message, tc.want[i])
				}
				if i > 0 && ev.Timestamp.Before(got[i-1].Timestamp) {
					t.Errorf("out of order at %d", i)
				}
				if ev.IngestedAt.Before(ev.Timestamp) || ev.Group != g || ev.ID == "" {
					t.Errorf("event fields %+v", ev)
				}
			}
		})
	}
	streams, err := w.DescribeLogStreams(g, "", true, true)
	if err != nil || len(streams) != 3 || streams[0].Name != "ecs/db/a" {
		t.Errorf("DescribeLogStreams by last event: %+v %v", streams, err)
	}
	evs, err := w.GetLogEvents(g, "ecs/web/a", at(1), at(4))
	if err != nil || len(evs) != 1 {
		t.Errorf("GetLogEvents [1,4): %v %v", evs, err)
	}
	if _, err := w.GetLogEvents(g, "nope", time.Time{}, time.Time{}); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("unknown stream: %v", err)
	}
}

func TestContainersWriteAWSLogsStreams(t *testing.T) {
	w, _ := testWorld(t, 2, "m5.large")
	register(t, w, webTD("web", "nginx:1.25", 0, 64, 128))
	create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 2})
	w.Advance(3 * time.Minute)
	for _, task := range tasks(t, w, "c", model.TaskFilter{ServiceName: "web"}) {
		evs, err := w.GetLogEvents("/ecs/web", "ecs/web/"+task.ID, time.Time{}, time.Time{})
		if err != nil || len(evs) < 10 {
			t.Errorf("task %s wrote %d lines (%v)", task.ID, len(evs), err)
		}
	}
	groups := w.DescribeLogGroups("/ecs/")
	if len(groups) != 1 || groups[0].Name != "/ecs/web" || !strings.HasPrefix(groups[0].ARN, "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web") {
		t.Errorf("groups %+v", groups)
	}
}

func TestLogStreamsAreBounded(t *testing.T) {
	w := New(Options{Seed: 1, Start: t0})
	for i := range maxEventsPerStream + maxEventsPerStream/5 {
		w.PutLogEvent("g", "s", t0.Add(time.Duration(i)*time.Millisecond), "x")
	}
	evs, _ := w.GetLogEvents("g", "s", time.Time{}, time.Time{})
	if len(evs) > maxEventsPerStream+maxEventsPerStream/10 || len(evs) < maxEventsPerStream {
		t.Errorf("stream holds %d events", len(evs))
	}
	if last := evs[len(evs)-1].Timestamp; !last.Equal(t0.Add(time.Duration(maxEventsPerStream+maxEventsPerStream/5-1) * time.Millisecond)) {
		t.Errorf("newest event lost: %v", last)
	}
}

func TestTailLogs(t *testing.T) {
	w := New(Options{Seed: 1, Start: t0})
	w.PutLogEvent("/ecs/app", "ecs/web/a", t0, "before the tail")
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := w.TailLogs(ctx, []string{"arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app"}, nil, []string{"ecs/web/"}, "?ERROR ?WARN")
	if err != nil {
		t.Fatal(err)
	}
	w.PutLogEvent("/ecs/app", "ecs/web/a", t0.Add(time.Second), "ERROR one")
	w.PutLogEvent("/ecs/app", "ecs/db/a", t0.Add(time.Second), "ERROR other stream")
	w.PutLogEvent("/ecs/app", "ecs/web/b", t0.Add(2*time.Second), "INFO filtered out")
	w.PutLogEvent("/ecs/app", "ecs/web/b", t0.Add(3*time.Second), "WARN two")
	for _, want := range []string{"ERROR one", "WARN two"} {
		select {
		case ev := <-ch:
			if ev.Message != want {
				t.Fatalf("got %q, want %q", ev.Message, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no event %q", want)
		}
	}
	cancel()
	for range ch {
		t.Fatal("event after cancel")
	}
	if _, err := w.TailLogs(context.Background(), []string{"/nope"}, nil, nil, ""); apiCode(err) != "ResourceNotFoundException" {
		t.Errorf("unknown group: %v", err)
	}
}

func TestTailLogsNeverBlocks(t *testing.T) {
	w := New(Options{Seed: 1, Start: t0})
	w.PutLogEvent("g", "s", t0, "x")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := w.TailLogs(ctx, []string{"g"}, nil, nil, ""); err != nil {
		t.Fatal(err)
	}
	for i := range tailBuffer + 100 {
		w.PutLogEvent("g", "s", t0.Add(time.Duration(i)*time.Millisecond), "x")
	}
	if d := w.TailDrops(); d != 100 {
		t.Errorf("drops %d, want 100", d)
	}
}

func TestLogRate(t *testing.T) {
	tests := []struct {
		perMinute float64
		over      time.Duration
		min, max  int
	}{
		{6, 5 * time.Minute, 25, 40},
		{60000, 3 * time.Second, 2500, 3500},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.perMinute), func(t *testing.T) {
			w, _ := testWorld(t, 1, "m5.large")
			w.SetLogRate(tc.perMinute)
			register(t, w, webTD("web", "nginx:1.25", 0, 64, 128))
			create(t, w, ServiceSpec{Name: "web", TaskDefinition: "web", DesiredCount: 1})
			w.Advance(10 * time.Second) // running by now
			task := tasks(t, w, "c", model.TaskFilter{ServiceName: "web"})[0]
			before, _ := w.GetLogEvents("/ecs/web", "ecs/web/"+task.ID, time.Time{}, time.Time{})
			w.Advance(tc.over)
			after, _ := w.GetLogEvents("/ecs/web", "ecs/web/"+task.ID, time.Time{}, time.Time{})
			if n := len(after) - len(before); n < tc.min || n > tc.max {
				t.Errorf("%d lines in %v at %v/min, want %d–%d", n, tc.over, tc.perMinute, tc.min, tc.max)
			}
		})
	}
}
