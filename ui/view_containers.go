package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/sched"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

var containerColumns = []table.Column{
	{Title: "NAME", Max: 30},
	{Title: "IMAGE", Flex: true, Max: 60, KeepEnd: true},
	{Title: "STATUS"},
	{Title: "HEALTH"},
	{Title: "EXIT", Right: true},
	{Title: "PORTS", Max: 40},
	{Title: "LOG STREAM", Flex: true, Min: 10, Hide: 3, KeepEnd: true},
	{Title: "LOG GROUP", Max: 40, Hide: 4},
	{Title: "REASON", Max: 60, Flex: true, Hide: 2},
}

type containerItem struct {
	task      model.Task
	c         model.Container
	logGroup  string
	logStream string
}

// bindings renders network bindings as containerPort→hostPort/proto.
func bindings(bs []model.NetworkBinding) string {
	var out []string
	for _, b := range bs {
		p := b.Protocol
		if p == "" {
			p = "tcp"
		}
		out = append(out, fmt.Sprintf("%d→%d/%s", b.ContainerPort, b.HostPort, p))
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ",")
}

func containerRow(_ *env, it containerItem, _ time.Time) table.Row {
	c := it.c
	exit := table.Cell{Text: "-"}
	if c.ExitCode != nil {
		exit.Text = itoa(*c.ExitCode)
		if *c.ExitCode != 0 {
			exit.Tone = theme.ToneBad
		}
	}
	health := c.HealthStatus
	if health == "" {
		health = "-"
	}
	stream := orDash(it.logStream)
	return table.Row{ID: firstNonEmpty(c.ARN, c.Name), Cells: []table.Cell{
		{Text: clean(c.Name)},
		{Text: clean(c.Image)},
		{Text: clean(c.LastStatus), Tone: theme.StatusTone(c.LastStatus)},
		{Text: clean(health), Tone: theme.StatusTone(health)},
		exit,
		{Text: bindings(c.NetworkBindings)},
		{Text: clean(stream)},
		{Text: clean(orDash(it.logGroup))},
		{Text: clean(c.Reason), Tone: theme.ToneBad},
	}}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// fetchContainers re-describes the task and reads its task definition for
// each container's awslogs group and stream.
func fetchContainers(ctx context.Context, b Backend, cluster string, task model.Task) ([]containerItem, []model.Failure, error) {
	tasks, fails, err := b.DescribeTasks(ctx, cluster, []string{task.ARN})
	if err != nil {
		return nil, nil, err
	}
	if len(tasks) > 0 {
		task = tasks[0]
	}
	var td model.TaskDefinition
	if task.TaskDefinitionARN != "" {
		td, err = b.TaskDefinition(ctx, task.TaskDefinitionARN)
		if err != nil {
			return nil, nil, err
		}
	}
	items := make([]containerItem, 0, len(task.Containers))
	for _, c := range task.Containers {
		it := containerItem{task: task, c: c}
		if def, ok := td.Container(c.Name); ok {
			if l, ok := def.AWSLogs(); ok {
				it.logGroup = l.Group
				it.logStream = model.AWSLogsStreamName(l.StreamPrefix, c.Name, task.ID)
			}
		}
		items = append(items, it)
	}
	return items, fails, nil
}

type containersPage struct {
	*listPage[containerItem]
	cluster string
	task    model.Task
}

func (p *containersPage) Cluster() string { return p.cluster }

func (p *containersPage) LogTarget() (logTarget, bool) {
	it, ok := p.selected()
	if !ok {
		return taskLogTarget(p.cluster, p.task), true
	}
	return containerLogTarget(p.cluster, it), true
}

func containerLogTarget(cluster string, it containerItem) logTarget {
	t := taskLogTarget(cluster, it.task)
	t.Container = it.c.Name
	return t
}

func newContainersPage(e *env, cluster string, task model.Task) *containersPage {
	p := &containersPage{cluster: cluster, task: task}
	p.listPage = newListPage(e, listSpec[containerItem]{
		title:   "containers(" + clean(shortID(task.ID)) + ")",
		noun:    "containers",
		key:     "containers:" + cluster + ":" + task.ARN,
		cost:    func(int) sched.Cost { return sched.Cost{quota.TaskRead: 1} },
		columns: containerColumns,
		fetch: func(ctx context.Context, b Backend) ([]containerItem, []model.Failure, error) {
			return fetchContainers(ctx, b, cluster, task)
		},
		row: containerRow,
		extra: append([]listKey[containerItem]{
			{binding: func(k *KeyMap) key.Binding { return k.Logs }, do: func(e *env, it containerItem) tea.Cmd {
				return openLogsCmd(e, containerLogTarget(cluster, it))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Actions.StopTask }, do: func(e *env, it containerItem) tea.Cmd {
				return stopTaskCmd(e, cluster, it.task)
			}},
		}, sessionListKeys(cluster, func(it containerItem) (model.Task, string) { return it.task, it.c.Name })...),
	})
	return p
}

// shortID keeps the first 8 characters of a long hex id for breadcrumbs.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
