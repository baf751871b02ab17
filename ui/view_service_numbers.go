package ui

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/sched"
	"github.com/ecstui/ecstui/ui/theme"
)

// serviceDetailPage is the service detail (a text page) with its numbers:
// CPU and memory over the last hour, its target groups' requests, 5xx and
// response time, and what Application Auto Scaling holds about it. Each is
// its own need beside the service's, refreshed once a minute.
type serviceDetailPage struct {
	*textPage[serviceDetail]
	cluster, name string
	nums          *serviceNumbers
	metrics       *sideNeed
	scaling       *sideNeed
}

// serviceNumbers is what the side needs brought, read by the render.
type serviceNumbers struct {
	metrics    metricStore
	tgs        []model.TargetGroup // with their load balancers, for the ALB dimensions
	scaling    *model.ServiceScaling
	scalingErr error
	scalingOK  bool // a reply arrived
	acted      bool // an action was opened from the page: re-read the autoscaling when back
}

// detailMetrics is the metrics need's answer.
type detailMetrics struct {
	series map[string]model.MetricSeries
	tgs    []model.TargetGroup
}

func (p *serviceDetailPage) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	if m, ok := msg.(fetchedMsg); ok && m.key != "" {
		switch m.key {
		case p.metrics.key():
			d, _ := m.data.(detailMetrics)
			p.nums.metrics.take(fetchedMsg{data: d.series, err: m.err})
			if m.err == nil {
				p.nums.tgs = d.tgs
			}
			p.metrics.loaded()
			p.layout()
			return nil, nil
		case p.scaling.key():
			p.nums.scalingOK = true
			p.nums.scalingErr = m.err
			if sc, ok := m.data.(model.ServiceScaling); ok && m.err == nil {
				p.nums.scaling = &sc
			}
			p.scaling.loaded()
			p.layout()
			return nil, nil
		}
	}
	_, cmd := p.textPage.Update(msg)
	if m, ok := msg.(fetchedMsg); ok && m.key == p.textPage.key && p.loaded {
		cmd = tea.Batch(cmd, p.syncSide())
	}
	return nil, cmd
}

// syncSide states the side needs for the service as last fetched (its
// target groups may change).
func (p *serviceDetailPage) syncSide() tea.Cmd {
	if !p.loaded {
		return nil
	}
	d := p.data
	var cmds []tea.Cmd
	if _, ok := p.env.backend.(metricsBackend); ok {
		if n := serviceMetricsNeed(p.env, p.cluster, d.svc); n.Key != p.metrics.key() {
			cmds = append(cmds, p.metrics.set(n))
		}
	} else if !p.nums.metrics.tried {
		p.nums.metrics.tried, p.nums.metrics.err = true, errNoMetrics
	}
	if _, ok := p.env.backend.(scalingBackend); ok && p.scaling.cur == nil {
		cmds = append(cmds, p.scaling.set(scalingNeed(p.env, p.cluster, p.name)))
	}
	return tea.Batch(cmds...)
}

func (p *serviceDetailPage) Shown() tea.Cmd {
	cmd := tea.Batch(p.textPage.Shown(), p.metrics.show(), p.scaling.show())
	if p.nums.acted && p.scaling.key() != "" {
		// Back from an action, which may have changed the scalable target
		// (a scale's adjust or suspend, a resume): read it now rather than
		// within the minute.
		p.nums.acted = false
		p.env.loop.sched.Kick(p.scaling.key())
		cmd = tea.Batch(cmd, p.env.pump())
	}
	return cmd
}

// acting marks, when k opens an action, that the autoscaling shown may be
// out of date once the page shows again.
func (n *serviceNumbers) acting(k textKey[serviceDetail]) textKey[serviceDetail] {
	do := k.do
	k.do = func(e *env, d serviceDetail) tea.Cmd {
		n.acted = true
		return do(e, d)
	}
	return k
}

// offered shows k in the footer and help only while when says so.
func (n *serviceNumbers) offered(k textKey[serviceDetail], when func() bool) textKey[serviceDetail] {
	k.shown = when
	return k
}

