package ui

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/sched"
	"github.com/ecstui/ecstui/ui/table"
)

// listSpec describes one table view over items of type T: how to fetch
// them, how to render (and diagnose) one as a row, and where rows lead.
type listSpec[T any] struct {
	title   string // breadcrumb, e.g. "services(prod)"
	cluster string // the cluster the page belongs to, if any
	// key names the data for the scheduler: pages with one key share runs.
	key string
	// cost estimates one fetch's calls from the item count last shown.
	cost func(n int) sched.Cost
	// sweep, when set, refreshes the list piecemeal once a whole fetch
	// costs more than the budget's burst (sweep.go).
	sweep *sweepSpec[T]
	// share, when set, links the page to the context's store (store.go):
	// it starts from what the store holds and fetches through it.
	share   *listShare[T]
	noun    string // "services", for loading and empty text
	columns []table.Column
	fetch   func(ctx context.Context, b Backend) ([]T, []model.Failure, error)
	// fetchMeta, when set, replaces fetch and also returns page-level data
	// for header (e.g. the port map's summary and findings).
	fetchMeta func(ctx context.Context, b Backend) ([]T, any, []model.Failure, error)
	// stream, when set, is used for the first load: onBatch receives each
	// described batch (from adapter goroutines) so the first rows show early.
	stream func(ctx context.Context, b Backend, onBatch func([]T)) ([]T, []model.Failure, error)
	row    func(e *env, item T, now time.Time) table.Row
	// enter opens the selected item (nil: nothing to open).
	enter func(e *env, item T) page.Page
	// extra binds page keys to jumps from the selected item.
	extra []listKey[T]
	// header, when set, renders lines above the table (a summary).
	header func(e *env, meta any, width int) []string
	// copyID is what y copies for an item (default: the row ID).
	copyID func(item T) string
	// metrics, when set, names an item's CloudWatch metrics: the page
	// fetches them for the rows on screen, once a minute, into store, which
	// row reads (metrics_list.go).
	metrics func(item T) []model.MetricQuery
	// pageMetrics, when set, names the page's own metrics (a header's),
	// asked for in the same call as the rows'; until ready, no metric of
	// the page is asked for, so the first call has them all.
	pageMetrics func() (qs []model.MetricQuery, ready bool)
	store       *metricStore
	// kept, when set, sees each whole answer's items (received at at).
	kept func(e *env, items []T, at time.Time)
}

// listKey is a page key acting on the selected item.
type listKey[T any] struct {
	binding func(k *KeyMap) key.Binding
	do      func(e *env, item T) tea.Cmd
}

type listData[T any] struct {
	items    []T
	meta     any
	failures []model.Failure
	// reused: items taken from the store, with when they were fetched;
	// listed: the scope was listed now (see scoped).
	reused map[string]time.Time
	listed bool
}

// listPage is a refreshing table of T. Pages embed it and are updated in
// place: Update returns nil, so the root keeps the embedding page.
type listPage[T any] struct {
	poller[listData[T]]
	spec     listSpec[T]
	tbl      *table.Model
	items    []T
	meta     any
	failures []model.Failure
	width    int
	height   int
	filter   string
	// partialRows: the first load is still arriving; rows shown so far.
	partialRows bool
	// moved: the user moved the cursor, so streaming rows do not reset it.
	moved bool
	// sw refreshes a large list piecemeal (nil: whole fetches).
	sw *sweeper[T]
	// rows are the rendered items, rendered at rowsAt.
	rows   []table.Row
	rowsAt time.Time

	// side is the metrics need of the rows on screen (spec.metrics).
	side *sideNeed
	// seeded: the rows shown are the store's, older than the interval,
	// while the first load runs; stamps are when the items fetched before
	// the last reply were fetched (by id), for the sweep to start from.
	seeded bool
	stamps map[string]time.Time
}

