package aws

import (
	"context"

	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"

	"github.com/ecstui/ecstui/aws/quota"
)

// ECS throttles each category of calls with a token bucket per account and
// region (burst, then a steady refill per second; the table is package
// quota). A listing of a large cluster bursts far past them, and answering
// the resulting throttles with retries wastes calls and can exhaust the
// SDK's retry quota. So the client spends its own copy of the buckets before
// each call and waits when one is empty: calls stay at the minimum and
// nothing is throttled unless other clients share the budget, which the
// retryer still covers.
//
// The client keeps a margin below AWS's numbers: its clock starts a moment
// before the service's, and a throttled attempt retried by the SDK spends
// the service's tokens without passing through here, so running exactly at
// the limit turns small timing jitter into a cascade of throttles.
const budgetMargin = 0.9

// rateLimiter holds the client's copy of the ECS buckets.
type rateLimiter struct {
	buckets map[quota.Bucket]*rate.Limiter
}

func newRateLimiter() *rateLimiter {
	l := &rateLimiter{buckets: map[quota.Bucket]*rate.Limiter{}}
	for b, s := range quota.ECS {
		l.buckets[b] = rate.NewLimiter(rate.Limit(s.Rate*budgetMargin), int(float64(s.Burst)*budgetMargin))
	}
	return l
}

// bucket is op's limiter, nil for operations ECS does not throttle by bucket.
func (l *rateLimiter) bucket(op string) *rate.Limiter { return l.buckets[quota.OfECS(op)] }

// wait blocks until op may be sent or ctx ends.
func (l *rateLimiter) wait(ctx context.Context, op string) error {
	if b := l.bucket(op); b != nil {
		return b.Wait(ctx)
	}
	return nil
}

// middleware runs after the read-only guard, so refused calls spend nothing.
func (l *rateLimiter) middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("ecstuiRateLimit",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if err := l.wait(ctx, middleware.GetOperationName(ctx)); err != nil {
				return middleware.InitializeOutput{}, middleware.Metadata{}, err
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}
