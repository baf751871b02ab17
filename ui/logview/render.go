package logview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/logs"
	"github.com/ecstui/ecstui/ui/theme"
)

// styles are the viewer's styles, built once from the theme.
type styles struct {
	labels []lipgloss.Style // by source index, cycling
	time   lipgloss.Style
	marker lipgloss.Style
	match  lipgloss.Style
	cursor lipgloss.Style
	sep    lipgloss.Style
	status lipgloss.Style
	live   lipgloss.Style
	poll   lipgloss.Style
	bad    lipgloss.Style
	muted  lipgloss.Style
	prompt lipgloss.Style
	text   lipgloss.Style
}

// labelColors avoid red (errors) and the muted grey; ANSI-16 so they follow
// the terminal's scheme like the rest of the theme.
var labelColors = []color.Color{
	lipgloss.Cyan, lipgloss.Green, lipgloss.Yellow, lipgloss.Blue, lipgloss.Magenta,
	lipgloss.BrightCyan, lipgloss.BrightGreen, lipgloss.BrightYellow, lipgloss.BrightBlue, lipgloss.BrightMagenta,
}

func newStyles(st *theme.Styles) styles {
	s := styles{
		time: st.Muted, marker: st.Warn.Bold(true), match: st.Match, cursor: st.TableSelected,
		sep: st.Muted, status: st.Status, live: st.OK.Bold(true), poll: st.Warn.Bold(true),
		bad: st.StatusError, muted: st.Muted, prompt: st.Prompt, text: st.Text,
	}
	for _, c := range labelColors {
		s.labels = append(s.labels, lipgloss.NewStyle().Foreground(c))
	}
	return s
}

func (m *Model) bodyHeight() int { return max(m.height-1, 1) }

// prefixWidth is the width of "time label " before a message.
func (m *Model) prefixWidth() int {
	w := m.lblW + 1
	if m.showTime {
		w += len("15:04:05.000 ")
	}
	return w
}

func (m *Model) msgWidth() int { return max(m.width-m.prefixWidth(), 10) }

// segments splits a line's message into display rows (plain text).
func (m *Model) segments(l logs.Line) []string {
	if l.Kind == logs.KindDropped {
		return m.fit(l.MarkerText(), max(m.width, 10))
	}
	msg := l.Message
	if m.pretty {
		if t := strings.TrimSpace(msg); len(t) > 1 && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
			var b bytes.Buffer
			if json.Indent(&b, []byte(t), "", "  ") == nil {
				msg = b.String()
			}
		}
	}
	w := m.msgWidth()
	var rows []string
	for _, part := range strings.Split(msg, "\n") {
		rows = append(rows, m.fit(part, w)...)
	}
	return rows
}

// fit wraps (wrap on) or truncates s to w cells.
func (m *Model) fit(s string, w int) []string {
	if ansi.StringWidth(s) <= w {
		return []string{s}
	}
	if !m.wrap {
		return []string{ansi.Truncate(s, w, "…")}
	}
	// Word-wrap, breaking words only when one is longer than a row; a row
	// may still end in the space that separated words.
	rows := strings.Split(ansi.Wrap(s, w, ""), "\n")
	for i := range rows {
		rows[i] = ansi.Truncate(rows[i], w, "")
	}
	return rows
}

func (m *Model) rowsOf(i int) int { return len(m.segments(m.buf.At(i))) }

// clamp keeps the cursor inside the buffer and visible.
func (m *Model) clamp() {
	n := m.buf.Len()
	if n == 0 {
		m.cur, m.top = 0, 0
		return
	}
	if m.follow {
		m.cur = n - 1
		return
	}
	m.cur = min(max(m.cur, 0), n-1)
	m.top = min(max(m.top, 0), n-1)
	if m.cur < m.top {
		m.top = m.cur
		return
	}
	// Is the cursor's last row inside the body? If not, put it at the bottom.
	h, rows := m.bodyHeight(), 0
	for i := m.top; i <= m.cur; i++ {
		rows += m.rowsOf(i)
		if rows > h {
			break
		}
	}
	if rows <= h {
		return
	}
	rows = 0
	top := m.cur
	for i := m.cur; i >= 0; i-- {
		rows += m.rowsOf(i)
		if rows > h && i < m.cur {
			break
		}
		top = i
	}
	m.top = top
}

// View renders the body: lines, then the status (or prompt) line.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	h := m.bodyHeight()
	var rows []string
	if m.buf.Len() == 0 {
		rows = m.empty()
	} else if m.follow {
		// Bottom-anchored: render from the newest line upward.
		for i := m.buf.Len() - 1; i >= 0 && len(rows) < h; i-- {
			rows = append(m.render(i), rows...)
		}
		if len(rows) > h {
			rows = rows[len(rows)-h:]
		}
	} else {
		for i := m.top; i < m.buf.Len() && len(rows) < h; i++ {
			rows = append(rows, m.render(i)...)
		}
		rows = rows[:min(len(rows), h)]
	}
	for len(rows) < h {
		rows = append(rows, "")
	}
	for i, r := range rows {
		rows[i] = pad(r, m.width)
	}
	rows = append(rows, pad(m.statusLine(), m.width))
	return strings.Join(rows, "\n")
}

// pad truncates or pads a styled row to exactly w cells.
func pad(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-sw)
}

