package wire

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecstui/ecstui/aws/sim"
)

// BenchmarkLargeClusterRead measures one full read of the large scenario's
// services and tasks through the SDK: every ListServices/ListTasks page and
// every DescribeServices (10)/DescribeTasks (100) batch, reporting calls.
func BenchmarkLargeClusterRead(b *testing.B) {
	w := sim.NewLarge(1, sim.LargeOptions{})
	s, c := serve(b, w, Options{DisableThrottling: true}, 1)
	cx := b.Context()
	cluster := aws.String("large")
	b.ResetTimer()
	for b.Loop() {
		s.ResetCounts()
		sp := ecs.NewListServicesPaginator(c.ecs, &ecs.ListServicesInput{Cluster: cluster, MaxResults: aws.Int32(100)})
		for sp.HasMorePages() {
			out, err := sp.NextPage(cx)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < len(out.ServiceArns); i += 10 {
				if _, err := c.ecs.DescribeServices(cx, &ecs.DescribeServicesInput{Cluster: cluster, Services: out.ServiceArns[i:min(i+10, len(out.ServiceArns))]}); err != nil {
					b.Fatal(err)
				}
			}
		}
		tp := ecs.NewListTasksPaginator(c.ecs, &ecs.ListTasksInput{Cluster: cluster, MaxResults: aws.Int32(100)})
		for tp.HasMorePages() {
			out, err := tp.NextPage(cx)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.ecs.DescribeTasks(cx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: out.TaskArns}); err != nil {
				b.Fatal(err)
			}
		}
	}
	total := 0
	for _, n := range s.CallCounts() {
		total += n
	}
	b.ReportMetric(float64(total), "calls/read")
}
