package table

import (
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/ui/theme"
)

const gap = 2 // spaces between columns

// View renders exactly height lines of at most width cells: the header and
// the visible window of rows. Only visible rows are measured and styled.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	end := min(m.offset+m.bodyHeight(), len(m.view))
	window := m.view[m.offset:end]
	shown, widths := m.layout(window)

	var b strings.Builder
	b.Grow((m.width + 16) * m.height)
	m.renderHeader(&b, shown, widths)
	lines := 1
	if len(m.view) == 0 {
		msg := m.empty
		if len(m.rows) > 0 {
			msg = "no rows match the filter (esc clears it)"
		}
		b.WriteByte('\n')
		b.WriteString(m.st.Muted.Render(ansi.Truncate("  "+msg, m.width, "…")))
		lines++
	}
	for i, ri := range window {
		b.WriteByte('\n')
		m.renderRow(&b, m.rows[ri], shown, widths, m.offset+i == m.cursor)
		lines++
	}
	for ; lines < m.height; lines++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// layout picks the columns that fit and their widths, from the cells in the
// window (not all rows: the cost stays proportional to the screen).
func (m *Model) layout(window []int) (shown []int, widths []int) {
	n := len(m.cols)
	natural := make([]int, n)
	for c, col := range m.cols {
		w := textWidth(col.Title) + 1 // room for the sort arrow
		for _, ri := range window {
			if r := m.rows[ri]; c < len(r.Cells) {
				w = max(w, textWidth(r.Cells[c].Text))
			}
		}
		if col.Min > 0 {
			w = max(w, col.Min)
		}
		if col.Max > 0 {
			w = min(w, col.Max)
		}
		natural[c] = w
	}
	// Flexible columns start at their minimum; they grow back with spare room.
	width := make([]int, n)
	for c, col := range m.cols {
		width[c] = natural[c]
		if col.Flex {
			width[c] = min(natural[c], max(col.Min, textWidth(col.Title)+1))
		}
	}
	// Expendable columns with nothing to show in the window go first.
	hidden := make([]bool, n)
	for c, col := range m.cols {
		if col.Hide == 0 || len(window) == 0 {
			continue
		}
		empty := true
		for _, ri := range window {
			if r := m.rows[ri]; c < len(r.Cells) && r.Cells[c].Text != "" && r.Cells[c].Text != "-" {
				empty = false
				break
			}
		}
		hidden[c] = empty
	}
	total := func() int {
		t, k := 0, 0
		for c := range width {
			if !hidden[c] {
				t += width[c]
				k++
			}
		}
		return t + gap*max(k-1, 0)
	}
	// Drop the most expendable columns until the rest fit.
	for total() > m.width {
		worst, prio := -1, 0
		for c, col := range m.cols {
			if !hidden[c] && col.Hide > prio {
				worst, prio = c, col.Hide
			}
		}
		if worst < 0 {
			break
		}
		hidden[worst] = true
	}
	// Still too wide (nothing left to hide): shrink the widest, down to a floor.
	for over := total() - m.width; over > 0; over = total() - m.width {
		c := m.widestShrinkable(width, hidden)
		if c < 0 {
			break
		}
		width[c] -= min(over, width[c]-m.floor(c))
	}
	// Spare room goes to flexible columns, up to their natural width.
	for c, col := range m.cols {
		spare := m.width - total()
		if spare <= 0 {
			break
		}
		if col.Flex && !hidden[c] && width[c] < natural[c] {
			width[c] += min(spare, natural[c]-width[c])
		}
	}
	m.makeRoomForFlex(natural, width, hidden, total)
	for c := range m.cols {
		if !hidden[c] {
			shown = append(shown, c)
			widths = append(widths, width[c])
		}
	}
	return shown, widths
}

// makeRoomForFlex hides more expendable columns (higher Hide) when that lets
// a cut flexible column show its text in full or, when it has a Want, reach
// its Want (and no more: a long event message keeps the other columns once
// it says enough).
func (m *Model) makeRoomForFlex(natural, width []int, hidden []bool, total func() int) {
	for c, col := range m.cols {
		if !col.Flex || hidden[c] || width[c] >= natural[c] {
			continue
		}
		var cand []int
		for o, oc := range m.cols {
			if o != c && !hidden[o] && oc.Hide > col.Hide && (col.Hide > 0 || oc.Hide > 0) {
				cand = append(cand, o)
			}
		}
		sort.SliceStable(cand, func(i, j int) bool { return m.cols[cand[i]].Hide > m.cols[cand[j]].Hide })
		// freeing returns how many of cand must go for the column to gain need.
		freeing := func(need int) (int, bool) {
			freed, k := 0, 0
			for k < len(cand) && freed < need {
				freed += width[cand[k]] + gap
				k++
			}
			return k, freed >= need
		}
		spare := max(m.width-total(), 0)
		var k int
		ok := false
		switch {
		case col.Want > 0:
			// Others give way up to its Want, never for the rest of a long
			// text (an event naming a target group's ARN would empty a wide
			// screen of every other column).
			if goal := min(col.Want, natural[c]); goal > width[c]+spare {
				k, _ = freeing(goal - width[c] - spare)
				ok = k > 0
			}
		default:
			k, ok = freeing(natural[c] - width[c] - spare)
		}
		if !ok {
			continue
		}
		for _, o := range cand[:k] {
			hidden[o] = true
		}
		width[c] = min(natural[c], width[c]+max(m.width-total(), 0))
	}
}

