// Package table is the console's shared virtualised table: it holds every row
// but measures, styles and renders only the visible window, so a table of
// 50,000 rows costs what a screenful costs. It keeps a cursor across refreshes
// (by row ID), sorts by any column, and filters by a regular expression
// (optionally inverted) with the matches highlighted.
package table

import (
	"regexp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/ui/theme"
)

// Column describes one column. Widths are computed from the rows in view:
// the widest visible cell (or the title), clamped to [Min, Max].
type Column struct {
	Title string
	Min   int  // never narrower than this (0: the title's width)
	Max   int  // never wider than this (0: no limit)
	Flex  bool // receives left-over width, and shrinks first when space is short
	// Want is the width below which a flexible column's text says too little
	// to be worth the other columns (an event cut to "6m has…"): expendable
	// columns (higher Hide) give way until it has that much, and not for
	// more. 0: others give way only when that shows its full text.
	Want  int
	Right bool // right-aligned (numbers)
	// KeepEnd cuts a long value in its middle, not at its end: an image's
	// tag or a log stream's task id is what tells one row from the next.
	KeepEnd bool
	// Hide is the column's drop priority when the terminal is too narrow: the
	// highest value is hidden first; 0 never hides.
	Hide int
}

// Cell is one value. Tone is the cell's diagnosis (colour); Sort, when set,
// replaces Text as the sort key (e.g. an age as a zero-padded number).
type Cell struct {
	Text string
	Tone theme.Tone
	Sort string
}

// Row is one line. ID identifies the row across refreshes (keeps the cursor)
// and is what copy/drill-down use (an ARN or id).
type Row struct {
	ID    string
	Cells []Cell
}

// KeyMap is the table's bindings.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	SortNext, SortReverse                   key.Binding
}

// DefaultKeyMap returns vim-ish and arrow bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "space"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
		SortNext:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort by next column")),
		SortReverse: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse sort")),
	}
}

// Bindings lists the bindings for help.
func (k *KeyMap) Bindings() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.SortNext, k.SortReverse}
}

// Model is the table. Use New; the zero value is not usable.
type Model struct {
	st   *theme.Styles
	keys *KeyMap
	cols []Column

	rows []Row
	view []int // indices into rows after filter and sort

	cursor, offset int // into view
	width, height  int

	sortCol  int // -1: rows in given order
	sortDesc bool

	filter *regexp.Regexp
	invert bool
	hay    []string // per-row filter text, built lazily

	empty string // message when there are no rows at all
}

// New returns an empty table with the given columns.
func New(st *theme.Styles, keys *KeyMap, cols []Column) *Model {
	if keys == nil {
		k := DefaultKeyMap()
		keys = &k
	}
	return &Model{st: st, keys: keys, cols: cols, sortCol: -1, empty: "no items"}
}

// SetEmptyText sets what an empty table says ("no services in this cluster").
func (m *Model) SetEmptyText(s string) { m.empty = s }

// SetSize sets the table's size in cells; one line is the header.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = max(w, 0), max(h, 0)
	m.clampOffset()
}

// SetRows replaces the rows, keeping the cursor on the same row ID when it
// is still there (a refresh must not move the user's place).
func (m *Model) SetRows(rows []Row) {
	cur, had := m.SelectedRow()
	m.rows = rows
	m.hay = nil
	m.rebuild()
	if had {
		m.selectID(cur.ID)
	}
	m.clampOffset()
}

// Rows returns all rows (unfiltered, in given order).
func (m *Model) Rows() []Row { return m.rows }

// Len is the number of rows shown (after the filter).
func (m *Model) Len() int { return len(m.view) }

// Total is the number of rows before filtering.
func (m *Model) Total() int { return len(m.rows) }

// Cursor returns the cursor's position among the shown rows.
func (m *Model) Cursor() int { return m.cursor }

// SelectedRow returns the row under the cursor.
func (m *Model) SelectedRow() (Row, bool) {
	if m.cursor < 0 || m.cursor >= len(m.view) {
		return Row{}, false
	}
	return m.rows[m.view[m.cursor]], true
}

// SelectedIndex returns the index (into the rows given to SetRows) of the row
// under the cursor, or -1.
func (m *Model) SelectedIndex() int {
	if m.cursor < 0 || m.cursor >= len(m.view) {
		return -1
	}
	return m.view[m.cursor]
}

// Select moves the cursor to the row with this ID, if shown.
func (m *Model) Select(id string) bool { return m.selectID(id) }

