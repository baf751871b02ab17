package ui

import (
	"context"
	"os/exec"
	"regexp"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/input"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/sched"
	"github.com/ecstui/ecstui/ui/theme"
)

// connectTimeout bounds building a backend (credentials, SSO, endpoint).
const connectTimeout = 30 * time.Second

// statusTTL is how long a status message stays.
const statusTTL = 5 * time.Second

type mode int

const (
	modeNormal mode = iota
	modeCommand
	modeFilter
	modeHelp
	modeConfirmQuit // q while a page runs a change: y quits, anything else stays
)

// connectedMsg is the reply to Connect.
type connectedMsg struct {
	gen     uint64
	idx     int
	backend Backend
	err     error
	then    func(r *root) tea.Cmd // what to open once connected
}

// replaceTopMsg swaps the current page for another (a view toggle).
type replaceTopMsg struct{ page page.Page }

func replaceTop(p page.Page) tea.Cmd { return func() tea.Msg { return replaceTopMsg{page: p} } }

// switchContextMsg asks the root to connect to another context, then open
// the pages then builds (a pulse line of another context leads there).
type switchContextMsg struct {
	idx  int
	then func(r *root) tea.Cmd
}

type statusClearMsg struct{ id uint64 }

// root is the console's top-level model.
type root struct {
	d    Deps
	st   *theme.Styles
	keys *KeyMap
	ids  uint64

	spin     spinner.Model
	spinning bool
	tick     func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd

	ctxIdx      int       // the context shown (connected or connecting)
	env         *env      // nil until the first connection succeeds
	pulse       *pulseHub // the pulse's state across pages and contexts
	connGen     uint64    // latest Connect request
	connecting  bool      // a Connect is in flight
	connErr     error     // the last Connect failure
	stack       []page.Page
	lastCluster string // the last cluster a page was shown for (this context)

	width, height int
	bodyW, bodyH  int // the size last given to the pages

	mode       mode
	quitWhat   string // what quitting would leave, while modeConfirmQuit asks
	input      input.Line
	inputErr   string
	prevFilter string
	helpTop    int // the first line of a help taller than the screen

	status    string
	statusErr bool
	statusID  uint64

	// forwards are the running port forwards (they outlive pages and
	// contexts); execProcess hands the terminal to a session's plugin.
	forwards    *forwardSet
	execProcess func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd
}

func newRoot(d Deps) (*root, error) {
	if err := validate(&d); err != nil {
		return nil, err
	}
	st, err := theme.New(d.Colors)
	if err != nil {
		return nil, err
	}
	km := DefaultKeyMap()
	if err := km.rebind(d.Keys); err != nil {
		return nil, err
	}
	r := &root{d: d, st: st, keys: &km, ctxIdx: d.Current, tick: tea.Tick, forwards: &forwardSet{}, execProcess: tea.ExecProcess}
	r.spin = newSpinner(st)
	return r, nil
}

func (r *root) Init() tea.Cmd {
	return tea.Batch(r.connect(r.ctxIdx), r.startSpin())
}

func (r *root) connect(idx int) tea.Cmd { return r.connectThen(idx, nil) }

// connectThen connects to a context and, once connected, runs then (which
// opens pages over the start page).
func (r *root) connectThen(idx int, then func(r *root) tea.Cmd) tea.Cmd {
	r.connGen++
	r.connecting = true
	gen, c, connect := r.connGen, r.d.Contexts[idx], r.d.Connect
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		defer cancel()
		b, err := connect(ctx, c)
		return connectedMsg{gen: gen, idx: idx, backend: b, err: err, then: then}
	}
}

