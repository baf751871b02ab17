package ui

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/gather"
	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/sched"
)

// A large cluster's port map (its whole gathering costs more than the
// share's burst of service reads) is refreshed like a large list: the
// bindings on screen every interval — their tasks, their services and the
// health of up to portHotTargetGroups of their target groups, described by
// id and joined again with what the last whole gathering read — and the
// deploying services and all their tasks (deploy_watch.go), while the
// whole gathering runs in the background at what the budget leaves. The
// gathering and the refreshes read through the context's store: what
// another page (the services list, a tasks view) fetched within the
// interval is not described again, and what the port map fetches the
// other pages start from.

// portHotTargetGroups bounds the target health calls of one refresh of the
// rows on screen (ELBv2 at one call per second, every 5 s).
const portHotTargetGroups = 4

// portRows is the answer of a refresh of the rows on screen.
type portRows struct {
	tasks  []model.Task
	svcs   []model.Service
	fails  []model.Failure
	health map[string][]model.TargetHealth // by target group ARN
	// tds are the task definitions of new tasks the last gathering lacked.
	tds map[string]model.TaskDefinition
	// tasksReused, svcsReused: taken from the store, not described now.
	tasksReused, svcsReused bool
}

func (p *portMapPage) piecemealNeeds() ([]sched.Need, bool) {
	if !p.loaded || p.fresh == nil {
		return nil, false
	}
	whole := p.poller.whole()
	if whole.Cost[quota.ServiceRead] <= p.env.loop.sched.Burst(quota.ServiceRead) {
		return nil, false
	}
	whole.Class = sched.Background
	in := p.fresh.g.Input
	var tasks, svcs, tgs []string
	addTask := func(arn string) {
		if arn != "" && !slices.Contains(tasks, arn) {
			tasks = append(tasks, arn)
		}
	}
	// The deploying services are described by the watch; their tasks, and
	// the new ones its listings found, with the rows on screen.
	deploying := p.watchNames()
	for _, t := range in.Tasks {
		if slices.Contains(deploying, t.ServiceName()) {
			addTask(t.ARN)
		}
	}
	for _, arn := range slices.Sorted(maps.Keys(p.wanted)) {
		addTask(arn)
	}
	for _, i := range p.tbl.OnScreen() {
		if i >= len(p.items) {
			continue
		}
		r := p.items[i]
		addTask(r.TaskARN)
		for _, s := range splitServices(r.Service) {
			if !slices.Contains(svcs, s) && !slices.Contains(deploying, s) {
				svcs = append(svcs, s)
			}
		}
		if r.TargetGroupARN != "" && !slices.Contains(tgs, r.TargetGroupARN) && len(tgs) < portHotTargetGroups {
			tgs = append(tgs, r.TargetGroupARN)
		}
	}
	if len(tasks)+len(svcs)+len(tgs) == 0 {
		return []sched.Need{whole}, true
	}
	// The gathering leaves the tasks and services refreshed here to this
	// need: it takes the store's copies (at most an interval old).
	onScreen := map[string]bool{}
	for _, t := range tasks {
		onScreen[t] = true
	}
	for _, s := range in.Services {
		if slices.Contains(svcs, s.Name) || slices.Contains(deploying, s.Name) {
			onScreen[s.ARN] = true
		}
	}
	gatherRun := whole.Run
	whole.Run = func(ctx context.Context, emit func(any)) (any, error) {
		return gatherRun(withVisible(ctx, onScreen), emit)
	}
	cost := sched.Cost{}
	if len(tasks) > 0 {
		cost[quota.TaskRead] = pages(len(tasks), 100)
	}
	if len(svcs) > 0 {
		cost[quota.ServiceRead] = pages(len(svcs), 10)
	}
	if len(tgs) > 0 {
		cost[quota.ELBRead] = len(tgs)
	}
	b, cluster := p.env.backend, p.scope.cluster
	known := maps.Clone(in.TaskDefinitions)
	taskShelf, svcShelf := p.env.store.tasksOf(cluster), p.env.store.servicesOf(cluster)
	interval := p.env.loop.sched.Interval()
	var svcARNs []string
	for _, s := range in.Services {
		if slices.Contains(svcs, s.Name) {
			svcARNs = append(svcARNs, s.ARN)
		}
	}
	rows := sched.Need{
		Key:   p.key + "#rows:" + firstNonEmpty(append(slices.Clone(tasks), svcs...)...) + "+" + strconv.Itoa(len(tasks)),
		Class: sched.Visible, Cost: cost, Since: p.rowsSince(tasks, svcs),
		Run: func(ctx context.Context, _ func(any)) (any, error) {
			var out portRows
			var err error
			var fails []model.Failure
			// A part another page described within the interval (all of
			// it) is taken from the store rather than described again.
			if ts, _, ok := knownFresh(ctx, taskShelf, tasks, interval); ok {
				out.tasks, out.tasksReused = ts, true
			} else if len(tasks) > 0 {
				if out.tasks, fails, err = b.DescribeTasks(ctx, cluster, tasks); err != nil {
					return nil, err
				}
				out.fails = append(out.fails, fails...)
			}
			if len(out.tasks) > 0 {
				var missing []string
				for _, t := range out.tasks {
					if _, ok := known[t.TaskDefinitionARN]; !ok && t.TaskDefinitionARN != "" && !slices.Contains(missing, t.TaskDefinitionARN) {
						missing = append(missing, t.TaskDefinitionARN)
					}
				}
				// A new task of a deployment runs a revision the gathering
				// did not read (the adapter keeps revisions for good).
				if out.tds, err = gather.TaskDefinitions(ctx, b, missing); err != nil {
					return nil, err
				}
			}
			if ss, _, ok := knownFresh(ctx, svcShelf, svcARNs, interval); ok && len(svcARNs) == len(svcs) {
				out.svcs, out.svcsReused = ss, true
			} else if len(svcs) > 0 {
				if out.svcs, fails, err = b.DescribeServices(ctx, cluster, svcs); err != nil {
					return nil, err
				}
				out.fails = append(out.fails, fails...)
			}
			out.health = map[string][]model.TargetHealth{}
			for _, tg := range tgs {
				th, err := b.TargetHealth(ctx, tg)
				if err != nil {
					return nil, err
				}
				out.health[tg] = th
			}
			return out, nil
		},
	}
	return []sched.Need{whole, rows}, true
}

