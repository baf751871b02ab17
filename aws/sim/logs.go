package sim

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// maxEventsPerStream bounds memory: older events of a stream are forgotten.
const maxEventsPerStream = 10000

// tailBuffer is each TailLogs subscriber's channel capacity; a subscriber
// that falls this far behind loses events (counted by TailDrops).
const tailBuffer = 8192

type logStore struct {
	w       *World
	groups  map[string]*logGroup
	order   []string // sorted
	subs    []*subscriber
	seq     int64
	dropped int64
}

type logGroup struct {
	name, arn string
	created   time.Time
	retention int // days; 0 keeps events forever
	tags      map[string]string
	bytes     int64
	streams   map[string]*logStream
	order     []string // sorted
}

type logStream struct {
	name        string
	created     time.Time
	events      []model.LogEvent // by timestamp
	first, last time.Time
	lastIngest  time.Time
}

type subscriber struct {
	groups   map[string]bool
	names    []string
	prefixes []string
	pat      pattern
	ch       chan model.LogEvent
}

func newLogStore(w *World) *logStore {
	return &logStore{w: w, groups: map[string]*logGroup{}}
}

func (ls *logStore) ensureGroup(name string, now time.Time) *logGroup {
	if g, ok := ls.groups[name]; ok {
		return g
	}
	// Groups the awslogs driver writes to are the demo's, kept 14 days.
	g := &logGroup{
		name: name, created: now, streams: map[string]*logStream{}, retention: 14,
		arn: fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", ls.w.region, ls.w.account, name),
	}
	ls.groups[name] = g
	i := sort.SearchStrings(ls.order, name)
	ls.order = slices.Insert(ls.order, i, name)
	return g
}

func (ls *logStore) ensureStream(group, name string, now time.Time) *logStream {
	g := ls.ensureGroup(group, now)
	if s, ok := g.streams[name]; ok {
		return s
	}
	s := &logStream{name: name, created: now}
	g.streams[name] = s
	i := sort.SearchStrings(g.order, name)
	g.order = slices.Insert(g.order, i, name)
	return s
}

// put writes one event; ingestion lags the timestamp a little, as the
// awslogs driver batches.
func (ls *logStore) put(group, stream string, ts time.Time, msg string) {
	ls.putIngested(group, stream, ts, ts.Add(time.Duration(200+ls.w.logRand.IntN(1300))*time.Millisecond), msg)
}

// putIngested writes one event ingested at the given time.
func (ls *logStore) putIngested(group, stream string, ts, ingested time.Time, msg string) {
	s := ls.ensureStream(group, stream, ts)
	g := ls.groups[group]
	ls.seq++
	ev := model.LogEvent{
		ID:         fmt.Sprintf("%020d%036d", ts.UnixMilli(), ls.seq),
		Group:      group,
		Stream:     stream,
		Timestamp:  ts,
		IngestedAt: ingested,
		Message:    msg,
	}
	i := len(s.events)
	for i > 0 && s.events[i-1].Timestamp.After(ts) {
		i--
	}
	s.events = slices.Insert(s.events, i, ev)
	if len(s.events) > maxEventsPerStream+maxEventsPerStream/10 {
		s.events = slices.Clone(s.events[len(s.events)-maxEventsPerStream:])
	}
	if s.first.IsZero() || ts.Before(s.first) {
		s.first = ts
	}
	if ts.After(s.last) {
		s.last = ts
	}
	if ev.IngestedAt.After(s.lastIngest) {
		s.lastIngest = ev.IngestedAt
	}
	g.bytes += int64(len(msg))
	for _, sub := range ls.subs {
		if !sub.wants(ev) {
			continue
		}
		select {
		case sub.ch <- ev:
		default:
			ls.dropped++
		}
	}
}

func (sub *subscriber) wants(ev model.LogEvent) bool {
	if !sub.groups[ev.Group] {
		return false
	}
	if len(sub.names) > 0 || len(sub.prefixes) > 0 {
		ok := slices.Contains(sub.names, ev.Stream)
		for _, p := range sub.prefixes {
			ok = ok || strings.HasPrefix(ev.Stream, p)
		}
		if !ok {
			return false
		}
	}
	return sub.pat.match(ev.Message)
}

// groupName accepts a log group name or ARN (as StartLiveTail passes them).
func groupName(id string) string {
	if !strings.HasPrefix(id, "arn:") {
		return id
	}
	i := strings.Index(id, ":log-group:")
	if i < 0 {
		return id
	}
	return strings.TrimSuffix(id[i+len(":log-group:"):], ":*")
}

func errNoGroup() error {
	return simapi.Errorf(simapi.CodeResourceNotFound, "The specified log group does not exist.")
}

// DescribeLogGroups lists groups whose name starts with prefix, by name.
func (w *World) DescribeLogGroups(prefix string) []model.LogGroup {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := []model.LogGroup{}
	for _, n := range w.logs.order {
		if !strings.HasPrefix(n, prefix) {
			continue
		}
		g := w.logs.groups[n]
		out = append(out, model.LogGroup{Name: g.name, ARN: g.arn, CreatedAt: g.created, StoredBytes: g.bytes, RetentionDays: g.retention})
	}
	return out
}

