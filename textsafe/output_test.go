package textsafe

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile carries one of each thing a terminal would interpret.
const hostile = "a\x1b]52;c;cm0gLXJmIC8=\x07b\x1b[2Jc\u202ed\u009b31me\u0085f\u2028g\u2029h\x7fi\x1b[5;53mj\u200fk\xffl"

// checkTerminalSafe fails when out holds an ESC, a C1 control, DEL or a
// bidi control (LF allowed).
func checkTerminalSafe(t *testing.T, what string, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("%s: invalid UTF-8: %q", what, out)
	}
	for _, r := range string(out) {
		if r == 0x1b || (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || isBidiControl(r) || r == 0x2028 || r == 0x2029 {
			t.Fatalf("%s: %U survives in %q", what, r, out)
		}
	}
}

func TestMarshalJSONEscapesAndStaysLossless(t *testing.T) {
	in := map[string]any{"name": hostile, "list": []string{hostile, "plain"}, "n": 3}
	for _, indent := range []bool{false, true} {
		b, err := MarshalJSON(in, indent)
		if err != nil {
			t.Fatal(err)
		}
		checkTerminalSafe(t, "MarshalJSON", b)
		var back map[string]any
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("not valid JSON: %v\n%s", err, b)
		}
		// Invalid UTF-8 becomes U+FFFD (as encoding/json does); everything else is exact.
		want := strings.ToValidUTF8(hostile, "\uFFFD")
		if back["name"] != want {
			t.Errorf("name = %q, want %q", back["name"], want)
		}
		for _, esc := range []string{`\u001b`, `\u009b`, `\u202e`, `\u2028`, `\u2029`, `\u007f`, `\u0085`, `\u200f`} {
			if !bytes.Contains(b, []byte(esc)) {
				t.Errorf("%s missing from %s", esc, b)
			}
		}
	}
}

func TestWriteJSONEndsWithNewline(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, []int{1}, false); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "[1]\n" {
		t.Errorf("got %q", buf.String())
	}
}

func TestWriterCleansEveryWrite(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	// Split everywhere, even inside sequences and multi-byte characters.
	in := []byte("name: " + hostile + " → 日本\r\nnext\n")
	for i := 0; i < len(in); i += 3 {
		if _, err := w.Write(in[i:min(len(in), i+3)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	checkTerminalSafe(t, "Writer", buf.Bytes())
	if !strings.Contains(buf.String(), "→ 日本\nnext\n") {
		t.Errorf("a character or CRLF split across writes was mangled: %q", buf.String())
	}
}

func TestWriterWholeWritesMatchClean(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, s := range []string{"plain table\n", hostile + "\n", "JSON {\"a\":\"\\u001b\"}\n"} {
		buf.Reset()
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		if got, want := buf.String(), Clean(s); got != want {
			t.Errorf("Write(%q) wrote %q, want %q", s, got, want)
		}
	}
}

func TestFrameKeepsSGROnly(t *testing.T) {
	styled := "\x1b[1;38;2;95;215;95mok\x1b[m │ \x1b[4:3mx\x1b[0m\n"
	if got := Frame(styled); got != styled {
		t.Errorf("Frame changed a styled frame: %q", got)
	}
	got := Frame(styled + hostile)
	rest := got
	for {
		i := strings.IndexByte(rest, 0x1b)
		if i < 0 {
			break
		}
		n := sgrLen(rest[i:])
		if n == 0 {
			t.Fatalf("non-SGR escape survives Frame: %q", got)
		}
		rest = rest[i+n:]
	}
	checkTerminalSafe(t, "Frame (SGR removed)", []byte(strings.NewReplacer("\x1b[1;38;2;95;215;95m", "", "\x1b[m", "", "\x1b[4:3m", "", "\x1b[0m", "", "\x1b[5;53m", "").Replace(got)))
	if strings.Contains(got, "\u009b") || strings.Contains(got, "\x1b]52") || strings.Contains(got, "\x1b[2J") {
		t.Errorf("Frame let a hostile sequence through: %q", got)
	}
}

func FuzzFrame(f *testing.F) {
	for _, s := range []string{"", "\x1b[31mx\x1b[0m", hostile, "\x1b[", "\x1b[1;2", "\x1b[?25l", "\u009b2J"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Frame(in)
		// Remove the SGR sequences Frame keeps; nothing else may remain.
		var plain strings.Builder
		for i := 0; i < len(out); i++ {
			if n := sgrLen(out[i:]); n > 0 {
				i += n - 1
				continue
			}
			plain.WriteByte(out[i])
		}
		checkTerminalSafe(t, "Frame", []byte(plain.String()))
	})
}
