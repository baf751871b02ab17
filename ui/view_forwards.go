package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

// forwardsPage lists the console's port forwards (:forwards): running ones
// first, each with its local port, where it goes and the plugin's last word;
// ctrl+d stops the selected one. Nothing here calls AWS: it redraws from the
// forwards themselves once a second while shown.

var forwardColumns = []table.Column{
	{Title: "LOCAL", Right: true},
	{Title: "TO", Flex: true, Max: 48},
	{Title: "TASK", Max: 12},
	{Title: "STATE"},
	{Title: "AGE", Right: true},
	{Title: "PLUGIN SAYS", Flex: true, Min: 10, Hide: 2},
}

type forwardsTickMsg struct{ id uint64 }

type forwardsPage struct {
	e             *env
	set           *forwardSet
	id            uint64
	tbl           *table.Model
	hidden        bool
	width, height int
}

func newForwardsPage(e *env, set *forwardSet) *forwardsPage {
	p := &forwardsPage{e: e, set: set, id: e.nextID(), tbl: table.New(e.st, &e.keys.Table, forwardColumns)}
	p.tbl.SetEmptyText("no port forwards: f on a task or container starts one")
	p.refresh()
	return p
}

func (p *forwardsPage) Init() tea.Cmd { return p.tick() }

func (p *forwardsPage) tick() tea.Cmd {
	id := p.id
	return p.e.tick(time.Second, func(time.Time) tea.Msg { return forwardsTickMsg{id: id} })
}

func (p *forwardsPage) Title() string { return "forwards" }

func (p *forwardsPage) SetSize(w, h int) { p.width, p.height = w, h; p.tbl.SetSize(w, h) }

func (p *forwardsPage) Close() {}

func (p *forwardsPage) Hidden() { p.hidden = true }

func (p *forwardsPage) Shown() tea.Cmd { p.hidden = false; p.refresh(); return p.tick() }

func (p *forwardsPage) KeyHelp() []key.Binding {
	return []key.Binding{p.e.keys.Sessions.StopForward, p.e.keys.Back}
}

func (p *forwardsPage) View() string { return p.tbl.View() }

func (p *forwardsPage) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	switch m := msg.(type) {
	case forwardsTickMsg:
		if m.id != p.id || p.hidden {
			return p, nil
		}
		p.refresh()
		return p, p.tick()
	case tea.KeyPressMsg:
		if key.Matches(m, p.e.keys.Sessions.StopForward) {
			row, ok := p.tbl.SelectedRow()
			if !ok {
				return p, nil
			}
			f := p.set.find(row.ID)
			if f == nil || !f.State().Running {
				return p, page.Status("that forward has already ended", true)
			}
			f.Stop()
			return p, page.Status(fmt.Sprintf("stopping the forward on 127.0.0.1:%d", f.LocalPort), false)
		}
		if p.tbl.Update(m) {
			return p, nil
		}
	}
	return p, nil
}

func (p *forwardsPage) refresh() {
	now := p.e.now()
	fws := p.set.snapshot()
	rows := make([]table.Row, 0, len(fws))
	for _, f := range fws {
		rows = append(rows, forwardRow(f, f.State(), now))
	}
	p.tbl.SetRows(rows)
}

func forwardRow(f *ops.Forward, st ops.ForwardState, now time.Time) table.Row {
	state := table.Cell{Text: "running", Tone: theme.ToneOK}
	if !st.Running {
		state = table.Cell{Text: "ended (exit " + strconv.Itoa(st.Exit) + ")", Tone: theme.ToneMuted}
		if st.Exit != 0 {
			state.Tone = theme.ToneBad
		}
	}
	said := ""
	if n := len(st.Output); n > 0 {
		said = st.Output[n-1]
	}
	return table.Row{ID: f.ID, Cells: []table.Cell{
		{Text: "127.0.0.1:" + strconv.Itoa(f.LocalPort), Sort: fmt.Sprintf("%05d", f.LocalPort)},
		{Text: clean(forwardTarget(f.Plan))},
		{Text: clean(shortID(model.ResourceID(f.Plan.Facts.Task.ID)))},
		state,
		{Text: age(now, f.Started), Sort: ageSort(now, f.Started)},
		{Text: clean(strings.TrimSpace(said))},
	}}
}
