package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/actions"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/sched"
	"github.com/ecstui/ecstui/ui/theme"
)

// maxEvents is how many recent service events the detail page shows.
const maxEvents = 25

// serviceDetail is what the service detail page fetches: the service and
// the task definitions of its PRIMARY and (first) ACTIVE deployments.
type serviceDetail struct {
	svc     model.Service
	primary model.TaskDefinition
	active  model.TaskDefinition
	hasDiff bool
	history deploymentHistory
	// reusedAt, when set, is when the service (taken from the store,
	// another page described it within the interval) was fetched.
	reusedAt time.Time
}

// fetchServiceDetail reads a service, or takes known (fetched at knownAt)
// when set; hist, when set, adds its deployment history (read again only
// when a deployment changed, see historyCache).
func fetchServiceDetail(ctx context.Context, b Backend, cluster, name string, hist *historyCache, known *model.Service, knownAt time.Time) (serviceDetail, error) {
	if known != nil {
		return detailOf(ctx, b, cluster, serviceDetail{svc: *known, reusedAt: knownAt}, hist)
	}
	svcs, fails, err := b.DescribeServices(ctx, cluster, []string{name})
	if err != nil {
		return serviceDetail{}, err
	}
	if len(svcs) == 0 {
		why := "MISSING"
		if len(fails) > 0 {
			why = fails[0].String()
		}
		return serviceDetail{}, &awsapi.Error{Kind: awsapi.KindNotFound, Op: "DescribeServices",
			Message: fmt.Sprintf("service %s not found in cluster %s (%s)", name, cluster, why)}
	}
	return detailOf(ctx, b, cluster, serviceDetail{svc: svcs[0]}, hist)
}

// detailOf adds a service's task definitions and history.
func detailOf(ctx context.Context, b Backend, cluster string, d serviceDetail, hist *historyCache) (serviceDetail, error) {
	var err error
	var primARN, actARN string
	for _, dep := range d.svc.Deployments {
		switch {
		case dep.Status == model.DeploymentPrimary && primARN == "":
			primARN = dep.TaskDefinitionARN
		case dep.Status == model.DeploymentActive && actARN == "":
			actARN = dep.TaskDefinitionARN
		}
	}
	if primARN == "" {
		primARN = d.svc.TaskDefinitionARN
	}
	if primARN != "" {
		if d.primary, err = b.TaskDefinition(ctx, primARN); err != nil {
			return serviceDetail{}, err
		}
	}
	if actARN != "" && actARN != primARN {
		if d.active, err = b.TaskDefinition(ctx, actARN); err != nil {
			return serviceDetail{}, err
		}
		d.hasDiff = true
	}
	if hist != nil {
		d.history = hist.get(ctx, b, cluster, d.svc)
	}
	return d, nil
}

func newServiceDetailPage(e *env, cluster, name string) *serviceDetailPage {
	hist := &historyCache{now: e.now}
	nums := &serviceNumbers{}
	shelf, interval := e.store.servicesOf(cluster), e.loop.sched.Interval()
	tp := newTextPage(e, textSpec[serviceDetail]{
		title:   "service(" + clean(name) + ")",
		noun:    "service",
		key:     "service:" + cluster + ":" + name,
		cost:    sched.Cost{quota.ServiceRead: 1},
		cluster: cluster,
		fetch: func(ctx context.Context, b Backend) (d serviceDetail, err error) {
			// The Capacity field names the strategy's providers' settings,
			// read once if no clusters view read them before.
			defer func() {
				if err == nil {
					e.providers.ensure(ctx, b, e.store.providers, strategyProviders(d.svc), e.now())
				}
			}()
			// The service as another page described it within the interval
			// (the services list's row the user opened), unless the user
			// asked for a refresh.
			if now := runStart(ctx); !now.IsZero() && !refetching(ctx) {
				if s, at, ok := shelf.find(func(s model.Service) bool { return s.Name == name }); ok && fresh(at, now, interval) {
					return fetchServiceDetail(ctx, b, cluster, name, hist, &s, at)
				}
			}
			return fetchServiceDetail(ctx, b, cluster, name, hist, nil, time.Time{})
		},
		record: func(e *env, d serviceDetail, at time.Time) time.Time {
			if !d.reusedAt.IsZero() {
				return d.reusedAt
			}
			shelf.put(at, d.svc)
			return time.Time{}
		},
		render: func(e *env, d serviceDetail, width int) []string { return renderServiceDetail(e, d, width, nums) },
		copyID: func(d serviceDetail) string { return d.svc.ARN },
		logs: func(d serviceDetail) (logTarget, bool) {
			s := d.svc
			return logTarget{Cluster: cluster, Service: s.Name, TaskDefinitionARN: s.TaskDefinitionARN}, true
		},
		keys: []textKey[serviceDetail]{
			{binding: func(k *KeyMap) key.Binding { return k.Tasks }, do: func(e *env, _ serviceDetail) tea.Cmd {
				return page.Open(newServiceTasksPage(e, cluster, name))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.Ports }, do: func(e *env, _ serviceDetail) tea.Cmd {
				return page.Open(newPortMapPage(e, portScope{cluster: cluster, service: name}))
			}},
			{binding: func(k *KeyMap) key.Binding { return k.StoppedTasks }, do: func(e *env, _ serviceDetail) tea.Cmd {
				return page.Open(newStoppedPage(e, cluster, name))
			}},
			nums.acting(detailAction(func(k *KeyMap) key.Binding { return k.Actions.Deploy }, actions.NewDeploy, cluster, name)),
			nums.acting(detailAction(func(k *KeyMap) key.Binding { return k.Actions.Scale }, actions.NewScale, cluster, name)),
			nums.acting(detailAction(func(k *KeyMap) key.Binding { return k.Actions.Redeploy }, actions.NewRedeploy, cluster, name)),
			nums.acting(detailAction(func(k *KeyMap) key.Binding { return k.Actions.Rollback }, actions.NewRollback, cluster, name)),
			nums.offered(nums.acting(detailAction(func(k *KeyMap) key.Binding { return k.Actions.ResumeScaling }, actions.NewResumeAutoScaling, cluster, name)), nums.dynamicSuspended),
		},
	})
	return &serviceDetailPage{textPage: tp, cluster: cluster, name: name, nums: nums, metrics: newSideNeed(e), scaling: newSideNeed(e)}
}

