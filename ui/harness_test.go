package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/ui/internal/screentest"
)

// scheduledMsg is what a recorded tick delivers when the test fires it.
type scheduledMsg struct {
	d   time.Duration
	msg tea.Msg
}

// harness drives the root model synchronously: every command runs inline,
// ticks are recorded instead of waited for (fire delivers them), so no test
// sleeps.
type harness struct {
	t     testing.TB
	r     *root
	fb    *fakeBackend
	ticks []scheduledMsg
	quit  bool
	msgs  []tea.Msg // non-root messages seen (clipboard…)
}

func defaultDeps(b Backend) Deps {
	return Deps{
		Contexts: []Context{
			{Name: "prod", Profile: "ops", Region: "us-east-1"},
			{Name: "staging", Profile: "ops-staging", Region: "eu-west-1", Cluster: "staging", ReadOnly: true},
		},
		Connect: func(context.Context, Context) (Backend, error) { return b, nil },
		Now:     func() time.Time { return t0 },
	}
}

func newHarness(t testing.TB, fb *fakeBackend, tweak ...func(*Deps)) *harness {
	t.Helper()
	d := defaultDeps(fb)
	for _, f := range tweak {
		f(&d)
	}
	r, err := newRoot(d)
	if err != nil {
		t.Fatalf("newRoot: %v", err)
	}
	h := &harness{t: t, r: r, fb: fb}
	r.tick = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return scheduledMsg{d: d, msg: fn(t0)} }
	}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 35})
	h.run(r.Init())
	return h
}

func (h *harness) send(msg tea.Msg) {
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		_, cmd := h.r.Update(m)
		queue = append(queue, h.exec(cmd)...)
	}
}

func (h *harness) run(cmd tea.Cmd) {
	for _, m := range h.exec(cmd) {
		h.send(m)
	}
}

// exec runs a command and returns the messages to deliver.
func (h *harness) exec(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch m := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, h.exec(c)...)
		}
		return out
	case scheduledMsg:
		h.ticks = append(h.ticks, m)
		return nil
	case tea.QuitMsg:
		h.quit = true
		return nil
	default:
		if strings.Contains(strings.ToLower(typeName(m)), "clipboard") {
			h.msgs = append(h.msgs, m)
			return nil
		}
		return []tea.Msg{m}
	}
}

// fire delivers the ticks recorded so far (not the ones they schedule).
func (h *harness) fire(match func(tea.Msg) bool) int {
	pending := h.ticks
	h.ticks = nil
	n := 0
	for _, s := range pending {
		if match == nil || match(s.msg) {
			h.send(s.msg)
			n++
		} else {
			h.ticks = append(h.ticks, s)
		}
	}
	return n
}

func isPageTick(m tea.Msg) bool { _, ok := m.(tickMsg); return ok }

// keys sends key presses: named keys ("enter", "esc", "ctrl+r"…) or, for
// anything else, each character typed.
func (h *harness) keys(ks ...string) {
	for _, k := range ks {
		if msg, ok := namedKey(k); ok {
			h.send(msg)
			continue
		}
		for _, r := range k {
			h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

func namedKey(k string) (tea.KeyPressMsg, bool) {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}, true
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}, true
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}, true
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}, true
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}, true
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}, true
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}, true
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}, true
	}
	return tea.KeyPressMsg{}, false
}

func (h *harness) screen() string { return ansi.Strip(h.r.render()) }

// golden compares the whole plain frame — header, breadcrumbs, banner,
// body, status line and footer — with testdata/NAME.golden (go test -update
// rewrites it). Keep these few: they are what a chrome change rewrites.
func (h *harness) golden(name string) {
	h.t.Helper()
	got := h.screen()
	checkScreen(h.t, got, h.r.width, h.r.height)
	screentest.Golden(h.t, name, got)
}

// bodyGolden compares only the page body (what the top page draws between
// the chrome lines) with testdata/NAME.golden, so that a header or footer
// change leaves it alone.
func (h *harness) bodyGolden(name string) {
	h.t.Helper()
	w, bh := h.r.bodySize()
	got := ansi.Strip(h.r.body(w, bh))
	checkScreen(h.t, got, w, bh)
	screentest.Golden(h.t, name, got)
}

// statusLine is the plain status line (prompts, messages), trailing spaces
// trimmed.
func (h *harness) statusLine() string {
	return strings.TrimRight(ansi.Strip(h.r.statusLine(h.r.width)), " ")
}

// foreground is the colour text is drawn in on the screen (see
// screentest.Foreground); the test fails when text is not on screen.
func (h *harness) foreground(text string) string {
	h.t.Helper()
	fg, ok := screentest.Foreground(h.r.render(), text)
	if !ok {
		h.t.Fatalf("%q is not on screen:\n%s", text, h.screen())
	}
	return fg
}

// checkScreen asserts the frame is exactly width×height at most.
func checkScreen(t testing.TB, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Errorf("screen has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("line %d is %d cells wide (> %d): %q", i, lw, w, l)
		}
	}
}

func (h *harness) contains(sub string) {
	h.t.Helper()
	if !strings.Contains(h.screen(), sub) {
		h.t.Errorf("screen lacks %q:\n%s", sub, h.screen())
	}
}

func (h *harness) lacks(sub string) {
	h.t.Helper()
	if strings.Contains(h.screen(), sub) {
		h.t.Errorf("screen should not show %q:\n%s", sub, h.screen())
	}
}

func (h *harness) crumbs() string {
	var ts []string
	for _, p := range h.r.stack {
		ts = append(ts, p.Title())
	}
	return strings.Join(ts, " > ")
}
