package actions

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/textsafe"
	"github.com/ecstui/ecstui/ui/theme"
)

// board accumulates an executor's events into what the progress board shows.
type board struct {
	action    string
	steps     []string // step messages, oldest first (bounded)
	rollout   *ops.RolloutProgress
	events    []model.ServiceEvent // service events seen while watching (bounded)
	instances []ops.InstanceProgress
	services  []ops.ServiceCount
	nodes     []ops.NodeResult
	refresh   *ops.RefreshProgress
}

const boardHistory = 200

func (b *board) add(e ops.Event) {
	if e.Rollout != nil {
		b.rollout = e.Rollout
		b.events = append(b.events, e.Rollout.NewEvents...)
		if n := len(b.events); n > boardHistory {
			b.events = b.events[n-boardHistory:]
		}
	}
	if e.Instances != nil {
		b.instances = e.Instances
	}
	if e.Services != nil {
		b.services = e.Services
	}
	if e.Nodes != nil {
		b.nodes = e.Nodes
	}
	if e.Refresh != nil {
		b.refresh = e.Refresh
	}
	if e.Rollout == nil && e.Instances == nil && e.Refresh == nil && e.Message != "" {
		b.steps = append(b.steps, e.Message)
		if n := len(b.steps); n > boardHistory {
			b.steps = b.steps[n-boardHistory:]
		}
	}
}

func (b *board) finish(res ops.Result) {
	if res.Instances != nil {
		b.instances = res.Instances
	}
	if res.Nodes != nil {
		b.nodes = res.Nodes
	}
}

