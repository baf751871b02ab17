package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awsapi"
)

func TestNavigationStack(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	steps := []struct {
		keys  []string
		crumb string
	}{
		{nil, "clusters"},
		{[]string{"enter"}, "clusters > services(prod)"},
		{[]string{"enter"}, "clusters > services(prod) > tasks(auth)"},
		{[]string{"enter"}, "clusters > services(prod) > tasks(auth) > containers(3f2a9c0d)"},
		{[]string{"esc"}, "clusters > services(prod) > tasks(auth)"},
		{[]string{"esc", "esc"}, "clusters"},
		{[]string{"esc"}, "clusters"}, // the first page is never popped
		{[]string{"down", "enter"}, "clusters > services(staging)"},
		{[]string{":ci", "enter"}, "clusters > instances(staging)"},
		{[]string{":svc prod", "enter"}, "clusters > services(prod)"},
		{[]string{"d"}, "clusters > services(prod) > service(auth)"},
		{[]string{"p"}, "clusters > services(prod) > service(auth) > ports(auth)"},
		{[]string{":cl", "enter"}, "clusters"},
		{[]string{":td auth", "enter"}, "clusters > taskdefs > revisions(auth)"},
		{[]string{":tasks auth", "enter"}, "clusters > services(staging) > tasks(auth)"}, // :td took the cluster under the cursor
	}
	for i, s := range steps {
		h.keys(s.keys...)
		if got := h.crumbs(); got != s.crumb {
			t.Fatalf("step %d %v: stack %q, want %q", i, s.keys, got, s.crumb)
		}
	}
	if h.quit {
		t.Fatal("quit before q")
	}
	h.keys("q")
	if !h.quit {
		t.Fatal("q did not quit")
	}
}

func TestCtrlCQuitsEvenInPrompts(t *testing.T) {
	for _, pre := range [][]string{nil, {":"}, {"/"}, {"?"}} {
		h := newHarness(t, fixtureBackend())
		h.keys(pre...)
		h.keys("ctrl+c")
		if !h.quit {
			t.Errorf("after %v: ctrl+c did not quit", pre)
		}
	}
}

func TestQInPromptIsText(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.keys("/q")
	if h.quit || h.r.input.Value() != "q" {
		t.Fatalf("q in the filter prompt: quit=%v input=%q", h.quit, h.r.input.Value())
	}
}

func TestEscClearsFilterBeforeGoingBack(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.keys("enter", "/web", "enter")
	if f := h.r.top().(filterable); f.FilterText() != "web" {
		t.Fatalf("filter %q", f.FilterText())
	}
	h.keys("esc")
	if h.crumbs() != "clusters > services(prod)" || h.r.top().(filterable).FilterText() != "" {
		t.Fatalf("first esc: stack %q filter %q", h.crumbs(), h.r.top().(filterable).FilterText())
	}
	h.keys("esc")
	if h.crumbs() != "clusters" {
		t.Fatalf("second esc: stack %q", h.crumbs())
	}
}

func TestFilterEscRestoresPrevious(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.keys("enter", "/auth", "enter", "/", "backspace", "backspace", "backspace", "backspace", "web")
	if got := h.r.top().(filterable).FilterText(); got != "web" {
		t.Fatalf("live filter %q", got)
	}
	h.keys("esc")
	if got := h.r.top().(filterable).FilterText(); got != "auth" {
		t.Fatalf("after esc filter %q, want the previous one", got)
	}
	// An invalid regex keeps the last valid filter and enter is refused.
	h.keys("/", "(") // the prompt starts from the current filter: "auth("
	if h.r.input.Value() != "auth(" || h.r.inputErr == "" || h.r.top().(filterable).FilterText() != "auth" {
		t.Fatalf("invalid regex: input %q err %q filter %q", h.r.input.Value(), h.r.inputErr, h.r.top().(filterable).FilterText())
	}
	h.keys("enter")
	if h.r.mode != modeFilter {
		t.Fatal("enter accepted an invalid regex")
	}
}

