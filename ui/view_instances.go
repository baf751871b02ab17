package ui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ui/actions"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

// barWidth is the width of the small usage bars in the instances table.
const barWidth = 6

// The agent's connection is the last column to go: a DISCONNECTED agent
// (ECS can neither start nor stop its tasks) must show at 80 columns. Its
// version, for rolling replacements, goes early.
var instanceColumns = []table.Column{
	{Title: "EC2 ID", Max: 20},
	{Title: "STATUS"},
	{Title: "AZ", Hide: 6},
	{Title: "TYPE", Hide: 7},
	{Title: "AGENT", Hide: 1},
	{Title: "VERSION", Hide: 8},
	{Title: "RUN", Right: true},
	{Title: "PEND", Right: true, Hide: 8},
	{Title: "CPU RES", Min: barWidth + 5},
	{Title: "MEM RES", Min: barWidth + 5},
	{Title: "CPU USE", Min: 11, Max: 11, Hide: 2},
	{Title: "MEM USE", Min: 11, Max: 11, Hide: 5},
	{Title: "PORTS", Right: true, Hide: 4},
	{Title: "ASG", Max: 24, Hide: 3},
	{Title: "AMI", Max: 22, Hide: 9},
	{Title: "IP", Hide: 10},
	{Title: "LIFECYCLE", Max: 19, Hide: 2},
	{Title: "PROT", Hide: 6},
}

// usageCell is a small bar of used vs registered plus the percentage, toned
// by how full it is.
func usageCell(used, total int) table.Cell {
	pct := 0
	if total > 0 {
		pct = used * 100 / total
	}
	tone := theme.ToneOK
	switch {
	case total <= 0:
		tone = theme.ToneMuted
	case pct >= 90:
		tone = theme.ToneBad
	case pct >= 75:
		tone = theme.ToneWarn
	}
	return table.Cell{
		Text: theme.BarPlain(used, total, barWidth) + fmt.Sprintf("%4d%%", pct),
		Tone: tone,
		Sort: fmt.Sprintf("%05d", pct),
	}
}

// instanceRow renders and diagnoses a container instance: DRAINING magenta,
// a disconnected agent red, near-full CPU/memory yellow/red, and its Auto
// Scaling lifecycle and scale-in protection as the instance listing says.
func instanceRow(e *env, ci model.ContainerInstance, now time.Time) table.Row {
	return instanceRowWith(e, ci, now, nil, nil)
}

// instanceRowWith is instanceRow with the page's fresher reading of the
// groups (capacity.go), when it has one.
// ms holds what the instance uses (CloudWatch), shown next to what its
// tasks reserve (ECS).
func instanceRowWith(_ *env, ci model.ContainerInstance, now time.Time, c *capacityView, ms *metricStore) table.Row {
	m, known := c.member(ci)
	agent := "connected"
	agentTone := theme.ToneOK
	if !ci.AgentConnected {
		agent, agentTone = "DISCONNECTED", theme.ToneBad
	}
	ec2 := ci.EC2InstanceID
	if ec2 == "" {
		ec2 = ci.ID
	}
	pend := table.Cell{Text: itoa(ci.PendingTasksCount)}
	if ci.PendingTasksCount > 0 {
		pend.Tone = theme.ToneWarn
	}
	usedPorts := len(ci.Remaining.Ports) - len(ci.Registered.Ports)
	if usedPorts < 0 {
		usedPorts = len(ci.Remaining.Ports)
	}
	return table.Row{ID: ci.ARN, Cells: []table.Cell{
		{Text: clean(ec2)},
		{Text: clean(ci.Status), Tone: theme.StatusTone(ci.Status)},
		{Text: clean(ci.AvailabilityZone)},
		{Text: clean(ci.InstanceType)},
		{Text: agent, Tone: agentTone},
		{Text: clean(orDash(ci.AgentVersion))},
		{Text: itoa(ci.RunningTasksCount)},
		pend,
		usageCell(ci.Registered.CPU-ci.Remaining.CPU, ci.Registered.CPU),
		usageCell(ci.Registered.Memory-ci.Remaining.Memory, ci.Registered.Memory),
		instanceMetricCell(ms, ci, true, now),
		instanceMetricCell(ms, ci, false, now),
		{Text: itoa(usedPorts), Sort: fmt.Sprintf("%05d", usedPorts)},
		{Text: clean(orDash(ci.AutoScalingGroup))},
		{Text: clean(orDash(ci.AMIID))},
		{Text: clean(orDash(ci.PrivateIP))},
		lifecycleCell(m, known),
		protectionCell(m, known),
	}}
}

// instanceMetricQueries are an instance's CPU utilisation (AWS/EC2, every
// instance, every 5 minutes) and memory utilisation (Container Insights
// with the CloudWatch agent only).
func instanceMetricQueries(ci model.ContainerInstance) []model.MetricQuery {
	if ci.EC2InstanceID == "" {
		return nil
	}
	return []model.MetricQuery{
		model.InstanceCPUMetric(ci.EC2InstanceID),
		model.InstanceMemoryMetric(model.ResourceID(ci.ClusterARN), ci.ID, ci.EC2InstanceID),
	}
}