// DescribeLogStreams lists a group's streams by name, or by last event time.
func (w *World) DescribeLogStreams(group, prefix string, orderByLastEvent, descending bool) ([]model.LogStream, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.logs.groups[groupName(group)]
	if !ok {
		return nil, errNoGroup()
	}
	if orderByLastEvent && prefix != "" {
		return nil, simapi.Errorf("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	out := []model.LogStream{}
	for _, n := range g.order {
		if !strings.HasPrefix(n, prefix) {
			continue
		}
		s := g.streams[n]
		out = append(out, model.LogStream{Group: g.name, Name: s.name, CreatedAt: s.created,
			FirstEventAt: s.first, LastEventAt: s.last, LastIngestionAt: s.lastIngest})
	}
	if orderByLastEvent {
		slices.SortStableFunc(out, func(a, b model.LogStream) int { return a.LastEventAt.Compare(b.LastEventAt) })
	}
	if descending {
		slices.Reverse(out)
	}
	return out, nil
}

// FilterLogEvents returns every matching event of the group's selected
// streams, ordered by (timestamp, id). Start and End are inclusive.
func (w *World) FilterLogEvents(f model.LogFilter) ([]model.LogEvent, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.logs.groups[groupName(f.Group)]
	if !ok {
		return nil, errNoGroup()
	}
	if len(f.StreamNames) > 0 && f.StreamPrefix != "" {
		return nil, simapi.Errorf("InvalidParameterException", "You cannot specify both LogStreamNames and LogStreamNamePrefix.")
	}
	pat, err := parsePattern(f.FilterPattern)
	if err != nil {
		return nil, err
	}
	var streams []*logStream
	if len(f.StreamNames) > 0 {
		for _, n := range f.StreamNames {
			if s, ok := g.streams[n]; ok {
				streams = append(streams, s)
			}
		}
	} else {
		for _, n := range g.order {
			if strings.HasPrefix(n, f.StreamPrefix) {
				streams = append(streams, g.streams[n])
			}
		}
	}
	out := []model.LogEvent{}
	for _, s := range streams {
		lo := 0
		if !f.Start.IsZero() {
			lo = sort.Search(len(s.events), func(i int) bool { return !s.events[i].Timestamp.Before(f.Start) })
		}
		for _, ev := range s.events[lo:] {
			if !f.End.IsZero() && ev.Timestamp.After(f.End) {
				break
			}
			if pat.match(ev.Message) {
				out = append(out, ev)
			}
		}
	}
	slices.SortFunc(out, func(a, b model.LogEvent) int {
		if c := a.Timestamp.Compare(b.Timestamp); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// GetLogEvents returns one stream's events in [start, end), oldest first
// (zero bounds are open).
func (w *World) GetLogEvents(group, stream string, start, end time.Time) ([]model.LogEvent, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.logs.groups[groupName(group)]
	if !ok {
		return nil, errNoGroup()
	}
	s, ok := g.streams[stream]
	if !ok {
		return nil, simapi.Errorf(simapi.CodeResourceNotFound, "The specified log stream does not exist.")
	}
	out := []model.LogEvent{}
	for _, ev := range s.events {
		if (!start.IsZero() && ev.Timestamp.Before(start)) || (!end.IsZero() && !ev.Timestamp.Before(end)) {
			continue
		}
		out = append(out, ev)
	}
	return out, nil
}

// TailLogs delivers every event written from now on to the given groups
// (names or ARNs), optionally only for streams with one of the names or
// prefixes and matching pattern, until ctx is done; then the channel closes.
// Delivery never blocks the world: a subscriber more than 8192 events behind
// loses events, counted by TailDrops.
func (w *World) TailLogs(ctx context.Context, groups []string, streamNames, streamPrefixes []string, pattern string) (<-chan model.LogEvent, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(groups) == 0 {
		return nil, simapi.Errorf("InvalidParameterException", "logGroupIdentifiers must contain at least 1 item.")
	}
	pat, err := parsePattern(pattern)
	if err != nil {
		return nil, err
	}
	sub := &subscriber{groups: map[string]bool{}, names: slices.Clone(streamNames), prefixes: slices.Clone(streamPrefixes),
		pat: pat, ch: make(chan model.LogEvent, tailBuffer)}
	for _, id := range groups {
		n := groupName(id)
		if _, ok := w.logs.groups[n]; !ok {
			return nil, errNoGroup()
		}
		sub.groups[n] = true
	}
	w.logs.subs = append(w.logs.subs, sub)
	go func() {
		<-ctx.Done()
		w.mu.Lock()
		defer w.mu.Unlock()
		w.logs.subs = slices.DeleteFunc(w.logs.subs, func(s *subscriber) bool { return s == sub })
		close(sub.ch)
	}()
	return sub.ch, nil
}

// TailDrops returns how many events TailLogs subscribers have lost because
// they fell behind.
func (w *World) TailDrops() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.logs.dropped
}

// PutLogEvent writes one line to a stream (creating group and stream), for
// tests and scenarios that need exact log content.
func (w *World) PutLogEvent(group, stream string, ts time.Time, message string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.logs.put(group, stream, ts, message)
}
