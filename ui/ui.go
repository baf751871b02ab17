// Package ui is the console: a Bubble Tea root model that hosts a navigation
// stack of pages (package ui/page) — the browse views in this package, the log
// viewer (ui/logview) and the action dialogs (ui/actions) — and draws the
// header, breadcrumb, footer help, status line, command line, filter prompt
// and help overlay around them.
//
// Data is fetched off the UI thread: every fetch is a tea.Cmd carrying a
// request id, replies that are not a page's latest are dropped, and a page
// polls only while it is visible (see poller.go).
//
// # Keys (k9s style; every one rebindable by its action name, see KeyActions)
//
//	:            command line (tab completes): ctx [name], clusters|cl, services|svc [cluster],
//	             tasks [service], instances|ci [cluster], td [family], ports|pm [service],
//	             logs, help, quit|q
//	/            filter the table: a case-insensitive regex, "!" in front inverts;
//	             matches are highlighted; enter keeps it, esc restores the previous one
//	esc          clear the filter, else back one page
//	enter        open (cluster → services → tasks → containers; instance → its tasks;
//	             family → revisions → task definition; port map row → the task)
//	?            help generated from the key map
//	ctrl+r       refresh now (pages also refresh every RefreshInterval while shown)
//	y            copy the selected ARN/id to the clipboard (OSC 52)
//	q, ctrl+c    quit
//	↑↓/jk pgup pgdn g G   move
//	s            sort by the next column (natural order; again: the next one, then none)
//	S            reverse the sort (sorts by the first column if none is set)
//	d            service detail: deployments, task definition diff, events
//	t p i l      tasks, port map, container instance, logs of the selection
//	a            tasks: toggle running / stopped tasks
//	x X f        tasks, containers: exec shell, exec readiness check, port forward
//	             (:forwards lists the forwards; ctrl+d stops one)
//
// Actions (ui/actions; disabled in read-only contexts): U deploy, + scale,
// F force new deployment, B roll back (services, service detail); ctrl+k stop
// task (tasks, containers); D drain and replace (instances); E start on every
// node (task definition revisions opened from a cluster).
package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ui/sched"
)

// Context is one AWS context the console can switch between.
type Context struct {
	Name, Profile, Region, Cluster string
	ReadOnly, Production           bool
	EndpointURL                    string
	// AllowExecInReadOnly lets a read-only context open exec and port
	// forwarding sessions; ExecCommand is what exec runs (default /bin/sh).
	AllowExecInReadOnly bool
	ExecCommand         string
	// Regions widens the pulse to these regions of the account (["all"]:
	// every enabled region). Base names the context a region was switched
	// to from (:region, a pulse line of another region): "prod@eu-west-2"
	// is prod in eu-west-2, no config entry needed.
	Regions []string
	Base    string
}

// RegionsAll in a context's Regions means every region the account enabled.
const RegionsAll = "all"

// inRegion is the context c in another region, named base@region.
func (c Context) inRegion(region string) Context {
	base := firstNonEmpty(c.Base, c.Name)
	if region == c.Region && c.Base == "" {
		return c
	}
	d := c
	d.Name, d.Region, d.Base, d.Regions = base+"@"+region, region, base, nil
	return d
}

