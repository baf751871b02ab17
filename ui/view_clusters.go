package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

var clusterColumns = []table.Column{
	{Title: "NAME", Max: 60},
	{Title: "STATUS"},
	{Title: "SERVICES", Right: true},
	{Title: "RUNNING", Right: true},
	{Title: "PENDING", Right: true},
	{Title: "INSTANCES", Right: true},
	{Title: "CAPACITY", Max: 64, Hide: 2, Flex: true, Min: 24},
}

// clusterRow renders and diagnoses one cluster: pending tasks are yellow, a
// cluster with services but no instances is red (nothing can run).
func clusterRow(e *env, c model.Cluster, now time.Time, ms *metricStore) table.Row {
	inst := table.Cell{Text: itoa(c.RegisteredContainerInstancesCount)}
	if c.RegisteredContainerInstancesCount == 0 && c.ActiveServicesCount > 0 {
		inst.Tone = theme.ToneBad
	}
	pending := table.Cell{Text: itoa(c.PendingTasksCount)}
	if c.PendingTasksCount > 0 {
		pending.Tone = theme.ToneWarn
	}
	return table.Row{ID: c.ARN, Cells: []table.Cell{
		{Text: clean(c.Name)},
		{Text: clean(c.Status), Tone: theme.StatusTone(c.Status)},
		{Text: itoa(c.ActiveServicesCount)},
		{Text: itoa(c.RunningTasksCount)},
		pending,
		inst,
		capacityCell(e, c, ms, now),
	}}
}

func newClustersPage(e *env) *listPage[model.Cluster] {
	store := &metricStore{}
	return newListPage(e, listSpec[model.Cluster]{
		title:   "clusters",
		noun:    "clusters",
		key:     "clusters",
		cost:    clustersCost,
		columns: clusterColumns,
		fetch: func(ctx context.Context, b Backend) ([]model.Cluster, []model.Failure, error) {
			cs, fails, err := b.Clusters(ctx)
			if err == nil {
				e.providers.refresh(ctx, b, e.store.providers, cs, e.now())
			}
			return cs, fails, err
		},
		// The instances view's capacity header reads the cluster's
		// settings from here (capacity_settings.go).
		kept: func(e *env, cs []model.Cluster, at time.Time) { e.store.clusters.put(at, cs...) },
		row:  func(e *env, c model.Cluster, now time.Time) table.Row { return clusterRow(e, c, now, store) },
		// The reservation of each provider with managed scaling, for the
		// clusters on screen: one GetMetricData call a minute.
		metrics: func(c model.Cluster) []model.MetricQuery { return reservationMetrics(e, c) },
		store:   store,
		enter: func(e *env, c model.Cluster) page.Page {
			return newServicesPage(e, c.Name)
		},
		extra: []listKey[model.Cluster]{
			{binding: func(k *KeyMap) key.Binding { return k.Tasks }, do: func(e *env, c model.Cluster) tea.Cmd {
				return page.Open(newTasksPage(e, c.Name))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Instances }, do: func(e *env, c model.Cluster) tea.Cmd {
				return page.Open(newInstancesPage(e, c.Name))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Ports }, do: func(e *env, c model.Cluster) tea.Cmd {
				return page.Open(newPortMapPage(e, portScope{cluster: c.Name}))
			}},
		},
	})
}

// capacityCell is a cluster's capacity providers: its default strategy
// (base and weight), or the providers it has without one, with the managed
// features of each when read (and CloudWatch's CapacityProviderReservation
// of those with managed scaling, when it has one); "-" for a cluster of
// classic Auto Scaling groups.
func capacityCell(e *env, c model.Cluster, ms *metricStore, now time.Time) table.Cell {
	var text string
	switch {
	case len(c.DefaultStrategy) > 0:
		text = model.StrategyText(c.DefaultStrategy)
	case len(c.CapacityProviders) > 0:
		text = strings.Join(c.CapacityProviders, ", ") + " (no default)"
	default:
		return table.Cell{Text: "-", Tone: theme.ToneMuted}
	}
	var feats []string
	for _, n := range c.CapacityProviders {
		if cp, ok := e.provider(n); ok && cp.AutoScalingGroupARN != "" {
			var r model.MetricReading
			if ms != nil && cp.ManagedScaling.Enabled() {
				r = ms.reading(model.ReservationMetric(c.Name, n), now, noReservation)
			}
			feats = append(feats, providerText(cp, r))
		}
	}
	if len(feats) > 0 {
		text += " (" + strings.Join(feats, "; ") + ")"
	}
	return table.Cell{Text: clean(text)}
}

// reservationMetrics are the CapacityProviderReservation metrics of a
// cluster's providers with managed scaling (as last read with the listing).
func reservationMetrics(e *env, c model.Cluster) []model.MetricQuery {
	var qs []model.MetricQuery
	for _, n := range c.CapacityProviders {
		if cp, ok := e.provider(n); ok && cp.ManagedScaling.Enabled() {
			qs = append(qs, model.ReservationMetric(c.Name, n))
		}
	}
	return qs
}
