package ui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/gather"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/sched"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

// portScope is what a port map covers: a cluster, optionally narrowed to
// one service or one container instance. Findings are always computed on
// the whole cluster (a conflict involves other services), then narrowed.
type portScope struct {
	cluster     string
	service     string
	instanceARN string
	label       string // instance label for the title
}

func (s portScope) title() string {
	switch {
	case s.service != "":
		return "ports(" + clean(s.service) + ")"
	case s.instanceARN != "":
		return "ports(" + clean(s.label) + ")"
	}
	return "ports(" + clean(s.cluster) + ")"
}

var portColumns = []table.Column{
	{Title: "SERVICE", Max: 24},
	{Title: "TASK", Max: 12},
	{Title: "CONTAINER", Max: 20, Hide: 5},
	{Title: "PORTS", Min: 11},
	{Title: "MODE"},
	{Title: "INSTANCE", Max: 20},
	{Title: "IP", Hide: 7},
	{Title: "AZ", Hide: 8},
	{Title: "TARGET GROUP", Max: 24, Hide: 3},
	{Title: "TARGET"},
	{Title: "REASON", Max: 32, Flex: true, Hide: 6},
	{Title: "FLAGS"},
}

// portRow renders and diagnoses one binding: target health coloured, any
// flag red, dynamic ports marked.
func portRow(_ *env, r model.PortMapRow, _ time.Time) table.Row {
	task := shortID(r.TaskID)
	if r.TaskARN == "" {
		task = "(none)"
	}
	mode := table.Cell{Text: "static"}
	if r.Dynamic {
		mode = table.Cell{Text: "dynamic", Tone: theme.ToneInfo}
	}
	if r.TaskARN == "" {
		mode = table.Cell{Text: "-"}
	}
	inst := orDash(r.InstanceID)
	ports := fmt.Sprintf("%d→%d", r.ContainerPort, r.HostPort)
	if r.AWSVPC {
		// The task's own address: no host port, the container port is it.
		mode = table.Cell{Text: "awsvpc", Tone: theme.ToneInfo}
		ports = fmt.Sprintf("%d (eni)", r.ContainerPort)
		if r.TaskARN == "" {
			ports = fmt.Sprintf("?→%d", r.HostPort)
		}
		if r.Fargate {
			inst = "Fargate " + r.PlatformVersion
		}
	}
	if r.TaskARN == "" && r.ContainerPort == 0 {
		ports = fmt.Sprintf("?→%d", r.HostPort)
	}
	if r.Protocol != "" && r.Protocol != "tcp" {
		ports += "/" + r.Protocol
	}
	target := table.Cell{Text: "-"}
	if r.TargetState != "" {
		target = table.Cell{Text: clean(r.TargetState), Tone: theme.StatusTone(r.TargetState)}
	}
	flags := table.Cell{Text: strings.Join(r.Flags.Names(), " ")}
	if r.Flags != 0 {
		flags.Tone = theme.ToneBad
	}
	tg := r.TargetGroup
	if tg == "" {
		tg = "-"
	}
	taskCell := table.Cell{Text: clean(task)}
	if r.Flags.Has(model.FlagStaleTarget) {
		taskCell.Tone = theme.ToneBad
	}
	return table.Row{ID: fmt.Sprintf("%s|%s|%s|%d", r.TaskARN, r.Container, r.InstanceID, r.HostPort), Cells: []table.Cell{
		{Text: clean(orDash(r.Service))},
		taskCell,
		{Text: clean(orDash(r.Container))},
		{Text: ports, Sort: fmt.Sprintf("%06d", r.HostPort)},
		mode,
		{Text: clean(strings.TrimSpace(inst))},
		{Text: clean(orDash(r.PrivateIP))},
		{Text: clean(orDash(r.AZ))},
		{Text: clean(tg)},
		target,
		{Text: clean(orDash(r.TargetReason))},
		flags,
	}}
}

