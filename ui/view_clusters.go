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
	{Title: "CAPACITY", Max: 64, Hide: 2},
}

// clusterRow renders and diagnoses one cluster: pending tasks are yellow, a
// cluster with services but no instances is red (nothing can run).
func clusterRow(e *env, c model.Cluster, _ time.Time) table.Row {
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
		capacityCell(e, c),
	}}
}

func newClustersPage(e *env) *listPage[model.Cluster] {
	return newListPage(e, listSpec[model.Cluster]{
		title:   "clusters",
		noun:    "clusters",
		key:     "clusters",
		cost:    clustersCost,
		columns: clusterColumns,
		fetch: func(ctx context.Context, b Backend) ([]model.Cluster, []model.Failure, error) {
			cs, fails, err := b.Clusters(ctx)
			if err == nil {
				e.providers.refresh(ctx, b, cs, e.now())
			}
			return cs, fails, err
		},
		// The instances view's capacity header reads the cluster's
		// settings from here (capacity_settings.go).
		kept: func(e *env, cs []model.Cluster, at time.Time) { e.store.clusters.put(at, cs...) },
		row:  clusterRow,
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
// features of each when read; "-" for a cluster of classic Auto Scaling groups.
func capacityCell(e *env, c model.Cluster) table.Cell {
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
		if cp, ok := e.providers.get(n); ok && cp.AutoScalingGroupARN != "" {
			feats = append(feats, providerText(cp))
		}
	}
	if len(feats) > 0 {
		text += " (" + strings.Join(feats, "; ") + ")"
	}
	return table.Cell{Text: clean(text)}
}
