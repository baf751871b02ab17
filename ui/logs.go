package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// logTarget is what a log viewer should tail: a whole service, one task, or
// one container of a task. The task definition tells where the awslogs
// driver writes.
type logTarget struct {
	Cluster           string
	Service           string // whole service when TaskID is empty
	TaskID            string
	Container         string // one container when set
	TaskDefinitionARN string
	// Since, when set, is how far back the viewer starts (a stopped task's
	// logs open a little before it died); 0 takes the viewer's default.
	Since time.Duration
}

// logSource pages can say what "logs" means for their selection.
type logSource interface {
	LogTarget() (logTarget, bool)
}

// openLogsMsg asks the root to open the log viewer.
type openLogsMsg struct{ target logTarget }

func openLogsCmd(_ *env, t logTarget) tea.Cmd {
	return func() tea.Msg { return openLogsMsg{target: t} }
}

// openLogs opens the log viewer for t.
func (r *root) openLogs(t logTarget) tea.Cmd {
	if r.env == nil {
		return r.flash("not connected", true)
	}
	p, err := r.logPage(t)
	if err != nil {
		return r.flash(err.Error(), true)
	}
	return r.push(p)
}
