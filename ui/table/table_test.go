package table

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/ui/theme"
)

func cols() []Column {
	return []Column{
		{Title: "NAME", Flex: true},
		{Title: "STATUS"},
		{Title: "COUNT", Right: true},
		{Title: "NOTE", Hide: 1, Flex: true},
	}
}

func rows(n int) []Row {
	out := make([]Row, n)
	for i := range out {
		st := "RUNNING"
		if i%3 == 0 {
			st = "PENDING"
		}
		out[i] = Row{ID: fmt.Sprintf("id-%d", i), Cells: []Cell{
			{Text: fmt.Sprintf("task-%d", i)},
			{Text: st, Tone: theme.StatusTone(st)},
			{Text: fmt.Sprint(i % 7)},
			{Text: "a note that is rather long"},
		}}
	}
	return out
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func plain(m *Model) []string { return strings.Split(ansi.Strip(m.View()), "\n") }

func TestViewExactHeightAndWidth(t *testing.T) {
	for _, size := range [][2]int{{80, 10}, {30, 5}, {10, 3}, {1, 1}, {0, 0}, {200, 50}} {
		m := New(theme.Default(), nil, cols())
		m.SetRows(rows(100))
		m.SetSize(size[0], size[1])
		out := m.View()
		if size[1] == 0 {
			if out != "" {
				t.Errorf("%v: want empty view", size)
			}
			continue
		}
		lines := strings.Split(ansi.Strip(out), "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines, want %d", size, len(lines), size[1])
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("%v: line %q is %d wide", size, l, w)
			}
		}
	}
}

func TestNarrowHidesLowPriorityColumn(t *testing.T) {
	m := New(theme.Default(), nil, cols())
	m.SetRows(rows(3))
	m.SetSize(80, 5)
	if !strings.Contains(plain(m)[0], "NOTE") {
		t.Fatalf("wide: NOTE missing: %q", plain(m)[0])
	}
	m.SetSize(24, 5)
	if strings.Contains(plain(m)[0], "NOTE") {
		t.Fatalf("narrow: NOTE should be hidden: %q", plain(m)[0])
	}
}

func TestCursorPagingAndKeep(t *testing.T) {
	m := New(theme.Default(), nil, cols())
	m.SetRows(rows(50))
	m.SetSize(80, 11) // 10 body rows
	for range 12 {
		m.Update(press("down"))
	}
	if m.Cursor() != 12 || m.offset != 3 {
		t.Fatalf("cursor %d offset %d, want 12 and 3", m.Cursor(), m.offset)
	}
	m.Update(press("end"))
	if m.Cursor() != 49 || m.offset != 40 {
		t.Fatalf("end: cursor %d offset %d", m.Cursor(), m.offset)
	}
	m.Update(press("g"))
	m.Move(5)
	r, _ := m.SelectedRow()
	// A refresh that prepends rows keeps the cursor on the same ID.
	m.SetRows(append([]Row{{ID: "new", Cells: []Cell{{Text: "new"}}}}, rows(50)...))
	if got, _ := m.SelectedRow(); got.ID != r.ID {
		t.Fatalf("after refresh cursor on %q, want %q", got.ID, r.ID)
	}
	// Rows shrinking below the cursor clamp it.
	m.Update(press("end"))
	m.SetRows(rows(3))
	if m.Cursor() != 2 {
		t.Fatalf("after shrink cursor %d, want 2", m.Cursor())
	}
	m.SetRows(nil)
	if _, ok := m.SelectedRow(); ok || m.Cursor() != 0 {
		t.Fatalf("empty table has a selection")
	}
	m.Update(press("down"))
	if !strings.Contains(plain(m)[1], "no items") {
		t.Fatalf("empty text missing: %q", plain(m))
	}
}

func TestFilter(t *testing.T) {
	cases := []struct {
		re     string
		invert bool
		want   int
	}{
		{"task-1", false, 11}, // 1, 10..19
		{"task-1", true, 39},
		{"(?i)pending", false, 17},
		{"nomatch", false, 0},
	}
	for _, c := range cases {
		m := New(theme.Default(), nil, cols())
		m.SetRows(rows(50))
		m.SetSize(80, 10)
		m.SetFilter(regexp.MustCompile(c.re), c.invert)
		if m.Len() != c.want {
			t.Errorf("filter %q invert=%v: %d rows, want %d", c.re, c.invert, m.Len(), c.want)
		}
		if m.Total() != 50 {
			t.Errorf("total %d", m.Total())
		}
	}
	m := New(theme.Default(), nil, cols())
	m.SetRows(rows(5))
	m.SetSize(80, 10)
	m.SetFilter(regexp.MustCompile("task-[34]"), false)
	m.Update(press("down")) // the match highlight is drawn on rows other than the cursor row
	if out := m.View(); !strings.Contains(out, theme.Default().Match.Render("task-3")) {
		t.Errorf("match not highlighted in %q", out)
	}
	m.SetFilter(regexp.MustCompile("zzz"), false)
	if !strings.Contains(plain(m)[1], "no rows match") {
		t.Errorf("no-match text missing: %q", plain(m))
	}
}

