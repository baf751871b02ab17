package logview

import (
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/logs"
	"github.com/ecstui/ecstui/ui/internal/screentest"
	"github.com/ecstui/ecstui/ui/page"
)

const width, height = 100, 12

func deps(f *fakeClient, dir string) Deps {
	return Deps{
		Client: f, Location: time.UTC, FrameInterval: -1, SaveDir: dir,
		Engine: logs.Options{PollInterval: 2 * time.Millisecond, RequestsPerSec: -1, Now: func() time.Time { return t0.Add(time.Minute) }},
	}
}

// settle runs the page's engine deliveries until cond holds.
func settle(t *testing.T, p page.Page, cmd tea.Cmd, cond func(*Model) bool) {
	t.Helper()
	m := p.(*Model)
	deadline := time.Now().Add(10 * time.Second)
	for !cond(m) {
		if time.Now().After(deadline) {
			t.Fatalf("view did not settle:\n%s", ansi.Strip(m.View()))
		}
		if cmd == nil {
			cmd = m.wait()
		}
		msg := cmd()
		_, cmd = m.Update(msg)
	}
}

func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// press sends keys; a multi-rune string that is not a key name is typed.
func press(p page.Page, keys ...string) []tea.Cmd {
	var cmds []tea.Cmd
	for _, k := range keys {
		if len([]rune(k)) > 1 && !strings.Contains("enter esc space end pgup", k) {
			for _, r := range k {
				_, c := p.Update(keyPress(string(r)))
				cmds = append(cmds, c)
			}
			continue
		}
		_, c := p.Update(keyPress(k))
		cmds = append(cmds, c)
	}
	return cmds
}

func golden(t *testing.T, name string, p page.Page) {
	t.Helper()
	view := p.View()
	got := ansi.Strip(view)
	lines := strings.Split(got, "\n")
	if len(lines) != height {
		t.Errorf("%s: %d lines, want %d", name, len(lines), height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != width {
			t.Errorf("%s: line %d is %d cells, want %d", name, i+1, w, width)
		}
	}
	screentest.Golden(t, name, got)
}

// service writes a 2-task × (app, proxy, sidecar) service's lines.
func service(t *testing.T) (*fakeClient, page.Page) {
	t.Helper()
	f := newFake()
	tasks := f.addService("web", 2, "app", "proxy", "sidecar")
	msgs := []string{
		"GET /health 200", "starting worker pool size=4", `{"level":"error","msg":"db timeout","ms":5000}`,
		"GET /api/orders 200", "\x1b[31mERROR\x1b[0m upstream reset \x1b]0;owned\x07", "a very long line " + strings.Repeat("lorem ipsum ", 12),
		"GET /api/orders 500", "multi\nline message",
	}
	for i, msg := range msgs {
		task := tasks[i%2]
		c := []string{"app", "proxy"}[i/2%2]
		f.write("ecs/"+c+"/"+task.ID, t0.Add(time.Duration(i)*time.Second), msg)
	}
	p := New(deps(f, t.TempDir()), logs.Target{Cluster: "prod", Service: "web"})
	p.SetSize(width, height)
	settle(t, p, p.Init(), func(m *Model) bool { return m.buf.Len() == 8 && m.status.Mode == logs.ModePolling })
	t.Cleanup(p.Close)
	return f, p
}

func TestViewerGoldens(t *testing.T) {
	_, p := service(t)
	golden(t, "follow", p)
	if v := p.View(); strings.Contains(v, "owned") || strings.Contains(v, "\x1b]") || strings.Contains(v, "\x07") {
		t.Errorf("escape payload reached the view: %q", v)
	}

	press(p, "w")
	golden(t, "wrap", p)
	press(p, "w", "t", "J")
	golden(t, "notime_json", p)
	press(p, "t", "J")

	press(p, "/")
	if !p.(page.Capturing).Capturing() {
		t.Error("search prompt open but not capturing")
	}
	press(p, "orders")
	golden(t, "search_prompt", p)
	press(p, "enter")
	if p.(page.Capturing).Capturing() {
		t.Error("still capturing after enter")
	}
	m := p.(*Model)
	if m.follow || m.buf.At(m.cur).Message != "GET /api/orders 500" || m.matches != 2 {
		t.Errorf("after search: follow %v cur %q matches %d", m.follow, m.buf.At(m.cur).Message, m.matches)
	}
	golden(t, "search", p)
	press(p, "N")
	if got := m.buf.At(m.cur).Message; got != "GET /api/orders 200" {
		t.Errorf("N went to %q", got)
	}
	press(p, "n")
	if got := m.buf.At(m.cur).Message; got != "GET /api/orders 500" {
		t.Errorf("n went to %q", got)
	}
	press(p, "f")
	if !m.follow {
		t.Error("f did not follow")
	}
}

func TestViewerRemappedKeys(t *testing.T) {
	f := newFake()
	f.addService("web", 1, "app")
	k := DefaultKeyMap()
	k.Since.SetKeys("!", "@", "#", "$", "%", "^", "&")
	k.Wrap.SetKeys("W")
	d := deps(f, t.TempDir())
	d.Keys = &k
	p := New(d, logs.Target{Cluster: "c", Service: "web"})
	defer p.Close()
	p.SetSize(width, height)
	m := p.(*Model)
	press(p, "$", "W", "w")
	if m.since != 15*time.Minute || !m.wrap {
		t.Errorf("remapped keys: since %v wrap %v, want 15m and wrapped", m.since, m.wrap)
	}
	press(p, "2")
	if m.since != 15*time.Minute {
		t.Errorf("the default since key still works: since %v", m.since)
	}
}

func TestViewerPasteIntoSearch(t *testing.T) {
	_, p := service(t)
	m := p.(*Model)
	press(p, "/")
	if help := p.KeyHelp(); len(help) != 2 || help[0].Help().Key != "enter" || help[1].Help().Key != "esc" {
		t.Errorf("while the prompt is open the keys are enter and esc, not %v", help)
	}
	p.Update(tea.PasteMsg{Content: "api/orders\x1b[2J 500\n"})
	press(p, "enter")
	if m.query != "api/orders 500" || m.buf.At(m.cur).Message != "GET /api/orders 500" {
		t.Errorf("pasted search: query %q at %q", m.query, m.buf.At(m.cur).Message)
	}
}

func TestViewerPauseAndResume(t *testing.T) {
	f, p := service(t)
	m := p.(*Model)
	press(p, "space")
	if !m.paused {
		t.Fatal("space did not pause")
	}
	f.write("ecs/app/"+m.status.Unavailable[0].TaskID, t0.Add(30*time.Second), "while paused")
	settle(t, p, nil, func(m *Model) bool { return m.eng.Pending() == 1 })
	if m.buf.Len() != 8 {
		t.Errorf("paused view took lines: %d", m.buf.Len())
	}
	if s := ansi.Strip(m.statusLine()); !strings.Contains(s, "⏸ PAUSED (1 new)") {
		t.Errorf("status %q", s)
	}
	press(p, "p")
	if m.paused || m.buf.Len() != 9 || m.buf.At(8).Message != "while paused" {
		t.Errorf("resume: paused %v len %d", m.paused, m.buf.Len())
	}
}

func TestViewerScrollKeepsPosition(t *testing.T) {
	f, p := service(t)
	m := p.(*Model)
	press(p, "g")
	if m.follow || m.cur != 0 {
		t.Fatalf("g: follow %v cur %d", m.follow, m.cur)
	}
	press(p, "j", "j")
	want := m.buf.At(2)
	// A late line lands before the cursor: the cursor stays on its line.
	f.write("ecs/app/"+m.status.Unavailable[0].TaskID, t0.Add(500*time.Millisecond), "late")
	settle(t, p, nil, func(m *Model) bool { return m.buf.Len() == 9 })
	if got := m.buf.At(m.cur); got.Seq != want.Seq {
		t.Errorf("cursor moved from %q to %q", want.Message, got.Message)
	}
	press(p, "G")
	if !m.follow {
		t.Error("G did not return to following")
	}
}

func TestViewerSaveAndCopy(t *testing.T) {
	_, p := service(t)
	m := p.(*Model)
	cmds := press(p, "s")
	msg := cmds[0]()
	_, cmd := p.Update(msg)
	st, ok := cmd().(page.StatusMsg)
	if !ok || !strings.Contains(st.Text, "saved 8 lines to "+m.d.SaveDir) {
		t.Fatalf("status after save: %#v", st)
	}
	path := strings.TrimPrefix(st.Text, "saved 8 lines to ")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(data)), "\n"); len(lines) != 9 || !strings.Contains(lines[0], "GET /health 200") || lines[8] != "    line message" {
		t.Errorf("saved file:\n%s", data)
	}
	if !strings.Contains(ansi.Strip(m.statusLine()), path) {
		t.Errorf("status line does not show the path: %q", ansi.Strip(m.statusLine()))
	}
	if cmds := press(p, "y"); cmds[0] == nil {
		t.Error("y returned no command")
	}
}

