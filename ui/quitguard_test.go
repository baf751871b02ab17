package ui

import (
	"strings"
	"testing"

	"github.com/ecstui/ecstui/ui/page"
)

// watchingPage is a progress board watching a change.
type watchingPage struct {
	stubPage
	what string
}

func (p *watchingPage) Watching() string { return p.what }

// TestQuitWhileWatchingAsksFirst: q (or :quit) while a page watches a
// change asks, naming what quitting does; only y quits. :q! and a page
// that watches nothing quit at once.
func TestQuitWhileWatchingAsksFirst(t *testing.T) {
	const what = "deploy auth is being watched: quitting stops watching; ECS continues without ecstui"
	for _, quit := range [][]string{{"q"}, {":", "quit", "enter"}, {":", "q", "enter"}} {
		h := newHarness(t, fixtureBackend())
		h.send(page.OpenMsg{Page: &watchingPage{what: what}})
		h.keys(quit...)
		if h.quit {
			t.Fatalf("%v quit at once while a change is watched", quit)
		}
		if s := h.screen(); !strings.Contains(s, what+". Quit? (y/N)") {
			t.Fatalf("%v: the question is not shown:\n%s", quit, s)
		}
		h.keys("n")
		if h.quit || !strings.Contains(h.screen(), "still here") {
			t.Fatalf("%v then n: quit=%v\n%s", quit, h.quit, h.screen())
		}
		h.keys(quit...)
		h.keys("y")
		if !h.quit {
			t.Fatalf("%v then y did not quit", quit)
		}
	}
	h := newHarness(t, fixtureBackend())
	h.send(page.OpenMsg{Page: &watchingPage{what: what}})
	h.keys(":", "q!", "enter")
	if !h.quit {
		t.Error(":q! did not quit")
	}
	h = newHarness(t, fixtureBackend())
	h.send(page.OpenMsg{Page: &watchingPage{}})
	h.keys("q")
	if !h.quit {
		t.Error("q did not quit with nothing watched")
	}
}
