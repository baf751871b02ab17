package actions

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ui/input"
	"github.com/ecstui/ecstui/ui/page"
)

// stage is where a flow is: load → form → plan → run → done.
type stage int

const (
	stageLoading stage = iota
	stageForm
	stagePlan
	stageRunning
	stageDone
	stageError
)

type boardKind int

const (
	boardSteps boardKind = iota
	boardRollout
	boardDrain
	boardDaemon
	boardRefresh
)

// field is one form input. value is the exact pre-filled value (an image
// as ECS holds it); shown is what the input holds after its own clean-up
// (controls dropped, length capped). A field whose input still shows that
// plans with value, so an untouched field never becomes a lookalike change.
type field struct {
	key, label, value, hint string
	shown                   string
}

// valueFrom is what a field contributes to the plan, given its input's text.
func (fl field) valueFrom(input string) string {
	if input == fl.shown {
		return fl.value
	}
	return input
}

// control is shared between a running executor and its board: the
// executor's goroutine writes, the board reads.
type control struct {
	paused  atomic.Bool
	drainID atomic.Value // string: the drain run's id, once known
}

func (c *control) drainIDText() string {
	s, _ := c.drainID.Load().(string)
	return s
}

// spec is what one action contributes to the generic flow.
type spec struct {
	action string
	title  string
	gather func(ctx context.Context) (any, error)
	fields func(state any) []field // nil: no form
	// plan computes the plan from the gathered state and the form; extra is
	// handed to run (e.g. the nodes of a daemon start).
	plan     func(ctx context.Context, state any, v values) (ops.Plan, any, error)
	run      func(ctx context.Context, r *ops.Runner, p ops.Plan, extra any, ctl *control) ops.Result
	board    boardKind
	rollback func() page.Page               // offered after a deploy
	retry    func(res ops.Result) page.Page // offered after a daemon start with failures
	// titleFromPlan titles the page "action plan.Target" once planned.
	titleFromPlan bool

	// Instance refreshes (refresh.go): boardFor picks the board from the
	// plan (a rollout's strategy); autoStart runs at once once planned (a
	// watch, which changes nothing); watch is offered on a plan refused
	// because a refresh is in progress; cancelRefresh and rollbackRefresh
	// are offered on a refresh board.
	boardFor                       func(p ops.Plan) boardKind
	autoStart                      bool
	watch                          func() page.Page
	cancelRefresh, rollbackRefresh func() page.Page
}

// Messages, tagged with the flow's id so a reply never reaches another page.
type (
	loadedMsg struct {
		id    int64
		state any
		err   error
	}
	plannedMsg struct {
		id    int64
		plan  ops.Plan
		extra any
		err   error
	}
	eventMsg struct {
		id int64
		ev ops.Event
	}
	resultMsg struct {
		id  int64
		res ops.Result
	}
)

var flowIDs atomic.Int64

// flow is the page every action uses.
type flow struct {
	d    Deps
	spec spec
	id   int64
	keys flowKeys

	stage         stage
	width, height int
	err           error

	ctx    context.Context
	cancel context.CancelFunc

	state  any
	fields []field
	inputs []input.Line
	focus  int

	plan    ops.Plan
	extra   any
	confirm input.Line
	scroll  int

	ctl    *control
	events chan any      // ops.Event…, then one ops.Result
	ran    chan struct{} // closed when the executor has returned (and journaled)
	board  board
	result *ops.Result
}

func newFlow(d Deps, s spec) *flow {
	ctx, cancel := context.WithCancel(context.Background())
	f := &flow{d: d, spec: s, id: flowIDs.Add(1), keys: newFlowKeys(d.Back), ctx: ctx, cancel: cancel, ctl: &control{}}
	f.confirm = input.New(d.styles(), 256)
	f.confirm.Blur()
	return f
}

func (f *flow) Init() tea.Cmd {
	id, gather, ctx := f.id, f.spec.gather, f.ctx
	return func() tea.Msg {
		st, err := gather(ctx)
		return loadedMsg{id: id, state: st, err: err}
	}
}

