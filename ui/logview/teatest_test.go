package logview

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ecstui/ecstui/logs"
	"github.com/ecstui/ecstui/ui/page"
)

// host runs a page as a whole program, as the UI root does.
type host struct{ p page.Page }

func (h host) Init() tea.Cmd { return h.p.Init() }

func (h host) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.p.SetSize(msg.Width, msg.Height)
		return h, nil
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" {
			return h, tea.Quit
		}
	}
	var cmd tea.Cmd
	h.p, cmd = h.p.Update(msg)
	return h, cmd
}

func (h host) View() tea.View { return tea.NewView(h.p.View()) }

// TestViewerInAProgram runs the viewer in a real Bubble Tea program (teatest):
// lines written while it runs appear, a search highlights, pause holds.
func TestViewerInAProgram(t *testing.T) {
	f := newFake()
	tasks := f.addService("web", 2, "app")
	f.write("ecs/app/"+tasks[0].ID, t0, "first line")
	d := deps(f, t.TempDir())
	d.FrameInterval = 20 * time.Millisecond
	p := New(d, logs.Target{Cluster: "prod", Service: "web"})
	defer p.Close()
	tm := teatest.NewTestModel(t, host{p}, teatest.WithInitialTermSize(220, 10))
	has := func(s string) func([]byte) bool {
		return func(b []byte) bool { return bytes.Contains(b, []byte(s)) }
	}
	wait := func(s string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), has(s), teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("first line")
	f.write("ecs/app/"+tasks[1].ID, t0.Add(time.Second), "second line from the other task")
	wait("second line from the other task")
	tm.Type("/other")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	wait("/other: 1 match")
	tm.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	wait("PAUSED")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
