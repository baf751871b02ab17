package ui

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

// The stopped-task triage view: why each task of a service (or cluster)
// died in the last hour (ECS keeps stopped tasks about that long), newest
// first, each classified (exit code, OOM kill, image pull, health checks,
// secrets, Spot or host terminations); enter opens the logs of that task
// around its stop time: its last lines, still in CloudWatch after it is gone.

var stoppedColumns = []table.Column{
	{Title: "TASK", Max: 12},
	{Title: "SERVICE", Max: 24, Hide: 5},
	{Title: "STOPPED", Right: true},
	{Title: "CAUSE", Max: 36},
	{Title: "EXIT", Max: 28, Hide: 4},
	{Title: "STOP CODE", Hide: 6},
	{Title: "TASKDEF", Max: 28, Hide: 3},
	{Title: "INSTANCE", Hide: 7},
	{Title: "REASON", Flex: true, Min: 12, Want: 40, Hide: 2},
}

// stoppedColumnsFor are the columns for a scope: a service's stopped tasks
// all name the service, so that column is the first to give way.
func stoppedColumnsFor(service string) []table.Column {
	cols := slices.Clone(stoppedColumns)
	for i, c := range cols {
		if c.Title == "SERVICE" && service != "" {
			cols[i].Hide = 9
		}
	}
	return cols
}

// logsBeforeStop is how far before a task's stop its logs open.
const logsBeforeStop = 2 * time.Minute

// stoppedItem is one stopped task and what killed it.
type stoppedItem struct {
	task  model.Task
	cause model.StopCause
}

func stoppedAt(t model.Task) time.Time {
	switch {
	case !t.StoppedAt.IsZero():
		return t.StoppedAt
	case !t.StoppingAt.IsZero():
		return t.StoppingAt
	}
	return t.CreatedAt
}

