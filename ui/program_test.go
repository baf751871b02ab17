package ui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestInProgram runs the console in a real Bubble Tea program (teatest v2):
// connect and fetch off the UI thread, drill down, open the port map, quit.
func TestInProgram(t *testing.T) {
	m, err := New(defaultDeps(fixtureBackend()))
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 35))
	wait := func(s string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
			teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("staging")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	wait("IN_PROGRESS")
	tm.Type(":ports")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	wait("rollout blocked")
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*root)
	if got := final.top().Title(); got != "ports(prod)" {
		t.Fatalf("final page %q", got)
	}
}
