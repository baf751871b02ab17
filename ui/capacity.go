package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ui/sched"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

// How a cluster's instances are managed, above the instances view: each
// group's capacity provider (managed scaling, termination protection,
// draining), an instance refresh in progress, and instances held in
// Terminating:Wait by a lifecycle hook. It is its own need of the
// scheduler: capacity settings change rarely, so it runs every
// capacityEvery, and every interval while something moves (a refresh, an
// instance waiting on a hook).

// capacityEvery is how often the settings are read while nothing moves.
const capacityEvery = 30 * time.Second

// recentRefresh is how long a finished refresh stays in the header.
const recentRefresh = time.Hour

type capacityView struct {
	env     *env
	owner   uint64
	key     string
	cluster string
	groups  func() []string // the groups of the instances shown
	visible bool

	data *ops.Capacity
	err  error
	// waitSeen is when the view first saw each instance in Terminating:Wait,
	// for an upper bound of the time left (AWS does not say when the wait began).
	waitSeen map[string]time.Time
	// asked are the groups a reading was started for, so a group that
	// cannot be read is not asked again at every list refresh.
	asked map[string]bool
	// started is when Auto Scaling began terminating each waiting instance
	// (its scaling activity), when that could be read.
	started map[string]time.Time
	// refetch: the need stated now is a refresh asked for.
	refetch bool
	// metrics holds the page's CloudWatch answers, among them the
	// providers' CapacityProviderReservation (reservationQueries), fetched
	// with the rows' metrics in the page's one call a minute.
	metrics *metricStore
}

// capacityData is one reading: the groups, and when each instance held in
// Terminating:Wait began to wait.
type capacityData struct {
	*ops.Capacity
	waitStart map[string]time.Time
}

// waitStarts reads, for the groups with an instance in Terminating:Wait,
// the scaling activities that terminate them (one call per such group, only
// then): their start is when the hooks began to hold the instance.
func waitStarts(ctx context.Context, cr ops.CapacityReader, capa *ops.Capacity) map[string]time.Time {
	type activities interface {
		ScalingActivities(ctx context.Context, group string, limit int) ([]model.ScalingActivity, error)
	}
	ar, ok := cr.(activities)
	if !ok {
		return nil
	}
	out := map[string]time.Time{}
	for name, g := range capa.Groups {
		var waiting []string
		for _, in := range g.Group.Instances {
			if in.LifecycleState == model.LifecycleTerminatingWait {
				waiting = append(waiting, in.InstanceID)
			}
		}
		if len(waiting) == 0 {
			continue
		}
		acts, err := ar.ScalingActivities(ctx, name, 20)
		if err != nil {
			continue
		}
		for _, id := range waiting {
			for _, a := range acts {
				if strings.HasSuffix(a.Description, "Terminating EC2 instance: "+id) && a.EndTime.IsZero() {
					out[id] = a.StartTime
					break
				}
			}
		}
	}
	return out
}

func newCapacityView(e *env, cluster string, groups func() []string) *capacityView {
	return &capacityView{env: e, owner: e.nextID(), key: "capacity:" + cluster, cluster: cluster, groups: groups,
		visible: true, waitSeen: map[string]time.Time{}, asked: map[string]bool{}}
}

// hot reports whether something moves, so the view follows it every interval.
func (c *capacityView) hot() bool {
	if c.data == nil {
		return false
	}
	for _, g := range c.data.Groups {
		if g.ActiveRefresh() != nil {
			return true
		}
		for _, in := range g.Group.Instances {
			if in.LifecycleState != model.LifecycleInService {
				return true
			}
		}
	}
	return false
}

