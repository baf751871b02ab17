package sim

import (
	"fmt"
	"time"

	"github.com/ecstui/ecstui/model"
)

// Demo AMIs: an AMI update is half-way through the playground cluster.
const (
	demoOldAMI   = "ami-0c0a1b2e3f4d5c6b7"
	demoOldAgent = "1.86.3"
	demoNewAMI   = "ami-0f8e7d6c5b4a39281"
	demoNewAgent = "1.89.2"
)

// demoSettle is how much simulated history NewDemo plays before handing the
// world over; the world starts that long before the wall clock so that its
// "now" is the real now.
const demoSettle = 9 * time.Minute

// NewDemo builds the demo account from the field reports, already settled:
//
//   - cluster "playground" (6 × t3.large over 3 AZs, 2 on an older AMI and
//     agent; a classic group that ECS does not manage): services auth (2 tasks) and random (4) with hostPort 0 behind
//     ALB target groups, spread by AZ then instance, max 200 / min 50, circuit
//     breaker on; auth has a completed rollout to revision 2.
//     corkhounds-web has static host port 80 on 5 tasks with min 100 / max 200
//     and a rollout to revision 2 that is stuck: every ACTIVE instance already
//     uses port 80. One instance is DRAINING and still runs a standalone
//     logspout task; logspout runs on 4 of the 6 instances.
//   - cluster "prod" (6 × m5.xlarge in group prod-ecs-asg, min 6, max 10) runs
//     on capacity provider prod-ecs-cp, the cluster's default strategy, with
//     managed scaling (target 100 %), managed termination protection and
//     managed draining; the group launches prod-ecs-lt version 2, and two
//     hosts still run version 1 (the older AMI and agent). Services: automate, the 9-container Chef Automate
//     task definition (links, volumes, volumesFrom, awslogs per container,
//     postgresql-data not essential); billing-api, whose rollout to a broken
//     image was failed and rolled back by the circuit breaker; queue-worker
//     (binpack on memory, no load balancer); logspout on 3 of 6 instances;
//     a stale target in billing-api's target group with no task behind it;
//     one host whose agent is disconnected.
//   - one random task runs without its target (deregistered by hand).
//
// Every running container writes to CloudWatch Logs.
func NewDemo(seed int64) *World {
	w := New(Options{Seed: seed, Start: time.Now().UTC().Truncate(time.Second).Add(-demoSettle)})
	demoRoles(w)
	pg := demoPlayground(w)
	prod := demoProd(w)
	demoScaling(w)

	w.Advance(2 * time.Minute)
	startOn(w, "playground", "logspout", pg, 0, 1, 2, 5)
	startOn(w, "prod", "logspout", prod, 0, 2, 4)
	mustUpdate(w, model.ServiceUpdate{Cluster: "playground", Service: "auth", TaskDefinition: "auth:2"})
	w.Advance(90 * time.Second)

	if _, _, err := w.UpdateContainerInstancesState("playground", []string{ciID(w, "playground", pg[5])}, model.InstanceDraining); err != nil {
		panic(err)
	}
	w.Advance(2 * time.Minute)
	mustUpdate(w, model.ServiceUpdate{Cluster: "playground", Service: "corkhounds-web", TaskDefinition: "corkhounds-web:2"})
	// The broken rollout starts late enough that the rollback is still in
	// progress when the demo opens, so both deployments are on screen.
	w.Advance(demoSettle - 2*time.Minute - 90*time.Second - 2*time.Minute - 25*time.Second)
	mustUpdate(w, model.ServiceUpdate{Cluster: "prod", Service: "billing-api", TaskDefinition: "billing-api:2"})
	w.Advance(25 * time.Second)
	demoLoose(w, prod)
	demoExec(w)
	return w
}