// Title names the action; once planned, pages that were opened by an opaque
// id (a container instance ARN) name their target as the plan does.
func (f *flow) Title() string {
	if f.spec.titleFromPlan && f.plan.Target != "" {
		return f.spec.action + " " + f.plan.Target
	}
	return f.spec.title
}

func (f *flow) SetSize(w, h int) { f.width, f.height = w, h }

// closeWait bounds how long closing a page waits for its executor to stop
// and journal what it did (it stops at its next step once cancelled).
const closeWait = 5 * time.Second

// Close cancels the page's work. A running executor is waited for (briefly),
// so that quitting the console still leaves its record in the journal:
// "stopped watching; ECS continues" for a deployment, "aborted" for a drain.
func (f *flow) Close() {
	f.cancel()
	if f.ran == nil {
		return
	}
	select {
	case <-f.ran:
	case <-time.After(closeWait):
	}
}

// Watching says what quitting does while the page runs an action.
func (f *flow) Watching() string {
	if f.stage != stageRunning {
		return ""
	}
	switch f.spec.board {
	case boardDrain:
		return f.Title() + " is running: quitting stops it between steps (resumable: ecstui drain --list)"
	case boardDaemon:
		return f.Title() + " is running: quitting stops it; nodes not started yet stay without it"
	}
	return f.Title() + " is being watched: quitting stops watching; ECS continues without ecstui"
}

// Capturing: the form and the production confirmation take every key.
func (f *flow) Capturing() bool {
	return f.stage == stageForm || (f.stage == stagePlan && f.needsTyping() && f.confirmable())
}

// needsTyping reports whether confirming means typing the target's name.
func (f *flow) needsTyping() bool {
	return f.d.Production || (f.plan.Blocked() && f.plan.Overridable)
}

// confirmable reports whether this plan may be confirmed at all.
func (f *flow) confirmable() bool {
	return !f.d.ReadOnly && (!f.plan.Blocked() || f.plan.Overridable)
}

func (f *flow) KeyHelp() []key.Binding {
	k := &f.keys
	switch f.stage {
	case stageForm:
		return []key.Binding{k.Next, k.Prev, k.Plan, k.Back}
	case stagePlan:
		var out []key.Binding
		scroll := k.Scroll
		if f.confirmable() {
			if f.needsTyping() {
				out = append(out, k.Typed)
				scroll = k.ArrowScroll
			} else {
				out = append(out, k.Confirm)
			}
		}
		if len(f.fields) > 0 {
			out = append(out, k.Edit)
		}
		if f.canWatch() {
			out = append(out, k.Watch)
		}
		return append(out, scroll, k.Back)
	case stageRunning:
		out := []key.Binding{k.Abort}
		if f.spec.board == boardDrain {
			return append(out, k.Pause, k.LeaveDrain)
		}
		if f.refreshKeys() {
			out = append(out, k.CancelRefresh, k.RollbackRefresh)
		}
		return append(out, k.Leave)
	case stageDone:
		var out []key.Binding
		if f.canRollBack() {
			out = append(out, k.Roll)
		}
		if f.canRetry() {
			out = append(out, k.Retry)
		}
		return append(out, k.Scroll, k.Back)
	}
	return []key.Binding{k.Back}
}

func (f *flow) canRollBack() bool {
	return f.spec.rollback != nil && f.result != nil && f.result.DeploymentID != "" && !f.d.ReadOnly
}

// refreshKeys: a refresh board that may open the cancel and rollback pages.
func (f *flow) refreshKeys() bool {
	return f.spec.board == boardRefresh && f.spec.cancelRefresh != nil && f.spec.rollbackRefresh != nil && !f.d.ReadOnly
}

// canWatch: the plan was refused because an instance refresh is in progress.
func (f *flow) canWatch() bool {
	return f.spec.watch != nil && slices.ContainsFunc(f.plan.Blockers, func(b string) bool {
		return strings.Contains(b, "instance refresh is") && strings.Contains(b, "in progress")
	})
}

