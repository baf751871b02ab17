package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/theme"
)

type sessionKind int

const (
	sessionCheck   sessionKind = iota // X: the readiness check only
	sessionExec                       // x: a shell
	sessionForward                    // f: a port forward
)

type sessionStage int

const (
	stageForm      sessionStage = iota // forward: ports and host
	stageChecking                      // gathering the facts
	stageChecked                       // the check is shown (and refused, or waiting for a typed name)
	stageOpening                       // ExecuteCommand / StartSession in flight
	stageInSession                     // the plugin has the terminal
	stageEnded                         // the session ended, or the forward runs in the background
	stageFailed                        // the facts could not be gathered, or the session not opened
)

// Messages, tagged with the page id.
type (
	factsMsg struct {
		id    uint64
		facts ops.ExecFacts
		err   error
	}
	openedMsg struct {
		id     uint64
		opened ops.OpenedSession
		res    ops.Result
	}
	sessionEndedMsg struct {
		id  uint64
		res ops.Result
	}
	forwardStartedMsg struct {
		id  uint64
		fw  *ops.Forward
		err error
	}
)

// pluginDoneMsg is the plugin's exit, when the console has the terminal back.
type pluginDoneMsg struct {
	id      uint64
	session string
	err     error
}

// sessionPage runs the readiness check, then (exec) hands the terminal to the
// session-manager-plugin and takes it back whatever the exit, or (forward)
// starts the plugin in the background.
type sessionPage struct {
	e         *env
	d         *sessionDeps
	id        uint64
	kind      sessionKind
	cluster   string
	task      model.Task
	container string

	ctx    context.Context
	cancel context.CancelFunc

	stage   sessionStage
	plan    ops.ExecPlan
	planned bool
	err     error
	note    string // the last outcome: "session ended (exit 0)"…
	noteBad bool

	inputs  []textinput.Model // forward: remote port, local port, host
	focus   int
	confirm textinput.Model // production: the container name

	width, height int
	scroll        int
}

func newSessionPage(e *env, kind sessionKind, cluster string, t model.Task, container string) *sessionPage {
	ctx, cancel := context.WithCancel(e.ctx)
	p := &sessionPage{e: e, d: e.sessions, id: e.nextID(), kind: kind, cluster: cluster, task: t, container: container, ctx: ctx, cancel: cancel}
	p.confirm = textinput.New()
	p.confirm.SetVirtualCursor(false)
	p.confirm.Prompt = ""
	p.confirm.CharLimit = 256
	if kind == sessionForward {
		p.stage = stageForm
		remote := ""
		if c, ok := containerOf(t, container); ok && len(c.NetworkBindings) > 0 {
			remote = strconv.Itoa(c.NetworkBindings[0].ContainerPort)
		}
		for i, v := range []string{remote, "", ""} {
			in := textinput.New()
			in.SetVirtualCursor(false)
			in.Prompt = ""
			in.CharLimit = 253
			in.SetValue(v)
			if i == 0 {
				in.Focus()
			}
			p.inputs = append(p.inputs, in)
		}
	} else {
		p.stage = stageChecking
	}
	return p
}

func containerOf(t model.Task, name string) (model.Container, bool) {
	for _, c := range t.Containers {
		if c.Name == name || name == "" {
			return c, true
		}
	}
	return model.Container{}, false
}

func (p *sessionPage) Init() tea.Cmd {
	if p.stage == stageChecking {
		return p.gather()
	}
	return nil
}

func (p *sessionPage) Title() string {
	what := map[sessionKind]string{sessionCheck: "exec check", sessionExec: "exec", sessionForward: "port forward"}[p.kind]
	target := shortID(p.task.ID)
	if c := p.chosen(); c != "" {
		target += "/" + c
	}
	return what + "(" + clean(target) + ")"
}

// chosen is the container the session goes to, once known.
func (p *sessionPage) chosen() string {
	if p.planned {
		return p.plan.Facts.Container
	}
	return p.container
}

func (p *sessionPage) SetSize(w, h int) { p.width, p.height = w, h }

func (p *sessionPage) Close() { p.cancel() }

// Capturing: the forward form and the production confirmation take keys.
func (p *sessionPage) Capturing() bool { return p.stage == stageForm || p.confirming() }

func (p *sessionPage) confirming() bool {
	return p.stage == stageChecked && p.kind != sessionCheck && p.d.production && p.d.allowed && p.planned && !p.plan.Blocked()
}

