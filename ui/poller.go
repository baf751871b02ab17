package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/ui/sched"
)

// fetchTimeout bounds one run so a hung endpoint cannot wedge a page.
const fetchTimeout = 60 * time.Second

// fetchedMsg is the end of one run of a need (ui/sched): its data or error.
// Every page sees it (the root broadcasts) and takes the ones of its key, so
// two pages that need the same data share one run.
type fetchedMsg struct {
	key  string
	id   uint64 // the run, so that a reply of an older run is dropped
	data any
	err  error
	at   time.Time // when the run ended
	// cached: the latest result of a run another page started, handed to a
	// page that needs the same data (not a run's end).
	cached bool
	// src is the env whose scheduler ran it: the console's, or one the
	// pulse keeps for another context.
	src *env
}

// partialMsg carries what a streaming first load has received so far; next
// reads the run's following message.
type partialMsg struct {
	key  string
	id   uint64
	data any
	next tea.Cmd
	src  *env
}

// tickMsg wakes the scheduler; at is the time it was due, so that the
// scheduler's clock advances with the ticks even on a test's fixed clock.
type tickMsg struct {
	gen uint64
	at  time.Time
	src *env
}

// poller is a page's typed view of one need of the scheduler: the data of
// type T it shows, whether and when it was loaded, and the last error. The
// page states the need while it is shown (a first load until it has data,
// then a Visible refresh every interval) and withdraws it when covered.
type poller[T any] struct {
	env   *env
	owner uint64
	key   string
	// load makes the calls; stream, when set, is used for the first load
	// instead, emitting what has arrived so far.
	load   func(ctx context.Context, b Backend) (T, error)
	stream func(ctx context.Context, b Backend, emit func(T)) (T, error)
	// cost estimates the calls one run makes, from the data shown.
	cost func(data T, loaded bool) sched.Cost
	// once: the data never changes (a task definition revision): no refresh.
	once bool
	// piecemeal, when set and answering true, replaces the need of a whole
	// fetch with the needs it returns (see sweep.go).
	piecemeal func() ([]sched.Need, bool)

	visible bool
	loaded  bool
	data    T
	lastOK  time.Time // when the shown data was fetched
	// dataAt, when set, is when the oldest part of the shown data was
	// fetched, when that is before the last reply (a part came from the
	// store): the next refresh is due an interval after it.
	dataAt  time.Time
	err     error  // the last run's error (data kept)
	running uint64 // the run whose partials are accepted
	refetch bool   // the need stated now is the user's refresh
}

func newPoller[T any](e *env, key string, load func(ctx context.Context, b Backend) (T, error), cost func(T, bool) sched.Cost) poller[T] {
	return poller[T]{env: e, owner: e.nextID(), key: key, load: load, cost: cost, visible: true}
}

// need is what the page asks of the scheduler now.
func (p *poller[T]) need() []sched.Need {
	if !p.visible || (p.once && p.loaded) {
		return nil
	}
	if p.piecemeal != nil {
		if n, ok := p.piecemeal(); ok {
			return n
		}
	}
	return []sched.Need{p.whole()}
}

// whole is the need of one whole fetch: a first load until the page has
// data, then a Visible refresh.
func (p *poller[T]) whole() sched.Need {
	class := sched.Visible
	if !p.loaded {
		class = sched.FirstLoad
	}
	load, stream, b := p.load, p.stream, p.env.backend
	run := func(ctx context.Context, emit func(any)) (any, error) { return load(ctx, b) }
	if p.refetch {
		run = func(ctx context.Context, emit func(any)) (any, error) { return load(withRefetch(ctx), b) }
	}
	if stream != nil && !p.loaded {
		run = func(ctx context.Context, emit func(any)) (any, error) {
			return stream(ctx, b, func(v T) { emit(v) })
		}
	}
	n := sched.Need{Key: p.key, Class: class, Cost: p.cost(p.data, p.loaded), Run: run}
	if p.loaded {
		n.Since, n.DataAt = p.dataAt, p.dataAt
	}
	return n
}

