package screentest

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Foreground returns the foreground colour text is drawn in on screen, the
// first place it appears: the SGR parameters that set it ("31", "38;5;208",
// "38;2;255;0;0"), "" for the terminal's default. ok is false when text is
// not on screen. screen is a rendered view with its escape sequences.
func Foreground(screen, text string) (fg string, ok bool) {
	plain, colours := decode(screen)
	i := strings.Index(plain, text)
	if i < 0 {
		return "", false
	}
	return colours[i], true
}

// ForegroundOf is the foreground a style draws in, for comparing with
// Foreground: ForegroundOf(st.Bad) is the error colour.
func ForegroundOf(style lipgloss.Style) string {
	fg, _ := Foreground(style.Render("x"), "x")
	return fg
}

// decode splits a rendered screen into its plain text and, byte for byte,
// the foreground in force. Only SGR sequences change the colour; every
// other escape sequence is skipped.
func decode(s string) (string, []string) {
	var plain strings.Builder
	var colours []string
	fg := ""
	for i := 0; i < len(s); {
		if s[i] != 0x1b || i+1 >= len(s) {
			plain.WriteByte(s[i])
			colours = append(colours, fg)
			i++
			continue
		}
		switch s[i+1] {
		case '[': // CSI: parameters, then a final byte in 0x40–0x7e
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				fg = applySGR(fg, s[i+2:j])
			}
			i = j + 1
		case ']', 'P', '_', '^': // OSC, DCS, APC, PM: up to BEL or ST
			j := i + 2
			for j < len(s) && s[j] != 0x07 && !(s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\') {
				j++
			}
			if j < len(s) && s[j] == 0x1b {
				j++
			}
			i = j + 1
		default:
			i += 2
		}
	}
	return plain.String(), colours
}

// applySGR returns the foreground after one SGR sequence's parameters.
func applySGR(fg, params string) string {
	if params == "" {
		return ""
	}
	ps := strings.FieldsFunc(params, func(r rune) bool { return r == ';' || r == ':' })
	for k := 0; k < len(ps); k++ {
		switch p := ps[k]; {
		case p == "0" || p == "39":
			fg = ""
		case len(p) == 2 && (p[0] == '3' || p[0] == '9') && p[1] >= '0' && p[1] <= '7':
			fg = p
		case p == "38" && k+2 < len(ps) && ps[k+1] == "5":
			fg = strings.Join(ps[k:k+3], ";")
			k += 2
		case p == "38" && k+4 < len(ps) && ps[k+1] == "2":
			fg = strings.Join(ps[k:k+5], ";")
			k += 4
		case p == "48" && k+1 < len(ps): // a background colour: skip its arguments
			if ps[k+1] == "5" {
				k += 2
			} else if ps[k+1] == "2" {
				k += 4
			}
		}
	}
	return fg
}