func (c *capacityView) need() []sched.Need {
	cr, ok := c.env.backend.(ops.CapacityReader)
	if !c.visible || !ok {
		return nil
	}
	groups := c.groups()
	class, every := sched.Visible, capacityEvery
	if c.data == nil {
		class = sched.FirstLoad
	}
	if c.hot() {
		every = 0
	}
	cluster, e, refetch := c.cluster, c.env, c.refetch
	return []sched.Need{{
		Key: c.key, Class: class, Every: every,
		// DescribeClusters and DescribeCapacityProviders; one group describe
		// and per group its hooks and latest refresh.
		Cost: sched.Cost{quota.ClusterRead: 2, quota.AutoScalingRead: 1 + 2*max(len(groups), 1)},
		Run: func(ctx context.Context, _ func(any)) (any, error) {
			if refetch {
				ctx = withRefetch(ctx)
			}
			capa := ops.GatherCapacity(ctx, e.capacitySettings(ctx, cr), cluster, groups)
			return &capacityData{Capacity: &capa, waitStart: waitStarts(ctx, cr, &capa)}, nil
		},
	}}
}

func (c *capacityView) sync() tea.Cmd { return c.env.setNeeds(c.owner, c.need()) }

// missing reports whether the last reading lacks one of the groups (once
// a reading is in or under way; a first load covers them anyway).
func (c *capacityView) missing(groups []string) bool {
	if c.data == nil || c.env.loop.sched.State(c.key).Running {
		return false
	}
	for _, g := range groups {
		if _, ok := c.data.Groups[g]; !ok && !c.asked[g] {
			return true
		}
	}
	return false
}

// kick reads the groups now.
func (c *capacityView) kick() tea.Cmd {
	for _, g := range c.groups() {
		c.asked[g] = true
	}
	c.env.setNeedsQuiet(c.owner, c.need())
	c.env.loop.sched.Kick(c.key)
	return c.env.pump()
}

func (c *capacityView) show() tea.Cmd {
	c.visible = true
	c.env.setNeedsQuiet(c.owner, c.need())
	return c.env.pump()
}

func (c *capacityView) hide() {
	c.visible = false
	c.env.setNeedsQuiet(c.owner, nil)
}

func (c *capacityView) close() {
	c.visible = false
	c.env.dropNeeds(c.owner)
}

// receive takes the view's replies; true when the message was one.
func (c *capacityView) receive(msg tea.Msg) (bool, tea.Cmd) {
	m, ok := msg.(fetchedMsg)
	if !ok || m.key != c.key {
		return false, nil
	}
	if m.err != nil {
		c.err = m.err
		return true, nil
	}
	if cd, ok := m.data.(*capacityData); ok {
		d := cd.Capacity
		c.data, c.err, c.started = d, nil, cd.waitStart
		now := c.env.now()
		seen := map[string]time.Time{}
		for _, g := range d.Groups {
			for _, in := range g.Group.Instances {
				if in.LifecycleState == model.LifecycleTerminatingWait {
					at, ok := c.waitSeen[in.InstanceID]
					if !ok {
						at = now
					}
					seen[in.InstanceID] = at
				}
			}
		}
		c.waitSeen = seen
	}
	// The period depends on what moves: state the need again.
	return true, c.sync()
}

// member is the freshest Auto Scaling answer about an instance: the view's
// own reading of the group when it has one, else the instance listing's.
func (c *capacityView) member(ci model.ContainerInstance) (model.ASGInstance, bool) {
	if c != nil && c.data != nil {
		if m, ok := c.data.Group(ci.AutoScalingGroup).Member(ci.EC2InstanceID); ok {
			return m, true
		}
	}
	if ci.ASG != nil {
		return *ci.ASG, true
	}
	return model.ASGInstance{}, false
}

