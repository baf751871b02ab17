package logs

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// fakeClient is an in-memory ECS + CloudWatch Logs for engine unit tests.
type fakeClient struct {
	mu       sync.Mutex
	tasks    []model.Task
	defs     map[string]model.TaskDefinition
	events   []model.LogEvent // by group/stream, in write order
	pageSize int
	nextID   int
	liveErr  error
	lives    []*fakeLive
	filters  int
	liveCh   chan *fakeLive // announces each started session
}

func newFakeClient() *fakeClient {
	return &fakeClient{defs: map[string]model.TaskDefinition{}, pageSize: 3, liveCh: make(chan *fakeLive, 16)}
}

func (f *fakeClient) Tasks(ctx context.Context, cluster string, flt model.TaskFilter, _ func([]model.Task)) ([]model.Task, []model.Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.Task
	for _, t := range f.tasks {
		if flt.ServiceName == "" || t.ServiceName() == flt.ServiceName {
			out = append(out, t)
		}
	}
	return out, nil, nil
}

func (f *fakeClient) DescribeTasks(ctx context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.Task
	var fails []model.Failure
	for _, id := range ids {
		found := false
		for _, t := range f.tasks {
			if t.ID == id || t.ARN == id {
				out = append(out, t)
				found = true
			}
		}
		if !found {
			fails = append(fails, model.Failure{ARN: id, Reason: "MISSING"})
		}
	}
	return out, fails, nil
}

func (f *fakeClient) TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	td, ok := f.defs[id]
	if !ok {
		return td, &awsapi.Error{Kind: awsapi.KindNotFound, Op: "DescribeTaskDefinition"}
	}
	return td, nil
}

// write appends an event (id'd as FilterLogEvents would) and pushes it to
// matching live sessions.
func (f *fakeClient) write(group, stream string, ts time.Time, msg string) model.LogEvent {
	f.mu.Lock()
	f.nextID++
	ev := model.LogEvent{ID: fmt.Sprintf("%020d", f.nextID), Group: group, Stream: stream, Timestamp: ts, IngestedAt: ts, Message: msg}
	f.events = append(f.events, ev)
	lives := append([]*fakeLive(nil), f.lives...)
	f.mu.Unlock()
	for _, l := range lives {
		live := ev
		live.ID = "" // live tail events carry no id
		l.push(awsapi.LiveTailUpdate{Events: []model.LogEvent{live}})
	}
	return ev
}

func (f *fakeClient) FilterLogEvents(ctx context.Context, flt model.LogFilter) ([]model.LogEvent, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters++
	streams := map[string]bool{}
	for _, s := range flt.StreamNames {
		streams[s] = true
	}
	var match []model.LogEvent
	for _, e := range f.events {
		if e.Group != flt.Group || (len(streams) > 0 && !streams[e.Stream]) {
			continue
		}
		if !flt.Start.IsZero() && e.Timestamp.Before(flt.Start) {
			continue
		}
		match = append(match, e)
	}
	sort.SliceStable(match, func(i, j int) bool { return match[i].Timestamp.Before(match[j].Timestamp) })
	off := 0
	if flt.NextToken != "" {
		off, _ = strconv.Atoi(flt.NextToken)
	}
	end := min(off+f.pageSize, len(match))
	next := ""
	if end < len(match) {
		next = strconv.Itoa(end)
	}
	return match[off:end], next, nil
}

func (f *fakeClient) StartLiveTail(ctx context.Context, in awsapi.LiveTailInput) (awsapi.LiveTail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.liveErr != nil {
		return nil, f.liveErr
	}
	l := &fakeLive{in: in, ch: make(chan awsapi.LiveTailUpdate, 1024)}
	f.lives = append(f.lives, l)
	f.liveCh <- l
	return l, nil
}

type fakeLive struct {
	in     awsapi.LiveTailInput
	ch     chan awsapi.LiveTailUpdate
	mu     sync.Mutex
	err    error
	closed bool
}

// push delivers u when it matches the session and the session is open.
func (l *fakeLive) push(u awsapi.LiveTailUpdate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(u.Events) > 0 && l.matches(u.Events[0]) {
		l.ch <- u
	}
}

func (l *fakeLive) matches(e model.LogEvent) bool {
	if l.closed || len(l.in.Groups) == 0 || l.in.Groups[0] != e.Group {
		return false
	}
	for _, s := range l.in.StreamNames {
		if s == e.Stream {
			return true
		}
	}
	return len(l.in.StreamNames) == 0
}

func (l *fakeLive) Updates() <-chan awsapi.LiveTailUpdate { return l.ch }
func (l *fakeLive) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

func (l *fakeLive) Close() error { l.end(nil); return nil }

// end closes the session with err, as a server-side end would.
func (l *fakeLive) end(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		l.err = err
		close(l.ch)
	}
}

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// addService adds n tasks × the given containers (awslogs, prefix "ecs").
func (f *fakeClient) addService(service string, n int, containers ...string) []model.Task {
	td := model.TaskDefinition{ARN: "arn:td/" + service + ":1", Family: service, Revision: 1}
	for _, c := range containers {
		td.Containers = append(td.Containers, model.ContainerDefinition{Name: c, LogConfiguration: &model.LogConfiguration{
			LogDriver: "awslogs", Options: map[string]string{"awslogs-group": "/ecs/" + service, "awslogs-stream-prefix": "ecs"}}})
	}
	f.defs[td.ARN] = td
	var out []model.Task
	for i := range n {
		id := fmt.Sprintf("%s%02d0000000000000000000000000000", service[:1], len(f.tasks)+i)
		t := model.Task{ARN: "arn:task/c/" + id, ID: id, TaskDefinitionARN: td.ARN, Group: "service:" + service,
			CreatedAt: t0.Add(time.Duration(i) * time.Second), LastStatus: model.StatusRunning}
		out = append(out, t)
	}
	f.tasks = append(f.tasks, out...)
	return out
}
