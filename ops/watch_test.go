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
		}, OutcomeUnknown, false, "gave up watching"},
		{"completed on another revision", []model.Service{
			svcWith(dep("new", "PRIMARY", old, "COMPLETED", "", 2, 2)),
		}, OutcomeFailed, false, "completed running auth:3, not auth:4"},
		{"completed but not primary", []model.Service{
			svcWith(dep("other", "PRIMARY", "td/auth:5", "IN_PROGRESS", "", 0, 2), dep("new", "ACTIVE", ours, "COMPLETED", "", 2, 2)),
		}, OutcomeFailed, false, "is not PRIMARY"},
		{"completed but short of its count", []model.Service{
			svcWith(dep("new", "PRIMARY", ours, "COMPLETED", "", 1, 2)),
		}, OutcomeUnknown, false, "gave up watching"},
		{"no rollout state at its count", []model.Service{
			svcWith(dep("new", "PRIMARY", ours, "", "", 2, 2)),
		}, OutcomeUnknown, false, "reports no rollout state"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := simStart
			r := &Runner{Now: func() time.Time { return clock }, Poll: time.Minute, Timeout: 10 * time.Minute,
				Wait: func(context.Context, time.Duration) error { clock = clock.Add(time.Minute); return nil }}
			res := r.watchDeployment(context.Background(), &scripted{obs: c.obs}, Plan{Action: ActionDeploy}, Result{}, "prod", "auth", "new", map[string]bool{}, expectation{taskDefinition: ours, newDeployment: true})
			if res.Outcome != c.outcome || res.RolledBack != c.rolledBack || !strings.Contains(res.Message, c.msg) {
				t.Errorf("got %s rolledBack=%v %q; want %s %v containing %q", res.Outcome, res.RolledBack, res.Message, c.outcome, c.rolledBack, c.msg)
			}
		})
	}
}

// TestStoppedWatchingIsNotAborted: leaving a watch (esc, q, ctrl+c) stops
// ecstui watching, not the deployment: the result and the journal say so.
func TestStoppedWatchingIsNotAborted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	j := &Journal{Path: t.TempDir() + "/journal.jsonl"}
	r := &Runner{Wait: func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }, Journal: j}
	obs := []model.Service{svcWith(dep("new", "PRIMARY", "td/auth:4", "IN_PROGRESS", "", 1, 2))}
	res := r.watchDeployment(ctx, &scripted{obs: obs}, Plan{Action: ActionDeploy}, Result{}, "prod", "auth", "new", map[string]bool{}, expectation{taskDefinition: "td/auth:4"})
	if res.Outcome != OutcomeUnknown || !strings.HasPrefix(res.Message, "stopped watching; ECS continues: deployment new was IN_PROGRESS with 1/2") {
		t.Errorf("got %s %q", res.Outcome, res.Message)
	}
	entries, err := j.Read()
	if err != nil || len(entries) != 1 || entries[0].Outcome != OutcomeUnknown || !strings.Contains(entries[0].Message, "stopped watching; ECS continues") {
		t.Errorf("journal %+v %v", entries, err)
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
	res := r.watchDeployment(context.Background(), &scripted{obs: []model.Service{withEvent, stuck}}, Plan{Action: ActionDeploy}, Result{}, "prod", "auth", "new", map[string]bool{}, expectation{taskDefinition: "td/web:2"})
	if res.Outcome != OutcomeUnknown || len(stalled) != 1 || !strings.Contains(stalled[0], "unable to place a task") {
		t.Errorf("outcome %s (%s), stall reports %q", res.Outcome, res.Message, stalled)
	}
}

// ignoring is an endpoint that accepts every update and changes nothing
// (as an independent AWS mock did): the service keeps its deployment.
type ignoring struct {
	ServiceReader
	svc model.Service
}

func (i ignoring) DescribeServices(context.Context, string, []string) ([]model.Service, []model.Failure, error) {
	return []model.Service{i.svc}, nil, nil
}

func (i ignoring) RegisterTaskDefinitionWithImages(context.Context, string, map[string]string) (model.TaskDefinition, error) {
	return model.TaskDefinition{ARN: "td/auth:4", Family: "auth", Revision: 4}, nil
}

func (i ignoring) UpdateService(context.Context, model.ServiceUpdate) (model.Service, error) {
	return i.svc, nil
}

// TestAnIgnoredUpdateIsNeverSuccess: when no new deployment appears, or the
// desired count is not what was asked, the outcome is failed (or unknown
// when not watching), never success.
func TestAnIgnoredUpdateIsNeverSuccess(t *testing.T) {
	svc := svcWith(dep("old", "PRIMARY", "td/auth:3", "COMPLETED", "", 2, 2))
	svc.RunningCount = 2
	api := ignoring{svc: svc}
	clock := simStart
	r := &Runner{Now: func() time.Time { return clock }, Poll: time.Minute, Timeout: 10 * time.Minute,
		Wait: func(context.Context, time.Duration) error { clock = clock.Add(time.Minute); return nil }}
	deploy := Plan{Action: ActionDeploy, Update: &model.ServiceUpdate{Cluster: "prod", Service: "auth"},
		Register: &Registration{Base: "td/auth:3", Images: map[string]string{"web": "nginx:2"}}}
	for _, watch := range []bool{true, false} {
		res := r.UpdateService(context.Background(), api, deploy, watch)
		want := OutcomeFailed
		if !watch {
			want = OutcomeUnknown
		}
		if res.Outcome != want || !strings.Contains(res.Message, "started no new deployment: service auth still runs auth:3") {
			t.Errorf("deploy (watch %v): %s %q", watch, res.Outcome, res.Message)
		}
	}
	five := 5
	scale := Plan{Action: ActionScale, Update: &model.ServiceUpdate{Cluster: "prod", Service: "auth", DesiredCount: &five}}
	if res := r.UpdateService(context.Background(), api, scale, true); res.Outcome != OutcomeFailed || !strings.Contains(res.Message, "desired count 2, not the 5 asked for") {
		t.Errorf("scale: %s %q", res.Outcome, res.Message)
	}
	redeploy := Plan{Action: ActionRedeploy, Update: &model.ServiceUpdate{Cluster: "prod", Service: "auth", ForceNewDeployment: true}}
	if res := r.UpdateService(context.Background(), api, redeploy, true); res.Outcome != OutcomeFailed {
		t.Errorf("redeploy: %s %q", res.Outcome, res.Message)
	}
}
