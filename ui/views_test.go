package ui

import "testing"

// Full frames: the chrome (header, breadcrumbs, status line, footer) around
// the first two pages. Every other view is checked body-only, so a chrome
// change rewrites only the few frames that show it.
func TestGoldenSkeleton(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.golden("clusters")
	h.keys("enter")
	h.golden("services")
	h.keys("enter")
	h.bodyGolden("tasks")
	h.keys("enter")
	h.bodyGolden("containers")
}

func TestGoldenViews(t *testing.T) {
	cases := []struct {
		name string
		keys []string
		// status is the status line the keys leave (prompts, messages).
		status string
	}{
		{name: "service_detail", keys: []string{"enter", "down", "d"}},
		{name: "service_detail_auth", keys: []string{"enter", "d"}},
		{name: "instances", keys: []string{":ci", "enter"}},
		{name: "instance_tasks", keys: []string{":ci", "enter", "enter"}},
		{name: "all_tasks", keys: []string{"t"}},
		{name: "stopped_tasks", keys: []string{"t", "a"}},
		{name: "stopped_containers", keys: []string{"t", "a", "enter"}},
		{name: "taskdef_families", keys: []string{":td", "enter"}},
		{name: "taskdef_revisions", keys: []string{":td", "enter", "enter"}},
		{name: "taskdef_detail", keys: []string{":td", "enter", "enter", "enter"}},
		{name: "portmap_cluster", keys: []string{"p"}},
		{name: "portmap_service", keys: []string{"enter", "p"}},
		{name: "portmap_instance", keys: []string{"i", "p"}},
		{name: "contexts", keys: []string{":ctx", "enter"}},
		{name: "help", keys: []string{"enter", "?"}},
		{name: "command_unknown", keys: []string{":nope", "enter"}, status: `:nope   unknown command "nope" — try :help`},
		{name: "filter", keys: []string{"enter", "/web"}, status: "/web   regex, !inverts · enter keeps · esc cancels"},
		{name: "filter_applied", keys: []string{"enter", "/web", "enter"}},
		{name: "filter_inverted", keys: []string{"enter", "/!web", "enter"}},
		{name: "filter_invalid", keys: []string{"enter", "/we[b"}, status: "/we[b   invalid regex: missing closing ]: `[b`"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, fixtureBackend())
			h.keys(c.keys...)
			h.bodyGolden(c.name)
			if c.status != "" {
				if got := h.statusLine(); got != c.status {
					t.Errorf("status line %q, want %q", got, c.status)
				}
			}
		})
	}
}

// The command line and its completion are chrome: one full frame.
func TestGoldenCommandCompletion(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.keys(":sv")
	h.golden("command_completion")
}

// TestGoldenPortMapFlags covers each finding of the port map on its own.
func TestGoldenPortMapFlags(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(fb *fakeBackend)
		want   string
	}{
		{"portmap_unregistered", func(fb *fakeBackend) {
			fb.health[fxTGAuth] = fb.health[fxTGAuth][1:2] // drops a1's target and the stale one
		}, "1 task not registered"},
		{"portmap_clean", func(fb *fakeBackend) {
			fb.health[fxTGAuth] = fb.health[fxTGAuth][:2]
			web := &fb.services["prod"][1]
			web.TaskDefinitionARN = fxTDWeb1
			web.Deployments = web.Deployments[1:]
			web.Deployments[0].Status = "PRIMARY"
			for i := range fb.instances["prod"] {
				fb.instances["prod"][i].Status = "ACTIVE"
				fb.instances["prod"][i].AgentConnected = true
			}
		}, "no findings"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fb := fixtureBackend()
			c.mutate(fb)
			h := newHarness(t, fb)
			h.keys("p")
			h.contains(c.want)
			h.bodyGolden(c.name)
		})
	}
}
