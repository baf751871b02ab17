package textsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello world", "hello world"},
		{"keeps newline", "a\nb", "a\nb"},
		{"crlf", "a\r\nb", "a\nb"},
		{"lone cr", "progress\r50%", "progress␍50%"},
		{"tab", "\tat x", "    at x"},
		{"sgr stripped", "\x1b[1;31mred\x1b[0m", "red"},
		{"csi private", "\x1b[?1049hx\x1b[?25l", "x"},
		{"csi intermediate", "\x1b[1 qx", "x"},
		{"clear screen", "\x1b[2J\x1b[Hx", "x"},
		{"osc bel", "\x1b]0;pwned\x07x", "x"},
		{"osc st", "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"osc52 clipboard", "\x1b]52;c;cm0gLXJmIC8=\x07x", "x"},
		{"osc unterminated", "a\x1b]0;title", "a"},
		{"dcs", "\x1bPq#0;2;0;0;0\x1b\\x", "x"},
		{"apc", "\x1b_Gf=100;AAAA\x1b\\x", "x"},
		{"sos pm", "\x1bXsos\x1b\\\x1b^pm\x1b\\x", "x"},
		{"two byte", "\x1bcx\x1b7y\x1b8", "xy"},
		{"nF charset", "\x1b(0x\x1b(B", "x"},
		{"lone esc at end", "x\x1b", "x"},
		{"esc then control", "\x1b\x07x", "␇x"},
		{"c1 csi utf8", "\u009b31mx", "x"},
		{"c1 osc utf8", "\u009d0;t\u009cx", "x"},
		{"c1 other dropped", "a\u0085b", "ab"},
		{"raw 8-bit csi invalid utf8", "\x9b31m", "\uFFFD31m"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"c0 pictures", "\x00\x07\x08", "␀␇␈"},
		{"del", "a\x7fb", "a␡b"},
		{"bidi override", "admin\u202etxt.exe\u202c", "admintxt.exe"},
		{"bidi isolate", "\u2066x\u2069", "x"},
		{"bidi marks", "a\u200fb\u200ec\u061c", "abc"},
		{"unicode line separators", "a\u2028b\u2029c", "a␤b␤c"},
		{"unicode kept", "héllo 日本 ✓", "héllo 日本 ✓"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"trailing newline trimmed", "GET /\n", "GET /"},
		{"trailing crlf trimmed", "GET /\r\n", "GET /"},
		{"interior newline visible", "a\nb", "a␤b"},
		{"interior crlf visible", "a\r\nb", "a␤b"},
		{"escape", "\x1b[31mx\x1b[0m\n", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanLine(tt.in); got != tt.want {
				t.Errorf("CleanLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// checkSafe fails when out contains anything a terminal could interpret.
func checkSafe(t *testing.T, fn, in, out string, allowLF bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q: invalid UTF-8", fn, in, out)
	}
	for _, r := range out {
		switch {
		case r == '\n' && allowLF:
		case r < 0x20, r == 0x7f:
			t.Fatalf("%s(%q) = %q: C0 control %U survives", fn, in, out, r)
		case r >= 0x80 && r <= 0x9f:
			t.Fatalf("%s(%q) = %q: C1 control %U survives", fn, in, out, r)
		case isBidiControl(r):
			t.Fatalf("%s(%q) = %q: bidi control %U survives", fn, in, out, r)
		case r == lineSep || r == paraSep:
			t.Fatalf("%s(%q) = %q: Unicode line break %U survives", fn, in, out, r)
		}
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"", "plain", "\x1b[31mred\x1b[0m", "\x1b]0;t\x07", "\x1bP\x1b\\", "\u009b2J", "\xc2", "\r\n\t",
		"\u202e", "\x1b", "\x1b[", "\x1b]", "\x1b]8;;\x1b", "\xc2\x9d\xc2\x9c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, c := range []struct {
			name    string
			fn      func(string) string
			allowLF bool
		}{{"Clean", Clean, true}, {"CleanLine", CleanLine, false}} {
			out := c.fn(in)
			checkSafe(t, c.name, in, out, c.allowLF)
			if strings.ContainsRune(out, 0x1b) {
				t.Fatalf("%s(%q) = %q: ESC survives", c.name, in, out)
			}
			if again := c.fn(out); again != out {
				t.Fatalf("%s not idempotent: %q -> %q -> %q", c.name, in, out, again)
			}
		}
	})
}

func BenchmarkCleanASCII(b *testing.B) {
	s := `2026-11-23T10:00:00Z INFO request served path=/api/v1/orders status=200 duration_ms=12`
	for b.Loop() {
		Clean(s)
	}
}

func BenchmarkCleanEscapes(b *testing.B) {
	s := "\x1b[32mINFO\x1b[0m request served\tpath=/api/v1/orders \x1b]0;x\x07 status=200 日本"
	for b.Loop() {
		Clean(s)
	}
}