func (m *Model) selectID(id string) bool {
	for i, ri := range m.view {
		if m.rows[ri].ID == id {
			m.cursor = i
			m.clampOffset()
			return true
		}
	}
	if m.cursor >= len(m.view) {
		m.cursor = max(len(m.view)-1, 0)
	}
	return false
}

// SetFilter filters rows by re (matched against the cells' text joined by
// spaces); invert keeps the rows that do not match. nil clears the filter.
func (m *Model) SetFilter(re *regexp.Regexp, invert bool) {
	cur, had := m.SelectedRow()
	m.filter, m.invert = re, invert
	m.rebuild()
	m.cursor = 0
	if had {
		m.selectID(cur.ID)
	}
	m.clampOffset()
}

// Filter returns the current filter.
func (m *Model) Filter() (*regexp.Regexp, bool) { return m.filter, m.invert }

// SortBy sorts by column col (-1: given order), descending if desc.
func (m *Model) SortBy(col int, desc bool) {
	if col >= len(m.cols) {
		col = -1
	}
	cur, had := m.SelectedRow()
	m.sortCol, m.sortDesc = col, desc
	m.rebuild()
	if had {
		m.selectID(cur.ID)
	}
	m.clampOffset()
}

// Sort returns the sort column (-1: none) and direction.
func (m *Model) Sort() (int, bool) { return m.sortCol, m.sortDesc }

// Update handles navigation and sort keys; it reports whether it used msg.
func (m *Model) Update(msg tea.Msg) (handled bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return false
	}
	page := max(m.height-1, 1)
	switch {
	case key.Matches(k, m.keys.Up):
		m.Move(-1)
	case key.Matches(k, m.keys.Down):
		m.Move(1)
	case key.Matches(k, m.keys.PageUp):
		m.Move(-page)
	case key.Matches(k, m.keys.PageDown):
		m.Move(page)
	case key.Matches(k, m.keys.Top):
		m.Move(-len(m.view))
	case key.Matches(k, m.keys.Bottom):
		m.Move(len(m.view))
	case key.Matches(k, m.keys.SortNext):
		next := m.sortCol + 1
		if next >= len(m.cols) {
			next = -1
		}
		m.SortBy(next, false)
	case key.Matches(k, m.keys.SortReverse):
		if m.sortCol < 0 {
			m.SortBy(0, true)
		} else {
			m.SortBy(m.sortCol, !m.sortDesc)
		}
	default:
		return false
	}
	return true
}

// Move moves the cursor by delta rows, clamped.
func (m *Model) Move(delta int) {
	m.cursor += delta
	if m.cursor >= len(m.view) {
		m.cursor = len(m.view) - 1
	}
	if m.cursor < 0 {
		m.cursor = 0
	}
	m.clampOffset()
}

func (m *Model) bodyHeight() int { return max(m.height-1, 0) }

func (m *Model) clampOffset() {
	h := m.bodyHeight()
	if m.cursor >= len(m.view) {
		m.cursor = max(len(m.view)-1, 0)
	}
	if h == 0 {
		m.offset = m.cursor
		return
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	if maxOff := max(len(m.view)-h, 0); m.offset > maxOff {
		m.offset = maxOff
	}
	if m.offset < 0 {
		m.offset = 0
	}
}

// rebuild recomputes the shown indices from rows, filter and sort.
func (m *Model) rebuild() {
	view := m.view[:0]
	if cap(view) < len(m.rows) {
		view = make([]int, 0, len(m.rows))
	}
	if m.filter == nil {
		for i := range m.rows {
			view = append(view, i)
		}
	} else {
		if m.hay == nil {
			m.hay = make([]string, len(m.rows))
			for i, r := range m.rows {
				m.hay[i] = joinCells(r.Cells)
			}
		}
		for i, h := range m.hay {
			if m.filter.MatchString(h) != m.invert {
				view = append(view, i)
			}
		}
	}
	m.view = view
	if m.sortCol >= 0 {
		sortView(m.view, m.rows, m.sortCol, m.sortDesc)
	}
}

func joinCells(cells []Cell) string {
	n := 0
	for _, c := range cells {
		n += len(c.Text) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.Text)
	}
	return b.String()
}

// width of a plain (escape-free) string in cells, with an ASCII fast path.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// OnScreen returns the indices (into the rows given to SetRows) of the rows
// in the visible window: what a refresh must keep fresh first.
func (m *Model) OnScreen() []int {
	h := m.bodyHeight()
	var out []int
	for i := m.offset; i < len(m.view) && i < m.offset+h; i++ {
		out = append(out, m.view[i])
	}
	return out
}