// splitServices splits a row's service field ("a,b" for a shared port).
func splitServices(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// Update adopts each whole gathering (writing what it fetched to the
// store), and joins a refresh of the rows on screen, or of the deploying
// services, with it.
func (p *portMapPage) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	if m, ok := msg.(fetchedMsg); ok && p.watch.mine(m) {
		ids := p.watch.receive(p.env, m)
		for _, id := range ids {
			if !p.hasTask(id) {
				p.wanted[id] = true
			}
		}
		if p.fresh != nil && m.err == nil {
			p.rejoin(portRows{})
		}
		return nil, p.sync()
	}
	if m, ok := msg.(fetchedMsg); ok && m.key != p.key && strings.HasPrefix(m.key, p.key) {
		if m.err != nil {
			p.err = m.err
			return nil, p.sync()
		}
		if d, ok := m.data.(portRows); ok && p.fresh != nil {
			tasks, svcs := p.env.store.tasksOf(p.scope.cluster), p.env.store.servicesOf(p.scope.cluster)
			if !d.tasksReused {
				tasks.put(m.at, d.tasks...)
			}
			if !d.svcsReused {
				svcs.put(m.at, d.svcs...)
			}
			tasks.drop(m.at, missingIDs(d.fails)...)
			for _, t := range d.tasks {
				delete(p.wanted, t.ARN)
			}
			for _, id := range missingIDs(d.fails) {
				delete(p.wanted, id)
			}
			p.rejoin(d)
		}
		return nil, tea.Batch(p.sync(), p.syncWatch())
	}
	np, cmd := p.listPage.Update(msg)
	if m, ok := msg.(fetchedMsg); ok && m.key == p.key && m.err == nil {
		if g := p.gathered.Load(); g != nil && g != p.fresh {
			now := p.env.clock()
			if g.reads != nil {
				g.reads.record(p.scope.cluster, now)
				now = g.reads.oldest(now)
			}
			g.at = now
			p.fresh = g
			cmd = tea.Batch(cmd, p.sync(), p.syncWatch())
		}
	}
	return np, cmd
}

// rowsSince is when the least recently fetched of the tasks and services
// (by name) of a rows refresh was fetched, by this page or another.
func (p *portMapPage) rowsSince(tasks, svcs []string) time.Time {
	var since time.Time
	first := true
	earliest := func(at time.Time) {
		if first || at.Before(since) {
			since, first = at, false
		}
	}
	held := p.env.store.tasksOf(p.scope.cluster).stampedOf(tasks)
	for _, st := range held {
		earliest(st.at)
	}
	if len(held) < len(tasks) {
		earliest(time.Time{}) // a task never fetched: due now
	}
	shelf := p.env.store.servicesOf(p.scope.cluster)
	for _, name := range svcs {
		arn := ""
		for _, s := range p.fresh.g.Input.Services {
			if s.Name == name {
				arn = s.ARN
				break
			}
		}
		earliest(shelf.at(arn))
	}
	return since
}

// hasTask reports whether the last gathering (as refreshed) has a task.
func (p *portMapPage) hasTask(arn string) bool {
	if p.fresh == nil {
		return false
	}
	return slices.ContainsFunc(p.fresh.g.Input.Tasks, func(t model.Task) bool { return t.ARN == arn })
}

