package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/cli"
)

// TestActionCommandsOnTheDemo runs the action commands as a user types them,
// through the App (demo simulator, adapter, journal): a dry run exits 0, a
// read-only session is refused with exit code 3 and the simulator sees no
// mutating call, and the journal lists both.
func TestActionCommandsOnTheDemo(t *testing.T) {
	dir := isolate(t)
	t.Setenv("XDG_STATE_HOME", dir)
	cases := []struct {
		name    string
		args    []string
		code    int
		outHas  string
		mutates bool
	}{
		{"dry run", []string{"--demo", "deploy", "--cluster", "playground", "--service", "auth", "--image", "auth=srirajan/auth:1.6.0", "--dry-run"}, 0, "Placement preview (ok)", false},
		{"read-only refused", []string{"--demo", "--read-only", "scale", "--cluster", "playground", "--service", "random", "--desired", "6", "--yes"}, 3, "REFUSED: read-only mode", false},
		{"seed 003 refused", []string{"--demo", "deploy", "--cluster", "playground", "--service", "corkhounds-web", "--image", "web=corkhounds/web:3", "--yes"}, 3, "--force-unsafe corkhounds-web", false},
		{"daemon start", []string{"--demo", "daemon", "start", "--cluster", "playground", "--task-definition", "logspout", "--yes"}, 0, "SUCCESS: started on 2", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			root, app := newRoot(&out, &errw)
			defer app.Close()
			root.SetArgs(c.args)
			err := root.ExecuteContext(context.Background())
			code := 0
			var exit *cli.ExitError
			switch {
			case errors.As(err, &exit):
				code = exit.Code
			case err != nil:
				t.Fatalf("%v\n%s", err, errw.String())
			}
			if code != c.code || !strings.Contains(out.String(), c.outHas) {
				t.Errorf("exit %d, want %d; stdout lacks %q?\n%s\n%s", code, c.code, c.outHas, out.String(), errw.String())
			}
			app.clientMu.Lock()
			d := app.demo
			app.clientMu.Unlock()
			if d == nil {
				t.Fatal("the demo simulator was not started")
			}
			if n := d.srv.MutatingCalls(); (n > 0) != c.mutates {
				t.Errorf("%d mutating calls reached the simulator", n)
			}
		})
	}
	var out, errw bytes.Buffer
	root, app := newRoot(&out, &errw)
	defer app.Close()
	root.SetArgs([]string{"journal", "-o", "json"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []ops.Outcome{ops.OutcomeDryRun, ops.OutcomeRefused, ops.OutcomeSuccess} {
		if !strings.Contains(out.String(), `"outcome": "`+string(want)+`"`) {
			t.Errorf("journal lacks a %s entry:\n%s", want, out.String())
		}
	}
}