// narrow keeps the rows and findings of one service or instance.
func narrow(pm model.PortMap, s portScope, insts map[string]string) model.PortMap {
	if s.service == "" && s.instanceARN == "" {
		return pm
	}
	keep := func(service, instARN, ec2 string) bool {
		if s.service != "" {
			for _, x := range strings.Split(service, ",") {
				if x == s.service {
					return true
				}
			}
			return false
		}
		return instARN == s.instanceARN || (ec2 != "" && insts[s.instanceARN] == ec2)
	}
	var out model.PortMap
	for _, r := range pm.Rows {
		if keep(r.Service, r.ContainerInstanceARN, r.InstanceID) {
			out.Rows = append(out.Rows, r)
		}
	}
	for _, is := range pm.Issues {
		if s.service != "" && keep(is.Service, "", "") {
			out.Issues = append(out.Issues, is)
		}
		if s.instanceARN != "" && (is.InstanceID != "" && insts[s.instanceARN] == is.InstanceID) {
			out.Issues = append(out.Issues, is)
		}
	}
	out.Summary = model.Summarise(out)
	return out
}

// maxIssueLines bounds the findings shown above the table.
const maxIssueLines = 6

// portHeader is the summary line and the findings, worded to act on.
func portHeader(e *env, meta any, width int) []string {
	pm, ok := meta.(model.PortMap)
	if !ok {
		return nil
	}
	st := e.st
	s := pm.Summary
	parts := []string{
		fmt.Sprintf("%d bindings", s.Bindings),
		st.Info.Render(fmt.Sprintf("%d dynamic", s.Dynamic)),
		fmt.Sprintf("%d static", s.Static),
		st.OK.Render(fmt.Sprintf("%d healthy", s.Healthy)),
	}
	if s.Unhealthy > 0 {
		parts = append(parts, st.Bad.Render(fmt.Sprintf("%d unhealthy", s.Unhealthy)))
	}
	flag := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, st.Bad.Render("1 "+one))
		case n > 1:
			parts = append(parts, st.Bad.Render(fmt.Sprintf("%d %s", n, many)))
		}
	}
	flag(s.StaleTargets, "stale target", "stale targets")
	flag(s.Unregistered, "task not registered", "tasks not registered")
	flag(s.Conflicts, "port conflict", "port conflicts")
	flag(s.BlockedServices, "rollout blocked", "rollouts blocked")
	if len(pm.Issues) == 0 {
		parts = append(parts, st.OK.Render("no findings"))
	}
	out := []string{segments(width, st.Muted.Render(" · "), parts...)}
	var lines []string
	for _, is := range pm.Issues {
		tone := st.Warn
		if is.Kind == model.IssueRolloutBlocked && is.Stalls || is.Kind == model.IssueStaleTarget || is.Kind == model.IssueStaticConflict {
			tone = st.Bad
		}
		for i, l := range wrapWords("⚑ "+is.Kind.String()+": "+clean(is.Detail), width-2) {
			if i > 0 {
				l = "  " + l
			}
			lines = append(lines, tone.Render(l))
		}
	}
	if len(lines) > maxIssueLines {
		more := len(lines) - (maxIssueLines - 1)
		lines = append(lines[:maxIssueLines-1], st.Muted.Render(fmt.Sprintf("  … %d more lines of findings: filter rows, e.g. /stale", more)))
	}
	return append(out, lines...)
}

type portMapPage struct {
	*listPage[model.PortMapRow]
	scope portScope
	// gathered is the last whole gathering (written by its run, read on
	// the UI goroutine after its reply); fresh what the page joins from.
	gathered atomic.Pointer[portGathered]
	fresh    *portGathered
	// watch keeps the deploying services fresh (deploy_watch.go); wanted
	// are the new tasks its listings found, described with the rows.
	watch  *deployWatch
	wanted map[string]bool
}

// portGathered is a whole gathering and the scope's instance ids.
type portGathered struct {
	g     gather.PortMap
	insts map[string]string
	at    time.Time // set on the UI goroutine when adopted
	// reads are the store's part of the gathering, recorded when adopted.
	reads *storeReader
}

func (p *portMapPage) Cluster() string { return p.scope.cluster }

