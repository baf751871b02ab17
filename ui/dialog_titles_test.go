package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
)

// TestDrainFormNamesTheEC2Instance: the instances view lists EC2 ids, so
// the drain form opened on a row is titled by that id, not by the
// container instance's hex id nobody saw.
func TestDrainFormNamesTheEC2Instance(t *testing.T) {
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, _ := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region, Cluster: "prod"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = w.Now
	})
	h.run(h.r.push(newInstancesPage(h.r.env, "prod")))
	p := h.r.top().(*instancesPage)
	ci, ok := p.selected()
	if !ok || ci.EC2InstanceID == "" {
		t.Fatalf("no instance selected:\n%s", h.screen())
	}
	h.keys("D")
	if c := h.crumbs(); !strings.HasSuffix(c, "drain "+ci.EC2InstanceID) {
		t.Fatalf("crumbs %q, want the drain of %s", c, ci.EC2InstanceID)
	}
	h.contains("drain " + ci.EC2InstanceID)
	h.lacks("drain " + ci.ID)
}

// TestReadOnlyActionKeySaysWhy: in a read-only session the action keys are
// off (and out of the footer and help); pressing one says so instead of
// doing nothing, and the help says the keys that change things are off.
func TestReadOnlyActionKeySaysWhy(t *testing.T) {
	h := newHarness(t, fixtureBackend(), func(d *Deps) { d.ReadOnly = true })
	h.keys("enter", "+")
	if got := h.statusLine(); !strings.Contains(got, "read-only: + (scale) is off") {
		t.Fatalf("status line %q, want why + does nothing", got)
	}
	if !strings.HasPrefix(h.crumbs(), "clusters > services(") || strings.Contains(h.crumbs(), "scale") {
		t.Fatalf("crumbs %q: nothing should open", h.crumbs())
	}
	h.keys("?")
	h.contains("read-only: the keys that change things")
	h.keys("esc")

	rw := newHarness(t, fixtureBackend())
	rw.keys("enter", "+")
	if got := rw.statusLine(); strings.Contains(got, "read-only") {
		t.Fatalf("read-write session: %q", got)
	}
}

// TestInstancesAt80ShowTheAgent: at 80 columns the instances view still
// shows a disconnected agent (ECS can neither start nor stop its tasks);
// the agent's version is what gives way.
func TestInstancesAt80ShowTheAgent(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.keys(":ci", "enter")
	h.contains("DISCONNECTED")
	checkScreen(t, h.r.render(), 80, 24)
}

// TestHelpScrollsWhenTaller: at 80×24 the help does not fit; it says how
// much more there is and j/k scroll to the last command.
func TestHelpScrollsWhenTaller(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.keys("enter", "?")
	h.contains("more lines — j/k or ↑/↓ scroll")
	h.lacks(":quit! (q!)")
	for range 40 {
		h.keys("j")
	}
	h.contains(":quit! (q!)")
	h.lacks("more lines")
	checkScreen(t, h.r.render(), 80, 24)
	h.keys("esc", "?")
	h.contains("more lines") // opens at the top again
}

// TestServiceTasksAt80ShowTheRevision: a service's tasks at 80 columns show
// which revision each runs (what a deployment changes), not the service's
// name on every row.
func TestServiceTasksAt80ShowTheRevision(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.keys("enter", "enter")
	if !strings.Contains(h.crumbs(), "tasks(") {
		t.Fatalf("crumbs %q", h.crumbs())
	}
	head := strings.Split(h.screen(), "\n")[2]
	if !strings.Contains(head, "TASKDEF") || strings.Contains(head, "SERVICE") {
		t.Fatalf("header %q: want TASKDEF, not SERVICE", head)
	}
	checkScreen(t, h.r.render(), 80, 24)
}
