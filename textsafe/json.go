package textsafe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"
)

// MarshalJSON encodes v as encoding/json does (without HTML escaping), then
// escapes as \uXXXX, inside strings, every character a terminal or a viewer
// could interpret: C1 controls (U+0080–U+009F), DEL, bidi controls, and
// U+2028/U+2029. encoding/json already escapes C0 controls (ESC becomes
// \u001b) and turns invalid UTF-8 into U+FFFD.
//
// The data stays lossless: a JSON decoder reads back exactly the strings it
// was given, yet the bytes themselves are printable ASCII plus harmless
// Unicode, so `ecstui … -o json` is safe to print to a terminal.
func MarshalJSON(v any, indent bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return EscapeJSON(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// WriteJSON writes v as one JSON document followed by a newline, escaped as
// MarshalJSON does: the encoder every `-o json` output and the journal use.
func WriteJSON(w io.Writer, v any, indent bool) error {
	b, err := MarshalJSON(v, indent)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// EscapeJSON rewrites encoded JSON so that no rune a terminal interprets
// remains raw. Outside strings JSON is ASCII punctuation, digits and
// literals, so every rune rewritten here is inside a string, where \uXXXX
// is a valid escape.
func EscapeJSON(b []byte) []byte {
	if jsonSafe(b) {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0x7f {
				out = append(out, `\u007f`...)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if mustEscapeInJSON(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

func jsonSafe(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf || c == 0x7f {
			return false
		}
	}
	return true
}

func mustEscapeInJSON(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || isBidiControl(r) || r == 0x2028 || r == 0x2029 || r == utf8.RuneError
}