// dynamicSuspended: the service's scalable target has dynamic scaling
// suspended, as last read.
func (n *serviceNumbers) dynamicSuspended() bool {
	if n.scaling == nil || n.scaling.Target == nil {
		return false
	}
	s := n.scaling.Target.Suspended
	return s.DynamicScalingIn || s.DynamicScalingOut
}

func (p *serviceDetailPage) Hidden() {
	p.textPage.Hidden()
	p.metrics.hide()
	p.scaling.hide()
}

func (p *serviceDetailPage) Close() {
	p.textPage.Close()
	p.metrics.close()
	p.scaling.close()
}

// targetGroupARNs are the target groups a service registers with.
func targetGroupARNs(s model.Service) []string {
	var out []string
	for _, lb := range s.LoadBalancers {
		if lb.TargetGroupARN != "" && !slices.Contains(out, lb.TargetGroupARN) {
			out = append(out, lb.TargetGroupARN)
		}
	}
	return out
}

// tgMetrics are one target group's ALB metrics, per load balancer it is
// attached to (CloudWatch keys them by both).
func tgMetrics(tg model.TargetGroup) [][3]model.MetricQuery {
	var out [][3]model.MetricQuery
	for _, lb := range tg.LoadBalancerARNs {
		out = append(out, [3]model.MetricQuery{
			model.TargetGroupMetric(model.MetricRequestCount, tg.ARN, lb),
			model.TargetGroupMetric(model.MetricTarget5XX, tg.ARN, lb),
			model.TargetGroupMetric(model.MetricTargetResponseTime, tg.ARN, lb),
		})
	}
	return out
}

// serviceMetricsNeed fetches the service's utilisation and, after one
// DescribeTargetGroups for their load balancers, its target groups' ALB
// metrics: one GetMetricData call a minute.
func serviceMetricsNeed(e *env, cluster string, s model.Service) *sched.Need {
	svcQs := append(serviceMetricQueries(s), strategyReservations(e, cluster, s)...)
	arns := targetGroupARNs(s)
	b, now := e.backend, e.now
	cost := sched.Cost{quota.CloudWatchRead: 1}
	if len(arns) > 0 {
		cost[quota.ELBRead] = 1
	}
	return &sched.Need{
		Key:   "metrics:service:" + cluster + "/" + s.Name + ":" + strings.Join(arns, ","),
		Class: sched.FirstLoad,
		Cost:  cost,
		Every: metricEvery,
		Run: func(ctx context.Context, _ func(any)) (any, error) {
			mb, ok := b.(metricsBackend)
			if !ok {
				return nil, errNoMetrics
			}
			var out detailMetrics
			qs := slices.Clone(svcQs)
			if len(arns) > 0 {
				tgs, err := b.TargetGroups(ctx, arns)
				if err != nil {
					return nil, err
				}
				out.tgs = tgs
				for _, tg := range tgs {
					for _, set := range tgMetrics(tg) {
						qs = append(qs, set[:]...)
					}
				}
			}
			series, err := mb.Metrics(ctx, model.MetricsRequest{Queries: qs, Window: metricWindow, Now: now()})
			out.series = series
			return out, err
		},
	}
}

func scalingNeed(e *env, cluster, name string) *sched.Need {
	b := e.backend
	return &sched.Need{
		Key:   "scaling:" + cluster + "/" + name,
		Class: sched.FirstLoad,
		// A target, its policies, scheduled actions and activities.
		Cost:  sched.Cost{quota.AppScalingRead: 4},
		Every: scalingEvery,
		Run: func(ctx context.Context, _ func(any)) (any, error) {
			sb, ok := b.(scalingBackend)
			if !ok {
				return nil, fmt.Errorf("this connection cannot read Application Auto Scaling")
			}
			return sb.ServiceScaling(ctx, cluster, name, maxScalingActivities)
		},
	}
}

// maxScalingActivities is how many scaling activities the detail shows.
const maxScalingActivities = 5

// sparkWidth is the width of the detail page's sparklines: what the label,
// the value and a range leave of the screen, up to a minute a cell.
func sparkWidth(width int) int { return max(min(width-44, 60), 12) }

