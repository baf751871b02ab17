package logs

import (
	"context"

	"golang.org/x/time/rate"
)

// Limiter spaces FilterLogEvents requests at least an interval apart across
// every engine that shares it: CloudWatch Logs allows about 5 requests/s per
// account and region, and several viewers (and a CLI tail) may be open.
type Limiter = limiter

// NewLimiter allows perSecond requests per second (≤ 0: unlimited).
func NewLimiter(perSecond float64) *Limiter { return newLimiter(perSecond) }

// shared is the budget engines share when Options names none: the quota is
// per account and region, so one process must not multiply it by the number
// of open viewers.
var shared = newLimiter(DefaultRequestsPerSec)

// DefaultRequestsPerSec is CloudWatch Logs' FilterLogEvents quota.
const DefaultRequestsPerSec = 5

// limiter is a token bucket of one: requests are spaced evenly, never
// bursting, since a burst is what the quota refuses.
type limiter struct{ lim *rate.Limiter }

func newLimiter(perSecond float64) *limiter {
	if perSecond <= 0 {
		return &limiter{lim: rate.NewLimiter(rate.Inf, 1)}
	}
	return &limiter{lim: rate.NewLimiter(rate.Limit(perSecond), 1)}
}

func (l *limiter) wait(ctx context.Context) error { return l.lim.Wait(ctx) }
