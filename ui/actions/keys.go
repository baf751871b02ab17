package actions

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// Keys are the bindings that open action pages from the browse views. They
// are all dangerous (they lead to a change): in read-only sessions the UI
// should show them disabled, which ForReadOnly does.
type Keys struct {
	Deploy      key.Binding // services, service detail: NewDeploy
	Scale       key.Binding // services, service detail: NewScale
	Redeploy    key.Binding // services, service detail: NewRedeploy
	Rollback    key.Binding // services, service detail: NewRollback
	StopTask    key.Binding // tasks, containers: NewStopTask
	Drain       key.Binding // container instances: NewDrain (one) or NewRollingDrain (marked/filtered rows)
	DaemonStart key.Binding // task definitions: NewDaemonStart
	Rollout     key.Binding // container instances: NewRollout (every instance on the selected one's AMI)
	// ResumeScaling resumes a service's suspended dynamic scaling: service
	// detail, NewResumeAutoScaling.
	ResumeScaling key.Binding
}

// DefaultKeys are the suggested bindings: capitals (and ctrl+k, k9s's kill)
// so a stray keypress in a browse view never starts a change, and clear of the
// browse views' own keys (s/S sort, d describe, y copy, t/p/i/l/c jumps). The
// UI may remap them from config.
func DefaultKeys() Keys {
	return Keys{
		Deploy:        key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "update (deploy)")),
		Scale:         key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "scale")),
		Redeploy:      key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "force new deployment")),
		Rollback:      key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "roll back")),
		StopTask:      key.NewBinding(key.WithKeys("ctrl+k"), key.WithHelp("ctrl+k", "stop task")),
		Drain:         key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "drain & replace")),
		DaemonStart:   key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "start on every node")),
		Rollout:       key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "replace all on this AMI")),
		ResumeScaling: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "resume autoscaling")),
	}
}

// ForReadOnly returns the keys disabled when readOnly, so key.Matches never
// fires and help omits them; the pages refuse anyway and so does the adapter.
func (k Keys) ForReadOnly(readOnly bool) Keys {
	for _, b := range []*key.Binding{&k.Deploy, &k.Scale, &k.Redeploy, &k.Rollback, &k.StopTask, &k.Drain, &k.DaemonStart, &k.Rollout, &k.ResumeScaling} {
		b.SetEnabled(!readOnly)
	}
	return k
}

// All lists the bindings, for help and for remapping from config.
func (k Keys) All() []key.Binding {
	return []key.Binding{k.Deploy, k.Scale, k.Redeploy, k.Rollback, k.StopTask, k.Drain, k.DaemonStart, k.Rollout, k.ResumeScaling}
}

// flowKeys are an action page's own bindings, by stage. KeyHelp shows them
// and the page dispatches on them with key.Matches, so what the footer says
// is what the keys do. The back bindings take the console's back key (esc
// unless remapped) and name what it does at each stage.
type flowKeys struct {
	Next, Prev, Plan                key.Binding // form
	Confirm, Typed, Edit            key.Binding // plan
	Up, Down, Scroll                key.Binding // plan and board: arrows and k/j
	ArrowUp, ArrowDown, ArrowScroll key.Binding // while a name is typed: arrows only
	Abort, Pause                    key.Binding // running
	CancelRefresh, RollbackRefresh  key.Binding // running: a refresh board
	Watch                           key.Binding // plan refused by a refresh in progress
	Retry, Roll                     key.Binding // done
	Back, Leave, LeaveDrain         key.Binding
}

func newFlowKeys(back key.Binding) flowKeys {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	backKeys := back.Keys()
	if len(backKeys) == 0 {
		backKeys = []string{"esc"}
	}
	backHelp := strings.Join(backKeys, "/")
	up, down := []string{"up", "k"}, []string{"down", "j"}
	return flowKeys{
		Next:        b("tab", "next field", "tab", "down"),
		Prev:        b("shift+tab", "previous field", "shift+tab", "up"),
		Plan:        b("enter", "plan", "enter"),
		Confirm:     b("y", "confirm", "y"),
		Typed:       b("enter", "confirm typed name", "enter"),
		Edit:        b("e", "edit inputs", "e"),
		Up:          b("↑/k", "scroll up", up...),
		Down:        b("↓/j", "scroll down", down...),
		Scroll:      b("↑/↓", "scroll", append(up, down...)...),
		ArrowUp:     b("↑", "scroll up", "up"),
		ArrowDown:   b("↓", "scroll down", "down"),
		ArrowScroll: b("↑/↓", "scroll", "up", "down"),
		Abort:       b("a", "abort", "a"),
		Pause:       b("p", "pause after batch", "p"),
		// A refresh board: the refresh runs in AWS; these open the pages
		// that cancel or roll it back (each with its own plan).
		CancelRefresh:   b("c", "cancel refresh", "c"),
		RollbackRefresh: b("R", "roll back refresh", "R"),
		Watch:           b("w", "watch the refresh", "w"),
		Retry:           b("r", "retry failed nodes", "r"),
		Roll:            b("R", "roll back", "R"),
		Back:            b(backHelp, "back", backKeys...),
		Leave:           b(backHelp, "stop watching", backKeys...),
		// Leaving a drain board stops the drain: ops drives it, not ECS.
		LeaveDrain: b(backHelp, "stop (resumable)", backKeys...),
	}
}
