package ui

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/opstest"
)

// suspension records what the console handed the terminal to: the
// process runs (the fake plugin), then the callback brings the console back,
// as tea.ExecProcess does.
type suspension struct {
	cmds []*exec.Cmd
}

func (s *suspension) execProcess(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
	s.cmds = append(s.cmds, c)
	return func() tea.Msg { return fn(c.Run()) }
}

func sessionHarness(t *testing.T, ctx Context, o awstest.Options) (*harness, *suspension, *wire.Server, *ops.Journal) {
	t.Helper()
	client, srv := awstest.StartWith(t, sim.NewDemo(1), o)
	j := &ops.Journal{Path: filepath.Join(t.TempDir(), "journal.jsonl")}
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{ctx}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = nil
		d.Journal = j
	})
	s := &suspension{}
	h.r.execProcess = s.execProcess
	if h.r.env != nil && h.r.env.sessions != nil {
		h.r.env.sessions.execProcess = s.execProcess
	}
	return h, s, srv, j
}

func TestExecSuspendsAndRestoresTheConsole(t *testing.T) {
	for _, exit := range []int{0, 4} {
		fp := opstest.WriteFakePlugin(t, "1.2.650.0", exit)
		fp.OnPath(t)
		h, s, srv, j := sessionHarness(t, Context{Name: "demo", Region: awstest.Region}, awstest.Options{})
		h.keys(":tasks auth", "enter")
		before := h.crumbs()
		h.keys("x")
		if len(s.cmds) != 1 {
			t.Fatalf("exit %d: the console did not hand the terminal to the plugin (%d processes):\n%s", exit, len(s.cmds), h.screen())
		}
		c := s.cmds[0]
		if c.Path != fp.Path || len(c.Args) != 7 || c.Args[1] != "AWS_SSM_START_SESSION_RESPONSE" || c.Args[3] != "StartSession" ||
			!strings.HasPrefix(c.Args[5], `{"Target":"ecs:playground_`) {
			t.Fatalf("plugin command %q %q", c.Path, c.Args)
		}
		if got := fp.Args(t); len(got) != 6 {
			t.Fatalf("the plugin did not run: %q", got)
		}
		// Restored: the same stack plus the session page, which says how
		// the session ended.
		if want := before + " > exec(" + shortID(h.r.top().(*sessionPage).task.ID) + "/auth)"; h.crumbs() != want {
			t.Fatalf("stack %q, want %q", h.crumbs(), want)
		}
		wantEnd := "ended (exit " + string(rune('0'+exit)) + ")"
		h.contains(wantEnd)
		if !strings.Contains(h.statusLine(), wantEnd) {
			t.Errorf("status %q", h.statusLine())
		}
		if srv.Calls("ecs:ExecuteCommand") != 1 {
			t.Errorf("ExecuteCommand calls %d", srv.Calls("ecs:ExecuteCommand"))
		}
		es, err := j.Read()
		if err != nil || len(es) != 2 || es[0].Action != ops.ActionExec || es[0].User == "" {
			t.Fatalf("journal %+v %v", es, err)
		}
		// Enter checks again and reconnects.
		h.keys("enter")
		if len(s.cmds) != 2 {
			t.Fatalf("enter did not reconnect")
		}
		h.keys("esc")
		if h.crumbs() != before {
			t.Fatalf("esc: stack %q", h.crumbs())
		}
	}
}

func TestExecNotReadyShowsTheCheck(t *testing.T) {
	noPluginDir := t.TempDir()
	t.Setenv("PATH", noPluginDir)
	h, s, srv, _ := sessionHarness(t, Context{Name: "demo", Region: awstest.Region}, awstest.Options{})
	h.keys(":tasks auth", "enter", "x")
	h.contains("missing session-manager-plugin")
	h.contains("fix: install the Session Manager plugin (macOS: brew install --cask")
	h.contains("Not ready: fix the missing items above")
	if len(s.cmds) != 0 || srv.Calls("ecs:ExecuteCommand") != 0 {
		t.Fatalf("a session was attempted: %d processes, %d calls", len(s.cmds), srv.Calls("ecs:ExecuteCommand"))
	}

	h.keys("esc", "esc", ":tasks random", "enter", "X")
	h.contains("missing exec enabled on service random")
	h.contains("fix: aws ecs update-service --cluster playground --service random --enable-execute-command")
	h.contains("random:1 has no task role")
}

