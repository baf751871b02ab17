package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/opstest"
)

type sessionHarness struct {
	srv      *wire.Server
	sess     Session
	out, err bytes.Buffer
	in       string
	tty      bool
	tasks    map[string]model.Task // by service
}

func newSessionHarness(t *testing.T, readOnly, allowExec bool) *sessionHarness {
	t.Helper()
	client, srv := awstest.StartWith(t, sim.NewDemo(1), awstest.Options{ReadOnly: readOnly, Client: func(c *aws.Config) { c.AllowExecInReadOnly = allowExec }})
	h := &sessionHarness{srv: srv, tasks: map[string]model.Task{}, sess: Session{
		API: client, Sessions: client, Context: "demo", ReadOnly: readOnly, AllowExecInReadOnly: allowExec, ExecCommand: "/bin/sh",
		Journal: &ops.Journal{Path: filepath.Join(t.TempDir(), "journal.jsonl")},
	}}
	for _, svc := range []string{"auth", "random"} {
		ts, _, err := client.Tasks(context.Background(), "playground", model.TaskFilter{ServiceName: svc}, nil)
		if err != nil || len(ts) == 0 {
			t.Fatalf("%s tasks: %v", svc, err)
		}
		h.tasks[svc] = ts[0]
	}
	return h
}

func (h *sessionHarness) run(args ...string) error {
	h.out.Reset()
	h.err.Reset()
	s := h.sess
	env := &Env{
		Session: func(context.Context) (*Session, error) { return &s, nil },
		In:      strings.NewReader(h.in), Out: &h.out, Err: &h.err,
		IsTTY: func() bool { return h.tty }, JSON: func() bool { return s.JSON }, Journal: s.Journal,
		PluginTerminal: &Terminal{In: strings.NewReader(""), Out: &h.out, Err: &h.err},
	}
	root := &cobra.Command{Use: "ecstui", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(Commands(env)...)
	root.SetArgs(args)
	return root.Execute()
}

func exitCodeOf(err error) int {
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if err != nil {
		return -1
	}
	return 0
}

// noPlugin leaves only an empty directory on PATH.
func noPlugin(t *testing.T) { t.Setenv("PATH", t.TempDir()) }

func TestExecCheck(t *testing.T) {
	fp := opstest.WriteFakePlugin(t, "1.2.650.0", 0)
	fp.OnPath(t)
	h := newSessionHarness(t, false, false)

	err := h.run("exec", "--cluster", "playground", "--task", h.tasks["auth"].ID, "--check")
	if exitCodeOf(err) != 0 || !strings.Contains(h.out.String(), "Ready.") || !strings.Contains(h.out.String(), "(version 1.2.650.0)") {
		t.Fatalf("auth check: %v\n%s", err, h.out.String())
	}
	err = h.run("exec", "--cluster", "playground", "--task", h.tasks["random"].ID, "--check")
	out := h.out.String()
	if exitCodeOf(err) != 1 || !strings.Contains(out, "missing exec enabled on service random") ||
		!strings.Contains(out, "fix: aws ecs update-service --cluster playground --service random --enable-execute-command --force-new-deployment") ||
		!strings.Contains(out, "random:1 has no task role") {
		t.Fatalf("random check: %v\n%s", err, out)
	}
	h.sess.JSON = true
	err = h.run("exec", "--cluster", "playground", "--task", h.tasks["random"].ID, "--check")
	var doc struct {
		Ready bool
		Lines []ops.CheckLine
	}
	if jerr := json.Unmarshal(h.out.Bytes(), &doc); jerr != nil || doc.Ready || len(doc.Lines) < 8 || exitCodeOf(err) != 1 {
		t.Fatalf("json check: %v %v\n%s", err, jerr, h.out.String())
	}
	if h.srv.Calls("ecs:ExecuteCommand") != 0 {
		t.Fatal("--check called ExecuteCommand")
	}
}

func TestExecRunsThePluginAndReturnsItsExitCode(t *testing.T) {
	fp := opstest.WriteFakePlugin(t, "1.2.650.0", 5)
	fp.OnPath(t)
	h := newSessionHarness(t, false, false)
	task := h.tasks["auth"]
	err := h.run("exec", "--cluster", "playground", "--task", task.ID, "--", "/bin/bash", "-l")
	if exitCodeOf(err) != 5 {
		t.Fatalf("exit %d (%v), want the plugin's 5; stderr:\n%s", exitCodeOf(err), err, h.err.String())
	}
	if !strings.Contains(h.out.String(), "fake plugin banner: connected") {
		t.Fatalf("the plugin's output did not reach stdout: %q", h.out.String())
	}
	args := fp.Args(t)
	if len(args) != 6 || args[0] != "AWS_SSM_START_SESSION_RESPONSE" || args[2] != "StartSession" ||
		args[4] != `{"Target":"ecs:playground_`+task.ID+`_`+task.Containers[0].RuntimeID+`"}` {
		t.Fatalf("plugin args %q", args)
	}
	es, _ := h.sess.Journal.Read()
	if len(es) != 2 || !strings.Contains(es[0].Plan, `exec "/bin/bash -l" in auth`) || es[1].Outcome != ops.OutcomeFailed || !strings.Contains(es[1].Message, "exit 5") {
		t.Fatalf("journal %+v", es)
	}
}

func TestExecRefusals(t *testing.T) {
	tests := []struct {
		name            string
		plugin          bool
		readOnly, allow bool
		prod            bool
		args            []string
		service         string
		code            int
		errHas          string
		execCalls       int
	}{
		{name: "no plugin", service: "auth", code: 3, errHas: "install the Session Manager plugin"},
		{name: "not ready", plugin: true, service: "random", code: 3, errHas: "exec refused: not ready: 3 item(s) missing"},
		{name: "read-only", plugin: true, readOnly: true, service: "auth", code: 3, errHas: "allowExecInReadOnly"},
		{name: "read-only on a task not ready", plugin: true, readOnly: true, service: "random", code: 3, errHas: "exec refused: read-only mode"},
		{name: "read-only allowed", plugin: true, readOnly: true, allow: true, service: "auth", code: 0, execCalls: 1},
		{name: "production without confirmation", plugin: true, prod: true, args: []string{"--yes"}, service: "auth", code: 3, errHas: "add --confirm auth"},
		{name: "production confirmed", plugin: true, prod: true, args: []string{"--yes", "--confirm", "auth"}, service: "auth", code: 0, execCalls: 1},
		{name: "unknown container", plugin: true, args: []string{"--container", "nope"}, service: "auth", code: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.plugin {
				opstest.WriteFakePlugin(t, "1.2.650.0", 0).OnPath(t)
			} else {
				noPlugin(t)
			}
			h := newSessionHarness(t, tt.readOnly, tt.allow)
			h.sess.Production = tt.prod
			err := h.run(append([]string{"exec", "--cluster", "playground", "--task", h.tasks[tt.service].ID}, tt.args...)...)
			if got := exitCodeOf(err); got != tt.code {
				t.Fatalf("exit %d (%v), want %d; stderr:\n%s", got, err, tt.code, h.err.String())
			}
			if !strings.Contains(h.err.String(), tt.errHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.errHas, h.err.String())
			}
			if n := h.srv.Calls("ecs:ExecuteCommand"); n != tt.execCalls {
				t.Errorf("ExecuteCommand calls %d, want %d", n, tt.execCalls)
			}
			if tt.code == 3 {
				es, _ := h.sess.Journal.Read()
				if len(es) != 1 || es[0].Outcome != ops.OutcomeRefused || es[0].Action != ops.ActionExec {
					t.Errorf("journal %+v", es)
				}
			}
		})
	}
}

