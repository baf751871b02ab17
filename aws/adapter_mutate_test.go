package aws_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

func TestMutatorsOverHTTP(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.Start(t, sim.NewDemo(1))
	cluster := demoCluster(t, cl)
	svcs, _, err := cl.Services(ctx, cluster, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := svcs[0]

	t.Run("RegisterTaskDefinition keeps what it copies", func(t *testing.T) {
		old, err := cl.TaskDefinition(ctx, svc.TaskDefinitionARN)
		if err != nil {
			t.Fatal(err)
		}
		next, err := cl.RegisterTaskDefinition(ctx, old)
		if err != nil {
			t.Fatal(err)
		}
		if next.Revision <= old.Revision || next.Family != old.Family {
			t.Fatalf("new revision %s after %s", next.FamilyRevision(), old.FamilyRevision())
		}
		if !reflect.DeepEqual(next.Containers, old.Containers) || !reflect.DeepEqual(next.Volumes, old.Volumes) || next.NetworkMode != old.NetworkMode {
			t.Errorf("copy differs:\n old %+v\n new %+v", old.Containers, next.Containers)
		}
		before := srv.Calls("ecs:DescribeTaskDefinition")
		if _, err := cl.TaskDefinition(ctx, next.ARN); err != nil || srv.Calls("ecs:DescribeTaskDefinition") != before {
			t.Errorf("a registered revision is not cached: %v", err)
		}
	})

	t.Run("UpdateService", func(t *testing.T) {
		want := svc.DesiredCount + 1
		minHealthy := 50
		got, err := cl.UpdateService(ctx, model.ServiceUpdate{Cluster: cluster, Service: svc.Name, DesiredCount: &want, MinimumHealthyPercent: &minHealthy})
		if err != nil || got.DesiredCount != want || got.DeploymentConfiguration.MinimumHealthyPercent != 50 {
			t.Fatalf("UpdateService: %+v %v", got.DeploymentConfiguration, err)
		}
	})

	t.Run("StartTask batches of 10 instances", func(t *testing.T) {
		cis, _, err := cl.ContainerInstances(ctx, cluster, model.InstanceActive)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, 0, 2*len(cis))
		for len(ids) < 11 {
			for _, ci := range cis {
				ids = append(ids, ci.ARN)
			}
		}
		srv.ResetCounts()
		tasks, fails, err := cl.StartTask(ctx, model.StartTaskInput{Cluster: cluster, TaskDefinition: svc.TaskDefinitionARN, ContainerInstances: ids})
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks)+len(fails) < len(ids) {
			t.Errorf("%d instances gave %d tasks and %d failures", len(ids), len(tasks), len(fails))
		}
		if got, want := srv.Calls("ecs:StartTask"), (len(ids)+9)/10; got != want {
			t.Errorf("%d StartTask calls for %d instances, want %d", got, len(ids), want)
		}
		stopped, err := cl.StopTask(ctx, cluster, tasks[0].ARN, "test")
		if err != nil || stopped.DesiredStatus != model.StatusStopped {
			t.Fatalf("StopTask: %+v %v", stopped.DesiredStatus, err)
		}
	})

	t.Run("drain and terminate", func(t *testing.T) {
		cis, _, err := cl.ContainerInstances(ctx, cluster, model.InstanceActive)
		if err != nil || len(cis) == 0 {
			t.Fatal(cis, err)
		}
		got, fails, err := cl.UpdateContainerInstancesState(ctx, cluster, []string{cis[0].ARN}, model.InstanceDraining)
		if err != nil || len(fails) > 0 || len(got) != 1 || got[0].Status != model.InstanceDraining {
			t.Fatalf("UpdateContainerInstancesState: %+v %v %v", got, fails, err)
		}
		act, err := cl.TerminateInstanceInAutoScalingGroup(ctx, cis[0].EC2InstanceID, false)
		if err != nil || act.ActivityID == "" {
			t.Fatalf("TerminateInstanceInAutoScalingGroup: %+v %v", act, err)
		}
	})
}
