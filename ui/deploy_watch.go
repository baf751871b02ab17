package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/sched"
)

// Services with a deployment in progress, and their tasks, are what an
// on-call engineer watches: in a large tasks view (refreshed piecemeal)
// and in a large port map they are kept as fresh as the rows on screen,
// not left to the background sweep. Which services deploy is known from
// the store (any page that described them: the services list, the port
// map, a service detail) and from the tasks themselves (a service whose
// running tasks were started by two deployments). Every interval the
// watch describes those services (a service leaves the watch when its
// deployment ends), lists each one's tasks — so the tasks a deployment
// starts show within the interval, not at the next sweep — and the page
// describes all their tasks with the rows on screen. Its cost is one
// service read per 10 deploying services and one task read per deploying
// service per interval, on top of the describes of their tasks.

// deploymentTag prefixes the startedBy of a task a service deployment started.
const deploymentTag = "ecs-svc/"

// deployingNames are the services of a cluster to watch given its tasks:
// those the store describes as deploying, and those whose running tasks
// two deployments started. only, when set, narrows to one service.
func deployingNames(e *env, cluster, only string, tasks []model.Task) []string {
	set := map[string]bool{}
	for _, st := range e.store.servicesOf(cluster).all() {
		if deploying(st.v) && st.v.Name != "" {
			set[st.v.Name] = true
		}
	}
	starts := map[string]string{}
	for _, t := range tasks {
		svc := t.ServiceName()
		if svc == "" || t.DesiredStatus == model.StatusStopped || !strings.HasPrefix(t.StartedBy, deploymentTag) {
			continue
		}
		if first, ok := starts[svc]; !ok {
			starts[svc] = t.StartedBy
		} else if first != t.StartedBy {
			set[svc] = true
		}
	}
	var out []string
	for name := range set {
		if only == "" || name == only {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// deployWatch is a page's watch of the deploying services of a cluster.
type deployWatch struct {
	owner   uint64
	cluster string
	only    string   // the page's service, when it shows one service's tasks
	names   []string // the services watched, as of the last computation
}

func newDeployWatch(e *env, cluster, only string) *deployWatch {
	return &deployWatch{owner: e.nextID(), cluster: cluster, only: only}
}

func (w *deployWatch) key() string { return "deploy-watch:" + w.cluster + ":" + itoa(int(w.owner)) }

// watching computes the services watched; in reports whether a task is
// one of theirs.
func (w *deployWatch) watching(e *env, tasks []model.Task) (in func(model.Task) bool) {
	w.names = deployingNames(e, w.cluster, w.only, tasks)
	return func(t model.Task) bool {
		svc := t.ServiceName()
		return svc != "" && slices.Contains(w.names, svc)
	}
}

// deployTasks is a listing of one watched service's tasks.
type deployTasks struct {
	service string
	ids     []string
}

// needs describe the watched services and list each one's tasks.
func (w *deployWatch) needs(e *env) []sched.Need {
	if len(w.names) == 0 {
		return nil
	}
	b, cluster, names := e.backend, w.cluster, slices.Clone(w.names)
	shelf, interval := e.store.servicesOf(cluster), e.loop.sched.Interval()
	var since time.Time
	var arns []string
	for i, n := range names {
		s, at, ok := shelf.find(func(s model.Service) bool { return s.Name == n })
		if ok {
			arns = append(arns, s.ARN)
		}
		if i == 0 || at.Before(since) {
			since = at
		}
	}
	out := []sched.Need{{
		Key: w.key() + "#services", Class: sched.Visible, Since: since,
		Cost: sched.Cost{quota.ServiceRead: pages(len(names), 10)},
		Run: func(ctx context.Context, _ func(any)) (any, error) {
			if len(arns) == len(names) {
				if svcs, at, ok := knownFresh(ctx, shelf, arns, interval); ok {
					return scoped[model.Service]{items: svcs, reused: at}, nil
				}
			}
			svcs, fails, err := b.DescribeServices(ctx, cluster, names)
			return scoped[model.Service]{items: svcs, fails: fails}, err
		},
	}}
	for _, n := range names {
		out = append(out, sched.Need{
			Key: w.key() + "#tasks:" + n, Class: sched.Visible,
			Cost: sched.Cost{quota.TaskRead: 1},
			Run: func(ctx context.Context, _ func(any)) (any, error) {
				f := model.TaskFilter{ServiceName: n}
				var ids []string
				for token, first := "", true; first || token != ""; first = false {
					page, next, err := b.ListTasksPage(ctx, cluster, f, token)
					if err != nil {
						return nil, err
					}
					ids, token = append(ids, page...), next
				}
				return deployTasks{service: n, ids: ids}, nil
			},
		})
	}
	return out
}

// sync states the watch's needs (none when the page is covered or not
// refreshed piecemeal).
func (w *deployWatch) sync(e *env, on bool) tea.Cmd {
	if !on {
		return e.setNeeds(w.owner, nil)
	}
	return e.setNeeds(w.owner, w.needs(e))
}

// mine reports whether a reply is the watch's.
func (w *deployWatch) mine(m fetchedMsg) bool { return strings.HasPrefix(m.key, w.key()+"#") }

// receive records described services in the store; it returns the task
// ids a listing found (nil otherwise).
func (w *deployWatch) receive(e *env, m fetchedMsg) []string {
	if m.err != nil {
		return nil
	}
	switch d := m.data.(type) {
	case scoped[model.Service]:
		d.record(e.store.servicesOf(w.cluster), "", m.at)
	case deployTasks:
		return d.ids
	}
	return nil
}