func TestExecCheckThenConnect(t *testing.T) {
	opstest.WriteFakePlugin(t, "1.2.650.0", 0).OnPath(t)
	h, s, _, _ := sessionHarness(t, Context{Name: "demo", Region: awstest.Region}, awstest.Options{})
	h.keys(":tasks auth", "enter", "X")
	h.contains("Ready: enter opens a shell (/bin/sh).")
	if len(s.cmds) != 0 {
		t.Fatal("X opened a session")
	}
	h.keys("enter")
	if len(s.cmds) != 1 {
		t.Fatal("enter after the check did not connect")
	}
}

func TestExecInProductionNeedsTheTypedName(t *testing.T) {
	opstest.WriteFakePlugin(t, "1.2.650.0", 0).OnPath(t)
	h, s, _, _ := sessionHarness(t, Context{Name: "demo", Region: awstest.Region, Production: true}, awstest.Options{})
	h.keys(":tasks auth", "enter", "x")
	h.contains("type auth and enter to open the session")
	h.keys("aut", "enter")
	if len(s.cmds) != 0 {
		t.Fatal("a wrong name opened the session")
	}
	h.keys("h", "enter")
	if len(s.cmds) != 1 {
		t.Fatalf("the typed name did not open the session:\n%s", h.screen())
	}
}

func TestExecInReadOnly(t *testing.T) {
	opstest.WriteFakePlugin(t, "1.2.650.0", 0).OnPath(t)
	for _, allow := range []bool{false, true} {
		ctx := Context{Name: "demo", Region: awstest.Region, ReadOnly: true, AllowExecInReadOnly: allow}
		h, s, srv, _ := sessionHarness(t, ctx, awstest.Options{ReadOnly: true, Client: func(c *aws.Config) { c.AllowExecInReadOnly = allow }})
		h.keys(":tasks auth", "enter")
		if got := strings.Contains(h.screen(), "exec shell"); got != allow {
			t.Errorf("allow=%v: exec key in the help = %v", allow, got)
		}
		h.keys("x")
		if got := len(s.cmds); got != map[bool]int{false: 0, true: 1}[allow] {
			t.Fatalf("allow=%v: %d sessions", allow, got)
		}
		if !allow {
			h.keys("X")
			h.contains("ok      exec enabled on the task")
			h.contains("read-only")
			if srv.MutatingCalls() != 0 {
				t.Fatalf("read-only sent %d mutating calls", srv.MutatingCalls())
			}
		}
	}
}

func TestPortForwardFromTheConsole(t *testing.T) {
	fp := opstest.WriteFakePlugin(t, "1.2.650.0", 0)
	fp.OnPath(t)
	h, s, srv, _ := sessionHarness(t, Context{Name: "demo", Region: awstest.Region}, awstest.Options{})
	h.keys(":tasks auth", "enter", "f")
	h.contains("remote port  10080")
	h.keys("tab", "15999", "enter")
	if len(s.cmds) != 0 {
		t.Fatal("a forward took the terminal")
	}
	if srv.Calls("ssm:StartSession") != 1 {
		t.Fatalf("StartSession calls %d:\n%s", srv.Calls("ssm:StartSession"), h.screen())
	}
	h.contains("forwarding 127.0.0.1:15999 → auth:10080")
	fws := h.r.forwards.snapshot()
	if len(fws) != 1 {
		t.Fatalf("%d forwards", len(fws))
	}
	<-fws[0].Done()
	if args := fp.Args(t); len(args) != 6 || !strings.Contains(args[4], `"DocumentName":"AWS-StartPortForwardingSession"`) ||
		!strings.Contains(args[4], `"localPortNumber":["15999"]`) {
		t.Fatalf("plugin args %q", args)
	}
	h.keys(":forwards", "enter")
	h.contains("127.0.0.1:15999")
	h.contains("ended (exit 0)")
	h.contains("fake plugin banner: connected")
}
