// Package logview is the log viewer page: it runs a logs.Engine for one
// target and shows the merged lines, following or paused, searchable, with
// the engine's mode (live tail or polling, and why) in its status line.
//
// The UI root opens it with
//
//	page.Open(logview.New(logview.Deps{Client: backend, Styles: styles}, logs.Target{...}))
//
// Lines reach the page at most once per frame (FrameInterval, ~50 ms): the
// engine accumulates them, a tea.Cmd waits for its Ready signal, and the page
// takes everything pending at once. Only the visible lines are styled.
package logview

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/logs"
	"github.com/ecstui/ecstui/ui/input"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/theme"
)

// Deps is what the viewer needs from the console.
type Deps struct {
	Client logs.Client
	Styles *theme.Styles // default theme.Default()
	// Ctx bounds the engine (a context switch cancels it); default Background.
	Ctx context.Context
	// Capacity is the ring buffer size in lines (default logs.DefaultCapacity).
	Capacity int
	// Since is the initial history (default 5 minutes; 0 with SinceSet: tail).
	Since    time.Duration
	SinceSet bool
	// Engine tunes the tail engine (poll interval, rate, clock); Since and
	// Filter are the viewer's own.
	Engine logs.Options
	// SaveDir is where `s` writes (the console passes ops.StateDir()/logs;
	// default the working directory).
	SaveDir string
	// Keys are the viewer's bindings (default DefaultKeyMap()).
	Keys *KeyMap
	// Location formats timestamps (default time.Local).
	Location *time.Location
	// FrameInterval is the least time between two deliveries (default 50ms;
	// negative: deliver at once, for tests).
	FrameInterval time.Duration
}

func (d Deps) keys() KeyMap {
	if d.Keys == nil {
		return DefaultKeyMap()
	}
	return *d.Keys
}

// Presets are the since presets on keys 0–6; 0 means tail (new lines only).
var Presets = []struct {
	Name  string
	Since time.Duration
}{
	{"tail", 0}, {"1m", time.Minute}, {"5m", 5 * time.Minute}, {"15m", 15 * time.Minute},
	{"1h", time.Hour}, {"6h", 6 * time.Hour}, {"24h", 24 * time.Hour},
}

type promptKind int

const (
	promptNone promptKind = iota
	promptSearch
	promptFilter
)

// Model is the viewer page.
type Model struct {
	d      Deps
	st     *theme.Styles
	target logs.Target
	keys   KeyMap
	sty    styles

	ctx    context.Context
	cancel context.CancelFunc
	eng    *logs.Engine
	gen    int // engine generation: replies of an older engine are dropped
	buf    *logs.Buffer
	status logs.Status
	labels []string
	lblW   int

	width, height int

	follow   bool
	paused   bool
	cur      int // cursor line (meaningful when not following)
	top      int // first visible line (when not following)
	since    time.Duration
	filter   string
	wrap     bool
	showTime bool
	pretty   bool

	prompt      promptKind
	input       input.Line
	query       string
	matches     int
	lastRemoved int64
	note        string // last action's result (saved path, copied…)
}

var (
	_ page.Page      = (*Model)(nil)
	_ page.Capturing = (*Model)(nil)
)

// New returns the log viewer for target. The engine starts in Init.
func New(d Deps, target logs.Target) page.Page {
	if d.Styles == nil {
		d.Styles = theme.Default()
	}
	if d.Ctx == nil {
		d.Ctx = context.Background()
	}
	if d.Location == nil {
		d.Location = time.Local
	}
	if d.FrameInterval == 0 {
		d.FrameInterval = 50 * time.Millisecond
	}
	since := d.Since
	if !d.SinceSet && since == 0 {
		since = 5 * time.Minute
	}
	m := &Model{
		d: d, st: d.Styles, target: target, keys: d.keys(), sty: newStyles(d.Styles),
		buf: logs.NewBuffer(d.Capacity), follow: true, since: since, showTime: true,
	}
	m.ctx, m.cancel = context.WithCancel(d.Ctx)
	return m
}

// Init starts the engine.
func (m *Model) Init() tea.Cmd { return m.restart() }

