package ui

import (
	"context"
	"strings"
	"testing"

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
