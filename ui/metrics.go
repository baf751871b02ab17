package ui

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/sched"
	"github.com/ecstui/ecstui/ui/theme"
)

// CloudWatch numbers beside services and instances. A page states one
// need for the metrics of what it shows (the rows on screen, or one
// service), refreshed once a minute: CloudWatch's ECS and ALB metrics are
// per minute, and the adapter answers from its cache within a minute and
// asks for every row in one GetMetricData call.

// metricsBackend is the adapter's CloudWatch read, asked for by type:
// a backend without it shows "–" with the reason.
type metricsBackend interface {
	Metrics(ctx context.Context, in model.MetricsRequest) (map[string]model.MetricSeries, error)
}

// scalingBackend is the adapter's Application Auto Scaling read.
type scalingBackend interface {
	ServiceScaling(ctx context.Context, cluster, service string, activities int) (model.ServiceScaling, error)
}

const (
	// metricWindow is the history a sparkline shows.
	metricWindow = time.Hour
	// metricEvery is how often the metrics on screen are refreshed.
	metricEvery = time.Minute
	// scalingEvery is how often a service's autoscaling is re-read: its
	// settings change rarely, its activities about once a minute at most.
	scalingEvery = time.Minute
)

var errNoMetrics = errors.New("this connection cannot read CloudWatch metrics")

// metricsNeed fetches qs (any number: the adapter batches 500 a call).
func metricsNeed(e *env, qs []model.MetricQuery) *sched.Need {
	keys := make([]string, len(qs))
	for i, q := range qs {
		keys[i] = q.Key()
	}
	slices.Sort(keys)
	h := fnv.New64a()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	b, now := e.backend, e.now
	qs = slices.Clone(qs)
	return &sched.Need{
		Key:   fmt.Sprintf("metrics:%x", h.Sum64()),
		Class: sched.FirstLoad,
		Cost:  sched.Cost{quota.CloudWatchRead: pages(len(qs), model.MaxMetricQueries)},
		Every: metricEvery,
		Run: func(ctx context.Context, _ func(any)) (any, error) {
			mb, ok := b.(metricsBackend)
			if !ok {
				return nil, errNoMetrics
			}
			return mb.Metrics(ctx, model.MetricsRequest{Queries: qs, Window: metricWindow, Now: now()})
		},
	}
}

// sideNeed is a page's other periodic data besides its main poller (the
// metrics of the rows on screen, a service's autoscaling), stated while the
// page is shown.
type sideNeed struct {
	env     *env
	owner   uint64
	cur     *sched.Need
	shown   bool
	pending bool // a metricsSyncMsg is on its way
}

func newSideNeed(e *env) *sideNeed { return &sideNeed{env: e, owner: e.nextID(), shown: true} }

func (s *sideNeed) needs() []sched.Need {
	if s.cur == nil || !s.shown {
		return nil
	}
	return []sched.Need{*s.cur}
}

// key is the current need's key ("" when none).
func (s *sideNeed) key() string {
	if s.cur == nil {
		return ""
	}
	return s.cur.Key
}

// set replaces the need; the same key keeps its schedule. A need is a
// first load (at once, outside the share) until its first answer; then a
// Visible refresh (see loaded).
func (s *sideNeed) set(n *sched.Need) tea.Cmd {
	s.cur = n
	return s.env.setNeeds(s.owner, s.needs())
}

// loaded turns the need into a steady refresh after its first answer.
func (s *sideNeed) loaded() {
	if s.cur != nil && s.cur.Class == sched.FirstLoad {
		n := *s.cur
		n.Class = sched.Visible
		s.cur = &n
		s.env.setNeedsQuiet(s.owner, s.needs())
	}
}

func (s *sideNeed) show() tea.Cmd {
	s.shown = true
	return s.env.setNeeds(s.owner, s.needs())
}

func (s *sideNeed) hide() {
	s.shown = false
	s.env.setNeedsQuiet(s.owner, nil)
}

func (s *sideNeed) close() { s.env.dropNeeds(s.owner) }

// metricStore is what a page knows of its metrics: every series received
// (rows scrolled away keep theirs), and the last fetch's error.
type metricStore struct {
	series map[string]model.MetricSeries
	err    error
	tried  bool
}

func (m *metricStore) take(msg fetchedMsg) {
	m.tried = true
	m.err = msg.err
	got, _ := msg.data.(map[string]model.MetricSeries)
	if m.series == nil {
		m.series = map[string]model.MetricSeries{}
	}
	for k, s := range got {
		m.series[k] = s
	}
}