func newListPage[T any](e *env, spec listSpec[T]) *listPage[T] {
	p := &listPage[T]{spec: spec}
	cost := spec.cost
	if cost == nil {
		cost = func(int) sched.Cost { return nil }
	}
	p.poller = newPoller(e, spec.key, func(ctx context.Context, b Backend) (listData[T], error) {
		if spec.fetchMeta != nil {
			items, meta, fails, err := spec.fetchMeta(ctx, b)
			if err != nil {
				return listData[T]{}, err
			}
			return listData[T]{items: items, meta: meta, failures: fails}, nil
		}
		items, fails, err := spec.fetch(ctx, b)
		if err != nil {
			return listData[T]{}, err
		}
		return listData[T]{items: items, failures: fails}, nil
	}, func(d listData[T], _ bool) sched.Cost { return cost(len(d.items)) })
	if spec.share != nil {
		share := spec.share
		p.poller.load = func(ctx context.Context, _ Backend) (listData[T], error) { return share.read(ctx, nil) }
		p.poller.stream = func(ctx context.Context, _ Backend, emit func(listData[T])) (listData[T], error) {
			var mu sync.Mutex
			var got []T
			return share.read(ctx, func(batch []T) {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, batch...)
				emit(listData[T]{items: slices.Clone(got)})
			})
		}
	} else if spec.stream != nil {
		p.poller.stream = func(ctx context.Context, b Backend, emit func(listData[T])) (listData[T], error) {
			var mu sync.Mutex
			var got []T
			items, fails, err := spec.stream(ctx, b, func(batch []T) {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, batch...)
				emit(listData[T]{items: slices.Clone(got)})
			})
			if err != nil {
				return listData[T]{}, err
			}
			return listData[T]{items: items, failures: fails}, nil
		}
	}
	if spec.sweep != nil {
		p.poller.piecemeal = p.piecemealNeeds
	}
	if spec.metrics != nil {
		p.side = newMetricsSide(e, spec.store)
	}
	p.tbl = table.New(e.st, &e.keys.Table, spec.columns)
	p.tbl.SetEmptyText("no " + spec.noun)
	return p
}

func (p *listPage[T]) Init() tea.Cmd {
	p.seed()
	return p.fetch()
}

// seed starts the page from what the store holds of its scope: loaded
// when all of it was fetched within the interval (no first load), or
// shown, marked with its age, while the first load runs.
func (p *listPage[T]) seed() {
	if p.spec.share == nil {
		return
	}
	items, stamps, listedAt, ok := p.spec.share.seed()
	if !ok {
		return
	}
	oldest := listedAt
	for _, at := range stamps {
		if at.Before(oldest) {
			oldest = at
		}
	}
	p.items, p.stamps = items, stamps
	if fresh(oldest, p.env.clock(), p.env.loop.sched.Interval()) {
		p.data = listData[T]{items: items}
		p.loaded, p.lastOK, p.dataAt = true, p.env.now(), oldest
	} else {
		p.seeded, p.lastOK = true, oldest
	}
	p.rebuildRows()
}

func (p *listPage[T]) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	if ok, cmd := p.takeMetrics(msg); ok {
		return nil, cmd
	}
	np, cmd := p.update(msg)
	// Whatever changed the rows on screen (data, a sweep, scrolling, a
	// resize), the metrics need follows them.
	return np, tea.Batch(cmd, p.syncMetrics())
}

func (p *listPage[T]) update(msg tea.Msg) (page.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case fetchedMsg:
		if p.sw != nil && strings.HasPrefix(msg.key, p.sw.key) {
			return nil, p.sweepReply(msg)
		}
	}
	switch msg := msg.(type) {
	case fetchedMsg, partialMsg:
		final, partial := p.receive(msg)
		switch {
		case partial && p.seeded:
			// The store's rows stay until the whole answer replaces them.
			if pm, ok := msg.(partialMsg); ok {
				return nil, pm.next
			}
		case partial:
			p.items = p.data.items
			p.partialRows = true
			p.rebuildRows()
			p.SetSize(p.width, p.height)
			if pm, ok := msg.(partialMsg); ok {
				return nil, pm.next
			}
		case final:
			if p.err == nil {
				p.items, p.meta, p.failures = p.data.items, p.data.meta, p.data.failures
				p.seeded = false
				p.adoptRead(msg.(fetchedMsg).at)
				p.rebuildRows()
			}
			// A first load that failed half-way shows no half list as if whole.
			p.partialRows = false
			p.SetSize(p.width, p.height) // the header may have changed height
			return nil, p.sync()
		}
		return nil, nil
	case tea.KeyPressMsg:
		if p.tbl.Update(msg) {
			p.moved = true
			if p.sw != nil {
				return nil, p.sync() // other rows on screen now
			}
			return nil, nil
		}
		item, ok := p.selected()
		if !ok {
			return nil, nil
		}
		if key.Matches(msg, p.env.keys.Enter) && p.spec.enter != nil {
			if next := p.spec.enter(p.env, item); next != nil {
				return nil, page.Open(next)
			}
			return nil, nil
		}
		for _, x := range p.spec.extra {
			if key.Matches(msg, x.binding(p.env.keys)) {
				return nil, x.do(p.env, item)
			}
		}
	}
	return nil, nil
}

