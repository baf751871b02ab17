package ui

import (
	"testing"

	"github.com/ecstui/ecstui/ui/internal/screentest"
	"github.com/ecstui/ecstui/ui/theme"
)

// Goldens are plain text; these tests check that status cells are drawn in
// the colour their diagnosis deserves.
func TestStatusCellColours(t *testing.T) {
	st := theme.Default()
	ok, warn, bad, drain := screentest.ForegroundOf(st.OK), screentest.ForegroundOf(st.Warn),
		screentest.ForegroundOf(st.Bad), screentest.ForegroundOf(st.Drain)
	cases := []struct {
		name   string
		mutate func(fb *fakeBackend)
		keys   []string
		text   string
		want   string
	}{
		// The cursor row is drawn reversed without tones: the keys move the
		// cursor off the row under test.
		{name: "completed rollout", keys: []string{"enter", "down"}, text: "COMPLETED 2/2", want: ok},
		{name: "rollout in progress", keys: []string{"enter"}, text: "IN_PROGRESS 0/2", want: warn},
		{name: "failed rollout", keys: []string{"enter"}, text: "FAILED 0/2", want: bad,
			mutate: func(fb *fakeBackend) { fb.services["prod"][1].Deployments[0].RolloutState = "FAILED" }},
		{name: "rollout in progress with failed tasks", keys: []string{"enter"}, text: "IN_PROGRESS 0/2", want: bad,
			mutate: func(fb *fakeBackend) { fb.services["prod"][1].Deployments[0].FailedTasks = 3 }},
		{name: "placement failure event", keys: []string{"enter"}, text: "was unable to", want: bad},
		{name: "running task", keys: []string{"t", "down"}, text: "RUNNING", want: ok},
		{name: "stopped task", keys: []string{"t", "a", "down"}, text: "STOPPED", want: bad,
			mutate: func(fb *fakeBackend) {
				again := fb.tasks["prod"][4]
				again.ARN, again.ID = again.ARN+"0", again.ID+"0"
				fb.tasks["prod"] = append(fb.tasks["prod"], again)
			}},
		{name: "draining instance", keys: []string{":ci", "enter"}, text: "DRAINING", want: drain},
		{name: "disconnected agent", keys: []string{":ci", "enter"}, text: "DISCONNECTED", want: bad},
		{name: "unhealthy target", keys: []string{"p"}, text: "unhealthy  ", want: bad},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fb := fixtureBackend()
			if c.mutate != nil {
				c.mutate(fb)
			}
			h := newHarness(t, fb)
			h.keys(c.keys...)
			if got := h.foreground(c.text); got != c.want {
				t.Errorf("%q is drawn in %q, want %q", c.text, got, c.want)
			}
		})
	}
}