func (f *flow) View() string {
	st := f.d.styles()
	var lines []string
	title := st.DialogTitle.Render(textsafe.CleanLine(f.Title()))
	if f.d.ReadOnly {
		title += " " + st.ReadOnly.Render("READ-ONLY")
	} else if f.d.Production {
		title += " " + st.Production.Render("PRODUCTION")
	}
	lines = append(lines, title, "")
	switch f.stage {
	case stageLoading:
		lines = append(lines, st.Muted.Render("reading the current state…"))
	case stageError:
		lines = append(lines, st.Bad.Render("cannot plan: "+textsafe.CleanLine(errText(f.err))))
	case stageForm:
		lines = append(lines, f.formLines(st)...)
	case stagePlan:
		lines = append(lines, f.planLines(st)...)
	case stageRunning, stageDone:
		lines = append(lines, f.boardLines(st)...)
	}
	return f.fit(lines)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// fit wraps long lines at word boundaries (continuations indented), keeps
// the title fixed and scrolls the rest within the body size.
func (f *flow) fit(lines []string) string {
	w, h := max(f.width, 20), max(f.height, 3)
	head, rest := lines[:min(2, len(lines))], lines[min(2, len(lines)):]
	var body []string
	for _, l := range rest {
		if ansi.StringWidth(l) <= w {
			body = append(body, l)
			continue
		}
		for i, part := range strings.Split(wrapKeepingFlags(l, w-4), "\n") {
			if i > 0 {
				part = "    " + part
			}
			body = append(body, part)
		}
	}
	room := h - len(head)
	if f.scroll > max(0, len(body)-room) {
		f.scroll = max(0, len(body)-room)
	}
	if len(body) > room {
		body = body[f.scroll:min(len(body), f.scroll+room)]
	}
	out := append(append([]string{}, head...), body...)
	for i, l := range out {
		out[i] = lipgloss.NewStyle().MaxWidth(w).Render(l)
	}
	for len(out) < h {
		out = append(out, "")
	}
	return strings.Join(out[:h], "\n")
}

func (f *flow) formLines(st *theme.Styles) []string {
	var l []string
	width := 0
	// Labels and hints name containers and revisions: text from AWS.
	labels := make([]string, len(f.fields))
	for i, fl := range f.fields {
		labels[i] = textsafe.CleanLine(fl.label)
		width = max(width, lipgloss.Width(labels[i]))
	}
	for i, fl := range f.fields {
		pad := strings.Repeat(" ", width-lipgloss.Width(labels[i]))
		label := st.Key.Render(labels[i] + pad)
		val := f.inputs[i].Value() // kept clean by input.Line
		if i == f.focus {
			val = f.inputs[i].View()
			label = st.Accent.Render(labels[i] + pad)
		}
		l = append(l, label+"  "+val)
		if fl.hint != "" && i == f.focus {
			l = append(l, strings.Repeat(" ", width+2)+st.Muted.Render(textsafe.CleanLine(fl.hint)))
		}
	}
	l = append(l, "", st.Muted.Render("tab: next field · enter: show the plan · esc: cancel"))
	if f.err != nil {
		l = append(l, st.Bad.Render(textsafe.CleanLine(f.err.Error())))
	}
	return l
}

func (f *flow) planLines(st *theme.Styles) []string {
	p := f.plan
	l := []string{st.Dangerous.Render("Plan: ") + st.Text.Render(textsafe.CleanLine(p.Summary))}
	section := func(title string, style lipgloss.Style, lines []string) {
		if len(lines) == 0 {
			return
		}
		l = append(l, "", st.Title.Render(title))
		for _, x := range lines {
			l = append(l, "  "+style.Render(textsafe.CleanLine(x)))
		}
	}
	section("Changes", st.Text, p.Changes)
	if len(p.Diff) > 0 {
		l = append(l, "", st.Title.Render("Task definition diff"))
		for _, d := range p.Diff {
			d = textsafe.CleanLine(d)
			switch {
			case strings.HasPrefix(d, "+ "):
				l = append(l, "  "+st.Diff.Added.Render(d))
			case strings.HasPrefix(d, "- "):
				l = append(l, "  "+st.Diff.Removed.Render(d))
			default:
				l = append(l, "  "+st.Diff.Context.Render("~ ")+st.Text.Render(d))
			}
		}
	}
	if pv := p.Preview; pv != nil {
		tone := st.OK
		switch pv.Verdict {
		case ops.VerdictSlow, ops.VerdictStall:
			tone = st.Warn
		case ops.VerdictBlocked:
			tone = st.Bad
		}
		l = append(l, "", st.Title.Render("Placement preview ")+tone.Render("["+pv.Verdict+"]"))
		for _, x := range pv.Lines {
			l = append(l, "  "+st.Text.Render(x))
		}
		for _, x := range pv.Suggestions {
			l = append(l, "  "+st.Accent.Render("→ "+x))
		}
	}
	section("Strategies", st.Text, p.Strategies)
	section("Warnings", st.Warn, p.Warnings)
	section("Refused", st.Bad, p.Blockers)
	section("Equivalent AWS CLI", st.Muted, p.Commands)
	l = append(l, "")
	if f.canWatch() {
		l = append(l, st.Accent.Render("press w to watch the instance refresh in progress"))
	}
	switch {
	case f.d.ReadOnly:
		l = append(l, st.ReadOnly.Render("read-only")+" "+st.Muted.Render("this context cannot change anything: the plan is shown for reference"))
	case p.Blocked() && !p.Overridable:
		l = append(l, st.Bad.Render("this plan cannot be confirmed"))
	case f.needsTyping():
		why := "production context"
		if p.Blocked() {
			why = "override the refusal"
		}
		l = append(l, st.Dangerous.Render(fmt.Sprintf("%s: type %s and press enter to confirm", why, textsafe.CleanLine(p.Target))),
			st.Prompt.Render("> ")+f.confirm.View())
	default:
		l = append(l, st.Dangerous.Render("press y to apply")+st.Muted.Render(" · esc to cancel"))
	}
	return l
}

// boardLines puts the state first (running, or the outcome with what was
// and was not done), then the board, then the recent steps: the answer to
// "is it done?" is always on screen without scrolling.
func (f *flow) boardLines(st *theme.Styles) []string {
	var l []string
	b := &f.board
	if r := f.result; r != nil {
		tone := st.OK
		if !r.OK() {
			tone = st.Bad
		}
		l = append(l, tone.Render(strings.ToUpper(string(r.Outcome)))+" "+st.Text.Render(textsafe.CleanLine(r.Message)))
		for _, d := range r.Done {
			l = append(l, "  "+st.OK.Render("✓ ")+textsafe.CleanLine(d))
		}
		for _, d := range r.NotDone {
			l = append(l, "  "+st.Warn.Render("✗ ")+textsafe.CleanLine(d))
		}
		if !f.d.ReadOnly && f.spec.retry != nil && len(ops.FailedNodes(r.Nodes)) > 0 {
			l = append(l, st.Accent.Render("press r to retry the failed nodes"))
		}
		if !f.d.ReadOnly && f.spec.rollback != nil && r.DeploymentID != "" && !r.RolledBack {
			l = append(l, st.Accent.Render("press R to roll back to the previous revision"))
		}
	} else {
		hint := "running — a: abort, esc: stop watching (ECS carries on)"
		switch {
		case f.spec.board == boardDrain:
			hint = "running — p: pause after this batch, a or esc: stop now (state is saved; resume later)"
		case f.refreshKeys():
			hint = "watching — c: cancel the refresh, R: roll it back, a or esc: stop watching (the refresh goes on in AWS)"
		case f.spec.board == boardRefresh:
			hint = "watching — a or esc: stop watching (the refresh goes on in AWS)"
		}
		l = append(l, st.Spinner.Render("● ")+st.Muted.Render(hint))
	}
	l = append(l, "")
	switch f.spec.board {
	case boardRollout:
		l = append(l, rolloutLines(st, b)...)
	case boardDrain:
		l = append(l, drainLines(st, b, f.ctl.drainIDText(), f.result != nil && f.result.OK())...)
	case boardDaemon:
		l = append(l, daemonLines(st, b)...)
	case boardRefresh:
		l = append(l, refreshLines(st, b)...)
	}
	if len(b.steps) > 0 {
		l = append(l, "", st.Title.Render("Steps"))
		for _, s := range b.steps[max(0, len(b.steps)-6):] {
			l = append(l, "  "+st.Muted.Render(textsafe.CleanLine(s)))
		}
	}
	return l
}

func rolloutLines(st *theme.Styles, b *board) []string {
	rp := b.rollout
	if rp == nil {
		return []string{st.Muted.Render("waiting for the first observation…")}
	}
	state := rp.RolloutState
	if state == "" {
		state = "-"
	}
	l := []string{
		st.Key.Render("deployment ") + st.Text.Render(rp.DeploymentID) + "  " + st.Key.Render("rollout ") + st.StatusStyle(state).Render(state),
		st.Key.Render("service    ") + fmt.Sprintf("desired %d · running %d · pending %d", rp.Desired, rp.Running, rp.Pending),
	}
	if rp.Reason != "" {
		l = append(l, st.Key.Render("reason     ")+textsafe.CleanLine(rp.Reason))
	}
	l = append(l, "")
	row := func(label string, d model.Deployment) string {
		return fmt.Sprintf("%-4s %-22s %s %3d/%-3d running  %d pending  %d failed  %s",
			label, trunc(model.ResourceID(d.TaskDefinitionARN), 22), st.ProgressBar(d.RunningCount, max(d.DesiredCount, 1), 20),
			d.RunningCount, d.DesiredCount, d.PendingCount, d.FailedTasks, st.StatusStyle(d.Status).Render(d.Status))
	}
	label := "new"
	if b.action == ops.ActionScale {
		label = "cur" // a scale changes the current deployment, it starts none
	}
	l = append(l, row(label, rp.New))
	for _, d := range rp.Old {
		l = append(l, row("old", d))
	}
	if len(b.events) > 0 {
		l = append(l, "", st.Title.Render("Service events"))
		for _, e := range b.events[max(0, len(b.events)-8):] {
			// Every ECS event starts "(service NAME) ": the board is that service's.
			msg := strings.TrimPrefix(e.Message, "(service "+rp.Service+") ")
			l = append(l, "  "+st.Muted.Render(e.CreatedAt.UTC().Format("15:04:05"))+" "+textsafe.CleanLine(msg))
		}
	}
	return l
}

func drainLines(st *theme.Styles, b *board, id string, done bool) []string {
	var l []string
	if id != "" {
		line := st.Key.Render("drain run ") + id
		if !done {
			line += st.Muted.Render("  (resume after a stop: ecstui drain --resume " + id + ")")
		}
		l = append(l, line, "")
	}
	l = append(l, st.TableHeader.Render(fmt.Sprintf("%-20s %-12s %-5s %-20s %s", "INSTANCE", "STATE", "TASKS", "REPLACEMENT", "NOTE")))
	for _, ip := range b.instances {
		state := st.Tone(drainTone(ip.State)).Render(fmt.Sprintf("%-12s", ip.State))
		l = append(l, fmt.Sprintf("%-20s %s %-5d %-20s %s", trunc(ip.EC2InstanceID, 20), state, ip.TasksLeft, trunc(orDash(ip.Replacement), 20), textsafe.CleanLine(ip.Note)))
	}
	if len(b.services) > 0 {
		l = append(l, "", st.Title.Render("Services whose tasks are moving"))
		for _, sc := range b.services {
			l = append(l, fmt.Sprintf("  %-24s %s %3d/%-3d running  %d pending", trunc(sc.Name, 24),
				st.ProgressBar(sc.Running, max(sc.Desired, 1), 20), sc.Running, sc.Desired, sc.Pending))
		}
	}
	return l
}

func drainTone(s string) theme.Tone {
	switch s {
	case ops.DrainReplaced, ops.DrainNotReplaced:
		return theme.ToneOK
	case ops.DrainDraining, ops.DrainTerminating, ops.DrainECS:
		return theme.ToneDrain
	case ops.DrainTerminated:
		return theme.ToneWarn
	case ops.DrainBlocked, ops.DrainFailed:
		return theme.ToneBad
	}
	return theme.ToneMuted
}

func daemonLines(st *theme.Styles, b *board) []string {
	counts := map[string]int{}
	for _, n := range b.nodes {
		counts[n.State]++
	}
	l := []string{
		fmt.Sprintf("%s started · %s already running · %s failed · %d to start",
			st.OK.Render(fmt.Sprint(counts[ops.NodeStarted])), st.Muted.Render(fmt.Sprint(counts[ops.NodeAlreadyRunning])),
			st.Bad.Render(fmt.Sprint(counts[ops.NodeFailed])), counts[ops.NodeToStart]),
		"",
		st.TableHeader.Render(fmt.Sprintf("%-20s %-38s %-16s %s", "INSTANCE", "CONTAINER INSTANCE", "RESULT", "DETAIL")),
	}
	for _, n := range b.nodes {
		tone := theme.ToneMuted
		switch n.State {
		case ops.NodeStarted:
			tone = theme.ToneOK
		case ops.NodeFailed:
			tone = theme.ToneBad
		case ops.NodeToStart:
			tone = theme.ToneWarn
		}
		detail := n.Reason
		if n.TaskID != "" {
			detail = "task " + n.TaskID
		}
		l = append(l, fmt.Sprintf("%-20s %-38s %s %s", trunc(n.EC2InstanceID, 20), trunc(n.ContainerInstance, 38), st.Tone(tone).Render(fmt.Sprintf("%-16s", n.State)), textsafe.CleanLine(detail)))
	}
	return l
}

func trunc(s string, n int) string {
	s = textsafe.CleanLine(s)
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// nbHyphen stands in for '-' while a line is wrapped: ansi.Wrap breaks after
// every hyphen, which splits a flag or a name in a plan ("--suspend-" /
// "autoscaling") and makes a copied command wrong. It is as wide as '-'.
const nbHyphen = "\u2011"

// wrapKeepingFlags wraps l at spaces, commas and semicolons only (a word
// longer than the line is still cut). A line that already holds the stand-in
// is wrapped as is, so no text is ever changed.
func wrapKeepingFlags(l string, width int) string {
	if strings.Contains(l, nbHyphen) {
		return ansi.Wrap(l, width, " ,;")
	}
	wrapped := ansi.Wrap(strings.ReplaceAll(l, "-", nbHyphen), width, " ,;")
	return strings.ReplaceAll(wrapped, nbHyphen, "-")
}
