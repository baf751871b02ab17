package ui

import "testing"

func TestGoldenSkeleton(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.golden("clusters")
	h.keys("enter")
	h.golden("services")
	h.keys("enter")
	h.golden("tasks")
	h.keys("enter")
	h.golden("containers")
}

func TestGoldenViews(t *testing.T) {
	cases := []struct {
		name string
		keys []string
	}{
		{"service_detail", []string{"enter", "down", "d"}},
		{"service_detail_auth", []string{"enter", "d"}},
		{"instances", []string{":ci", "enter"}},
		{"instance_tasks", []string{":ci", "enter", "enter"}},
		{"all_tasks", []string{"t"}},
		{"stopped_tasks", []string{"t", "a"}},
		{"stopped_containers", []string{"t", "a", "enter"}},
		{"taskdef_families", []string{":td", "enter"}},
		{"taskdef_revisions", []string{":td", "enter", "enter"}},
		{"taskdef_detail", []string{":td", "enter", "enter", "enter"}},
		{"portmap_cluster", []string{"p"}},
		{"portmap_service", []string{"enter", "p"}},
		{"portmap_instance", []string{"i", "p"}},
		{"contexts", []string{":ctx", "enter"}},
		{"help", []string{"enter", "?"}},
		{"command_completion", []string{":sv"}},
		{"command_unknown", []string{":nope", "enter"}},
		{"filter", []string{"enter", "/web"}},
		{"filter_applied", []string{"enter", "/web", "enter"}},
		{"filter_inverted", []string{"enter", "/!web", "enter"}},
		{"filter_invalid", []string{"enter", "/we[b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, fixtureBackend())
			h.keys(c.keys...)
			h.golden(c.name)
		})
	}
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
			h.golden(c.name)
		})
	}
}