// connected installs a fresh env and navigation stack for the new backend.
func (r *root) connected(m connectedMsg) tea.Cmd {
	if m.gen != r.connGen {
		return nil
	}
	r.connecting = false
	if m.err != nil {
		r.connErr = m.err
		return r.flash("cannot connect to "+r.d.Contexts[m.idx].Name+": "+clean(m.err.Error()), true)
	}
	r.connErr = nil
	r.status = ""
	r.closeAll()
	r.ctxIdx = m.idx
	r.lastCluster = ""
	c := r.d.Contexts[m.idx]
	e, err := r.newEnv(c, m.backend)
	if err != nil {
		return r.flash(err.Error(), true)
	}
	r.env = e
	if r.pulse == nil {
		r.pulse = newPulseHub(r)
	}
	r.pulse.setCurrent(r.env)
	r.keys.Sessions.enable(r.env.sessions)
	r.keys.Actions = r.keys.baseActions.ForReadOnly(r.env.readOnly)
	r.stack = r.startPages(c)
	for i, p := range r.stack {
		r.sizePage(p)
		if v, ok := p.(visibility); ok && i < len(r.stack)-1 {
			v.Hidden()
		}
	}
	init := r.top().Init()
	var then tea.Cmd
	if m.then != nil {
		then = m.then(r)
	}
	return tea.Batch(init, r.startSpin(), then)
}

// newEnv builds the env of a connected context: its own cancellable
// context and refresh scheduler.
func (r *root) newEnv(c Context, b Backend) (*env, error) {
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{
		ctx: ctx, cancel: cancel, backend: b, conn: c,
		readOnly: r.d.ReadOnly || c.ReadOnly,
		st:       r.st, keys: r.keys, now: r.d.Now, interval: r.d.RefreshInterval,
		ids: &r.ids, spin: &r.spin, tick: r.tick, store: newResourceStore(),
	}
	e.store.instancesKept = e.labels.keep
	sc, err := sched.New(sched.Options{Share: r.d.APIBudget, Interval: r.d.RefreshInterval})
	if err != nil {
		cancel()
		return nil, err
	}
	e.loop = refreshLoop{sched: sc, runs: map[string]run{}, last: map[string]fetchedMsg{}}
	e.actions, e.canAct = r.actionDeps(c, b)
	e.sessions, _ = r.sessionDeps(c, b)
	return e, nil
}

// startPages are the pages a fresh connection opens on: the pulse, or the
// clusters (and the context's default cluster's services).
func (r *root) startPages(c Context) []page.Page {
	if r.d.StartScreen == StartPulse {
		return []page.Page{newPulsePage(r.env, r.pulse)}
	}
	ps := []page.Page{newClustersPage(r.env)}
	if c.Cluster != "" {
		ps = append(ps, newServicesPage(r.env, c.Cluster))
	}
	return ps
}

// envFor is the live env a refresh message belongs to (nil: an env that is
// gone, whose messages are dropped).
func (r *root) envFor(src *env) *env {
	if src == nil || src == r.env {
		return r.env
	}
	if r.pulse != nil && r.pulse.owns(src) {
		return src
	}
	return nil
}

// closeAll closes every page and cancels the env's context.
func (r *root) closeAll() {
	for _, p := range r.stack {
		p.Close()
	}
	r.stack = nil
	if r.env != nil {
		r.env.cancel()
	}
}

func (r *root) top() page.Page {
	if len(r.stack) == 0 {
		return nil
	}
	return r.stack[len(r.stack)-1]
}

func (r *root) push(p page.Page) tea.Cmd {
	if p == nil {
		return nil
	}
	if v, ok := r.top().(visibility); ok {
		v.Hidden()
	}
	r.stack = append(r.stack, p)
	r.sizePage(p)
	r.remember(p)
	return tea.Batch(p.Init(), r.startSpin())
}

// pop leaves the current page; the first page is never popped.
func (r *root) pop() tea.Cmd {
	if len(r.stack) <= 1 {
		return nil
	}
	r.top().Close()
	r.stack = r.stack[:len(r.stack)-1]
	r.sizePage(r.top())
	if v, ok := r.top().(visibility); ok {
		return tea.Batch(v.Shown(), r.startSpin())
	}
	return nil
}

