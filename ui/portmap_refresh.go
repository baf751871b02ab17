package ui

import (
	"context"
	"slices"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/sched"
)

// A large cluster's port map (its whole gathering costs more than the
// share's burst of service reads) is refreshed like a large list: the
// bindings on screen every interval — their tasks, their services and the
// health of up to portHotTargetGroups of their target groups, described by
// id and joined again with what the last whole gathering read — while the
// whole gathering runs in the background at what the budget leaves.

// portHotTargetGroups bounds the target health calls of one refresh of the
// rows on screen (ELBv2 at one call per second, every 5 s).
const portHotTargetGroups = 4

// portRows is the answer of a refresh of the rows on screen.
type portRows struct {
	tasks  []model.Task
	svcs   []model.Service
	health map[string][]model.TargetHealth // by target group ARN
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
	var tasks, svcs, tgs []string
	for _, i := range p.tbl.OnScreen() {
		if i >= len(p.items) {
			continue
		}
		r := p.items[i]
		if r.TaskARN != "" && !slices.Contains(tasks, r.TaskARN) {
			tasks = append(tasks, r.TaskARN)
		}
		for _, s := range splitServices(r.Service) {
			if !slices.Contains(svcs, s) {
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
	rows := sched.Need{
		Key:   p.key + "#rows:" + firstNonEmpty(append(slices.Clone(tasks), svcs...)...) + "+" + strconv.Itoa(len(tasks)),
		Class: sched.Visible, Cost: cost, Since: p.fresh.at,
		Run: func(ctx context.Context, _ func(any)) (any, error) {
			var out portRows
			var err error
			if len(tasks) > 0 {
				if out.tasks, _, err = b.DescribeTasks(ctx, cluster, tasks); err != nil {
					return nil, err
				}
			}
			if len(svcs) > 0 {
				if out.svcs, _, err = b.DescribeServices(ctx, cluster, svcs); err != nil {
					return nil, err
				}
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

// Update adopts each whole gathering, and joins a refresh of the rows on
// screen with it.
func (p *portMapPage) Update(msg tea.Msg) (page.Page, tea.Cmd) {
	if m, ok := msg.(fetchedMsg); ok && m.key != p.key && len(m.key) > len(p.key) && m.key[:len(p.key)] == p.key {
		if m.err != nil {
			p.err = m.err
			return nil, p.sync()
		}
		if d, ok := m.data.(portRows); ok && p.fresh != nil {
			p.rejoin(d)
		}
		return nil, p.sync()
	}
	np, cmd := p.listPage.Update(msg)
	if m, ok := msg.(fetchedMsg); ok && m.key == p.key && m.err == nil {
		if g := p.gathered.Load(); g != nil && g != p.fresh {
			g.at = p.env.clock()
			p.fresh = g
			cmd = tea.Batch(cmd, p.sync())
		}
	}
	return np, cmd
}

// rejoin replaces the refreshed tasks, services and target health in the
// last gathering's input and joins again.
func (p *portMapPage) rejoin(d portRows) {
	in := p.fresh.g.Input
	in.Tasks = replaceBy(in.Tasks, d.tasks, func(t model.Task) string { return t.ARN })
	in.Services = replaceBy(in.Services, d.svcs, func(s model.Service) string { return s.ARN })
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