func (m *Model) floor(c int) int {
	f := min(textWidth(m.cols[c].Title), 6)
	if m.cols[c].Min > 0 {
		f = min(f, m.cols[c].Min)
	}
	return max(f, 3)
}

// widestShrinkable prefers flexible columns, then any column, above its floor.
func (m *Model) widestShrinkable(w []int, hidden []bool) int {
	best := -1
	for pass := 0; pass < 2 && best < 0; pass++ {
		for c, col := range m.cols {
			if hidden[c] || w[c] <= m.floor(c) || (pass == 0 && !col.Flex) {
				continue
			}
			if best < 0 || w[c] > w[best] {
				best = c
			}
		}
	}
	return best
}

func (m *Model) renderHeader(b *strings.Builder, shown, widths []int) {
	used := 0
	for i, c := range shown {
		if i > 0 {
			if m.width-used-gap <= 0 {
				break
			}
			b.WriteString(strings.Repeat(" ", gap))
			used += gap
		}
		title := m.cols[c].Title
		st := m.st.TableHeader
		if c == m.sortCol {
			st = m.st.TableSorted
			if m.sortDesc {
				title += "↓"
			} else {
				title += "↑"
			}
		}
		w := min(widths[i], m.width-used)
		if w <= 0 {
			break
		}
		b.WriteString(st.Render(pad(fit(title, w), w, m.cols[c].Right)))
		used += w
	}
}

func (m *Model) renderRow(b *strings.Builder, r Row, shown, widths []int, selected bool) {
	if selected {
		var line strings.Builder
		m.writeCells(&line, r, shown, widths, false)
		b.WriteString(m.st.TableSelected.Render(line.String()))
		return
	}
	m.writeCells(b, r, shown, widths, true)
}

func (m *Model) writeCells(b *strings.Builder, r Row, shown, widths []int, styled bool) {
	used := 0
	for i, c := range shown {
		if i > 0 {
			if m.width-used-gap <= 0 {
				break
			}
			b.WriteString(strings.Repeat(" ", gap))
			used += gap
		}
		w := min(widths[i], m.width-used)
		if w <= 0 {
			break
		}
		var cell Cell
		if c < len(r.Cells) {
			cell = r.Cells[c]
		}
		text := fit(cell.Text, w)
		if m.cols[c].KeepEnd {
			text = fitMiddle(cell.Text, w)
		}
		padding := w - textWidth(text)
		if m.cols[c].Right {
			b.WriteString(strings.Repeat(" ", padding))
		}
		if styled {
			b.WriteString(m.styleCell(text, cell.Tone))
		} else {
			b.WriteString(text)
		}
		if !m.cols[c].Right {
			b.WriteString(strings.Repeat(" ", padding))
		}
		used += w
	}
}

// styleCell colours a cell by its tone and highlights filter matches.
func (m *Model) styleCell(text string, tone theme.Tone) string {
	base := m.st.Tone(tone)
	if m.filter == nil || m.invert || text == "" {
		if tone == theme.ToneNone {
			return text
		}
		return base.Render(text)
	}
	locs := m.filter.FindAllStringIndex(text, -1)
	if len(locs) == 0 {
		if tone == theme.ToneNone {
			return text
		}
		return base.Render(text)
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		if l[1] <= l[0] {
			continue
		}
		if l[0] > last {
			b.WriteString(renderTone(base, tone, text[last:l[0]]))
		}
		b.WriteString(m.st.Match.Render(text[l[0]:l[1]]))
		last = l[1]
	}
	if last < len(text) {
		b.WriteString(renderTone(base, tone, text[last:]))
	}
	return b.String()
}

func renderTone(st interface{ Render(...string) string }, tone theme.Tone, s string) string {
	if tone == theme.ToneNone {
		return s
	}
	return st.Render(s)
}

// fit truncates s to w cells with an ellipsis, marking the cut.
// Prose (event messages, stop reasons) is cut at a word boundary when one
// is near enough, so a word is never shown half.
func fit(s string, w int) string {
	if textWidth(s) <= w {
		return s
	}
	if w <= 1 {
		return ansi.Truncate(s, w, "")
	}
	cut := ansi.Truncate(s, w-1, "")
	// A cut that ends a word keeps it ("has been…", not "has…").
	atWordEnd := strings.HasPrefix(s, cut) && len(cut) < len(s) && s[len(cut)] == ' '
	if i := strings.LastIndexByte(cut, ' '); !atWordEnd && i >= (w-1)/2 && i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ") + "…"
}

// fitMiddle truncates s to w cells by cutting its middle, keeping a quarter
// of the room for the start and the rest for the end:
// "12345…/billing-api:2.0" keeps the repository and tag.
func fitMiddle(s string, w int) string {
	sw := textWidth(s)
	if sw <= w {
		return s
	}
	if w < 5 {
		return fit(s, w)
	}
	head := (w - 1) / 4
	tail := w - 1 - head
	return ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, sw-tail, "")
}

func pad(s string, w int, right bool) string {
	n := w - textWidth(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}