// reading is what to show for q at now. noData says what absence usually
// means for this metric (never shown as 0).
func (m *metricStore) reading(q model.MetricQuery, now time.Time, noData string) model.MetricReading {
	if m == nil || !m.tried {
		return model.MetricReading{Reason: "loading"}
	}
	s, ok := m.series[q.Key()]
	if !ok {
		if m.err != nil {
			return model.MetricReading{Reason: metricErrText(m.err)}
		}
		return model.MetricReading{Reason: "not fetched yet"}
	}
	fresh := 5 * time.Minute // ECS and ALB metrics arrive within a few minutes
	if q.Period >= 5*time.Minute {
		fresh = 3 * q.Period // EC2 basic monitoring: one datapoint per 5 minutes
	}
	return model.ReadingOf(s, now, metricWindow, q.Period, fresh, noData)
}

func metricErrText(err error) string {
	switch awsapi.KindOf(err) {
	case awsapi.KindAccessDenied:
		return "CloudWatch access denied (cloudwatch:GetMetricData): " + clean(err.Error())
	case awsapi.KindThrottled:
		return "CloudWatch is throttling; retrying within a minute"
	}
	return "CloudWatch: " + clean(err.Error())
}

// Why a metric has no datapoint, for the metrics ecstui shows.
const (
	noServiceData  = "no datapoint in the last hour: the service ran no task (new, or scaled to 0)"
	noInstanceMem  = "no datapoint: instance memory needs Container Insights with the CloudWatch agent on the instance"
	noInstanceCPU  = "no datapoint: EC2 publishes CPU every 5 minutes; a new instance has none yet"
	noTraffic      = "no requests in the last hour (no traffic, or no healthy target)"
	noRequestsBase = "no requests to count errors or time against"
	noReservation  = "CloudWatch has no CapacityProviderReservation datapoint yet"
)

// sparkBlocks draw a sparkline, low to high.
var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws values into width cells, each cell the average of its
// share of the values; gaps (NaN) stay blank. Percentages use a fixed
// 0–100 scale (max > 0), anything else its own range.
func sparkline(values []float64, width int, max float64) string {
	if width <= 0 || len(values) == 0 {
		return ""
	}
	cells := make([]float64, width)
	lo, hi := math.Inf(1), math.Inf(-1)
	for c := range cells {
		from, to := c*len(values)/width, (c+1)*len(values)/width
		sum, n := 0.0, 0
		for _, v := range values[from:max0(to, from+1, len(values))] {
			if !math.IsNaN(v) {
				sum += v
				n++
			}
		}
		cells[c] = math.NaN()
		if n > 0 {
			cells[c] = sum / float64(n)
			lo, hi = math.Min(lo, cells[c]), math.Max(hi, cells[c])
		}
	}
	if max > 0 {
		lo, hi = 0, max
	}
	var b strings.Builder
	for _, v := range cells {
		switch {
		case math.IsNaN(v):
			b.WriteRune(' ')
		case hi <= lo:
			b.WriteRune(sparkBlocks[0])
		default:
			i := int(math.Round((v - lo) / (hi - lo) * float64(len(sparkBlocks)-1)))
			b.WriteRune(sparkBlocks[min(max0(i, 0, len(sparkBlocks)-1), len(sparkBlocks)-1)])
		}
	}
	return b.String()
}

// max0 clamps v into [lo, hi].
func max0(v, lo, hi int) int { return min(max(v, lo), hi) }

// pctTone diagnoses a utilisation: 90 % and more is bad, 75 % a warning.
func pctTone(v float64) theme.Tone {
	switch {
	case v >= 90:
		return theme.ToneBad
	case v >= 75:
		return theme.ToneWarn
	}
	return theme.ToneNone
}

// pctCell is a utilisation column: "47% ▃▄▅▅▄▃" or "–".
func pctCell(r model.MetricReading, spark int) (text, sort string, tone theme.Tone) {
	line := sparkline(r.Spark, spark, 100)
	if !r.OK {
		return strings.TrimRight("–  "+line, " "), "", theme.ToneMuted
	}
	return fmt.Sprintf("%3.0f%% %s", r.Value, line), fmt.Sprintf("%08.2f", r.Value), pctTone(r.Value)
}
