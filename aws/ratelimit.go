package aws

import (
	"context"
	"sync"
	"time"

	"github.com/aws/smithy-go/middleware"
)

// ECS throttles each category of calls with a token bucket per account and
// region (burst, then a steady refill per second). A listing of a large
// cluster bursts far past them, and answering the resulting throttles with
// retries wastes calls and can exhaust the SDK's retry quota. So the client
// spends its own copy of the buckets before each call and waits when one is
// empty: calls stay at the minimum and nothing is throttled unless other
// clients share the budget, which the retryer still covers.
//
// The client keeps a margin below AWS's numbers: its clock starts a moment
// before the service's, and a throttled attempt retried by the SDK spends
// the service's tokens without passing through here, so running exactly at
// the limit turns small timing jitter into a cascade of throttles.
const budgetMargin = 0.9

type bucketSpec struct {
	burst float64
	rate  float64 // tokens per second
}

var ecsBucketSpecs = map[string]bucketSpec{
	"cluster-read":   {50, 20},
	"service-read":   {100, 20},
	"task-read":      {100, 20},
	"instance-read":  {100, 20},
	"taskdef-read":   {50, 20},
	"update-service": {50, 5},
}

var ecsBucketOf = map[string]string{
	"ListClusters":               "cluster-read",
	"DescribeClusters":           "cluster-read",
	"ListServices":               "service-read",
	"DescribeServices":           "service-read",
	"ListTasks":                  "task-read",
	"DescribeTasks":              "task-read",
	"ListContainerInstances":     "instance-read",
	"DescribeContainerInstances": "instance-read",
	"ListTaskDefinitions":        "taskdef-read",
	"ListTaskDefinitionFamilies": "taskdef-read",
	"DescribeTaskDefinition":     "taskdef-read",
	"UpdateService":              "update-service",
}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

// rateLimiter holds the client's copy of the ECS buckets.
type rateLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*tokenBucket
}

func newRateLimiter() *rateLimiter {
	return &rateLimiter{now: time.Now, buckets: map[string]*tokenBucket{}}
}

// reserve takes a token of op's bucket if there is one, else reports how
// long until there will be.
func (l *rateLimiter) reserve(op string) time.Duration {
	name, ok := ecsBucketOf[op]
	if !ok {
		return 0
	}
	spec := ecsBucketSpecs[name]
	spec.burst *= budgetMargin
	spec.rate *= budgetMargin
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[name]
	if b == nil {
		b = &tokenBucket{tokens: spec.burst, last: now}
		l.buckets[name] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(spec.burst, b.tokens+el*spec.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / spec.rate * float64(time.Second))
}

// wait blocks until op may be sent or ctx ends.
func (l *rateLimiter) wait(ctx context.Context, op string) error {
	for {
		d := l.reserve(op)
		if d == 0 {
			return nil
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
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
