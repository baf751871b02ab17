package aws_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws"
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

func TestRegisterTaskDefinitionWithImagesOverHTTP(t *testing.T) {
	ctx := context.Background()
	w := sim.NewDemo(1)
	base, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "pair", NetworkMode: "bridge", Containers: []model.ContainerDefinition{
		{Name: "app", Image: "app:1", Memory: 256, Essential: true, Environment: []model.KeyValue{{Name: "MODE", Value: "prod"}},
			PortMappings: []model.PortMapping{{ContainerPort: 8080, Protocol: "tcp"}}},
		{Name: "proxy", Image: "envoy:1.30", Memory: 128, Essential: true, Command: []string{"--config", "/etc/envoy.yaml"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cl, srv := awstest.Start(t, w)
	old, err := cl.TaskDefinition(ctx, base.ARN)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		images  map[string]string
		want    map[string]string // container → image after; nil when refused
		refused string
	}{
		{name: "one container", images: map[string]string{"app": "app:2"}, want: map[string]string{"app": "app:2", "proxy": "envoy:1.30"}},
		{name: "unknown container", images: map[string]string{"worker": "w:1"}, refused: `"worker"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := srv.Calls("ecs:RegisterTaskDefinition")
			next, err := cl.RegisterTaskDefinitionWithImages(ctx, base.ARN, tc.images)
			if tc.refused != "" {
				if aws.KindOf(err) != aws.KindValidation || !strings.Contains(err.Error(), tc.refused) {
					t.Fatalf("error %v (kind %v), want validation naming %s", err, aws.KindOf(err), tc.refused)
				}
				if srv.Calls("ecs:RegisterTaskDefinition") != before {
					t.Error("a refused copy still sent RegisterTaskDefinition")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if next.Family != old.Family || next.Revision <= old.Revision {
				t.Fatalf("new revision %s after %s", next.FamilyRevision(), old.FamilyRevision())
			}
			if len(next.Containers) != len(old.Containers) {
				t.Fatalf("%d containers, want %d", len(next.Containers), len(old.Containers))
			}
			for i, c := range next.Containers {
				if c.Image != tc.want[c.Name] {
					t.Errorf("container %s image %s, want %s", c.Name, c.Image, tc.want[c.Name])
				}
				was := old.Containers[i]
				was.Image = c.Image
				if !reflect.DeepEqual(c, was) {
					t.Errorf("container %s changed beyond its image:\n old %+v\n new %+v", c.Name, was, c)
				}
			}
			if !reflect.DeepEqual(next.Volumes, old.Volumes) || next.NetworkMode != old.NetworkMode || next.Memory != old.Memory {
				t.Errorf("task settings changed: old %+v new %+v", old, next)
			}
		})
	}
}
