// Package textsafe neutralises untrusted text (log lines, resource names, tags,
// AWS error messages) before it reaches a terminal.
//
// Anything a terminal could interpret is removed or made visible:
//   - ESC-initiated sequences are dropped whole: CSI (with private and
//     intermediate bytes), OSC (terminated by BEL or ST), DCS/SOS/PM/APC strings
//     (terminated by ST) and two-byte / nF escape sequences;
//   - the same introducers in their 8-bit C1 form (U+009B CSI, U+009D OSC,
//     U+0090 DCS, U+0098 SOS, U+009E PM, U+009F APC) swallow their sequence too,
//     and every other C1 control (U+0080–U+009F) is dropped;
//   - other C0 controls and DEL become their visible Control Pictures (␀, ␇,
//     ␡…), so a person sees that something was there; TAB becomes spaces, a
//     lone CR becomes ␍;
//   - invalid UTF-8 becomes U+FFFD;
//   - U+2028/U+2029 (Unicode line and paragraph separators) become the
//     visible ␤: they would break lines (and tables) where nothing should;
//   - bidi embedding/override/isolate characters (U+202A–U+202E,
//     U+2066–U+2069) and the marks LRM, RLM and ALM are removed, so text
//     cannot be visually reordered ("Trojan Source").
//
// SGR colour is stripped, not re-emitted. The viewer draws its own styles
// (labels, search highlight, selection) with lipgloss, which measures widths
// and resets attributes itself; foreign SGR would interleave with those
// attributes (an unbalanced reset or a background colour bleeding into the
// next line) and a whitelist re-emitter would be a second ANSI writer to prove
// correct. Stripping is provably safe: the output contains no ESC at all.
//
// The output of Clean and CleanLine is a fixed point: cleaning it again
// returns it unchanged (FuzzClean checks this).
package textsafe

import (
	"strings"
	"unicode/utf8"
)

// TabWidth is how many spaces replace a TAB.
const TabWidth = 4

const (
	esc = 0x1b
	bel = 0x07
	del = 0x7f

	c1CSI = 0x9b
	c1OSC = 0x9d
	c1DCS = 0x90
	c1SOS = 0x98
	c1ST  = 0x9c
	c1PM  = 0x9e
	c1APC = 0x9f
)

// Clean neutralises s for multi-line display: LF (and CRLF) is kept as a line
// break; everything else follows the package rules.
func Clean(s string) string { return clean(s, false) }

// CleanLine neutralises s for a single-line field: trailing line breaks are
// trimmed and interior ones become the visible ␤, so a name or a log event
// always occupies exactly one line.
func CleanLine(s string) string {
	s = strings.TrimRight(s, "\r\n")
	return clean(s, true)
}

// safe reports whether s needs no change: printable ASCII only (the common
// case for log lines, kept allocation-free).
func safe(s string, single bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < del {
			continue
		}
		if c == '\n' && !single {
			continue
		}
		return false
	}
	return true
}

func clean(s string, single bool) string {
	if safe(s, single) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < del {
			b.WriteByte(c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			i = control(&b, s, i, single)
			continue
		}
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
			// Unicode's own line breaks are not the ones a log or a table
			// is made of: shown, never obeyed.
			b.WriteString("␤")
			i += size
		default:
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR.
const (
	lineSep = 0x2028
	paraSep = 0x2029
)

// control handles the ASCII control byte at s[i] and returns the next index.
func control(b *strings.Builder, s string, i int, single bool) int {
	c := s[i]
	switch c {
	case esc:
		return escape(s, i+1)
	case '\t':
		b.WriteString(strings.Repeat(" ", TabWidth))
	case '\n':
		if single {
			b.WriteString("␤")
		} else {
			b.WriteByte('\n')
		}
	case '\r':
		if i+1 < len(s) && s[i+1] == '\n' {
			return i + 1 // CRLF: let the LF speak for both
		}
		b.WriteString("␍")
	case del:
		b.WriteString("␡")
	default:
		b.WriteRune(0x2400 + rune(c)) // Control Pictures block: ␀ … ␟
	}
	return i + 1
}

// escape skips the sequence whose ESC was just before s[i] and returns the
// index after it. A sequence cut short by an unexpected byte ends there, and
// that byte is processed as ordinary input (as terminals do).
func escape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch c := s[i]; {
	case c == '[':
		return csi(s, i+1)
	case c == ']':
		return stringSeq(s, i+1, true)
	case c == 'P', c == 'X', c == '^', c == '_':
		return stringSeq(s, i+1, false)
	case c >= 0x20 && c <= 0x2f: // nF: intermediates then a final byte
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
			i++
		}
		return i
	case c >= 0x30 && c <= 0x7e: // Fp, Fe, Fs: two-byte sequences
		return i + 1
	}
	return i // a lone ESC: drop it
}

// c1 handles an 8-bit C1 control already decoded (s[i] is the next byte).
func c1(s string, i int, r rune) int {
	switch r {
	case c1CSI:
		return csi(s, i)
	case c1OSC:
		return stringSeq(s, i, true)
	case c1DCS, c1SOS, c1PM, c1APC:
		return stringSeq(s, i, false)
	}
	return i
}

// csi skips parameter bytes (0x30–0x3F, including the private markers <=>?),
// intermediate bytes (0x20–0x2F) and the final byte (0x40–0x7E).
func csi(s string, i int) int {
	for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
		i++
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// stringSeq skips a control string up to and including its terminator: ST
// (ESC \ or U+009C), or BEL for OSC. An unterminated string runs to the end of
// the input, which a terminal would also have swallowed.
func stringSeq(s string, i int, bellEnds bool) int {
	for i < len(s) {
		switch {
		case s[i] == bel && bellEnds:
			return i + 1
		case s[i] == esc:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			i++
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == c1ST:
			return i + 2
		default:
			i++
		}
	}
	return i
}

// isBidiControl reports the characters that change the order text is shown
// in: embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and
// the implicit marks LRM, RLM and ALM (U+200E, U+200F, U+061C).
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}
