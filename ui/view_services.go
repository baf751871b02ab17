package ui

import (
	"context"
	"fmt"
	"regexp"
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

// serviceColumns give way, when the screen is short, in the order an
// on-call engineer misses them least: the launch type, then the deployment
// percentages and the load balancer (both in the detail), then memory, the
// task definition, CPU. The last event wants 40 cells: cut shorter, it
// no longer says whether the service is steady or cannot place its tasks.
var serviceColumns = []table.Column{
	{Title: "NAME", Max: 40},
	{Title: "DESIRED", Right: true},
	{Title: "RUNNING", Right: true},
	{Title: "PENDING", Right: true},
	{Title: "CPU 1h", Min: 11, Max: 11, Hide: 3},
	{Title: "MEM 1h", Min: 11, Max: 11, Hide: 5},
	{Title: "ROLLOUT", Max: 28},
	{Title: "TASKDEF", Max: 30, Hide: 4},
	{Title: "LAUNCH", Hide: 8},
	{Title: "MIN/MAX%", Hide: 7},
	{Title: "LB", Max: 24, Hide: 6},
	{Title: "LAST EVENT", Flex: true, Min: 12, Want: 40, Hide: 2},
}

// serviceMetricQueries are a service's CPU and memory utilisation (AWS/ECS
// by ClusterName and ServiceName, which ECS publishes without Container
// Insights).
func serviceMetricQueries(s model.Service) []model.MetricQuery {
	cluster := clusterOf(s)
	return []model.MetricQuery{
		model.ServiceMetric(model.MetricCPUUtilization, cluster, s.Name),
		model.ServiceMetric(model.MetricMemoryUtilization, cluster, s.Name),
	}
}

// clusterOf is the name of a service's cluster, as CloudWatch's
// ClusterName dimension spells it.
func clusterOf(s model.Service) string {
	if s.ClusterARN != "" {
		return model.ResourceID(s.ClusterARN)
	}
	// ECS names the service's cluster in its ARN: …:service/CLUSTER/NAME.
	if parts := strings.Split(s.ARN, "/"); len(parts) == 3 {
		return parts[1]
	}
	return ""
}

// serviceMetricCell is a service's utilisation now and over the last hour.
func serviceMetricCell(ms *metricStore, s model.Service, metric string, now time.Time) table.Cell {
	if ms == nil {
		return table.Cell{Text: "–", Tone: theme.ToneMuted}
	}
	q := model.ServiceMetric(metric, clusterOf(s), s.Name)
	text, sort, tone := pctCell(ms.reading(q, now, noServiceData), 6)
	return table.Cell{Text: text, Sort: sort, Tone: tone}
}

// tdShort is family:revision from a task definition ARN.
func tdShort(arn string) string { return clean(model.ResourceID(arn)) }

// tgName is a target group's name from its ARN (…:targetgroup/NAME/ID).
func tgName(arn string) string {
	const marker = "targetgroup/"
	if i := strings.Index(arn, marker); i >= 0 {
		rest := arn[i+len(marker):]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return clean(rest[:j])
		}
		return clean(rest)
	}
	return clean(arn)
}

// rolloutSummary describes the primary deployment and how many older ones
// are still draining, and diagnoses it.
func rolloutSummary(s model.Service, now time.Time) table.Cell {
	d, ok := s.PrimaryDeployment()
	if !ok {
		return table.Cell{Text: "-"}
	}
	state := d.RolloutState
	if state == "" {
		state = d.Status
	}
	text := fmt.Sprintf("%s %d/%d %s", state, d.RunningCount, d.DesiredCount, age(now, d.CreatedAt))
	if n := len(s.Deployments) - 1; n > 0 {
		text += fmt.Sprintf(" +%d old", n)
	}
	tone := theme.StatusTone(state)
	if d.FailedTasks > 0 && tone == theme.ToneWarn {
		tone = theme.ToneBad
	}
	return table.Cell{Text: text, Tone: tone, Sort: state}
}

// serviceRow renders and diagnoses a service: running below desired is
// yellow, nothing running while something is desired is red.
func serviceRow(e *env, s model.Service, now time.Time) table.Row {
	return serviceRowWith(e, s, now, nil)
}

// serviceRowWith is serviceRow with the service's CPU and memory from the
// page's metrics (nil: not fetched).
func serviceRowWith(_ *env, s model.Service, now time.Time, ms *metricStore) table.Row {
	running := table.Cell{Text: itoa(s.RunningCount)}
	switch {
	case s.DesiredCount > 0 && s.RunningCount == 0:
		running.Tone = theme.ToneBad
	case s.RunningCount < s.DesiredCount:
		running.Tone = theme.ToneWarn
	case s.RunningCount > 0:
		running.Tone = theme.ToneOK
	}
	pending := table.Cell{Text: itoa(s.PendingCount)}
	if s.PendingCount > 0 {
		pending.Tone = theme.ToneWarn
	}
	var lbs []string
	for _, lb := range s.LoadBalancers {
		name := lb.LoadBalancerName
		if lb.TargetGroupARN != "" {
			name = tgName(lb.TargetGroupARN)
		}
		lbs = append(lbs, fmt.Sprintf("%s:%d", clean(name), lb.ContainerPort))
	}
	lbText := strings.Join(lbs, ",")
	if lbText == "" {
		lbText = "-"
	}
	event := table.Cell{Text: "-"}
	if len(s.Events) > 0 {
		ev := s.Events[0]
		event = table.Cell{Text: age(now, ev.CreatedAt) + " " + clean(eventMessage(s.Name, ev.Message)), Sort: ageSort(now, ev.CreatedAt)}
		if strings.Contains(ev.Message, "unable to place") || strings.Contains(ev.Message, "unhealthy") {
			event.Tone = theme.ToneBad
		}
	}
	launch := s.LaunchType
	if launch == "" && len(s.CapacityProviderStrategy) > 0 {
		launch = model.StrategyText(s.CapacityProviderStrategy)
	}
	if s.SchedulingStrategy == "DAEMON" {
		launch += "/daemon"
	}
	name := table.Cell{Text: clean(s.Name)}
	if s.Status != "" && s.Status != "ACTIVE" {
		name.Tone = theme.StatusTone(s.Status)
	}
	dc := s.DeploymentConfiguration
	return table.Row{ID: s.ARN, Cells: []table.Cell{
		name,
		{Text: itoa(s.DesiredCount)},
		running,
		pending,
		serviceMetricCell(ms, s, model.MetricCPUUtilization, now),
		serviceMetricCell(ms, s, model.MetricMemoryUtilization, now),
		rolloutSummary(s, now),
		{Text: tdShort(s.TaskDefinitionARN)},
		{Text: clean(launch)},
		{Text: percents(dc)},
		{Text: lbText},
		event,
	}}
}