// renderServiceNumbers renders the detail's numbers: utilisation, load
// balancer traffic and autoscaling. Missing values show "–" with why.
func renderServiceNumbers(e *env, n *serviceNumbers, s model.Service, width int) []string {
	st := e.st
	now := e.now()
	const lw = 15
	sw := sparkWidth(width)
	out := []string{"", section(e, "Utilisation (last hour)")}
	for _, m := range []struct{ label, metric string }{{"CPU", model.MetricCPUUtilization}, {"Memory", model.MetricMemoryUtilization}} {
		r := n.metrics.reading(model.ServiceMetric(m.metric, clusterOf(s), s.Name), now, noServiceData)
		out = append(out, field(e, m.label, lw, pctLine(st, r, sw)))
	}
	for _, tg := range n.tgs {
		for _, set := range tgMetrics(tg) {
			req := n.metrics.reading(set[0], now, noTraffic)
			lb := model.Dimension(set[0].Dimensions, "LoadBalancer")
			if parts := strings.Split(lb, "/"); len(parts) == 3 {
				lb = parts[1]
			}
			out = append(out, "", section(e, "Target group "+clean(tg.Name)+" on "+clean(lb)))
			out = append(out, field(e, "Requests", lw, countLine(st, req, sw, "/min")))
			errs := n.metrics.reading(set[1], now, noRequestsBase)
			if !errs.OK && req.OK && n.metrics.err == nil {
				// CloudWatch publishes the 5xx count only for minutes that had
				// some: with requests and no datapoint, there were none.
				errs = model.MetricReading{OK: true, Value: 0, At: req.At, Spark: zeroWhere(req.Spark)}
			}
			out = append(out, field(e, "Target 5xx", lw, countLine(st, errs, sw, "/min")))
			rt := n.metrics.reading(set[2], now, noRequestsBase)
			out = append(out, field(e, "Response time", lw, msLine(st, rt, sw)))
		}
	}
	if len(targetGroupARNs(s)) > 0 && len(n.tgs) == 0 && n.metrics.err != nil {
		out = append(out, "", section(e, "Target groups"), "  "+st.Muted.Render("– "+metricErrText(n.metrics.err)))
	}
	return append(out, renderScaling(e, n, s, width)...)
}

func zeroWhere(spark []float64) []float64 {
	out := make([]float64, len(spark))
	for i, v := range spark {
		out[i] = math.NaN()
		if !math.IsNaN(v) {
			out[i] = 0
		}
	}
	return out
}

// numberWidth is the detail's value column ("1360/min", "28 ms", "5 %"):
// values right-aligned in it put every sparkline and range in one column.
const numberWidth = 9

// numberLine lays out one metric of the detail: the value right-aligned in
// its column, the sparkline (minutes without data dotted, so its hour is
// visible), then the range. A reading without a value says why in place of
// the range.
func numberLine(st *theme.Styles, r model.MetricReading, sw int, scale float64, value func(float64) string, lohi func(lo, hi float64) string, tone theme.Tone) string {
	line := sparkline(r.Spark, sw, scale)
	spark := detailSpark(st, line)
	if !r.OK {
		head := st.Muted.Render(padLeft("–", numberWidth))
		if strings.TrimSpace(line) == "" {
			return head + "  " + st.Muted.Render(clean(r.Reason))
		}
		return head + "  " + spark + "  " + st.Muted.Render(clean(r.Reason))
	}
	text := padLeft(value(r.Value), numberWidth)
	if tone != theme.ToneNone {
		text = st.Tone(tone).Render(text)
	}
	s := text + "  " + spark
	if lo, hi, ok := minMax(r.Spark); ok {
		s += st.Muted.Render("  " + lohi(lo, hi))
	}
	return s
}

// detailSpark dots a sparkline's minutes without data.
func detailSpark(st *theme.Styles, line string) string {
	if !strings.Contains(line, " ") {
		return line
	}
	var b strings.Builder
	for line != "" {
		data := strings.TrimLeft(line, " ")
		if gap := len(line) - len(data); gap > 0 {
			b.WriteString(st.Muted.Render(strings.Repeat("·", gap)))
		}
		i := strings.IndexByte(data, ' ')
		if i < 0 {
			i = len(data)
		}
		b.WriteString(data[:i])
		line = data[i:]
	}
	return b.String()
}

