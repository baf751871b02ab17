package ui

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/logs"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/logview"
)

// hostileSGR is the foreign style sim.Hostile carries; ecstui never uses it.
const hostileSGR = "\x1b[5;53m"

var ownSGR = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkTerminalBytes fails when frame holds anything from a hostile string
// a terminal would act on: the hostile SGR, any escape sequence other than
// SGR styling, a C1 control, a bidi control or a Unicode line separator.
func checkTerminalBytes(t *testing.T, where, frame string) {
	t.Helper()
	if strings.Contains(frame, hostileSGR) {
		t.Errorf("%s: a foreign SGR sequence reached the screen", where)
	}
	plain := ownSGR.ReplaceAllString(frame, "")
	for i, r := range plain {
		bad := ""
		switch {
		case r == 0x1b:
			bad = "ESC"
		case r < 0x20 && r != '\n', r == 0x7f:
			bad = "C0 control"
		case r >= 0x80 && r <= 0x9f:
			bad = "C1 control"
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c:
			bad = "bidi control"
		case r == 0x2028 || r == 0x2029:
			bad = "Unicode line separator"
		case r == 0xfffd:
			bad = "U+FFFD (a control was mangled, not cleaned)"
		}
		if bad != "" {
			lo, hi := max(0, i-40), min(len(plain), i+40)
			t.Errorf("%s: %s %U reached the screen near %q", where, bad, r, plain[lo:hi])
			return
		}
	}
}

// TestHostileWorldNeverReachesTheTerminalRaw walks every view and every
// action dialog of the console over a world whose every name, image,
// environment value, tag, event, reason and log line carries terminal
// controls (sim.NewHostile), through the real adapter and wire protocol,
// and checks each frame before and after the frame guard.
func TestHostileWorldNeverReachesTheTerminalRaw(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := sim.NewHostile(1)
	client, srv := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "hostile" + sim.Hostile, Region: awstest.Region}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = nil
	})
	frames := 0
	check := func(where string) {
		t.Helper()
		checkTerminalBytes(t, where+" (as views render it)", h.r.render())
		checkTerminalBytes(t, where+" (as the terminal gets it)", h.r.View().Content)
		frames++
	}
	n := walkConsole(t, h, true, func(step string) {
		check(step)
		if step == "deploy plan, fields untouched" {
			// An unedited pre-filled image is the exact image, never its
			// cleaned lookalike: nothing to deploy.
			if !strings.Contains(h.screen(), "nothing to change") || strings.Contains(h.screen(), "register hostile:") {
				t.Errorf("the untouched deploy form planned a change:\n%s", h.screen())
			}
		}
	})
	if frames < n {
		t.Fatalf("%d frames checked", frames)
	}
	if n := srv.MutatingCalls(); n != 0 {
		t.Errorf("walking the views sent %d mutating calls", n)
	}

	// The log viewer over the hostile streams (history, then done).
	tasks, _, err := client.Tasks(t.Context(), sim.HostileCluster, model.TaskFilter{StartedBy: "by" + sim.Hostile}, nil)
	if err != nil || len(tasks) == 0 {
		t.Fatalf("standalone tasks: %v %v", tasks, err)
	}
	lv := logview.New(logview.Deps{Client: client, FrameInterval: -1, Since: time.Hour, Engine: logs.Options{NoFollow: true, PollOnly: true}},
		logs.Target{Cluster: sim.HostileCluster, Task: tasks[0].ID})
	lv.SetSize(160, 40)
	cmd := lv.Init()
	for i := 0; cmd != nil && i < 100; i++ {
		msg := cmd()
		if msg == nil {
			break
		}
		_, cmd = lv.Update(msg)
	}
	view := lv.View()
	if !strings.Contains(view, "line 0") {
		t.Errorf("the log viewer shows no hostile line:\n%s", view)
	}
	checkTerminalBytes(t, "log viewer", view)
	lv.Close()
}

