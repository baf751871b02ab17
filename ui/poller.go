package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awsapi"
)

// fetchTimeout bounds one refresh so a hung endpoint cannot wedge a page.
const fetchTimeout = 60 * time.Second

// maxBackoff caps the polling interval after repeated errors.
const maxBackoff = time.Minute

// fetchedMsg is the reply to a page's fetch.
type fetchedMsg struct {
	page, req uint64
	data      any
	err       error
}

// partialMsg carries the rows received so far during a page's first load
// (the adapter describes in batches); next reads the following message.
type partialMsg struct {
	page, req uint64
	data      any
	next      tea.Cmd
}

// tickMsg asks a page to refresh; gen must be its latest tick generation.
type tickMsg struct{ page, gen uint64 }

// poller is the refresh machinery every data page embeds (gh-dash's request
// ids, k9s's skip-if-busy polling with backoff): a fetch is a tea.Cmd that
// copies its inputs and returns a fetchedMsg carrying the request id; replies
// that are not the latest are dropped; a tick is scheduled only while the page
// is visible, with a generation id so older ticks die; an overlapping refresh
// is skipped; Close cancels the in-flight request.
type poller struct {
	env  *env
	id   uint64
	load func(ctx context.Context, b Backend) (any, error)
	// stream, when set, is used for the first load instead of load: emit
	// reports what has arrived so far, so a big list shows its first rows
	// early.
	stream func(ctx context.Context, b Backend, emit func(any)) (any, error)

	req      uint64
	gen      uint64
	inflight bool
	visible  bool
	cancel   context.CancelFunc

	loaded   bool      // at least one good reply
	lastOK   time.Time // when the shown data was fetched
	err      error     // the last reply's error (data kept)
	failures int       // consecutive failures, for backoff
}

func newPoller(e *env, load func(ctx context.Context, b Backend) (any, error)) poller {
	return poller{env: e, id: e.nextID(), load: load, visible: true}
}

// fetch starts a request unless one is in flight.
func (p *poller) fetch() tea.Cmd {
	if p.inflight {
		return nil
	}
	p.req++
	p.inflight = true
	ctx, cancel := context.WithTimeout(p.env.ctx, fetchTimeout)
	p.cancel = cancel
	page, req, load, b := p.id, p.req, p.load, p.env.backend
	if p.stream != nil && !p.loaded {
		return streamFetch(ctx, cancel, b, page, req, p.stream)
	}
	return func() tea.Msg {
		defer cancel()
		data, err := load(ctx, b)
		return fetchedMsg{page: page, req: req, data: data, err: err}
	}
}

// streamFetch runs a streaming load in a goroutine and returns a command
// that reads its messages one at a time: partials (at most one waiting; a
// newer one replaces what the UI has not read yet) and then the reply.
func streamFetch(ctx context.Context, cancel context.CancelFunc, b Backend, page, req uint64,
	stream func(context.Context, Backend, func(any)) (any, error)) tea.Cmd {
	partials := make(chan any, 1)
	done := make(chan fetchedMsg, 1)
	go func() {
		defer cancel()
		data, err := stream(ctx, b, func(v any) {
			select { // drop an unread older partial: the newer one has more
			case <-partials:
			default:
			}
			partials <- v
		})
		done <- fetchedMsg{page: page, req: req, data: data, err: err}
	}()
	var next tea.Cmd
	next = func() tea.Msg {
		select {
		case m := <-done:
			return m
		case v := <-partials:
			return partialMsg{page: page, req: req, data: v, next: next}
		}
	}
	return next
}

// partial accepts a partialMsg that belongs to this page's current request.
func (p *poller) partial(m partialMsg) bool {
	return m.page == p.id && m.req == p.req && p.inflight && !p.loaded
}

// accept checks a reply: ok is false when it is not this page's latest. On
// an accepted reply it records the outcome and schedules the next tick.
func (p *poller) accept(m fetchedMsg) (ok bool, next tea.Cmd) {
	if m.page != p.id || m.req != p.req {
		return false, nil
	}
	p.inflight = false
	p.cancel = nil
	if m.err != nil {
		p.err = m.err
		p.failures++
	} else {
		p.err = nil
		p.failures = 0
		p.loaded = true
		p.lastOK = p.env.now()
	}
	return true, p.schedule()
}

func (p *poller) schedule() tea.Cmd {
	if !p.visible {
		return nil
	}
	p.gen++
	page, gen := p.id, p.gen
	d := p.env.interval
	for i := 0; i < p.failures && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	return p.env.tick(d, func(time.Time) tea.Msg { return tickMsg{page: page, gen: gen} })
}

// tick handles a tickMsg; it reports whether the message was this page's.
func (p *poller) tick(m tickMsg) (mine bool, cmd tea.Cmd) {
	if m.page != p.id {
		return false, nil
	}
	if m.gen != p.gen || !p.visible {
		return true, nil
	}
	return true, p.fetch()
}

// show resumes polling when the page is on top again.
func (p *poller) show() tea.Cmd {
	p.visible = true
	p.gen++
	return p.fetch()
}

// hide stops polling; the in-flight request may still land.
func (p *poller) hide() {
	p.visible = false
	p.gen++
}

func (p *poller) close() {
	p.visible = false
	p.gen++
	if p.cancel != nil {
		p.cancel()
	}
}

// State is what the header shows about a page's data.
type refreshState struct {
	Loaded bool
	Busy   bool
	LastOK time.Time
	Err    error
}

func (p *poller) state() refreshState {
	return refreshState{Loaded: p.loaded, Busy: p.inflight, LastOK: p.lastOK, Err: p.err}
}

// refresher is implemented by pages that poll (k9s-style capability).
type refresher interface {
	Refresh() tea.Cmd
	RefreshState() refreshState
}

// visibility is implemented by pages that poll only while on top.
type visibility interface {
	Shown() tea.Cmd
	Hidden()
}

// throttled reports whether err says AWS throttled us.
func throttled(err error) bool { return awsapi.KindOf(err) == awsapi.KindThrottled }
