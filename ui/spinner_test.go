package ui

import (
	"testing"

	"charm.land/bubbles/v2/spinner"
	"github.com/charmbracelet/x/ansi"
)

// The spinner advances only while something loads, on the root's own tick.
func TestSpinnerTurnsOnlyWhileBusy(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.ticks = nil
	frame := func() string { return ansi.Strip(h.r.spin.View()) }
	if got := frame(); got != spinner.MiniDot.Frames[0] {
		t.Fatalf("first frame %q", got)
	}
	h.r.connecting = true
	h.send(spinMsg{})
	if got := frame(); got != spinner.MiniDot.Frames[1] {
		t.Errorf("busy: frame %q, want the next MiniDot frame", got)
	}
	if len(h.ticks) != 1 || h.ticks[0].d != spinner.MiniDot.FPS {
		t.Errorf("busy: scheduled %+v, want one frame tick of %v", h.ticks, spinner.MiniDot.FPS)
	}
	h.r.connecting = false
	h.ticks = nil
	h.send(spinMsg{})
	if got := frame(); got != spinner.MiniDot.Frames[1] || len(h.ticks) != 0 {
		t.Errorf("idle: frame %q and %d ticks, want the spinner to stop", got, len(h.ticks))
	}
}
