package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
)

// The capacity header above the instances view reads two kinds of thing:
// the Auto Scaling side (lifecycle states, hooks, an instance refresh),
// which moves, and the cluster's settings — its capacity providers and
// default strategy (DescribeClusters) and each provider's managed scaling,
// termination protection and draining (DescribeCapacityProviders) — which
// change only when an administrator changes them. The settings are read at
// most every capacitySettingsEvery (and when the user refreshes), through
// the context's store, so a cluster the clusters page described is not
// described again: left open, the instances view makes no cluster reads
// at all between those reads (it made two a minute, 0.03/s, before).

// refresh reads everything now, the cluster's settings too (ctrl+r).
func (c *capacityView) refresh() tea.Cmd {
	c.refetch = true
	defer func() { c.refetch = false }()
	return c.kick()
}

// capacitySettingsEvery is how often a cluster's capacity settings are read.
const capacitySettingsEvery = 5 * time.Minute

// settingsReader serves the settings reads of one run from the store when
// fetched within capacitySettingsEvery of its start, and writes what it
// reads (shelves take writers on any goroutine).
type settingsReader struct {
	ops.CapacityReader
	store   *resourceStore
	now     time.Time
	refetch bool
}

// capacitySettings wraps a run's reader (ctx is the run's).
func (e *env) capacitySettings(ctx context.Context, cr ops.CapacityReader) ops.CapacityReader {
	now := runStart(ctx)
	if now.IsZero() {
		return cr
	}
	return settingsReader{CapacityReader: cr, store: e.store, now: now, refetch: refetching(ctx)}
}

func (r settingsReader) known(at time.Time, ok bool) bool {
	return ok && !r.refetch && r.now.Sub(at) < capacitySettingsEvery
}

func (r settingsReader) DescribeClusters(ctx context.Context, names []string) ([]model.Cluster, []model.Failure, error) {
	if len(names) == 1 {
		if c, at, ok := r.store.clusters.get(names[0]); r.known(at, ok) {
			return []model.Cluster{c}, nil, nil
		}
	}
	cs, fails, err := r.CapacityReader.DescribeClusters(ctx, names)
	if err == nil {
		r.store.clusters.put(r.now, cs...)
	}
	return cs, fails, err
}

func (r settingsReader) CapacityProviders(ctx context.Context, names []string) ([]model.CapacityProvider, []model.Failure, error) {
	var out []model.CapacityProvider
	for _, n := range names {
		cp, at, ok := r.store.providers.get(n)
		if !r.known(at, ok) {
			out = nil
			break
		}
		out = append(out, cp)
	}
	if out != nil {
		return out, nil, nil
	}
	cps, fails, err := r.CapacityReader.CapacityProviders(ctx, names)
	if err == nil {
		r.store.providers.put(r.now, cps...)
	}
	return cps, fails, err
}
