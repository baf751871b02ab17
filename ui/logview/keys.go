package logview

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/logs"
	"github.com/ecstui/ecstui/ui/input"
	"github.com/ecstui/ecstui/ui/page"
)

// KeyMap is the viewer's bindings; the console rebinds them from the
// configuration by the names Actions gives.
type KeyMap struct {
	Follow, Pause, Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	// Since has one key per preset, in the order of Presets.
	Since                                                    key.Binding
	Filter, Search, Next, Prev, Wrap, Time, JSON, Save, Copy key.Binding
}

// DefaultKeyMap is less-like: f/end follow, / search, n/N next/previous, 0-6
// since presets.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Follow:   b("f/end", "follow", "f", "end"),
		Pause:    b("p/space", "pause", "p", "space"),
		Up:       b("k/↑", "up", "k", "up"),
		Down:     b("j/↓", "down", "j", "down"),
		PageUp:   b("pgup", "page up", "pgup", "ctrl+b"),
		PageDown: b("pgdn", "page down", "pgdown", "ctrl+f"),
		Top:      b("g/home", "oldest", "g", "home"),
		Bottom:   b("G", "newest", "G"),
		Since:    b("0-6", "since tail/1m/5m/15m/1h/6h/24h", "0", "1", "2", "3", "4", "5", "6"),
		Filter:   b("F", "filter pattern", "F"),
		Search:   b("/", "search", "/"),
		Next:     b("n/N", "next/prev match", "n"),
		Prev:     b("N", "previous match", "N"),
		Wrap:     b("w", "wrap", "w"),
		Time:     b("t", "timestamps", "t"),
		JSON:     b("J", "pretty JSON", "J"),
		Save:     b("s", "save", "s"),
		Copy:     b("y", "copy line", "y"),
	}
}

// Actions names every binding for configuration.
func (k *KeyMap) Actions() map[string]*key.Binding {
	return map[string]*key.Binding{
		"follow": &k.Follow, "pause": &k.Pause, "up": &k.Up, "down": &k.Down,
		"page_up": &k.PageUp, "page_down": &k.PageDown, "top": &k.Top, "bottom": &k.Bottom,
		"since": &k.Since, "filter": &k.Filter, "search": &k.Search, "next": &k.Next, "prev": &k.Prev,
		"wrap": &k.Wrap, "time": &k.Time, "json": &k.JSON, "save": &k.Save, "copy": &k.Copy,
	}
}

// Check reports what makes k unusable: Since needs one key per preset.
func (k KeyMap) Check() error {
	if n := len(k.Since.Keys()); n != len(Presets) {
		names := make([]string, len(Presets))
		for i, p := range Presets {
			names[i] = p.Name
		}
		return fmt.Errorf("since needs %d keys, one per preset (%s), not %d", len(Presets), strings.Join(names, ", "), n)
	}
	return nil
}

func (k KeyMap) help() []key.Binding {
	return []key.Binding{k.Follow, k.Pause, k.Search, k.Next, k.Filter, k.Since, k.Wrap, k.Time, k.JSON,
		k.Save, k.Copy, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}

// key handles a key outside a prompt.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	m.note = "" // an action's result shows until the next key
	switch {
	case key.Matches(msg, k.Follow), key.Matches(msg, k.Bottom):
		m.follow = true
		if m.paused {
			m.paused = false
			m.deliver()
		}
		m.cur = m.buf.Len() - 1
	case key.Matches(msg, k.Pause):
		m.paused = !m.paused
		if !m.paused {
			m.deliver()
		}
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-max(1, m.bodyHeight()-1))
	case key.Matches(msg, k.PageDown):
		m.move(max(1, m.bodyHeight()-1))
	case key.Matches(msg, k.Top):
		m.follow = false
		m.cur, m.top = 0, 0
	case key.Matches(msg, k.Since):
		i := slices.Index(k.Since.Keys(), msg.String())
		if i < 0 || i >= len(Presets) {
			return nil
		}
		m.since = Presets[i].Since
		return m.restart()
	case key.Matches(msg, k.Filter):
		m.openPrompt(promptFilter, m.filter)
	case key.Matches(msg, k.Search):
		m.openPrompt(promptSearch, m.query)
	case key.Matches(msg, k.Next):
		m.jump(1, false)
	case key.Matches(msg, k.Prev):
		m.jump(-1, false)
	case key.Matches(msg, k.Wrap):
		m.wrap = !m.wrap
	case key.Matches(msg, k.Time):
		m.showTime = !m.showTime
	case key.Matches(msg, k.JSON):
		m.pretty = !m.pretty
	case key.Matches(msg, k.Save):
		return m.save()
	case key.Matches(msg, k.Copy):
		if m.buf.Len() == 0 {
			return nil
		}
		text := m.plain(m.buf.At(m.cursor()))
		m.note = "copied line to the clipboard"
		return tea.Batch(tea.SetClipboard(text), page.Status(m.note, false))
	default:
		return nil
	}
	m.clamp()
	return nil
}