// eventMessage is a service event without the "(service NAME) " that
// starts every ECS event (the page already names the service), its target
// groups by name: "(target-group arn:aws:elasticloadbalancing:…/web/3f…)"
// takes a line to say "web".
func eventMessage(service, msg string) string {
	return tgARNInEvent.ReplaceAllString(strings.TrimPrefix(msg, "(service "+service+") "), "$1")
}

var tgARNInEvent = regexp.MustCompile(`arn:aws[a-z-]*:elasticloadbalancing:[^:\s]*:[0-9]*:targetgroup/([^/\s)]+)/[0-9a-f]+`)

// deploying reports a service an on-call engineer watches: a deployment in
// progress, or an older one still draining.
func deploying(s model.Service) bool {
	if len(s.Deployments) > 1 {
		return true
	}
	d, ok := s.PrimaryDeployment()
	return ok && d.RolloutState == model.RolloutInProgress
}

// servicesPage is the services of one cluster.
type servicesPage struct {
	*listPage[model.Service]
	cluster string
}

func (p *servicesPage) Cluster() string { return p.cluster }

func (p *servicesPage) LogTarget() (logTarget, bool) {
	s, ok := p.selected()
	if !ok {
		return logTarget{}, false
	}
	return logTarget{Cluster: p.cluster, Service: s.Name, TaskDefinitionARN: s.TaskDefinitionARN}, true
}

func newServicesPage(e *env, cluster string) *servicesPage {
	p := &servicesPage{cluster: cluster}
	store := &metricStore{}
	p.listPage = newListPage(e, listSpec[model.Service]{
		title:   "services(" + clean(cluster) + ")",
		noun:    "services",
		key:     "services:" + cluster,
		cost:    servicesCost,
		columns: serviceColumns,
		share:   shareOf(e.servicesSource(e.backend, cluster), same[model.Service], same[model.Service]),
		sweep: &sweepSpec[model.Service]{
			bucket: quota.ServiceRead, batch: 10,
			id:  func(s model.Service) string { return s.ARN },
			hot: func(*env, []model.Service) func(model.Service) bool { return deploying },
			list: func(ctx context.Context, b Backend, token string) ([]string, string, error) {
				return b.ListServicesPage(ctx, cluster, token)
			},
			describe: func(ctx context.Context, b Backend, ids []string) ([]model.Service, []model.Failure, error) {
				return b.DescribeServices(ctx, cluster, ids)
			},
		},
		row: func(e *env, s model.Service, now time.Time) table.Row {
			return serviceRowWith(e, s, now, store)
		},
		metrics: func(s model.Service) []model.MetricQuery { return serviceMetricQueries(s) },
		store:   store,
		enter: func(e *env, s model.Service) page.Page {
			return newServiceTasksPage(e, cluster, s.Name)
		},
		extra: []listKey[model.Service]{
			{binding: func(k *KeyMap) key.Binding { return k.Describe }, do: func(e *env, s model.Service) tea.Cmd {
				return page.Open(newServiceDetailPage(e, cluster, s.Name))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Ports }, do: func(e *env, s model.Service) tea.Cmd {
				return page.Open(newPortMapPage(e, portScope{cluster: cluster, service: s.Name}))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.StoppedTasks }, do: func(e *env, s model.Service) tea.Cmd {
				return page.Open(newStoppedPage(e, cluster, s.Name))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Logs }, do: func(e *env, s model.Service) tea.Cmd {
				return openLogsCmd(e, logTarget{Cluster: cluster, Service: s.Name, TaskDefinitionARN: s.TaskDefinitionARN})
			}},
		},
	})
	p.spec.extra = append(p.spec.extra, serviceActionKeys(cluster)...)
	return p
}

// serviceActionKeys are the service actions (ui/actions) on the selected service.
func serviceActionKeys(cluster string) []listKey[model.Service] {
	act := func(b func(k *KeyMap) key.Binding, open func(d actions.Deps, cluster, service string) page.Page) listKey[model.Service] {
		return listKey[model.Service]{binding: b, do: func(e *env, s model.Service) tea.Cmd {
			return e.openAction(func(d actions.Deps) page.Page { return open(d, cluster, s.Name) })
		}}
	}
	return []listKey[model.Service]{
		act(func(k *KeyMap) key.Binding { return k.Actions.Deploy }, actions.NewDeploy),
		act(func(k *KeyMap) key.Binding { return k.Actions.Scale }, actions.NewScale),
		act(func(k *KeyMap) key.Binding { return k.Actions.Redeploy }, actions.NewRedeploy),
		act(func(k *KeyMap) key.Binding { return k.Actions.Rollback }, actions.NewRollback),
	}
}
