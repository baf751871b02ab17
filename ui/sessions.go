package ui

import (
	"context"
	"os/exec"
	"slices"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ui/page"
)

// Sessions into a container: x opens a shell (ECS Exec), X shows the
// readiness check, f forwards a port (SSM); :forwards lists the running
// forwards. The backend is asked, by type, whether it can open sessions
// (ops.SessionAPI); *aws.Client can, and its read-only guard refuses them
// unless the context allows exec in read-only mode.

// SessionKeys are the session bindings.
type SessionKeys struct {
	Exec        key.Binding // tasks, containers: open a shell
	Check       key.Binding // tasks, containers: the readiness check
	Forward     key.Binding // tasks, containers: port forward
	StopForward key.Binding // forwards list: stop the selected forward
}

// enable turns exec and port forward off where the context may not open
// sessions (read-only without allowExecInReadOnly), so they leave the help;
// the readiness check stays, it only reads.
func (k *SessionKeys) enable(d *sessionDeps) {
	on := d != nil && d.allowed
	k.Exec.SetEnabled(on)
	k.Forward.SetEnabled(on)
}

func defaultSessionKeys() SessionKeys {
	return SessionKeys{
		Exec:        key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "exec shell")),
		Check:       key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "exec readiness")),
		Forward:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "port forward")),
		StopForward: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "stop forward")),
	}
}

// sessionDeps is what the session pages of one context share.
type sessionDeps struct {
	api        ops.SessionAPI
	finder     ops.PluginFinder
	journal    *ops.Journal
	context    string
	production bool
	// allowed: the context may open sessions (not read-only, or read-only
	// with allowExecInReadOnly).
	allowed bool
	command string // what exec runs
	// forwards are the root's running forwards; execProcess hands the
	// terminal to the plugin (tea.ExecProcess; tests substitute).
	forwards    *forwardSet
	execProcess func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd
}

func (d *sessionDeps) runner() *ops.Runner {
	return &ops.Runner{Journal: d.journal, Context: d.context}
}

// sessionDeps builds the session deps of a context, false when the backend
// cannot open sessions.
func (r *root) sessionDeps(c Context, b Backend) (*sessionDeps, bool) {
	api, ok := b.(ops.SessionAPI)
	if !ok {
		return nil, false
	}
	j := r.d.Journal
	if j == nil {
		j = ops.DefaultJournal()
	}
	cmd := c.ExecCommand
	if cmd == "" {
		cmd = "/bin/sh"
	}
	readOnly := r.d.ReadOnly || c.ReadOnly
	return &sessionDeps{
		api: api, journal: j, context: c.Name, production: c.Production,
		allowed: !readOnly || c.AllowExecInReadOnly, command: cmd,
		forwards: r.forwards, execProcess: r.execProcess,
	}, true
}

// openSessionCmd opens a session page: kind check, exec or forward on a
// task's container ("" = its first essential container).
func openSessionCmd(e *env, kind sessionKind, cluster string, t model.Task, container string) tea.Cmd {
	if e.sessions == nil {
		return page.Status("this backend cannot open exec or port forwarding sessions", true)
	}
	if kind != sessionCheck && !e.sessions.allowed {
		return page.Status("read-only: exec and port forwarding are off in this context (allowExecInReadOnly: true allows them)", true)
	}
	return page.Open(newSessionPage(e, kind, cluster, t, container))
}

// sessionListKeys are the x/X/f bindings of a list of T.
func sessionListKeys[T any](cluster string, target func(T) (model.Task, string)) []listKey[T] {
	mk := func(b func(k *KeyMap) key.Binding, kind sessionKind) listKey[T] {
		return listKey[T]{binding: b, do: func(e *env, it T) tea.Cmd {
			t, c := target(it)
			return openSessionCmd(e, kind, cluster, t, c)
		}}
	}
	return []listKey[T]{
		mk(func(k *KeyMap) key.Binding { return k.Sessions.Exec }, sessionExec),
		mk(func(k *KeyMap) key.Binding { return k.Sessions.Check }, sessionCheck),
		mk(func(k *KeyMap) key.Binding { return k.Sessions.Forward }, sessionForward),
	}
}

// forwardSet is the console's running port forwards; they outlive the page
// that started them and the context that opened them, and stop when the
// console quits.
type forwardSet struct {
	mu   sync.Mutex
	list []*ops.Forward
}

func (s *forwardSet) add(f *ops.Forward) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, f)
}

// snapshot lists the forwards, newest first.
func (s *forwardSet) snapshot() []*ops.Forward {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.list)
	slices.Reverse(out)
	return out
}

func (s *forwardSet) find(id string) *ops.Forward {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.list {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// stopAll stops every forward and waits for the plugins to exit (each
// journals its end).
func (s *forwardSet) stopAll() {
	for _, f := range s.snapshot() {
		f.Stop()
	}
	for _, f := range s.snapshot() {
		<-f.Done()
	}
}

// pluginCommand builds the plugin's process for an opened session.
func pluginCommand(o ops.OpenedSession) *exec.Cmd {
	return o.Plugin.Command(context.Background(), o.Session)
}