// demoLoose adds the loose ends an on-call engineer finds in a real account:
// a random task whose target someone deregistered by hand (it runs but gets no
// traffic) and a prod host whose agent lost its connection.
func demoLoose(w *World, prod []string) {
	tgs, err := w.DescribeTargetGroups(nil, []string{"random"}, "")
	if err != nil {
		panic(err)
	}
	th, err := w.DescribeTargetHealth(tgs[0].ARN)
	if err != nil || len(th) == 0 {
		panic(fmt.Sprintf("demo: random has no targets (%v)", err))
	}
	if err := w.DeregisterTarget(tgs[0].ARN, th[len(th)-1].TargetID, th[len(th)-1].Port); err != nil {
		panic(err)
	}
	if err := w.SetAgentConnected(prod[5], false); err != nil {
		panic(err)
	}
}

func awslogs(w *World, group, prefix string) *model.LogConfiguration {
	return &model.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
		"awslogs-group": group, "awslogs-region": w.region, "awslogs-stream-prefix": prefix}}
}

func mustRegister(w *World, td model.TaskDefinition) {
	// The demo's revisions come from the console, which always names the
	// network mode (ECS itself returns none when a request leaves it out).
	if td.NetworkMode == "" {
		td.NetworkMode = "bridge"
	}
	if _, err := w.RegisterTaskDefinition(td); err != nil {
		panic(fmt.Sprintf("demo task definition %s: %v", td.Family, err))
	}
}

func mustService(w *World, s ServiceSpec) {
	if _, err := w.CreateService(s); err != nil {
		panic(fmt.Sprintf("demo service %s: %v", s.Name, err))
	}
}

func mustUpdate(w *World, u model.ServiceUpdate) {
	if _, err := w.UpdateService(u); err != nil {
		panic(fmt.Sprintf("demo update %s: %v", u.Service, err))
	}
}

func ciID(w *World, cluster, ec2ID string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.clusters[cluster].byEC2[ec2ID].id
}

func startOn(w *World, cluster, td string, ec2IDs []string, idx ...int) {
	var ids []string
	for _, i := range idx {
		ids = append(ids, ciID(w, cluster, ec2IDs[i]))
	}
	if _, _, err := w.StartTask(model.StartTaskInput{Cluster: cluster, TaskDefinition: td, ContainerInstances: ids, StartedBy: "ecstui-daemon"}); err != nil {
		panic(err)
	}
}

func logspoutTD(w *World, cluster string) model.TaskDefinition {
	return model.TaskDefinition{
		Family: "logspout",
		Containers: []model.ContainerDefinition{{
			Name: "logspout", Image: "gliderlabs/logspout:v3.2.14", CPU: 64, Memory: 128, Essential: true,
			MountPoints:      []model.MountPoint{{SourceVolume: "docker-sock", ContainerPath: "/var/run/docker.sock", ReadOnly: true}},
			LogConfiguration: awslogs(w, "/ecs/logspout", cluster),
		}},
		Volumes: []model.Volume{{Name: "docker-sock", SourcePath: "/var/run/docker.sock"}},
	}
}