var (
	keySessionConnect = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "connect"))
	keySessionTyped   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm typed name"))
	keySessionField   = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field"))
	keySessionCheck   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check and forward"))
	keySessionAgain   = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check again"))
	keySessionScroll  = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll"))
	keySessionBack    = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
)

func (p *sessionPage) KeyHelp() []key.Binding {
	switch {
	case p.stage == stageForm:
		return []key.Binding{keySessionField, keySessionCheck, keySessionBack}
	case p.confirming():
		return []key.Binding{keySessionTyped, keySessionBack}
	case p.stage == stageChecked || p.stage == stageEnded || p.stage == stageFailed:
		k := []key.Binding{}
		if p.planned && p.plan.Readiness.Ready() && p.d.allowed &&
			(p.kind == sessionCheck && p.stage == stageChecked || p.kind == sessionExec && p.stage == stageEnded) {
			k = append(k, keySessionConnect)
		}
		return append(k, keySessionAgain, keySessionScroll)
	}
	return nil
}

func (p *sessionPage) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	switch m := msg.(type) {
	case factsMsg:
		if m.id != p.id {
			return p, nil
		}
		if m.err != nil {
			p.stage, p.err = stageFailed, m.err
			return p, nil
		}
		p.err = nil
		p.plan, p.planned, p.stage = p.planFor(m.facts), true, stageChecked
		if p.confirming() {
			p.confirm.Reset()
			p.confirm.Focus()
			return p, nil
		}
		if p.kind != sessionCheck && !p.plan.Blocked() && p.d.allowed {
			return p, p.open()
		}
		return p, nil
	case openedMsg:
		if m.id != p.id {
			return p, nil
		}
		if m.res.Outcome != ops.OutcomeSuccess {
			p.stage, p.note = stageFailed, string(m.res.Outcome)+": "+m.res.Message
			return p, page.Status(p.note, true)
		}
		if p.plan.Action == ops.ActionPortForward {
			return p, p.startForward(m.opened)
		}
		p.stage = stageInSession
		id, sid := p.id, m.opened.ID
		// The console is suspended while the plugin runs and restored
		// whatever its exit: the callback always comes back.
		return p, p.d.execProcess(pluginCommand(m.opened), func(err error) tea.Msg {
			return pluginDoneMsg{id: id, session: sid, err: err}
		})
	case pluginDoneMsg:
		if m.id != p.id {
			return p, nil
		}
		plan, r, id := p.plan, p.d.runner(), p.id
		return p, func() tea.Msg { return sessionEndedMsg{id: id, res: r.EndSession(plan, m.session, m.err)} }
	case sessionEndedMsg:
		if m.id != p.id {
			return p, nil
		}
		p.stage, p.note, p.noteBad = stageEnded, m.res.Message, m.res.Outcome != ops.OutcomeSuccess
		return p, page.Status(m.res.Message, p.noteBad)
	case forwardStartedMsg:
		if m.id != p.id {
			return p, nil
		}
		if m.err != nil {
			p.stage, p.note = stageFailed, "the plugin did not start: "+m.err.Error()
			return p, page.Status(p.note, true)
		}
		p.d.forwards.add(m.fw)
		p.stage = stageEnded
		p.note = fmt.Sprintf("forwarding 127.0.0.1:%d → %s (:forwards lists it)", m.fw.LocalPort, forwardTarget(p.plan))
		return p, page.Status(p.note, false)
	case tea.KeyPressMsg:
		return p.key(m)
	}
	return p, nil
}

func (p *sessionPage) key(m tea.KeyPressMsg) (page.Page, tea.Cmd) {
	k := m.String()
	switch {
	case p.stage == stageForm:
		return p.formKey(m)
	case p.confirming():
		switch k {
		case "esc":
			return p, page.Back()
		case "enter":
			if p.confirm.Value() == p.plan.Target {
				p.confirm.Blur()
				return p, p.open()
			}
			return p, page.Status("type "+p.plan.Target+" exactly to confirm", true)
		}
		p.confirm, _ = p.confirm.Update(m)
		return p, nil
	}
	switch k {
	case "esc":
		return p, page.Back()
	case "up", "k":
		p.scroll = max(0, p.scroll-1)
	case "down", "j":
		p.scroll++
	case "r":
		if p.stage == stageChecked || p.stage == stageEnded || p.stage == stageFailed {
			p.stage, p.scroll = stageChecking, 0
			return p, p.gather()
		}
	case "enter":
		if p.kind == sessionExec && p.stage == stageEnded {
			// Again: the check runs first, then the session opens.
			p.stage, p.scroll, p.note = stageChecking, 0, ""
			return p, p.gather()
		}
		if p.kind == sessionCheck && p.planned && p.plan.Readiness.Ready() && p.d.allowed && p.stage == stageChecked {
			p.kind = sessionExec
			p.plan = p.planFor(p.plan.Facts)
			if p.confirming() {
				p.confirm.Focus()
				return p, nil
			}
			return p, p.open()
		}
	}
	return p, nil
}

