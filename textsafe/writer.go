package textsafe

import (
	"io"
	"sync"
	"unicode/utf8"
)

// Writer cleans everything written through it with Clean before it reaches
// the underlying writer: the one gate every CLI command's output (tables,
// plans, progress, errors, and the already escaped JSON) passes, so a string
// from AWS printed anywhere on stdout or stderr cannot drive the terminal.
//
// Each Write is cleaned on its own, except that an incomplete UTF-8 sequence
// or a CR at the end of a write is held back until the next one, so a
// character or a CRLF split across writes is not mangled. A control sequence
// split across writes cannot survive either: its introducer and the rest of
// that write are dropped, and what follows is shown as plain text.
type Writer struct {
	mu   sync.Mutex
	w    io.Writer
	held []byte
}

// NewWriter returns a cleaning Writer over w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write cleans p and writes it. It reports len(p) when the cleaned text was
// written, whatever its length.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	buf := append(w.held, p...)
	keep := incompleteTail(buf)
	w.held = append([]byte(nil), buf[len(buf)-keep:]...)
	buf = buf[:len(buf)-keep]
	if len(buf) == 0 {
		return len(p), nil
	}
	if _, err := io.WriteString(w.w, Clean(string(buf))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what was held back (a trailing CR or a partial character).
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.held) == 0 {
		return nil
	}
	b := w.held
	w.held = nil
	_, err := io.WriteString(w.w, Clean(string(b)))
	return err
}

// incompleteTail is how many bytes at the end of b may be the start of
// something the next write completes: a CR (maybe of a CRLF) or the first
// bytes of a multi-byte UTF-8 character.
func incompleteTail(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	if b[len(b)-1] == '\r' {
		return 1
	}
	for n := 1; n <= min(utf8.UTFMax-1, len(b)); n++ {
		c := b[len(b)-n]
		if c < utf8.RuneSelf {
			return 0
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}
