package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/textsafe"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/theme"
)

// chrome lines around the body: header, breadcrumb, status line, footer.
const chromeLines = 4

// bodySize is the page area: full width, the height minus chrome and banner.
func (r *root) bodySize() (int, int) {
	h := r.height - chromeLines
	if b := r.banner(); b != "" {
		h -= strings.Count(b, "\n") + 1
	}
	return max(r.width, 0), max(h, 0)
}

// View is the one gate between the console and the terminal: views clean
// each untrusted string they place, and textsafe.Frame drops any escape
// sequence other than the console's own SGR styling, any C1 control and any
// bidi control that got past them.
func (r *root) View() tea.View {
	v := tea.NewView(textsafe.Frame(r.render()))
	v.AltScreen = true
	v.WindowTitle = "ecstui"
	return v
}

// render draws the whole screen as exactly height lines.
func (r *root) render() string {
	if r.width <= 0 || r.height <= 0 {
		return ""
	}
	w := r.width
	lines := []string{r.headerLine(w), r.crumbLine(w)}
	if b := r.banner(); b != "" {
		lines = append(lines, b)
	}
	_, bodyH := r.bodySize()
	if bodyH > 0 {
		lines = append(lines, r.body(w, bodyH))
	}
	lines = append(lines, r.statusLine(w), r.footerLine(w))
	return padLines(strings.Join(lines, "\n"), r.height)
}

func (r *root) body(w, h int) string {
	if r.mode == modeHelp {
		return r.helpOverlay(w, h)
	}
	top := r.top()
	if top == nil {
		msg := r.st.Muted.Render("not connected — :ctx to pick a context")
		if r.connecting {
			msg = r.spin.View() + " " + r.st.Muted.Render("connecting to "+clean(r.d.Contexts[r.ctxIdx].Name)+"…")
		}
		return padLines(msg, h)
	}
	// Pages promise exactly their size; cut defensively so a misbehaving
	// page cannot push the footer off screen.
	return clip(top.View(), w, h)
}

// clip makes s exactly h lines of at most w cells.
func clip(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = fitLine(l, w)
		}
	}
	return padLines(strings.Join(lines, "\n"), h)
}

func (r *root) headerLine(w int) string {
	st := r.st
	c := r.d.Contexts[r.ctxIdx]
	kv := func(k, v string) string {
		if v == "" {
			return ""
		}
		return st.HeaderLabel.Render(k+" ") + st.HeaderValue.Render(clean(v))
	}
	var badges []string
	if r.d.ReadOnly || c.ReadOnly {
		badges = append(badges, st.ReadOnly.Render("READ-ONLY"))
	}
	if c.Production {
		badges = append(badges, st.Production.Render("PRODUCTION"))
	}
	// The freshness label is never dropped (stale data must say so); the
	// context details go from the least useful end when space is short.
	right := r.refreshLabel()
	if lipgloss.Width(right) > w {
		right = ""
	}
	budget := w
	if right != "" {
		budget -= lipgloss.Width(right) + 1
	}
	left := segments(budget, st.Muted.Render(" │ "),
		st.Title.Render("ecstui"), kv("ctx", c.Name), strings.Join(badges, " "),
		kv("cluster", r.currentCluster()), kv("region", c.Region), kv("profile", c.Profile))
	return spread(left, right, w)
}

// refreshLabel says how fresh the shown data is; data that failed to refresh
// is marked stale, never shown as fresh.
func (r *root) refreshLabel() string {
	st := r.st
	if r.connecting {
		return r.spin.View() + st.Muted.Render(" connecting")
	}
	rf, ok := r.top().(refresher)
	if !ok {
		return ""
	}
	s := rf.RefreshState()
	now := r.d.Now()
	switch {
	case s.Err != nil && awsapi.KindOf(s.Err) == awsapi.KindThrottled:
		return st.Stale.Render("THROTTLED · backing off") + stalePart(st, s, now)
	case s.Err != nil:
		return st.Stale.Render("STALE") + stalePart(st, s, now) + st.Bad.Render(" · "+awsapi.KindOf(s.Err).String())
	case s.Busy && !s.Loaded:
		return r.spin.View() + st.Muted.Render(" loading")
	case s.Busy:
		return r.spin.View() + st.Muted.Render(" refreshing · "+age(now, s.LastOK)+" ago")
	case s.Loaded:
		return st.Muted.Render("⟳ "+age(now, s.LastOK)+" ago") + r.sweepPart(s)
	}
	return ""
}

