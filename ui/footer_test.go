package ui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/ui/page"
)

// stubPage is a hosted page (like an action dialog) with the given keys.
type stubPage struct {
	keys      []key.Binding
	capturing bool
}

func (p *stubPage) Init() tea.Cmd                       { return nil }
func (p *stubPage) Update(tea.Msg) (page.Page, tea.Cmd) { return p, nil }
func (p *stubPage) View() string                        { return "" }
func (p *stubPage) SetSize(int, int)                    {}
func (p *stubPage) Title() string                       { return "stub" }
func (p *stubPage) KeyHelp() []key.Binding              { return p.keys }
func (p *stubPage) Close()                              {}
func (p *stubPage) Capturing() bool                     { return p.capturing }

func binding(k, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc))
}

// footer is the footer line's words, single-spaced.
func (h *harness) footer() string {
	return strings.Join(strings.Fields(ansi.Strip(h.r.footerLine(h.r.width))), " ")
}

func TestFooterSaysEachKeyOnce(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.send(page.OpenMsg{Page: &stubPage{keys: []key.Binding{binding("y", "confirm"), binding("esc", "back")}}})
	if got := h.footer(); got != "y confirm esc back : command ? help q quit" {
		t.Errorf("footer %q: esc once, no filter on a page that cannot filter", got)
	}
	// The page's words win for a key the console also binds.
	h.send(page.OpenMsg{Page: &stubPage{keys: []key.Binding{binding("esc", "stop watching"), binding("q", "queue")}}})
	if got := h.footer(); got != "esc stop watching q queue : command ? help" {
		t.Errorf("footer %q", got)
	}
}

func TestFooterWhilePageTakesEveryKey(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.send(page.OpenMsg{Page: &stubPage{keys: []key.Binding{binding("tab", "next field"), binding("esc", "back")}, capturing: true}})
	if got := h.footer(); got != "tab next field esc back" {
		t.Errorf("footer %q, want only the page's keys", got)
	}
}
