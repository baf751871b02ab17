package actions

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ui/internal/screentest"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/theme"
)

const width, height = 110, 40

func deps(api API) Deps {
	return Deps{API: api, Styles: theme.Default(), Context: "demo", Now: func() time.Time { return t0 },
		Wait: func(context.Context, time.Duration) error { return nil }, Poll: time.Second}
}

// runCmd executes cmd and feeds its messages back into p until the flow
// rests, returning the root-level messages (status, open, back) it produced.
func runCmd(t *testing.T, p page.Page, cmd tea.Cmd) (page.Page, []tea.Msg) {
	t.Helper()
	var out []tea.Msg
	for i := 0; cmd != nil; i++ {
		if i > 500 {
			t.Fatal("flow did not settle")
		}
		msg := cmd()
		switch m := msg.(type) {
		case nil:
			return p, out
		case tea.BatchMsg:
			for _, c := range m {
				var more []tea.Msg
				p, more = runCmd(t, p, c)
				out = append(out, more...)
			}
			return p, out
		case page.StatusMsg, page.OpenMsg, page.CloseMsg:
			out = append(out, m)
			return p, out
		}
		p, cmd = p.Update(msg)
	}
	return p, out
}

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// press sends keys (a multi-rune string that is not a key name is typed).
func press(t *testing.T, p page.Page, keys ...string) (page.Page, []tea.Msg) {
	t.Helper()
	var out []tea.Msg
	for _, k := range keys {
		var ks []tea.KeyPressMsg
		switch {
		case len([]rune(k)) == 1 || k == "enter" || k == "esc" || k == "tab" || k == "ctrl+u":
			ks = []tea.KeyPressMsg{keyMsg(k)}
		default:
			for _, r := range k {
				ks = append(ks, keyMsg(string(r)))
			}
		}
		for _, km := range ks {
			var cmd tea.Cmd
			p, cmd = p.Update(km)
			var more []tea.Msg
			p, more = runCmd(t, p, cmd)
			out = append(out, more...)
		}
	}
	return p, out
}

func open(t *testing.T, p page.Page) page.Page {
	t.Helper()
	p.SetSize(width, height)
	p, _ = runCmd(t, p, p.Init())
	return p
}

var drainID = regexp.MustCompile(`\d{8}T\d{6}-[0-9a-f]{6}`)

func golden(t *testing.T, name string, p page.Page) {
	t.Helper()
	got := ansi.Strip(p.View())
	got = drainID.ReplaceAllString(got, "DRAIN-ID")
	lines := strings.Split(got, "\n")
	if len(lines) != height {
		t.Errorf("%s: view has %d lines, want %d", name, len(lines), height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("%s: line %d is %d cells wide, want ≤ %d", name, i+1, w, width)
		}
	}
	screentest.Golden(t, name, got)
}

func statusTexts(msgs []tea.Msg) string {
	var s []string
	for _, m := range msgs {
		if st, ok := m.(page.StatusMsg); ok {
			s = append(s, st.Text)
		}
	}
	return strings.Join(s, "\n")
}

func TestDeployFlow(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	api := newFake()
	d := deps(api)
	d.Journal = ops.DefaultJournal()
	p := open(t, NewDeploy(d, "demo", "auth"))
	if c, ok := p.(page.Capturing); !ok || !c.Capturing() {
		t.Fatal("the deploy form must capture keys")
	}
	golden(t, "deploy_form", p)
	p, _ = press(t, p, "ctrl+u", "nginx:1.27", "enter")
	golden(t, "deploy_plan", p)
	if len(api.mutations) != 0 {
		t.Fatalf("planning mutated: %v", api.mutations)
	}
	p, msgs := press(t, p, "y")
	golden(t, "deploy_board_done", p)
	if got := strings.Join(api.mutations, ","); got != "RegisterTaskDefinition,UpdateService" {
		t.Errorf("mutations %s", got)
	}
	if !strings.Contains(statusTexts(msgs), "success: deployment ecs-svc/2 completed") {
		t.Errorf("status: %s", statusTexts(msgs))
	}
	_, msgs = press(t, p, "R")
	if len(msgs) != 1 {
		t.Fatalf("R opened nothing: %v", msgs)
	}
	if _, ok := msgs[0].(page.OpenMsg); !ok {
		t.Errorf("R sent %T, want page.OpenMsg", msgs[0])
	}
	entries, err := d.Journal.Actions()
	if err != nil || len(entries) != 1 || entries[0].Outcome != ops.OutcomeSuccess || entries[0].Context != "demo" {
		t.Errorf("journal = %+v, %v", entries, err)
	}
}

