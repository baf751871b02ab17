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
	{Title: "CAPACITY", Max: 32, Hide: 2},
}

// clusterRow renders and diagnoses one cluster: pending tasks are yellow, a
// cluster with services but no instances is red (nothing can run).
func clusterRow(_ *env, c model.Cluster, _ time.Time) table.Row {
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
		capacityCell(c),
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
			return b.Clusters(ctx)
		},
		row: clusterRow,
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
// (base and weight), or the providers it has without one; "-" for a cluster
// of classic Auto Scaling groups.
func capacityCell(c model.Cluster) table.Cell {
	switch {
	case len(c.DefaultStrategy) > 0:
		return table.Cell{Text: clean(model.StrategyText(c.DefaultStrategy))}
	case len(c.CapacityProviders) > 0:
		return table.Cell{Text: clean(strings.Join(c.CapacityProviders, ", ") + " (no default)")}
	}
	return table.Cell{Text: "-", Tone: theme.ToneMuted}
}
