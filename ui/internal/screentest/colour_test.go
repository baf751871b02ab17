package screentest

import (
	"testing"

	"charm.land/lipgloss/v2"
)

func TestForeground(t *testing.T) {
	red := lipgloss.NewStyle().Foreground(lipgloss.Red)
	rgb := lipgloss.NewStyle().Foreground(lipgloss.Color("#ff8800")).Background(lipgloss.Color("#000080"))
	idx := lipgloss.NewStyle().Foreground(lipgloss.Color("208")).Bold(true)
	screen := "plain " + red.Render("FAILED") + " \x1b]8;;http://x\x07link\x1b]8;;\x07 " + rgb.Render("warm") + "\n" + idx.Render("orange") + " after"
	tests := []struct {
		text, want string
		ok         bool
	}{
		{"plain", "", true},
		{"FAILED", ForegroundOf(red), true},
		{"link", "", true},
		{"warm", ForegroundOf(rgb), true},
		{"orange", ForegroundOf(idx), true},
		{"after", "", true},
		{"absent", "", false},
	}
	for _, tt := range tests {
		got, ok := Foreground(screen, tt.text)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Foreground(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
	if ForegroundOf(red) != "31" || ForegroundOf(rgb) != "38;2;255;136;0" || ForegroundOf(idx) != "38;5;208" {
		t.Errorf("ForegroundOf: %q %q %q", ForegroundOf(red), ForegroundOf(rgb), ForegroundOf(idx))
	}
}
