package ui

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

// The pulse page: what is broken right now, in every cluster of every
// context, most severe first, one line per finding with where it is, what,
// since when, how long the line has shown and how old its data is, and the
// one action that fits on enter. Lines that clear disappear.

var pulseColumns = []table.Column{
	{Title: "SEV"},
	{Title: "CONTEXT", Max: 16, Hide: 6},
	{Title: "REGION", Max: 14, Hide: 9},
	{Title: "CLUSTER", Max: 20, Hide: 5},
	{Title: "SERVICE", Max: 24},
	// A Want, so a finding short enough to fit a wide screen does not hide
	// every other column to show in full (the selected line shows in full
	// under the table anyway).
	{Title: "WHAT", Flex: true, Min: 24, Want: 24},
	{Title: "SINCE", Right: true, Hide: 3},
	{Title: "SHOWN", Right: true, Hide: 8},
	{Title: "DATA", Right: true, Hide: 7},
	{Title: "ACTION", Hide: 4},
}

func severityCell(s model.Severity) table.Cell {
	switch s {
	case model.SeverityCritical:
		return table.Cell{Text: "✗", Tone: theme.ToneBad, Sort: "0"}
	case model.SeverityWarning:
		return table.Cell{Text: "▲", Tone: theme.ToneWarn, Sort: "1"}
	}
	return table.Cell{Text: "·", Tone: theme.ToneInfo, Sort: "2"}
}

// sinceCell is how long ago the condition began; "≥" when only the pulse's
// first sight of it is known, "-" on that first sight.
func sinceCell(now time.Time, f model.Finding) table.Cell {
	if f.Since.IsZero() || (f.Observed && !f.Since.Before(f.DataAt)) {
		return table.Cell{Text: "-", Sort: ageSort(now, time.Time{})}
	}
	text := age(now, f.Since)
	if f.Observed {
		text = "≥" + text
	}
	return table.Cell{Text: text, Sort: ageSort(now, f.Since)}
}

func pulseRow(now time.Time, interval time.Duration, f model.Finding) table.Row {
	data := table.Cell{Text: age(now, f.DataAt), Sort: ageSort(now, f.DataAt)}
	if now.Sub(f.DataAt) > 3*interval {
		data.Tone = theme.ToneWarn // older than a few refreshes: the budget is stretched
	}
	return table.Row{ID: f.Key(), Cells: []table.Cell{
		severityCell(f.Severity),
		{Text: clean(f.Context)},
		{Text: clean(f.Region)},
		{Text: clean(f.Cluster)},
		{Text: clean(orDash(f.Service))},
		{Text: clean(f.What)},
		sinceCell(now, f),
		{Text: age(now, f.FirstSeen), Sort: ageSort(now, f.FirstSeen)},
		data,
		{Text: f.Action.Label(), Tone: theme.ToneMuted},
	}}
}

// pulsePage shows the pulse hub's findings.
type pulsePage struct {
	env      *env
	hub      *pulseHub
	tbl      *table.Model
	findings []model.Finding // in table row order (before filter and sort)
	width    int
	height   int
	filter   string
	visible  bool
}

func newPulsePage(e *env, h *pulseHub) *pulsePage {
	p := &pulsePage{env: e, hub: h, visible: true}
	p.tbl = table.New(e.st, &e.keys.Table, pulseColumns)
	p.tbl.SetEmptyText("")
	return p
}

func (p *pulsePage) Init() tea.Cmd {
	p.rebuild()
	return p.hub.show()
}

func (p *pulsePage) rebuild() {
	now := p.env.now()
	p.findings = p.hub.findings()
	rows := make([]table.Row, len(p.findings))
	for i, f := range p.findings {
		rows[i] = pulseRow(now, p.env.interval, f)
	}
	p.tbl.SetRows(rows)
	p.SetSize(p.width, p.height)
}

func (p *pulsePage) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case fetchedMsg, pulseConnectedMsg:
		p.rebuild()
	case tea.KeyPressMsg:
		if p.tbl.Update(msg) {
			return nil, nil
		}
		if key.Matches(msg, p.env.keys.Enter) {
			if f, ok := p.selected(); ok {
				return nil, p.act(f)
			}
		}
	}
	return nil, nil
}