// reset replaces the stack above the first page with ps (a :command jump).
func (r *root) reset(ps ...page.Page) tea.Cmd {
	for len(r.stack) > 1 {
		r.top().Close()
		r.stack = r.stack[:len(r.stack)-1]
	}
	if len(ps) == 0 {
		if v, ok := r.top().(visibility); ok {
			return v.Shown()
		}
		return nil
	}
	var cmds []tea.Cmd
	for i, p := range ps {
		if i < len(ps)-1 {
			r.stack = append(r.stack, p)
			r.sizePage(p)
			if v, ok := p.(visibility); ok {
				v.Hidden()
			}
			continue
		}
		cmds = append(cmds, r.push(p))
	}
	return tea.Batch(cmds...)
}

func (r *root) flash(text string, isErr bool) tea.Cmd {
	r.statusID++
	r.status, r.statusErr = text, isErr
	id := r.statusID
	return r.tick(statusTTL, func(time.Time) tea.Msg { return statusClearMsg{id: id} })
}

func (r *root) startSpin() tea.Cmd {
	if r.spinning {
		return nil
	}
	r.spinning = true
	return r.tick(r.spin.Spinner.FPS, func(time.Time) tea.Msg { return spinMsg{} })
}

// busy reports whether something worth a spinner is happening.
func (r *root) busy() bool {
	if r.connecting {
		return true
	}
	if rf, ok := r.top().(refresher); ok {
		return rf.RefreshState().Busy
	}
	return false
}

func (r *root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := r.update(msg)
	r.syncSize()
	return r, cmd
}

// syncSize resizes the pages when the body changed height without a window
// resize (an error banner came or went).
func (r *root) syncSize() {
	w, h := r.bodySize()
	if w == r.bodyW && h == r.bodyH {
		return
	}
	r.bodyW, r.bodyH = w, h
	for _, p := range r.stack {
		p.SetSize(w, h)
	}
}

func (r *root) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		for _, p := range r.stack {
			r.sizePage(p)
		}
		return nil
	case spinMsg:
		r.spinning = false
		if !r.busy() {
			return nil
		}
		advance(&r.spin)
		return r.startSpin()
	case connectedMsg:
		return r.connected(msg)
	case switchContextMsg:
		return tea.Batch(r.connectThen(msg.idx, msg.then), r.startSpin(),
			r.flash("connecting to "+r.d.Contexts[msg.idx].Name+"…", false))
	case statusClearMsg:
		if msg.id == r.statusID {
			r.status = ""
		}
		return nil
	case page.OpenMsg:
		return r.push(msg.Page)
	case replaceTopMsg:
		if len(r.stack) == 0 {
			return nil
		}
		r.top().Close()
		r.stack = r.stack[:len(r.stack)-1]
		return r.push(msg.page)
	case page.CloseMsg:
		return r.pop()
	case openLogsMsg:
		return r.openLogs(msg.target)
	case page.StatusMsg:
		return r.flash(clean(msg.Text), msg.Error)
	case tea.KeyPressMsg:
		return r.key(msg)
	case tickMsg:
		e := r.envFor(msg.src)
		if e == nil {
			return nil
		}
		return tea.Batch(e.woke(msg), r.startSpinIfBusy())
	case fetchedMsg:
		e := r.envFor(msg.src)
		if e == nil {
			return nil
		}
		if msg.cached {
			return r.broadcast(msg)
		}
		if !e.finished(&msg) {
			return nil
		}
		var more tea.Cmd
		if r.pulse != nil {
			_, more = r.pulse.receive(msg)
		}
		return tea.Batch(r.broadcast(msg), more, e.pump())
	case partialMsg:
		e := r.envFor(msg.src)
		if e == nil || !e.current(msg) {
			return nil
		}
		return r.broadcast(msg)
	case pulseActionMsg:
		return r.pulseAction(msg.f)
	case switchRegionMsg:
		return r.switchRegion(msg.region)
	case pulseRegionsMsg:
		if r.pulse == nil {
			return nil
		}
		return r.pulse.regions(msg)
	case pulseConnectedMsg:
		if r.pulse == nil {
			return nil
		}
		return tea.Batch(r.pulse.connected(msg), r.startSpinIfBusy())
	case tea.PasteMsg:
		if r.mode == modeCommand || r.mode == modeFilter {
			return r.promptEdit(msg)
		}
	}
	return r.broadcast(msg)
}