func TestSortKeys(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.keys("enter", "s", "S") // NAME descending
	lines := strings.Split(h.screen(), "\n")
	if !strings.HasPrefix(lines[3], "web") || !strings.Contains(lines[2], "NAME↓") {
		t.Fatalf("sorted by name descending:\n%s", h.screen())
	}
}

func TestCommandCompletion(t *testing.T) {
	cases := []struct{ typed, want string }{
		{"sv", "svc"}, {"cl", "clusters"}, {"c", "ctx"}, {"ctx ", "ctx prod"}, {"ctx s", "ctx staging"},
		{"context p", "context prod"}, {"CTX s", "CTX staging"}, {"po", "ports"}, {"zz", ""}, {"svc ", ""}, {"svc", ""},
	}
	h := newHarness(t, fixtureBackend())
	for _, c := range cases {
		h.keys(":", c.typed)
		want := ""
		if c.want != "" {
			want = c.want[len(c.typed):]
		}
		if got := h.r.completion(); got != want {
			t.Errorf("completion of %q = %q, want %q", c.typed, got, want)
		}
		h.keys("esc")
	}
	// down/up cycle the suggestions; enter runs the one shown.
	h.keys(":", "t", "down")
	if got := h.r.input.Value() + h.r.completion(); got != "td" {
		t.Errorf("down after :t suggests %q, want td (tasks, then td)", got)
	}
	h.keys("esc", ":sv", "enter")
	if h.r.mode != modeNormal || h.crumbs() != "clusters > services(prod)" {
		t.Fatalf("enter on :sv: mode %v stack %q", h.r.mode, h.crumbs())
	}
	h.keys(":ins", "tab")
	if h.r.input.Value() != "instances" {
		t.Fatalf("tab completed to %q", h.r.input.Value())
	}
	h.keys("esc")
	if h.r.mode != modeNormal {
		t.Fatal("esc did not leave command mode")
	}
}

func TestCopyID(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.keys("enter", "y")
	if len(h.msgs) != 1 {
		t.Fatalf("clipboard messages: %v", h.msgs)
	}
	h.contains("copied " + acct + "service/prod/auth")
	// The status message goes away after its time.
	h.fire(func(m tea.Msg) bool { _, ok := m.(statusClearMsg); return ok })
	h.lacks("copied")
}

func TestPollingOnlyWhileVisibleAndStaleRepliesDropped(t *testing.T) {
	fb := fixtureBackend()
	h := newHarness(t, fb)
	h.keys("enter") // services, polling
	if n := fb.calls["Services"]; n != 1 {
		t.Fatalf("Services calls %d, want 1", n)
	}
	h.fire(isPageTick)
	if n := fb.calls["Services"]; n != 2 {
		t.Fatalf("after a tick Services calls %d, want 2", n)
	}
	h.keys("enter") // tasks covers services
	before := fb.calls["Services"]
	h.fire(isPageTick)
	h.fire(isPageTick)
	if fb.calls["Services"] != before {
		t.Fatalf("a covered page polled: %d → %d", before, fb.calls["Services"])
	}
	h.keys("esc") // services visible again: refreshes at once
	if fb.calls["Services"] != before+1 {
		t.Fatalf("on return Services calls %d, want %d", fb.calls["Services"], before+1)
	}

	// The poller: an overlapping refresh is skipped; an old reply is dropped.
	p := h.r.top().(*servicesPage)
	cmd1 := p.Refresh()
	if cmd1 == nil {
		t.Fatal("refresh did not start")
	}
	if p.Refresh() != nil {
		t.Fatal("overlapping refresh was not skipped")
	}
	reply := cmd1().(fetchedMsg)
	old := reply
	old.id--
	old.err = errors.New("late failure from an older request")
	h.send(old)
	if p.RefreshState().Err != nil || !p.RefreshState().Busy {
		t.Fatal("a stale reply was applied")
	}
	h.send(reply)
	if p.RefreshState().Busy {
		t.Fatal("the latest reply was not applied")
	}
}

