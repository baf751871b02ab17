package ui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/textsafe"
	"github.com/ecstui/ecstui/ui/actions"
	"github.com/ecstui/ecstui/ui/theme"
)

// env is what every page of one connected context shares (soft-serve's
// "common" struct): the backend, styles, keys, clock and a context that is
// cancelled when the user switches away. A context switch builds a new env.
type env struct {
	ctx      context.Context
	cancel   context.CancelFunc
	backend  Backend
	conn     Context
	readOnly bool
	st       *theme.Styles
	keys     *KeyMap
	now      func() time.Time
	interval time.Duration
	ids      *uint64        // page id source, owned by the root
	spin     *spinner.Model // the root's spinner, for loading text
	// tick schedules a message after d (tea.Tick; tests substitute a
	// recorder so that no test waits on a timer).
	tick func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
	// actions builds the action pages (ui/actions); canAct is false when the
	// backend cannot make changes at all.
	actions actions.Deps
	canAct  bool
	// sessions opens exec and port forwarding sessions (nil: the backend
	// cannot).
	sessions *sessionDeps
	// loop is the context's refresh scheduler and the runs it started.
	loop refreshLoop
	// labels are the EC2 ids of container instances, for the tasks views.
	labels instanceLabels
	// providers paces the reads of capacity providers (capacity.go); the
	// providers are kept on store.providers.
	providers providerCache
	// store is what the pages know of the context's resources (store.go).
	store *resourceStore
}

func (e *env) nextID() uint64 {
	*e.ids++
	return *e.ids
}

// loading renders "⠋ loading what…".
func (e *env) loading(what string) string {
	return e.spin.View() + " " + e.st.Muted.Render("loading "+what+"…")
}

// clean sanitises untrusted text for a single-line field.
func clean(s string) string { return textsafe.CleanLine(s) }

// age formats how long ago t was, compactly: 45s, 12m, 3h, 2d. Zero → "-".
func age(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// ago is "12m ago", or "unknown" when AWS did not say when (a zero time).
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return age(now, t) + " ago"
}

// percents is a deployment configuration's min/max, marked when ECS did
// not report it and the values are its defaults.
func percents(dc model.DeploymentConfiguration) string {
	s := fmt.Sprintf("%d/%d", dc.MinimumHealthyPercent, dc.MaximumPercent)
	if dc.Defaulted {
		s += " dflt"
	}
	return s
}

// defaultedNote says that the percentages are ECS's defaults.
func defaultedNote(dc model.DeploymentConfiguration) string {
	if dc.Defaulted {
		return " (not reported by ECS: its defaults)"
	}
	return ""
}

// ageSort is a sort key for an age: older sorts last in ascending order.
func ageSort(now, t time.Time) string {
	if t.IsZero() {
		return "99999999999999"
	}
	return fmt.Sprintf("%014d", int64(now.Sub(t)/time.Second))
}
