package ui

import (
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// lineInput is the one-line editor of the command line and filter prompt. It
// is deliberately tiny (no blinking cursor, no timers) so that frames are a
// pure function of state and goldens are stable.
type lineInput struct {
	text string
	pos  int // byte offset of the cursor
}

// edit applies an editing key; it reports whether the text changed.
func (in *lineInput) edit(k tea.KeyPressMsg) (changed bool) {
	switch k.String() {
	case "backspace", "ctrl+h":
		if in.pos == 0 {
			return false
		}
		_, n := utf8.DecodeLastRuneInString(in.text[:in.pos])
		in.text = in.text[:in.pos-n] + in.text[in.pos:]
		in.pos -= n
		return true
	case "delete", "ctrl+d":
		if in.pos >= len(in.text) {
			return false
		}
		_, n := utf8.DecodeRuneInString(in.text[in.pos:])
		in.text = in.text[:in.pos] + in.text[in.pos+n:]
		return true
	case "left", "ctrl+b":
		if in.pos > 0 {
			_, n := utf8.DecodeLastRuneInString(in.text[:in.pos])
			in.pos -= n
		}
		return false
	case "right", "ctrl+f":
		if in.pos < len(in.text) {
			_, n := utf8.DecodeRuneInString(in.text[in.pos:])
			in.pos += n
		}
		return false
	case "home", "ctrl+a":
		in.pos = 0
		return false
	case "end", "ctrl+e":
		in.pos = len(in.text)
		return false
	case "ctrl+u":
		changed = in.pos > 0
		in.text = in.text[in.pos:]
		in.pos = 0
		return changed
	case "ctrl+w":
		i := in.pos
		for i > 0 && in.text[i-1] == ' ' {
			i--
		}
		for i > 0 && in.text[i-1] != ' ' {
			i--
		}
		changed = i != in.pos
		in.text = in.text[:i] + in.text[in.pos:]
		in.pos = i
		return changed
	}
	if k.Text != "" && k.Mod&^tea.ModShift == 0 {
		in.text = in.text[:in.pos] + k.Text + in.text[in.pos:]
		in.pos += len(k.Text)
		return true
	}
	return false
}

func (in *lineInput) set(s string) {
	in.text = s
	in.pos = len(s)
}

// view renders the text with a block cursor.
func (in *lineInput) view(cursor lipgloss.Style) string {
	if in.pos >= len(in.text) {
		return in.text + cursor.Render(" ")
	}
	_, n := utf8.DecodeRuneInString(in.text[in.pos:])
	return in.text[:in.pos] + cursor.Render(in.text[in.pos:in.pos+n]) + in.text[in.pos+n:]
}
