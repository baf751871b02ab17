package aws_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/model"
)

const benchLatency = 50 * time.Millisecond

// BenchmarkFullListingLarge lists the large cluster (2,345 services, 5,000
// tasks, 1,000 instances) with 50 ms added to every request, and reports the
// calls made against the API minimum and the wall time against the critical
// path: the chain of list pages, which must be fetched one after another
// because each needs the previous page's token. Goal: ≤ 1.2× that path.
func BenchmarkFullListingLarge(b *testing.B) {
	ctx := context.Background()
	minimum := minimumCalls()
	cases := []struct {
		name  string
		pages int // the longest chain of sequential list pages
		after int // round trips that need the last page's result (describe, EC2 lookup)
		ops   []string
		run   func(cl *aws.Client) error
	}{
		{"services", minimum["ecs:ListServices"], 1, []string{"ecs:ListServices", "ecs:DescribeServices"}, func(cl *aws.Client) error {
			_, _, err := cl.Services(ctx, largeCluster, nil)
			return err
		}},
		{"tasks", minimum["ecs:ListTasks"], 1, []string{"ecs:ListTasks", "ecs:DescribeTasks"}, func(cl *aws.Client) error {
			_, _, err := cl.Tasks(ctx, largeCluster, model.TaskFilter{}, nil)
			return err
		}},
		{"instances", minimum["ecs:ListContainerInstances"], 2, []string{"ecs:ListContainerInstances", "ecs:DescribeContainerInstances",
			"ec2:DescribeInstances", "autoscaling:DescribeAutoScalingInstances"}, func(cl *aws.Client) error {
			_, _, err := cl.ContainerInstances(ctx, largeCluster, "")
			return err
		}},
		{"all", minimum["ecs:ListTasks"], 1, nil, func(cl *aws.Client) error {
			var wg sync.WaitGroup
			errs := make([]error, 3)
			wg.Add(3)
			go func() { defer wg.Done(); _, _, errs[0] = cl.Services(ctx, largeCluster, nil) }()
			go func() { defer wg.Done(); _, _, errs[1] = cl.Tasks(ctx, largeCluster, model.TaskFilter{}, nil) }()
			go func() { defer wg.Done(); _, _, errs[2] = cl.ContainerInstances(ctx, largeCluster, "") }()
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					return err
				}
			}
			return nil
		}},
	}
	w := large()
	// Under ECS's throttle budgets the refill rate, not latency, bounds a
	// listing this large; measured once for the record.
	b.Run("all-within-ecs-budgets", func(b *testing.B) {
		cl, srv := awstest.StartWith(b, w, awstest.Options{Latency: benchLatency, Throttling: true})
		var wall time.Duration
		for b.Loop() {
			srv.ResetCounts()
			start := time.Now()
			if err := cases[len(cases)-1].run(cl); err != nil {
				b.Fatal(err)
			}
			wall = time.Since(start)
		}
		calls := 0
		for _, n := range srv.CallCounts() {
			calls += n
		}
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.Logf("with the simulator's ECS throttle buckets and the client's rate limiter: %d calls (minimum 400), wall %v "+
			"(259 service reads at 100 burst + 20/s need about 8 s whatever the client does)", calls, wall.Round(time.Millisecond))
	})
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			cl, srv := awstest.StartWith(b, w, awstest.Options{Latency: benchLatency})
			minCalls := 0
			for op, n := range minimum {
				if bc.ops == nil || contains(bc.ops, op) {
					minCalls += n
				}
			}
			// A console keeps its client: connections are open before the listing.
			if _, _, err := cl.Clusters(ctx); err != nil {
				b.Fatal(err)
			}
			listPath := time.Duration(bc.pages) * benchLatency
			critical := time.Duration(bc.pages+bc.after) * benchLatency
			var wall time.Duration
			var calls int
			b.ResetTimer()
			for b.Loop() {
				srv.ResetCounts()
				start := time.Now()
				if err := bc.run(cl); err != nil {
					b.Fatal(err)
				}
				wall += time.Since(start)
				calls = 0
				for _, n := range srv.CallCounts() {
					calls += n
				}
			}
			wall /= time.Duration(b.N)
			ratio := float64(wall) / float64(listPath)
			chain := float64(wall) / float64(critical)
			b.ReportMetric(float64(calls), "calls")
			b.ReportMetric(float64(minCalls), "min-calls")
			b.ReportMetric(wall.Seconds(), "wall-s")
			b.ReportMetric(listPath.Seconds(), "list-pages-s")
			b.ReportMetric(ratio, "x-list-pages")
			b.ReportMetric(chain, "x-chain")
			verdict := func(r float64) string {
				if r > 1.2 {
					return "misses"
				}
				return "meets"
			}
			callVerdict := "= minimum"
			if calls != minCalls {
				callVerdict = "ABOVE minimum"
			}
			b.Logf("%-9s %3d calls (minimum %d: %s); wall %v vs %d sequential list pages × %v = %v: %.2f× (goal ≤ 1.20×: %s); "+
				"vs the full dependency chain (+%d round trips after the last page) %v: %.2f× (%s)",
				bc.name, calls, minCalls, callVerdict, wall.Round(time.Millisecond), bc.pages, benchLatency, listPath, ratio, verdict(ratio),
				bc.after, critical, chain, verdict(chain))
		})
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
