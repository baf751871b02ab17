package ui

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/opstest"
)

// TestExecInProgram runs exec in a real Bubble Tea program with the real
// tea.ExecProcess: the console releases the terminal to the (fake) plugin,
// which prints its banner and exits 3, and the console comes back and says so.
func TestExecInProgram(t *testing.T) {
	fp := opstest.WriteFakePlugin(t, "1.2.650.0", 3)
	fp.OnPath(t)
	client, _ := awstest.Start(t, sim.NewDemo(1))
	m, err := New(Deps{
		Contexts: []Context{{Name: "demo", Region: awstest.Region}},
		Connect:  func(context.Context, Context) (Backend, error) { return client, nil },
		Journal:  &ops.Journal{Path: filepath.Join(t.TempDir(), "journal.jsonl")},
	})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 35))
	wait := func(s string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
			teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("playground")
	tm.Type(":tasks auth")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	wait("auth:2")
	tm.Type("x")
	wait("fake plugin banner: connected") // the plugin had the terminal
	wait("ended (exit 3)")                // and the console is back
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*root)
	if p, ok := final.top().(*sessionPage); !ok || p.stage != stageEnded {
		t.Fatalf("final page %T", final.top())
	}
	if args := fp.Args(t); len(args) != 6 {
		t.Fatalf("plugin args %q", args)
	}
}