// sweepPart says how much of the account's API budget the console spends,
// for every page that polls, and, for a list refreshed piecemeal, how old
// its oldest row is: rows off screen are only as fresh as the last full
// sweep, and sorting or filtering works on them all.
func (r *root) sweepPart(s refreshState) string {
	if r.env == nil || (!s.Polls && s.Oldest.IsZero()) {
		return ""
	}
	st := r.st
	b := r.env.budgetStatus()
	var sweep string
	if !s.Oldest.IsZero() {
		sweep = " · full sweep " + age(r.env.clock(), s.Oldest) + " ago"
	}
	out := st.Muted.Render(sweep + " · api " + pct(b.InUse) + " of " + pct(b.Share))
	if len(b.Throttled) > 0 {
		out += st.Stale.Render(" · THROTTLED · backing off")
	}
	return out
}

// pct formats a fraction as a whole percentage.
func pct(f float64) string { return itoa(int(f*100+0.5)) + "%" }

// stalePart says how old the kept data is.
func stalePart(st *theme.Styles, s refreshState, now time.Time) string {
	if !s.Loaded {
		return st.Muted.Render(" · no data yet")
	}
	return st.Muted.Render(" · data " + age(now, s.LastOK) + " old")
}

func (r *root) crumbLine(w int) string {
	st := r.st
	var parts []string
	for i, p := range r.stack {
		t := clean(p.Title())
		if i == len(r.stack)-1 {
			parts = append(parts, st.CrumbActive.Render(t))
		} else {
			parts = append(parts, st.Crumb.Render(t))
		}
	}
	// Keep the end of a long trail: where you are matters more than where you began.
	sep := st.CrumbSep.Render(" › ")
	for len(parts) > 1 && lipgloss.Width(strings.Join(parts, sep)) > w-12 {
		parts = append([]string{st.Crumb.Render("…")}, parts[2:]...)
	}
	left := strings.Join(parts, sep)
	right := ""
	if c, ok := r.top().(counted); ok {
		shown, total := c.Counts()
		right = st.Muted.Render(itoa(shown) + "/" + itoa(total))
		if f, ok := r.top().(filterable); ok && f.FilterText() != "" {
			right = st.Accent.Render("/"+clean(f.FilterText())) + " " + right
		}
	}
	return spread(left, right, w)
}

// maxBannerLines bounds the error banner; longer messages end with "…".
const maxBannerLines = 2

// banner is the error over the body — a failed connection, or the current
// page's last refresh error (its data, if any, is kept and marked) — wrapped
// at words into at most maxBannerLines lines. "" when there is none.
func (r *root) banner() string {
	st := r.st
	msg, tone := "", st.Banner
	switch {
	case r.connErr != nil:
		msg = "✗ " + clean(r.connErr.Error()) + " — :ctx to switch context"
	default:
		rf, ok := r.top().(refresher)
		if !ok {
			return ""
		}
		s := rf.RefreshState()
		if s.Err == nil {
			return ""
		}
		msg = "✗ " + clean(s.Err.Error())
		if s.Loaded {
			msg += " — showing data from " + age(r.d.Now(), s.LastOK) + " ago"
		}
		if awsapi.KindOf(s.Err) == awsapi.KindThrottled {
			tone = st.Warn
		}
	}
	lines := wrapWords(msg, max(r.width, 1))
	if len(lines) > maxBannerLines {
		lines = lines[:maxBannerLines]
		last := lines[maxBannerLines-1]
		lines[maxBannerLines-1] = fitLine(last+" …", r.width)
	}
	for i, l := range lines {
		lines[i] = tone.Render(l)
	}
	return strings.Join(lines, "\n")
}

func (r *root) statusLine(w int) string {
	st := r.st
	switch r.mode {
	case modeCommand:
		line := st.Prompt.Render(":") + r.input.View()
		if r.completion() != "" {
			line += st.Suggestion.Render("  (tab)")
		}
		if r.inputErr != "" {
			line += "  " + st.StatusError.Render(r.inputErr)
		}
		return fitLine(line, w)
	case modeFilter:
		line := st.Prompt.Render("/") + r.input.View()
		if r.inputErr != "" {
			line += "  " + st.StatusError.Render(r.inputErr)
		} else {
			line += st.Suggestion.Render("  regex, !inverts · enter keeps · esc cancels")
		}
		return fitLine(line, w)
	case modeConfirmQuit:
		return r.confirmQuitLine(w)
	}
	if r.status == "" {
		return ""
	}
	if r.statusErr {
		return fitLine(st.StatusError.Render(r.status), w)
	}
	return fitLine(st.Status.Render(r.status), w)
}

// footerLine is the focused page's key help, then the global keys; whole
// items are dropped when they do not fit, but help and quit always show.
func (r *root) footerLine(w int) string {
	item := func(b key.Binding) string {
		if !b.Enabled() || b.Help().Key == "" {
			return ""
		}
		return r.st.HelpKey.Render(b.Help().Key) + " " + r.st.HelpDesc.Render(b.Help().Desc)
	}
	bs, far := r.footerBindings()
	var rights []string
	for _, b := range far {
		rights = append(rights, item(b))
	}
	right := segments(w, "  ", rights...)
	var items []string
	for _, b := range bs {
		if it := item(b); it != "" {
			items = append(items, it)
		}
	}
	left := segments(w-lipgloss.Width(right)-2, "  ", items...)
	return spread(left, right, w)
}

