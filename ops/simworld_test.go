package ops

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops/opstest"
)

var simStart = time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)

// spy wraps the API the executors use, counting mutating calls and letting a
// test check state right before a terminate reaches the backend.
type spy struct {
	API
	mu            sync.Mutex
	calls         map[string]int
	beforeTermina func(instanceID string)
}

func newSpy(api API) *spy { return &spy{API: api, calls: map[string]int{}} }

func (s *spy) count(op string) {
	s.mu.Lock()
	s.calls[op]++
	s.mu.Unlock()
}

func (s *spy) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

func (s *spy) StartTask(ctx context.Context, in model.StartTaskInput) ([]model.Task, []model.Failure, error) {
	s.count("StartTask")
	return s.API.StartTask(ctx, in)
}

func (s *spy) TerminateInstanceInAutoScalingGroup(ctx context.Context, id string, dec bool) (model.ScalingActivity, error) {
	s.count("TerminateInstanceInAutoScalingGroup")
	if s.beforeTermina != nil {
		s.beforeTermina(id)
	}
	return s.API.TerminateInstanceInAutoScalingGroup(ctx, id, dec)
}

// advancing returns a Runner whose Wait moves the simulated clock.
func advancing(w *sim.World, poll time.Duration) *Runner {
	return &Runner{
		Wait: func(ctx context.Context, d time.Duration) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			w.Advance(d)
			return nil
		},
		Now: w.Now, Poll: poll, Timeout: time.Hour,
	}
}

// demoWorld is a cluster "prod" of n instances (m5.large: 2048 CPU, 7681 MiB)
// in one ASG with service auth (2 tasks, dynamic port) settled.
func demoWorld(t *testing.T, n int) *sim.World {
	t.Helper()
	w := sim.New(sim.Options{Seed: 7, Start: simStart})
	w.SetLogRate(0)
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "prod-asg", Cluster: "prod", Size: n, AMI: "ami-old", AgentVersion: "1.70.0"})
	mustRegister(t, w, model.TaskDefinition{Family: "auth", NetworkMode: "bridge", Containers: []model.ContainerDefinition{
		{Name: "web", Image: "nginx:1.25", CPU: 256, Memory: 512, Essential: true, PortMappings: []model.PortMapping{{ContainerPort: 80}}}}})
	tg := w.AddTargetGroup(sim.TargetGroupSpec{Name: "auth", HealthCheckInterval: 5 * time.Second})
	if _, err := w.CreateService(sim.ServiceSpec{Cluster: "prod", Name: "auth", TaskDefinition: "auth", DesiredCount: 2,
		LoadBalancers:          []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 80}},
		HealthCheckGracePeriod: 30 * time.Second,
		DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200,
			CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}}}); err != nil {
		t.Fatal(err)
	}
	w.Advance(3 * time.Minute)
	return w
}

func mustRegister(t *testing.T, w *sim.World, td model.TaskDefinition) model.TaskDefinition {
	t.Helper()
	out, err := w.RegisterTaskDefinition(td)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// apiFor is how executor tests reach the simulated world: through the real
// SDK adapter and the wire server on loopback, as the product does.
func apiFor(t *testing.T, w *sim.World) API {
	t.Helper()
	api, _ := startAdapter(t, w, false)
	return api
}

// startAdapter serves w over the AWS protocols on 127.0.0.1 (awstest) and
// returns the adapter pointed at it, and the server (for its call counters).
func startAdapter(t *testing.T, w *sim.World, readOnly bool) (API, *wire.Server) {
	t.Helper()
	return awstest.StartWith(t, w, awstest.Options{ReadOnly: readOnly})
}

// inProcess reaches the world without HTTP, for the few tests that need to
// compare with the backend directly.
func inProcess(w *sim.World) API { return opstest.API(w) }
