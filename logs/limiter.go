package logs

import (
	"context"
	"sync"
	"time"
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

type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newLimiter(perSecond float64) *limiter {
	if perSecond <= 0 {
		return &limiter{}
	}
	return &limiter{interval: time.Duration(float64(time.Second) / perSecond)}
}

func (l *limiter) wait(ctx context.Context) error {
	if l.interval == 0 {
		return ctx.Err()
	}
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
