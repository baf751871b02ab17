package ui

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/pulse"
	"github.com/ecstui/ecstui/ui/sched"
)

// The pulse looks at every cluster of every context at once. Its state
// lives in the root, not in the page, so that what it remembers (how long a
// line has shown, how long a target has drained) survives going to a line's
// service and back, and context switches. Each context (account and region)
// is read through a refresh scheduler of its own, so the pulse spends at
// most the budget share in each, whatever the number of clusters: the
// current context's is the console's (shared with every page), the others
// are the pulse's own, connected when the pulse first shows.

// pulseClustersEvery is how often a source's cluster list is read again.
const pulseClustersEvery = time.Minute

// pulseSource is one context and region the pulse reads.
type pulseSource struct {
	ctx        Context // Region set
	expandAll  bool    // regions: all — add a source per enabled region once connected
	expanding  bool
	env        *env // nil until connected
	own        bool // env is the pulse's own (not the console's current one)
	connecting bool
	err        error // connecting or listing clusters failed
	listed     bool
	clusters   []string
	clusterErr map[string]error
	data       map[string]pulse.ClusterData
	findings   map[string][]model.Finding
}

func (s *pulseSource) id() string { return s.ctx.Name + "@" + s.ctx.Region }

func (s *pulseSource) clustersKey() string { return "pulse:clusters:" + s.id() }

func (s *pulseSource) clusterKey(c string) string { return "pulse:" + s.id() + ":" + c }

// pulseConnectedMsg is the reply to connecting a pulse source.
type pulseConnectedMsg struct {
	src     string
	backend Backend
	err     error
}

// pulseHub is the pulse's state and its reads.
type pulseHub struct {
	r       *root
	owner   uint64 // the needs' owner in every env
	sources []*pulseSource
	mem     *pulse.Memory
	active  bool // the pulse page is on top: its needs are stated
}

func newPulseHub(r *root) *pulseHub {
	h := &pulseHub{r: r, mem: pulse.NewMemory(model.PulseSettings{})}
	r.ids++
	h.owner = r.ids
	for _, c := range r.d.Contexts {
		switch {
		case c.Base != "": // a region switched to, not a configured context
		case len(c.Regions) == 1 && c.Regions[0] == RegionsAll:
			h.sources = append(h.sources, &pulseSource{ctx: c, expandAll: true})
		case len(c.Regions) > 0:
			for _, reg := range c.Regions {
				h.sources = append(h.sources, &pulseSource{ctx: c.inRegion(reg)})
			}
		default:
			h.sources = append(h.sources, &pulseSource{ctx: c})
		}
	}
	return h
}

// pulseRegionsMsg is the reply to listing a regions: all context's regions.
type pulseRegionsMsg struct {
	src     string
	regions []string
	err     error
}

// expand lists the regions of a regions: all context once it is connected.
func (h *pulseHub) expand(s *pulseSource) tea.Cmd {
	if !s.expandAll || s.expanding || s.env == nil {
		return nil
	}
	rr, ok := s.env.backend.(regionReader)
	if !ok {
		s.expandAll = false
		return nil
	}
	s.expanding = true
	id, ctx := s.id(), s.env.ctx
	return func() tea.Msg {
		c, cancel := context.WithTimeout(ctx, connectTimeout)
		defer cancel()
		rs, err := rr.Regions(c)
		return pulseRegionsMsg{src: id, regions: rs, err: err}
	}
}

// regions adds a source for each region of a regions: all context.
func (h *pulseHub) regions(m pulseRegionsMsg) tea.Cmd {
	s := h.source(m.src)
	if s == nil {
		return nil
	}
	s.expanding = false
	if m.err != nil {
		s.err = m.err
		return nil
	}
	s.expandAll = false
	var cmds []tea.Cmd
	for _, reg := range m.regions {
		c := s.ctx.inRegion(reg)
		if reg == s.ctx.Region || h.source((&pulseSource{ctx: c}).id()) != nil {
			continue
		}
		ns := &pulseSource{ctx: c}
		h.sources = append(h.sources, ns)
		if h.active {
			cmds = append(cmds, h.connect(ns))
		}
	}
	return tea.Batch(cmds...)
}