func detailAction(b func(k *KeyMap) key.Binding, open func(d actions.Deps, cluster, service string) page.Page, cluster, name string) textKey[serviceDetail] {
	return textKey[serviceDetail]{binding: b, do: func(e *env, _ serviceDetail) tea.Cmd {
		return e.openAction(func(d actions.Deps) page.Page { return open(d, cluster, name) })
	}}
}

// deploymentBar is the width of a deployment's progress bar.
const deploymentBar = 20

func renderServiceDetail(e *env, d serviceDetail, width int, nums *serviceNumbers) []string {
	st := e.st
	s := d.svc
	now := e.now()
	const lw = 15
	dc := s.DeploymentConfiguration
	cb := "off"
	if dc.CircuitBreaker.Enable {
		cb = "on"
		if dc.CircuitBreaker.Rollback {
			cb += ", rollback"
		}
	}
	var lbs []string
	for _, lb := range s.LoadBalancers {
		lbs = append(lbs, fmt.Sprintf("%s → %s:%d", tgName(firstNonEmpty(lb.TargetGroupARN, lb.LoadBalancerName)), clean(lb.ContainerName), lb.ContainerPort))
	}
	var placement []string
	for _, p := range s.PlacementStrategy {
		placement = append(placement, clean(p.Type+"("+p.Field+")"))
	}
	for _, p := range s.PlacementConstraints {
		placement = append(placement, clean(strings.TrimSpace(p.Type+" "+p.Expression)))
	}
	counts := fmt.Sprintf("desired %d · running %s · pending %d", s.DesiredCount,
		runningTone(st, s.RunningCount, s.DesiredCount).Render(itoa(s.RunningCount)), s.PendingCount)
	out := []string{
		section(e, "Service "+clean(s.Name)) + "  " + st.StatusStyle(s.Status).Render(clean(s.Status)),
		field(e, "Counts", lw, counts),
		field(e, "Task definition", lw, tdShort(s.TaskDefinitionARN)),
		field(e, "Launch", lw, clean(orDash(launchText(s)))+" · "+clean(orDash(s.SchedulingStrategy))),
		field(e, "Rolling update", lw, fmt.Sprintf("min %d%% · max %d%%%s · circuit breaker %s", dc.MinimumHealthyPercent, dc.MaximumPercent, defaultedNote(dc), cb)),
		field(e, "Load balancers", lw, orDash(strings.Join(lbs, ", "))),
		field(e, "Placement", lw, orDash(strings.Join(placement, ", "))),
		field(e, "Created", lw, ago(now, s.CreatedAt)),
	}
	if len(s.CapacityProviderStrategy) > 0 {
		// After Launch, where the strategy is.
		out = slices.Insert(out, 4, field(e, "Capacity", lw, providersText(e, nums, clusterOf(s), s, now)))
	}
	if nums != nil {
		out = append(out, renderServiceNumbers(e, nums, s, width)...)
	}
	out = append(out, "", section(e, "Deployments"))
	for _, dep := range s.Deployments {
		state := dep.RolloutState
		if state == "" {
			state = "-"
		}
		line := fmt.Sprintf("  %-8s %s %s %d/%d",
			dep.Status, st.ProgressBar(dep.RunningCount, dep.DesiredCount, deploymentBar),
			st.Tone(theme.StatusTone(state)).Render(fmt.Sprintf("%-11s", state)), dep.RunningCount, dep.DesiredCount)
		out = append(out, line)
		meta := fmt.Sprintf("           %s · pending %d · failed %d · created %s · updated %s · %s",
			tdShort(dep.TaskDefinitionARN), dep.PendingCount, dep.FailedTasks, ago(now, dep.CreatedAt), ago(now, dep.UpdatedAt), clean(dep.ID))
		out = append(out, st.Muted.Render(meta))
		if dep.RolloutStateReason != "" {
			for _, l := range wrapWords(clean(dep.RolloutStateReason), width-11) {
				out = append(out, "           "+st.Tone(theme.StatusTone(state)).Render(l))
			}
		}
	}
	if len(s.Deployments) == 0 {
		out = append(out, st.Muted.Render("  no deployments"))
	}
	out = append(out, renderHistory(e, d.history, width)...)
	if d.hasDiff {
		out = append(out, "", section(e, "Task definition diff "+clean(d.active.FamilyRevision())+" (ACTIVE) → "+clean(d.primary.FamilyRevision())+" (PRIMARY)"))
		out = append(out, renderDiff(e, diffJSON(d.active), diffJSON(d.primary))...)
	}
	out = append(out, "", section(e, "Events"))
	for i, ev := range s.Events {
		if i >= maxEvents {
			out = append(out, st.Muted.Render(fmt.Sprintf("  … %d older events", len(s.Events)-maxEvents)))
			break
		}
		prefix := fmt.Sprintf("  %4s ", age(now, ev.CreatedAt))
		tone := st.Text
		if strings.Contains(ev.Message, "unable to place") || strings.Contains(ev.Message, "unhealthy") ||
			strings.Contains(ev.Message, "failed") || strings.Contains(ev.Message, "rolling back") {
			tone = st.Bad
		} else if strings.Contains(ev.Message, "steady state") {
			tone = st.OK
		}
		for j, l := range wrapWords(clean(eventMessage(s.Name, ev.Message)), max(width-len(prefix), 10)) {
			if j == 0 {
				out = append(out, st.Muted.Render(prefix)+tone.Render(l))
			} else {
				out = append(out, strings.Repeat(" ", len(prefix))+tone.Render(l))
			}
		}
	}
	if len(s.Events) == 0 {
		out = append(out, st.Muted.Render("  no events"))
	}
	return out
}

