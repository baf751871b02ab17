// Package sim is an in-memory AWS account running ECS on EC2: clusters,
// container instances in Auto Scaling groups, services with the real
// scheduler semantics, ELBv2 target groups and CloudWatch Logs. It implements
// simapi.Backend, which the wire server (package wire) serves over the real
// AWS protocols; tests may also call it directly.
//
// # Time
//
// The world has its own clock. Tests step it with Advance (one-second ticks;
// nothing happens between ticks); the demo runs it in real time with Run.
// Everything is deterministic from Options.Seed: identifiers (ARNs, task and
// instance ids, deployment ids) come from their own random stream, so the
// same seed and the same calls give the same ARNs.
//
// # Building a world
//
//	w := sim.New(sim.Options{Seed: 1, Start: t0})
//	w.AddCluster("c")
//	ec2IDs := w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 3})
//	tg := w.AddTargetGroup(sim.TargetGroupSpec{Name: "web"})
//	w.RegisterTaskDefinition(model.TaskDefinition{Family: "web", Containers: …})
//	w.CreateService(sim.ServiceSpec{Cluster: "c", Name: "web", TaskDefinition: "web", DesiredCount: 3,
//		LoadBalancers: []model.LoadBalancer{{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 80}}})
//	w.Advance(time.Minute)
//
// RegisterTaskDefinition takes the model's view of a revision; the wire
// server registers with RegisterTaskDefinitionFull, which keeps every field
// of the SDK's RegisterTaskDefinitionInput (tags in the order given) and
// validates as ECS does (pidMode host with FARGATE refused, nothing invented
// for what a request leaves out). Deregistered revisions turn INACTIVE;
// deleted ones stay DELETE_IN_PROGRESS while a task or service uses them.
//
// Other builder calls: AddTarget (a target with no task behind it),
// DeregisterTarget (a running task missing from its target group),
// SetInstanceImage (AMI and agent version of one instance), SetAgentConnected,
// SetLogRate, PutLogEvent. TailDrops, Region and AccountID report on the
// world. NewDemo, NewLarge and NewScenario build the stock scenarios.
//
// # Behaviour
//
// Tasks go PENDING → RUNNING within 3–6 s of placement (awsvpc tasks start in
// PROVISIONING). With a
// load balancer, each task registers instanceId:hostPort targets, which go
// initial → healthy after HealthyThreshold passing checks (interval from the
// target group, default 10 s), or unhealthy after UnhealthyThreshold failing
// ones. A stopping task's targets drain for the deregistration delay (10 s by
// default) before the task stops.
//
// The service scheduler (see scheduler.go for the exact rules) honours
// minimumHealthyPercent and maximumPercent, spread/binpack/random placement
// strategies, distinctInstance and a small memberOf language, reserves CPU,
// memory and static host ports, hands out dynamic host ports from
// 32768–60999, replaces tasks on DRAINING instances, replaces tasks whose
// targets turn unhealthy after the health-check grace period, and runs the
// deployment circuit breaker (threshold ceil(desired/2) failed tasks, at least
// 3, at most 200) with rollback to the last COMPLETED deployment. A
// deployment completes once all its tasks have run healthy for 15 s. After its
// 3rd failed task a deployment launches with a back-off (10 s, doubling, at
// most 15 min), as ECS throttles failing services. DAEMON
// services (ServiceSpec.SchedulingStrategy) keep one task on every eligible
// ACTIVE instance and leave a DRAINING one last (daemon.go). Service
// events are worded like ECS's; repeated placement failures are reported once
// until the cause changes or six hours pass.
//
// # Failing on purpose
//
// Image tags drive failures, so a scenario or test can break a deployment by
// registering a new revision:
//
//   - a tag containing "broken" (e.g. app:1.2-broken) exits with code 1 4–9 s
//     after it starts: the container stops with exit code 1 and, when it is
//     essential, the task stops with StopCode EssentialContainerExited and
//     reason "Essential container in task exited"; it counts as a failed task
//     of its deployment;
//   - a tag containing "unhealthy" runs but fails its target group's health
//     checks (and reports UNHEALTHY container health when it has a health
//     check); after the grace period the scheduler stops it with reason
//     "Task failed ELB health checks in (target-group …)".
//
// # Deployment history
//
// Every deployment a person starts (CreateService, UpdateService with a new
// revision or forceNewDeployment) records a service deployment and the
// service revision it deploys, served as ListServiceDeployments,
// DescribeServiceDeployments and DescribeServiceRevisions (history.go). A
// circuit-breaker rollback goes ROLLBACK_IN_PROGRESS and ends
// ROLLBACK_SUCCESSFUL; without rollback, or replaced by a newer deployment,
// a deployment ends STOPPED; otherwise SUCCESSFUL.
//
// More tags: "oom" is killed for memory (exit 137, OutOfMemoryError) a few
// seconds after it starts; "missing" cannot be pulled and "nosecret" cannot
// fetch its secrets, so the task stops before it runs (TaskFailedToStart
// with a CannotPullContainerError / ResourceInitializationError). Each is a
// failed task of its deployment (failures.go).
//
// # awsvpc and Fargate
//
// A task of an awsvpc task definition gets an ENI with its own private IP
// (in its instance's zone on EC2, round robin over the zones on Fargate),
// publishes no host port, and registers ENI-IP:containerPort in target
// groups of target type ip (TargetGroupSpec.TargetType). A service with
// LaunchType FARGATE, or a FARGATE / FARGATE_SPOT capacity provider
// strategy, runs its tasks on no container instance, at a platform version
// (fargate.go). NewDemoEU is a second account (210987654321, eu-west-1)
// with a Fargate service, an awsvpc service behind an ip target group, a
// crash-looping OOM service, a rollout stuck on an image pull failure and a
// Fargate rollout whose tasks cannot read their secret.
//
// # Auto Scaling and EC2
//
// TerminateInstanceInAutoScalingGroup takes the instance out of service: a
// group with termination lifecycle hooks holds it in Terminating:Wait until
// every hook is completed (CompleteLifecycleAction) or times out with its
// default result (lifecycle.go); then its tasks stop, its container instance
// goes INACTIVE and it shuts down (30 s). An instance out of service no
// longer counts towards the desired capacity, so without decrement the group
// launches a replacement at once, which runs after 30 s and registers ACTIVE
// after 60 s. Scale-in protection spares an instance from scale-in, never
// from TerminateInstanceInAutoScalingGroup. Capacity providers (managed
// scaling, managed termination protection, managed draining) are in
// capacity.go, instance refresh (checkpoints, cancel, rollback) in
// refresh.go, each with the rules it follows.
//
// # Metrics and Application Auto Scaling
//
// At every minute boundary the world records CloudWatch datapoints from its
// state (metrics.go): each service's CPU and memory utilisation from its
// load (SetServiceLoad; a light one otherwise) spread over its running
// tasks, each instance's EC2 CPU (every 5 minutes) and, with
// SetContainerInsights, its Container Insights CPU and memory, and each
// target group's requests, target 5xx (only minutes that had some) and
// response time. GetMetricData aggregates them into any period and
// statistic; absent data stays absent. Application Auto Scaling acts on the
// world once a minute (appscaling.go): scheduled actions, a desired count
// outside [min, max] set back by the dynamic policies, and target tracking
// on CPU, memory or requests per target.
//
// # Logs
//
// Containers with the awslogs driver write to group awslogs-group, stream
// prefix/container/task-id, about six lines a minute (SetLogRate): access
// logs, JSON lines, some ANSI colour and, rarely, a hostile OSC escape for
// the sanitiser. Ingestion time trails the timestamp by 0.2–1.5 s. Streams
// keep their newest 10,000 events. FilterLogEvents understands terms, quoted
// phrases, ?any-of, -exclusions and one { $.field = value } JSON condition.
// TailLogs never blocks the world; a subscriber more than 8,192 events behind
// loses events (TailDrops counts them).
package sim
