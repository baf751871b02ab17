package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/ui/page"
)

// quit is what q and :quit do: quit, unless a page is driving or watching a
// change; then ask first, saying what quitting does to it (a deployment
// carries on in ECS, unwatched; a drain stops, resumable).
func (r *root) quit() tea.Cmd {
	if what := r.watching(); what != "" {
		r.mode = modeConfirmQuit
		r.quitWhat = what
		return nil
	}
	return tea.Quit
}

// watching is the first page on the stack that runs a change, in words.
func (r *root) watching() string {
	for i := len(r.stack) - 1; i >= 0; i-- {
		if w, ok := r.stack[i].(page.Watcher); ok {
			if s := w.Watching(); s != "" {
				return s
			}
		}
	}
	return ""
}

// confirmQuitKey answers the question: y quits (each page journals how it
// stopped as it closes), anything else stays.
func (r *root) confirmQuitKey(k tea.KeyPressMsg) tea.Cmd {
	r.mode = modeNormal
	if k.String() == "y" || k.String() == "Y" {
		return tea.Quit
	}
	return r.flash("still here: the change is still watched", false)
}

// confirmQuitLine is the status line while the question is asked.
func (r *root) confirmQuitLine(w int) string {
	return fitLine(r.st.StatusError.Render(clean(r.quitWhat)+". Quit? (y/N)"), w)
}
