package ui

import (
	"context"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
)

// BenchmarkSteadyStateCapacity leaves the demo's prod instances view open
// (a capacity provider with managed draining) and reports the calls per
// second per throttle bucket, first at rest, then with an instance refresh
// in progress (the header follows it every interval).
func BenchmarkSteadyStateCapacity(b *testing.B) {
	for _, refreshing := range []bool{false, true} {
		name := "at-rest"
		if refreshing {
			name = "refresh-in-progress"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				world := sim.NewDemo(1)
				world.SetLogRate(0)
				if refreshing {
					min100, delay := 100, 3600
					if _, err := world.StartInstanceRefresh(model.RefreshInput{AutoScalingGroupName: "prod-ecs-asg",
						Desired: &model.LaunchTemplateRef{Name: "prod-ecs-lt", Version: "2"},
						Preferences: model.RefreshPreferences{MinHealthyPercentage: &min100, SkipMatching: true,
							ScaleInProtectedInstances: model.ProtectedRefresh, CheckpointPercentages: []int{50, 100}, CheckpointDelay: &delay}}); err != nil {
						b.Fatal(err)
					}
					world.Advance(3 * time.Minute) // at the 50 % checkpoint: it stays InProgress
				}
				client, srv := awstest.StartWith(b, world, awstest.Options{Throttling: true})
				r, err := newRoot(Deps{
					Contexts: []Context{{Name: "demo", Region: awstest.Region}},
					Connect:  func(context.Context, Context) (Backend, error) { return client, nil },
				})
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				p := tea.NewProgram(benchModel{r}, tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(io.Discard),
					tea.WithoutRenderer(), tea.WithoutSignals())
				done := make(chan struct{})
				go func() { defer close(done); _, _ = p.Run() }()
				p.Send(tea.WindowSizeMsg{Width: 160, Height: 45})
				probe := func() refreshState {
					ch := make(chan refreshState, 1)
					p.Send(benchProbe{reply: ch})
					return <-ch
				}
				for s := probe(); !s.Loaded; s = probe() {
					time.Sleep(50 * time.Millisecond)
				}
				start := time.Now()
				p.Send(benchOpen{build: func(e *env) page.Page { return newInstancesPage(e, "prod") }})
				time.Sleep(100 * time.Millisecond)
				for s := probe(); !s.Loaded; s = probe() {
					time.Sleep(50 * time.Millisecond)
				}
				load := time.Since(start)
				time.Sleep(5 * time.Second)
				srv.ResetCounts()
				time.Sleep(steadyWindow)
				counts := srv.CallCounts()
				cancel()
				<-done
				r.closeAll()
				reportSteady(b, "instances(prod) "+name, load, counts, steadyWindow)
			}
		})
	}
}