func TestPortForwardCLI(t *testing.T) {
	fp := opstest.WriteFakePlugin(t, "1.2.497.0", 0)
	fp.OnPath(t)
	h := newSessionHarness(t, false, false)
	task := h.tasks["auth"]
	err := h.run("port-forward", "--cluster", "playground", "--task", task.ID, "--host", "db.internal", "--remote-port", "5432", "--local-port", "15432")
	if err != nil {
		t.Fatalf("%v\n%s", err, h.err.String())
	}
	if !strings.Contains(h.err.String(), "Forwarding 127.0.0.1:15432 → db.internal:5432 through auth. ctrl+c ends it.") {
		t.Fatalf("stderr %q", h.err.String())
	}
	args := fp.Args(t)
	if len(args) != 6 || !strings.HasPrefix(args[0], `{"SessionId":"`) ||
		args[4] != `{"Target":"ecs:playground_`+task.ID+`_`+task.Containers[0].RuntimeID+`","DocumentName":"AWS-StartPortForwardingSessionToRemoteHost","Parameters":{"host":["db.internal"],"localPortNumber":["15432"],"portNumber":["5432"]}}` {
		t.Fatalf("plugin args %q", args)
	}
	if err := h.run("port-forward", "--cluster", "playground", "--task", task.ID); err == nil || !strings.Contains(err.Error(), "--remote-port is required") {
		t.Fatalf("without --remote-port: %v", err)
	}
	if h.srv.Calls("ssm:StartSession") != 1 {
		t.Fatalf("StartSession calls %d", h.srv.Calls("ssm:StartSession"))
	}
}

func TestJoinCommand(t *testing.T) {
	if got := joinCommand([]string{"/bin/sh", "-c", "echo $HOME; ls"}); got != `/bin/sh -c 'echo $HOME; ls'` {
		t.Fatalf("got %q", got)
	}
	if got := joinCommand([]string{"psql", ""}); got != "psql ''" {
		t.Fatalf("got %q", got)
	}
}