// restart (re)starts the engine with the current since and filter.
func (m *Model) restart() tea.Cmd {
	if m.eng != nil {
		m.eng.Close()
	}
	o := m.d.Engine
	o.Since, o.Filter = m.since, m.filter
	m.gen++
	m.eng = logs.Start(m.ctx, m.d.Client, m.target, o)
	m.buf.Clear()
	m.lastRemoved = m.buf.Removed()
	m.labels, m.lblW = nil, 0
	m.follow, m.cur, m.top, m.matches = true, 0, 0, 0
	m.status = m.eng.Status()
	return m.wait()
}

// readyMsg says the engine of generation gen has something.
type readyMsg struct {
	gen  int
	done bool
}

// tickMsg ends a frame's wait.
type tickMsg struct{ gen int }

func (m *Model) wait() tea.Cmd {
	eng, gen, ctx := m.eng, m.gen, m.ctx
	return func() tea.Msg {
		select {
		case <-eng.Ready():
			return readyMsg{gen: gen}
		case <-eng.Done():
			return readyMsg{gen: gen, done: true}
		case <-ctx.Done():
			return nil
		}
	}
}

// next schedules the next wait no sooner than one frame from now.
func (m *Model) next() tea.Cmd {
	if m.d.FrameInterval < 0 {
		return m.wait()
	}
	gen := m.gen
	return tea.Tick(m.d.FrameInterval, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// Update handles engine deliveries and keys.
func (m *Model) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case readyMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.deliver()
		if msg.done {
			return m, nil
		}
		return m, m.next()
	case tickMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		return m, m.wait()
	case savedMsg:
		if msg.err != nil {
			m.note = "save failed: " + msg.err.Error()
			return m, page.Status(m.note, true)
		}
		m.note = "saved " + logs.Thousands(msg.lines) + " lines to " + msg.path
		return m, page.Status(m.note, false)
	case tea.KeyPressMsg:
		if m.prompt != promptNone {
			return m, m.promptKey(msg)
		}
		return m, m.key(msg)
	case tea.PasteMsg:
		if m.prompt != promptNone {
			m.input.Update(msg)
		}
	}
	return m, nil
}

// deliver moves what the engine has into the buffer (unless paused).
func (m *Model) deliver() {
	if m.paused {
		m.status = m.eng.Status()
		return
	}
	var lines []logs.Line
	lines, m.status = m.eng.Take()
	if len(lines) == 0 {
		return
	}
	curT, curS := m.anchor(m.cur)
	topT, topS := m.anchor(m.top)
	m.buf.Add(lines)
	if m.buf.Removed() != m.lastRemoved {
		m.lastRemoved = m.buf.Removed()
		m.recount()
	} else if m.query != "" {
		for _, l := range lines {
			if contains(lineText(l), m.query) {
				m.matches++
			}
		}
	}
	if labels := m.eng.Labels(); len(labels) != len(m.labels) {
		m.labels = labels
		for _, l := range labels {
			m.lblW = max(m.lblW, len([]rune(l)))
		}
	}
	if m.follow {
		m.cur = m.buf.Len() - 1
		return
	}
	// Keep the same lines under the cursor and at the top although lines
	// were inserted before them or dropped from the front.
	m.cur = m.buf.Search(curT, curS)
	m.top = m.buf.Search(topT, topS)
	m.clamp()
}

func (m *Model) anchor(i int) (time.Time, uint64) {
	if i < 0 || i >= m.buf.Len() {
		return time.Time{}, 0
	}
	l := m.buf.At(i)
	return l.Time, l.Seq
}

// SetSize gives the body size.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.clamp()
}

// Title is the breadcrumb element.
func (m *Model) Title() string { return "logs(" + m.target.String() + ")" }

// Capturing is true while a prompt takes every key.
func (m *Model) Capturing() bool { return m.prompt != promptNone }

// Close stops the engine.
func (m *Model) Close() {
	m.cancel()
	if m.eng != nil {
		<-m.eng.Done()
	}
}

// KeyHelp lists the viewer's keys, or the prompt's while one is open.
func (m *Model) KeyHelp() []key.Binding {
	if m.prompt != promptNone {
		return []key.Binding{promptAccept, promptCancel}
	}
	return m.keys.help()
}

// saveDir is where saved logs go.
func (m *Model) saveDir() string {
	if m.d.SaveDir != "" {
		return m.d.SaveDir
	}
	return "."
}
