package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/actions"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

var taskColumns = []table.Column{
	{Title: "TASK", Max: 12},
	{Title: "SERVICE", Max: 24, Hide: 4},
	{Title: "STATUS"},
	{Title: "HEALTH"},
	{Title: "CONTAINERS", Hide: 6},
	{Title: "TASKDEF", Max: 28, Hide: 5},
	{Title: "STARTED", Right: true},
	{Title: "STOPPED", Right: true, Hide: 7},
	{Title: "INSTANCE", Hide: 3},
	{Title: "AZ", Hide: 8},
	{Title: "STOP REASON", Flex: true, Min: 11, Hide: 2},
}

// taskColumnsFor are the task columns for a scope: the column that names the
// scope (the service of a service's tasks, the instance of an instance's)
// says the same on every row, so it is the first to give way, before the
// revision a deployment is replacing.
func taskColumnsFor(f model.TaskFilter) []table.Column {
	cols := slices.Clone(taskColumns)
	for i, c := range cols {
		if (c.Title == "SERVICE" && f.ServiceName != "") || (c.Title == "INSTANCE" && f.ContainerInstance != "") {
			cols[i].Hide = 9
		}
	}
	return cols
}

// taskRow renders and diagnoses a task. Instance ids come from the map the
// fetch built (container instance ARN → EC2 id).
type taskItem struct {
	task     model.Task
	instance string // EC2 instance id, when known
}

func taskRow(e *env, it taskItem, now time.Time) table.Row {
	t := it.task
	status := t.LastStatus
	if t.DesiredStatus != "" && t.DesiredStatus != t.LastStatus {
		status += "→" + t.DesiredStatus
	}
	statusTone := theme.StatusTone(t.LastStatus)
	if t.DesiredStatus == model.StatusStopped && t.LastStatus != model.StatusStopped {
		statusTone = theme.ToneWarn
	}
	running := 0
	for _, c := range t.Containers {
		if c.LastStatus == model.StatusRunning {
			running++
		}
	}
	ctr := table.Cell{Text: fmt.Sprintf("%d/%d", running, len(t.Containers))}
	if len(t.Containers) == 0 {
		ctr.Text = "-" // ECS listed none: nothing to count
	}
	if running < len(t.Containers) && t.LastStatus == model.StatusRunning {
		ctr.Tone = theme.ToneWarn
	}
	// The reason reads better than the code; the code stands in when ECS
	// gave no reason.
	reason := t.StoppedReason
	if reason == "" {
		reason = t.StopCode
	}
	reasonCell := table.Cell{Text: clean(reason)}
	if t.StopCode == "TaskFailedToStart" || t.StopCode == "EssentialContainerExited" {
		reasonCell.Tone = theme.ToneBad
	}
	inst := it.instance
	if inst == "" && e != nil {
		inst = e.labels.ec2[t.ContainerInstanceARN]
	}
	if inst == "" {
		inst = model.ResourceID(t.ContainerInstanceARN)
	}
	health := t.HealthStatus
	if health == "" {
		health = "-"
	}
	svc := t.ServiceName()
	if svc == "" {
		svc = "(" + clean(t.Group) + ")"
	}
	return table.Row{ID: t.ARN, Cells: []table.Cell{
		{Text: clean(shortID(t.ID)), Sort: t.ID}, // y copies the full ARN
		{Text: clean(svc)},
		{Text: clean(status), Tone: statusTone},
		{Text: clean(health), Tone: theme.StatusTone(health)},
		ctr,
		{Text: tdShort(t.TaskDefinitionARN)},
		{Text: age(now, t.StartedAt), Sort: ageSort(now, t.StartedAt)},
		{Text: age(now, t.StoppedAt), Sort: ageSort(now, t.StoppedAt)},
		{Text: clean(inst)},
		{Text: clean(t.AvailabilityZone)},
		reasonCell,
	}}
}