func (p *pulsePage) selected() (model.Finding, bool) {
	r, ok := p.tbl.SelectedRow()
	if !ok {
		return model.Finding{}, false
	}
	for _, f := range p.findings {
		if f.Key() == r.ID {
			return f, true
		}
	}
	return model.Finding{}, false
}

// act does a line's action: in the current context it opens the page;
// in another it switches context first.
func (p *pulsePage) act(f model.Finding) tea.Cmd {
	open := func(r *root) tea.Cmd { return r.pulseAction(f) }
	if f.Context == p.env.conn.Name {
		return func() tea.Msg { return pulseActionMsg{f: f} }
	}
	for _, s := range p.hub.sources {
		if s.ctx.Name == f.Context {
			idx := p.hub.r.contextIndex(s.ctx)
			return func() tea.Msg { return switchContextMsg{idx: idx, then: open} }
		}
	}
	return page.Status("no context named "+clean(f.Context), true)
}

// pulseActionMsg asks the root to do a pulse line's action in the current context.
type pulseActionMsg struct{ f model.Finding }

// pulseAction opens what a finding's action names, in the current context.
func (r *root) pulseAction(f model.Finding) tea.Cmd {
	e, a := r.env, f.Action
	switch a.Kind {
	case model.ActOpenService:
		return r.push(newServiceDetailPage(e, a.Cluster, a.Service))
	case model.ActStoppedTask:
		sp := newStoppedPage(e, a.Cluster, a.Service)
		sp.selectARN = a.TaskARN
		return r.push(sp)
	case model.ActPortMap:
		return r.push(newPortMapPage(e, portScope{cluster: a.Cluster, service: a.Service}))
	case model.ActInstance:
		if a.InstanceARN == "" {
			return r.push(newInstancesPage(e, a.Cluster))
		}
		return r.push(newInstancesPageSelect(e, a.Cluster, a.InstanceARN))
	case model.ActLogs:
		t := logTarget{Cluster: a.Cluster, Service: a.Service, TaskID: model.ResourceID(a.TaskARN)}
		if !a.At.IsZero() {
			t.Since = max(e.now().Sub(a.At), 0) + logsBeforeStop
		}
		return r.openLogs(t)
	}
	return r.flash("nothing to open for this line", true)
}

func (p *pulsePage) headerLines() []string {
	st := p.hub.status()
	now := p.env.now()
	var crit, warn, info int
	for _, f := range p.findings {
		switch f.Severity {
		case model.SeverityCritical:
			crit++
		case model.SeverityWarning:
			warn++
		default:
			info++
		}
	}
	s := p.env.st
	var parts []string
	if crit > 0 {
		parts = append(parts, s.Bad.Render(fmt.Sprintf("✗ %d critical", crit)))
	}
	if warn > 0 {
		parts = append(parts, s.Warn.Render(fmt.Sprintf("▲ %d warning", warn)))
	}
	if info > 0 {
		parts = append(parts, s.Info.Render(fmt.Sprintf("· %d info", info)))
	}
	scope := howMany(st.clusters, "cluster") + " in " + howMany(st.contexts, "context")
	if st.loaded < st.clusters {
		scope = fmt.Sprintf("%d of %s read, %s", st.loaded, howMany(st.clusters, "cluster"), howMany(st.contexts, "context"))
	}
	if !st.oldest.IsZero() {
		scope += " · oldest data " + age(now, st.oldest)
	}
	if st.connecting > 0 {
		scope += fmt.Sprintf(" · connecting %d", st.connecting)
	}
	line := strings.Join(parts, "  ")
	if line != "" {
		line += "   "
	}
	out := []string{fitLine(line+s.Muted.Render(scope), p.width)}
	if len(st.problems) > 0 {
		msg := st.problems[0]
		if n := len(st.problems); n > 1 {
			msg += fmt.Sprintf(" (and %d more)", n-1)
		}
		out = append(out, s.Warn.Render(fitLine("cannot read "+clean(msg), p.width)))
	}
	return out
}