func demoPlayground(w *World) []string {
	ids := w.AddAutoScalingGroup(ASGSpec{Name: "playground-ecs-asg", Cluster: "playground", Size: 6,
		InstanceType: "t3.large", AMI: demoNewAMI, AgentVersion: demoNewAgent,
		OlderImages: []ImageVersion{{AMI: demoOldAMI, AgentVersion: demoOldAgent}}})
	for _, id := range ids[:2] {
		if err := w.SetInstanceImage(id, demoOldAMI, demoOldAgent); err != nil {
			panic(err)
		}
	}
	authTG := w.AddTargetGroup(TargetGroupSpec{Name: "auth", HealthCheckInterval: 5 * time.Second, LoadBalancer: "stage01-alb"})
	randomTG := w.AddTargetGroup(TargetGroupSpec{Name: "random", HealthCheckPath: "/random/", HealthCheckInterval: 5 * time.Second, LoadBalancer: "stage01-alb"})
	webTG := w.AddTargetGroup(TargetGroupSpec{Name: "corkhounds-web", HealthCheckPath: "/health", LoadBalancer: "corkhounds-alb"})

	for _, v := range []string{"1.4.0", "1.5.0"} {
		mustRegister(w, model.TaskDefinition{Family: "auth", TaskRoleARN: demoRole(w, "auth-task"), Containers: []model.ContainerDefinition{{
			Name: "auth", Image: "srirajan/auth:" + v, CPU: 512, Memory: 512, Essential: true,
			PortMappings:     []model.PortMapping{{ContainerPort: 10080, Protocol: "tcp"}},
			LogConfiguration: awslogs(w, "/ecs/playground/auth", "ecs"),
		}}})
	}
	mustRegister(w, model.TaskDefinition{Family: "random", Containers: []model.ContainerDefinition{{
		Name: "random", Image: "srirajan/random:2.0.1", CPU: 256, Memory: 256, Essential: true,
		PortMappings:     []model.PortMapping{{ContainerPort: 10081, Protocol: "tcp"}},
		LogConfiguration: awslogs(w, "/ecs/playground/random", "ecs"),
	}}})
	for _, v := range []string{"2018.05.1", "2018.06.0"} {
		mustRegister(w, model.TaskDefinition{Family: "corkhounds-web", Containers: []model.ContainerDefinition{{
			Name: "web", Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/corkhounds/web:" + v,
			CPU: 256, MemoryReservation: 384, Essential: true,
			PortMappings:     []model.PortMapping{{ContainerPort: 80, HostPort: 80, Protocol: "tcp"}},
			MountPoints:      []model.MountPoint{{SourceVolume: "efs-web", ContainerPath: "/var/www/assets"}},
			LogConfiguration: awslogs(w, "/ecs/corkhounds", "web"),
		}}, Volumes: []model.Volume{{Name: "efs-web", SourcePath: "/efs/web"}}})
	}
	mustRegister(w, logspoutTD(w, "playground"))

	spread := []model.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}, {Type: "spread", Field: "instanceId"}}
	half := &model.DeploymentConfiguration{MinimumHealthyPercent: 50, MaximumPercent: 200,
		CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}}
	mustService(w, ServiceSpec{Cluster: "playground", Name: "auth", TaskDefinition: "auth:1", DesiredCount: 2,
		DeploymentConfiguration: half, PlacementStrategy: spread, HealthCheckGracePeriod: 30 * time.Second,
		LoadBalancers:        []model.LoadBalancer{{TargetGroupARN: authTG, ContainerName: "auth", ContainerPort: 10080}},
		EnableExecuteCommand: true})
	mustService(w, ServiceSpec{Cluster: "playground", Name: "random", TaskDefinition: "random", DesiredCount: 4,
		DeploymentConfiguration: half, PlacementStrategy: spread, HealthCheckGracePeriod: 30 * time.Second,
		LoadBalancers: []model.LoadBalancer{{TargetGroupARN: randomTG, ContainerName: "random", ContainerPort: 10081}}})
	mustService(w, ServiceSpec{Cluster: "playground", Name: "corkhounds-web", TaskDefinition: "corkhounds-web:1", DesiredCount: 5,
		DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200},
		PlacementStrategy:       []model.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}},
		LoadBalancers:           []model.LoadBalancer{{TargetGroupARN: webTG, ContainerName: "web", ContainerPort: 80}}})
	return ids
}