func TestViewerSinceAndFilterRestart(t *testing.T) {
	_, p := service(t)
	m := p.(*Model)
	cmds := press(p, "1")
	if m.since != time.Minute || m.gen != 2 {
		t.Fatalf("since %s gen %d", m.since, m.gen)
	}
	// Now is t0+1m: the last minute holds every line.
	settle(t, p, cmds[0], func(m *Model) bool { return m.buf.Len() == 8 })
	press(p, "F", "orders 500", "enter")
	if m.filter != "orders 500" || m.gen != 3 {
		t.Fatalf("filter %q gen %d", m.filter, m.gen)
	}
	settle(t, p, nil, func(m *Model) bool { return m.buf.Len() == 1 && m.status.Mode == logs.ModePolling })
	golden(t, "filtered", p)
}

func TestViewerNoLogsExplained(t *testing.T) {
	f := newFake()
	f.addService("web", 1, "sidecar")
	p := New(deps(f, t.TempDir()), logs.Target{Cluster: "prod", Service: "web"})
	p.SetSize(width, height)
	defer p.Close()
	settle(t, p, p.Init(), func(m *Model) bool { return m.status.Mode == logs.ModeFailed })
	golden(t, "no_logs", p)
}

// TestSinceName: the status line and the empty pane name how far back the
// view reads as a person writes it ("5m", not Go's "5m0s").
func TestSinceName(t *testing.T) {
	for _, c := range []struct {
		since time.Duration
		want  string
	}{
		{0, "tail"}, {5 * time.Minute, "5m"}, {time.Hour, "1h"}, {2 * time.Hour, "2h"},
		{90 * time.Minute, "1h30m"}, {90 * time.Second, "1m30s"}, {30 * time.Minute, "30m"},
	} {
		if got := (&Model{since: c.since}).sinceName(); got != c.want {
			t.Errorf("since %v: %q, want %q", c.since, got, c.want)
		}
	}
}