func (p *sessionPage) formKey(m tea.KeyPressMsg) (page.Page, tea.Cmd) {
	switch m.String() {
	case "esc":
		return p, page.Back()
	case "tab", "down":
		p.setFocus((p.focus + 1) % len(p.inputs))
		return p, nil
	case "shift+tab", "up":
		p.setFocus((p.focus + len(p.inputs) - 1) % len(p.inputs))
		return p, nil
	case "enter":
		if _, err := p.forwardInput(); err != nil {
			return p, page.Status(err.Error(), true)
		}
		p.stage = stageChecking
		return p, p.gather()
	}
	p.inputs[p.focus], _ = p.inputs[p.focus].Update(m)
	return p, nil
}

func (p *sessionPage) setFocus(i int) {
	p.inputs[p.focus].Blur()
	p.focus = i
	p.inputs[i].Focus()
}

// forwardInput reads the form; the plan validates the ranges.
func (p *sessionPage) forwardInput() (ops.ForwardInput, error) {
	var in ops.ForwardInput
	rs := strings.TrimSpace(p.inputs[0].Value())
	n, err := strconv.Atoi(rs)
	if err != nil {
		return in, fmt.Errorf("remote port: %q is not a number", rs)
	}
	in.RemotePort = n
	if ls := strings.TrimSpace(p.inputs[1].Value()); ls != "" {
		if in.LocalPort, err = strconv.Atoi(ls); err != nil {
			return in, fmt.Errorf("local port: %q is not a number (leave it empty for any free port)", ls)
		}
	}
	in.Host = strings.TrimSpace(p.inputs[2].Value())
	return in, nil
}

func (p *sessionPage) planFor(f ops.ExecFacts) ops.ExecPlan {
	if p.kind == sessionForward {
		in, _ := p.forwardInput()
		return ops.PlanForward(f, in)
	}
	return ops.PlanExec(f, p.d.command)
}

func (p *sessionPage) gather() tea.Cmd {
	id, ctx, d, cluster, task, container := p.id, p.ctx, p.d, p.cluster, p.task.ARN, p.container
	return func() tea.Msg {
		f, err := ops.GatherExec(ctx, d.api, d.finder, cluster, task, container)
		return factsMsg{id: id, facts: f, err: err}
	}
}

func (p *sessionPage) open() tea.Cmd {
	p.stage = stageOpening
	id, ctx, d, plan := p.id, p.ctx, p.d, p.plan
	return func() tea.Msg {
		r := d.runner()
		var o ops.OpenedSession
		var res ops.Result
		if plan.Action == ops.ActionPortForward {
			o, res = r.OpenForward(ctx, d.api, plan)
		} else {
			o, res = r.OpenExec(ctx, d.api, plan)
		}
		return openedMsg{id: id, opened: o, res: res}
	}
}

func (p *sessionPage) startForward(o ops.OpenedSession) tea.Cmd {
	id, d, plan := p.id, p.d, p.plan
	return func() tea.Msg {
		// The forward belongs to the console, not to this page or context.
		fw, err := d.runner().StartForward(context.Background(), o, plan)
		return forwardStartedMsg{id: id, fw: fw, err: err}
	}
}

func forwardTarget(p ops.ExecPlan) string {
	if p.Forward == nil {
		return ""
	}
	if p.Forward.Host != "" {
		return fmt.Sprintf("%s:%d through %s", p.Forward.Host, p.Forward.RemotePort, p.Facts.Container)
	}
	return fmt.Sprintf("%s:%d", p.Facts.Container, p.Forward.RemotePort)
}