// watchNames computes the deploying services the map watches: all of the
// cluster's for a cluster's map, the service's own for a service's, none
// for an instance's.
func (p *portMapPage) watchNames() []string {
	if p.fresh == nil || p.scope.instanceARN != "" {
		p.watch.names = nil
		return nil
	}
	p.watch.watching(p.env, p.fresh.g.Input.Tasks)
	return p.watch.names
}

// syncWatch states the watch's needs while the map is on top and
// refreshed piecemeal (a whole gathering reads every service anyway).
func (p *portMapPage) syncWatch() tea.Cmd {
	_, piecemeal := p.piecemealNeeds()
	return p.watch.sync(p.env, p.visible && piecemeal)
}

// rejoin replaces the refreshed tasks, services, task definitions and
// target health in the last gathering's input, takes the store's newer
// copies of the rest (another page, or the watch, fetched them), and
// joins again.
func (p *portMapPage) rejoin(d portRows) {
	in := p.fresh.g.Input
	in.Tasks = replaceBy(in.Tasks, d.tasks, func(t model.Task) string { return t.ARN })
	in.Services = replaceBy(in.Services, d.svcs, func(s model.Service) string { return s.ARN })
	in.Tasks = newerOf(p.env.store.tasksOf(p.scope.cluster), in.Tasks)
	in.Services = newerOf(p.env.store.servicesOf(p.scope.cluster), in.Services)
	if len(d.tds) > 0 {
		tds := maps.Clone(in.TaskDefinitions)
		if tds == nil {
			tds = map[string]model.TaskDefinition{}
		}
		maps.Copy(tds, d.tds)
		in.TaskDefinitions = tds
	}
	if len(d.health) > 0 {
		var th []model.TargetHealth
		for _, h := range in.TargetHealth {
			if _, ok := d.health[h.TargetGroupARN]; !ok {
				th = append(th, h)
			}
		}
		for tg, hs := range d.health {
			for _, h := range hs {
				if h.TargetGroupARN == "" {
					h.TargetGroupARN = tg
				}
				th = append(th, h)
			}
		}
		in.TargetHealth = th
	}
	p.fresh.g.Input = in
	pm := narrow(model.BuildPortMap(in), p.scope, p.fresh.insts)
	p.items, p.meta = pm.Rows, pm
	p.lastOK = p.env.now()
	p.rebuildRows()
	p.SetSize(p.width, p.height)
}

// newerOf returns items with the store's copy of each in its place (the
// store holds everything the page fetched, and anything fetched since).
func newerOf[T any](s *shelf[T], items []T) []T {
	out := make([]T, len(items))
	for i, it := range items {
		out[i] = it
		if v, _, ok := s.get(s.id(it)); ok {
			out[i] = v
		}
	}
	return out
}

// replaceBy returns items with those of fresh (by id) in their place; a
// fresh item not among items is added, since the describe found it.
func replaceBy[T any](items, fresh []T, id func(T) string) []T {
	if len(fresh) == 0 {
		return items
	}
	byID := make(map[string]T, len(fresh))
	for _, f := range fresh {
		byID[id(f)] = f
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		if f, ok := byID[id(it)]; ok {
			out = append(out, f)
			delete(byID, id(it))
			continue
		}
		out = append(out, it)
	}
	for _, f := range fresh {
		if _, ok := byID[id(f)]; ok {
			out = append(out, f)
		}
	}
	return out
}

// RefreshState says, once the map is refreshed piecemeal, how old the last
// whole gathering is (the rows off screen).
func (p *portMapPage) RefreshState() refreshState {
	s := p.listPage.RefreshState()
	if p.fresh != nil {
		if _, piecemeal := p.piecemealNeeds(); piecemeal {
			s.Oldest = p.fresh.at
		}
	}
	return s
}

// Shown takes what other pages fetched while the map was covered; a large
// map does not start a whole gathering for it (the rows on screen are due
// by their age, the gathering by its period).
func (p *portMapPage) Shown() tea.Cmd {
	if p.fresh == nil {
		return tea.Batch(p.listPage.Shown(), p.syncWatch())
	}
	p.rejoin(portRows{})
	p.visible = true
	if _, piecemeal := p.piecemealNeeds(); piecemeal {
		return tea.Batch(p.sync(), p.syncWatch())
	}
	return tea.Batch(p.listPage.Shown(), p.syncWatch())
}

func (p *portMapPage) Hidden() {
	p.listPage.Hidden()
	p.env.setNeedsQuiet(p.watch.owner, nil)
}

func (p *portMapPage) Close() {
	p.listPage.Close()
	p.env.dropNeeds(p.watch.owner)
}