// empty explains an empty pane.
func (m *Model) empty() []string {
	st := m.status
	var rows []string
	switch {
	case st.Mode == logs.ModeFailed:
		rows = append(rows, m.sty.bad.Render("No logs for "+m.target.String()+":"))
		rows = append(rows, m.fit(st.Why, m.width)...)
	case st.Mode == logs.ModeStarting:
		rows = append(rows, m.sty.muted.Render("Finding log streams and reading history…"))
	default:
		what := "no lines yet"
		if m.since > 0 {
			what = "no lines in the last " + m.sinceName()
		}
		if m.filter != "" {
			what += fmt.Sprintf(" matching %q", m.filter)
		}
		rows = append(rows, m.sty.muted.Render(what+"; new lines appear here as they are written."))
	}
	if len(st.Unavailable) > 0 && st.Mode != logs.ModeFailed {
		rows = append(rows, "", m.sty.muted.Render("Containers without CloudWatch logs:"))
		for _, u := range st.Unavailable {
			rows = append(rows, m.fit("  "+u.String(), m.width)...)
		}
	}
	return rows
}

// render styles line i into its rows.
func (m *Model) render(i int) []string {
	l := m.buf.At(i)
	segs := m.segments(l)
	selected := !m.follow && i == m.cur
	if l.Kind == logs.KindDropped {
		out := make([]string, len(segs))
		for j, s := range segs {
			out[j] = m.sty.marker.Render(s)
		}
		return out
	}
	var prefix strings.Builder
	if m.showTime {
		prefix.WriteString(m.sty.time.Render(l.Time.In(m.d.Location).Format("15:04:05.000")) + " ")
	}
	lbl := l.Label + strings.Repeat(" ", max(m.lblW-len([]rune(l.Label)), 0))
	ls := m.sty.labels[l.Source%len(m.sty.labels)]
	if selected {
		ls = ls.Reverse(true)
	}
	prefix.WriteString(ls.Render(lbl) + " ")
	indent := strings.Repeat(" ", m.prefixWidth())
	out := make([]string, len(segs))
	for j, s := range segs {
		p := indent
		if j == 0 {
			p = prefix.String()
		}
		out[j] = p + m.highlight(s)
	}
	return out
}

// highlight marks the search query's occurrences in a plain row.
func (m *Model) highlight(s string) string {
	q := m.query
	if q == "" {
		return s
	}
	hay, needle := s, q
	if strings.ToLower(q) == q {
		hay = strings.ToLower(s)
	}
	if len(hay) != len(s) { // case mapping changed byte lengths: no safe offsets
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(hay, needle)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(m.sty.match.Render(s[i : i+len(needle)]))
		s, hay = s[i+len(needle):], hay[i+len(needle):]
	}
}

// statusLine shows the prompt, or mode, counts and toggles.
func (m *Model) statusLine() string {
	switch m.prompt {
	case promptSearch:
		return m.sty.prompt.Render("/") + m.input.View()
	case promptFilter:
		return m.sty.prompt.Render("filter pattern: ") + m.input.View() + "  " + m.sty.muted.Render("(CloudWatch syntax, e.g. ERROR or \"exact phrase\"; empty clears)")
	}
	st := m.status
	var badge string
	switch st.Mode {
	case logs.ModeLive:
		badge = m.sty.live.Render("● LIVE")
	case logs.ModePolling:
		badge = m.sty.poll.Render("◌ POLL")
	case logs.ModeFailed:
		badge = m.sty.bad.Render("✗ NONE")
	default:
		badge = m.sty.muted.Render("… " + strings.ToUpper(st.Mode.String()))
	}
	state := "following"
	switch {
	case m.paused:
		state = fmt.Sprintf("⏸ PAUSED (%s new)", logs.Thousands(m.eng.Pending()))
	case !m.follow:
		state = fmt.Sprintf("line %s/%s", logs.Thousands(m.cur+1), logs.Thousands(m.buf.Len()))
	}
	parts := []string{
		state,
		plural(m.buf.Len(), "line"),
	}
	if d := m.buf.Dropped(); d > 0 {
		parts = append(parts, m.sty.marker.Render(logs.Thousands(int(d))+" dropped"))
	}
	// The engine's mode and why come before the view's own settings, so a
	// narrow terminal still shows whether it is live or polling and why.
	parts = append(parts, m.sty.status.Render(st.Text(m.eng.Options().PollInterval)))
	parts = append(parts, "since "+m.sinceName())
	if m.filter != "" {
		parts = append(parts, fmt.Sprintf("filter %q", m.filter))
	}
	if m.query != "" {
		parts = append(parts, fmt.Sprintf("/%s: %s", m.query, plural(m.matches, "match")))
	}
	var toggles []string
	if m.wrap {
		toggles = append(toggles, "wrap")
	}
	if m.pretty {
		toggles = append(toggles, "json")
	}
	if len(toggles) > 0 {
		parts = append(parts, strings.Join(toggles, ","))
	}
	if m.note != "" {
		parts = append(parts, m.note)
	}
	return badge + " " + strings.Join(parts, m.sty.sep.Render(" · "))
}

// sinceName is how far back the view reads, as its preset names it ("5m",
// not Go's "5m0s"), or "tail".
func (m *Model) sinceName() string {
	if m.since <= 0 {
		return "tail"
	}
	for _, p := range Presets {
		if p.Since == m.since {
			return p.Name
		}
	}
	d := m.since.String()
	if strings.HasSuffix(d, "m0s") {
		d = strings.TrimSuffix(d, "0s")
	}
	if strings.HasSuffix(d, "h0m") {
		d = strings.TrimSuffix(d, "0m")
	}
	return d
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "ch") {
		return logs.Thousands(n) + " " + what + "es"
	}
	return logs.Thousands(n) + " " + what + "s"
}
