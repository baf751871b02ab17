package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/ecstui/ecstui/ui/actions"
	"github.com/ecstui/ecstui/ui/logview"
	"github.com/ecstui/ecstui/ui/table"
)

// KeyMap is every binding of the console. Pages take the bindings they use
// from it; configuration rebinds them by action name (see KeyActions).
type KeyMap struct {
	Table table.KeyMap

	Enter, Back, Quit, Command, Filter, Help, Refresh, Copy key.Binding

	// Jumps from the selected row.
	Describe, Tasks, Ports, Instances, Logs key.Binding
	// Stopped toggles the tasks view between running and stopped tasks.
	Stopped key.Binding
	// StoppedTasks opens the stopped-task triage of a service: why its
	// tasks died. "e" for exits: S (the obvious letter) reverses the sort
	// everywhere, and x is ECS Exec's shell.
	StoppedTasks key.Binding
	// WatchRefresh follows the instance refresh of a cluster's group (instances view).
	WatchRefresh key.Binding

	// ForceQuit quits from anywhere, prompts and dialogs included; it is not
	// rebindable.
	ForceQuit key.Binding

	// Prompt is what ends a line being typed (command line, filter); it is
	// not rebindable, since every other key is text there.
	Prompt PromptKeys
	// Sessions into a container (see sessions.go).
	Sessions SessionKeys

	// LogView is the log viewer's keys (configured as logs_NAME).
	LogView logview.KeyMap

	// Actions open ui/actions pages; disabled in read-only contexts.
	// baseActions is the configured set, Actions the one in force.
	Actions, baseActions actions.Keys
}

// DefaultKeyMap is the k9s-style map documented in the README.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Table:        table.DefaultKeyMap(),
		Enter:        b([]string{"enter"}, "enter", "open"),
		Back:         b([]string{"esc"}, "esc", "back"),
		Quit:         b([]string{"q", "ctrl+c"}, "q", "quit"),
		Command:      b([]string{":"}, ":", "command"),
		Filter:       b([]string{"/"}, "/", "filter"),
		Help:         b([]string{"?"}, "?", "help"),
		Refresh:      b([]string{"ctrl+r"}, "ctrl+r", "refresh"),
		Copy:         b([]string{"y"}, "y", "copy ARN/id"),
		Describe:     b([]string{"d"}, "d", "describe"),
		Tasks:        b([]string{"t"}, "t", "tasks"),
		Ports:        b([]string{"p"}, "p", "port map"),
		Instances:    b([]string{"i"}, "i", "instance"),
		Logs:         b([]string{"l"}, "l", "logs"),
		Stopped:      b([]string{"a"}, "a", "running/stopped"),
		StoppedTasks: b([]string{"e"}, "e", "stopped tasks"),
		ForceQuit:    b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Prompt:       DefaultPromptKeys(),
		LogView:      logview.DefaultKeyMap(),
		Sessions:     defaultSessionKeys(),
		Actions:      actions.DefaultKeys(),

		// A watch changes nothing: not an action key, fine in read-only.
		WatchRefresh: b([]string{"w"}, "w", "watch instance refresh"),
	}
}

// PromptKeys end a line being typed.
type PromptKeys struct {
	Accept, Cancel key.Binding
}

// DefaultPromptKeys are enter and esc.
func DefaultPromptKeys() PromptKeys {
	return PromptKeys{
		Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keeps")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancels")),
	}
}

// logsPrefix starts the configuration names of the log viewer's keys
// (logs_follow, logs_search, …).
const logsPrefix = "logs_"

// keyActions names every rebindable binding for configuration.
func (k *KeyMap) keyActions() map[string]*key.Binding {
	acts := k.consoleActions()
	for n, b := range k.logActions() {
		acts[n] = b
	}
	return acts
}

func (k *KeyMap) logActions() map[string]*key.Binding {
	acts := map[string]*key.Binding{}
	for n, b := range k.LogView.Actions() {
		acts[logsPrefix+n] = b
	}
	return acts
}