// walkConsole visits every view and every action dialog from the clusters
// page (opening each, planning each action without confirming it) and calls
// check on each frame. strict: each step must open the page it names.
func walkConsole(t *testing.T, h *harness, strict bool, check func(step string)) int {
	t.Helper()
	ctrlK := tea.KeyPressMsg{Code: 'k', Mod: tea.ModCtrl}
	// popTo goes back until the page on top is the one named.
	popTo := func(prefix string) {
		for i := 0; i < 10 && !strings.HasPrefix(h.r.top().Title(), prefix); i++ {
			h.keys("esc")
		}
	}
	steps := []struct {
		name  string
		from  string // the page to go back to first
		keys  []string
		msg   tea.Msg // sent after keys
		crumb string  // the page the step must open
	}{
		{name: "clusters", crumb: "clusters"},
		{name: "services", keys: []string{"enter"}, crumb: "services("},
		{name: "filter", keys: []string{"/", "[a-z]", "enter"}},
		{name: "service detail", keys: []string{"d"}, crumb: "service("},
		{name: "service tasks", from: "services(", keys: []string{"enter"}, crumb: "tasks("},
		{name: "containers", keys: []string{"enter"}, crumb: "containers("},
		{name: "service port map", from: "services(", keys: []string{"p"}, crumb: "ports("},
		{name: "deploy form", from: "services(", keys: []string{"U"}, crumb: "deploy "},
		{name: "deploy plan, fields untouched", keys: []string{"enter"}},
		{name: "scale form", from: "services(", keys: []string{"+"}, crumb: "scale "},
		{name: "scale plan", keys: []string{"ctrl+u", "3", "enter"}},
		{name: "redeploy plan", from: "services(", keys: []string{"F"}, crumb: "redeploy "},
		{name: "rollback plan", from: "services(", keys: []string{"B"}, crumb: "rollback "},
		{name: "all tasks", from: "services(", keys: []string{":tasks", "enter"}, crumb: "tasks"},
		{name: "stopped tasks", keys: []string{"a"}},
		{name: "running tasks again", keys: []string{"a"}},
		{name: "stop task form", msg: ctrlK, crumb: "stop task "},
		{name: "stop task plan", keys: []string{"enter"}},
		{name: "instances", from: "tasks", keys: []string{":ci", "enter"}, crumb: "instances("},
		{name: "instance tasks", keys: []string{"enter"}},
		{name: "drain form", from: "instances(", keys: []string{"D"}, crumb: "drain "},
		{name: "drain plan", keys: []string{"enter"}},
		{name: "task definition families", from: "instances(", keys: []string{":td", "enter"}, crumb: "taskdefs"},
		{name: "revisions", keys: []string{"enter"}, crumb: "revisions("},
		{name: "task definition", keys: []string{"enter"}},
		{name: "daemon start plan", from: "revisions(", keys: []string{"E"}, crumb: "daemon start "},
		{name: "cluster port map", from: "revisions(", keys: []string{":ports", "enter"}, crumb: "ports("},
		{name: "stopped tasks of the cluster", keys: []string{":stopped", "enter"}, crumb: "stopped("},
		{name: "exec readiness", from: "clusters", keys: []string{"enter", ":tasks", "enter", "X"}},
		{name: "port forwards", from: "clusters", keys: []string{":forwards", "enter"}},
		{name: "pulse", keys: []string{":pulse", "enter"}, crumb: "pulse"},
		{name: "regions", keys: []string{":region", "enter"}, crumb: "regions("},
		{name: "regions", keys: []string{":region", "enter"}},
		{name: "contexts", keys: []string{":ctx", "enter"}, crumb: "contexts"},
		{name: "help", keys: []string{"?"}},
		{name: "command line", keys: []string{"esc", ":", "svc"}},
	}
	// Every command of the console is visited: a new view is a new channel.
	visited := map[string]bool{"quit": true, "quit!": true, "help": true, "logs": true, "clusters": true, "services": true}
	for _, s := range steps {
		for _, k := range s.keys {
			if name, ok := strings.CutPrefix(k, ":"); ok && name != "" {
				visited[strings.Fields(name)[0]] = true
			}
		}
	}
	for _, c := range commands() {
		if !visited[c.name] && !slices.ContainsFunc(c.aliases, func(a string) bool { return visited[a] }) {
			t.Errorf("the walk never visits :%s: add a step to walkConsole (ui/hostile_test.go), so that the hostile-world and sparse-response tests cover it", c.name)
		}
	}
	for _, s := range steps {
		if s.from != "" {
			popTo(s.from)
		}
		h.keys(s.keys...)
		if s.msg != nil {
			h.send(s.msg)
		}
		if s.crumb != "" && strict {
			if top := h.r.top().Title(); !strings.HasPrefix(top, s.crumb) {
				t.Errorf("%s: the page shown is %q, want %s…\n%s", s.name, top, s.crumb, h.screen())
			}
		}
		check(s.name)
	}
	return len(steps)
}
