package input

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/ui/theme"
)

func TestLineKeepsItsValueClean(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		edit  func(l *Line)
		want  string
	}{
		{"typed", 0, func(l *Line) { l.Update(tea.KeyPressMsg{Code: 'a', Text: "a"}) }, "a"},
		{"prefill with escapes and a bidi override", 0, func(l *Line) { l.SetValue("nginx\x1b[2J:1.25\u202e") }, "nginx:1.25"},
		{"pasted escapes and newlines", 0, func(l *Line) { l.Update(tea.PasteMsg{Content: "web\x1b]52;c;ZXZpbA==\a\nprod"}) }, "web prod"},
		{"pasted bidi override", 0, func(l *Line) { l.Update(tea.PasteMsg{Content: "ab\u202ec"}) }, "abc"},
		{"limit", 8, func(l *Line) { l.SetValue("abcdefghij") }, "abcdefgh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(theme.Default(), tt.limit)
			tt.edit(&l)
			if l.Value() != tt.want {
				t.Errorf("value %q, want %q", l.Value(), tt.want)
			}
		})
	}
}

func TestLineEditingAndCursor(t *testing.T) {
	l := New(theme.Default(), 0)
	if !l.Focused() {
		t.Fatal("a new line is focused")
	}
	l.SetValue("svc prod")
	if l.Position() != len("svc prod") {
		t.Errorf("cursor at %d after SetValue, want the end", l.Position())
	}
	if changed := l.Update(tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl}); !changed || l.Value() != "svc " {
		t.Errorf("ctrl+w: changed %v value %q", changed, l.Value())
	}
	if changed := l.Update(tea.KeyPressMsg{Code: tea.KeyLeft}); changed {
		t.Error("moving the cursor is no change")
	}
	// The cursor is a reversed cell (here on the trailing space), steady: no
	// blink command, so a frame depends on state only.
	if got := ansi.Strip(l.View()); got != "svc " {
		t.Errorf("view %q", got)
	}
	if _, cmd := l.Model.Update(tea.KeyPressMsg{Code: tea.KeyRight}); cmd != nil {
		if msg := cmd(); msg != nil {
			t.Errorf("moving the cursor scheduled %T", msg)
		}
	}
}