func demoProd(w *World) []string {
	ids := w.AddAutoScalingGroup(ASGSpec{Name: "prod-ecs-asg", Cluster: "prod", Size: 6, MinSize: 6, MaxSize: 10,
		InstanceType: "m5.xlarge", AMI: demoNewAMI, AgentVersion: demoNewAgent,
		LaunchTemplateName: "prod-ecs-lt", OlderImages: []ImageVersion{{AMI: demoOldAMI, AgentVersion: demoOldAgent}},
		LaunchTemplateVersion: "2", InstanceWarmup: time.Minute})
	for _, id := range []string{ids[1], ids[3]} {
		if err := w.SetInstanceImage(id, demoOldAMI, demoOldAgent); err != nil {
			panic(err)
		}
	}
	if err := w.AddCapacityProvider(CapacityProviderSpec{Name: "prod-ecs-cp", Group: "prod-ecs-asg", Cluster: "prod", Default: true,
		ManagedScaling: true, TargetCapacity: 100, MaximumScalingStepSize: 2,
		ManagedTerminationProtection: true, ManagedDraining: true}); err != nil {
		panic(err)
	}
	automateTG := w.AddTargetGroup(TargetGroupSpec{Name: "ECSTG", HealthCheckPath: "/viz/", LoadBalancer: "ECSALB"})
	billingTG := w.AddTargetGroup(TargetGroupSpec{Name: "billing-api", HealthCheckPath: "/healthz", HealthCheckInterval: 5 * time.Second, LoadBalancer: "prod-alb"})

	mustRegister(w, automateTD(w))
	for _, v := range []string{"3.2.0", "3.3.0-broken"} {
		mustRegister(w, model.TaskDefinition{Family: "billing-api", TaskRoleARN: demoRole(w, "billing-api-task"), Containers: []model.ContainerDefinition{{
			Name: "api", Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/billing-api:" + v,
			CPU: 256, Memory: 512, Essential: true,
			PortMappings:     []model.PortMapping{{ContainerPort: 8080}},
			Environment:      []model.KeyValue{{Name: "PORT", Value: "8080"}},
			LogConfiguration: awslogs(w, "/ecs/prod/billing-api", "ecs"),
			HealthCheck: &model.HealthCheck{Command: []string{"CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"},
				Interval: 10 * time.Second, Timeout: 5 * time.Second, Retries: 3, StartPeriod: 10 * time.Second},
		}}})
	}
	mustRegister(w, model.TaskDefinition{Family: "queue-worker", TaskRoleARN: demoRole(w, "queue-worker-task"), Containers: []model.ContainerDefinition{{
		Name: "worker", Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/queue-worker:1.9.4",
		CPU: 512, MemoryReservation: 1024, Essential: true,
		Command:          []string{"worker", "--queues", "billing,notifications"},
		LogConfiguration: awslogs(w, "/ecs/prod/queue-worker", "ecs"),
	}}})
	mustRegister(w, logspoutTD(w, "prod"))

	mustService(w, ServiceSpec{Cluster: "prod", Name: "automate", TaskDefinition: "automate", DesiredCount: 1,
		LoadBalancers:          []model.LoadBalancer{{TargetGroupARN: automateTG, ContainerName: "automate-nginx", ContainerPort: 80}},
		HealthCheckGracePeriod: 60 * time.Second})
	mustService(w, ServiceSpec{Cluster: "prod", Name: "billing-api", TaskDefinition: "billing-api:1", DesiredCount: 3,
		DeploymentConfiguration: &model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200,
			CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}},
		LoadBalancers:          []model.LoadBalancer{{TargetGroupARN: billingTG, ContainerName: "api", ContainerPort: 8080}},
		HealthCheckGracePeriod: 20 * time.Second, EnableExecuteCommand: true})
	mustService(w, ServiceSpec{Cluster: "prod", Name: "queue-worker", TaskDefinition: "queue-worker", DesiredCount: 2,
		PlacementStrategy: []model.PlacementStrategy{{Type: "binpack", Field: "memory"}}, EnableExecuteCommand: true})
	if err := w.AddTarget(billingTG, ids[2], 33012); err != nil {
		panic(err)
	}
	return ids
}