// move moves the cursor by n lines; any move away from the end stops following.
func (m *Model) move(n int) {
	if m.buf.Len() == 0 {
		return
	}
	if m.follow {
		m.cur = m.buf.Len() - 1
	}
	m.cur = min(max(m.cur+n, 0), m.buf.Len()-1)
	m.follow = m.cur == m.buf.Len()-1 && n > 0
}

// cursor is the current line: the last one when following.
func (m *Model) cursor() int {
	if m.follow {
		return m.buf.Len() - 1
	}
	return m.cur
}

// promptLimit bounds a search or filter pattern.
const promptLimit = 256

func (m *Model) openPrompt(kind promptKind, text string) {
	m.prompt = kind
	m.input = input.New(m.st, promptLimit)
	m.input.SetValue(text)
}

// Prompt keys end a search or filter pattern; every other key is text.
var (
	promptAccept = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply"))
	promptCancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

// promptKey edits the open prompt.
func (m *Model) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, promptCancel):
		m.prompt = promptNone
		return nil
	case key.Matches(msg, promptAccept):
		kind, text := m.prompt, strings.TrimSpace(m.input.Value())
		m.prompt = promptNone
		if kind == promptFilter {
			m.filter = text
			return m.restart()
		}
		m.query = text
		m.recount()
		if text != "" {
			m.jump(-1, true)
		}
		return nil
	}
	m.input.Update(msg)
	return nil
}

// jump moves the cursor to the next match in direction dir (1 newer, -1
// older), wrapping around. from the cursor itself when inclusive.
func (m *Model) jump(dir int, inclusive bool) {
	n := m.buf.Len()
	if m.query == "" || n == 0 {
		return
	}
	start := m.cursor()
	if !inclusive {
		start += dir
	}
	for k := 0; k < n; k++ {
		i := ((start+dir*k)%n + n) % n
		if contains(lineText(m.buf.At(i)), m.query) {
			m.follow = false
			m.cur = i
			m.clamp()
			return
		}
	}
	m.note = "no match for " + m.query
}

// recount counts the lines matching the query.
func (m *Model) recount() {
	m.matches = 0
	if m.query == "" {
		return
	}
	for i := range m.buf.Len() {
		if contains(lineText(m.buf.At(i)), m.query) {
			m.matches++
		}
	}
}

// lineText is what search looks in: label and message, or a marker's text.
func lineText(l logs.Line) string {
	if l.Kind == logs.KindDropped {
		return l.MarkerText()
	}
	return l.Label + " " + l.Message
}

// contains is a smart-case substring test: case-insensitive unless the
// query has an upper-case letter.
func contains(s, q string) bool {
	if strings.ToLower(q) == q {
		return strings.Contains(strings.ToLower(s), q)
	}
	return strings.Contains(s, q)
}

// plain renders a line as text without styles (copy, save).
func (m *Model) plain(l logs.Line) string {
	if l.Kind == logs.KindDropped {
		return l.MarkerText()
	}
	return l.Time.In(m.d.Location).Format(time.RFC3339Nano) + " " + l.Label + " " + l.Message
}

// saved renders a line for a file: continuation lines of a multi-line
// message are indented so each entry still starts at column 0.
func (m *Model) saved(l logs.Line) string {
	return strings.ReplaceAll(m.plain(l), "\n", "\n    ")
}
