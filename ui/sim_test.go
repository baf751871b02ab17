package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
)

// TestDemoPortMapThroughRealStack runs the console against the demo world
// through the wire server and the real SDK adapter.
func TestDemoPortMapThroughRealStack(t *testing.T) {
	client, _ := awstest.Start(t, sim.NewDemo(1))
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = nil // the demo world runs on the wall clock
	})
	h.contains("playground")
	h.contains("prod")

	h.keys(":ports", "enter")
	if h.crumbs() != "clusters > ports(playground)" {
		t.Fatalf("stack %q\n%s", h.crumbs(), h.screen())
	}
	pm := h.r.top().(*portMapPage)
	rows := pm.items
	var auth []model.PortMapRow
	for _, r := range rows {
		if r.Service == "auth" && r.TaskARN != "" {
			auth = append(auth, r)
		}
	}
	if len(auth) != 2 {
		t.Fatalf("auth bindings %d, want 2:\n%s", len(auth), h.screen())
	}
	for _, r := range auth {
		if !r.Dynamic || r.HostPort < model.EphemeralPortMin || r.HostPort > model.EphemeralPortMax {
			t.Errorf("auth binding %+v: want a dynamic host port from the ephemeral range", r)
		}
		if r.TargetState != model.TargetHealthy {
			t.Errorf("auth task %s target %q (%s), want healthy", r.TaskID, r.TargetState, r.TargetReason)
		}
	}
	meta := pm.meta.(model.PortMap)
	var conflict, blocked bool
	for _, is := range meta.Issues {
		if is.Kind == model.IssueStaticConflict && strings.Contains(is.Service, "corkhounds-web") {
			conflict = true
		}
		if is.Kind == model.IssueRolloutBlocked && is.Service == "corkhounds-web" && is.Stalls {
			blocked = true
		}
	}
	if !conflict || !blocked {
		t.Errorf("corkhounds-web: conflict=%v blocked(stalls)=%v; findings: %+v", conflict, blocked, meta.Issues)
	}
	h.contains("static port conflict: host port 80/tcp")
	h.contains("rollout blocked: no ACTIVE instance can place one more corkhounds-web task")

	// The filter narrows to auth and marks it.
	h.keys("/auth", "enter")
	if shown, _ := pm.Counts(); shown < 2 {
		t.Errorf("filter /auth shows %d rows", shown)
	}

	h.keys(":svc prod", "enter", ":ports", "enter")
	if h.crumbs() != "clusters > ports(prod)" {
		t.Fatalf("stack %q", h.crumbs())
	}
	pm = h.r.top().(*portMapPage)
	var stale bool
	for _, r := range pm.items {
		if r.Flags.Has(model.FlagStaleTarget) && r.TaskARN == "" && strings.Contains(r.Service, "billing-api") {
			stale = true
		}
	}
	if !stale {
		t.Errorf("prod: no stale target in billing-api's target group:\n%s", h.screen())
	}
	h.contains("stale target")
	if !regexp.MustCompile(`\(none\)`).MatchString(h.screen()) {
		t.Errorf("the stale target row is not shown:\n%s", h.screen())
	}

	// enter on the stale row opens the host it points at.
	h.keys("/\\(none\\)", "enter", "enter")
	ip, ok := h.r.top().(*instancesPage)
	if !ok {
		t.Fatalf("enter on a stale target: top %T, want the instances page\n%s", h.r.top(), h.screen())
	}
	if ip.selectARN == "" {
		t.Error("the instances page was opened without the stale target's instance selected")
	}
}

// TestDemoHostsLogsAndActions opens the log viewer and an action page from
// the browse views against the demo world; read-only contexts hide actions.
// The hosted pages' own commands are not run (a live tail never ends): the
// test checks what the root pushes.
func TestDemoHostsLogsAndActions(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	client, _ := awstest.Start(t, sim.NewDemo(1))
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region, Cluster: "playground"},
			{Name: "demo-ro", Region: awstest.Region, Cluster: "playground", ReadOnly: true}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = nil
	})
	if h.crumbs() != "clusters > services(playground)" {
		t.Fatalf("stack %q", h.crumbs())
	}
	first := h.r.top().(*servicesPage).items[0].Name
	// press delivers one key and the message its command answers, without
	// running what the opened page asks for next.
	press := func(k string) {
		_, cmd := h.r.Update(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
		if cmd == nil {
			return
		}
		switch m := cmd().(type) {
		case openLogsMsg, page.OpenMsg:
			h.r.Update(m)
		case tea.BatchMsg:
			for _, c := range m {
				if c == nil {
					continue
				}
				if msg := c(); msg != nil {
					if _, ok := msg.(page.OpenMsg); ok {
						h.r.Update(msg)
					}
				}
			}
		}
	}
	press("l")
	if got := h.r.top().Title(); got != "logs(service "+first+")" {
		t.Fatalf("l opened %q", got)
	}
	h.r.pop()
	press("U")
	if got := h.r.top().Title(); got != "deploy "+first {
		t.Fatalf("U opened %q", got)
	}
	h.r.pop()
	h.keys(":ctx demo-ro", "enter")
	if !strings.Contains(h.screen(), "READ-ONLY") {
		t.Fatalf("no read-only badge:\n%s", h.screen())
	}
	press("U")
	if got := h.r.top().Title(); got != "services(playground)" {
		t.Fatalf("U in a read-only context opened %q", got)
	}
}
