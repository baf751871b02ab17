package textsafe

import (
	"strings"
	"unicode/utf8"
)

// Frame guards a whole rendered TUI frame on its way to the terminal. The
// console styles its text with SGR sequences (ESC [ params m), so those are
// kept; every other escape sequence, C1 control and bidi control is removed
// and other controls are made visible, as Clean does. Line breaks are kept.
//
// Views clean each untrusted string where they place it (a string that still
// held controls would be measured wrongly and break the layout); Frame is the
// one gate behind them, so that a place that forgot cannot let an untrusted
// string move the cursor, clear the screen, set the clipboard (OSC 52) or
// reorder text. A foreign SGR sequence would pass Frame, which is why the
// hostile-world tests check frames before Frame too.
func Frame(s string) string {
	if frameSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == esc:
			if n := sgrLen(s[i:]); n > 0 {
				b.WriteString(s[i : i+n])
				i += n
				continue
			}
			i = escape(s, i+1)
		case c >= 0x20 && c < del, c == '\n':
			b.WriteByte(c)
			i++
		case c < utf8.RuneSelf:
			i = control(&b, s, i, false)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				b.WriteRune(utf8.RuneError)
				i++
			case r >= 0x80 && r <= 0x9f:
				i = c1(s, i+size, r)
			case isBidiControl(r):
				i += size
			case r == lineSep || r == paraSep:
				b.WriteString("␤") // a frame's lines are the console's own
				i += size
			default:
				b.WriteString(s[i : i+size])
				i += size
			}
		}
	}
	return b.String()
}

// sgrLen is the length of the SGR sequence at the start of s (ESC [ then
// digits, ';' and ':' then 'm'), or 0 when s does not start with one.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != esc || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 'm':
			return i + 1
		case c >= '0' && c <= '9', c == ';', c == ':':
		default:
			return 0
		}
	}
	return 0
}

// frameSafe reports whether s holds only printable text, line breaks and
// SGR sequences: the common frame, returned unchanged without copying.
func frameSafe(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < del, c == '\n':
			i++
		case c == esc:
			n := sgrLen(s[i:])
			if n == 0 {
				return false
			}
			i += n
		case c < utf8.RuneSelf:
			return false
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || r <= 0x9f || isBidiControl(r) || r == lineSep || r == paraSep {
				return false
			}
			i += size
		}
	}
	return true
}
