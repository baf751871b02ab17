package wire

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/ecstui/ecstui/aws/sim"
)

// TestPutLogEventsReachEveryReader: lines put through the wire come back
// from FilterLogEvents, GetLogEvents and a live tail session.
func TestPutLogEventsReachEveryReader(t *testing.T) {
	w, _ := buildWorld(t)
	s, c := serve(t, w, Options{}, 1)
	s.tailInterval = 20 * time.Millisecond
	cx := ctx(t)
	group, stream := "/app/orders", "web/1"
	if _, err := c.logs.CreateLogGroup(cx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.logs.CreateLogGroup(cx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); code(err) != "ResourceAlreadyExistsException" {
		t.Errorf("second CreateLogGroup: %v", err)
	}
	if _, err := c.logs.CreateLogStream(cx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
		t.Fatal(err)
	}
	tail, err := c.logs.StartLiveTail(cx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{group}})
	if err != nil {
		t.Fatal(err)
	}
	defer tail.GetStream().Close()

	now := w.Now()
	put := func(events ...logtypes.InputLogEvent) *cloudwatchlogs.PutLogEventsOutput {
		t.Helper()
		out, err := c.logs.PutLogEvents(cx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	ev := func(at time.Time, msg string) logtypes.InputLogEvent {
		return logtypes.InputLogEvent{Timestamp: aws.Int64(at.UnixMilli()), Message: aws.String(msg)}
	}
	out := put(ev(now.Add(-time.Second), "order 1 accepted"), ev(now, "order 2 accepted"), ev(now.Add(3*time.Hour), "from the future"))
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooNewLogEventStartIndex) != 2 {
		t.Errorf("rejected = %+v, want the third too new", out.RejectedLogEventsInfo)
	}
	if _, err := c.logs.PutLogEvents(cx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream),
		LogEvents: []logtypes.InputLogEvent{ev(now, "b"), ev(now.Add(-time.Minute), "a")}}); code(err) != "InvalidParameterException" {
		t.Errorf("out of order batch: %v", err)
	}

	filtered, err := c.logs.FilterLogEvents(cx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String("accepted")})
	if err != nil || len(filtered.Events) != 2 || aws.ToString(filtered.Events[0].Message) != "order 1 accepted" {
		t.Errorf("FilterLogEvents = %+v %v", filtered, err)
	}
	got, err := c.logs.GetLogEvents(cx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)})
	if err != nil || len(got.Events) != 2 || aws.ToInt64(got.Events[1].IngestionTime) != now.UnixMilli() {
		t.Errorf("GetLogEvents = %+v %v", got, err)
	}
	seen := map[string]bool{}
	deadline, cancel := context.WithTimeout(cx, 10*time.Second)
	defer cancel()
	for len(seen) < 2 {
		select {
		case e, ok := <-tail.GetStream().Events():
			if !ok {
				t.Fatalf("live tail ended: %v", tail.GetStream().Err())
			}
			if u, ok := e.(*logtypes.StartLiveTailResponseStreamMemberSessionUpdate); ok {
				for _, r := range u.Value.SessionResults {
					seen[aws.ToString(r.Message)] = true
				}
			}
		case <-deadline.Done():
			t.Fatalf("live tail saw %v", seen)
		}
	}

	if _, err := c.logs.DeleteLogGroup(cx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.logs.GetLogEvents(cx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); code(err) != "ResourceNotFoundException" {
		t.Errorf("read of a deleted group: %v", err)
	}
	for _, a := range []string{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DeleteLogGroup"} {
		if !s.Mutating(a) {
			t.Errorf("%s is not counted as mutating", a)
		}
	}
}