func runningTone(st *theme.Styles, running, desired int) interface{ Render(...string) string } {
	switch {
	case desired > 0 && running == 0:
		return st.Bad
	case running < desired:
		return st.Warn
	}
	return st.OK
}

// renderDiff shows the changed lines of a line diff with one line of
// context around each change.
// diffJSON is a revision's JSON for the diff of two: without its ARN and
// revision, which always differ and the diff's title names.
func diffJSON(td model.TaskDefinition) string {
	lines := strings.Split(taskDefJSON(td), "\n")
	return strings.Join(slices.DeleteFunc(lines, func(l string) bool {
		l = strings.TrimSpace(l)
		return strings.HasPrefix(l, `"taskDefinitionArn":`) || strings.HasPrefix(l, `"revision":`)
	}), "\n")
}

func renderDiff(e *env, a, b string) []string {
	ops := diffLines(strings.Split(a, "\n"), strings.Split(b, "\n"))
	show := make([]bool, len(ops))
	for i, op := range ops {
		if op.kind != ' ' {
			for j := max(i-1, 0); j <= min(i+1, len(ops)-1); j++ {
				show[j] = true
			}
		}
	}
	var out []string
	gap := false
	for i, op := range ops {
		if !show[i] {
			gap = true
			continue
		}
		if gap && len(out) > 0 {
			out = append(out, e.st.Diff.Context.Render("  ⋯"))
		}
		gap = false
		line := string(op.kind) + " " + clean(op.text)
		switch op.kind {
		case '+':
			out = append(out, e.st.Diff.Added.Render(line))
		case '-':
			out = append(out, e.st.Diff.Removed.Render(line))
		default:
			out = append(out, e.st.Diff.Context.Render(line))
		}
	}
	if len(out) == 0 {
		out = append(out, e.st.Muted.Render("  (identical)"))
	}
	return out
}

type diffOp struct {
	kind byte // ' ', '+', '-'
	text string
}

// diffLines is an LCS line diff; task definitions are a few hundred lines,
// so the quadratic table is small.
func diffLines(a, b []string) []diffOp {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, diffOp{' ', a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			ops = append(ops, diffOp{'-', a[i]})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, diffOp{'-', a[i]})
	}
	for ; j < m; j++ {
		ops = append(ops, diffOp{'+', b[j]})
	}
	return ops
}

// launchText is the launch type, or the capacity provider strategy (base
// and weight) a service uses instead of one.
func launchText(s model.Service) string {
	var parts []string
	switch {
	case s.LaunchType == "" && len(s.CapacityProviderStrategy) > 0:
		parts = append(parts, "capacity provider strategy "+model.StrategyText(s.CapacityProviderStrategy))
	case s.LaunchType != "":
		parts = append(parts, s.LaunchType)
	}
	if s.PlatformVersion != "" {
		parts = append(parts, "platform "+s.PlatformVersion)
	}
	if n := len(s.Subnets); n > 0 {
		parts = append(parts, fmt.Sprintf("awsvpc in %d subnets", n))
	}
	return strings.Join(parts, " · ")
}

// strategyProviders names the capacity providers of a service's strategy.
func strategyProviders(s model.Service) []string {
	names := make([]string, 0, len(s.CapacityProviderStrategy))
	for _, it := range s.CapacityProviderStrategy {
		names = append(names, it.CapacityProvider)
	}
	return names
}