// keyScopes are the sets of bindings that are live together, so no two of
// a set may share a key: the browse views with the root's keys, and the log
// viewer's keys with the root keys it cannot shadow (the root takes them
// first). A log viewer key may reuse a browse key: "p" pauses there.
func (k *KeyMap) keyScopes() []map[string]*key.Binding {
	console, logs := k.consoleActions(), k.logActions()
	for _, n := range []string{"quit", "command", "help", "back"} {
		logs[n] = console[n]
	}
	return []map[string]*key.Binding{console, logs}
}

// consoleActions names the root's, the browse views' and the actions' keys.
func (k *KeyMap) consoleActions() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Table.Up, "down": &k.Table.Down, "page_up": &k.Table.PageUp, "page_down": &k.Table.PageDown,
		"top": &k.Table.Top, "bottom": &k.Table.Bottom, "sort_next": &k.Table.SortNext, "sort_reverse": &k.Table.SortReverse,
		"enter": &k.Enter, "back": &k.Back, "quit": &k.Quit, "command": &k.Command, "filter": &k.Filter,
		"help": &k.Help, "refresh": &k.Refresh, "copy": &k.Copy,
		"describe": &k.Describe, "tasks": &k.Tasks, "ports": &k.Ports, "instances": &k.Instances,
		"logs": &k.Logs, "stopped": &k.Stopped, "stopped_tasks": &k.StoppedTasks,
		"deploy": &k.Actions.Deploy, "scale": &k.Actions.Scale, "redeploy": &k.Actions.Redeploy,
		"rollback": &k.Actions.Rollback, "stop_task": &k.Actions.StopTask, "drain": &k.Actions.Drain,
		"daemon_start": &k.Actions.DaemonStart, "rollout": &k.Actions.Rollout, "resume_autoscaling": &k.Actions.ResumeScaling,
		"watch_refresh": &k.WatchRefresh, "exec": &k.Sessions.Exec, "exec_check": &k.Sessions.Check,
		"port_forward": &k.Sessions.Forward, "stop_forward": &k.Sessions.StopForward,
	}
}

// KeyActions lists the action names configuration may rebind.
func KeyActions() []string {
	k := DefaultKeyMap()
	var names []string
	for n := range k.keyActions() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// rebind applies configured keys. An unknown action, an empty key list or
// two actions sharing a key are errors naming them.
func (k *KeyMap) rebind(cfg map[string][]string) error {
	acts := k.keyActions()
	names := make([]string, 0, len(cfg))
	for n := range cfg {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b, ok := acts[strings.ToLower(n)]
		if !ok {
			return fmt.Errorf("keys: unknown action %q (known: %s)", n, strings.Join(KeyActions(), ", "))
		}
		keys := cfg[n]
		if len(keys) == 0 {
			return fmt.Errorf("keys: action %q has no keys", n)
		}
		b.SetKeys(keys...)
		b.SetHelp(strings.Join(keys, "/"), b.Help().Desc)
	}
	for _, scope := range k.keyScopes() {
		if err := distinctKeys(scope); err != nil {
			return err
		}
	}
	if err := k.LogView.Check(); err != nil {
		return fmt.Errorf("keys: %s%w", logsPrefix, err)
	}
	k.baseActions = k.Actions
	return nil
}

// distinctKeys reports a key bound to two actions of acts.
func distinctKeys(acts map[string]*key.Binding) error {
	owner := map[string]string{}
	all := make([]string, 0, len(acts))
	for n := range acts {
		all = append(all, n)
	}
	sort.Strings(all)
	for _, n := range all {
		for _, kk := range acts[n].Keys() {
			if o, dup := owner[kk]; dup {
				return fmt.Errorf("keys: %q is bound to both %q and %q", kk, o, n)
			}
			owner[kk] = n
		}
	}
	return nil
}

// globalBindings are the root's own keys, for footer and help.
func (k *KeyMap) globalBindings() []key.Binding {
	return []key.Binding{k.Command, k.Filter, k.Help, k.Back, k.Refresh, k.Copy, k.Quit}
}