func (p *sessionPage) View() string {
	st := p.e.st
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	if p.stage == stageForm {
		add(st.Title.Render("Port forward to task "+clean(shortID(p.task.ID))+" "+clean(p.container)), "")
		labels := []string{"remote port", "local port", "remote host"}
		hints := []string{"the port in the container, or on the remote host", "empty: any free port on 127.0.0.1", "empty: the container itself; else a host it can reach (a database)"}
		for i, in := range p.inputs {
			mark := "  "
			if i == p.focus {
				mark = st.Accent.Render("▸ ")
			}
			add(mark+st.Key.Render(fmt.Sprintf("%-12s", labels[i]))+" "+in.View()+cursorMark(i == p.focus, st), "    "+st.Muted.Render(hints[i]))
		}
		return p.fit(lines)
	}
	if p.stage == stageChecking && !p.planned {
		return p.fit([]string{p.e.loading("the exec readiness check")})
	}
	if p.err != nil {
		return p.fit([]string{st.Bad.Render("cannot check: " + clean(p.err.Error()))})
	}
	add(st.Title.Render(clean(p.plan.Summary)), "")
	add(readinessLines(st, p.plan.Readiness, p.width)...)
	add("")
	for _, b := range p.plan.Blockers {
		if !strings.Contains(b, " — fix: ") {
			add(st.Bad.Render("refused: " + clean(b)))
		}
	}
	switch {
	case p.stage == stageChecking:
		add(p.e.loading("the check again"))
	case !p.d.allowed && p.kind != sessionCheck:
		add(st.Bad.Render("read-only: exec and port forwarding are off in this context"))
	case !p.d.allowed && p.planned && p.plan.Readiness.Ready():
		add(st.Warn.Render("Ready, but this context is read-only: exec and port forwarding need allowExecInReadOnly: true on it."))
	case p.stage == stageOpening:
		add(p.e.spin.View() + " " + st.Muted.Render("opening the session…"))
	case p.stage == stageInSession:
		add(st.Muted.Render("the session has the terminal…"))
	case p.confirming():
		add(st.Warn.Render("Production context "+clean(p.d.context)+": type "+clean(p.plan.Target)+" and enter to open the session"),
			"> "+p.confirm.View()+cursorMark(true, st))
	case p.note != "":
		tone := st.OK
		if p.stage == stageFailed || p.noteBad {
			tone = st.Bad
		}
		add(tone.Render(clean(p.note)))
		if p.kind == sessionExec && p.stage == stageEnded {
			add(st.Muted.Render("enter: connect again"))
		}
	case p.planned && !p.plan.Readiness.Ready():
		add(st.Bad.Render("Not ready: fix the missing items above, then r to check again."))
	case p.kind == sessionCheck && p.planned && p.d.allowed:
		add(st.OK.Render("Ready: enter opens a shell (" + clean(p.d.command) + ")."))
	}
	return p.fit(lines)
}

func cursorMark(on bool, st *theme.Styles) string {
	if !on {
		return ""
	}
	return st.Accent.Render("▏")
}

// readinessLines renders the check: status, item, detail; the fix below.
func readinessLines(st *theme.Styles, r ops.Readiness, width int) []string {
	w := 0
	for _, l := range r.Lines {
		w = max(w, len(l.Item))
	}
	var out []string
	for _, l := range r.Lines {
		tone := theme.ToneMuted
		switch l.Status {
		case ops.CheckOK:
			tone = theme.ToneOK
		case ops.CheckMissing:
			tone = theme.ToneBad
		case ops.CheckWarn:
			tone = theme.ToneWarn
		case ops.CheckNote:
			tone = theme.ToneInfo
		}
		out = append(out, st.Tone(tone).Render(fmt.Sprintf("%-8s", l.Status))+st.Key.Render(fmt.Sprintf("%-*s", w, clean(l.Item)))+"  "+
			truncate(clean(l.Detail), max(10, width-w-12)))
		if l.Fix != "" {
			// Fixes hold commands to copy: they get the whole width.
			for _, fl := range wrapText(l.FixLabel()+clean(l.Fix), max(20, width-10)) {
				out = append(out, strings.Repeat(" ", 8)+st.Accent.Render(fl))
			}
		}
	}
	return out
}

// wrapText breaks s at spaces into lines of at most width cells.
func wrapText(s string, width int) []string {
	var out []string
	for len([]rune(s)) > width {
		r := []rune(s)
		cut := width
		for i := width; i > width/2; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimRight(string(r[:cut]), " "))
		s = strings.TrimLeft(string(r[cut:]), " ")
	}
	return append(out, s)
}

func truncate(s string, w int) string {
	r := []rune(s)
	if len(r) <= w {
		return s
	}
	return string(r[:w-1]) + "…"
}

// fit scrolls lines into the body.
func (p *sessionPage) fit(lines []string) string {
	h := max(1, p.height)
	p.scroll = min(p.scroll, max(0, len(lines)-h))
	lines = lines[p.scroll:]
	if len(lines) > h {
		lines = lines[:h]
	}
	return strings.Join(lines, "\n")
}
