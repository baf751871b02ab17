package sim

import (
	"time"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// The world's own state. Model values are built from these on every read, so
// callers get copies they may mutate.

type cluster struct {
	name, arn string
	tags      map[string]string
	settings  map[string]string // containerInsights
	deleted   bool              // INACTIVE: described, never listed or used

	services     map[string]*service // by name
	serviceOrder []string            // creation order

	tasks     map[string]*task // by id, including recently stopped ones
	taskOrder []string         // creation order

	instances     map[string]*instance // by container instance id
	instanceOrder []string             // registration order
	byEC2         map[string]*instance

	// Capacity providers associated with the cluster, and the default
	// strategy services created without one copy (capacity.go).
	capacityProviders []string
	defaultStrategy   []model.CapacityProviderStrategyItem
	execConfig        model.ExecConfiguration // executeCommandConfiguration (exec.go)
}

// taskDef is one revision: ECS's full shape (what DescribeTaskDefinition
// returns) and the model view the scheduler uses, derived from it.
type taskDef struct {
	model.TaskDefinition
	full  ecstypes.TaskDefinition
	tags  []ecstypes.Tag // in the order they were given
	needs model.TaskNeeds
}

type service struct {
	name, arn string
	cluster   *cluster
	status    string
	daemon    bool // DAEMON scheduling strategy
	desired   int
	td        *taskDef
	cfg       model.DeploymentConfiguration
	lbs       []model.LoadBalancer
	strategy  []model.PlacementStrategy
	cons      []model.PlacementConstraint
	grace     time.Duration
	createdAt time.Time
	tags      map[string]string
	exec      bool // enableExecuteCommand: copied into each new task

	deployments []*deployment // PRIMARY first
	events      []model.ServiceEvent
	tasks       map[string]*task // tasks not yet STOPPED

	stable       *deployment // the last deployment that completed, for rollback
	steady       bool
	steadyAt     time.Time
	lastMessages map[string]time.Time // deduplicated messages and when they were sent

	targetChanges map[string]*targetChanges // by target group ARN, until reported

	// cpStrategy is the service's capacity provider strategy (capacity.go);
	// unplaced counts the tasks the scheduler could not place at its last
	// run, which ECS managed scaling counts as capacity needed.
	cpStrategy []model.CapacityProviderStrategyItem
	unplaced   int

	// launchType FARGATE (or a Fargate capacity provider strategy) runs
	// the tasks on no instance, at platformVersion (fargate.go).
	launchType, platformVersion string
	// net is the service's awsvpc configuration (network.go); nil for the
	// other network modes.
	net *awsvpcConfig
}

type deployment struct {
	id        string
	status    string
	td        *taskDef
	desired   int
	failed    int
	rollout   string
	reason    string
	createdAt time.Time
	updatedAt time.Time
	noLaunch  bool
	// nextLaunch delays launches after repeated failures (ECS's task launch
	// throttling): 10 s after the 3rd failed task, doubling up to 15 min.
	nextLaunch time.Time // the circuit breaker tripped without rollback: launch nothing more
}

type container struct {
	name, arn, image, digest, runtimeID string
	status                              string
	health                              string
	exitCode                            *int
	reason                              string
	bindings                            []model.NetworkBinding
	cpu, memory                         int
	essential                           bool
	logGroup, logStream                 string
	nextLogAt                           time.Time
	lines                               int
	agentStopped                        string // why its exec agent stopped; "" follows the container
}

type task struct {
	id, arn   string
	cluster   *cluster
	td        *taskDef
	inst      *instance
	svc       *service
	dep       *deployment
	group     string
	startedBy string
	tags      map[string]string
	exec      bool // enableExecuteCommand, fixed when the task starts

	lastStatus, desiredStatus string
	health                    string

	createdAt, startedAt, stoppingAt, stoppedAt time.Time
	pullAt, runAt                               time.Time // PROVISIONING→PENDING, PENDING→RUNNING
	exitAt                                      time.Time // broken images exit then
	stopAt                                      time.Time // STOPPING→STOPPED
	stopCode, stoppedReason                     string

	containers []*container
	needs      model.TaskNeeds
	dynPorts   []int
	targets    []*target
	failed     bool // counted against its deployment's circuit breaker
	eni        *eni // awsvpc tasks (fargate.go)
}

func (t *task) live() bool { return t.lastStatus != model.StatusStopped }

type instance struct {
	id, arn        string
	cluster        *cluster
	tags           map[string]string
	ec2            *ec2Instance
	status         string
	statusReason   string
	agentConnected bool
	agentVersion   string
	dockerVersion  string
	registered     model.Resources
	remaining      model.Resources
	dynUsed        map[int]bool
	nextDyn        int
	registeredAt   time.Time
	deregisteredAt time.Time
	attributes     map[string]string
	tasks          map[string]*task // not yet STOPPED
}

type ec2Instance struct {
	id, instanceType, ami, state string
	privateIP, az                string
	launchTime                   time.Time
	tags                         map[string]string
	asg                          *asg
	lifecycle                    string
	agentVersion                 string
	cpu, memory                  int
	ci                           *instance
	runningAt, registerAt        time.Time // pending → running → registers in the cluster
	terminatedAt                 time.Time // shutting-down → terminated
	gone                         bool      // no longer listed anywhere

	// Auto Scaling state (lifecycle.go): scale-in protection, the launch
	// template version it was launched from, the termination hooks still
	// holding it in Terminating:Wait (name → deadline) and since when, and
	// when it last ran a non-daemon task (ECS managed scaling's idle time).
	protected bool
	ltVersion int
	waitHooks map[string]time.Time
	waitSince time.Time
	busyAt    time.Time

	// The scaling activity launching or terminating it (activities.go), and
	// why (and as which activity) it is being terminated when that is not
	// the group's own doing.
	activity          *model.ScalingActivity
	termCause, termID string
}

type asg struct {
	name, arn, cluster string
	min, max, desired  int
	azs                []string
	instanceType, ami  string
	agentVersion       string
	cpu, memory        int
	launchTemplate     string
	members            []*ec2Instance // launch order
	launches           int

	// Launch template versions (index+1 is the version number), the version
	// the group launches ("$Default", "$Latest" or a number) and the default
	// version; lifecycle hooks; instance protection for new instances;
	// instance refreshes (newest last); the capacity provider, if any.
	ltName           string
	ltVersions       []ltVersion
	ltSpec           string
	ltDefault        int
	hooks            []*lifecycleHook
	newProtected     bool
	healthGrace      time.Duration
	instanceWarmup   time.Duration
	refreshes        []*instanceRefresh
	capacityProvider *capacityProvider
	activities       []*model.ScalingActivity // oldest first
}

type targetGroup struct {
	model.TargetGroup
	interval       time.Duration
	healthyCount   int
	unhealthyCount int
	deregDelay     time.Duration
	targets        []*target
	tags           map[string]string
}

type target struct {
	tg       *targetGroup
	ec2ID    string
	port     int
	az       string
	state    string
	reason   string
	desc     string
	task     *task // nil: nothing behind it
	since    time.Time
	checks   int // consecutive health check results in the current direction
	nextAt   time.Time
	removeAt time.Time
}
