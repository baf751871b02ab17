package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
)

// goalFrameMs is the budget per frame at 50,000 rows.
const goalFrameMs = 2.0

// bigBackend has one cluster with n running tasks.
func bigBackend(n int) *fakeBackend {
	fb := fixtureBackend()
	tasks := make([]model.Task, n)
	for i := range tasks {
		id := fmt.Sprintf("%032x", i)
		tasks[i] = model.Task{ARN: taskARN(id), ID: id, Group: fmt.Sprintf("service:svc-%d", i%50),
			TaskDefinitionARN: fxTDAuth2, ContainerInstanceARN: ciARN("c1"), LastStatus: "RUNNING", DesiredStatus: "RUNNING",
			HealthStatus: "HEALTHY", AvailabilityZone: "us-east-1a", StartedAt: t0.Add(-time.Duration(i) * time.Second),
			Containers: []model.Container{{Name: "app", LastStatus: "RUNNING"}}}
	}
	fb.tasks["prod"] = tasks
	return fb
}

// benchRoot opens the tasks view of n tasks at 120×35 through the root.
func benchRoot(b *testing.B, n int) *harness {
	h := newHarness(b, bigBackend(n))
	h.keys("t")
	if got := h.r.top().(counted); got == nil {
		b.Fatal("no tasks page")
	}
	if shown, _ := h.r.top().(counted).Counts(); shown != n {
		b.Fatalf("tasks shown %d, want %d", shown, n)
	}
	return h
}

func BenchmarkFrame5k(b *testing.B)  { benchFrame(b, 5_000) }
func BenchmarkFrame50k(b *testing.B) { benchFrame(b, 50_000) }

// benchFrame is one full frame (header, table window, footer) of the tasks view.
func benchFrame(b *testing.B, n int) {
	h := benchRoot(b, n)
	b.ResetTimer()
	for b.Loop() {
		_ = h.r.View()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/float64(b.N), "ms/frame")
	b.ReportMetric(goalFrameMs, "goal-ms/frame")
}

// BenchmarkKeypressToFrame50k is a cursor move through the root's key routing
// plus the frame it causes, at 50,000 rows.
func BenchmarkKeypressToFrame50k(b *testing.B) {
	h := benchRoot(b, 50_000)
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	up := tea.KeyPressMsg{Code: tea.KeyUp}
	i := 0
	b.ResetTimer()
	for b.Loop() {
		k := down
		if i%2000 >= 1000 {
			k = up
		}
		i++
		_, _ = h.r.Update(k)
		_ = h.r.View()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/float64(b.N), "ms/frame")
	b.ReportMetric(goalFrameMs, "goal-ms/frame")
}