// sync states the page's needs and starts what is due.
func (p *poller[T]) sync() tea.Cmd { return p.env.setNeeds(p.owner, p.need()) }

// fetch is the first load (Init). When another page's run of the same
// need ended within the interval, its result is used instead of a call.
func (p *poller[T]) fetch() tea.Cmd {
	var cached tea.Cmd
	if m, ok := p.env.loop.last[p.key]; ok && p.env.clock().Sub(m.at) < p.env.loop.sched.Interval() {
		m.cached = true
		cached = func() tea.Msg { return m }
	}
	return tea.Batch(cached, p.sync())
}

// refresh runs the need now (ctrl+r) unless a run is in flight.
func (p *poller[T]) refresh() tea.Cmd {
	if p.env.loop.sched.State(p.key).Running {
		return nil
	}
	// The run the user asks for reads everything again (not the store).
	p.refetch = true
	p.env.setNeedsQuiet(p.owner, p.need())
	p.refetch = false
	p.env.loop.sched.Kick(p.key)
	return p.env.pump()
}

// receive takes a message of this poller's key. It reports whether the
// message was a final reply (data or error) and whether it was a partial.
func (p *poller[T]) receive(msg tea.Msg) (final, partial bool) {
	switch m := msg.(type) {
	case partialMsg:
		if m.key != p.key || p.loaded {
			return false, false
		}
		if v, ok := m.data.(T); ok {
			p.data, p.running = v, m.id
			return false, true
		}
	case fetchedMsg:
		if m.key != p.key {
			return false, false
		}
		if m.err != nil {
			p.err = m.err
			return true, false
		}
		v, ok := m.data.(T)
		if !ok {
			return false, false
		}
		p.data, p.err, p.loaded, p.lastOK = v, nil, true, p.env.now()
		return true, false
	}
	return false, false
}

// show resumes the page's needs when it is on top again, refreshing now.
func (p *poller[T]) show() tea.Cmd {
	p.visible = true
	if p.once && p.loaded {
		return nil
	}
	p.env.setNeedsQuiet(p.owner, p.need())
	if !fresh(p.dataAt, p.env.clock(), p.env.loop.sched.Interval()) {
		p.env.loop.sched.Kick(p.key)
	}
	return p.env.pump()
}

// hide withdraws the page's needs; a run in flight may still land.
func (p *poller[T]) hide() {
	p.visible = false
	p.env.setNeedsQuiet(p.owner, nil)
}

func (p *poller[T]) close() {
	p.visible = false
	p.env.dropNeeds(p.owner)
}

// refreshState is what the header shows about a page's data.
type refreshState struct {
	Loaded bool
	Busy   bool
	LastOK time.Time
	Err    error
	// Oldest is when the least recently refreshed row was fetched, for a
	// list refreshed piecemeal (zero otherwise: every row is LastOK old).
	Oldest time.Time
	// Seeded: the data shown is the store's, LastOK old, while the page's
	// first load runs.
	Seeded bool
	// Polls: the page is refreshed by the scheduler (not fetched once), so
	// the header says what share of the budget is in use.
	Polls bool
}

func (p *poller[T]) state() refreshState {
	return refreshState{Loaded: p.loaded, Busy: p.env.loop.sched.State(p.key).Running && p.visible, LastOK: p.lastOK, Err: p.err, Polls: !p.once}
}

// refresher is implemented by pages that refresh (k9s-style capability).
type refresher interface {
	Refresh() tea.Cmd
	RefreshState() refreshState
}

// visibility is implemented by pages that refresh only while on top.
type visibility interface {
	Shown() tea.Cmd
	Hidden()
}

// throttled reports whether err says AWS throttled us.
func throttled(err error) bool { return awsapi.KindOf(err) == awsapi.KindThrottled }