func TestDeployProductionNeedsTypedName(t *testing.T) {
	api := newFake()
	d := deps(api)
	d.Production = true
	p := open(t, NewDeploy(d, "demo", "auth"))
	p, _ = press(t, p, "ctrl+u", "nginx:1.27", "enter")
	golden(t, "deploy_plan_production", p)
	p, msgs := press(t, p, "y", "enter")
	if len(api.mutations) != 0 {
		t.Fatalf("confirmed without the typed name: %v", api.mutations)
	}
	if !strings.Contains(statusTexts(msgs), "type auth exactly") {
		t.Errorf("status: %s", statusTexts(msgs))
	}
	// A pasted name counts as typed.
	p, _ = press(t, p, "ctrl+u")
	p, _ = p.Update(tea.PasteMsg{Content: "auth"})
	p, _ = press(t, p, "enter")
	if len(api.mutations) != 2 {
		t.Errorf("typed name did not confirm: %v", api.mutations)
	}
	_ = p
}

func TestReadOnlyNeverConfirms(t *testing.T) {
	api := newFake()
	d := deps(api)
	d.ReadOnly = true
	p := open(t, NewScale(d, "demo", "auth"))
	p, _ = press(t, p, "ctrl+u", "6", "enter")
	golden(t, "scale_plan_readonly", p)
	_, msgs := press(t, p, "y")
	if len(api.mutations) != 0 {
		t.Fatalf("read-only page mutated: %v", api.mutations)
	}
	if !strings.Contains(statusTexts(msgs), "read-only") {
		t.Errorf("status: %s", statusTexts(msgs))
	}
}

func TestScaleFlow(t *testing.T) {
	api := newFake()
	p := open(t, NewScale(deps(api), "demo", "auth"))
	golden(t, "scale_form", p)
	p, _ = press(t, p, "ctrl+u", "6", "enter")
	golden(t, "scale_plan", p)
	p, _ = press(t, p, "y")
	golden(t, "scale_board_done", p)
}

func TestStopTaskPlan(t *testing.T) {
	api := newFake()
	p := open(t, NewStopTask(deps(api), "demo", "ship0"))
	p, _ = press(t, p, "enter")
	golden(t, "stoptask_plan", p)
	p, _ = press(t, p, "y")
	golden(t, "stoptask_board_done", p)
}

func TestDrainFlow(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	api := newFake()
	p := open(t, NewDrain(deps(api), "demo", "i-00"))
	p, _ = press(t, p, "enter")
	golden(t, "drain_plan", p)
	p, _ = press(t, p, "y")
	golden(t, "drain_board_done", p)
	if got := strings.Join(api.mutations, ","); got != "UpdateContainerInstancesState,TerminateInstanceInAutoScalingGroup i-00" {
		t.Errorf("mutations %s", got)
	}
}

func TestDaemonFlowAndRetry(t *testing.T) {
	api := newFake()
	api.failPorts[api.instances[2].ARN] = true
	p := open(t, NewDaemonStart(deps(api), "demo", "shipper"))
	golden(t, "daemon_plan", p)
	p, _ = press(t, p, "y")
	golden(t, "daemon_board_done", p)
	_, msgs := press(t, p, "r")
	if len(msgs) != 1 {
		t.Fatalf("r opened nothing: %v", msgs)
	}
	retry := open(t, msgs[0].(page.OpenMsg).Page)
	golden(t, "daemon_retry_plan", retry)
}

func TestKeysDisabledInReadOnly(t *testing.T) {
	for _, b := range DefaultKeys().ForReadOnly(true).All() {
		if b.Enabled() {
			t.Errorf("%v enabled in read-only mode", b.Keys())
		}
	}
	for _, b := range DefaultKeys().ForReadOnly(false).All() {
		if !b.Enabled() {
			t.Errorf("%v disabled outside read-only mode", b.Keys())
		}
	}
}

func TestRedeployAndRollbackPlans(t *testing.T) {
	api := newFake()
	golden(t, "redeploy_plan", open(t, NewRedeploy(deps(api), "demo", "auth")))
	p := open(t, NewRollback(deps(api), "demo", "auth"))
	golden(t, "rollback_plan", p)
	p, _ = press(t, p, "y")
	golden(t, "rollback_board_done", p)
	if got := strings.Join(api.mutations, ","); got != "UpdateService" {
		t.Errorf("mutations %s", got)
	}
}
