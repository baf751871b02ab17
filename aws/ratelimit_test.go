package aws

import (
	"testing"
	"time"
)

func TestRateLimiterBuckets(t *testing.T) {
	now := time.Unix(0, 0)
	l := newRateLimiter()
	// reserve takes a token of op's bucket at the frozen time if there is
	// one, else reports how long until there will be (spending nothing).
	reserve := func(op string) time.Duration {
		b := l.bucket(op)
		if b == nil {
			return 0
		}
		r := b.ReserveN(now, 1)
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			return d
		}
		return 0
	}
	take := func(op string, n int) (granted int, wait time.Duration) {
		for range n {
			if d := reserve(op); d > 0 {
				return granted, d
			}
			granted++
		}
		return granted, 0
	}
	// The burst is granted at once, then the next call waits one refill.
	// (90 % of AWS's 100 burst and 20/s, see budgetMargin.)
	if n, d := take("DescribeServices", 150); n != 90 || d != time.Second/18 {
		t.Fatalf("service reads: %d granted then wait %v; want 90 and %v", n, d, time.Second/18)
	}
	// ListServices shares the bucket; ListTasks does not.
	if d := reserve("ListServices"); d == 0 {
		t.Error("ListServices does not share the service-read bucket")
	}
	if n, _ := take("ListTasks", 100); n != 90 {
		t.Errorf("task reads got %d of their own burst", n)
	}
	// A second later, 18 more service reads.
	now = now.Add(time.Second)
	if n, _ := take("DescribeServices", 50); n != 18 {
		t.Errorf("after 1s: %d service reads, want 18", n)
	}
	// Operations without a bucket are never held.
	for range 1000 {
		if d := reserve("DescribeLogStreams"); d != 0 {
			t.Fatal("unlimited operation held")
		}
	}
}
