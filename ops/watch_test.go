package ops

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

// scripted answers DescribeServices with one observation per call (the last
// one repeats).
type scripted struct {
	ServiceReader
	obs []model.Service
	n   int
}

func (s *scripted) DescribeServices(context.Context, string, []string) ([]model.Service, []model.Failure, error) {
	o := s.obs[min(s.n, len(s.obs)-1)]
	s.n++
	return []model.Service{o}, nil, nil
}

func dep(id, status, td, rollout, reason string, running, desired int) model.Deployment {
	return model.Deployment{ID: id, Status: status, TaskDefinitionARN: td, RolloutState: rollout, RolloutStateReason: reason, RunningCount: running, DesiredCount: desired}
}

func svcWith(deps ...model.Deployment) model.Service {
	return model.Service{Name: "auth", DesiredCount: 2, Deployments: deps}
}

func TestWatchDeploymentOutcomes(t *testing.T) {
	const ours, old = "td/auth:4", "td/auth:3"
	cases := []struct {
		name       string
		obs        []model.Service
		outcome    Outcome
		rolledBack bool
		msg        string
	}{
		{"completed", []model.Service{
			svcWith(dep("new", "PRIMARY", ours, "IN_PROGRESS", "", 1, 2), dep("old", "ACTIVE", old, "COMPLETED", "", 2, 2)),
			svcWith(dep("new", "PRIMARY", ours, "COMPLETED", "", 2, 2)),
		}, OutcomeSuccess, false, "completed"},
		{"failed and rolled back while listed", []model.Service{
			svcWith(dep("new", "PRIMARY", ours, "IN_PROGRESS", "", 0, 2), dep("old", "ACTIVE", old, "COMPLETED", "", 2, 2)),
			svcWith(dep("rb", "PRIMARY", old, "IN_PROGRESS", "ECS deployment circuit breaker: rolling back to deploymentId old.", 2, 2), dep("new", "ACTIVE", ours, "FAILED", "tasks failed to start", 0, 2)),
		}, OutcomeFailed, true, "rolled back to auth:3"},
		{"gone after a rollback", []model.Service{
			svcWith(dep("new", "PRIMARY", ours, "IN_PROGRESS", "", 0, 2)),
			svcWith(dep("rb", "PRIMARY", old, "COMPLETED", "ECS deployment circuit breaker: rolling back to deploymentId old.", 2, 2)),
		}, OutcomeFailed, true, "was rolled back"},
		{"replaced by another deployment", []model.Service{
			svcWith(dep("new", "PRIMARY", ours, "IN_PROGRESS", "", 0, 2)),
			svcWith(dep("other", "PRIMARY", "td/auth:5", "IN_PROGRESS", "", 0, 2)),
		}, OutcomeFailed, false, "replaced by deployment other"},
		{"failed without rollback", []model.Service{
			svcWith(dep("new", "PRIMARY", ours, "FAILED", "tasks failed to start", 0, 2)),
		}, OutcomeFailed, false, "failed: tasks failed to start"},
		{"never finishes", []model.Service{
			svcWith(dep("new", "PRIMARY", ours, "IN_PROGRESS", "", 1, 2), dep("old", "ACTIVE", old, "COMPLETED", "", 1, 2)),
		}, OutcomeFailed, false, "gave up watching"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := simStart
			r := &Runner{Now: func() time.Time { return clock }, Poll: time.Minute, Timeout: 10 * time.Minute,
				Wait: func(context.Context, time.Duration) error { clock = clock.Add(time.Minute); return nil }}
			res := r.watchDeployment(context.Background(), &scripted{obs: c.obs}, Plan{Action: ActionDeploy}, Result{}, "prod", "auth", "new", map[string]bool{})
			if res.Outcome != c.outcome || res.RolledBack != c.rolledBack || !strings.Contains(res.Message, c.msg) {
				t.Errorf("got %s rolledBack=%v %q; want %s %v containing %q", res.Outcome, res.RolledBack, res.Message, c.outcome, c.rolledBack, c.msg)
			}
		})
	}
}

func TestWatchAbortedLeavesARecord(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{Wait: func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }}
	obs := []model.Service{svcWith(dep("new", "PRIMARY", "td/auth:4", "IN_PROGRESS", "", 1, 2))}
	res := r.watchDeployment(ctx, &scripted{obs: obs}, Plan{Action: ActionDeploy}, Result{}, "prod", "auth", "new", map[string]bool{})
	if res.Outcome != OutcomeAborted || len(res.NotDone) == 0 || !strings.Contains(res.NotDone[0], "continues in ECS") {
		t.Errorf("got %s %v", res.Outcome, res.NotDone)
	}
}

func TestWatchReportsAPlacementStall(t *testing.T) {
	stuck := svcWith(dep("new", "PRIMARY", "td/web:2", "IN_PROGRESS", "", 0, 2), dep("old", "ACTIVE", "td/web:1", "COMPLETED", "", 2, 2))
	withEvent := stuck
	withEvent.Events = []model.ServiceEvent{{ID: "e1", Message: "(service web) was unable to place a task because no container instance met all of its requirements."}}
	clock := simStart
	var stalled []string
	r := &Runner{Now: func() time.Time { return clock }, Poll: time.Minute, Timeout: 20 * time.Minute,
		Wait: func(context.Context, time.Duration) error { clock = clock.Add(time.Minute); return nil },
		Emit: func(e Event) {
			if e.Step == "stalled" {
				stalled = append(stalled, e.Message)
			}
		}}
	res := r.watchDeployment(context.Background(), &scripted{obs: []model.Service{withEvent, stuck}}, Plan{Action: ActionDeploy}, Result{}, "prod", "auth", "new", map[string]bool{})
	if res.Outcome != OutcomeFailed || len(stalled) != 1 || !strings.Contains(stalled[0], "unable to place a task") {
		t.Errorf("outcome %s (%s), stall reports %q", res.Outcome, res.Message, stalled)
	}
}
