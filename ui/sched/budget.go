package sched

import (
	"math"
	"time"

	"golang.org/x/time/rate"
)

// budget is one bucket's share, split in two token buckets (golang.org/x/
// time/rate): the Visible part gets the rate its needs spend per interval
// (never more than the share), the sweep the rest. So a sweep step never
// makes what is on screen late, a large sweep run (more calls than the
// burst; it starts when its part is full and leaves it in debt) delays
// only the sweep, and the two together never spend more than the share.
type budget struct {
	base     float64 // the share's calls per second
	burst    int     // the share's burst
	factor   float64 // < 1 after a throttle
	throttle time.Time

	visRate float64
	vis, bg *rate.Limiter
}

// minSweepPart keeps the sweep alive when the Visible needs ask for the
// whole share: it still gets this part of it.
const minSweepPart = 0.1

// newBudget starts both parts full (a new rate.Limiter fills on first use
// when its rate is not zero; split sets the real rates before any spend).
func newBudget(perSecond float64, burst int) *budget {
	return &budget{base: perSecond, burst: burst, factor: 1,
		vis: rate.NewLimiter(rate.Limit(perSecond), burst), bg: rate.NewLimiter(rate.Limit(perSecond), burst)}
}

// rate is the calls per second allowed now (the share, lower after a throttle).
func (b *budget) rate() float64 { return b.base * b.factor }

// split sets the Visible part to visible calls per second (capped).
func (b *budget) split(visible float64, now time.Time) {
	if math.Abs(visible-b.visRate) < 1e-9 {
		return
	}
	b.visRate = visible
	b.apply(now)
}

// apply sets both parts' rates from the share, the factor and the split.
func (b *budget) apply(now time.Time) {
	total := b.rate()
	vis := min(b.visRate, total*(1-minSweepPart))
	b.vis.SetLimitAt(now, rate.Limit(vis))
	b.bg.SetLimitAt(now, rate.Limit(total-vis))
}

func (b *budget) part(background bool) *rate.Limiter {
	if background {
		return b.bg
	}
	return b.vis
}

// affords reports whether the part holds n tokens (a full part for a cost
// above the burst).
func (b *budget) affords(n int, background bool, now time.Time) bool {
	return b.part(background).TokensAt(now) >= float64(min(n, b.burst))-1e-9
}

// spend takes n tokens from the part, leaving it in debt beyond the burst.
func (b *budget) spend(n int, background bool, now time.Time) {
	l := b.part(background)
	for left := n; left > 0; {
		k := min(left, b.burst)
		l.ReserveN(now, k)
		left -= k
	}
}

// fundedAt is the first time from t the part holds n tokens (t itself when
// its rate is zero: the need waits for the split to change).
func (b *budget) fundedAt(n int, background bool, t time.Time) time.Time {
	l := b.part(background)
	want := float64(min(n, b.burst))
	have := l.TokensAt(t)
	lim := float64(l.Limit())
	if have >= want || lim <= 0 {
		return t
	}
	wait := time.Duration((want - have) / lim * float64(time.Second))
	// Round up to a millisecond so the wake-up is never a hair early.
	wait = (wait + time.Millisecond - 1).Truncate(time.Millisecond) + time.Millisecond
	return t.Add(wait)
}
