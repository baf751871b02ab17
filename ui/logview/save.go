package logview

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	tea "charm.land/bubbletea/v2"
)

type savedMsg struct {
	path  string
	lines int
	err   error
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// save writes the buffer as plain text off the UI loop.
func (m *Model) save() tea.Cmd {
	lines := make([]string, m.buf.Len())
	for i := range lines {
		lines[i] = m.saved(m.buf.At(i))
	}
	now := time.Now()
	if m.d.Engine.Now != nil {
		now = m.d.Engine.Now()
	}
	name := unsafeName.ReplaceAllString(m.target.String(), "-") + "-" + now.UTC().Format("20060102T150405Z") + ".log"
	dir := m.saveDir()
	return func() tea.Msg {
		path, err := writeLines(dir, name, lines)
		return savedMsg{path: path, lines: len(lines), err: err}
	}
}

func writeLines(dir, name string, lines []string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		dir = "."
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", err
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path, f.Close()
}
