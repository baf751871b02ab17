// Package input is the console's one way to type a line: the command line,
// the filter and search prompts, and every field of the action dialogs are a
// Line, which is bubbles' textinput themed once. The cursor is steady (no
// blink timer), so a frame is a function of state and goldens are stable, and
// the value never holds what textsafe would remove (terminal controls, bidi
// overrides), whether typed, pasted or prefilled from AWS.
package input

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/textsafe"
	"github.com/ecstui/ecstui/ui/theme"
)

// Line is a one-line editor (textinput) with the console's rules.
type Line struct {
	textinput.Model
}

// New returns a focused, empty line of at most limit characters (0: no
// limit), styled by st: the cursor reversed like a table's cursor row,
// completion suggestions muted.
func New(st *theme.Styles, limit int) Line {
	m := textinput.New()
	m.Prompt = ""
	m.CharLimit = limit
	s := textinput.DefaultDarkStyles()
	for _, state := range []*textinput.StyleState{&s.Focused, &s.Blurred} {
		state.Text = st.Text
		state.Prompt = st.Prompt
		state.Placeholder = st.Muted
		state.Suggestion = st.Suggestion
	}
	s.Cursor.Blink = false
	s.Cursor.Color = nil // the terminal's own colour, reversed
	m.SetStyles(s)
	// Terminals paste with bracketed paste (tea.PasteMsg, which Update takes);
	// ctrl+v would read the system clipboard, which a remote shell does not
	// have.
	m.KeyMap.Paste.SetEnabled(false)
	m.Focus()
	return Line{m}
}

// SetValue replaces the text, cleaned, with the cursor at its end.
func (l *Line) SetValue(s string) {
	l.Model.SetValue(textsafe.CleanLine(s))
	l.CursorEnd()
}

// Update edits the line with a key or a paste and reports whether the text
// changed.
func (l *Line) Update(msg tea.Msg) (changed bool) {
	before := l.Value()
	if p, ok := msg.(tea.PasteMsg); ok {
		// Whole escape sequences go, not just their ESC byte.
		p.Content = textsafe.Clean(p.Content)
		msg = p
	}
	l.Model, _ = l.Model.Update(msg)
	if v := l.Value(); textsafe.CleanLine(v) != v {
		pos := l.Position()
		l.Model.SetValue(textsafe.CleanLine(v))
		l.SetCursor(min(pos, len([]rune(l.Value()))))
	}
	return l.Value() != before
}
