package sim

import (
	"time"

	"github.com/ecstui/ecstui/model"
)

// The demo's second account and region, so that the pulse spans two
// accounts: Fargate, awsvpc and the ways tasks die.
const (
	DemoEUAccount = "210987654321"
	DemoEURegion  = "eu-west-1"
)

// NewDemoEU builds the second demo account (eu-west-1), already settled:
//
//   - cluster "edge" (3 × m5.large): checkout, a Fargate service of 3 tasks
//     behind an ip target group; search, an awsvpc service on EC2 (an ENI
//     per task) behind an ip target group;
//   - cluster "jobs" (3 × c5.xlarge): thumbnailer, crash-looping because
//     its container is killed for memory (exit 137, OutOfMemoryError);
//     report-builder, whose rollout to an image that does not exist keeps
//     failing to pull (CannotPullContainerError) while the old tasks serve;
//     invoice-mailer, a Fargate service whose new revision reads a secret its
//     execution role may not: its new tasks fail to start
//     (TaskFailedToStart, ResourceInitializationError) while the old serve.
func NewDemoEU(seed int64) *World {
	w := New(Options{Seed: seed, Start: time.Now().UTC().Truncate(time.Second).Add(-demoSettle),
		Region: DemoEURegion, AccountID: DemoEUAccount})
	demoEdge(w)
	demoJobs(w)
	w.Advance(2 * time.Minute)
	mustUpdate(w, model.ServiceUpdate{Cluster: "jobs", Service: "report-builder", TaskDefinition: "report-builder:2"})
	mustUpdate(w, model.ServiceUpdate{Cluster: "jobs", Service: "invoice-mailer", TaskDefinition: "invoice-mailer:2"})
	w.Advance(demoSettle - 2*time.Minute)
	return w
}

func ecrImage(w *World, repo string) string {
	return w.account + ".dkr.ecr." + w.region + ".amazonaws.com/" + repo
}

func demoEdge(w *World) {
	w.AddAutoScalingGroup(ASGSpec{Name: "edge-ecs-asg", Cluster: "edge", Size: 3, InstanceType: "m5.large"})
	checkoutTG := w.AddTargetGroup(TargetGroupSpec{Name: "checkout-ip", TargetType: "ip", Port: 8080,
		HealthCheckPath: "/healthz", HealthCheckInterval: 5 * time.Second, LoadBalancer: "edge-alb"})
	searchTG := w.AddTargetGroup(TargetGroupSpec{Name: "search-ip", TargetType: "ip", Port: 9200,
		HealthCheckPath: "/_health", HealthCheckInterval: 5 * time.Second, LoadBalancer: "edge-internal-alb"})
	mustRegister(w, model.TaskDefinition{Family: "checkout", NetworkMode: "awsvpc", CPU: "512", Memory: "1024",
		RequiresCompatibilities: []string{"FARGATE"},
		ExecutionRoleARN:        "arn:aws:iam::" + w.account + ":role/ecsTaskExecutionRole",
		Containers: []model.ContainerDefinition{{
			Name: "checkout", Image: ecrImage(w, "checkout:5.2.0"), Essential: true,
			PortMappings:     []model.PortMapping{{ContainerPort: 8080, HostPort: 8080, Protocol: "tcp"}},
			LogConfiguration: awslogs(w, "/ecs/edge/checkout", "ecs"),
		}}})
	mustRegister(w, model.TaskDefinition{Family: "search", NetworkMode: "awsvpc",
		Containers: []model.ContainerDefinition{{
			Name: "search", Image: ecrImage(w, "search:8.11.3"), CPU: 512, Memory: 1024, Essential: true,
			PortMappings:     []model.PortMapping{{ContainerPort: 9200, HostPort: 9200, Protocol: "tcp"}},
			LogConfiguration: awslogs(w, "/ecs/edge/search", "ecs"),
		}}})
	breaker := &model.DeploymentConfiguration{MinimumHealthyPercent: 100, MaximumPercent: 200,
		CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}}
	mustService(w, ServiceSpec{Cluster: "edge", Name: "checkout", TaskDefinition: "checkout", DesiredCount: 3,
		LaunchType: "FARGATE", PlatformVersion: "LATEST", DeploymentConfiguration: breaker, HealthCheckGracePeriod: 30 * time.Second,
		LoadBalancers: []model.LoadBalancer{{TargetGroupARN: checkoutTG, ContainerName: "checkout", ContainerPort: 8080}}})
	mustService(w, ServiceSpec{Cluster: "edge", Name: "search", TaskDefinition: "search", DesiredCount: 3,
		DeploymentConfiguration: breaker, HealthCheckGracePeriod: 30 * time.Second,
		LoadBalancers: []model.LoadBalancer{{TargetGroupARN: searchTG, ContainerName: "search", ContainerPort: 9200}}})
}

func demoJobs(w *World) {
	w.AddAutoScalingGroup(ASGSpec{Name: "jobs-ecs-asg", Cluster: "jobs", Size: 3, InstanceType: "c5.xlarge"})
	mustRegister(w, model.TaskDefinition{Family: "thumbnailer", Containers: []model.ContainerDefinition{{
		Name: "thumbnailer", Image: ecrImage(w, "thumbnailer:2.4.1-oom"), CPU: 512, Memory: 512, Essential: true,
		Command:          []string{"thumbnailer", "--queue", "uploads", "--concurrency", "16"},
		LogConfiguration: awslogs(w, "/ecs/jobs/thumbnailer", "ecs"),
	}}})
	for _, v := range []string{"3.0.0", "3.1.0-missing"} {
		mustRegister(w, model.TaskDefinition{Family: "report-builder", Containers: []model.ContainerDefinition{{
			Name: "report-builder", Image: ecrImage(w, "report-builder:"+v), CPU: 256, Memory: 512, Essential: true,
			LogConfiguration: awslogs(w, "/ecs/jobs/report-builder", "ecs"),
		}}})
	}
	// Revision 2 adds a secret the execution role may not read ("nosecret").
	for _, v := range []string{"1.8.0", "1.9.0-nosecret"} {
		mustRegister(w, model.TaskDefinition{Family: "invoice-mailer", NetworkMode: "awsvpc", CPU: "256", Memory: "512",
			RequiresCompatibilities: []string{"FARGATE"},
			ExecutionRoleARN:        "arn:aws:iam::" + w.account + ":role/ecsTaskExecutionRole",
			Containers: []model.ContainerDefinition{{
				Name: "invoice-mailer", Image: ecrImage(w, "invoice-mailer:"+v), Essential: true,
				LogConfiguration: awslogs(w, "/ecs/jobs/invoice-mailer", "ecs"),
			}}})
	}
	// No circuit breaker: ECS keeps trying, as many services are set up.
	mustService(w, ServiceSpec{Cluster: "jobs", Name: "thumbnailer", TaskDefinition: "thumbnailer", DesiredCount: 2})
	mustService(w, ServiceSpec{Cluster: "jobs", Name: "report-builder", TaskDefinition: "report-builder:1", DesiredCount: 2})
	mustService(w, ServiceSpec{Cluster: "jobs", Name: "invoice-mailer", TaskDefinition: "invoice-mailer:1", DesiredCount: 1,
		LaunchType: "FARGATE", PlatformVersion: "LATEST"})
}
