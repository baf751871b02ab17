package ui

import (
	"errors"
	"path/filepath"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/logs"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ui/actions"
	"github.com/ecstui/ecstui/ui/logview"
	"github.com/ecstui/ecstui/ui/page"
)

// Hosted pages from other packages: the log viewer (ui/logview) and the
// action dialogs (ui/actions). The backend a context connects to is asked,
// by type, whether it can read logs (logs.Client) and make changes
// (ops.API); *aws.Client can do both, a read-only guard still refuses
// changes in the adapter.

// logPage builds the log viewer page for t.
func (r *root) logPage(t logTarget) (page.Page, error) {
	lc, ok := r.env.backend.(logs.Client)
	if !ok {
		return nil, errors.New("this backend cannot read CloudWatch Logs")
	}
	if t.Service == "" && t.TaskID == "" {
		return nil, errors.New("select a service, task or container to see its logs")
	}
	return logview.New(logview.Deps{Client: lc, Styles: r.st, Ctx: r.env.ctx, Capacity: r.d.LogBufferLines,
		SaveDir: filepath.Join(ops.StateDir(), "logs"), Keys: &r.keys.LogView, Since: t.Since, SinceSet: t.Since > 0},
		logs.Target{Cluster: t.Cluster, Service: t.Service, Task: t.TaskID, Container: t.Container}), nil
}

// actionDeps is what the action pages of one context share.
func (r *root) actionDeps(c Context, b Backend) (actions.Deps, bool) {
	api, ok := b.(ops.API)
	if !ok {
		return actions.Deps{}, false
	}
	j := r.d.Journal
	if j == nil {
		j = ops.DefaultJournal()
	}
	return actions.Deps{
		API: api, Styles: r.st, Context: c.Name, Production: c.Production,
		ReadOnly: r.d.ReadOnly || c.ReadOnly, Journal: j, Back: r.keys.Back,
	}, true
}

// openAction opens an action page built from the context's action deps.
func (e *env) openAction(build func(d actions.Deps) page.Page) tea.Cmd {
	if !e.canAct {
		return page.Status("actions are not available with this backend", true)
	}
	return page.Open(build(e.actions))
}
