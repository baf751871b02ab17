package actions

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ecstui/ecstui/ui/page"
)

// host stands in for the UI root: it sizes the page, routes messages to it
// and quits when the page reports its outcome.
type host struct {
	p      page.Page
	status []string
}

func (h *host) Init() tea.Cmd { return h.p.Init() }

func (h *host) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch m := msg.(type) {
	case tea.WindowSizeMsg:
		h.p.SetSize(m.Width, m.Height)
		return h, nil
	case page.StatusMsg:
		h.status = append(h.status, m.Text)
		if len(m.Text) > 8 && (m.Text[:8] == "success:" || m.Text[:7] == "failed:") {
			return h, tea.Quit
		}
		return h, nil
	}
	var cmd tea.Cmd
	h.p, cmd = h.p.Update(msg)
	return h, cmd
}

func (h *host) View() tea.View { return tea.NewView(h.p.View()) }

// TestDeployInProgram runs the deploy dialog inside a real Bubble Tea
// program: the executor runs off the UI thread and its events arrive as
// messages until the outcome.
func TestDeployInProgram(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	api := newFake()
	h := &host{p: NewDeploy(deps(api), "demo", "auth")}
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(width, height))
	waitFor(t, tm, "image of web")
	tm.Send(keyMsg("ctrl+u"))
	tm.Type("nginx:1.27")
	tm.Send(keyMsg("enter"))
	waitFor(t, tm, "press y to apply")
	tm.Send(keyMsg("y"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*host)
	golden(t, "deploy_program_done", final.p)
	if len(api.mutations) != 2 {
		t.Errorf("mutations %v", api.mutations)
	}
}

func waitFor(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}
