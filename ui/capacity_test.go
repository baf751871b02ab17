package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestDemoCapacityThroughRealStack shows the demo's capacity providers: the
// clusters' strategies, prod's provider and its managed features above its
// instances, scale-in protection and lifecycle per instance, and a refresh
// with an instance held in Terminating:Wait; playground stays classic.
func TestDemoCapacityThroughRealStack(t *testing.T) {
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, srv := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = nil
	})
	h.contains("prod-ecs-cp weight 1 (scaling 100% · MTP · draining)")

	h.keys(":ci prod", "enter")
	h.contains("prod-ecs-asg: capacity provider prod-ecs-cp (default strategy base 0 weight 1), desired 6 (min 6, max 10)")
	h.contains("managed scaling ENABLED (target 100%) · termination protection ENABLED · managed draining ENABLED")
	h.contains("6 of 6 instances in use: CapacityProviderReservation ≈ 100% (estimated here; the metric is CloudWatch's)")
	h.contains("LIFECYCLE")
	h.contains("InService")

	min100 := 100
	if _, err := w.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "prod-ecs-asg", Desired: &model.LaunchTemplateRef{Name: "prod-ecs-lt", Version: "2"},
		Preferences: model.RefreshPreferences{MinHealthyPercentage: &min100, SkipMatching: true, ScaleInProtectedInstances: model.ProtectedRefresh}}); err != nil {
		t.Fatal(err)
	}
	w.Advance(3 * time.Second)
	h.keys("ctrl+r")
	h.contains("instance refresh ")
	h.contains("InProgress 0% (2 to update) — w: watch")
	h.contains("Terminating:Wait 60m left (ecs-managed-draining-termination-hook: ECS completes it once empty)")
	if srv.MutatingCalls() != 0 {
		t.Errorf("the views made %d mutating calls", srv.MutatingCalls())
	}

	h.keys(":ci playground", "enter")
	h.contains("playground-ecs-asg: no capacity provider (ECS does not manage it), desired 6 (min 0, max 12)")
	h.lacks("managed draining")
	if !strings.Contains(h.screen(), "InService") {
		t.Errorf("playground lifecycle:\n%s", h.screen())
	}
}
