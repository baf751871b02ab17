package sim

import (
	"fmt"
	"time"

	"github.com/ecstui/ecstui/model"
)

// Hostile is what the hostile scenario hides in every string it controls:
// an OSC 52 clipboard write, a clear screen, a right-to-left override, an
// 8-bit CSI (U+009B) starting a colour, a line separator, and an SGR
// sequence no ecstui style uses (blink + overline), so a test can tell a
// leaked foreign style from the console's own.
const Hostile = "\x1b]52;c;cm0gLXJmIC8K\x07\x1b[2J\u202e\u009b31m\u2028\x1b[5;53m"

// HostileXML is the part of Hostile that XML 1.0 can carry at all (no ESC,
// BEL or other C0 controls): what the query-protocol services (Auto Scaling,
// EC2, ELBv2) can send, as a real hostile endpoint could.
const HostileXML = "\u202e\u009b2J\u2028"

// HostileCluster is the hostile scenario's cluster name.
const HostileCluster = "hostile" + Hostile

// hostile names a thing with the payload in the middle, so that neither a
// prefix nor a suffix check can miss it.
func hostile(a, b string) string { return a + Hostile + b }

func hostileXML(a, b string) string { return a + HostileXML + b }

// NewHostile builds a small account in which every string the simulator
// lets a user choose carries Hostile (HostileXML where the wire protocol is
// XML): cluster, services, containers, images, environment, commands, tags,
// log groups, stream prefixes and messages, target group and Auto Scaling
// group names, AMIs and agent versions, stop reasons; and, through them, the
// service events and ARNs ECS builds from those names. Statuses and other
// values ECS itself chooses stay as ECS writes them. Task definition family
// names stay plain: ECS refuses anything but letters, digits, - and _ there.
func NewHostile(seed int64) *World {
	w := New(Options{Seed: seed, Start: time.Now().UTC().Truncate(time.Second).Add(-5 * time.Minute)})
	w.SetLogRate(0)
	cluster := HostileCluster
	w.AddCluster(cluster)
	ec2IDs := w.AddAutoScalingGroup(ASGSpec{Name: hostileXML("asg", "-1"), Cluster: cluster, Size: 3,
		AMI: hostileXML("ami-", "0bad"), AgentVersion: hostile("1.", "89.2")})
	tg := w.AddTargetGroup(TargetGroupSpec{Name: hostileXML("tg", "-web"), HealthCheckInterval: 5 * time.Second, LoadBalancer: hostileXML("alb", "")})
	logs := func(container string) *model.LogConfiguration {
		return &model.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group": hostile("/ecs/", "web"), "awslogs-region": "us-east-1", "awslogs-stream-prefix": hostile("pre", "fix"),
		}}
	}
	web := hostile("web", "")
	side := hostile("side", "car")
	td := model.TaskDefinition{Family: "hostile", NetworkMode: "bridge", Containers: []model.ContainerDefinition{
		{Name: web, Image: hostile("nginx", ":1.25"), CPU: 256, Memory: 256, Essential: true,
			Command: []string{hostile("run", "")}, Environment: []model.KeyValue{{Name: hostile("KEY", ""), Value: hostile("value", "")}},
			PortMappings: []model.PortMapping{{ContainerPort: 80}}, LogConfiguration: logs(web)},
		{Name: side, Image: hostile("envoy", ":1.30"), CPU: 64, Memory: 64, Essential: false, LogConfiguration: logs(side)},
	}}
	if _, err := w.RegisterTaskDefinition(td); err != nil {
		panic(fmt.Sprintf("hostile task definition: %v", err))
	}
	td2 := td
	td2.Containers = append([]model.ContainerDefinition(nil), td.Containers...)
	td2.Containers[0].Image = hostile("nginx", ":1.27")
	if _, err := w.RegisterTaskDefinition(td2); err != nil {
		panic(fmt.Sprintf("hostile task definition 2: %v", err))
	}
	tags := map[string]string{hostile("team", ""): hostile("on", "call")}
	for _, name := range []string{hostile("svc", "-a"), hostile("svc", "-b")} {
		if _, err := w.CreateService(ServiceSpec{Cluster: cluster, Name: name, TaskDefinition: "hostile:1", DesiredCount: 2,
			LoadBalancers: []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: web, ContainerPort: 80}}, Tags: tags,
			DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200,
				CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}}}); err != nil {
			panic(fmt.Sprintf("hostile service: %v", err))
		}
	}
	w.Advance(2 * time.Minute)
	// A rollout in progress, so deployments, events and a diff are on screen.
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: cluster, Service: hostile("svc", "-a"), TaskDefinition: "hostile:2"}); err != nil {
		panic(err)
	}
	// A standalone task, and one stopped with a hostile reason.
	ci := ciID(w, cluster, ec2IDs[0])
	started, _, err := w.StartTask(model.StartTaskInput{Cluster: cluster, TaskDefinition: "hostile:1", ContainerInstances: []string{ci, ciID(w, cluster, ec2IDs[1])},
		StartedBy: hostile("by", "")})
	if err != nil || len(started) != 2 {
		panic(fmt.Sprintf("hostile standalone tasks: %v", err))
	}
	w.Advance(time.Minute)
	if _, err := w.StopTask(cluster, started[1].ID, hostile("stopped because ", "")); err != nil {
		panic(err)
	}
	w.Advance(30 * time.Second)
	for _, t := range started {
		for _, c := range td.Containers {
			stream := hostile("pre", "fix") + "/" + c.Name + "/" + t.ID
			for i := range 3 {
				w.PutLogEvent(hostile("/ecs/", "web"), stream, w.Now().Add(-time.Duration(3-i)*time.Second), hostile(fmt.Sprintf("line %d ", i), " end"))
			}
		}
	}
	return w
}
