package gather_test

import (
	"context"
	"testing"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/gather"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestClusterPortMapOnTheDemo gathers the demo's playground cluster through
// the wire server: every running task's bindings, joined with target health.
func TestClusterPortMapOnTheDemo(t *testing.T) {
	client, _ := awstest.Start(t, sim.NewDemo(1))
	g, err := gather.ClusterPortMap(context.Background(), client, "playground")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Failures) > 0 {
		t.Errorf("failures %v", g.Failures)
	}
	if g.Services == 0 || g.Tasks == 0 || g.Instances == 0 || g.TargetGroups == 0 {
		t.Fatalf("sizes read %+v", g)
	}
	healthy := 0
	for _, r := range g.Map.Rows {
		if r.Service == "auth" && r.TargetState == model.TargetHealthy {
			healthy++
		}
	}
	if healthy != 2 {
		t.Errorf("auth has %d healthy bindings, want 2: %+v", healthy, g.Map.Rows)
	}
}