func TestSort(t *testing.T) {
	m := New(theme.Default(), nil, cols())
	m.SetRows(rows(12))
	m.SetSize(80, 20)
	m.Update(press("s")) // NAME ascending, natural order
	if r, _ := m.SelectedRow(); r.ID != "id-0" {
		t.Fatalf("first row %q", r.ID)
	}
	if got := plain(m)[2]; !strings.Contains(got, "task-1 ") {
		t.Fatalf("second line %q, want task-1 (natural order)", got)
	}
	m.Update(press("S"))
	if got := plain(m)[1]; !strings.Contains(got, "task-11") || !strings.Contains(plain(m)[0], "NAME↓") {
		t.Fatalf("descending: %q / %q", plain(m)[0], got)
	}
	m.Update(press("s")) // STATUS
	m.Update(press("s")) // COUNT
	m.Update(press("s")) // NOTE
	m.Update(press("s")) // back to given order
	if c, _ := m.Sort(); c != -1 {
		t.Fatalf("sort column %d, want -1", c)
	}
}

func TestNaturalCompare(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"9", "10", -1}, {"task-2", "task-10", -1}, {"a", "B", -1}, {"007", "7", 0},
		{"abc", "ab", 1}, {"", "", 0}, {"x10y", "x10z", -1},
	}
	for _, c := range cases {
		if got := naturalCompare(c.a, c.b); got != c.want {
			t.Errorf("naturalCompare(%q,%q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestFitCutsProseAtWords(t *testing.T) {
	cases := []struct {
		in   string
		w    int
		want string
	}{
		{"short", 10, "short"},
		{"has reached a steady state", 14, "has reached a…"}, // the cut ends a word: keep it
		{"has reached a steady state", 13, "has reached…"},
		{"6m has been unable to place a task", 12, "6m has been…"},
		{"i-0459c3e1c0a04639c", 10, "i-0459c3e…"},
		{"a verylongwordthatgoeson", 12, "a verylongw…"}, // the only space is too early: cut the word
		{"abc", 1, "a"},
	}
	for _, c := range cases {
		if got := fit(c.in, c.w); got != c.want {
			t.Errorf("fit(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
}

// A flexible column with a Want takes width from more expendable columns
// until it has that much, even when its full text would not fit anyway;
// without a Want only its full text makes them give way.
func TestFlexWantHidesExpendableColumns(t *testing.T) {
	event := "was unable to place a task because no container instance met all of its requirements"
	mk := func(want int) *Model {
		m := New(theme.Default(), nil, []Column{
			{Title: "NAME"},
			{Title: "LB", Hide: 5},
			{Title: "MEM", Hide: 4},
			{Title: "EVENT", Flex: true, Min: 12, Want: want, Hide: 2},
		})
		m.SetRows([]Row{{ID: "a", Cells: []Cell{{Text: "svc"}, {Text: strings.Repeat("l", 20)}, {Text: strings.Repeat("m", 20)}, {Text: event}}}})
		m.SetSize(72, 3)
		return m
	}
	if h := plain(mk(0))[0]; !strings.Contains(h, "LB") || !strings.Contains(h, "MEM") {
		t.Fatalf("no Want: the other columns should stay: %q", h)
	}
	got := plain(mk(40))
	if strings.Contains(got[0], "LB") || !strings.Contains(got[0], "MEM") {
		t.Fatalf("Want 40: LB (the most expendable) should give way, MEM stay: %q", got[0])
	}
	if !strings.Contains(got[1], "was unable to place a task because") {
		t.Fatalf("Want 40: the event should have the room: %q", got[1])
	}
	// A screen wide enough for the Want but not for the whole event keeps
	// every column: the rest of a long text is not worth them.
	m := mk(40)
	m.SetSize(100, 3)
	if h := plain(m)[0]; !strings.Contains(h, "LB") || !strings.Contains(h, "MEM") {
		t.Fatalf("100 wide: the columns should stay for a text that has its Want: %q", h)
	}
}

func TestFitMiddleKeepsTheEnd(t *testing.T) {
	cases := []struct {
		in   string
		w    int
		want string
	}{
		{"nginx:1.27", 20, "nginx:1.27"},
		{"123456789012.dkr.ecr.us-east-1.amazonaws.com/billing-api:2.0", 22, "12345…/billing-api:2.0"},
		{"ecs/api/b6b27d3e0a8f4c1e9d2b", 16, "ecs…0a8f4c1e9d2b"},
		{"abcdefgh", 4, "abc…"},
	}
	for _, c := range cases {
		got := fitMiddle(c.in, c.w)
		if got != c.want {
			t.Errorf("fitMiddle(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
		if ansi.StringWidth(got) > c.w {
			t.Errorf("fitMiddle(%q, %d) is %d wide", c.in, c.w, ansi.StringWidth(got))
		}
	}
}
