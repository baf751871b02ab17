package pulse

import (
	"time"

	"github.com/ecstui/ecstui/model"
)

// Where names one cluster of one context and region.
type Where struct {
	Context, Region, Cluster string
}

func (w Where) key() string { return w.Context + "\x00" + w.Region + "\x00" + w.Cluster }

// Memory is what the pulse remembers between two looks at each cluster:
// when each condition that needs a duration was first observed, and when
// each finding first showed. Not safe for concurrent use.
type Memory struct {
	Settings model.PulseSettings
	clusters map[string]*clusterMemory
}

type clusterMemory struct {
	seen  map[string]time.Time // condition → first observed
	first map[string]time.Time // finding key → first shown
}

// NewMemory returns an empty memory evaluating with the given thresholds.
func NewMemory(s model.PulseSettings) *Memory {
	return &Memory{Settings: s, clusters: map[string]*clusterMemory{}}
}

// Evaluate runs the rules over one cluster's data at now, remembers what
// they observed, and returns the cluster's findings with their context,
// region, data age and first-seen time set.
func (m *Memory) Evaluate(w Where, d ClusterData, now time.Time) []model.Finding {
	cm := m.clusters[w.key()]
	if cm == nil {
		cm = &clusterMemory{}
		m.clusters[w.key()] = cm
	}
	in := d.Input
	in.Cluster, in.Now, in.Seen, in.Settings = w.Cluster, now, cm.seen, m.Settings
	res := model.EvaluatePulse(in)
	cm.seen = res.Observed
	for i := range res.Findings {
		f := &res.Findings[i]
		f.Context, f.Region, f.DataAt = w.Context, w.Region, d.At
	}
	cm.first = model.TrackFindings(cm.first, res.Findings, now)
	return res.Findings
}

// Forget drops what is remembered of a cluster (it went away).
func (m *Memory) Forget(w Where) { delete(m.clusters, w.key()) }