// adoptRead records a whole read's answer (received at at) in the store
// and notes when the items it took from the store were fetched.
func (p *listPage[T]) adoptRead(at time.Time) {
	p.stamps, p.dataAt = nil, time.Time{}
	if at.IsZero() {
		at = p.env.clock()
	}
	if p.spec.kept != nil {
		p.spec.kept(p.env, p.items, at)
	}
	if p.spec.share == nil {
		return
	}
	p.spec.share.record(p.data, at)
	if len(p.data.reused) == 0 {
		return
	}
	p.stamps = p.data.reused
	p.dataAt = at
	for _, t := range p.stamps {
		if t.Before(p.dataAt) {
			p.dataAt = t
		}
	}
	if p.dataAt.Before(p.lastOK) {
		p.lastOK = p.dataAt
	}
}

// reseed takes, when the page is shown again, what other pages fetched
// while it was covered: the store holds everything the page fetched and
// anything fetched since, so the page shows the store's copy of its scope.
func (p *listPage[T]) reseed() {
	if p.spec.share == nil || !p.loaded {
		return
	}
	items, stamps, listedAt, ok := p.spec.share.seed()
	if !ok {
		return
	}
	p.items, p.data.items, p.stamps = items, items, stamps
	p.dataAt = listedAt
	for _, at := range stamps {
		if at.Before(p.dataAt) {
			p.dataAt = at
		}
	}
	if p.sw != nil {
		p.sw.reseed(items, stamps)
	}
	p.refreshRows(nil)
}

// rowsMaxAge is how long rows re-rendered one by one may keep the ages
// (started 5m ago…) they were rendered with before all are rendered again.
const rowsMaxAge = 10 * time.Second

// refreshRows re-renders the rows of the changed items only (a piecemeal
// refresh answers 10 or 100 of 5,000), or all of them when the list
// changed shape or the ages shown are getting old.
func (p *listPage[T]) refreshRows(changed []int) {
	now := p.env.now()
	if changed == nil || len(p.rows) != len(p.items) || now.Sub(p.rowsAt) >= rowsMaxAge {
		p.rebuildRows()
		return
	}
	for _, i := range changed {
		p.rows[i] = p.spec.row(p.env, p.items[i], now)
	}
	p.tbl.SetRows(p.rows)
}

func (p *listPage[T]) rebuildRows() {
	now := p.env.now()
	rows := make([]table.Row, len(p.items))
	for i, it := range p.items {
		rows[i] = p.spec.row(p.env, it, now)
	}
	p.rows, p.rowsAt = rows, now
	p.tbl.SetRows(rows)
	// While a first load streams in, batches land in any order: the cursor
	// stays on the top row unless the user moved it.
	if p.partialRows && !p.moved && len(rows) > 0 {
		p.tbl.Move(-p.tbl.Len())
	}
}

func (p *listPage[T]) selected() (T, bool) {
	var zero T
	i := p.tbl.SelectedIndex()
	if i < 0 || i >= len(p.items) {
		return zero, false
	}
	return p.items[i], true
}

func (p *listPage[T]) headerLines() []string {
	var out []string
	if p.partialRows && !p.loaded {
		out = append(out, p.env.loading(p.spec.noun+": "+itoa(len(p.items))+" so far"))
	}
	if p.spec.header != nil && p.loaded {
		out = append(out, p.spec.header(p.env, p.meta, p.width)...)
	}
	if n := len(p.failures); n > 0 {
		s := p.failures[0].String()
		if n > 1 {
			s += " (and " + itoa(n-1) + " more)"
		}
		out = append(out, p.env.st.Warn.Render(fitLine("partial answer: "+clean(s), p.width)))
	}
	return out
}