// setCurrent points the current context's source at the console's env: the
// pulse shares its scheduler, so the two never spend the budget twice.
func (h *pulseHub) setCurrent(e *env) {
	for _, s := range h.sources {
		if s.ctx.Name != e.conn.Name {
			if s.env != nil && !s.own && s.env != e {
				s.env = nil // the previous current context: reconnect on demand
			}
			continue
		}
		if s.own && s.env != nil {
			s.env.dropNeeds(h.owner)
			s.env.cancel()
		}
		s.env, s.own, s.connecting, s.err = e, false, false, nil
		if s.ctx.Region == "" {
			s.ctx.Region = e.conn.Region
		}
	}
}

// owns reports whether e is one of the pulse's own envs (its messages are
// the pulse's to route).
func (h *pulseHub) owns(e *env) bool {
	for _, s := range h.sources {
		if s.own && s.env == e {
			return true
		}
	}
	return false
}

// show states the pulse's needs in every env, connecting the sources that
// have none; hide withdraws them.
func (h *pulseHub) show() tea.Cmd {
	h.active = true
	var cmds []tea.Cmd
	for _, s := range h.sources {
		if s.env == nil {
			cmds = append(cmds, h.connect(s))
			continue
		}
		cmds = append(cmds, s.env.setNeeds(h.owner, h.needs(s)), h.expand(s))
	}
	return tea.Batch(cmds...)
}

func (h *pulseHub) hide() {
	h.active = false
	for _, s := range h.sources {
		if s.env != nil {
			s.env.setNeedsQuiet(h.owner, nil)
		}
	}
}

// refresh runs every need of the pulse now (ctrl+r).
func (h *pulseHub) refresh() tea.Cmd {
	var cmds []tea.Cmd
	for _, s := range h.sources {
		if s.env == nil {
			continue
		}
		for _, n := range h.needs(s) {
			s.env.loop.sched.Kick(n.Key)
		}
		cmds = append(cmds, s.env.pump())
	}
	return tea.Batch(cmds...)
}

func (h *pulseHub) connect(s *pulseSource) tea.Cmd {
	if s.connecting {
		return nil
	}
	s.connecting = true
	id, c, connect := s.id(), s.ctx, h.r.d.Connect
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
		defer cancel()
		b, err := connect(ctx, c)
		return pulseConnectedMsg{src: id, backend: b, err: err}
	}
}

func (h *pulseHub) source(id string) *pulseSource {
	for _, s := range h.sources {
		if s.id() == id {
			return s
		}
	}
	return nil
}

// connected installs a source's own env.
func (h *pulseHub) connected(m pulseConnectedMsg) tea.Cmd {
	s := h.source(m.src)
	if s == nil || !s.connecting {
		return nil
	}
	s.connecting = false
	if m.err != nil {
		s.err = m.err
		return nil
	}
	e, err := h.r.newEnv(s.ctx, m.backend)
	if err != nil {
		s.err = err
		return nil
	}
	s.env, s.own, s.err = e, true, nil
	if !h.active {
		return nil
	}
	return tea.Batch(s.env.setNeeds(h.owner, h.needs(s)), h.expand(s))
}

// needs are one source's reads: its cluster list, and each cluster.
func (h *pulseHub) needs(s *pulseSource) []sched.Need {
	reader, ok := s.env.backend.(pulse.Reader)
	if !ok {
		s.err = errNoPulseReader
		return nil
	}
	class := func(loaded bool) sched.Class {
		if loaded {
			return sched.Visible
		}
		return sched.FirstLoad
	}
	out := []sched.Need{{
		Key: s.clustersKey(), Class: class(s.listed), Every: pulseClustersEvery,
		Cost: clustersCost(len(s.clusters)),
		Run: func(ctx context.Context, _ func(any)) (any, error) {
			cs, _, err := reader.Clusters(ctx)
			if err != nil {
				return nil, err
			}
			names := make([]string, 0, len(cs))
			for _, c := range cs {
				names = append(names, c.Name)
			}
			return names, nil
		},
	}}
	now, settings := s.env.now, h.mem.Settings
	for _, c := range s.clusters {
		d, loaded := s.data[c]
		cost := pulse.FirstCost()
		if loaded {
			cost = d.Counts.Cost()
		}
		out = append(out, sched.Need{
			Key: s.clusterKey(c), Class: class(loaded), Cost: sched.Cost(cost),
			Run: func(ctx context.Context, _ func(any)) (any, error) {
				return pulse.ReadCluster(ctx, reader, c, now(), settings)
			},
		})
	}
	return out
}

type pulseError string

func (e pulseError) Error() string { return string(e) }

const errNoPulseReader = pulseError("this backend cannot read what the pulse needs")