// lines is the header: a line per group, a refresh in progress (or ended
// within the hour), and the instances held in Terminating:Wait.
func (c *capacityView) lines(e *env, items []model.ContainerInstance, width int) []string {
	if c.data == nil {
		if c.err != nil {
			return []string{e.st.Warn.Render(fitLine("capacity providers and Auto Scaling groups unknown: "+clean(c.err.Error()), width))}
		}
		return nil
	}
	st := e.st
	var out []string
	names := make([]string, 0, len(c.data.Groups))
	for n := range c.data.Groups {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		g := c.data.Groups[n]
		for _, l := range groupLines(g, c.data.Strategy, items, c.reservation(e, g)) {
			out = append(out, fitLine(l, width))
		}
		if r := g.Refresh; r != nil && (r.Active() || e.now().Sub(r.EndTime) < recentRefresh) {
			tone := theme.ToneWarn
			switch {
			case r.Status == model.RefreshSuccessful:
				tone = theme.ToneOK
			case r.Status == model.RefreshFailed || r.Status == model.RefreshRollbackFailed:
				tone = theme.ToneBad
			}
			text := "instance refresh " + ops.RefreshText(*r)
			if r.Active() {
				text += " — " + e.keys.WatchRefresh.Help().Key + ": watch"
			}
			out = append(out, st.Tone(tone).Render(fitLine(clean(text), width)))
		}
		var waiting []string
		for _, in := range g.Group.Instances {
			if in.LifecycleState != model.LifecycleTerminatingWait {
				continue
			}
			waiting = append(waiting, c.waitLine(e, g, in))
		}
		for i, w := range waiting {
			if i == 2 {
				out = append(out, st.Muted.Render(fitLine(fmt.Sprintf("  (and %d more in Terminating:Wait)", len(waiting)-2), width)))
				break
			}
			out = append(out, st.Tone(theme.ToneDrain).Render(fitLine(w, width)))
		}
	}
	for _, u := range c.data.Unknown {
		out = append(out, st.Warn.Render(fitLine("could not read "+clean(u), width)))
	}
	return out
}

// reservationQueries are the CapacityProviderReservation metrics of the
// providers with managed scaling in the last reading: the page asks for
// them with its rows' metrics, once the first reading is in (ready).
func (c *capacityView) reservationQueries() (qs []model.MetricQuery, ready bool) {
	if _, ok := c.env.backend.(ops.CapacityReader); !ok || c.err != nil && c.data == nil {
		return nil, true
	}
	if c.data == nil {
		return nil, false
	}
	for _, g := range c.data.Groups {
		if g.Provider != nil && g.Provider.ManagedScaling.Enabled() {
			qs = append(qs, model.ReservationMetric(model.ResourceID(c.cluster), g.Provider.Name))
		}
	}
	slices.SortFunc(qs, func(a, b model.MetricQuery) int { return strings.Compare(a.Key(), b.Key()) })
	return qs, true
}

// reservation is CloudWatch's CapacityProviderReservation for a group's
// provider (not OK, with the reason, when there is none).
func (c *capacityView) reservation(e *env, g *ops.GroupCapacity) model.MetricReading {
	if g.Provider == nil || c.metrics == nil {
		return model.MetricReading{Reason: "not read"}
	}
	return c.metrics.reading(model.ReservationMetric(model.ResourceID(c.cluster), g.Provider.Name), e.now(), noReservation)
}

// reservationText says a provider's CapacityProviderReservation: the
// metric's value when CloudWatch has a recent one, else the estimate from
// the m of n instances in use, labelled as such with why.
func reservationText(r model.MetricReading, m, n int) string {
	if r.OK {
		return fmt.Sprintf("CapacityProviderReservation %.0f%% (CloudWatch, %s) · %d of %d instances in use", r.Value, r.At.UTC().Format("15:04"), m, n)
	}
	pct := 0
	if n > 0 {
		pct = m * 100 / n
	}
	return fmt.Sprintf("%d of %d instances in use: CapacityProviderReservation ≈ %d%% estimated (%s)", m, n, pct, r.Reason)
}