func (p *listPage[T]) View() string {
	if (p.partialRows || p.seeded) && !p.loaded {
		return joinBody(p.headerLines(), p.tbl.View(), p.height)
	}
	if !p.loaded {
		if p.err != nil {
			return padLines("", p.height)
		}
		return padLines(p.env.loading(p.spec.noun), p.height)
	}
	head := p.headerLines()
	body := p.tbl.View()
	return joinBody(head, body, p.height)
}

func (p *listPage[T]) SetSize(w, h int) {
	p.width, p.height = w, h
	p.tbl.SetSize(w, max(h-len(p.headerLines()), 0))
}

func (p *listPage[T]) Title() string { return p.spec.title }

func (p *listPage[T]) KeyHelp() []key.Binding {
	var out []key.Binding
	if p.spec.enter != nil {
		out = append(out, p.env.keys.Enter)
	}
	for _, x := range p.spec.extra {
		out = append(out, x.binding(p.env.keys))
	}
	return out
}

func (p *listPage[T]) Close() {
	p.close()
	if p.side != nil {
		p.side.close()
	}
}

func (p *listPage[T]) Cluster() string { return p.spec.cluster }

// Capabilities used by the root.

func (p *listPage[T]) Refresh() tea.Cmd { return p.refresh() }
func (p *listPage[T]) RefreshState() refreshState {
	s := p.state()
	s.Oldest = p.oldestRow()
	s.Seeded = p.seeded && !p.loaded
	return s
}
func (p *listPage[T]) Shown() tea.Cmd {
	p.reseed()
	return tea.Batch(p.show(), p.showMetrics())
}
func (p *listPage[T]) Hidden()                    { p.hide(); p.hideMetrics() }
func (p *listPage[T]) TableKeys() bool            { return true }
func (p *listPage[T]) Counts() (shown, total int) { return p.tbl.Len(), p.tbl.Total() }
func (p *listPage[T]) FilterText() string         { return p.filter }
func (p *listPage[T]) CopyText() (string, bool) {
	if p.spec.copyID != nil {
		if it, ok := p.selected(); ok {
			s := p.spec.copyID(it)
			return s, s != ""
		}
		return "", false
	}
	r, ok := p.tbl.SelectedRow()
	return r.ID, ok && r.ID != ""
}

func (p *listPage[T]) SetFilter(text string, re *regexp.Regexp, invert bool) {
	p.filter = text
	p.tbl.SetFilter(re, invert)
}

// piecemealNeeds are a large list's needs (sweep.go): once loaded, when a
// whole fetch costs more than the budget's burst of its bucket.
func (p *listPage[T]) piecemealNeeds() ([]sched.Need, bool) {
	if !p.loaded || p.spec.sweep == nil {
		return nil, false
	}
	if p.sw == nil {
		b := p.spec.sweep.bucket
		if p.spec.cost(len(p.items))[b] <= p.env.loop.sched.Burst(b) {
			return nil, false
		}
		p.sw = newSweeper(*p.spec.sweep, p.spec.key+"#")
		if p.spec.share != nil {
			p.sw.known = p.spec.share.known
		}
		p.sw.adopt(p.items, p.stamps, p.env.clock())
	}
	return p.sw.needs(p.env, p.items, p.tbl.OnScreen()), true
}

// sweepReply applies a piecemeal refresh's answer.
func (p *listPage[T]) sweepReply(m fetchedMsg) tea.Cmd {
	if m.err != nil {
		p.err = m.err
		return p.sync()
	}
	p.err = nil
	var changed []int
	switch d := m.data.(type) {
	case sweepList:
		n := len(p.items)
		p.items = p.sw.applyList(p.items, d, p.env.clock())
		if len(p.items) == n {
			changed = []int{}
		}
		if d.next == "" && p.spec.share != nil {
			p.spec.share.listed(p.sw.listed, p.sw.started)
		}
	case sweepRows[T]:
		p.items, changed = p.sw.applyRows(p.items, d, p.env.clock())
		if p.spec.share != nil && d.reused == nil {
			p.spec.share.rows(d.items, d.fails, p.env.clock())
		}
		if strings.Contains(m.key, "#rows:") {
			p.lastOK = p.env.now()
		}
	}
	p.refreshRows(changed)
	return p.sync()
}

// oldestRow is when the least recently refreshed row was fetched (zero
// when the list is refreshed whole).
func (p *listPage[T]) oldestRow() time.Time {
	if p.sw == nil {
		return time.Time{}
	}
	return p.sw.oldest()
}
