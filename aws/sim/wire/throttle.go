package wire

import (
	"sync"
	"time"
)

// bucketSpec is a token bucket: burst capacity and refill per second.
type bucketSpec struct {
	burst float64
	rate  float64
}

// bucketSpecs follow the published ECS and CloudWatch Logs throttling
// (service, task/instance, cluster and task-definition reads, UpdateService,
// FilterLogEvents); the rest are generous because the product never drives
// them hard.
var bucketSpecs = map[string]bucketSpec{
	"ecs:cluster-read":          {50, 20},
	"ecs:service-read":          {100, 20},
	"ecs:task-read":             {100, 20},
	"ecs:instance-read":         {100, 20},
	"ecs:taskdef-read":          {50, 20},
	"ecs:update-service":        {50, 5},
	"ecs:mutate":                {100, 40},
	"logs:filter":               {10, 5},
	"logs:get":                  {50, 25},
	"logs:describe":             {20, 10},
	"logs:tail":                 {10, 5},
	"autoscaling:read":          {100, 50},
	"autoscaling:mutate":        {50, 20},
	"ec2:read":                  {100, 50},
	"elasticloadbalancing:read": {100, 50},
}

type bucket struct {
	tokens float64
	last   time.Time
}

// limiter holds one token bucket per category, lazily filled.
type limiter struct {
	mu       sync.Mutex
	now      func() time.Time
	disabled bool
	buckets  map[string]*bucket
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, buckets: map[string]*bucket{}}
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
	now := l.now()
	b := l.buckets[category]
	if b == nil {
		b = &bucket{tokens: spec.burst, last: now}
		l.buckets[category] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(spec.burst, b.tokens+el*spec.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