func (p *pulsePage) View() string {
	st := p.hub.status()
	head := p.headerLines()
	if len(p.findings) == 0 {
		var body string
		switch {
		case st.loaded == 0 && len(st.problems) > 0 && st.connecting == 0:
			// Not loading: failing. A spinner here would look like patience.
			body = p.env.st.Warn.Render("nothing read yet: the reads above fail; the pulse tries again on its own (" +
				p.env.keys.Refresh.Help().Key + ": now)")
		case st.clusters == 0 || st.loaded < st.clusters:
			body = p.env.loading("the pulse of every cluster")
		default:
			body = p.env.st.OK.Render("✓ nothing wrong in " + howMany(st.clusters, "cluster") + " across " + howMany(st.contexts, "context"))
		}
		return joinBody(head, body, p.height)
	}
	return joinBody(head, p.tbl.View()+p.selectedDetail(), p.height)
}

// howMany is "1 cluster", "2 clusters".
func howMany(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// pulseDetailLines is the room under the table for the selected line's
// finding in full: a WHAT column cut to "ECS agent on i-0a95e70a5165…" does
// not say what to do. The room stays while the cursor moves (no jumps).
const pulseDetailLines = 3

// detailLines is how many lines the selected finding's text takes under the
// table: none on a screen too short to spare them.
func (p *pulsePage) detailLines() int {
	if p.height-len(p.headerLines()) < 10 {
		return 0
	}
	return pulseDetailLines
}

// selectedDetail is the selected finding where it is and what it is, word
// wrapped, under a blank line; "" when there is no room or no selection.
func (p *pulsePage) selectedDetail() string {
	n := p.detailLines()
	if n == 0 {
		return ""
	}
	f, ok := p.selected()
	if !ok {
		return strings.Repeat("\n", n)
	}
	where := []string{clean(f.Context), clean(f.Cluster)}
	if f.Service != "" {
		where = append(where, clean(f.Service))
	}
	st := p.env.st
	text := clean(f.What)
	if label := f.Action.Label(); label != "" {
		text += " (enter: " + label + ")"
	}
	wrapped := strings.Split(ansi.Wrap(strings.Join(where, "/")+": "+text, max(p.width-2, 1), ""), "\n")
	if len(wrapped) > n-1 {
		wrapped = wrapped[:n-1]
		wrapped[n-2] = fitLine(wrapped[n-2]+" …", p.width-2)
	}
	out := "\n"
	for i := range n - 1 {
		out += "\n"
		switch {
		case i == 0:
			out += st.Tone(severityCell(f.Severity).Tone).Render("▸") + " " + wrapped[i]
		case i < len(wrapped):
			out += "  " + wrapped[i]
		}
	}
	return out
}

func (p *pulsePage) SetSize(w, h int) {
	p.width, p.height = w, h
	p.tbl.SetSize(w, max(h-len(p.headerLines())-p.detailLines(), 0))
}

func (p *pulsePage) Title() string { return "pulse" }

func (p *pulsePage) KeyHelp() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys(p.env.keys.Enter.Keys()...), key.WithHelp(p.env.keys.Enter.Help().Key, "act on the line"))}
}

func (p *pulsePage) Close() {
	p.visible = false
	p.hub.hide()
}

// Capabilities used by the root.

func (p *pulsePage) Refresh() tea.Cmd { return p.hub.refresh() }
func (p *pulsePage) RefreshState() refreshState {
	st := p.hub.status()
	return refreshState{Loaded: st.loaded > 0, Busy: p.visible && p.hub.busy(), LastOK: st.newest, Oldest: st.oldest}
}
func (p *pulsePage) Shown() tea.Cmd {
	p.visible = true
	p.rebuild()
	return p.hub.show()
}
func (p *pulsePage) Hidden() {
	p.visible = false
	p.hub.hide()
}
func (p *pulsePage) TableKeys() bool            { return true }
func (p *pulsePage) Counts() (shown, total int) { return p.tbl.Len(), p.tbl.Total() }
func (p *pulsePage) FilterText() string         { return p.filter }
func (p *pulsePage) SetFilter(text string, re *regexp.Regexp, invert bool) {
	p.filter = text
	p.tbl.SetFilter(re, invert)
}
func (p *pulsePage) CopyText() (string, bool) {
	f, ok := p.selected()
	if !ok {
		return "", false
	}
	return fmt.Sprintf("%s %s/%s/%s %s: %s", f.Severity, f.Context, f.Cluster, f.Service, f.Kind, f.What), true
}