func taskItems(ts []model.Task) []taskItem {
	items := make([]taskItem, len(ts))
	for i, t := range ts {
		items[i] = taskItem{task: t}
	}
	return items
}

// tasksPage is the tasks of a cluster, a service or an instance.
type tasksPage struct {
	*listPage[taskItem]
	cluster string
	filter  model.TaskFilter
	label   string
	lookup  instanceLookup
	// watch keeps the deploying services' tasks fresh (deploy_watch.go).
	watch *deployWatch
}

func (p *tasksPage) Cluster() string { return p.cluster }

func (p *tasksPage) LogTarget() (logTarget, bool) {
	it, ok := p.selected()
	if !ok {
		return logTarget{}, false
	}
	return taskLogTarget(p.cluster, it.task), true
}

func taskLogTarget(cluster string, t model.Task) logTarget {
	return logTarget{Cluster: cluster, Service: t.ServiceName(), TaskID: t.ID, TaskDefinitionARN: t.TaskDefinitionARN}
}

func newTasksPage(e *env, cluster string) *tasksPage {
	return newTasksPageFor(e, cluster, model.TaskFilter{}, clean(cluster))
}

func newServiceTasksPage(e *env, cluster, service string) *tasksPage {
	return newTasksPageFor(e, cluster, model.TaskFilter{ServiceName: service}, clean(service))
}

func newInstanceTasksPage(e *env, cluster, instanceARN, label string) *tasksPage {
	return newTasksPageFor(e, cluster, model.TaskFilter{ContainerInstance: instanceARN}, clean(label))
}

// newTasksPageFor lists the tasks matching f; label names the scope in the
// breadcrumb ("tasks(auth)", "stopped(auth)").
func newTasksPageFor(e *env, cluster string, f model.TaskFilter, label string) *tasksPage {
	title := "tasks(" + label + ")"
	if f.DesiredStatus == model.StatusStopped {
		title = "stopped(" + label + ")"
	}
	p := &tasksPage{cluster: cluster, filter: f}
	scope, _ := taskScope(f)
	watched := func(*env, []taskItem) func(model.Task) bool { return func(model.Task) bool { return false } }
	if !strings.HasPrefix(scope, "filter:") && f.ContainerInstance == "" {
		p.watch = newDeployWatch(e, cluster, f.ServiceName)
		watched = func(e *env, items []taskItem) func(model.Task) bool { return p.watch.watching(e, tasksOf(items)) }
	}
	p.listPage = newListPage(e, listSpec[taskItem]{
		title:   title,
		noun:    "tasks",
		key:     "tasks:" + cluster + ":" + f.ServiceName + ":" + f.ContainerInstance + ":" + f.DesiredStatus,
		cost:    tasksCost,
		columns: taskColumnsFor(f),
		share: shareOf(e.tasksSource(e.backend, cluster, f),
			func(t model.Task) taskItem { return taskItem{task: t} }, func(it taskItem) model.Task { return it.task }),
		sweep: &sweepSpec[taskItem]{
			bucket: quota.TaskRead, batch: 100,
			id: func(it taskItem) string { return it.task.ARN },
			// Tasks changing state, and every task of a service with a
			// deployment in progress.
			hot: func(e *env, items []taskItem) func(taskItem) bool {
				deploying := watched(e, items)
				return func(it taskItem) bool {
					return it.task.DesiredStatus != it.task.LastStatus || deploying(it.task)
				}
			},
			list: func(ctx context.Context, b Backend, token string) ([]string, string, error) {
				return b.ListTasksPage(ctx, cluster, f, token)
			},
			describe: func(ctx context.Context, b Backend, ids []string) ([]taskItem, []model.Failure, error) {
				ts, fails, err := b.DescribeTasks(ctx, cluster, ids)
				return taskItems(ts), fails, err
			},
		},
		row: taskRow,
		enter: func(e *env, it taskItem) page.Page {
			return newContainersPage(e, cluster, it.task)
		},
		extra: append([]listKey[taskItem]{
			{binding: func(k *KeyMap) key.Binding { return k.Logs }, do: func(e *env, it taskItem) tea.Cmd {
				return openLogsCmd(e, taskLogTarget(cluster, it.task))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Instances }, do: func(e *env, it taskItem) tea.Cmd {
				if it.task.ContainerInstanceARN == "" {
					return page.Status("this task runs on no container instance", true)
				}
				return page.Open(newInstancesPageSelect(e, cluster, it.task.ContainerInstanceARN))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Actions.StopTask }, do: func(e *env, it taskItem) tea.Cmd {
				return stopTaskCmd(e, cluster, it.task)
			}},
		}, sessionListKeys(cluster, func(it taskItem) (model.Task, string) { return it.task, "" })...),
	})
	p.label = label
	p.lookup = instanceLookup{owner: e.nextID(), cluster: cluster}
	return p
}

