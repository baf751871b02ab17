package table

import (
	"regexp"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/ui/theme"
)

// goalMsPerFrame is the budget for one frame at 50,000 rows.
const goalMsPerFrame = 2.0

func benchTable(n int) *Model {
	m := New(theme.Default(), nil, cols())
	m.SetRows(rows(n))
	m.SetSize(120, 33)
	return m
}

func reportFrame(b *testing.B) {
	ms := float64(b.Elapsed().Nanoseconds()) / 1e6 / float64(b.N)
	b.ReportMetric(ms, "ms/frame")
	b.ReportMetric(goalMsPerFrame, "goal-ms/frame")
}

func BenchmarkTableRender5k(b *testing.B)  { benchRender(b, 5_000) }
func BenchmarkTableRender50k(b *testing.B) { benchRender(b, 50_000) }

func benchRender(b *testing.B, n int) {
	m := benchTable(n)
	m.Move(n / 2)
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
	reportFrame(b)
}

// BenchmarkTableKeypress50k measures a cursor move plus the frame it causes.
func BenchmarkTableKeypress50k(b *testing.B) {
	m := benchTable(50_000)
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	up := tea.KeyPressMsg{Code: tea.KeyUp}
	i := 0
	b.ResetTimer()
	for b.Loop() {
		if i%2000 < 1000 {
			m.Update(down)
		} else {
			m.Update(up)
		}
		i++
		_ = m.View()
	}
	reportFrame(b)
}

// BenchmarkTableFilter50k is the cost of applying a filter to 50,000 rows
// (once per keystroke in the filter prompt, not per frame).
func BenchmarkTableFilter50k(b *testing.B) {
	m := benchTable(50_000)
	res := []string{"task-1", "task-2"}
	i := 0
	b.ResetTimer()
	for b.Loop() {
		m.SetFilter(mustRe(res[i%2]), false)
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/float64(b.N), "ms/filter")
}

func mustRe(s string) *regexp.Regexp { return regexp.MustCompile(s) }