func TestFailingRefreshKeepsDataAndShowsError(t *testing.T) {
	fb := fixtureBackend()
	h := newHarness(t, fb)
	h.keys("enter")
	fb.setErr("Services", &awsapi.Error{Kind: awsapi.KindThrottled, Service: "ecs", Op: "DescribeServices"})
	h.keys("ctrl+r")
	h.contains("auth")
	h.contains("THROTTLED")
	h.golden("error_throttled")
	fb.setErr("Services", &awsapi.Error{Kind: awsapi.KindAccessDenied, Service: "ecs", Op: "ListServices", Action: "ecs:ListServices"})
	h.fire(isPageTick)
	h.contains("STALE")
	h.golden("error_access_denied")
	fb.setErr("Services", nil)
	h.fire(isPageTick)
	h.lacks("STALE")
	h.lacks("access denied")
}

func TestErrorBeforeAnyData(t *testing.T) {
	fb := fixtureBackend()
	fb.setErr("Clusters", &awsapi.Error{Kind: awsapi.KindNetwork, Service: "ecs", Op: "ListClusters"})
	h := newHarness(t, fb)
	h.contains("cannot reach the ecs endpoint")
	h.contains("no data yet")
	h.golden("error_no_data")
}

func TestConnectFailureAndContextSwitch(t *testing.T) {
	fb := fixtureBackend()
	var asked []string
	h := newHarness(t, fb, func(d *Deps) {
		d.Connect = func(_ context.Context, c Context) (Backend, error) {
			asked = append(asked, c.Name)
			if c.Name == "prod" {
				return nil, errors.New("SSO session expired")
			}
			return fb, nil
		}
	})
	h.contains("SSO session expired")
	h.keys(":ctx", "enter")
	if h.crumbs() != "contexts" {
		t.Fatalf("stack %q", h.crumbs())
	}
	h.keys("down", "enter")
	if strings.Join(asked, ",") != "prod,staging" {
		t.Fatalf("connected to %v", asked)
	}
	if h.crumbs() != "clusters > services(staging)" {
		t.Fatalf("after switch stack %q", h.crumbs())
	}
	h.contains("READ-ONLY")
	h.lacks("SSO session expired")
	h.golden("readonly_context")
	// Read-only: the action keys are off.
	h.lacks("U update")
	p := h.r.top().(*servicesPage)
	for _, b := range p.KeyHelp() {
		if b.Help().Key == "U" && b.Enabled() {
			t.Fatal("deploy key enabled in a read-only context")
		}
	}
}

func TestKeyRemap(t *testing.T) {
	h := newHarness(t, fixtureBackend(), func(d *Deps) { d.Keys = map[string][]string{"quit": {"Q"}, "down": {"n", "down"}} })
	h.keys("q")
	if h.quit {
		t.Fatal("q still quits after remapping quit to Q")
	}
	h.keys("n", "enter")
	if h.crumbs() != "clusters > services(staging)" {
		t.Fatalf("remapped down: stack %q", h.crumbs())
	}
	h.keys("Q")
	if !h.quit {
		t.Fatal("Q does not quit")
	}
	// The log viewer's keys are remapped the same way; they may reuse a key
	// the browse views use (S sorts there, saves here).
	h = newHarness(t, fixtureBackend(), func(d *Deps) { d.Keys = map[string][]string{"logs_save": {"S"}, "LOGS_COPY": {"c"}} })
	if lv := h.r.keys.LogView; !slices.Equal(lv.Save.Keys(), []string{"S"}) || !slices.Equal(lv.Copy.Keys(), []string{"c"}) || lv.Save.Help().Key != "S" {
		t.Errorf("log viewer keys not remapped: save %v copy %v", lv.Save.Keys(), lv.Copy.Keys())
	}
	for _, c := range []struct {
		keys map[string][]string
		want string
	}{
		{map[string][]string{"qiut": {"x"}}, `unknown action "qiut"`},
		{map[string][]string{"quit": {}}, "has no keys"},
		{map[string][]string{"quit": {"d"}}, `"d" is bound to both`},
		{map[string][]string{"deploy": {"s"}}, `"s" is bound to both`},
		{map[string][]string{"logs_pause": {"q"}}, `"q" is bound to both "logs_pause" and "quit"`},
		{map[string][]string{"logs_pause": {"w"}}, `"w" is bound to both "logs_pause" and "logs_wrap"`},
		{map[string][]string{"logs_since": {"a", "b"}}, "logs_since needs 7 keys"},
	} {
		d := defaultDeps(fixtureBackend())
		d.Keys = c.keys
		if _, err := New(d); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("keys %v: error %v, want %q", c.keys, err, c.want)
		}
	}
}

