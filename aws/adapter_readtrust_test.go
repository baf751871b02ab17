package aws_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestServerOrderAndFiltersAreNotTrusted: against an endpoint that ignores
// list filters and sort order, revisions still come newest first and a
// service's tasks are only that service's; an absent deployment
// configuration reads as ECS's defaults, marked as such.
func TestServerOrderAndFiltersAreNotTrusted(t *testing.T) {
	ctx := context.Background()
	w := sim.NewDemo(1)
	ignoring, _ := awstest.StartWith(t, w, awstest.Options{Client: func(c *aws.Config) {
		c.Middleware = append(c.Middleware, awstest.Sparse(1, 0)) // filters and sort ignored, nothing dropped
	}})
	revs, err := ignoring.TaskDefinitionRevisions(ctx, "auth")
	if err != nil || len(revs) < 2 {
		t.Fatalf("revisions %v %v", revs, err)
	}
	nums := make([]int, len(revs))
	for i, arn := range revs {
		nums[i], _ = strconv.Atoi(arn[strings.LastIndexByte(arn, ':')+1:])
		if !strings.Contains(arn, "task-definition/auth:") {
			t.Errorf("revision %s of another family", arn)
		}
	}
	if !slices.IsSortedFunc(nums, func(a, b int) int { return b - a }) {
		t.Errorf("revisions %v are not newest first", nums)
	}
	tasks, _, err := ignoring.Tasks(ctx, "playground", model.TaskFilter{ServiceName: "auth"}, nil)
	if err != nil || len(tasks) == 0 {
		t.Fatalf("tasks %v %v", tasks, err)
	}
	for _, tk := range tasks {
		if tk.ServiceName() != "auth" {
			t.Errorf("task %s of group %q listed under auth", tk.ID, tk.Group)
		}
	}
	draining, _, err := ignoring.ContainerInstances(ctx, "playground", model.InstanceDraining)
	if err != nil || len(draining) != 1 {
		t.Errorf("DRAINING instances %d (%v), want the demo's one", len(draining), err)
	}

	// Every optional field gone: the configuration is ECS's default, said so.
	bare, _ := awstest.StartWith(t, w, awstest.Options{Client: func(c *aws.Config) {
		c.Middleware = append(c.Middleware, awstest.Sparse(2, 1))
	}})
	svcs, _, err := bare.DescribeServices(ctx, "playground", []string{"auth"})
	if err != nil || len(svcs) != 1 {
		t.Fatalf("describe with every optional field left out: %v %v", svcs, err)
	}
	dc := svcs[0].DeploymentConfiguration
	if !dc.Defaulted || dc.MinimumHealthyPercent != 100 || dc.MaximumPercent != 200 || svcs[0].SchedulingStrategy != "REPLICA" {
		t.Errorf("absent configuration read as %+v (%s), want ECS's REPLICA defaults 100/200, marked", dc, svcs[0].SchedulingStrategy)
	}
}
