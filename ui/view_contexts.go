package ui

import (
	"regexp"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

var contextColumns = []table.Column{
	{Title: "", Min: 1},
	{Title: "NAME", Max: 30},
	{Title: "PROFILE", Max: 30},
	{Title: "REGION"},
	{Title: "CLUSTER", Max: 30},
	{Title: "MODE"},
	{Title: "ENDPOINT", Flex: true, Hide: 2},
}

// contextsPage lists the configured contexts; enter switches to one without
// restarting (the root connects off the UI thread, then rebuilds the stack).
// It needs no backend, so it works while disconnected.
type contextsPage struct {
	r      *root
	tbl    *table.Model
	filter string
}

func newContextsPage(r *root) *contextsPage {
	p := &contextsPage{r: r, tbl: table.New(r.st, &r.keys.Table, contextColumns)}
	p.tbl.SetEmptyText("no contexts configured")
	rows := make([]table.Row, len(r.d.Contexts))
	for i, c := range r.d.Contexts {
		mark := table.Cell{Text: " "}
		if i == r.ctxIdx {
			mark = table.Cell{Text: "*", Tone: theme.ToneOK}
		}
		mode := table.Cell{Text: "read-write"}
		if r.d.ReadOnly || c.ReadOnly {
			mode = table.Cell{Text: "read-only", Tone: theme.ToneWarn}
		}
		if c.Production {
			mode.Text += ",production"
			mode.Tone = theme.ToneBad
		}
		rows[i] = table.Row{ID: c.Name, Cells: []table.Cell{
			mark, {Text: clean(c.Name)}, {Text: clean(orDash(c.Profile))}, {Text: clean(orDash(c.Region))},
			{Text: clean(orDash(c.Cluster))}, mode, {Text: clean(orDash(c.EndpointURL))},
		}}
	}
	p.tbl.SetRows(rows)
	if r.ctxIdx < len(r.d.Contexts) {
		p.tbl.Select(r.d.Contexts[r.ctxIdx].Name)
	}
	return p
}

func (p *contextsPage) Init() tea.Cmd { return nil }

func (p *contextsPage) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	if p.tbl.Update(k) {
		return p, nil
	}
	if key.Matches(k, p.r.keys.Enter) {
		if i := p.tbl.SelectedIndex(); i >= 0 {
			return p, func() tea.Msg { return switchContextMsg{idx: i} }
		}
	}
	return p, nil
}

func (p *contextsPage) View() string     { return p.tbl.View() }
func (p *contextsPage) SetSize(w, h int) { p.tbl.SetSize(w, h) }
func (p *contextsPage) Title() string    { return "contexts" }
func (p *contextsPage) KeyHelp() []key.Binding {
	return []key.Binding{withDesc(p.r.keys.Enter, "switch")}
}
func (p *contextsPage) Close()             {}
func (p *contextsPage) TableKeys() bool    { return true }
func (p *contextsPage) FilterText() string { return p.filter }
func (p *contextsPage) Counts() (int, int) { return p.tbl.Len(), p.tbl.Total() }
func (p *contextsPage) CopyText() (string, bool) {
	r, ok := p.tbl.SelectedRow()
	return r.ID, ok
}

func (p *contextsPage) SetFilter(text string, re *regexp.Regexp, invert bool) {
	p.filter = text
	p.tbl.SetFilter(re, invert)
}

// withDesc is b with another help description.
func withDesc(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}
