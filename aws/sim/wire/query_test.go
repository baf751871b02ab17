package wire

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/ecstui/ecstui/aws/sim"
)

// TestAutoScaling reads groups and instances over awsQuery.
func TestAutoScaling(t *testing.T) {
	s, c := serve(t, demo(t), Options{}, 1)
	cx := ctx(t)
	out, err := c.asg.DescribeAutoScalingGroups(cx, &autoscaling.DescribeAutoScalingGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AutoScalingGroups) != 2 {
		t.Fatalf("groups = %d, want 2", len(out.AutoScalingGroups))
	}
	g := out.AutoScalingGroups[0]
	if aws.ToString(g.AutoScalingGroupName) == "" || aws.ToString(g.AutoScalingGroupARN) == "" || aws.ToInt32(g.DesiredCapacity) != 6 ||
		len(g.AvailabilityZones) == 0 || len(g.Instances) < 6 {
		t.Fatalf("group decoded incompletely: %+v", g)
	}
	i := g.Instances[0]
	if aws.ToString(i.InstanceId) == "" || i.LifecycleState == "" || aws.ToString(i.AvailabilityZone) == "" || aws.ToString(i.HealthStatus) == "" {
		t.Errorf("instance decoded incompletely: %+v", i)
	}
	ai, err := c.asg.DescribeAutoScalingInstances(cx, &autoscaling.DescribeAutoScalingInstancesInput{InstanceIds: []string{aws.ToString(i.InstanceId)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ai.AutoScalingInstances) != 1 || aws.ToString(ai.AutoScalingInstances[0].AutoScalingGroupName) != aws.ToString(g.AutoScalingGroupName) {
		t.Errorf("DescribeAutoScalingInstances = %+v", ai.AutoScalingInstances)
	}
	p := autoscaling.NewDescribeAutoScalingGroupsPaginator(c.asg, &autoscaling.DescribeAutoScalingGroupsInput{MaxRecords: aws.Int32(1)})
	pages := 0
	for p.HasMorePages() {
		if _, err := p.NextPage(cx); err != nil {
			t.Fatal(err)
		}
		pages++
	}
	if pages != 2 {
		t.Errorf("pages at MaxRecords 1 = %d, want 2", pages)
	}
	if _, err := c.asg.DescribeAutoScalingGroups(cx, &autoscaling.DescribeAutoScalingGroupsInput{MaxRecords: aws.Int32(101)}); code(err) != "ValidationError" {
		t.Errorf("MaxRecords 101: %v", err)
	}
	if _, err := c.asg.TerminateInstanceInAutoScalingGroup(cx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{
		InstanceId: aws.String("i-00000000000000000"), ShouldDecrementDesiredCapacity: aws.Bool(false)}); code(err) != "ValidationError" {
		t.Errorf("terminating an unknown instance: %v", err)
	}
	if got := s.Calls("autoscaling:DescribeAutoScalingGroups"); got != 4 {
		t.Errorf("Calls = %d, want 4", got)
	}
}

// TestEC2DescribeInstances reads hosts over ec2Query with ids, filters and pages.
func TestEC2DescribeInstances(t *testing.T) {
	_, c := serve(t, demo(t), Options{}, 1)
	cx := ctx(t)
	all, err := c.ec2.DescribeInstances(cx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range all.Reservations {
		for _, i := range r.Instances {
			if i.State == nil || i.State.Name == "" || aws.ToString(i.PrivateIpAddress) == "" || i.Placement == nil ||
				aws.ToString(i.Placement.AvailabilityZone) == "" || aws.ToString(i.ImageId) == "" || i.LaunchTime == nil {
				t.Errorf("instance decoded incompletely: %+v", i)
			}
			ids = append(ids, aws.ToString(i.InstanceId))
		}
	}
	if len(ids) < 12 {
		t.Fatalf("instances = %d, want at least 12", len(ids))
	}
	byID, err := c.ec2.DescribeInstances(cx, &ec2.DescribeInstancesInput{InstanceIds: ids[:2]})
	if err != nil {
		t.Fatal(err)
	}
	if len(byID.Reservations) != 2 {
		t.Errorf("by id: %d reservations", len(byID.Reservations))
	}
	running, err := c.ec2.DescribeInstances(cx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"running"}},
		{Name: aws.String("instance-id"), Values: ids[:3]},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(running.Reservations) != 3 {
		t.Errorf("filtered: %d reservations, want 3", len(running.Reservations))
	}
	p := ec2.NewDescribeInstancesPaginator(c.ec2, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	n := 0
	for p.HasMorePages() {
		out, err := p.NextPage(cx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.Reservations)
	}
	if n != len(ids) {
		t.Errorf("paged %d instances, want %d", n, len(ids))
	}
	if _, err := c.ec2.DescribeInstances(cx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0000000000000dead"}}); code(err) != "InvalidInstanceID.NotFound" {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := c.ec2.DescribeInstances(cx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("bogus"), Values: []string{"x"}}}}); code(err) != "InvalidParameterValue" {
		t.Errorf("unknown filter: %v", err)
	}
}

// TestELBv2 reads target groups and target health over awsQuery.
func TestELBv2(t *testing.T) {
	_, c := serve(t, demo(t), Options{}, 1)
	cx := ctx(t)
	tgs, err := c.elb.DescribeTargetGroups(cx, &elbv2.DescribeTargetGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var random string
	for _, tg := range tgs.TargetGroups {
		if aws.ToString(tg.TargetGroupName) == "random" {
			random = aws.ToString(tg.TargetGroupArn)
			if len(tg.LoadBalancerArns) != 1 || aws.ToString(tg.HealthCheckPath) != "/random/" || tg.Port == nil {
				t.Errorf("target group decoded incompletely: %+v", tg)
			}
		}
	}
	if random == "" {
		t.Fatalf("no random target group among %d", len(tgs.TargetGroups))
	}
	th, err := c.elb.DescribeTargetHealth(cx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(random)})
	if err != nil {
		t.Fatal(err)
	}
	// The demo deregistered one random task by hand: 3 targets for 4 tasks.
	if len(th.TargetHealthDescriptions) != 3 {
		t.Fatalf("random targets = %d, want 3", len(th.TargetHealthDescriptions))
	}
	for _, d := range th.TargetHealthDescriptions {
		if !strings.HasPrefix(aws.ToString(d.Target.Id), "i-") || aws.ToInt32(d.Target.Port) < 32768 || d.TargetHealth == nil || d.TargetHealth.State == "" {
			t.Errorf("target decoded incompletely: %+v", d)
		}
	}
	if _, err := c.elb.DescribeTargetHealth(cx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(random + "x")}); code(err) != "TargetGroupNotFound" {
		t.Errorf("unknown target group: %v", err)
	}
}

// TestLargeWorldQueryPaging pages 250 EC2 hosts of the large scenario.
func TestLargeWorldQueryPaging(t *testing.T) {
	w := sim.NewLarge(3, sim.LargeOptions{Services: 10, Tasks: 10, Instances: 250})
	_, c := serve(t, w, Options{}, 1)
	p := ec2.NewDescribeInstancesPaginator(c.ec2, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(100)})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		n += len(out.Reservations)
	}
	if n != 250 || pages != 3 {
		t.Errorf("%d instances in %d pages, want 250 in 3", n, pages)
	}
}
