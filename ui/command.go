package ui

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/ui/page"
)

// command is one ":" command.
type command struct {
	name    string
	aliases []string
	args    string // usage of the arguments, for help
	help    string
	run     func(r *root, args []string) tea.Cmd
}

// commands is the command table, in help order.
func commands() []command {
	return []command{
		{name: "ctx", aliases: []string{"context", "contexts"}, args: "[name]", help: "list or switch AWS contexts", run: cmdCtx},
		{name: "pulse", aliases: []string{"pu"}, help: "what is broken now, in every cluster of every context", run: cmdPulse},
		{name: "clusters", aliases: []string{"cl"}, help: "clusters", run: cmdClusters},
		{name: "region", aliases: []string{"regions"}, args: "[name]", help: "list the account's regions, or switch to one", run: cmdRegion},
		{name: "services", aliases: []string{"svc"}, args: "[cluster]", help: "services of the cluster", run: cmdClusterPage(newServicesPageP)},
		{name: "tasks", aliases: []string{"task"}, args: "[service]", help: "running tasks (of a service)", run: cmdTasks},
		{name: "stopped", aliases: []string{"st", "exits"}, args: "[service]", help: "stopped tasks and why they died (of a service)", run: cmdStopped},
		{name: "instances", aliases: []string{"ci", "containerinstances"}, args: "[cluster]", help: "container instances", run: cmdClusterPage(newInstancesPageP)},
		{name: "td", aliases: []string{"taskdefs", "taskdefinitions"}, args: "[family]", help: "task definition families (revisions)", run: cmdTD},
		{name: "ports", aliases: []string{"portmap", "pm"}, args: "[service]", help: "port map of the cluster (or a service)", run: cmdPorts},
		{name: "logs", aliases: []string{"log"}, help: "logs of the selected task/service/container", run: cmdLogs},
		{name: "forwards", aliases: []string{"pf", "port-forwards"}, help: "running port forwards (ctrl+d stops one)", run: cmdForwards},
		{name: "help", aliases: []string{"h"}, help: "key and command help", run: func(r *root, _ []string) tea.Cmd { r.mode = modeHelp; return nil }},
		{name: "quit", aliases: []string{"q", "exit"}, help: "quit (asks first while a change is watched)", run: func(r *root, _ []string) tea.Cmd { return r.quit() }},
		{name: "quit!", aliases: []string{"q!"}, help: "quit without asking", run: func(*root, []string) tea.Cmd { return tea.Quit }},
	}
}

// commandNames lists every name and alias, sorted, for completion.
func commandNames() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
		out = append(out, c.aliases...)
	}
	sort.Strings(out)
	return out
}

func lookupCommand(name string) (command, bool) {
	name = strings.ToLower(name)
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
		for _, a := range c.aliases {
			if a == name {
				return c, true
			}
		}
	}
	return command{}, false
}

func (r *root) commandKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, r.keys.Prompt.Cancel):
		r.mode = modeNormal
		return nil
	case key.Matches(k, r.keys.Prompt.Accept):
		text := strings.TrimSpace(r.input.Value())
		if text == "" {
			r.mode = modeNormal
			return nil
		}
		fields := strings.Fields(text)
		c, ok := lookupCommand(fields[0])
		if !ok && len(fields) == 1 {
			// enter runs the command the line suggests (":sv" runs :svc).
			c, ok = lookupCommand(r.input.CurrentSuggestion())
		}
		if !ok {
			r.inputErr = fmt.Sprintf("unknown command %q — try :help", fields[0])
			return nil
		}
		r.mode = modeNormal
		return c.run(r, fields[1:])
	}
	return r.promptEdit(k)
}

// promptEdit hands a key or a paste to the line being typed. The filter
// applies at every change, so the table narrows while typing.
func (r *root) promptEdit(msg tea.Msg) tea.Cmd {
	if !r.input.Update(msg) {
		return nil
	}
	r.inputErr = ""
	if r.mode == modeFilter {
		if f, ok := r.top().(filterable); ok {
			r.applyFilter(f, r.input.Value())
		}
	}
	return nil
}

// filterKey edits the filter; every change is applied at once so the table
// narrows while typing. An invalid regex keeps the last valid filter and says
// why.
func (r *root) filterKey(k tea.KeyPressMsg) tea.Cmd {
	f, ok := r.top().(filterable)
	if !ok {
		r.mode = modeNormal
		return nil
	}
	switch {
	case key.Matches(k, r.keys.Prompt.Cancel):
		r.applyFilter(f, r.prevFilter)
		r.inputErr = ""
		r.mode = modeNormal
		return nil
	case key.Matches(k, r.keys.Prompt.Accept):
		if r.inputErr != "" {
			return nil
		}
		r.mode = modeNormal
		return nil
	}
	return r.promptEdit(k)
}

func (r *root) applyFilter(f filterable, text string) {
	re, invert, err := compileFilter(text)
	if err != nil {
		r.inputErr = err.Error()
		return
	}
	r.inputErr = ""
	f.SetFilter(text, re, invert)
}

// compileFilter turns the filter text into a case-insensitive regex; a
// leading "!" inverts it. An empty text (or a lone "!") clears the filter.
func compileFilter(text string) (*regexp.Regexp, bool, error) {
	invert := strings.HasPrefix(text, "!")
	pat := strings.TrimPrefix(text, "!")
	if pat == "" {
		return nil, false, nil
	}
	re, err := regexp.Compile("(?i)" + pat)
	if err != nil {
		msg := err.Error()
		if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "error parsing regexp") {
			msg = msg[i+2:]
		}
		return nil, false, fmt.Errorf("invalid regex: %s", msg)
	}
	return re, invert, nil
}