// Backend is what the console reads. *aws.Client satisfies it.
type Backend interface {
	Clusters(ctx context.Context) ([]model.Cluster, []model.Failure, error)
	Services(ctx context.Context, cluster string, onBatch func([]model.Service)) ([]model.Service, []model.Failure, error)
	DescribeServices(ctx context.Context, cluster string, names []string) ([]model.Service, []model.Failure, error)
	ListServicesPage(ctx context.Context, cluster, token string) ([]string, string, error)
	Tasks(ctx context.Context, cluster string, f model.TaskFilter, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error)
	DescribeTasks(ctx context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error)
	ListTasksPage(ctx context.Context, cluster string, f model.TaskFilter, token string) ([]string, string, error)
	ContainerInstances(ctx context.Context, cluster string, status string) ([]model.ContainerInstance, []model.Failure, error)
	DescribeContainerInstances(ctx context.Context, cluster string, ids []string) ([]model.ContainerInstance, []model.Failure, error)
	ListContainerInstancesPage(ctx context.Context, cluster, status, token string) ([]string, string, error)
	TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error)
	TaskDefinitionFamilies(ctx context.Context) ([]string, error)
	TaskDefinitionRevisions(ctx context.Context, family string) ([]string, error)
	TargetGroups(ctx context.Context, arns []string) ([]model.TargetGroup, error)
	TargetHealth(ctx context.Context, targetGroupARN string) ([]model.TargetHealth, error)
}

// Deps is everything the console needs from its caller (cmd/ecstui).
type Deps struct {
	Contexts []Context
	Current  int
	// Connect builds the backend for a context. It is called off the UI
	// thread (in a tea.Cmd) at start and on every :ctx switch.
	Connect         func(ctx context.Context, c Context) (Backend, error)
	RefreshInterval time.Duration       // default 5s
	Keys            map[string][]string // action name → keys; see KeyActions
	Colors          map[string]string   // theme token → colour; see theme.Tokens
	ReadOnly        bool                // forces every context read-only
	Now             func() time.Time    // default time.Now; tests pass a fixed clock
	// Journal records the actions taken from the console (default
	// ops.DefaultJournal()).
	Journal *ops.Journal
	// LogBufferLines bounds each log viewer's memory (default 50,000 lines).
	LogBufferLines int
	// APIBudget is the share of each ECS throttle bucket's sustained rate
	// the console spends at steady state, in (0, 1] (default 0.10; see
	// package ui/sched).
	APIBudget float64
	// StartScreen is the first page of a connection: StartClusters (the
	// default) or StartPulse.
	StartScreen string
}

// Start screens.
const (
	StartClusters = "clusters"
	StartPulse    = "pulse"
)

// DefaultRefreshInterval is the polling interval when Deps leaves it zero.
const DefaultRefreshInterval = 5 * time.Second

// New builds the root model. It fails on an unusable Deps: no contexts, no
// Connect, an unknown key action or colour token.
func New(d Deps) (tea.Model, error) {
	return newRoot(d)
}

func validate(d *Deps) error {
	if len(d.Contexts) == 0 {
		return errors.New("ui: no contexts configured")
	}
	if d.Current < 0 || d.Current >= len(d.Contexts) {
		return fmt.Errorf("ui: current context index %d out of range (have %d contexts)", d.Current, len(d.Contexts))
	}
	if d.Connect == nil {
		return errors.New("ui: Deps.Connect is nil")
	}
	switch d.StartScreen {
	case "", StartClusters, StartPulse:
	default:
		return fmt.Errorf("ui: unknown start screen %q (want %s or %s)", d.StartScreen, StartClusters, StartPulse)
	}
	if d.RefreshInterval <= 0 {
		d.RefreshInterval = DefaultRefreshInterval
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.APIBudget == 0 {
		d.APIBudget = sched.DefaultShare
	}
	if d.APIBudget < 0 || d.APIBudget > 1 {
		return fmt.Errorf("ui: API budget %v%% is outside (0%%, 100%%]", d.APIBudget*100)
	}
	return nil
}

// Run runs the console until the user quits or ctx is cancelled, restoring
// the terminal on the way out.
func Run(ctx context.Context, d Deps) error {
	m, err := New(d)
	if err != nil {
		return err
	}
	r := m.(*root)
	defer r.closeAll()
	// Port forwards end with the console; each journals its end.
	defer r.forwards.stopAll()
	defer func() {
		if r.pulse != nil {
			r.pulse.close()
		}
	}()
	_, err = tea.NewProgram(m, tea.WithContext(ctx)).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}
