package ui

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/sched"
)

// A list too large to refresh whole within the budget (a cluster's 2,000
// services) is refreshed piecemeal once it is loaded: the rows on screen
// and the watched ones (a deployment in progress) are described by id every
// interval, a Visible need per describe batch; everything else is swept in
// the background, one call per step — the list pages (to find new and
// removed items), then the rows not described since the sweep began,
// oldest first — at what the budget leaves.

// sweepSpec says how a list view's items are listed and described.
type sweepSpec[T any] struct {
	bucket quota.Bucket
	batch  int // ids per describe call (the API limit)
	id     func(T) string
	// hot, given the items, reports an item to keep fresh even off screen.
	hot      func(e *env, items []T) func(T) bool
	list     func(ctx context.Context, b Backend, token string) (ids []string, next string, err error)
	describe func(ctx context.Context, b Backend, ids []string) ([]T, []model.Failure, error)
}

// sweepList is one list page of a sweep.
type sweepList struct {
	ids   []string
	next  string
	first bool // the first page of a round
}

// sweepRows is a describe batch's answer.
type sweepRows[T any] struct {
	items []T
	fails []model.Failure
	ids   []string // asked for: those not answered are gone
	// reused: no call was made, every item was fetched within the
	// interval by another page (when, by id).
	reused map[string]time.Time
}

// sweeper is a list page's piecemeal refresh state.
type sweeper[T any] struct {
	spec sweepSpec[T]
	key  string
	// known, when set, answers a describe from the store when every id was
	// fetched within the interval (listShare.known).
	known func(ctx context.Context, ids []string) ([]T, map[string]time.Time, bool)

	seen map[string]time.Time // id → when last described
	// wanted are ids found by a partial listing (the tasks of a deploying
	// service) and not yet among the items: described with the rows on
	// screen.
	wanted map[string]bool

	started  time.Time // the sweep in progress began (zero: none)
	listing  bool
	token    string
	listed   []string
	lastFull time.Time // the last complete sweep ended
}

func newSweeper[T any](spec sweepSpec[T], key string) *sweeper[T] {
	return &sweeper[T]{spec: spec, key: key, seen: map[string]time.Time{}, wanted: map[string]bool{}}
}

// adopt records a whole listing (the first load) as fetched now, but for
// the items it took from the store (stamps: when they were fetched).
func (s *sweeper[T]) adopt(items []T, stamps map[string]time.Time, now time.Time) {
	for _, it := range items {
		id := s.spec.id(it)
		if at, ok := stamps[id]; ok {
			s.seen[id] = at
		} else {
			s.seen[id] = now
		}
	}
	s.lastFull = now
}

// reseed takes the store's copy of the scope (the page is shown again):
// each item as old as the store's copy.
func (s *sweeper[T]) reseed(items []T, stamps map[string]time.Time) {
	seen := make(map[string]time.Time, len(items))
	for _, it := range items {
		id := s.spec.id(it)
		seen[id] = stamps[id]
		if s.seen[id].After(seen[id]) {
			seen[id] = s.seen[id]
		}
	}
	s.seen = seen
}

// want asks for ids found by a partial listing to be described with the
// rows on screen, those not among items.
func (s *sweeper[T]) want(items []T, ids []string) {
	have := make(map[string]bool, len(items))
	for _, it := range items {
		have[s.spec.id(it)] = true
	}
	for _, id := range ids {
		if !have[id] {
			s.wanted[id] = true
		}
	}
}

// oldest is when the least recently described row was described.
func (s *sweeper[T]) oldest() time.Time {
	var o time.Time
	for _, t := range s.seen {
		if o.IsZero() || t.Before(o) {
			o = t
		}
	}
	return o
}