// exitCodes lists each container that has an exit code, with its reason:
// "api 137 (OutOfMemoryError…)".
func exitCodes(t model.Task) string {
	var parts []string
	for _, c := range t.Containers {
		if c.ExitCode == nil {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d", c.Name, *c.ExitCode))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func stoppedRow(e *env, it stoppedItem, now time.Time) table.Row {
	t := it.task
	cause := table.Cell{Text: it.cause.Label()}
	switch {
	case it.cause.Kind.Failure():
		cause.Tone = theme.ToneBad
	case it.cause.Kind == model.CauseUnknown:
		cause.Tone = theme.ToneWarn
	default:
		cause.Tone = theme.ToneMuted
	}
	reason := it.cause.Reason
	switch {
	case it.cause.Kind == model.CauseImagePull && it.cause.Image != "":
		reason = it.cause.Image + ": " + it.cause.ShortReason()
	case it.cause.Kind == model.CauseResourceInit:
		// ECS's text runs long before it names the AWS error that matters,
		// and the cause column already says what kind of error it is.
		reason = it.cause.ShortReason()
		if _, aws, ok := strings.Cut(reason, "… "); ok {
			reason = aws
		}
	}
	inst := ""
	if e != nil {
		inst = e.labels.ec2[t.ContainerInstanceARN]
	}
	if inst == "" {
		inst = firstNonEmpty(model.ResourceID(t.ContainerInstanceARN), orDash(t.LaunchType))
	}
	at := stoppedAt(t)
	svc := t.ServiceName()
	if svc == "" {
		svc = "(" + t.Group + ")"
	}
	return table.Row{ID: t.ARN, Cells: []table.Cell{
		{Text: clean(shortID(t.ID)), Sort: t.ID},
		{Text: clean(svc)},
		{Text: age(now, at), Sort: ageSort(now, at)},
		cause,
		{Text: clean(exitCodes(t))},
		{Text: clean(orDash(t.StopCode))},
		{Text: tdShort(t.TaskDefinitionARN)},
		{Text: clean(inst)},
		{Text: clean(reason)},
	}}
}

// fetchStopped lists a service's (or cluster's) stopped tasks, newest first.
func fetchStopped(ctx context.Context, b Backend, cluster, service string) ([]stoppedItem, []model.Failure, error) {
	tasks, fails, err := b.Tasks(ctx, cluster, model.TaskFilter{ServiceName: service, DesiredStatus: model.StatusStopped}, nil)
	if err != nil {
		return nil, nil, err
	}
	sort.SliceStable(tasks, func(i, j int) bool { return stoppedAt(tasks[i]).After(stoppedAt(tasks[j])) })
	items := make([]stoppedItem, len(tasks))
	for i, t := range tasks {
		items[i] = stoppedItem{task: t, cause: model.ClassifyStop(t, nil)}
	}
	return items, fails, nil
}

// stoppedHeader sums the failures up by cause, as the pulse does.
func stoppedHeader(e *env, items []stoppedItem, width int) []string {
	tasks := make([]model.Task, len(items))
	for i, it := range items {
		tasks[i] = it.task
	}
	var parts []string
	for _, g := range model.GroupStopped(tasks, nil) {
		if g.Cause.Kind.Failure() {
			parts = append(parts, g.Describe())
		}
	}
	if len(parts) == 0 {
		return []string{e.st.Muted.Render(fitLine("no task failed; ECS keeps stopped tasks about an hour", width))}
	}
	return []string{e.st.Bad.Render(fitLine("✗ "+clean(strings.Join(parts, " · ")), width))}
}

// stoppedPage is the stopped tasks of a service or a cluster.
type stoppedPage struct {
	*listPage[stoppedItem]
	cluster, service string
	selectARN        string // put the cursor here once loaded
	// lookup names the instances the tasks ran on by their EC2 ids, as
	// the tasks view does (each container instance ARN once per context).
	lookup instanceLookup
}

func newStoppedPage(e *env, cluster, service string) *stoppedPage {
	label := cluster
	if service != "" {
		label = service
	}
	p := &stoppedPage{cluster: cluster, service: service}
	p.lookup = instanceLookup{owner: e.nextID(), cluster: cluster}
	p.listPage = newListPage(e, listSpec[stoppedItem]{
		title:   "stopped(" + clean(label) + ")",
		cluster: cluster,
		noun:    "stopped tasks",
		key:     "stopped:" + cluster + ":" + service,
		cost:    tasksCost,
		columns: stoppedColumnsFor(service),
		fetchMeta: func(ctx context.Context, b Backend) ([]stoppedItem, any, []model.Failure, error) {
			items, fails, err := fetchStopped(ctx, b, cluster, service)
			return items, items, fails, err
		},
		header: func(e *env, meta any, width int) []string {
			items, _ := meta.([]stoppedItem)
			return stoppedHeader(e, items, width)
		},
		row: stoppedRow,
		extra: []listKey[stoppedItem]{
			{binding: func(k *KeyMap) key.Binding { return k.Enter }, do: func(e *env, it stoppedItem) tea.Cmd {
				return openLogsCmd(e, stopLogTarget(e, cluster, it))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Logs }, do: func(e *env, it stoppedItem) tea.Cmd {
				return openLogsCmd(e, stopLogTarget(e, cluster, it))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Describe }, do: func(e *env, it stoppedItem) tea.Cmd {
				return page.Open(newContainersPage(e, cluster, it.task))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Instances }, do: func(e *env, it stoppedItem) tea.Cmd {
				if it.task.ContainerInstanceARN == "" {
					return page.Status("this task ran on no container instance", true)
				}
				return page.Open(newInstancesPageSelect(e, cluster, it.task.ContainerInstanceARN))
			}},
		},
	})
	return p
}

// stopLogTarget reads a stopped task's logs from a little before it died.
func stopLogTarget(e *env, cluster string, it stoppedItem) logTarget {
	t := taskLogTarget(cluster, it.task)
	if at := stoppedAt(it.task); !at.IsZero() {
		t.Since = max(e.now().Sub(at), 0) + logsBeforeStop
	}
	return t
}

// Update puts the cursor on the task a pulse line named, once it is
// loaded, and fills the instance column when the lookup answers.
func (p *stoppedPage) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	if m, ok := msg.(fetchedMsg); ok && m.key == p.lookup.key() {
		if fail, ok := p.lookup.apply(p.env, m); ok {
			p.failures = append(p.failures, fail)
			p.SetSize(p.width, p.height)
		}
		p.rebuildRows()
		return nil, p.lookup.sync(p.env, p.instanceARNs(), p.visible)
	}
	np, cmd := p.listPage.Update(msg)
	if _, ok := msg.(fetchedMsg); ok {
		if p.selectARN != "" && p.loaded {
			if p.tbl.Select(p.selectARN) {
				p.moved = true
			}
			p.selectARN = ""
		}
		cmd = tea.Batch(cmd, p.lookup.sync(p.env, p.instanceARNs(), p.visible))
	}
	return np, cmd
}

func (p *stoppedPage) instanceARNs() iter.Seq[string] {
	return instanceARNs(p.items, func(it stoppedItem) model.Task { return it.task })
}

func (p *stoppedPage) Hidden() {
	p.listPage.Hidden()
	p.env.setNeedsQuiet(p.lookup.owner, nil)
}

func (p *stoppedPage) Shown() tea.Cmd {
	return tea.Batch(p.listPage.Shown(), p.lookup.sync(p.env, p.instanceARNs(), true))
}

func (p *stoppedPage) Close() {
	p.listPage.Close()
	p.env.dropNeeds(p.lookup.owner)
}

func (p *stoppedPage) LogTarget() (logTarget, bool) {
	it, ok := p.selected()
	if !ok {
		return logTarget{}, false
	}
	return stopLogTarget(p.env, p.cluster, it), true
}
