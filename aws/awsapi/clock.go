package awsapi

import (
	"context"
	"time"
)

type nowKey struct{}

// WithNow carries the caller's clock in ctx: the time its run started. A
// console's scheduler may keep a clock of its own (a simulated world's);
// the adapter's caches judge an answer's age by it.
func WithNow(ctx context.Context, at time.Time) context.Context {
	return context.WithValue(ctx, nowKey{}, at)
}

// NowOf is the time WithNow put in ctx, else the wall clock.
func NowOf(ctx context.Context) time.Time {
	if at, ok := ctx.Value(nowKey{}).(time.Time); ok && !at.IsZero() {
		return at
	}
	return time.Now()
}

type uncachedKey struct{}

// Uncached marks a read that must reach AWS, whatever the adapter holds:
// the state a mutation is planned from.
func Uncached(ctx context.Context) context.Context {
	return context.WithValue(ctx, uncachedKey{}, true)
}

// IsUncached reports whether ctx was marked by Uncached.
func IsUncached(ctx context.Context) bool {
	on, _ := ctx.Value(uncachedKey{}).(bool)
	return on
}
