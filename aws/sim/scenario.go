package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// Scenarios lists the names NewScenario accepts.
var Scenarios = []string{"demo", "demo-eu", "large", "hostile"}

// NewScenario builds a named scenario: "demo" (NewDemo) or "large" (NewLarge
// with default sizes).
func NewScenario(name string, seed int64) (*World, error) {
	switch name {
	case "demo":
		return NewDemo(seed), nil
	case "demo-eu":
		return NewDemoEU(seed), nil
	case "large":
		return NewLarge(seed, LargeOptions{}), nil
	case "hostile":
		return NewHostile(seed), nil
	}
	return nil, fmt.Errorf("unknown scenario %q (valid: %s)", name, strings.Join(Scenarios, ", "))
}

// LargeOptions size the large scenario; zero fields take the defaults
// (2,000 services, 5,000 tasks, 1,000 instances).
type LargeOptions struct {
	Services, Tasks, Instances int
	Start                      time.Time // zero: now
	// Clusters > 1 spreads the services (round robin) and the instances
	// (evenly, an Auto Scaling group each) over clusters large-1…large-N.
	Clusters int
}

var largeWords = []string{"api", "web", "worker", "auth", "billing", "search", "cron", "gateway", "ledger", "notify", "media", "report"}

// NewLarge builds one cluster named "large" (or Clusters of them) holding
// every service, task and instance, already steady (tasks RUNNING, deployments COMPLETED), for
// benchmarks and the adapter's pagination tests. Services get Tasks/Services
// tasks each (the first Tasks%Services one more); log writers are off.
func NewLarge(seed int64, o LargeOptions) *World {
	if o.Services == 0 {
		o.Services = 2000
	}
	if o.Tasks == 0 {
		o.Tasks = 5000
	}
	if o.Instances == 0 {
		o.Instances = 1000
	}
	w := New(Options{Seed: seed, Start: o.Start})
	w.SetLogRate(0)
	names := []string{"large"}
	if o.Clusters > 1 {
		names = nil
		for i := range o.Clusters {
			names = append(names, fmt.Sprintf("large-%d", i+1))
		}
	}
	for i, name := range names {
		w.AddCluster(name)
		size := o.Instances / len(names)
		if i < o.Instances%len(names) {
			size++
		}
		w.AddAutoScalingGroup(ASGSpec{Name: name + "-ecs-asg", Cluster: name, Size: max(size, 1), InstanceType: "m5.2xlarge"})
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	var tds []*taskDef
	for i, word := range largeWords {
		td, err := w.registerTaskDef(inputFromModel(model.TaskDefinition{
			Family: word,
			Containers: []model.ContainerDefinition{{
				Name: word, Image: fmt.Sprintf("123456789012.dkr.ecr.us-east-1.amazonaws.com/%s:1.%d.0", word, i),
				CPU: 16, Memory: 64, Essential: true,
				PortMappings: []model.PortMapping{{ContainerPort: 8080}},
				LogConfiguration: &model.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
					"awslogs-group": "/ecs/large/" + word, "awslogs-region": w.region, "awslogs-stream-prefix": "ecs"}},
			}},
		}))
		if err != nil {
			panic(err) // a static definition: cannot fail
		}
		tds = append(tds, td)
	}
	next := map[string]int{}
	for i := range o.Services {
		c := w.clusters[names[i%len(names)]]
		td := tds[i%len(tds)]
		desired := o.Tasks / o.Services
		if i < o.Tasks%o.Services {
			desired++
		}
		name := fmt.Sprintf("%s-%04d", td.Family, i)
		s := &service{
			name: name, arn: w.ecsARN("service/" + c.name + "/" + name), cluster: c, status: "ACTIVE",
			desired: desired, td: td, cfg: model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200},
			strategy:  []model.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}, {Type: "spread", Field: "instanceId"}},
			createdAt: w.now, tasks: map[string]*task{}, lastMessages: map[string]time.Time{},
		}
		d := w.newDeployment(s, td)
		d.rollout, d.reason = model.RolloutCompleted, "ECS deployment "+d.id+" completed."
		s.deployments, s.stable, s.steady, s.steadyAt = []*deployment{d}, d, true, w.now
		c.services[name] = s
		c.serviceOrder = append(c.serviceOrder, name)
		for range desired {
			ci := c.instances[c.instanceOrder[next[c.name]%len(c.instanceOrder)]]
			next[c.name]++
			t := w.newTask(c, td, ci, "service:"+name, d.id, s, d)
			t.lastStatus, t.startedAt = model.StatusRunning, w.now
			for _, k := range t.containers {
				k.status = model.StatusRunning
			}
		}
		w.event(s, fmt.Sprintf("(service %s) has reached a steady state.", name))
	}
	return w
}
