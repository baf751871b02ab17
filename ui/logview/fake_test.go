package logview

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// fakeClient serves tasks, task definitions and log events from memory; live
// tail is unsupported, so the viewer polls.
type fakeClient struct {
	// live, when set, serves one live tail session from this channel.
	live   chan awsapi.LiveTailUpdate
	mu     sync.Mutex
	tasks  []model.Task
	defs   map[string]model.TaskDefinition
	events []model.LogEvent
	n      int
	// pageSize > 0 paginates FilterLogEvents.
	pageSize int
	ordered  int // 0 unknown, 1 events in time order, 2 not
}

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func newFake() *fakeClient { return &fakeClient{defs: map[string]model.TaskDefinition{}} }

func (f *fakeClient) addService(name string, tasks int, containers ...string) []model.Task {
	td := model.TaskDefinition{ARN: "arn:td/" + name + ":1"}
	for _, c := range containers {
		lc := &model.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{"awslogs-group": "/ecs/" + name, "awslogs-stream-prefix": "ecs"}}
		if c == "sidecar" {
			lc = &model.LogConfiguration{LogDriver: "fluentd"}
		}
		td.Containers = append(td.Containers, model.ContainerDefinition{Name: c, LogConfiguration: lc})
	}
	f.defs[td.ARN] = td
	var out []model.Task
	for i := range tasks {
		id := fmt.Sprintf("%x%07d0000000000000000000000", 10+i, i)
		out = append(out, model.Task{ID: id, ARN: "arn:task/" + id, TaskDefinitionARN: td.ARN, Group: "service:" + name, CreatedAt: t0.Add(time.Duration(i) * time.Second)})
	}
	f.tasks = append(f.tasks, out...)
	return out
}

func (f *fakeClient) write(stream string, ts time.Time, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	f.ordered = 0
	group := "/ecs/web"
	f.events = append(f.events, model.LogEvent{ID: fmt.Sprint(f.n), Group: group, Stream: stream, Timestamp: ts, IngestedAt: ts, Message: msg})
}

// inOrder reports whether events were written in timestamp order.
func (f *fakeClient) inOrder() bool {
	if f.ordered == 0 {
		f.ordered = 1
		for i := 1; i < len(f.events); i++ {
			if f.events[i].Timestamp.Before(f.events[i-1].Timestamp) {
				f.ordered = 2
				break
			}
		}
	}
	return f.ordered == 1
}

func (f *fakeClient) Tasks(_ context.Context, _ string, flt model.TaskFilter, _ func([]model.Task)) ([]model.Task, []model.Failure, error) {
	var out []model.Task
	for _, t := range f.tasks {
		if t.ServiceName() == flt.ServiceName {
			out = append(out, t)
		}
	}
	return out, nil, nil
}

func (f *fakeClient) DescribeTasks(_ context.Context, _ string, ids []string) ([]model.Task, []model.Failure, error) {
	var out []model.Task
	for _, t := range f.tasks {
		if t.ID == ids[0] {
			out = append(out, t)
		}
	}
	return out, nil, nil
}

func (f *fakeClient) TaskDefinition(_ context.Context, id string) (model.TaskDefinition, error) {
	return f.defs[id], nil
}

func (f *fakeClient) FilterLogEvents(_ context.Context, flt model.LogFilter) ([]model.LogEvent, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.LogEvent
	if f.inOrder() && flt.FilterPattern == "" {
		// Fast path for benchmarks: every event is in the one group, in order.
		i := sort.Search(len(f.events), func(i int) bool { return !f.events[i].Timestamp.Before(flt.Start) })
		out = f.events[i:]
	} else {
		for _, e := range f.events {
			if e.Group == flt.Group && !e.Timestamp.Before(flt.Start) && strings.Contains(e.Message, flt.FilterPattern) {
				out = append(out, e)
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Timestamp.Before(out[j].Timestamp) })
	}
	if f.pageSize == 0 {
		return out, "", nil
	}
	off := 0
	fmt.Sscan(flt.NextToken, &off)
	end := min(off+f.pageSize, len(out))
	next := ""
	if end < len(out) {
		next = fmt.Sprint(end)
	}
	return out[off:end], next, nil
}

func (f *fakeClient) StartLiveTail(context.Context, awsapi.LiveTailInput) (awsapi.LiveTail, error) {
	if f.live == nil {
		return nil, &awsapi.Error{Kind: awsapi.KindUnsupported, Op: "StartLiveTail"}
	}
	return fakeLive{f.live}, nil
}

type fakeLive struct{ ch chan awsapi.LiveTailUpdate }

func (l fakeLive) Updates() <-chan awsapi.LiveTailUpdate { return l.ch }
func (l fakeLive) Err() error                            { return nil }
func (l fakeLive) Close() error                          { return nil }
