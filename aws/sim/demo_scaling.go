package sim

import (
	"time"

	"github.com/ecstui/ecstui/model"
)

// demoScaling gives the demo its load and its autoscaler:
//
//   - random (playground) runs at about 47 % CPU under a target tracking
//     policy on CPU at 50 % with min 2 / max 12, scheduled actions for
//     business hours, so a manual scale to 20 is set back to 12 within a
//     minute;
//   - billing-api (prod) runs hot (about 85 % CPU) with no autoscaling;
//   - prod has Container Insights on (instance memory is measured),
//     playground does not.
func demoScaling(w *World) {
	must := func(err error) {
		if err != nil {
			panic("demo scaling: " + err.Error())
		}
	}
	must(w.SetServiceLoad("playground", "random", ServiceLoad{CPU: 0.47 * 4 * 256, Swing: 0.02, RequestsPerSecond: 80,
		ErrorRate: 0.001, ResponseTime: 25 * time.Millisecond}))
	must(w.SetServiceLoad("prod", "billing-api", ServiceLoad{CPU: 0.85 * 3 * 256, Swing: 0.08, RequestsPerSecond: 150,
		Memory: 0.55, ErrorRate: 0.002, ResponseTime: 60 * time.Millisecond}))
	must(w.SetContainerInsights("prod", true))

	two, four, twelve := 2, 4, 12
	_, err := w.RegisterScalableTarget(model.ScalableTargetUpdate{Cluster: "playground", Service: "random", MinCapacity: &two, MaxCapacity: &twelve})
	must(err)
	rid := model.ECSServiceResourceID("playground", "random")
	_, err = w.PutScalingPolicy(model.ScalingPolicy{Name: "random-cpu50", ResourceID: rid, Type: model.PolicyTargetTracking,
		TargetTracking: &model.TargetTracking{TargetValue: 50, PredefinedMetric: model.PredefinedECSCPU,
			ScaleOutCooldown: time.Minute, ScaleInCooldown: 5 * time.Minute}})
	must(err)
	must(w.PutScheduledAction(model.ScheduledAction{Name: "business-hours", ResourceID: rid,
		Schedule: "cron(0 8 ? * MON-FRI *)", MinCapacity: &four, MaxCapacity: &twelve}))
	must(w.PutScheduledAction(model.ScheduledAction{Name: "evenings", ResourceID: rid,
		Schedule: "cron(0 20 ? * MON-FRI *)", MinCapacity: &two, MaxCapacity: &twelve}))
}
