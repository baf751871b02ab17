package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestPulseSelectedLineInFull: at 80 columns the WHAT column is cut, so the
// selected line's finding shows in full under the table, word wrapped, with
// where it is; moving the cursor changes it without moving the table.
func TestPulseSelectedLineInFull(t *testing.T) {
	h, _, _ := pulseHarness(t, pulseWorld(t, 1), pulseWorld(t, 2), false)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	p := h.r.top().(*pulsePage)
	tableTop := func() string { return strings.Split(h.screen(), "\n")[3] }
	head := tableTop()
	cut := false
	for i := range len(p.findings) {
		f, ok := p.selected()
		if !ok {
			t.Fatalf("line %d: nothing selected", i)
		}
		lines := strings.Split(h.screen(), "\n")
		// The detail is the two lines above the footer; joined, it is the
		// whole finding.
		var detail []string
		for _, l := range lines[len(lines)-4 : len(lines)-2] {
			detail = append(detail, strings.TrimSpace(strings.TrimPrefix(l, "▸")))
		}
		joined := strings.Join(detail, " ")
		if !strings.Contains(joined, f.What) && !strings.HasSuffix(joined, "…") {
			t.Errorf("line %d: detail %q lacks %q", i, joined, f.What)
		}
		if !strings.HasPrefix(joined, f.Context+"/"+f.Cluster) {
			t.Errorf("line %d: detail %q does not say where", i, joined)
		}
		if ansi.StringWidth(f.What) > 30 && strings.Contains(joined, f.What) {
			cut = true
		}
		if tableTop() != head {
			t.Fatalf("the table moved: %q, was %q", tableTop(), head)
		}
		h.keys("j")
	}
	if !cut {
		t.Fatal("no finding longer than the WHAT column was shown in full")
	}
	checkScreen(t, h.r.render(), 80, 24)
}

// TestPulseCountsInEnglish: one context reads "1 context", not "1 contexts".
func TestPulseCountsInEnglish(t *testing.T) {
	h := newHarness(t, fixtureBackend(), func(d *Deps) {
		d.Contexts = []Context{{Name: "prod", Region: "us-east-1"}}
		d.StartScreen = StartPulse
	})
	h.contains(" in 1 context")
	h.lacks("1 contexts")
	h.lacks(" 1 clusters")
	for n, want := range map[int]string{0: "0 clusters", 1: "1 cluster", 2: "2 clusters"} {
		if got := howMany(n, "cluster"); got != want {
			t.Errorf("howMany(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestPulseFailingIsNotLoading: when every read fails and nothing was
// read, the pulse says its reads fail and that it retries, instead of a
// spinner that looks like patience.
func TestPulseFailingIsNotLoading(t *testing.T) {
	// The fixture cannot read the pulse at all: its failure stands for any.
	h := newHarness(t, fixtureBackend(), func(d *Deps) {
		d.Contexts = []Context{{Name: "prod", Region: "us-east-1"}}
		d.StartScreen = StartPulse
	})
	h.contains("cannot read prod")
	h.contains("nothing read yet: the reads above fail; the pulse tries again on its own")
	h.lacks("loading the pulse")
}

// TestPulseCommandOnAnotherContextsLine: a cluster command on the pulse
// takes the selected line's cluster in the current context; on another
// context's line it says why it cannot, and what to do.
func TestPulseCommandOnAnotherContextsLine(t *testing.T) {
	h, _, _ := pulseHarness(t, pulseWorld(t, 1), pulseWorld(t, 2), false)
	p := h.r.top().(*pulsePage)
	for range len(p.findings) {
		if f, ok := p.selected(); ok && f.Context == "eu" {
			break
		}
		h.keys("j")
	}
	if f, _ := p.selected(); f.Context != "eu" {
		t.Fatalf("no line of context eu:\n%s", h.screen())
	}
	h.keys(":tasks", "enter")
	if got := h.statusLine(); !strings.Contains(got, "the pulse line is in context eu (enter opens it there)") {
		t.Fatalf("status line %q", got)
	}
	if h.crumbs() != "pulse" {
		t.Fatalf("crumbs %q: nothing should open", h.crumbs())
	}
}

// TestPulseWideKeepsEveryColumn: on a screen wide enough for most findings
// in full, the pulse keeps where and since (it hid every other column to
// show the WHAT in full).
func TestPulseWideKeepsEveryColumn(t *testing.T) {
	h, _, _ := pulseHarness(t, pulseWorld(t, 1), pulseWorld(t, 2), false)
	// 150 columns: this world's longest finding fits in full only
	// without the other columns.
	h.send(tea.WindowSizeMsg{Width: 150, Height: 50})
	head := strings.Split(h.screen(), "\n")[3]
	for _, col := range []string{"CONTEXT", "CLUSTER", "SERVICE", "WHAT", "SINCE", "ACTION"} {
		if !strings.Contains(head, col) {
			t.Errorf("header %q lacks %s", head, col)
		}
	}
}