func instanceMetricCell(ms *metricStore, ci model.ContainerInstance, cpu bool, now time.Time) table.Cell {
	qs := instanceMetricQueries(ci)
	if ms == nil || len(qs) == 0 {
		return table.Cell{Text: "–", Tone: theme.ToneMuted}
	}
	q, why := qs[1], noInstanceMem
	if cpu {
		q, why = qs[0], noInstanceCPU
	}
	text, sort, tone := pctCell(ms.reading(q, now, why), 6)
	return table.Cell{Text: text, Sort: sort, Tone: tone}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type instancesPage struct {
	*listPage[model.ContainerInstance]
	cluster   string
	selectARN string // select this instance when the first data arrives
	capacity  *capacityView
}

func (p *instancesPage) Cluster() string { return p.cluster }

func (p *instancesPage) Init() tea.Cmd { return tea.Batch(p.listPage.Init(), p.capacity.sync()) }

func (p *instancesPage) Refresh() tea.Cmd {
	return tea.Batch(p.listPage.Refresh(), p.capacity.refresh())
}

func (p *instancesPage) Shown() tea.Cmd { return tea.Batch(p.listPage.Shown(), p.capacity.show()) }

func (p *instancesPage) Hidden() {
	p.listPage.Hidden()
	p.capacity.hide()
}

func (p *instancesPage) Close() {
	p.listPage.Close()
	p.capacity.close()
}

func (p *instancesPage) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	if mine, cmd := p.capacity.receive(msg); mine {
		p.rebuildRows()
		p.SetSize(p.width, p.height) // the header may have changed height
		// The providers with managed scaling may have changed: their
		// reservation joins the rows' metrics.
		cmd = tea.Batch(cmd, p.syncMetrics())
		if p.loaded && p.capacity.missing(p.capacity.groups()) {
			cmd = tea.Batch(cmd, p.capacity.kick())
		}
		return p, cmd
	}
	first := !p.loaded
	np, cmd := p.listPage.Update(msg)
	if first && p.loaded && p.selectARN != "" {
		p.tbl.Select(p.selectARN)
	}
	if p.loaded && p.capacity.missing(p.capacity.groups()) {
		// Groups the last reading did not cover (it ran before the list
		// arrived, or a group appeared): read them now.
		cmd = tea.Batch(cmd, p.capacity.kick())
	}
	return np, cmd
}

func newInstancesPage(e *env, cluster string) *instancesPage {
	p := &instancesPage{cluster: cluster}
	store := &metricStore{}
	p.capacity = newCapacityView(e, cluster, func() []string {
		var gs []string
		for _, ci := range p.items {
			if ci.AutoScalingGroup != "" && !slices.Contains(gs, ci.AutoScalingGroup) {
				gs = append(gs, ci.AutoScalingGroup)
			}
		}
		return gs
	})
	p.capacity.metrics = store
	p.listPage = newListPage(e, listSpec[model.ContainerInstance]{
		title:   "instances(" + clean(cluster) + ")",
		noun:    "container instances",
		key:     "instances:" + cluster,
		cost:    instancesCost,
		columns: instanceColumns,
		share:   shareOf(e.instancesSource(e.backend, cluster), same[model.ContainerInstance], same[model.ContainerInstance]),
		sweep: &sweepSpec[model.ContainerInstance]{
			bucket: quota.InstanceRead, batch: 100,
			id: func(ci model.ContainerInstance) string { return ci.ARN },
			hot: func(*env, []model.ContainerInstance) func(model.ContainerInstance) bool {
				return func(ci model.ContainerInstance) bool { return ci.Status == "DRAINING" || ci.PendingTasksCount > 0 }
			},
			list: func(ctx context.Context, b Backend, token string) ([]string, string, error) {
				return b.ListContainerInstancesPage(ctx, cluster, "", token)
			},
			describe: func(ctx context.Context, b Backend, ids []string) ([]model.ContainerInstance, []model.Failure, error) {
				return b.DescribeContainerInstances(ctx, cluster, ids)
			},
		},
		row: func(e *env, ci model.ContainerInstance, now time.Time) table.Row {
			return instanceRowWith(e, ci, now, p.capacity, store)
		},
		metrics:     instanceMetricQueries,
		pageMetrics: p.capacity.reservationQueries,
		store:       store,
		header:      func(e *env, _ any, width int) []string { return p.capacity.lines(e, p.items, width) },
		enter: func(e *env, ci model.ContainerInstance) page.Page {
			return newInstanceTasksPage(e, cluster, ci.ARN, firstNonEmpty(ci.EC2InstanceID, ci.ID))
		},
		extra: []listKey[model.ContainerInstance]{
			{binding: func(k *KeyMap) key.Binding { return k.Ports }, do: func(e *env, ci model.ContainerInstance) tea.Cmd {
				return page.Open(newPortMapPage(e, portScope{cluster: cluster, instanceARN: ci.ARN,
					label: firstNonEmpty(ci.EC2InstanceID, ci.ID)}))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Actions.Drain }, do: func(e *env, ci model.ContainerInstance) tea.Cmd {
				// The EC2 id, as the list shows it: the form is titled by it.
				return e.openAction(func(d actions.Deps) page.Page {
					return actions.NewDrain(d, cluster, firstNonEmpty(ci.EC2InstanceID, ci.ARN))
				})
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Actions.Rollout }, do: func(e *env, ci model.ContainerInstance) tea.Cmd {
				return e.openAction(func(d actions.Deps) page.Page {
					return actions.NewRollout(d, cluster, ops.Selection{AMI: ci.AMIID})
				})
			}},
			{binding: func(k *KeyMap) key.Binding { return k.WatchRefresh }, do: func(e *env, _ model.ContainerInstance) tea.Cmd {
				return e.openAction(func(d actions.Deps) page.Page { return actions.NewRefreshWatch(d, cluster) })
			}},
		},
	})
	return p
}

// newInstancesPageSelect opens the instances with the cursor on one of them.
func newInstancesPageSelect(e *env, cluster, arn string) *instancesPage {
	p := newInstancesPage(e, cluster)
	p.selectARN = arn
	return p
}
