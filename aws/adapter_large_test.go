package aws_test

import (
	"context"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// The large cluster: 2,345 services, 5,000 tasks, 1,000 instances.
const (
	largeServices  = 2345
	largeTasks     = 5000
	largeInstances = 1000
	largeCluster   = "large"
)

var (
	largeOnce  sync.Once
	largeWorld *sim.World
)

// large returns the shared large world. Tests only read it.
func large() *sim.World {
	largeOnce.Do(func() {
		largeWorld = sim.NewLarge(1, sim.LargeOptions{Services: largeServices, Tasks: largeTasks, Instances: largeInstances})
	})
	return largeWorld
}

func ceilDiv(n, d int) int { return (n + d - 1) / d }

// minimumCalls is the fewest calls the API limits allow for a full listing
// of the large cluster: list pages of 100, DescribeServices 10 per call,
// DescribeTasks/DescribeContainerInstances 100, DescribeInstances 1000 ids,
// DescribeAutoScalingInstances 50 ids.
func minimumCalls() map[string]int {
	return map[string]int{
		"ecs:ListServices":                         ceilDiv(largeServices, 100),   // 24
		"ecs:DescribeServices":                     ceilDiv(largeServices, 10),    // 235
		"ecs:ListTasks":                            ceilDiv(largeTasks, 100),      // 50
		"ecs:DescribeTasks":                        ceilDiv(largeTasks, 100),      // 50
		"ecs:ListContainerInstances":               ceilDiv(largeInstances, 100),  // 10
		"ecs:DescribeContainerInstances":           ceilDiv(largeInstances, 100),  // 10
		"ec2:DescribeInstances":                    ceilDiv(largeInstances, 1000), // 1
		"autoscaling:DescribeAutoScalingInstances": ceilDiv(largeInstances, 50),   // 20
	}
}

// listAll runs the full listing the console makes of one cluster.
func listAll(t testing.TB, cl *aws.Client) ([]model.Service, []model.Task, []model.ContainerInstance) {
	t.Helper()
	ctx := context.Background()
	var (
		wg                  sync.WaitGroup
		svcs                []model.Service
		tasks               []model.Task
		cis                 []model.ContainerInstance
		errS, errT, errC    error
		failS, failT, failC []model.Failure
	)
	wg.Add(3)
	go func() { defer wg.Done(); svcs, failS, errS = cl.Services(ctx, largeCluster, nil) }()
	go func() { defer wg.Done(); tasks, failT, errT = cl.Tasks(ctx, largeCluster, model.TaskFilter{}, nil) }()
	go func() { defer wg.Done(); cis, failC, errC = cl.ContainerInstances(ctx, largeCluster, "") }()
	wg.Wait()
	for _, err := range []error{errS, errT, errC} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if f := slices.Concat(failS, failT, failC); len(f) > 0 {
		t.Fatalf("unexpected failures: %v", f)
	}
	return svcs, tasks, cis
}

func checkComplete(t *testing.T, w *sim.World, svcs []model.Service, tasks []model.Task, cis []model.ContainerInstance) {
	t.Helper()
	if len(svcs) != largeServices || len(tasks) != largeTasks || len(cis) != largeInstances {
		t.Fatalf("got %d services, %d tasks, %d instances; want %d, %d, %d",
			len(svcs), len(tasks), len(cis), largeServices, largeTasks, largeInstances)
	}
	// Every item, once, in list order.
	wantSvc, _ := w.ListServices(largeCluster)
	for i, s := range svcs {
		if s.ARN != wantSvc[i] {
			t.Fatalf("service %d is %s, list order says %s", i, s.ARN, wantSvc[i])
		}
	}
	wantTasks, _ := w.ListTasks(largeCluster, model.TaskFilter{})
	for i, task := range tasks {
		if task.ARN != wantTasks[i] {
			t.Fatalf("task %d is %s, list order says %s", i, task.ARN, wantTasks[i])
		}
	}
	seen := map[string]bool{}
	for _, ci := range cis {
		if seen[ci.ARN] {
			t.Fatalf("instance %s twice", ci.ARN)
		}
		seen[ci.ARN] = true
		if ci.PrivateIP == "" || ci.AutoScalingGroup == "" || ci.AMIID == "" {
			t.Fatalf("instance %s not enriched: %+v", ci.EC2InstanceID, ci)
		}
	}
}

func TestLargeListingIsCompleteAtTheMinimumCallCount(t *testing.T) {
	t.Parallel()
	w := large()
	cl, srv := awstest.Start(t, w)
	svcs, tasks, cis := listAll(t, cl)
	checkComplete(t, w, svcs, tasks, cis)
	got := srv.CallCounts()
	want := minimumCalls()
	if !maps.Equal(got, want) {
		t.Errorf("calls per operation:\n got  %v\n want %v", got, want)
	}
	for op, n := range want {
		t.Logf("%-42s %4d calls (minimum %d)", op, got[op], n)
	}
}

func TestServicesStreamsEveryBatch(t *testing.T) {
	t.Parallel()
	cl, _ := awstest.Start(t, large())
	var batches, items atomic.Int64
	svcs, _, err := cl.Services(context.Background(), largeCluster, func(b []model.Service) {
		if len(b) == 0 || len(b) > 10 {
			t.Errorf("batch of %d services", len(b))
		}
		batches.Add(1)
		items.Add(int64(len(b)))
	})
	if err != nil {
		t.Fatal(err)
	}
	if batches.Load() != int64(ceilDiv(largeServices, 10)) || items.Load() != int64(len(svcs)) {
		t.Errorf("onBatch saw %d batches / %d services, want %d / %d", batches.Load(), items.Load(), ceilDiv(largeServices, 10), len(svcs))
	}
}

func TestLargeListingUnderThirtyPercentThrottling(t *testing.T) {
	t.Parallel()
	w := large()
	cl, srv := awstest.StartWith(t, w, awstest.Options{Client: func(c *aws.Config) {
		// 0.3^12: no request fails twelve times in a row in practice.
		c.RetryMaxAttempts = 12
		c.NoRetryQuota = true
	}})
	srv.SetThrottleFraction(0.3)
	svcs, tasks, cis := listAll(t, cl)
	checkComplete(t, w, svcs, tasks, cis)
	total, minimum := 0, 0
	for op, n := range minimumCalls() {
		total += srv.Calls(op)
		minimum += n
	}
	if total <= minimum {
		t.Errorf("%d calls for a minimum of %d: the throttling was not injected", total, minimum)
	}
	t.Logf("%d calls under 30%% throttling for a minimum of %d", total, minimum)
}

// TestLargeListingWithinTheThrottleBudget runs the listing against the
// simulator's ECS throttle buckets: the client's own rate limiter keeps every
// call inside the budget, so the listing is complete at exactly the minimum
// call count, with no throttled call to retry. It waits for the buckets to
// refill (about 8 s for 259 service reads at 100 burst + 20/s).
func TestLargeListingWithinTheThrottleBudget(t *testing.T) {
	t.Parallel()
	w := large()
	cl, srv := awstest.StartWith(t, w, awstest.Options{Throttling: true})
	svcs, tasks, cis := listAll(t, cl)
	checkComplete(t, w, svcs, tasks, cis)
	if got, want := srv.CallCounts(), minimumCalls(); !maps.Equal(got, want) {
		t.Errorf("calls per operation under AWS's budgets:\n got  %v\n want %v", got, want)
	}
}

// TestEnrichmentIsCachedByInstanceID: a second listing of the same
// instances asks EC2 and Auto Scaling nothing; only ECS is asked again.
func TestEnrichmentIsCachedByInstanceID(t *testing.T) {
	t.Parallel()
	w := sim.NewLarge(1, sim.LargeOptions{Services: 20, Tasks: 40, Instances: 120})
	cl, srv := awstest.Start(t, w)
	ctx := context.Background()
	first, _, err := cl.ContainerInstances(ctx, largeCluster, "")
	if err != nil {
		t.Fatal(err)
	}
	if srv.Calls("ec2:DescribeInstances") != 1 || srv.Calls("autoscaling:DescribeAutoScalingInstances") != 3 {
		t.Fatalf("first listing: %v", srv.CallCounts())
	}
	srv.ResetCounts()
	again, _, err := cl.ContainerInstances(ctx, largeCluster, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("ec2:DescribeInstances") + srv.Calls("autoscaling:DescribeAutoScalingInstances"); n != 0 {
		t.Errorf("the second listing made %d enrichment calls, want 0: %v", n, srv.CallCounts())
	}
	for i := range again {
		if again[i].PrivateIP != first[i].PrivateIP || again[i].AutoScalingGroup != first[i].AutoScalingGroup || again[i].AMIID == "" {
			t.Fatalf("instance %d enriched differently from cache: %+v vs %+v", i, again[i], first[i])
		}
	}
	srv.ResetCounts()
	if _, _, err := cl.DescribeContainerInstances(ctx, largeCluster, []string{first[0].ARN}); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("ec2:DescribeInstances") + srv.Calls("autoscaling:DescribeAutoScalingInstances"); n != 0 {
		t.Errorf("describing a known instance made %d enrichment calls", n)
	}
}