// receive takes a reply of one of the pulse's needs; it reports whether it
// was one, and restates the source's needs when its cluster list changed.
func (h *pulseHub) receive(m fetchedMsg) (bool, tea.Cmd) {
	if !strings.HasPrefix(m.key, "pulse:") {
		return false, nil
	}
	for _, s := range h.sources {
		if m.key == s.clustersKey() {
			return true, h.listed(s, m)
		}
		prefix := "pulse:" + s.id() + ":"
		if c, ok := strings.CutPrefix(m.key, prefix); ok {
			h.clusterRead(s, c, m)
			return true, nil
		}
	}
	return false, nil
}

func (h *pulseHub) listed(s *pulseSource, m fetchedMsg) tea.Cmd {
	if m.err != nil {
		s.err = m.err
		return nil
	}
	names, _ := m.data.([]string)
	sort.Strings(names)
	s.err, s.listed = nil, true
	changed := !slices.Equal(names, s.clusters)
	for _, gone := range s.clusters {
		if !slices.Contains(names, gone) {
			delete(s.data, gone)
			delete(s.findings, gone)
			delete(s.clusterErr, gone)
			h.mem.Forget(pulse.Where{Context: s.ctx.Name, Region: s.ctx.Region, Cluster: gone})
		}
	}
	s.clusters = names
	if !changed || !h.active || s.env == nil {
		return nil
	}
	return s.env.setNeeds(h.owner, h.needs(s))
}

func (h *pulseHub) clusterRead(s *pulseSource, cluster string, m fetchedMsg) {
	if s.clusterErr == nil {
		s.clusterErr, s.data, s.findings = map[string]error{}, map[string]pulse.ClusterData{}, map[string][]model.Finding{}
	}
	if m.err != nil {
		s.clusterErr[cluster] = m.err
		return
	}
	d, ok := m.data.(pulse.ClusterData)
	if !ok {
		return
	}
	delete(s.clusterErr, cluster)
	first := false
	if _, seen := s.data[cluster]; !seen {
		first = true
	}
	s.data[cluster] = d
	w := pulse.Where{Context: s.ctx.Name, Region: s.ctx.Region, Cluster: cluster}
	s.findings[cluster] = h.mem.Evaluate(w, d, s.env.now())
	if first && h.active {
		// From now on the cluster is refreshed at its real cost.
		s.env.setNeedsQuiet(h.owner, h.needs(s))
	}
}

// findings are every source's findings, ranked.
func (h *pulseHub) findings() []model.Finding {
	var out []model.Finding
	for _, s := range h.sources {
		for _, c := range s.clusters {
			out = append(out, s.findings[c]...)
		}
	}
	model.RankFindings(out)
	return out
}

// pulseStatus sums up what the pulse has read.
type pulseStatus struct {
	contexts, clusters, loaded int
	oldest, newest             time.Time // the oldest and newest cluster data shown
	problems                   []string  // sources or clusters that could not be read
	connecting                 int
}

func (h *pulseHub) status() pulseStatus {
	var st pulseStatus
	for _, s := range h.sources {
		st.contexts++
		if s.connecting {
			st.connecting++
		}
		if s.err != nil {
			st.problems = append(st.problems, s.ctx.Name+": "+s.err.Error())
		}
		for _, c := range s.clusters {
			st.clusters++
			if d, ok := s.data[c]; ok {
				st.loaded++
				if st.oldest.IsZero() || d.At.Before(st.oldest) {
					st.oldest = d.At
				}
				if d.At.After(st.newest) {
					st.newest = d.At
				}
			}
			if err := s.clusterErr[c]; err != nil {
				st.problems = append(st.problems, s.ctx.Name+"/"+c+": "+err.Error())
			}
		}
	}
	return st
}

// busy reports whether a pulse read is in flight.
func (h *pulseHub) busy() bool {
	for _, s := range h.sources {
		if s.connecting {
			return true
		}
		if s.env == nil {
			continue
		}
		if s.env.loop.sched.State(s.clustersKey()).Running {
			return true
		}
		for _, c := range s.clusters {
			if s.env.loop.sched.State(s.clusterKey(c)).Running {
				return true
			}
		}
	}
	return false
}

// close ends the pulse's own envs (the console quits).
func (h *pulseHub) close() {
	for _, s := range h.sources {
		if s.own && s.env != nil {
			s.env.dropNeeds(h.owner)
			s.env.cancel()
		}
	}
}
