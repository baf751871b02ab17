package ui

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/sched"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

// :region lists the regions the current context's account has enabled and
// switches to one, like e1s's region picker: the same profile in another
// region, with no config entry (the context is named base@region).

// regionReader is what listing regions needs; *aws.Client has it.
type regionReader interface {
	Regions(ctx context.Context) ([]string, error)
}

var errNoRegions = errors.New("this backend cannot list regions")

// regionsEvery is how often the region list is read again: it hardly changes.
const regionsEvery = 10 * time.Minute

// switchRegionMsg asks the root to switch the current context to a region.
type switchRegionMsg struct{ region string }

func newRegionsPage(e *env) *listPage[string] {
	current := e.conn.Region
	return newListPage(e, listSpec[string]{
		title: "regions(" + clean(firstNonEmpty(e.conn.Base, e.conn.Name)) + ")",
		noun:  "regions",
		key:   "regions",
		cost:  func(int) sched.Cost { return sched.Cost{quota.EC2Read: 1} },
		columns: []table.Column{
			{Title: "REGION", Max: 30},
			{Title: "", Max: 10},
		},
		fetch: func(ctx context.Context, b Backend) ([]string, []model.Failure, error) {
			rr, ok := b.(regionReader)
			if !ok {
				return nil, nil, errNoRegions
			}
			rs, err := rr.Regions(ctx)
			return rs, nil, err
		},
		row: func(_ *env, r string, _ time.Time) table.Row {
			mark := table.Cell{}
			if r == current {
				mark = table.Cell{Text: "current", Tone: theme.ToneOK}
			}
			return table.Row{ID: r, Cells: []table.Cell{{Text: clean(r)}, mark}}
		},
		extra: []listKey[string]{{
			binding: func(k *KeyMap) key.Binding { return k.Enter },
			do: func(_ *env, r string) tea.Cmd {
				return func() tea.Msg { return switchRegionMsg{region: r} }
			},
		}},
	})
}

// switchRegion connects to the current context's account in another region.
func (r *root) switchRegion(region string) tea.Cmd {
	if r.env == nil {
		return r.flash("not connected", true)
	}
	cur := r.d.Contexts[r.ctxIdx]
	if region == cur.Region {
		return r.flash("already in "+clean(region), false)
	}
	idx := r.contextIndex(cur.inRegion(region))
	return func() tea.Msg { return switchContextMsg{idx: idx} }
}

// contextIndex is c's index in the contexts, adding it when it is a region
// of a context that has no entry of its own.
func (r *root) contextIndex(c Context) int {
	base := firstNonEmpty(c.Base, c.Name)
	for i, x := range r.d.Contexts {
		if x.Name == c.Name || (x.Name == base && x.Base == "" && x.Region == c.Region) {
			return i
		}
	}
	r.d.Contexts = append(r.d.Contexts, c)
	return len(r.d.Contexts) - 1
}

func cmdRegion(r *root, args []string) tea.Cmd {
	if c := r.needEnv(); c != nil {
		return c
	}
	if len(args) > 0 {
		return r.switchRegion(args[0])
	}
	return r.reset(newRegionsPage(r.env))
}