// broadcast hands a non-key message to every page: each one recognises its
// own replies (by page and request id) and ignores the rest, so a reply that
// lands while its page is covered is still kept.
func (r *root) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for i, p := range r.stack {
		np, cmd := p.Update(msg)
		if np != nil {
			r.stack[i] = np
		}
		cmds = append(cmds, cmd)
	}
	cmds = append(cmds, r.startSpinIfBusy())
	return tea.Batch(cmds...)
}

func (r *root) startSpinIfBusy() tea.Cmd {
	if r.busy() {
		return r.startSpin()
	}
	return nil
}

func (r *root) key(k tea.KeyPressMsg) tea.Cmd {
	if key.Matches(k, r.keys.ForceQuit) {
		return tea.Quit
	}
	switch r.mode {
	case modeCommand:
		return r.commandKey(k)
	case modeFilter:
		return r.filterKey(k)
	case modeHelp:
		_, h := r.bodySize()
		switch {
		case key.Matches(k, r.keys.Help, r.keys.Back, r.keys.Quit):
			r.mode, r.helpTop = modeNormal, 0
		case key.Matches(k, r.keys.Table.Down):
			r.scrollHelp(1)
		case key.Matches(k, r.keys.Table.Up):
			r.scrollHelp(-1)
		case key.Matches(k, r.keys.Table.PageDown):
			r.scrollHelp(max(h-1, 1))
		case key.Matches(k, r.keys.Table.PageUp):
			r.scrollHelp(-max(h-1, 1))
		}
		return nil
	case modeConfirmQuit:
		return r.confirmQuitKey(k)
	}
	top := r.top()
	if c, ok := top.(page.Capturing); ok && c.Capturing() {
		return r.toTop(k)
	}
	switch {
	case key.Matches(k, r.keys.Quit):
		return r.quit()
	case key.Matches(k, r.keys.Command):
		r.openCommandLine()
		return nil
	case key.Matches(k, r.keys.Help):
		r.mode = modeHelp
		return nil
	case key.Matches(k, r.keys.Refresh):
		if rf, ok := top.(refresher); ok {
			return tea.Batch(rf.Refresh(), r.startSpin())
		}
		return r.toTop(k)
	case key.Matches(k, r.keys.Filter):
		if f, ok := top.(filterable); ok {
			r.openFilterPrompt(f.FilterText())
			return nil
		}
		return r.toTop(k)
	case key.Matches(k, r.keys.Back):
		if f, ok := top.(filterable); ok && f.FilterText() != "" {
			f.SetFilter("", nil, false)
			return nil
		}
		if len(r.stack) <= 1 {
			return r.toTop(k)
		}
		return r.pop()
	case key.Matches(k, r.keys.Copy):
		if c, ok := top.(copyable); ok {
			if text, ok := c.CopyText(); ok {
				return tea.Batch(tea.SetClipboard(text), r.flash("copied "+clean(text), false))
			}
			return r.flash("nothing to copy here", true)
		}
		return r.toTop(k)
	}
	if b, ok := r.refusedAction(k, top); ok {
		return r.flash("read-only: "+b.Help().Key+" ("+b.Help().Desc+") is off — this session changes nothing", true)
	}
	return r.toTop(k)
}