func TestNewValidates(t *testing.T) {
	ok := defaultDeps(fixtureBackend())
	cases := []struct {
		name string
		mut  func(*Deps)
		want string
	}{
		{"no contexts", func(d *Deps) { d.Contexts = nil }, "no contexts"},
		{"bad current", func(d *Deps) { d.Current = 5 }, "out of range"},
		{"no connect", func(d *Deps) { d.Connect = nil }, "Connect is nil"},
		{"bad colour", func(d *Deps) { d.Colors = map[string]string{"nope": "1"} }, "unknown colour token"},
	}
	for _, c := range cases {
		d := ok
		c.mut(&d)
		if _, err := New(d); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := New(ok); err != nil {
		t.Fatal(err)
	}
}

func TestUntrustedTextIsSanitised(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.keys("enter", "d")
	raw := h.r.render()
	if strings.Contains(raw, "\x1b]52") || strings.Contains(raw, "ZXZpbA==\a") {
		t.Fatalf("an OSC 52 sequence from a service event reached the terminal: %q", raw)
	}
	h.contains("deregistered 1 targets in (target-group auth-tg)")
}

func TestTinyAndOddSizesNeverPanic(t *testing.T) {
	paths := [][]string{nil, {"enter"}, {"enter", "d"}, {"p"}, {"enter", "?"}, {":ci"}, {"enter", "/a"}}
	sizes := [][2]int{{0, 0}, {1, 1}, {2, 2}, {10, 3}, {20, 5}, {40, 8}, {80, 24}, {200, 50}, {300, 10}}
	for _, path := range paths {
		h := newHarness(t, fixtureBackend())
		h.keys(path...)
		for _, s := range sizes {
			h.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
			out := h.screen()
			if s[0] == 0 || s[1] == 0 {
				continue
			}
			checkScreen(t, out, s[0], s[1])
		}
	}
}

func TestWideGoldens(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.send(tea.WindowSizeMsg{Width: 200, Height: 50})
	h.keys("p")
	h.bodyGolden("portmap_200x50")
	h.keys("esc", "enter")
	h.bodyGolden("services_200x50")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.golden("services_80x24")
}

func TestLongErrorWrapsAtWords(t *testing.T) {
	fb := fixtureBackend()
	h := newHarness(t, fb)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.keys("enter")
	fb.setErr("Services", &awsapi.Error{Kind: awsapi.KindAccessDenied, Service: "ecs", Op: "ListServices", Action: "ecs:ListServices",
		Message: "User: arn:aws:sts::123456789012:assumed-role/ReadOnly/oncall is not authorized to perform: ecs:ListServices on resource: * because no identity-based policy allows the ecs:ListServices action"})
	h.keys("ctrl+r")
	h.golden("error_long_80x24")
	if p := h.r.top().(*servicesPage); p.height != 24-chromeLines-2 {
		t.Errorf("page height %d with a two-line banner, want %d", p.height, 24-chromeLines-2)
	}
}

func TestTasksSurviveInstanceLookupFailure(t *testing.T) {
	fb := fixtureBackend()
	fb.setErr("DescribeContainerInstances", &awsapi.Error{Kind: awsapi.KindAccessDenied, Service: "ecs",
		Op: "DescribeContainerInstances", Action: "ecs:DescribeContainerInstances"})
	h := newHarness(t, fb)
	h.keys("t")
	h.contains("3f2a9c0d")
	h.contains("partial answer: instance lookup failed")
	h.contains("c1") // the container instance id stands in for the EC2 id
	h.lacks("STALE")
}

func TestFirstLoadShowsFirstBatchEarly(t *testing.T) {
	fb := fixtureBackend()
	h := newHarness(t, fb)
	fb.gate = make(chan struct{})
	p := newServicesPage(h.r.env, "prod")
	p.SetSize(120, 20)
	m := p.Init()()
	part, ok := m.(partialMsg)
	if !ok {
		t.Fatalf("first message %T, want partialMsg", m)
	}
	p.Update(part)
	if v := ansiStrip(p.View()); !strings.Contains(v, "auth") || !strings.Contains(v, "1 so far") || strings.Contains(v, "web ") {
		t.Fatalf("partial view:\n%s", v)
	}
	if !p.RefreshState().Busy || p.RefreshState().Loaded {
		t.Fatal("a partial answer counts as loaded")
	}
	close(fb.gate)
	// The root reports a run's end to the scheduler before pages see it.
	final := part.next().(fetchedMsg)
	h.r.env.finished(&final)
	p.Update(final)
	if v := ansiStrip(p.View()); strings.Contains(v, "so far") || !strings.Contains(v, "web ") {
		t.Fatalf("final view:\n%s", v)
	}
	// Later refreshes replace the rows in one go (no partial flicker).
	fb.gate = make(chan struct{})
	close(fb.gate)
	if _, ok := firstFetched(p.Refresh()); !ok {
		t.Fatal("a refresh after the first load streamed")
	}
}

func TestBackoffAfterErrors(t *testing.T) {
	fb := fixtureBackend()
	h := newHarness(t, fb)
	lastTick := func() time.Duration {
		for i := len(h.ticks) - 1; i >= 0; i-- {
			if _, ok := h.ticks[i].msg.(tickMsg); ok {
				return h.ticks[i].d
			}
		}
		return 0
	}
	if d := lastTick(); d != DefaultRefreshInterval {
		t.Fatalf("first tick in %v, want %v", d, DefaultRefreshInterval)
	}
	fb.setErr("Clusters", errors.New("boom"))
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, time.Minute}
	for i, w := range want {
		h.fire(isPageTick)
		if d := lastTick(); d != w {
			t.Fatalf("after %d failures next tick in %v, want %v", i+1, d, w)
		}
	}
	fb.setErr("Clusters", nil)
	h.fire(isPageTick)
	if d := lastTick(); d != DefaultRefreshInterval {
		t.Fatalf("after a success next tick in %v, want %v", d, DefaultRefreshInterval)
	}
}