func (p *portMapPage) LogTarget() (logTarget, bool) {
	r, ok := p.selected()
	if !ok || r.TaskARN == "" {
		return logTarget{}, false
	}
	return portLogTarget(p.scope.cluster, r), true
}

func portLogTarget(cluster string, r model.PortMapRow) logTarget {
	return logTarget{Cluster: cluster, Service: r.Service, TaskID: r.TaskID, Container: r.Container, TaskDefinitionARN: r.TaskDefinition}
}

func newPortMapPage(e *env, scope portScope) *portMapPage {
	p := &portMapPage{scope: scope, watch: newDeployWatch(e, scope.cluster, scope.service), wanted: map[string]bool{}}
	cluster := scope.cluster
	store := &metricStore{}
	// groups are the target groups last gathered, with their load
	// balancers (the ALB metrics' dimensions).
	groups := func() []model.TargetGroup {
		if g := p.gathered.Load(); g != nil {
			return g.g.Input.TargetGroups
		}
		return nil
	}
	p.listPage = newListPage(e, listSpec[model.PortMapRow]{
		title: scope.title(),
		noun:  "port bindings",
		key:   "ports:" + cluster + ":" + scope.service + ":" + scope.instanceARN,
		cost: func(int) sched.Cost {
			g := p.gathered.Load()
			if g == nil {
				return portMapCost(gather.PortMap{})
			}
			return portMapCost(g.g)
		},
		columns: portColumns,
		fetchMeta: func(ctx context.Context, b Backend) ([]model.PortMapRow, any, []model.Failure, error) {
			reads := &storeReader{Backend: b, e: e}
			g, err := gather.ClusterPortMap(ctx, reads, cluster)
			if err != nil {
				return nil, nil, nil, err
			}
			pm, fails := g.Map, g.Failures
			insts := map[string]string{}
			if scope.instanceARN != "" {
				cis, _, err := b.DescribeContainerInstances(ctx, cluster, []string{scope.instanceARN})
				if err != nil {
					return nil, nil, nil, err
				}
				for _, ci := range cis {
					insts[ci.ARN] = ci.EC2InstanceID
					insts[scope.instanceARN] = ci.EC2InstanceID
				}
			}
			p.gathered.Store(&portGathered{g: g, insts: insts, reads: reads})
			pm = narrow(pm, scope, insts)
			return pm.Rows, pm, fails, nil
		},
		row: portRow,
		header: func(e *env, meta any, width int) []string {
			return append(portHeader(e, meta, width), tgTrafficLines(e, store, groups(), meta, width)...)
		},
		metrics: func(r model.PortMapRow) []model.MetricQuery { return rowTrafficQueries(groups(), r) },
		store:   store,
		copyID:  func(r model.PortMapRow) string { return firstNonEmpty(r.TaskARN, r.InstanceID) },
		enter: func(e *env, r model.PortMapRow) page.Page {
			if r.TaskARN == "" {
				// A stale target has no task behind it; the host it points at
				// is the next thing to look at.
				if r.ContainerInstanceARN == "" {
					return nil
				}
				return newInstancesPageSelect(e, cluster, r.ContainerInstanceARN)
			}
			return newContainersPage(e, cluster, model.Task{ARN: r.TaskARN, ID: r.TaskID})
		},
		extra: []listKey[model.PortMapRow]{
			{binding: func(k *KeyMap) key.Binding { return k.Instances }, do: func(e *env, r model.PortMapRow) tea.Cmd {
				if r.ContainerInstanceARN == "" {
					return page.Status("no container instance known for this row", true)
				}
				return page.Open(newInstancesPageSelect(e, cluster, r.ContainerInstanceARN))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Logs }, do: func(e *env, r model.PortMapRow) tea.Cmd {
				if r.TaskARN == "" {
					return page.Status("a stale target has no task, so no logs", true)
				}
				return openLogsCmd(e, portLogTarget(cluster, r))
			}},
		},
	})
	p.poller.piecemeal = p.piecemealNeeds
	return p
}
