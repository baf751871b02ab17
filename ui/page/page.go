// Package page is the contract between the console's root model (package ui)
// and the screens it hosts: browse views, the log viewer (ui/logview) and the
// action dialogs and progress boards (ui/actions). A page renders itself into
// the body area the root gives it; the root draws header, breadcrumb, footer
// help and overlays, routes keys, and owns the navigation stack.
package page

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Page is one screen on the navigation stack.
type Page interface {
	// Init starts the page's first fetch (a tea.Cmd, never blocking).
	Init() tea.Cmd
	// Update handles a message. Keys reach the page only when no root-level
	// mode (command line, filter prompt, help) has taken them.
	Update(msg tea.Msg) (Page, tea.Cmd)
	// View renders the body: exactly the size last given to SetSize.
	View() string
	// SetSize gives the body's width and height in cells.
	SetSize(width, height int)
	// Title is this page's breadcrumb element, e.g. "services(prod)".
	Title() string
	// KeyHelp lists the page's own bindings for the footer and the ? overlay.
	KeyHelp() []key.Binding
	// Close is called when the page leaves the stack: cancel its contexts.
	Close()
}

// Capturing is implemented by pages that want every key for a while (a text
// input in a dialog, a search prompt): while Capturing reports true, the root
// passes keys straight through instead of interpreting :, /, ?, esc or q.
type Capturing interface {
	Capturing() bool
}

// Watcher is implemented by pages that drive or watch a change in progress
// (an action's progress board). While Watching returns a sentence, quitting
// asks first, showing it: it says what quitting does to the change (ECS
// carries on with a deployment; a drain stops, resumable).
type Watcher interface {
	Watching() string
}

// OpenMsg asks the root to push a page on the navigation stack.
type OpenMsg struct{ Page Page }

// CloseMsg asks the root to pop the current page (like esc).
type CloseMsg struct{}

// StatusMsg asks the root to flash a message in the status line.
type StatusMsg struct {
	Text  string
	Error bool
}

// Open returns a command that pushes p.
func Open(p Page) tea.Cmd { return func() tea.Msg { return OpenMsg{Page: p} } }

// Back returns a command that pops the current page.
func Back() tea.Cmd { return func() tea.Msg { return CloseMsg{} } }

// Status returns a command that flashes text in the status line.
func Status(text string, isError bool) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Error: isError} }
}