// automateTD is seed 000's combined Chef Automate task definition.
func automateTD(w *World) model.TaskDefinition {
	lc := func() *model.LogConfiguration { return awslogs(w, "ECSLogGroup-automate", "automate") }
	peer := func(extra ...string) []string { return append([]string{"--peer", "postgresql"}, extra...) }
	binds := []string{"--bind", "elasticsearch:elasticsearch.default", "--bind", "rabbitmq:rabbitmq.default"}
	return model.TaskDefinition{
		Family:  "automate",
		Volumes: []model.Volume{{Name: "postgresql-data"}, {Name: "maintenance"}},
		Containers: []model.ContainerDefinition{
			{Name: "postgresql-data", Image: "chefdemo/postgresql-data:stable", CPU: 10, Memory: 300, Essential: false,
				MountPoints:      []model.MountPoint{{SourceVolume: "postgresql-data", ContainerPath: "/hab/svc/postgresql/data"}},
				LogConfiguration: lc()},
			{Name: "postgresql", Hostname: "postgresql", Image: "chefdemo/postgresql:stable", CPU: 10, Memory: 300, Essential: true,
				Environment:      []model.KeyValue{{Name: "HAB_POSTGRESQL", Value: "[superuser]\nname = 'hab'\npassword = 'chefrocks'\n"}},
				MountPoints:      []model.MountPoint{{SourceVolume: "postgresql-data", ContainerPath: "/hab/svc/postgresql/data"}},
				VolumesFrom:      []model.VolumeFrom{{SourceContainer: "postgresql-data"}},
				LogConfiguration: lc()},
			{Name: "rabbitmq", Hostname: "rabbitmq", Image: "chefdemo/rabbitmq:stable", CPU: 10, Memory: 512, Essential: true,
				Links: []string{"postgresql"}, Command: peer(),
				Environment:      []model.KeyValue{{Name: "HAB_RABBITMQ", Value: "[rabbitmq]\ndefault_vhost = '/insights'\ndefault_user = 'insights'\n"}},
				LogConfiguration: lc()},
			{Name: "elasticsearch", Hostname: "elasticsearch", Image: "chefdemo/elasticsearch:stable", CPU: 10, Memory: 2048, Essential: true,
				Links: []string{"postgresql"}, Command: peer(),
				Ulimits:          []model.Ulimit{{Name: "nofile", SoftLimit: 262144, HardLimit: 262144}},
				LogConfiguration: lc()},
			{Name: "logstash", Image: "chefdemo/logstash:stable", CPU: 10, Memory: 2048, Essential: true,
				Links:            []string{"rabbitmq", "elasticsearch"},
				Command:          []string{"--peer", "rabbitmq", "--bind", "elasticsearch:elasticsearch.default", "--bind", "rabbitmq:rabbitmq.default"},
				LogConfiguration: lc()},
			{Name: "workflow", Hostname: "workflow", Image: "chefdemo/workflow-server:stable", CPU: 10, Memory: 768, Essential: true,
				Links: []string{"postgresql", "rabbitmq", "elasticsearch"}, Command: peer(append([]string{"--bind", "database:postgresql.default"}, binds...)...),
				MountPoints:      []model.MountPoint{{SourceVolume: "maintenance", ContainerPath: "/var/opt/delivery/delivery/etc"}},
				LogConfiguration: lc()},
			{Name: "notifications", Hostname: "notifications", Image: "chefdemo/notifications:stable", CPU: 10, Memory: 768, Essential: true,
				Links: []string{"postgresql", "rabbitmq", "elasticsearch"}, Command: peer(append([]string{"--bind", "database:postgresql.default"}, binds...)...),
				LogConfiguration: lc()},
			{Name: "compliance", Hostname: "compliance", Image: "chefdemo/compliance:stable", CPU: 10, Memory: 768, Essential: true,
				Links: []string{"postgresql"}, Command: peer("--bind", "elasticsearch:elasticsearch.default"),
				LogConfiguration: lc()},
			{Name: "automate-nginx", Hostname: "automate-nginx", Image: "chefdemo/automate-nginx:stable", CPU: 10, Memory: 300, Essential: true,
				PortMappings: []model.PortMapping{{ContainerPort: 80}, {ContainerPort: 443}},
				Links:        []string{"postgresql", "rabbitmq", "elasticsearch", "compliance"},
				Command: peer("--bind", "elasticsearch:elasticsearch.default", "--bind", "workflow:workflow-server.default",
					"--bind", "compliance:compliance.default", "--bind", "notifications:notifications.default"),
				MountPoints:      []model.MountPoint{{SourceVolume: "maintenance", ContainerPath: "/var/opt/delivery/delivery/etc"}},
				LogConfiguration: lc()},
		},
	}
}