func (f *flow) canRetry() bool {
	return f.spec.retry != nil && f.result != nil && len(ops.FailedNodes(f.result.Nodes)) > 0 && !f.d.ReadOnly
}

func (f *flow) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	switch m := msg.(type) {
	case loadedMsg:
		if m.id != f.id {
			return f, nil
		}
		if m.err != nil {
			f.stage, f.err = stageError, m.err
			return f, nil
		}
		f.state = m.state
		if f.spec.fields != nil {
			f.fields = f.spec.fields(m.state)
		}
		if len(f.fields) == 0 {
			return f, f.planCmd()
		}
		f.buildInputs()
		f.stage = stageForm
		return f, nil
	case plannedMsg:
		if m.id != f.id {
			return f, nil
		}
		if m.err != nil {
			f.err = m.err
			if len(f.fields) == 0 {
				f.stage = stageError
			}
			return f, nil
		}
		f.err = nil
		f.plan, f.extra, f.stage, f.scroll = m.plan, m.extra, stagePlan, 0
		if f.spec.boardFor != nil {
			f.spec.board = f.spec.boardFor(m.plan)
		}
		if f.spec.autoStart {
			return f, f.start()
		}
		f.confirm.Reset()
		if f.needsTyping() && f.confirmable() {
			f.confirm.Focus()
		}
		return f, nil
	case eventMsg:
		if m.id != f.id {
			return f, nil
		}
		f.board.add(m.ev)
		return f, f.waitCmd()
	case resultMsg:
		if m.id != f.id {
			return f, nil
		}
		res := m.res
		f.result, f.stage = &res, stageDone
		f.board.finish(res)
		return f, page.Status(string(res.Outcome)+": "+res.Message, !res.OK())
	case tea.KeyPressMsg:
		return f.key(m)
	case tea.PasteMsg:
		switch {
		case f.stage == stageForm:
			f.inputs[f.focus].Update(m)
		case f.stage == stagePlan && f.needsTyping() && f.confirmable():
			f.confirm.Update(m)
		}
	}
	return f, nil
}

func (f *flow) key(m tea.KeyPressMsg) (page.Page, tea.Cmd) {
	k := &f.keys
	switch f.stage {
	case stageForm:
		return f.formKey(m)
	case stagePlan:
		if f.needsTyping() && f.confirmable() {
			return f.typedKey(m)
		}
		switch {
		case key.Matches(m, k.Confirm):
			if f.confirmable() {
				return f, f.start()
			}
			if f.d.ReadOnly {
				return f, page.Status("read-only: this context cannot change anything", true)
			}
			return f, page.Status("refused: "+f.plan.Blockers[0], true)
		case key.Matches(m, k.Edit):
			if len(f.fields) > 0 {
				f.stage = stageForm
			}
		case key.Matches(m, k.Watch) && f.canWatch():
			return f, page.Open(f.spec.watch())
		case key.Matches(m, k.Up):
			f.scrollBy(-1)
		case key.Matches(m, k.Down):
			f.scrollBy(1)
		case key.Matches(m, k.Back):
			return f.back()
		}
	case stageRunning:
		switch {
		case key.Matches(m, k.Abort):
			f.cancel()
			return f, page.Status("aborting: the executor stops at its next step", false)
		case key.Matches(m, k.Pause) && f.spec.board == boardDrain:
			f.ctl.paused.Store(true)
			return f, page.Status("pausing after the current batch", false)
		case key.Matches(m, k.CancelRefresh) && f.refreshKeys():
			return f, page.Open(f.spec.cancelRefresh())
		case key.Matches(m, k.RollbackRefresh) && f.refreshKeys():
			return f, page.Open(f.spec.rollbackRefresh())
		}
	case stageDone:
		switch {
		case key.Matches(m, k.Roll) && f.canRollBack():
			return f, page.Open(f.spec.rollback())
		case key.Matches(m, k.Retry) && f.canRetry():
			if p := f.spec.retry(*f.result); p != nil {
				return f, page.Open(p)
			}
		case key.Matches(m, k.Up):
			f.scrollBy(-1)
		case key.Matches(m, k.Down):
			f.scrollBy(1)
		}
	}
	return f, nil
}

