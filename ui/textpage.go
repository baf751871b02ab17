package ui

import (
	"cmp"
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/sched"
)

// textSpec describes a scrolling detail page (service detail, task
// definition): what to fetch and how to lay it out for a width.
type textSpec[T any] struct {
	title   string
	noun    string
	cluster string
	// once: the data never changes (a task definition revision), so the page
	// fetches it once and does not poll.
	once bool
	// key names the data for the scheduler; cost is one fetch's calls.
	key    string
	cost   sched.Cost
	fetch  func(ctx context.Context, b Backend) (T, error)
	render func(e *env, data T, width int) []string
	copyID func(data T) string
	keys   []textKey[T]
	logs   func(data T) (logTarget, bool)
	// record, when set, writes fetched data (received at at) to the store
	// and returns when its oldest part was fetched when that is earlier
	// (taken from the store), zero otherwise.
	record func(e *env, data T, at time.Time) time.Time
}

// textKey is a page key acting on the loaded data.
type textKey[T any] struct {
	binding func(k *KeyMap) key.Binding
	do      func(e *env, data T) tea.Cmd
	// shown, when set, says whether the footer and help offer the key now
	// (a resume only while something is suspended); the key still works.
	shown func() bool
}

type textPage[T any] struct {
	poller[T]
	spec          textSpec[T]
	vp            viewport.Model
	width, height int
}

func newTextPage[T any](e *env, spec textSpec[T]) *textPage[T] {
	p := &textPage[T]{spec: spec, vp: viewport.New()}
	p.poller = newPoller(e, spec.key, spec.fetch, func(T, bool) sched.Cost { return spec.cost })
	p.once = spec.once
	return p
}

func (p *textPage[T]) Init() tea.Cmd { return p.fetch() }

func (p *textPage[T]) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case fetchedMsg:
		if final, _ := p.receive(msg); !final {
			return nil, nil
		}
		if p.err == nil {
			if p.spec.record != nil {
				at := cmp.Or(msg.at, p.env.clock())
				p.dataAt = p.spec.record(p.env, p.data, at)
				if !p.dataAt.IsZero() && p.dataAt.Before(p.lastOK) {
					p.lastOK = p.dataAt
				}
			}
			p.layout()
		}
		return nil, p.sync()
	case tea.KeyPressMsg:
		k := p.env.keys
		switch {
		case key.Matches(msg, k.Table.Up):
			p.vp.ScrollUp(1)
		case key.Matches(msg, k.Table.Down):
			p.vp.ScrollDown(1)
		case key.Matches(msg, k.Table.PageUp):
			p.vp.PageUp()
		case key.Matches(msg, k.Table.PageDown):
			p.vp.PageDown()
		case key.Matches(msg, k.Table.Top):
			p.vp.GotoTop()
		case key.Matches(msg, k.Table.Bottom):
			p.vp.GotoBottom()
		case key.Matches(msg, k.Logs) && p.spec.logs != nil && p.loaded:
			if t, ok := p.spec.logs(p.data); ok {
				return nil, openLogsCmd(p.env, t)
			}
		default:
			if !p.loaded {
				return nil, nil
			}
			for _, x := range p.spec.keys {
				if key.Matches(msg, x.binding(k)) {
					return nil, x.do(p.env, p.data)
				}
			}
		}
	}
	return nil, nil
}

// layout re-renders the content for the current width, keeping the scroll.
func (p *textPage[T]) layout() {
	if !p.loaded || p.width <= 0 {
		return
	}
	y := p.vp.YOffset()
	lines := p.spec.render(p.env, p.data, p.width)
	for i, l := range lines {
		lines[i] = fitLine(l, p.width)
	}
	p.vp.SetContentLines(lines)
	p.vp.SetYOffset(y)
}

func (p *textPage[T]) View() string {
	if !p.loaded {
		if p.err != nil {
			return padLines("", p.height)
		}
		return padLines(p.env.loading(p.spec.noun), p.height)
	}
	return padLines(p.vp.View(), p.height)
}

func (p *textPage[T]) SetSize(w, h int) {
	p.width, p.height = w, h
	p.vp.SetWidth(max(w, 1))
	p.vp.SetHeight(max(h, 1))
	p.layout()
}

func (p *textPage[T]) Title() string { return p.spec.title }

func (p *textPage[T]) KeyHelp() []key.Binding {
	var out []key.Binding
	for _, x := range p.spec.keys {
		if x.shown != nil && !x.shown() {
			continue
		}
		out = append(out, x.binding(p.env.keys))
	}
	if p.spec.logs != nil {
		out = append(out, p.env.keys.Logs)
	}
	return out
}

func (p *textPage[T]) Close()                     { p.close() }
func (p *textPage[T]) Refresh() tea.Cmd           { return p.refresh() }
func (p *textPage[T]) RefreshState() refreshState { return p.state() }
func (p *textPage[T]) Shown() tea.Cmd             { return p.show() }
func (p *textPage[T]) Hidden()                    { p.hide() }
func (p *textPage[T]) Cluster() string            { return p.spec.cluster }

func (p *textPage[T]) CopyText() (string, bool) {
	if !p.loaded || p.spec.copyID == nil {
		return "", false
	}
	s := p.spec.copyID(p.data)
	return s, s != ""
}

func (p *textPage[T]) LogTarget() (logTarget, bool) {
	if !p.loaded || p.spec.logs == nil {
		return logTarget{}, false
	}
	return p.spec.logs(p.data)
}

// section renders a titled block.
func section(e *env, title string) string { return e.st.Title.Render(title) }

// field renders "label  value" with the label muted and padded.
func field(e *env, label string, width int, value string) string {
	return e.st.Key.Render(padRight(label, width)) + " " + value
}

func padRight(s string, w int) string {
	if n := w - len([]rune(s)); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}