// groupLines say how a group is managed: the group and its provider, then
// the provider's managed features, with its CapacityProviderReservation
// (cpr, CloudWatch's; estimated from items when it has none).
func groupLines(g *ops.GroupCapacity, strategy []model.CapacityProviderStrategyItem, items []model.ContainerInstance, cpr model.MetricReading) []string {
	grp := g.Group
	size := fmt.Sprintf("desired %d (min %d, max %d)", grp.DesiredCapacity, grp.MinSize, grp.MaxSize)
	if g.Provider == nil {
		s := clean(grp.Name) + ": no capacity provider (ECS does not manage it), " + size
		if len(g.Hooks) > 0 {
			var hs []string
			for _, h := range g.Hooks {
				hs = append(hs, clean(h.Name))
			}
			s += "; termination hooks " + strings.Join(hs, ", ")
		}
		return []string{s}
	}
	cp := g.Provider
	s := fmt.Sprintf("%s: capacity provider %s", clean(grp.Name), clean(cp.Name))
	for _, it := range strategy {
		if it.CapacityProvider == cp.Name {
			s += fmt.Sprintf(" (default strategy base %d weight %d)", it.Base, it.Weight)
		}
	}
	s += ", " + size
	f := "  managed scaling " + orDash(cp.ManagedScaling.Status)
	var use string
	if cp.ManagedScaling.Enabled() {
		m, n := 0, 0
		for _, ci := range items {
			if ci.AutoScalingGroup != grp.Name || ci.Status == model.InstanceInactive {
				continue
			}
			if in, ok := g.Member(ci.EC2InstanceID); ok && in.LifecycleState != model.LifecycleInService && in.LifecycleState != model.LifecyclePending {
				continue
			}
			n++
			if ci.RunningTasksCount+ci.PendingTasksCount > 0 {
				m++
			}
		}
		f += fmt.Sprintf(" (target %d%%)", cp.ManagedScaling.Target())
		use = "  " + reservationText(cpr, m, n)
	}
	f += " · termination protection " + orDash(cp.ManagedTerminationProtection) + " · managed draining " + orDash(cp.ManagedDraining)
	if use != "" {
		return []string{s, f, use}
	}
	return []string{s, f}
}

// waitLine says who holds an instance in Terminating:Wait, and for how long
// at most (from when the view first saw it waiting: AWS does not say when
// the wait began).
func (c *capacityView) waitLine(e *env, g *ops.GroupCapacity, in model.ASGInstance) string {
	since, exact := c.started[in.InstanceID]
	if !exact {
		since = c.waitSeen[in.InstanceID]
	}
	var who []string
	left := time.Duration(0)
	for _, h := range g.Hooks {
		l := h.HeartbeatTimeout
		if !since.IsZero() {
			// Clocks differ a little: never more than the whole heartbeat.
			l = min(l, l-e.now().Sub(since))
		}
		left = max(left, l)
		what := "its owner completes it, else " + clean(h.DefaultResult)
		if h.Name == model.ManagedDrainingHook && g.ManagedDraining() {
			what = "ECS completes it once empty"
		}
		who = append(who, clean(h.Name)+": "+what)
	}
	bound := "≤"
	if exact {
		bound = ""
	}
	s := fmt.Sprintf("  %s Terminating:Wait %s%s left (%s)", clean(in.InstanceID), bound, shortAge(max(left, 0)), strings.Join(who, "; "))
	if !since.IsZero() {
		s += " since " + since.UTC().Format("15:04:05")
	}
	return s
}

// shortAge renders an upper bound as 45s, 12m or 3h, rounding up.
func shortAge(d time.Duration) string {
	up := func(unit time.Duration) int { return int((d + unit - 1) / unit) }
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", up(time.Second))
	case d <= 2*time.Hour:
		return fmt.Sprintf("%dm", up(time.Minute))
	}
	return fmt.Sprintf("%dh", up(time.Hour))
}

// lifecycleCell is the instances view's LIFECYCLE cell.
func lifecycleCell(m model.ASGInstance, ok bool) table.Cell {
	if !ok {
		return table.Cell{Text: "-"}
	}
	tone := theme.ToneMuted
	switch {
	case m.LifecycleState == model.LifecycleInService:
		tone = theme.ToneOK
	case m.LifecycleState == model.LifecycleTerminatingWait:
		tone = theme.ToneDrain
	case strings.HasPrefix(m.LifecycleState, model.LifecycleTerminating):
		tone = theme.ToneWarn
	}
	return table.Cell{Text: clean(m.LifecycleState), Tone: tone}
}

// protectionCell is the instances view's scale-in protection cell.
func protectionCell(m model.ASGInstance, ok bool) table.Cell {
	switch {
	case !ok:
		return table.Cell{Text: "-"}
	case m.ProtectedFromScaleIn:
		return table.Cell{Text: "yes", Tone: theme.ToneOK}
	}
	return table.Cell{Text: "no", Tone: theme.ToneMuted}
}