func TestCloseCancelsTheInFlightRequest(t *testing.T) {
	fb := fixtureBackend()
	h := newHarness(t, fb)
	fb.block = true
	// The shown clusters page would share its data with a second one.
	h.r.stack[0].Close()
	p := newClustersPage(h.r.env)
	cmd := p.Init()
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	p.Close()
	m := (<-done).(fetchedMsg)
	if !errors.Is(m.err, context.Canceled) {
		t.Fatalf("reply error %v, want context.Canceled", m.err)
	}
	// A context switch cancels every request of the old context. (The new
	// context's first page is services, so nothing else waits on Clusters.)
	p2 := newClustersPage(h.r.env)
	cmd2 := p2.Init()
	go func() { done <- cmd2() }()
	h.keys(":ctx staging", "enter")
	if m := (<-done).(fetchedMsg); !errors.Is(m.err, context.Canceled) {
		t.Fatalf("after a context switch the old request ended with %v", m.err)
	}
}

// firstFetched runs cmd (and a batch's commands, skipping wake-up ticks)
// until one answers with a fetchedMsg.
func firstFetched(cmd tea.Cmd) (fetchedMsg, bool) {
	if cmd == nil {
		return fetchedMsg{}, false
	}
	switch m := cmd().(type) {
	case fetchedMsg:
		return m, true
	case tea.BatchMsg:
		for _, c := range m {
			if f, ok := firstFetched(c); ok {
				return f, true
			}
		}
	}
	return fetchedMsg{}, false
}

func TestPasteIntoPrompts(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.keys("enter", "/")
	h.send(tea.PasteMsg{Content: "we\x1b[31mb"})
	if got := h.r.top().(filterable).FilterText(); got != "web" {
		t.Fatalf("pasted filter %q, want web", got)
	}
	h.keys("enter", ":")
	h.send(tea.PasteMsg{Content: "ctx staging"})
	if h.r.input.Value() != "ctx staging" {
		t.Fatalf("pasted command %q", h.r.input.Value())
	}
}