func padLeft(s string, w int) string {
	if n := w - len([]rune(s)); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

func minMax(spark []float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range spark {
		if !math.IsNaN(v) {
			lo, hi, ok = math.Min(lo, v), math.Max(hi, v), true
		}
	}
	return lo, hi, ok
}

func pctLine(st *theme.Styles, r model.MetricReading, sw int) string {
	return numberLine(st, r, sw, 100,
		func(v float64) string { return fmt.Sprintf("%.0f %%", v) },
		func(lo, hi float64) string { return fmt.Sprintf("%.0f–%.0f %%", lo, hi) },
		pctTone(r.Value))
}

func countLine(st *theme.Styles, r model.MetricReading, sw int, unit string) string {
	return numberLine(st, r, sw, 0,
		func(v float64) string { return humanCount(v) + unit },
		func(lo, hi float64) string { return humanCount(lo) + "–" + humanCount(hi) + unit },
		theme.ToneNone)
}

func msLine(st *theme.Styles, r model.MetricReading, sw int) string {
	return numberLine(st, r, sw, 0,
		func(v float64) string { return fmt.Sprintf("%.0f ms", v*1000) },
		func(lo, hi float64) string { return fmt.Sprintf("%.0f–%.0f ms", lo*1000, hi*1000) },
		theme.ToneNone)
}

func humanCount(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// renderScaling is the Application Auto Scaling section.
func renderScaling(e *env, n *serviceNumbers, s model.Service, width int) []string {
	st := e.st
	now := e.now()
	const lw = 15
	out := []string{"", section(e, "Auto scaling")}
	switch {
	case !n.scalingOK && n.scalingErr == nil:
		if _, ok := e.backend.(scalingBackend); !ok {
			return append(out, "  "+st.Muted.Render("– this connection cannot read Application Auto Scaling"))
		}
		return append(out, "  "+e.loading("autoscaling"))
	case n.scalingErr != nil && n.scaling == nil:
		return append(out, "  "+st.Warn.Render("– could not read Application Auto Scaling: "+clean(n.scalingErr.Error())))
	case n.scaling == nil || n.scaling.Target == nil:
		return append(out, "  "+st.Muted.Render("no scalable target: Application Auto Scaling does not manage this service's desired count"))
	}
	sc := n.scaling
	t := sc.Target
	target := fmt.Sprintf("min %d · max %d · desired %d", t.MinCapacity, t.MaxCapacity, s.DesiredCount)
	if s.DesiredCount > t.MaxCapacity || s.DesiredCount < t.MinCapacity {
		target += st.Warn.Render(fmt.Sprintf(" (outside the range: the autoscaler will set it to %d)", t.Clamp(s.DesiredCount)))
	}
	out = append(out, field(e, "Target", lw, target))
	susp := st.OK.Render("dynamic and scheduled scaling active")
	if t.Suspended.Any() {
		susp = st.Warn.Render(t.Suspended.String())
		if b := e.keys.Actions.ResumeScaling; (t.Suspended.DynamicScalingIn || t.Suspended.DynamicScalingOut) && b.Enabled() {
			susp += st.Muted.Render(" — " + b.Help().Key + ": resume")
		}
	}
	out = append(out, field(e, "Suspended", lw, susp))
	for _, p := range sc.Policies {
		out = append(out, field(e, "Policy", lw, clean(p.Name)+": "+policyText(p)))
	}
	if len(sc.Policies) == 0 {
		out = append(out, field(e, "Policy", lw, st.Muted.Render("none (nothing moves the count but scheduled actions)")))
	}
	out = append(out, scheduledLines(e, sc.Scheduled, now, lw)...)
	for i, a := range sc.Activities {
		label := ""
		if i == 0 {
			label = "Activities"
		}
		line := fmt.Sprintf("%4s ago  %s", age(now, a.Start), clean(strings.TrimSuffix(a.Description, ".")))
		if a.StatusCode != "" && a.StatusCode != model.ScalingActivitySuccessful {
			line += " " + st.Warn.Render("("+clean(a.StatusCode)+")")
		}
		out = append(out, field(e, label, lw, line))
		for _, l := range wrapWords("cause: "+clean(a.Cause), max(width-lw-8, 20)) {
			out = append(out, strings.Repeat(" ", lw+7)+st.Muted.Render(l))
		}
	}
	if len(sc.Activities) == 0 {
		out = append(out, field(e, "Activities", lw, st.Muted.Render("none recorded")))
	}
	return out
}

func policyText(p model.ScalingPolicy) string {
	switch {
	case p.TargetTracking != nil:
		tt := p.TargetTracking
		unit := ""
		if tt.PredefinedMetric == model.PredefinedECSCPU || tt.PredefinedMetric == model.PredefinedECSMemory {
			unit = " %"
		}
		s := fmt.Sprintf("target tracking, %s at %s%s (cooldowns: out %s, in %s)", clean(tt.MetricName()), trimFloat(tt.TargetValue), unit,
			shortDur(tt.ScaleOutCooldown), shortDur(tt.ScaleInCooldown))
		if tt.DisableScaleIn {
			s += ", never scales in"
		}
		return s
	case p.Step != nil:
		var steps []string
		for _, a := range p.Step.Steps {
			steps = append(steps, a.String())
		}
		alarms := "no alarm"
		if len(p.Alarms) > 0 {
			alarms = "alarms " + clean(strings.Join(p.Alarms, ", "))
		}
		return fmt.Sprintf("step scaling on %s: %s (%s, cooldown %s)", alarms, strings.Join(steps, " "), clean(p.Step.AdjustmentType), shortDur(p.Step.Cooldown))
	}
	return clean(p.Type)
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

func shortDur(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	return strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
}

// scheduledLines lists the scheduled actions, the next one first.
func scheduledLines(e *env, as []model.ScheduledAction, now time.Time, lw int) []string {
	type row struct {
		a    model.ScheduledAction
		next time.Time
		note string
	}
	var rows []row
	for _, a := range as {
		next, ok, err := a.Next(now)
		r := row{a: a, next: next}
		switch {
		case err != nil:
			r.note = "next run unknown: " + err.Error()
		case !ok:
			r.note = "no run left"
		}
		rows = append(rows, r)
	}
	slices.SortStableFunc(rows, func(x, y row) int {
		if x.next.IsZero() != y.next.IsZero() {
			if x.next.IsZero() {
				return 1
			}
			return -1
		}
		return x.next.Compare(y.next)
	})
	var out []string
	for i, r := range rows {
		var set []string
		if r.a.MinCapacity != nil {
			set = append(set, fmt.Sprintf("min %d", *r.a.MinCapacity))
		}
		if r.a.MaxCapacity != nil {
			set = append(set, fmt.Sprintf("max %d", *r.a.MaxCapacity))
		}
		when := r.note
		if when == "" {
			when = "next " + r.next.UTC().Format("Mon 2 Jan 15:04 UTC") + " (in " + until(now, r.next) + ")"
		}
		label := ""
		if i == 0 {
			label = "Scheduled"
		}
		line := fmt.Sprintf("%s %s → %s; %s", clean(r.a.Name), clean(r.a.Schedule), strings.Join(set, ", "), when)
		if i == 0 && r.note == "" {
			line = e.st.Info.Render(line)
		}
		out = append(out, field(e, label, lw, line))
	}
	return out
}

func until(now, t time.Time) string {
	d := t.Sub(now)
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// rowTrafficQueries are the ALB metrics of a port map row's target group.
func rowTrafficQueries(groups []model.TargetGroup, r model.PortMapRow) []model.MetricQuery {
	if r.TargetGroup == "" {
		return nil
	}
	for _, tg := range groups {
		if tg.Name == r.TargetGroup {
			var out []model.MetricQuery
			for _, set := range tgMetrics(tg) {
				out = append(out, set[:]...)
			}
			return out
		}
	}
	return nil
}

// tgTrafficLines are the port map's lines about its target groups'
// traffic: requests, target 5xx and response time now, in columns from one
// group to the next; 5xx are a warning, and bad from 5 % of the requests.
func tgTrafficLines(e *env, ms *metricStore, groups []model.TargetGroup, meta any, width int) []string {
	pm, ok := meta.(model.PortMap)
	if !ok {
		return nil
	}
	shown := map[string]bool{}
	for _, r := range pm.Rows {
		shown[r.TargetGroup] = true
	}
	nameWidth := 0
	for _, tg := range groups {
		if shown[tg.Name] {
			nameWidth = max(nameWidth, min(len([]rune(clean(tg.Name))), 32))
		}
	}
	st := e.st
	now := e.now()
	var out []string
	for _, tg := range groups {
		if !shown[tg.Name] {
			continue
		}
		for _, set := range tgMetrics(tg) {
			req := ms.reading(set[0], now, noTraffic)
			line := padRight(fitLine(clean(tg.Name), 32)+":", nameWidth+1) + " "
			if !req.OK {
				line += st.Muted.Render("– " + clean(req.Reason))
				out = append(out, fitLine(line, width))
				continue
			}
			errs := ms.reading(set[1], now, noRequestsBase)
			e5 := padLeft("0", 5) + "/min"
			if errs.OK {
				e5 = padLeft(humanCount(errs.Value), 5) + "/min"
				switch {
				case errs.Value > 0 && errs.Value >= 0.05*req.Value:
					e5 = st.Tone(theme.ToneBad).Render(e5)
				case errs.Value > 0:
					e5 = st.Tone(theme.ToneWarn).Render(e5)
				}
			}
			rt := ms.reading(set[2], now, noRequestsBase)
			rtText := "–"
			if rt.OK {
				rtText = fmt.Sprintf("%.0f ms", rt.Value*1000)
			}
			line += fmt.Sprintf("%s req/min · target 5xx %s · response %s  %s",
				padLeft(humanCount(req.Value), 6), e5, padLeft(rtText, 7), detailSpark(st, sparkline(req.Spark, 12, 0)))
			out = append(out, fitLine(line, width))
		}
	}
	return out
}

// strategyReservations are the CapacityProviderReservation metrics of the
// providers of a service's strategy that have managed scaling (or are not
// known yet: CloudWatch then says whether they publish one).
func strategyReservations(e *env, cluster string, s model.Service) []model.MetricQuery {
	var qs []model.MetricQuery
	for _, it := range s.CapacityProviderStrategy {
		if cp, ok := e.provider(it.CapacityProvider); ok && !cp.ManagedScaling.Enabled() {
			continue
		}
		if model.IsFargateProvider(it.CapacityProvider) {
			continue
		}
		qs = append(qs, model.ReservationMetric(model.ResourceID(cluster), it.CapacityProvider))
	}
	return qs
}

// providersText is the detail's Capacity field: per provider of the
// service's strategy, its managed scaling and CloudWatch's
// CapacityProviderReservation ("–" with the reason when it has none).
func providersText(e *env, n *serviceNumbers, cluster string, s model.Service, now time.Time) string {
	var parts []string
	for _, it := range s.CapacityProviderStrategy {
		name := it.CapacityProvider
		text := clean(name)
		cp, known := e.provider(name)
		switch {
		case model.IsFargateProvider(name):
			parts = append(parts, text)
			continue
		case known && !cp.ManagedScaling.Enabled():
			parts = append(parts, text+": managed scaling off")
			continue
		case known:
			text += fmt.Sprintf(": managed scaling target %d%%,", cp.ManagedScaling.Target())
		default:
			// The provider's settings are not read yet: "NAME: reservation…",
			// not "NAME:, reservation…".
			text += ":"
		}
		r := model.MetricReading{Reason: "loading"}
		if n != nil {
			r = n.metrics.reading(model.ReservationMetric(model.ResourceID(cluster), name), now, noReservation)
		}
		if r.OK {
			text += fmt.Sprintf(" reservation %.0f%% (CloudWatch, %s)", r.Value, r.At.UTC().Format("15:04"))
		} else {
			text += " reservation – (" + r.Reason + ")"
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, "; ")
}