// footerBindings are the keys the footer offers: the page's own first, then
// the console's that apply on this page — none while the page takes every
// key (a form, a prompt), filter only on a filterable page, and none whose
// key the page already names (a dialog's esc is said once, in the page's
// words). far goes to the right edge.
func (r *root) footerBindings() (left, far []key.Binding) {
	top := r.top()
	if top != nil {
		left = top.KeyHelp()
		if c, ok := top.(page.Capturing); ok && c.Capturing() {
			return left, nil
		}
	}
	console := []key.Binding{r.keys.Command}
	if _, ok := top.(filterable); ok {
		console = append(console, r.keys.Filter)
	}
	console = append(console, r.keys.Back)
	return append(left, unshadowed(left, console)...), unshadowed(left, []key.Binding{r.keys.Help, r.keys.Quit})
}

// unshadowed returns the bindings of outer that share no key with inner: a
// page's binding shadows the console's for the same key.
func unshadowed(inner, outer []key.Binding) []key.Binding {
	taken := map[string]bool{}
	for _, b := range inner {
		if b.Enabled() {
			for _, k := range b.Keys() {
				taken[k] = true
			}
		}
	}
	var out []key.Binding
	for _, b := range outer {
		if !slices.ContainsFunc(b.Keys(), func(k string) bool { return taken[k] }) {
			out = append(out, b)
		}
	}
	return out
}

// helpContent is the help generated from the keymap: the page's keys, the
// table keys when the page is a table, the global keys, and the commands.
func (r *root) helpContent() string {
	hm := help.New()
	hm.Styles.FullKey = r.st.HelpKey
	hm.Styles.FullDesc = r.st.HelpDesc
	hm.Styles.FullSeparator = r.st.HelpSep
	hm.FullSeparator = "    "
	var groups [][]key.Binding
	var own []key.Binding
	if top := r.top(); top != nil && len(top.KeyHelp()) > 0 {
		own = top.KeyHelp()
		groups = append(groups, own)
	}
	if _, ok := r.top().(tabular); ok {
		groups = append(groups, r.keys.Table.Bindings())
	}
	groups = append(groups, unshadowed(own, r.keys.globalBindings()))
	var cmds []string
	for _, c := range commands() {
		name := ":" + c.name
		if len(c.aliases) > 0 {
			name += " (" + strings.Join(c.aliases, ", ") + ")"
		}
		if c.args != "" {
			name += " " + c.args
		}
		cmds = append(cmds, r.st.HelpKey.Render(name)+"  "+r.st.HelpDesc.Render(c.help))
	}
	keys := hm.FullHelpView(groups)
	if r.env != nil && r.env.readOnly {
		keys += "\n\n" + r.st.Warn.Render("read-only: the keys that change things (deploy, scale, stop, drain…) are off in this session")
	}
	return r.st.DialogTitle.Render("Keys") + "\n" + keys + "\n\n" +
		r.st.DialogTitle.Render("Commands") + "\n" + strings.Join(cmds, "\n") + "\n\n" +
		r.st.Muted.Render("filter: /regex · /!regex inverts · esc clears    sort: s next column · S reverse    ? or esc closes")
}

// helpOverlay is the help in a frame, or plain when the frame does not fit;
// help taller than the screen scrolls (r.helpTop) and says there is more.
func (r *root) helpOverlay(w, h int) string {
	content := r.helpContent()
	box := r.st.Dialog.Render(content)
	if lipgloss.Width(box) <= w && lipgloss.Height(box) <= h {
		return clip(lipgloss.Place(w, h, lipgloss.Center, lipgloss.Top, box), w, h)
	}
	lines := strings.Split(content, "\n") // no room for the frame: plain text
	if h <= 0 || len(lines) <= h {
		return clip(content, w, h)
	}
	top := min(r.helpTop, len(lines)-h)
	lines = lines[top : top+h]
	if more := len(strings.Split(content, "\n")) - top - h; more > 0 {
		lines[h-1] = r.st.Muted.Render(fmt.Sprintf("↓ %d more lines — j/k or ↑/↓ scroll · ? or esc closes", more))
	}
	return clip(strings.Join(lines, "\n"), w, h)
}

// scrollHelp moves the help by n lines, within what it has to show.
func (r *root) scrollHelp(n int) {
	_, h := r.bodySize()
	lines := strings.Count(r.helpContent(), "\n") + 1
	r.helpTop = max(min(r.helpTop+n, lines-h), 0)
}