// typedKey handles the plan of a confirmation by typed name: every key but
// the arrows, enter and back is text.
func (f *flow) typedKey(m tea.KeyPressMsg) (page.Page, tea.Cmd) {
	k := &f.keys
	switch {
	case key.Matches(m, k.Back):
		return f.back()
	case key.Matches(m, k.Typed):
		if f.confirm.Value() == f.plan.Target {
			return f, f.start()
		}
		return f, page.Status("type "+f.plan.Target+" exactly to confirm", true)
	case key.Matches(m, k.ArrowUp):
		f.scrollBy(-1)
	case key.Matches(m, k.ArrowDown):
		f.scrollBy(1)
	default:
		f.confirm.Update(m)
	}
	return f, nil
}

func (f *flow) back() (page.Page, tea.Cmd) {
	if f.stage == stagePlan && len(f.fields) > 0 {
		f.stage = stageForm
		return f, nil
	}
	return f, page.Back()
}

func (f *flow) scrollBy(n int) { f.scroll = max(0, f.scroll+n) }

func (f *flow) buildInputs() {
	f.inputs = make([]input.Line, len(f.fields))
	for i, fl := range f.fields {
		in := input.New(f.d.styles(), 512)
		in.SetValue(fl.value)
		f.fields[i].shown = in.Value()
		in.Blur()
		f.inputs[i] = in
	}
	f.focus = 0
	f.inputs[0].Focus()
}

func (f *flow) formKey(m tea.KeyPressMsg) (page.Page, tea.Cmd) {
	k := &f.keys
	switch {
	case key.Matches(m, k.Back):
		return f, page.Back()
	case key.Matches(m, k.Next):
		f.setFocus((f.focus + 1) % len(f.inputs))
	case key.Matches(m, k.Prev):
		f.setFocus((f.focus + len(f.inputs) - 1) % len(f.inputs))
	case key.Matches(m, k.Plan):
		return f, f.planCmd()
	default:
		f.inputs[f.focus].Update(m)
	}
	return f, nil
}

func (f *flow) setFocus(i int) {
	f.inputs[f.focus].Blur()
	f.focus = i
	f.inputs[i].Focus()
}

func (f *flow) planCmd() tea.Cmd {
	v := values{}
	for i, fl := range f.fields {
		v[fl.key] = fl.valueFrom(f.inputs[i].Value())
	}
	id, plan, state, ctx := f.id, f.spec.plan, f.state, f.ctx
	return func() tea.Msg {
		p, extra, err := plan(ctx, state, v)
		return plannedMsg{id: id, plan: p, extra: extra, err: err}
	}
}

// start runs the executor off the UI thread. Its events and then its result
// come back in order through one channel, one message per waitCmd.
func (f *flow) start() tea.Cmd {
	f.stage = stageRunning
	f.confirm.Blur()
	f.events = make(chan any, 256)
	r := f.d.runner()
	r.Override = f.plan.Blocked() && f.plan.Overridable && f.confirm.Value() == f.plan.Target
	events, ctx := f.events, f.ctx
	r.Emit = func(e ops.Event) {
		// Boards show snapshots: when the UI lags, dropping one is harmless
		// and never blocks the executor.
		select {
		case events <- e:
		default:
		}
	}
	plan, extra, run, ctl := f.plan, f.extra, f.spec.run, f.ctl
	ran := make(chan struct{})
	f.ran = ran
	go func() {
		res := run(ctx, r, plan, extra, ctl)
		close(ran)
		events <- res
	}()
	f.board = board{action: plan.Action}
	return f.waitCmd()
}

func (f *flow) waitCmd() tea.Cmd {
	id, events := f.id, f.events
	return func() tea.Msg {
		switch m := (<-events).(type) {
		case ops.Result:
			return resultMsg{id: id, res: m}
		case ops.Event:
			return eventMsg{id: id, ev: m}
		}
		return nil
	}
}