// refusedAction is the action key k would press were the session not
// read-only (its binding is disabled there, so it would do nothing and say
// nothing); a page's own use of the key comes first.
func (r *root) refusedAction(k tea.KeyPressMsg, top page.Page) (key.Binding, bool) {
	if r.env == nil || !r.env.readOnly || top == nil {
		return key.Binding{}, false
	}
	own := top.KeyHelp()
	if _, ok := top.(tabular); ok {
		own = append(own, r.keys.Table.Bindings()...)
	}
	for _, b := range own {
		if key.Matches(k, b) {
			return key.Binding{}, false
		}
	}
	for _, b := range r.keys.baseActions.All() {
		if key.Matches(k, b) {
			return b, true
		}
	}
	return key.Binding{}, false
}

func (r *root) toTop(msg tea.Msg) tea.Cmd {
	top := r.top()
	if top == nil {
		return nil
	}
	np, cmd := top.Update(msg)
	if np != nil {
		r.stack[len(r.stack)-1] = np
	}
	return tea.Batch(cmd, r.startSpinIfBusy())
}

func (r *root) sizePage(p page.Page) {
	if p == nil {
		return
	}
	_, bodyH := r.bodySize()
	p.SetSize(max(r.width, 0), bodyH)
}

// Capabilities pages may offer the root (k9s-style small interfaces).

// filterable pages accept the / filter.
type filterable interface {
	SetFilter(text string, re *regexp.Regexp, invert bool)
	FilterText() string
}

// copyable pages name what y copies.
type copyable interface {
	CopyText() (string, bool)
}

// counted pages report rows shown and total, for the breadcrumb line.
type counted interface {
	Counts() (shown, total int)
}

// tabular pages use the table keys (listed in help).
type tabular interface {
	TableKeys() bool
}

// clusterScoped pages belong to one cluster (the header shows it and
// :commands default to it).
type clusterScoped interface {
	Cluster() string
}

// currentCluster is the cluster of the nearest cluster-scoped page, else the
// context's default cluster (what the header shows).
func (r *root) currentCluster() string {
	for i := len(r.stack) - 1; i >= 0; i-- {
		if c, ok := r.stack[i].(clusterScoped); ok && c.Cluster() != "" {
			return c.Cluster()
		}
	}
	return r.d.Contexts[r.ctxIdx].Cluster
}

// commandCluster is the cluster a :command without one applies to: the
// stack's, else the one under the cursor on the clusters list, else the last
// one visited, else the context's default.
func (r *root) commandCluster() string {
	for i := len(r.stack) - 1; i >= 0; i-- {
		if c, ok := r.stack[i].(clusterScoped); ok && c.Cluster() != "" {
			return c.Cluster()
		}
	}
	if cp, ok := r.top().(*listPage[model.Cluster]); ok {
		if c, ok := cp.selected(); ok {
			return c.Name
		}
	}
	if pp, ok := r.top().(*pulsePage); ok {
		if f, ok := pp.selected(); ok && f.Context == r.env.conn.Name {
			return f.Cluster
		}
	}
	if r.lastCluster != "" {
		return r.lastCluster
	}
	return r.d.Contexts[r.ctxIdx].Cluster
}

// remember notes the cluster of a page being shown.
func (r *root) remember(p page.Page) {
	if c, ok := p.(clusterScoped); ok && c.Cluster() != "" {
		r.lastCluster = c.Cluster()
	}
}

type spinMsg struct{}

// newSpinner is bubbles' MiniDot in the theme's spinner style. The root
// advances it with its own (replaceable) tick, and only while something
// loads, so an idle console schedules no frames and tests need no timers.
func newSpinner(st *theme.Styles) spinner.Model {
	return spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Spinner))
}

// advance shows the spinner's next frame. The tick command spinner.Update
// returns is dropped: the root schedules frames (startSpin).
func advance(s *spinner.Model) {
	*s, _ = s.Update(spinner.TickMsg{ID: s.ID()})
}