// providerCache paces the reads of the capacity providers the clusters
// view names (at most once per capacityEvery, one DescribeCapacityProviders
// call for every cluster's providers: their settings change rarely) and of
// those a service detail needs. The providers themselves are kept on the
// context store's shelf (store.go), which the instances view's capacity
// header reads through too, so every page sees one copy.
type providerCache struct {
	mu    sync.Mutex
	at    time.Time
	names []string
	// asked is when ensure last asked for a provider the shelf did not
	// have, so a page opened without the clusters view reads it once, and
	// a provider AWS does not describe is asked again only after
	// capacityEvery.
	asked map[string]time.Time
}

type providerReader interface {
	CapacityProviders(ctx context.Context, names []string) ([]model.CapacityProvider, []model.Failure, error)
}

// ensure reads the named providers the shelf does not hold (a service
// detail opened from the pulse or a command, with no clusters view read
// before it): one DescribeCapacityProviders call for them, then none. A
// failure keeps what it had.
func (pc *providerCache) ensure(ctx context.Context, b Backend, kept *shelf[model.CapacityProvider], names []string, now time.Time) {
	r, ok := b.(providerReader)
	if !ok {
		return
	}
	var missing []string
	pc.mu.Lock()
	for _, n := range names {
		if _, _, ok := kept.get(n); ok || model.IsFargateProvider(n) || slices.Contains(missing, n) {
			continue
		}
		if at, ok := pc.asked[n]; ok && now.Sub(at) < capacityEvery {
			continue
		}
		missing = append(missing, n)
		if pc.asked == nil {
			pc.asked = map[string]time.Time{}
		}
		pc.asked[n] = now
	}
	pc.mu.Unlock()
	if len(missing) == 0 {
		return
	}
	if cps, _, err := r.CapacityProviders(ctx, missing); err == nil {
		kept.put(now, cps...)
	}
}

// refresh reads the providers the clusters name when the last read is
// older than capacityEvery or named others. A failure keeps what it had.
func (pc *providerCache) refresh(ctx context.Context, b Backend, kept *shelf[model.CapacityProvider], cs []model.Cluster, now time.Time) {
	r, ok := b.(providerReader)
	if !ok {
		return
	}
	var names []string
	for _, c := range cs {
		for _, n := range c.CapacityProviders {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	pc.mu.Lock()
	fresh := slices.Equal(names, pc.names) && now.Sub(pc.at) < capacityEvery
	pc.mu.Unlock()
	if fresh || len(names) == 0 {
		return
	}
	cps, _, err := r.CapacityProviders(ctx, names)
	if err != nil {
		return
	}
	kept.put(now, cps...)
	pc.mu.Lock()
	pc.at, pc.names = now, names
	pc.mu.Unlock()
}

// provider is the context's copy of a capacity provider, however old.
func (e *env) provider(name string) (model.CapacityProvider, bool) {
	cp, _, ok := e.store.providers.get(name)
	return cp, ok
}

// providerText sums up a provider's managed features: "scaling 100% · MTP · draining".
// With CloudWatch's CapacityProviderReservation (cpr OK), scaling says
// where it is against its target: "scaling 67%/100%".
func providerText(cp model.CapacityProvider, cpr model.MetricReading) string {
	var parts []string
	switch {
	case cp.ManagedScaling.Enabled() && cpr.OK:
		parts = append(parts, fmt.Sprintf("scaling %.0f%%/%d%%", cpr.Value, cp.ManagedScaling.Target()))
	case cp.ManagedScaling.Enabled():
		parts = append(parts, fmt.Sprintf("scaling %d%%", cp.ManagedScaling.Target()))
	}
	if cp.TerminationProtection() {
		parts = append(parts, "MTP")
	}
	if cp.Draining() {
		parts = append(parts, "draining")
	}
	if len(parts) == 0 {
		return "unmanaged"
	}
	return strings.Join(parts, " · ")
}
