package actions

import "charm.land/bubbles/v2/key"

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
}

// DefaultKeys are the suggested bindings: capitals (and ctrl+k, k9s's kill)
// so a stray keypress in a browse view never starts a change, and clear of the
// browse views' own keys (s/S sort, d describe, y copy, t/p/i/l/c jumps). The
// UI may remap them from config.
func DefaultKeys() Keys {
	return Keys{
		Deploy:      key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "update (deploy)")),
		Scale:       key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "scale")),
		Redeploy:    key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "force new deployment")),
		Rollback:    key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "roll back")),
		StopTask:    key.NewBinding(key.WithKeys("ctrl+k"), key.WithHelp("ctrl+k", "stop task")),
		Drain:       key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "drain & replace")),
		DaemonStart: key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "start on every node")),
	}
}

// ForReadOnly returns the keys disabled when readOnly, so key.Matches never
// fires and help omits them; the pages refuse anyway and so does the adapter.
func (k Keys) ForReadOnly(readOnly bool) Keys {
	for _, b := range []*key.Binding{&k.Deploy, &k.Scale, &k.Redeploy, &k.Rollback, &k.StopTask, &k.Drain, &k.DaemonStart} {
		b.SetEnabled(!readOnly)
	}
	return k
}

// All lists the bindings, for help and for remapping from config.
func (k Keys) All() []key.Binding {
	return []key.Binding{k.Deploy, k.Scale, k.Redeploy, k.Rollback, k.StopTask, k.Drain, k.DaemonStart}
}