func cmdCtx(r *root, args []string) tea.Cmd {
	if len(args) == 0 {
		return r.pushReplace(newContextsPage(r))
	}
	for i, c := range r.d.Contexts {
		if c.Name == args[0] {
			return func() tea.Msg { return switchContextMsg{idx: i} }
		}
	}
	return r.flash(fmt.Sprintf("no context named %q (:ctx lists them)", args[0]), true)
}

// pushReplace opens p over the first page, replacing the rest of the stack.
func (r *root) pushReplace(p page.Page) tea.Cmd {
	if r.env == nil && len(r.stack) == 0 {
		r.stack = []page.Page{p}
		r.sizePage(p)
		return p.Init()
	}
	return r.reset(p)
}

// needEnv refuses commands that need a connection when there is none.
func (r *root) needEnv() tea.Cmd {
	if r.env == nil {
		return r.flash("not connected — :ctx to pick a context", true)
	}
	return nil
}

func (r *root) clusterArg(args []string) (string, tea.Cmd) {
	if len(args) > 0 {
		return args[0], nil
	}
	if c := r.commandCluster(); c != "" {
		return c, nil
	}
	if pp, ok := r.top().(*pulsePage); ok {
		if f, ok := pp.selected(); ok && f.Context != r.env.conn.Name {
			// The pulse lends its line's cluster only in the current context.
			return "", r.flash("no cluster selected: the pulse line is in context "+clean(f.Context)+
				" (enter opens it there) — or pick a cluster in :clusters", true)
		}
	}
	return "", r.flash("no cluster selected — pick one in :clusters, or name it: :svc CLUSTER", true)
}

type clusterPageFn func(e *env, cluster string) page.Page

func cmdClusterPage(mk clusterPageFn) func(r *root, args []string) tea.Cmd {
	return func(r *root, args []string) tea.Cmd {
		if c := r.needEnv(); c != nil {
			return c
		}
		cluster, errCmd := r.clusterArg(args)
		if errCmd != nil {
			return errCmd
		}
		return r.reset(mk(r.env, cluster))
	}
}

// cmdPulse shows the pulse: the first page when it is the start screen.
func cmdPulse(r *root, _ []string) tea.Cmd {
	if c := r.needEnv(); c != nil {
		return c
	}
	if _, ok := r.stack[0].(*pulsePage); ok {
		return r.reset()
	}
	return r.reset(newPulsePage(r.env, r.pulse))
}

// cmdClusters shows the clusters: the first page unless the pulse is.
func cmdClusters(r *root, _ []string) tea.Cmd {
	if len(r.stack) > 0 {
		if _, ok := r.stack[0].(*pulsePage); ok && r.env != nil {
			return r.reset(newClustersPage(r.env))
		}
	}
	return r.reset()
}

func cmdStopped(r *root, args []string) tea.Cmd {
	if c := r.needEnv(); c != nil {
		return c
	}
	cluster, errCmd := r.clusterArg(nil)
	if errCmd != nil {
		return errCmd
	}
	service := ""
	if len(args) > 0 {
		service = args[0]
	}
	return r.reset(newStoppedPage(r.env, cluster, service))
}

func cmdTasks(r *root, args []string) tea.Cmd {
	if c := r.needEnv(); c != nil {
		return c
	}
	cluster, errCmd := r.clusterArg(nil)
	if errCmd != nil {
		return errCmd
	}
	if len(args) > 0 {
		return r.reset(newServicesPage(r.env, cluster), newServiceTasksPage(r.env, cluster, args[0]))
	}
	return r.reset(newTasksPage(r.env, cluster))
}

func cmdTD(r *root, args []string) tea.Cmd {
	if c := r.needEnv(); c != nil {
		return c
	}
	cluster := r.commandCluster()
	if len(args) > 0 {
		return r.reset(newFamiliesPage(r.env, cluster), newRevisionsPage(r.env, cluster, args[0]))
	}
	return r.reset(newFamiliesPage(r.env, cluster))
}

func cmdPorts(r *root, args []string) tea.Cmd {
	if c := r.needEnv(); c != nil {
		return c
	}
	cluster, errCmd := r.clusterArg(nil)
	if errCmd != nil {
		return errCmd
	}
	scope := portScope{cluster: cluster}
	if len(args) > 0 {
		scope.service = args[0]
	}
	return r.reset(newPortMapPage(r.env, scope))
}

func cmdForwards(r *root, _ []string) tea.Cmd {
	if c := r.needEnv(); c != nil {
		return c
	}
	return r.push(newForwardsPage(r.env, r.forwards))
}

func cmdLogs(r *root, _ []string) tea.Cmd {
	if c := r.needEnv(); c != nil {
		return c
	}
	if l, ok := r.top().(logSource); ok {
		if t, ok := l.LogTarget(); ok {
			return r.openLogs(t)
		}
	}
	return r.flash("select a service, task or container first, then :logs (or l)", true)
}

func newServicesPageP(e *env, c string) page.Page  { return newServicesPage(e, c) }
func newInstancesPageP(e *env, c string) page.Page { return newInstancesPage(e, c) }
