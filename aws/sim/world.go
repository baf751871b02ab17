package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// Options configure a new World.
type Options struct {
	Seed      int64
	Start     time.Time // zero: the current wall-clock time, truncated to the second
	Region    string    // default us-east-1
	AccountID string    // default 123456789012
}

// tick is the step of simulated time: every timer in the world is checked
// once per tick, so nothing happens between ticks.
const tick = time.Second

// World is the simulated AWS account. All state lives behind one mutex; every
// exported method takes it, internal helpers assume it is held.
type World struct {
	mu sync.Mutex

	region, account string
	now             time.Time

	idRand  *rand.Rand // identifiers only, so behaviour changes never shift ARNs
	simRand *rand.Rand // timing jitter and placement ties
	logRand *rand.Rand // log line content

	clusters     map[string]*cluster // by name
	clusterOrder []string

	families    map[string][]*taskDef // by family, revision order
	familyOrder []string              // sorted
	taskDefs    map[string]*taskDef   // by ARN

	asgs     map[string]*asg // by name
	asgOrder []string        // sorted
	ec2      map[string]*ec2Instance
	ec2Order []string // launch order

	tgs     map[string]*targetGroup // by ARN
	tgOrder []string

	cps     map[string]*capacityProvider // by name (capacity.go)
	cpOrder []string

	logs *logStore

	roles map[string]*iamRole // IAM roles by name (iam.go)

	logRate     float64 // lines per running container per minute
	logsEnabled bool

	metrics *metricState  // CloudWatch metrics (metrics.go)
	scaling *scalingState // Application Auto Scaling (appscaling.go)

	seq int64 // monotonic counter for event ids and the like

	accountSettings map[string]string // ECS account settings set by PutAccountSetting
	lbs             map[string]*loadBalancer
	lbOrder         []string // creation order

	history historyStore // service deployments and revisions (history.go)

	// awsvpc networking (fargate.go): a subnet per zone, ENIs handed out.
	subnets map[string]string
	eniSeq  int
}

// New returns an empty world (no clusters) at opts.Start.
func New(opts Options) *World {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.AccountID == "" {
		opts.AccountID = "123456789012"
	}
	if opts.Start.IsZero() {
		opts.Start = time.Now().UTC().Truncate(time.Second)
	}
	s := uint64(opts.Seed)
	w := &World{
		region:      opts.Region,
		account:     opts.AccountID,
		now:         opts.Start.UTC(),
		idRand:      rand.New(rand.NewPCG(s, 0x1d5eed)),
		simRand:     rand.New(rand.NewPCG(s, 0x5c4ed)),
		logRand:     rand.New(rand.NewPCG(s, 0x10965)),
		clusters:    map[string]*cluster{},
		families:    map[string][]*taskDef{},
		taskDefs:    map[string]*taskDef{},
		asgs:        map[string]*asg{},
		ec2:         map[string]*ec2Instance{},
		tgs:         map[string]*targetGroup{},
		logRate:     6,
		logsEnabled: true,
	}
	w.logs = newLogStore(w)
	return w
}

var _ simapi.Backend = (*World)(nil)

// Region returns the world's region (us-east-1 unless set).
func (w *World) Region() string { return w.region }

// AccountID returns the world's account id (123456789012 unless set).
func (w *World) AccountID() string { return w.account }

// Now returns the simulated time.
func (w *World) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

// Advance moves simulated time forward by d in one-second ticks, running the
// scheduler, task lifecycles, health checks, Auto Scaling and log writers at
// every tick. A remainder shorter than a tick is applied as a final short step.
func (w *World) Advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.advanceLocked(d)
}

func (w *World) advanceLocked(d time.Duration) {
	for d > 0 {
		step := min(d, tick)
		w.now = w.now.Add(step)
		d -= step
		w.step()
	}
}

// Run advances the world by the wall clock every 250 ms until ctx is done.
func (w *World) Run(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			w.Advance(now.Sub(last))
			last = now
		}
	}
}

// step runs everything that is due at w.now. Order matters: lifecycles first
// (so the scheduler sees tasks that just stopped), then health, then the
// schedulers, then logs for whatever is running.
func (w *World) step() {
	w.stepEC2()
	w.stepCapacity()
	w.stepRefreshes()
	for _, name := range w.clusterOrder {
		c := w.clusters[name]
		w.stepTasks(c)
	}
	w.stepTargets()
	for _, name := range w.clusterOrder {
		c := w.clusters[name]
		for _, sn := range c.serviceOrder {
			w.schedule(c.services[sn])
		}
		w.pruneStopped(c)
	}
	w.stepMetrics()
	w.stepScaling()
	if w.logsEnabled {
		w.writeLogs()
	}
}

// ---- identifiers ----

func (w *World) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[w.idRand.IntN(16)]
	}
	return string(b)
}

func (w *World) uuid() string {
	h := w.hex(32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (w *World) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + w.idRand.IntN(10))
	}
	if b[0] == '0' {
		b[0] = '1' + byte(w.idRand.IntN(9))
	}
	return string(b)
}

func (w *World) ecsARN(resource string) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:%s", w.region, w.account, resource)
}

func (w *World) clusterARN(name string) string { return w.ecsARN("cluster/" + name) }

func (w *World) jitter(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(w.simRand.Int64N(int64(hi-lo)))
}

// ---- lookups (ECS accepts ARNs or short names) ----

func errCluster() error {
	return simapi.Errorf(simapi.CodeClusterNotFound, "Cluster not found.")
}

func (w *World) cluster(id string) (*cluster, error) {
	if id == "" {
		id = "default"
	}
	c, ok := w.clusters[model.ResourceID(id)]
	if !ok || c.deleted {
		return nil, errCluster()
	}
	return c, nil
}

// taskDefByID resolves an ARN, family:revision or family (latest ACTIVE).
// A revision whose deletion has finished is not found.
func (w *World) taskDefByID(id string) (*taskDef, bool) {
	td, ok := w.lookupTaskDef(id)
	if !ok || w.gone(td) {
		return nil, false
	}
	return td, true
}

func (w *World) lookupTaskDef(id string) (*taskDef, bool) {
	if td, ok := w.taskDefs[id]; ok {
		return td, true
	}
	short := id
	if i := strings.LastIndex(id, "task-definition/"); i >= 0 {
		short = id[i+len("task-definition/"):]
	}
	fam, revs := short, []*taskDef(nil)
	if i := strings.LastIndexByte(short, ':'); i >= 0 {
		fam = short[:i]
		rev, err := strconv.Atoi(short[i+1:])
		revs = w.families[fam]
		if err != nil || rev < 1 || rev > len(revs) {
			return nil, false
		}
		return revs[rev-1], true
	}
	revs = w.families[fam]
	for i := len(revs) - 1; i >= 0; i-- {
		if revs[i].Status == tdActive {
			return revs[i], true
		}
	}
	return nil, false
}

// usableTaskDef resolves a revision that new tasks may start from: ECS
// refuses INACTIVE and DELETE_IN_PROGRESS ones for new services, updates
// and tasks.
func (w *World) usableTaskDef(id string) (*taskDef, error) {
	td, ok := w.taskDefByID(id)
	if !ok {
		return nil, simapi.Errorf(simapi.CodeInvalidParameter, "TaskDefinition not found.")
	}
	if td.Status != tdActive {
		return nil, simapi.Errorf(simapi.CodeInvalidParameter, "TaskDefinition is inactive")
	}
	return td, nil
}