// Update adds the running/stopped toggle: a page key rather than a row key,
// since it must work on an empty list too.
func (p *tasksPage) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, p.env.keys.Stopped) {
		f := p.filter
		if f.DesiredStatus == model.StatusStopped {
			f.DesiredStatus = ""
		} else {
			f.DesiredStatus = model.StatusStopped
		}
		return p, replaceTop(newTasksPageFor(p.env, p.cluster, f, p.label))
	}
	if m, ok := msg.(fetchedMsg); ok && p.watch != nil && p.watch.mine(m) {
		if ids := p.watch.receive(p.env, m); len(ids) > 0 && p.sw != nil {
			p.sw.want(p.items, ids)
		}
		return nil, p.sync()
	}
	if m, ok := msg.(fetchedMsg); ok && m.key == p.lookup.key() {
		if fail, ok := p.lookup.apply(p.env, m); ok {
			p.failures = append(p.failures, fail)
			p.SetSize(p.width, p.height)
		}
		p.rebuildRows()
		return nil, p.lookup.sync(p.env, instanceARNs(p.items, taskOf), p.visible)
	}
	np, cmd := p.listPage.Update(msg)
	if _, ok := msg.(fetchedMsg); ok {
		cmd = tea.Batch(cmd, p.lookup.sync(p.env, instanceARNs(p.items, taskOf), p.visible), p.syncWatch())
	}
	return np, cmd
}

// syncWatch states the deploy watch's needs while the page is on top and
// refreshed piecemeal (a whole refresh lists every task anyway).
func (p *tasksPage) syncWatch() tea.Cmd {
	if p.watch == nil {
		return nil
	}
	return p.watch.sync(p.env, p.visible && p.sw != nil)
}

func taskOf(it taskItem) model.Task { return it.task }

func tasksOf(items []taskItem) []model.Task {
	out := make([]model.Task, len(items))
	for i, it := range items {
		out[i] = it.task
	}
	return out
}

func (p *tasksPage) Hidden() {
	p.listPage.Hidden()
	p.env.setNeedsQuiet(p.lookup.owner, nil)
	if p.watch != nil {
		p.env.setNeedsQuiet(p.watch.owner, nil)
	}
}

func (p *tasksPage) Shown() tea.Cmd {
	return tea.Batch(p.listPage.Shown(), p.lookup.sync(p.env, instanceARNs(p.items, taskOf), true), p.syncWatch())
}

func (p *tasksPage) Close() {
	p.listPage.Close()
	p.env.dropNeeds(p.lookup.owner)
	if p.watch != nil {
		p.env.dropNeeds(p.watch.owner)
	}
}

func (p *tasksPage) KeyHelp() []key.Binding {
	return append(p.listPage.KeyHelp(), p.env.keys.Stopped)
}

func stopTaskCmd(e *env, cluster string, t model.Task) tea.Cmd {
	return e.openAction(func(d actions.Deps) page.Page { return actions.NewStopTask(d, cluster, t.ARN) })
}
