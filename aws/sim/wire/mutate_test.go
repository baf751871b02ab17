package wire

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestECSMutations drives every mutating ECS operation through the SDK and
// checks the world changed and the mutation counter saw each request.
func TestECSMutations(t *testing.T) {
	w := demo(t)
	s, c := serve(t, w, Options{}, 1)
	cx := ctx(t)

	reg, err := c.ecs.RegisterTaskDefinition(cx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("random"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("random"), Image: aws.String("srirajan/random:2.0.2"), Cpu: 256, Memory: aws.Int32(256),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(10081), HostPort: aws.Int32(0), Protocol: types.TransportProtocolTcp}},
			LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": "random", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "random"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rev := reg.TaskDefinition
	if rev.Revision < 2 || aws.ToString(rev.Family) != "random" || len(rev.ContainerDefinitions) != 1 {
		t.Fatalf("registered %+v", rev)
	}
	if pm := rev.ContainerDefinitions[0].PortMappings; len(pm) != 1 || aws.ToInt32(pm[0].HostPort) != 0 {
		t.Errorf("port mappings = %+v", pm)
	}

	up, err := c.ecs.UpdateService(cx, &ecs.UpdateServiceInput{Cluster: aws.String("playground"), Service: aws.String("random"),
		TaskDefinition: rev.TaskDefinitionArn, DesiredCount: aws.Int32(5)})
	if err != nil {
		t.Fatal(err)
	}
	if up.Service.DesiredCount != 5 || aws.ToString(up.Service.TaskDefinition) != aws.ToString(rev.TaskDefinitionArn) {
		t.Errorf("updated service: desired %d td %s", up.Service.DesiredCount, aws.ToString(up.Service.TaskDefinition))
	}

	run, err := c.ecs.RunTask(cx, &ecs.RunTaskInput{Cluster: aws.String("prod"), TaskDefinition: aws.String("queue-worker"), Count: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Tasks)+len(run.Failures) == 0 {
		t.Fatalf("RunTask returned neither tasks nor failures")
	}

	insts, err := c.ecs.ListContainerInstances(cx, &ecs.ListContainerInstancesInput{Cluster: aws.String("playground"), Status: types.ContainerInstanceStatusActive})
	if err != nil {
		t.Fatal(err)
	}
	// corkhounds-web holds host port 80 on every ACTIVE playground instance,
	// so StartTask fails per instance with RESOURCE:PORTS.
	st, err := c.ecs.StartTask(cx, &ecs.StartTaskInput{Cluster: aws.String("playground"), TaskDefinition: aws.String("corkhounds-web"),
		ContainerInstances: insts.ContainerInstanceArns[:2]})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Failures) != 2 || aws.ToString(st.Failures[0].Reason) != "RESOURCE:PORTS" {
		t.Errorf("StartTask failures = %+v", st.Failures)
	}

	if len(run.Tasks) > 0 {
		stop, err := c.ecs.StopTask(cx, &ecs.StopTaskInput{Cluster: aws.String("prod"), Task: run.Tasks[0].TaskArn, Reason: aws.String("test")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(stop.Task.DesiredStatus) != "STOPPED" {
			t.Errorf("stopped task desired status = %s", aws.ToString(stop.Task.DesiredStatus))
		}
	}

	drain, err := c.ecs.UpdateContainerInstancesState(cx, &ecs.UpdateContainerInstancesStateInput{Cluster: aws.String("playground"),
		ContainerInstances: insts.ContainerInstanceArns[:1], Status: types.ContainerInstanceStatusDraining})
	if err != nil {
		t.Fatal(err)
	}
	if len(drain.ContainerInstances) != 1 || aws.ToString(drain.ContainerInstances[0].Status) != "DRAINING" {
		t.Errorf("drained = %+v", drain.ContainerInstances)
	}

	asgs, err := c.asg.DescribeAutoScalingGroups(cx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"prod-ecs-asg"}})
	if err != nil {
		t.Fatal(err)
	}
	victim := asgs.AutoScalingGroups[0].Instances[0].InstanceId
	term, err := c.asg.TerminateInstanceInAutoScalingGroup(cx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{
		InstanceId: victim, ShouldDecrementDesiredCapacity: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	if a := term.Activity; a == nil || aws.ToString(a.ActivityId) == "" || !strings.Contains(aws.ToString(a.Description), aws.ToString(victim)) {
		t.Errorf("activity = %+v", term.Activity)
	}

	// A rejected mutation still counts: the read-only guard must keep it from
	// being sent at all.
	_, err = c.ecs.UpdateService(cx, &ecs.UpdateServiceInput{Cluster: aws.String("playground"), Service: aws.String("ghost"), DesiredCount: aws.Int32(1)})
	if code(err) != "ServiceNotFoundException" {
		t.Errorf("update of a missing service: %v", err)
	}
	want := 7
	if len(run.Tasks) > 0 {
		want++
	}
	if got := s.MutatingCalls(); got != want {
		t.Errorf("MutatingCalls = %d, want %d (counts %v)", got, want, s.CallCounts())
	}
	for _, a := range []string{"ecs:UpdateService", "autoscaling:TerminateInstanceInAutoScalingGroup"} {
		if !s.Mutating(a) {
			t.Errorf("Mutating(%s) = false", a)
		}
	}
	if s.Mutating("ecs:DescribeServices") {
		t.Error("DescribeServices counted as mutating")
	}
}
