package ops

import (
	"context"
	"time"

	"github.com/ecstui/ecstui/model"
)

// metricsReader is CloudWatch as the adapter reads it: answers are cached
// per period, so a drain that gathers its cluster again and again asks at
// most once a minute.
type metricsReader interface {
	Metrics(ctx context.Context, in model.MetricsRequest) (map[string]model.MetricSeries, error)
}

// clock is a reader that keeps its own time (a simulated world).
type clock interface {
	Now() time.Time
}

// reservationFresh is how old the newest datapoint may be: ECS publishes
// one a minute, CloudWatch shows it within a few.
const reservationFresh = 5 * time.Minute

// readReservations reads, in one GetMetricData call, CloudWatch's
// CapacityProviderReservation of each provider with managed scaling. A
// reader without CloudWatch, a failure or no recent datapoint leaves the
// group's Reservation nil: the plan then estimates it from the instances,
// and says so.
func readReservations(ctx context.Context, r any, cluster string, c *Capacity) {
	mr, ok := r.(metricsReader)
	if !ok || c == nil {
		return
	}
	now := time.Now()
	if cl, ok := r.(clock); ok {
		now = cl.Now()
	}
	byKey := map[string]*GroupCapacity{}
	var qs []model.MetricQuery
	for _, g := range c.Groups {
		if !g.ManagedScaling() {
			continue
		}
		q := model.ReservationMetric(model.ResourceID(cluster), g.Provider.Name)
		byKey[q.Key()] = g
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		return
	}
	got, err := mr.Metrics(ctx, model.MetricsRequest{Queries: qs, Window: 10 * time.Minute, Now: now})
	if err != nil && len(got) == 0 {
		return
	}
	for k, g := range byKey {
		rd := model.ReadingOf(got[k], now, 10*time.Minute, model.MetricResolution, reservationFresh, "")
		if rd.OK {
			g.Reservation = &Reservation{Percent: rd.Value, At: rd.At}
		}
	}
}
