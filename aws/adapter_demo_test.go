package aws_test

import (
	"context"
	"testing"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestDemoWorldOverHTTP reads every kind of resource of the demo world
// through the SDK and the wire server.
func TestDemoWorldOverHTTP(t *testing.T) {
	ctx := context.Background()
	cl, _ := awstest.Start(t, sim.NewDemo(1))
	clusters, fails, err := cl.Clusters(ctx)
	if err != nil || len(fails) > 0 || len(clusters) == 0 {
		t.Fatalf("Clusters: %d, %v, %v", len(clusters), fails, err)
	}
	for _, c := range clusters {
		svcs, fails, err := cl.Services(ctx, c.Name, nil)
		if err != nil || len(fails) > 0 || len(svcs) != c.ActiveServicesCount {
			t.Fatalf("Services(%s): %d of %d, %v, %v", c.Name, len(svcs), c.ActiveServicesCount, fails, err)
		}
		tasks, _, err := cl.Tasks(ctx, c.Name, model.TaskFilter{}, nil)
		if err != nil || len(tasks) != c.RunningTasksCount+c.PendingTasksCount {
			t.Fatalf("Tasks(%s): %d, want %d+%d, %v", c.Name, len(tasks), c.RunningTasksCount, c.PendingTasksCount, err)
		}
		cis, fails, err := cl.ContainerInstances(ctx, c.Name, "")
		if err != nil || len(fails) > 0 {
			t.Fatalf("ContainerInstances(%s): %v %v", c.Name, fails, err)
		}
		for _, ci := range cis {
			if ci.PrivateIP == "" || ci.AutoScalingGroup == "" || ci.AMIID == "" {
				t.Errorf("%s not enriched: ip %q asg %q ami %q", ci.EC2InstanceID, ci.PrivateIP, ci.AutoScalingGroup, ci.AMIID)
			}
		}
		for _, s := range svcs {
			td, err := cl.TaskDefinition(ctx, s.TaskDefinitionARN)
			if err != nil || td.ARN != s.TaskDefinitionARN || len(td.Containers) == 0 {
				t.Fatalf("TaskDefinition(%s): %+v %v", s.TaskDefinitionARN, td, err)
			}
			for _, lb := range s.LoadBalancers {
				tgs, err := cl.TargetGroups(ctx, []string{lb.TargetGroupARN})
				if err != nil || len(tgs) != 1 {
					t.Fatalf("TargetGroups: %v %v", tgs, err)
				}
				if _, err := cl.TargetHealth(ctx, lb.TargetGroupARN); err != nil {
					t.Fatalf("TargetHealth: %v", err)
				}
			}
		}
	}
	fams, err := cl.TaskDefinitionFamilies(ctx)
	if err != nil || len(fams) == 0 {
		t.Fatalf("families %v %v", fams, err)
	}
	revs, err := cl.TaskDefinitionRevisions(ctx, fams[0])
	if err != nil || len(revs) == 0 {
		t.Fatalf("revisions %v %v", revs, err)
	}
	if _, err := cl.AutoScalingGroups(ctx, nil); err != nil {
		t.Fatal(err)
	}
}