// needs are the describes of the rows on screen (and hot ones) and the next
// step of the background sweep.
func (s *sweeper[T]) needs(e *env, items []T, onScreen []int) []sched.Need {
	var ids []string
	have := map[string]bool{}
	add := func(id string) {
		if id != "" && !have[id] {
			have[id] = true
			ids = append(ids, id)
		}
	}
	for _, i := range onScreen {
		if i < len(items) {
			add(s.spec.id(items[i]))
		}
	}
	if s.spec.hot != nil {
		hot := s.spec.hot(e, items)
		for _, it := range items {
			if hot(it) {
				add(s.spec.id(it))
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(s.wanted)) {
		add(id)
	}
	b := e.backend
	var out []sched.Need
	for start := 0; start < len(ids); start += s.spec.batch {
		batch := ids[start:min(start+s.spec.batch, len(ids))]
		since := s.seen[batch[0]]
		for _, id := range batch {
			if t := s.seen[id]; t.Before(since) {
				since = t
			}
		}
		out = append(out, sched.Need{
			Key: s.key + "#rows:" + batch[0] + "+" + strconv.Itoa(len(batch)), Class: sched.Visible,
			Cost: sched.Cost{s.spec.bucket: 1}, Since: since, Run: s.describeRun(b, batch),
		})
	}
	out = append(out, s.step(e, b, have))
	return out
}

func (s *sweeper[T]) describeRun(b Backend, ids []string) func(context.Context, func(any)) (any, error) {
	describe, known := s.spec.describe, s.known
	return func(ctx context.Context, _ func(any)) (any, error) {
		// A batch due because one of its rows is old describes them all
		// (one call either way); a batch all of whose rows another page
		// described within the interval makes no call.
		if known != nil {
			if items, at, ok := known(ctx, ids); ok {
				return sweepRows[T]{items: items, ids: ids, reused: at}, nil
			}
		}
		items, fails, err := describe(ctx, b, ids)
		return sweepRows[T]{items: items, fails: fails, ids: ids}, err
	}
}

// step is the sweep's next call: a list page, or a describe of the stalest
// rows; between rounds (a round starts at most once per interval), the
// next round's first list page, due an interval after the last began.
func (s *sweeper[T]) step(e *env, b Backend, visible map[string]bool) sched.Need {
	n := sched.Need{Key: s.key + "#sweep", Class: sched.Background, Cost: sched.Cost{s.spec.bucket: 1}, Every: time.Millisecond}
	list := func(token string) func(context.Context, func(any)) (any, error) {
		return func(ctx context.Context, _ func(any)) (any, error) {
			ids, next, err := s.spec.list(ctx, b, token)
			return sweepList{ids: ids, next: next, first: token == ""}, err
		}
	}
	if !s.started.IsZero() && !s.listing {
		if stale := s.stale(visible); len(stale) > 0 {
			n.Run = s.describeRun(b, stale[:min(len(stale), s.spec.batch)])
			return n
		}
		s.started, s.lastFull = time.Time{}, e.clock()
	}
	if s.started.IsZero() {
		n.Every, n.Since = e.loop.sched.Interval(), s.lastFull
		n.Run = list("")
		return n
	}
	n.Run = list(s.token)
	return n
}

// stale lists the ids not described since the sweep began, oldest first,
// but for those refreshed as visible (they are described every interval
// anyway).
func (s *sweeper[T]) stale(visible map[string]bool) []string {
	var out []string
	for _, id := range s.listed {
		if visible[id] {
			continue
		}
		if t, ok := s.seen[id]; !ok || t.Before(s.started) {
			out = append(out, id)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return s.seen[a].Compare(s.seen[b]) })
	return out
}

// applyList takes a list page; at the end of the list, the items no longer
// listed are removed and the new ones wait to be described.
func (s *sweeper[T]) applyList(items []T, l sweepList, now time.Time) []T {
	if l.first {
		s.started, s.listing, s.listed = now, true, nil
	}
	s.listed = append(s.listed, l.ids...)
	s.token = l.next
	if l.next != "" {
		return items
	}
	s.listing = false
	listed := make(map[string]bool, len(s.listed))
	for _, id := range s.listed {
		listed[id] = true
	}
	kept := items[:0:0]
	for _, it := range items {
		if listed[s.spec.id(it)] {
			kept = append(kept, it)
		} else {
			delete(s.seen, s.spec.id(it))
		}
	}
	return kept
}

// applyRows updates described items in place (new ones at the end); an
// asked id that was not answered is gone. changed lists the indices
// updated in place, nil when items were added or removed.
func (s *sweeper[T]) applyRows(items []T, r sweepRows[T], now time.Time) (out []T, changed []int) {
	changed = []int{}
	at := make(map[string]int, len(items))
	for i, it := range items {
		at[s.spec.id(it)] = i
	}
	answered := map[string]bool{}
	for _, id := range r.ids {
		delete(s.wanted, id)
	}
	for _, it := range r.items {
		id := s.spec.id(it)
		answered[id] = true
		s.seen[id] = now
		if at, ok := r.reused[id]; ok {
			s.seen[id] = at
		}
		if i, ok := at[id]; ok {
			items[i] = it
			changed = append(changed, i)
		} else {
			items = append(items, it)
			changed = nil
		}
	}
	gone := map[string]bool{}
	for _, f := range r.fails {
		if f.Reason == "MISSING" {
			gone[f.ARN] = true
		}
	}
	if len(gone) == 0 {
		return items, changed
	}
	kept := items[:0:0]
	for _, it := range items {
		if id := s.spec.id(it); gone[id] && !answered[id] {
			delete(s.seen, id)
			continue
		}
		kept = append(kept, it)
	}
	if len(kept) != len(items) {
		changed = nil
	}
	return kept, changed
}
