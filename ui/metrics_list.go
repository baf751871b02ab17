package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/sched"
)

// The metrics of a list page's rows on screen (listSpec.metrics): one need
// for all of them, restated when the rows on screen change (scrolling,
// new data), so a screen of 45 services costs one GetMetricData call a
// minute and never one per row.

// newMetricsSide is the metrics need of a page, or nil when the backend
// cannot read CloudWatch: then the store says so once, and no need is
// stated (nothing to run, nothing to fail every minute).
func newMetricsSide(e *env, store *metricStore) *sideNeed {
	if _, ok := e.backend.(metricsBackend); ok {
		return newSideNeed(e)
	}
	if store != nil {
		store.tried, store.err = true, errNoMetrics
	}
	return nil
}

// metricsSyncMsg asks a page to state the metrics of the rows on screen
// now. It comes one message after the change that prompted it, once the root
// has laid the page out (a banner that comes or goes changes how many rows
// show), so one change of screen is one need, one call.
type metricsSyncMsg struct{ owner uint64 }

// wantedMetrics is the need for the rows on screen now (nil: none).
func (p *listPage[T]) wantedMetrics() *sched.Need {
	var qs []model.MetricQuery
	for _, i := range p.tbl.OnScreen() {
		if i < len(p.items) {
			qs = append(qs, p.spec.metrics(p.items[i])...)
		}
	}
	if p.spec.pageMetrics != nil {
		more, ready := p.spec.pageMetrics()
		if !ready {
			return nil
		}
		qs = append(qs, more...)
	}
	if len(qs) == 0 {
		return nil
	}
	return metricsNeed(p.env, qs)
}

// syncMetrics schedules a metricsSyncMsg when the rows on screen changed.
func (p *listPage[T]) syncMetrics() tea.Cmd {
	// Not while a first load streams in: its batches would each change the
	// rows on screen, and each ask again.
	if p.side == nil || !p.side.shown || !p.loaded || p.side.pending {
		return nil
	}
	n := p.wantedMetrics()
	if n == nil && p.side.cur == nil || n != nil && n.Key == p.side.key() {
		return nil
	}
	p.side.pending = true
	owner := p.side.owner
	return func() tea.Msg { return metricsSyncMsg{owner: owner} }
}

// stateMetrics states the need for the rows on screen.
func (p *listPage[T]) stateMetrics() tea.Cmd {
	p.side.pending = false
	if !p.side.shown {
		return nil
	}
	n := p.wantedMetrics()
	if n == nil && p.side.cur == nil || n != nil && n.Key == p.side.key() {
		return nil
	}
	return p.side.set(n)
}

// takeMetrics handles the metrics need's messages: its sync and its reply.
func (p *listPage[T]) takeMetrics(msg tea.Msg) (bool, tea.Cmd) {
	if p.side == nil {
		return false, nil
	}
	if sm, ok := msg.(metricsSyncMsg); ok && sm.owner == p.side.owner {
		return true, p.stateMetrics()
	}
	m, ok := msg.(fetchedMsg)
	if !ok || m.key == "" || m.key != p.side.key() {
		return false, nil
	}
	p.spec.store.take(m)
	p.side.loaded()
	p.rebuildRows()
	p.SetSize(p.width, p.height) // a header may show the metrics too
	return true, nil
}

func (p *listPage[T]) showMetrics() tea.Cmd {
	if p.side == nil {
		return nil
	}
	p.side.shown = true
	return tea.Batch(p.side.show(), p.syncMetrics())
}

func (p *listPage[T]) hideMetrics() {
	if p.side != nil {
		p.side.hide()
	}
}