func TestLoadBalancersAndTargetGroups(t *testing.T) {
	w, web := buildWorld(t)
	api := w.AddTargetGroup(sim.TargetGroupSpec{Name: "api", LoadBalancer: "web-alb", Tags: map[string]string{"env": "prod"}})
	other := w.AddTargetGroup(sim.TargetGroupSpec{Name: "admin"})
	_, c := serve(t, w, Options{}, 1)
	cx := ctx(t)

	lbs, err := c.elb.DescribeLoadBalancers(cx, &elbv2.DescribeLoadBalancersInput{})
	if err != nil || len(lbs.LoadBalancers) != 2 {
		t.Fatalf("load balancers = %+v %v, want web-alb (shared by web and api) and admin-alb", lbs, err)
	}
	shared := lbs.LoadBalancers[0]
	if aws.ToString(shared.LoadBalancerName) != "web-alb" || shared.State.Code != "active" || !strings.HasSuffix(aws.ToString(shared.DNSName), ".us-east-1.elb.amazonaws.com") {
		t.Errorf("web-alb = %+v", shared)
	}
	tgs, _ := c.elb.DescribeTargetGroups(cx, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{web, api, other}})
	if tgs.TargetGroups[0].LoadBalancerArns[0] != tgs.TargetGroups[1].LoadBalancerArns[0] ||
		tgs.TargetGroups[0].LoadBalancerArns[0] == tgs.TargetGroups[2].LoadBalancerArns[0] {
		t.Errorf("one name, one balancer: %v %v %v", tgs.TargetGroups[0].LoadBalancerArns, tgs.TargetGroups[1].LoadBalancerArns, tgs.TargetGroups[2].LoadBalancerArns)
	}
	byName, err := c.elb.DescribeLoadBalancers(cx, &elbv2.DescribeLoadBalancersInput{Names: []string{"admin-alb"}})
	if err != nil || len(byName.LoadBalancers) != 1 {
		t.Errorf("by name = %+v %v", byName, err)
	}
	if _, err := c.elb.DescribeLoadBalancers(cx, &elbv2.DescribeLoadBalancersInput{Names: []string{"ghost"}}); code(err) != "LoadBalancerNotFound" {
		t.Errorf("unknown name: %v", err)
	}

	ls, err := c.elb.DescribeListeners(cx, &elbv2.DescribeListenersInput{LoadBalancerArn: shared.LoadBalancerArn})
	if err != nil || len(ls.Listeners) != 1 || aws.ToInt32(ls.Listeners[0].Port) != 80 ||
		len(ls.Listeners[0].DefaultActions[0].ForwardConfig.TargetGroups) != 2 {
		t.Fatalf("listeners = %+v %v", ls, err)
	}
	byARN, err := c.elb.DescribeListeners(cx, &elbv2.DescribeListenersInput{ListenerArns: []string{aws.ToString(ls.Listeners[0].ListenerArn)}})
	if err != nil || len(byARN.Listeners) != 1 {
		t.Errorf("listener by ARN = %+v %v", byARN, err)
	}

	tags, err := c.elb.DescribeTags(cx, &elbv2.DescribeTagsInput{ResourceArns: []string{api, aws.ToString(shared.LoadBalancerArn)}})
	if err != nil || len(tags.TagDescriptions) != 2 || len(tags.TagDescriptions[0].Tags) != 1 ||
		aws.ToString(tags.TagDescriptions[0].Tags[0].Value) != "prod" || len(tags.TagDescriptions[1].Tags) != 0 {
		t.Errorf("tags = %+v %v", tags, err)
	}
	attrs, err := c.elb.DescribeTargetGroupAttributes(cx, &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: aws.String(web)})
	if err != nil {
		t.Fatal(err)
	}
	delay := ""
	for _, a := range attrs.Attributes {
		if aws.ToString(a.Key) == "deregistration_delay.timeout_seconds" {
			delay = aws.ToString(a.Value)
		}
	}
	if delay != "10" {
		t.Errorf("deregistration delay = %q, want the simulator's 10 s", delay)
	}
}

func TestScalingActivitiesImagesAndInstanceStatus(t *testing.T) {
	w, _ := buildWorld(t)
	ids := w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 2, AMI: "ami-0123456789abcdef0"})
	_, c := serve(t, w, Options{}, 1)
	cx := ctx(t)

	term, err := c.asg.TerminateInstanceInAutoScalingGroup(cx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{
		InstanceId: aws.String(ids[0]), ShouldDecrementDesiredCapacity: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	w.Advance(2 * time.Minute)
	acts, err := c.asg.DescribeScalingActivities(cx, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("c-asg")})
	if err != nil {
		t.Fatal(err)
	}
	// Newest first: the replacement's launch, the termination, the two first launches.
	if len(acts.Activities) != 4 || !strings.HasPrefix(aws.ToString(acts.Activities[0].Description), "Launching a new EC2 instance") ||
		aws.ToString(acts.Activities[1].ActivityId) != aws.ToString(term.Activity.ActivityId) {
		t.Fatalf("activities = %+v", acts.Activities)
	}
	for _, a := range acts.Activities {
		if a.StatusCode != "Successful" || aws.ToInt32(a.Progress) != 100 || a.EndTime == nil {
			t.Errorf("activity %s: %s %d%% end %v", aws.ToString(a.Description), a.StatusCode, aws.ToInt32(a.Progress), a.EndTime)
		}
	}

	imgs, err := c.ec2.DescribeImages(cx, &ec2.DescribeImagesInput{ImageIds: []string{"ami-0123456789abcdef0"}})
	if err != nil || len(imgs.Images) != 1 || imgs.Images[0].State != ec2types.ImageStateAvailable || !strings.Contains(aws.ToString(imgs.Images[0].Name), "ecs") {
		t.Errorf("images = %+v %v", imgs, err)
	}
	if _, err := c.ec2.DescribeImages(cx, &ec2.DescribeImagesInput{ImageIds: []string{"ami-0000000000000dead"}}); code(err) != "InvalidAMIID.NotFound" {
		t.Errorf("unknown image: %v", err)
	}
	named, err := c.ec2.DescribeImages(cx, &ec2.DescribeImagesInput{Owners: []string{"amazon"},
		Filters: []ec2types.Filter{{Name: aws.String("name"), Values: []string{"al2023-ami-ecs-hvm-*"}}}})
	if err != nil || len(named.Images) != 1 {
		t.Errorf("images by name = %+v %v", named, err)
	}

	st, err := c.ec2.DescribeInstanceStatus(cx, &ec2.DescribeInstanceStatusInput{})
	if err != nil || len(st.InstanceStatuses) != 2 || st.InstanceStatuses[0].InstanceStatus.Status != ec2types.SummaryStatusOk {
		t.Errorf("running instances' status = %+v %v", st, err)
	}
	all, err := c.ec2.DescribeInstanceStatus(cx, &ec2.DescribeInstanceStatusInput{IncludeAllInstances: aws.Bool(true)})
	if err != nil || len(all.InstanceStatuses) != 3 {
		t.Errorf("every instance's status = %+v %v (the terminated one included)", all, err)
	}
}
