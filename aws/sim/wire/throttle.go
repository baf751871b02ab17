package wire

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ecstui/ecstui/aws/quota"
)

// bucketSpecs are the buckets the server enforces: ECS's published
// throttling from the one table (package quota), CloudWatch Logs' quotas,
// and generous ones for the rest, which the product never drives hard.
var bucketSpecs = func() map[string]quota.Spec {
	m := map[string]quota.Spec{
		"ecs:mutate":                {Burst: 100, Rate: 40},
		"logs:filter":               {Burst: 10, Rate: 5},
		"logs:get":                  {Burst: 50, Rate: 25},
		"logs:describe":             {Burst: 20, Rate: 10},
		"logs:tail":                 {Burst: 10, Rate: 5},
		"logs:write":                {Burst: 10, Rate: 5},
		"logs:put":                  {Burst: 1600, Rate: 800},
		"autoscaling:read":          {Burst: 100, Rate: 50},
		"autoscaling:mutate":        {Burst: 50, Rate: 20},
		"ec2:read":                  {Burst: 100, Rate: 50},
		"elasticloadbalancing:read": {Burst: 100, Rate: 50},
		// GetMetricData: 50 transactions per second per account and region.
		string(quota.CloudWatchRead):     {Burst: 50, Rate: 50},
		string(quota.AppScalingRead):     {Burst: 50, Rate: 20},
		"application-autoscaling:mutate": {Burst: 20, Rate: 5},
	}
	for b, s := range quota.ECS {
		m[string(b)] = s
	}
	return m
}()

// limiter holds one token bucket per category, made on first use.
type limiter struct {
	mu       sync.Mutex
	now      func() time.Time
	disabled bool
	buckets  map[string]*rate.Limiter
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, buckets: map[string]*rate.Limiter{}}
}

// take spends one token of the category's bucket, reporting false when empty.
// Unknown categories are never throttled.
func (l *limiter) take(category string) bool {
	spec, ok := bucketSpecs[category]
	if !ok {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.disabled {
		return true
	}
	b := l.buckets[category]
	if b == nil {
		b = rate.NewLimiter(rate.Limit(spec.Rate), spec.Burst)
		l.buckets[category] = b
	}
	return b.AllowN(l.now(), 1)
}
