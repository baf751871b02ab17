package aws_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
)

// demoCluster returns a cluster of the demo world that has services,
// container instances and tasks.
func demoCluster(t *testing.T, cl *aws.Client) string {
	t.Helper()
	cs, _, err := cl.Clusters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ActiveServicesCount > 0 && c.RegisteredContainerInstancesCount > 0 && c.RunningTasksCount > 0 {
			return c.Name
		}
	}
	t.Fatal("demo world has no cluster with services, instances and tasks")
	return ""
}

func TestReadOnlyGuardSendsNothing(t *testing.T) {
	ctx := context.Background()
	one := 1
	mutators := []struct {
		name string
		call func(cl *aws.Client) error
	}{
		{"RegisterTaskDefinition", func(cl *aws.Client) error {
			_, err := cl.RegisterTaskDefinition(ctx, model.TaskDefinition{Family: "x", Containers: []model.ContainerDefinition{{Name: "x", Image: "x"}}})
			return err
		}},
		{"RegisterTaskDefinitionWithImages", func(cl *aws.Client) error {
			_, err := cl.RegisterTaskDefinitionWithImages(ctx, "web:1", map[string]string{"web": "web:2"})
			return err
		}},
		{"UpdateService", func(cl *aws.Client) error {
			_, err := cl.UpdateService(ctx, model.ServiceUpdate{Cluster: "c", Service: "s", DesiredCount: &one})
			return err
		}},
		{"StartTask", func(cl *aws.Client) error {
			_, _, err := cl.StartTask(ctx, model.StartTaskInput{Cluster: "c", TaskDefinition: "x:1", ContainerInstances: []string{"a", "b"}})
			return err
		}},
		{"RunTask", func(cl *aws.Client) error {
			_, _, err := cl.RunTask(ctx, model.RunTaskInput{Cluster: "c", TaskDefinition: "x:1", Count: 1})
			return err
		}},
		{"StopTask", func(cl *aws.Client) error { _, err := cl.StopTask(ctx, "c", "t", "why"); return err }},
		{"UpdateContainerInstancesState", func(cl *aws.Client) error {
			_, _, err := cl.UpdateContainerInstancesState(ctx, "c", []string{"a"}, model.InstanceDraining)
			return err
		}},
		{"TerminateInstanceInAutoScalingGroup", func(cl *aws.Client) error {
			_, err := cl.TerminateInstanceInAutoScalingGroup(ctx, "i-1", false)
			return err
		}},
	}
	cl, srv := awstest.StartReadOnly(t, sim.NewDemo(1))
	if !cl.ReadOnly() {
		t.Fatal("StartReadOnly client does not report read-only")
	}
	for _, m := range mutators {
		t.Run(m.name, func(t *testing.T) {
			err := m.call(cl)
			if aws.KindOf(err) != aws.KindReadOnly {
				t.Fatalf("error %v (kind %v), want read-only", err, aws.KindOf(err))
			}
			// The copy is refused as the AWS operation it would send.
			op := strings.TrimSuffix(m.name, "WithImages")
			if !strings.Contains(err.Error(), op) {
				t.Errorf("message %q does not name %s", err, op)
			}
		})
	}
	if n := srv.MutatingCalls(); n != 0 {
		t.Fatalf("%d mutating calls reached the server", n)
	}
	if c := srv.CallCounts(); len(c) != 0 {
		t.Fatalf("refused operations still sent requests: %v", c)
	}
	// Reads keep working.
	if _, _, err := cl.Clusters(ctx); err != nil {
		t.Fatalf("read-only client cannot read: %v", err)
	}
}

func TestGuardAllowListHoldsOnlyReads(t *testing.T) {
	tests := []struct {
		service, op string
		allowed     bool
	}{
		{"ECS", "DescribeServices", true},
		{"ECS", "ListTasks", true},
		{"ECS", "UpdateService", false},
		{"ECS", "DeleteCluster", false},
		{"ECS", "CreateService", false},
		{"ECS", "ExecuteCommand", false},
		{"CloudWatch Logs", "StartLiveTail", true},
		{"CloudWatch Logs", "PutLogEvents", false},
		{"Auto Scaling", "DescribeAutoScalingInstances", true},
		{"Auto Scaling", "SetDesiredCapacity", false},
		{"EC2", "DescribeInstances", true},
		{"EC2", "TerminateInstances", false},
		{"Elastic Load Balancing v2", "DescribeTargetHealth", true},
		{"Elastic Load Balancing v2", "DeregisterTargets", false},
		{"CloudWatch", "GetMetricData", true},
		{"CloudWatch", "PutMetricAlarm", false},
		{"Application Auto Scaling", "DescribeScalableTargets", true},
		{"Application Auto Scaling", "RegisterScalableTarget", false},
		{"Application Auto Scaling", "PutScalingPolicy", false},
		{"Application Auto Scaling", "DeleteScalingPolicy", false},
		{"STS", "GetCallerIdentity", false}, // unknown services fail closed
	}
	for _, tt := range tests {
		if got := aws.IsReadOperation(tt.service, tt.op); got != tt.allowed {
			t.Errorf("%s %s allowed = %v, want %v", tt.service, tt.op, got, tt.allowed)
		}
	}
}

func TestAccessDeniedNamesTheAction(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		action string
		call   func(cl *aws.Client, cluster string) error
	}{
		{"ecs:DescribeServices", func(cl *aws.Client, c string) error { _, _, err := cl.Services(ctx, c, nil); return err }},
		{"ecs:ListTasks", func(cl *aws.Client, c string) error {
			_, _, err := cl.Tasks(ctx, c, model.TaskFilter{}, nil)
			return err
		}},
		{"ecs:DescribeTaskDefinition", func(cl *aws.Client, c string) error { _, err := cl.TaskDefinition(ctx, "nope:1"); return err }},
		{"ec2:DescribeInstances", func(cl *aws.Client, c string) error { _, err := cl.EC2Instances(ctx, []string{"i-1"}); return err }},
		{"autoscaling:DescribeAutoScalingGroups", func(cl *aws.Client, c string) error { _, err := cl.AutoScalingGroups(ctx, nil); return err }},
		{"elasticloadbalancing:DescribeTargetHealth", func(cl *aws.Client, c string) error { _, err := cl.TargetHealth(ctx, "arn:tg"); return err }},
		{"logs:FilterLogEvents", func(cl *aws.Client, c string) error {
			_, _, err := cl.FilterLogEvents(ctx, model.LogFilter{Group: "g"})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			cl, srv := awstest.Start(t, sim.NewDemo(1))
			cluster := demoCluster(t, cl)
			srv.DenyAction(tt.action)
			err := tt.call(cl, cluster)
			if aws.KindOf(err) != aws.KindAccessDenied {
				t.Fatalf("error %v (kind %v), want access denied", err, aws.KindOf(err))
			}
			if !strings.Contains(err.Error(), "not allowed "+tt.action) {
				t.Errorf("message %q does not name %s", err, tt.action)
			}
		})
	}
}

func TestErrorKinds(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		fault wire.Fault
		want  aws.Kind
	}{
		{"throttled after retries", wire.Fault{Code: "ThrottlingException", Message: "Rate exceeded"}, aws.KindThrottled},
		{"not found", wire.Fault{Code: "ClusterNotFoundException", Message: "Cluster not found."}, aws.KindNotFound},
		{"validation", wire.Fault{Code: "InvalidParameterException", Message: "bad"}, aws.KindValidation},
		{"client exception", wire.Fault{Code: "ClientException", Message: "bad"}, aws.KindValidation},
		{"expired token", wire.Fault{Code: "ExpiredTokenException", Message: "expired"}, aws.KindCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, srv := awstest.StartWith(t, sim.NewDemo(1), awstest.Options{Client: func(c *aws.Config) { c.RetryMaxAttempts = 2 }})
			srv.InjectFault("ecs:ListServices", tt.fault)
			_, _, err := cl.Services(ctx, "x", nil)
			var ae *aws.Error
			if !errors.As(err, &ae) || ae.Kind != tt.want {
				t.Fatalf("error %v (kind %v), want %v", err, aws.KindOf(err), tt.want)
			}
			if ae.Op != "ListServices" || ae.Service != "ecs" || ae.Code != tt.fault.Code {
				t.Errorf("error fields %+v", ae)
			}
			if tt.want == aws.KindThrottled && srv.Calls("ecs:ListServices") != 2 {
				t.Errorf("throttling retried %d times, want 2 attempts", srv.Calls("ecs:ListServices"))
			}
		})
	}
	t.Run("network", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		url := "http://" + ln.Addr().String()
		ln.Close() // nothing listens there any more
		cfg := awstest.Config(url)
		cfg.RetryMaxAttempts = 1
		cl, err := aws.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, _, err = cl.Clusters(cctx)
		if aws.KindOf(err) != aws.KindNetwork || !strings.Contains(err.Error(), "cannot reach the ecs endpoint "+url) ||
			!strings.Contains(err.Error(), "connection refused") {
			t.Fatalf("error %v (kind %v), want network naming %s and the cause", err, aws.KindOf(err), url)
		}
	})
}

func TestDescribeFailuresAreSurfaced(t *testing.T) {
	ctx := context.Background()
	cl, _ := awstest.Start(t, sim.NewDemo(1))
	cluster := demoCluster(t, cl)
	svcs, _, err := cl.Services(ctx, cluster, nil)
	if err != nil || len(svcs) == 0 {
		t.Fatal(svcs, err)
	}
	got, fails, err := cl.DescribeServices(ctx, cluster, []string{svcs[0].Name, "no-such-service"})
	if err != nil || len(got) != 1 || len(fails) != 1 || fails[0].Reason != "MISSING" || !strings.Contains(fails[0].ARN, "no-such-service") {
		t.Fatalf("DescribeServices: %d services, failures %v, %v", len(got), fails, err)
	}
	tasks, fails, err := cl.DescribeTasks(ctx, cluster, []string{"0123456789abcdef0123456789abcdef"})
	if err != nil || len(tasks) != 0 || len(fails) != 1 {
		t.Fatalf("DescribeTasks: %d tasks, failures %v, %v", len(tasks), fails, err)
	}
	cis, fails, err := cl.DescribeContainerInstances(ctx, cluster, []string{"0123456789abcdef0123456789abcdef"})
	if err != nil || len(cis) != 0 || len(fails) != 1 {
		t.Fatalf("DescribeContainerInstances: %d, failures %v, %v", len(cis), fails, err)
	}
}

func TestEnrichmentFailureKeepsTheInstances(t *testing.T) {
	tests := []struct {
		deny       string
		wantReason string
	}{
		{"ec2:DescribeInstances", aws.ReasonEC2Enrichment},
		{"autoscaling:DescribeAutoScalingInstances", aws.ReasonASGEnrichment},
	}
	for _, tt := range tests {
		t.Run(tt.deny, func(t *testing.T) {
			// The expected answer comes from another client: this one must
			// not have the instances' details cached (hostcache.go).
			w := sim.NewDemo(1)
			warm, _ := awstest.Start(t, w)
			cl, srv := awstest.Start(t, w)
			cluster := demoCluster(t, warm)
			want, _, err := warm.ContainerInstances(context.Background(), cluster, "")
			if err != nil {
				t.Fatal(err)
			}
			srv.DenyAction(tt.deny)
			got, fails, err := cl.ContainerInstances(context.Background(), cluster, "")
			if err != nil || len(got) != len(want) {
				t.Fatalf("%d of %d instances, %v", len(got), len(want), err)
			}
			if len(fails) != 1 || fails[0].Reason != tt.wantReason || !strings.Contains(fails[0].Detail, tt.deny) {
				t.Fatalf("failures %v, want one %s naming %s", fails, tt.wantReason, tt.deny)
			}
			for i := range got {
				if tt.wantReason == aws.ReasonEC2Enrichment && (got[i].PrivateIP != "" || got[i].AutoScalingGroup == "") {
					t.Errorf("instance %d: ip %q asg %q", i, got[i].PrivateIP, got[i].AutoScalingGroup)
				}
				if tt.wantReason == aws.ReasonASGEnrichment && (got[i].PrivateIP == "" || got[i].AutoScalingGroup != "") {
					t.Errorf("instance %d: ip %q asg %q", i, got[i].PrivateIP, got[i].AutoScalingGroup)
				}
			}
		})
	}
}

func TestTaskDefinitionCache(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.Start(t, sim.NewDemo(1))
	cluster := demoCluster(t, cl)
	svcs, _, err := cl.Services(ctx, cluster, nil)
	if err != nil {
		t.Fatal(err)
	}
	arn := svcs[0].TaskDefinitionARN
	calls := func() int { return srv.Calls("ecs:DescribeTaskDefinition") }

	td, err := cl.TaskDefinition(ctx, arn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.TaskDefinition(ctx, arn); err != nil || calls() != 1 {
		t.Fatalf("same ARN twice: %d calls, %v", calls(), err)
	}
	if again, err := cl.TaskDefinition(ctx, td.FamilyRevision()); err != nil || calls() != 1 || again.ARN != arn {
		t.Fatalf("family:revision of a cached ARN: %d calls, %v", calls(), err)
	}
	// A bare family means "latest ACTIVE", which can change: never cached.
	for range 2 {
		if _, err := cl.TaskDefinition(ctx, td.Family); err != nil {
			t.Fatal(err)
		}
	}
	if calls() != 3 {
		t.Fatalf("bare family twice: %d calls in total, want 3", calls())
	}
}

func TestEnrichmentSkipsInstancesEC2NoLongerKnows(t *testing.T) {
	// The expected answer comes from another client: this one must not have
	// the instances' details cached (hostcache.go).
	w := sim.NewDemo(1)
	warm, _ := awstest.Start(t, w)
	cl, srv := awstest.Start(t, w)
	cluster := demoCluster(t, warm)
	want, _, err := warm.ContainerInstances(context.Background(), cluster, "")
	if err != nil || len(want) < 2 {
		t.Fatal(want, err)
	}
	gone := want[0].EC2InstanceID
	srv.InjectFault("ec2:DescribeInstances", wire.Fault{Code: "InvalidInstanceID.NotFound",
		Message: "The instance IDs '" + gone + "' do not exist", Times: 1})
	srv.ResetCounts()
	got, fails, err := cl.ContainerInstances(context.Background(), cluster, "")
	if err != nil || len(fails) > 0 || len(got) != len(want) {
		t.Fatalf("%d of %d instances, failures %v, %v", len(got), len(want), fails, err)
	}
	if got[0].PrivateIP != "" {
		t.Errorf("the vanished instance got an IP %q", got[0].PrivateIP)
	}
	for _, ci := range got[1:] {
		if ci.PrivateIP == "" {
			t.Errorf("%s lost its IP", ci.EC2InstanceID)
		}
	}
	if n := srv.Calls("ec2:DescribeInstances"); n != 2 {
		t.Errorf("%d DescribeInstances calls, want 2 (the failed one and the retry without %s)", n, gone)
	}
}

func TestTargetGroupsSkipADeletedOne(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.Start(t, sim.NewDemo(1))
	cluster := demoCluster(t, cl)
	svcs, _, err := cl.Services(ctx, cluster, nil)
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, s := range svcs {
		for _, lb := range s.LoadBalancers {
			arns = append(arns, lb.TargetGroupARN)
		}
	}
	if len(arns) == 0 {
		t.Fatal("demo cluster has no target groups")
	}
	gone := "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/deleted/0123456789abcdef"
	tests := []struct {
		name string
		arns []string
		want int
	}{
		{"all present", arns, len(arns)},
		{"one deleted among them", append([]string{gone}, arns...), len(arns)},
		{"only a deleted one", []string{gone}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetCounts()
			tgs, err := cl.TargetGroups(ctx, tt.arns)
			if err != nil || len(tgs) != tt.want {
				t.Fatalf("%d target groups, %v; want %d", len(tgs), err, tt.want)
			}
		})
	}
}

// TestSteadyStateCallsAreNotRetried: a call marked awsapi.WithoutRetries
// (a refresh the console's scheduler makes) is sent once when AWS throttles
// it, and still reports the throttle as such; other calls keep the retryer.
func TestSteadyStateCallsAreNotRetried(t *testing.T) {
	cl, srv := awstest.StartWith(t, sim.NewDemo(1), awstest.Options{})
	srv.InjectFault("ecs:DescribeServices", wire.Fault{Code: "ThrottlingException", Message: "Rate exceeded"})
	_, _, err := cl.DescribeServices(awsapi.WithoutRetries(context.Background()), "playground", []string{"auth"})
	if aws.KindOf(err) != aws.KindThrottled {
		t.Fatalf("error %v (kind %v), want throttled", err, aws.KindOf(err))
	}
	if n := srv.Calls("ecs:DescribeServices"); n != 1 {
		t.Errorf("a steady-state call was sent %d times, want once", n)
	}
	srv.ResetCounts()
	_, _, _ = cl.DescribeServices(context.Background(), "playground", []string{"auth"})
	if n := srv.Calls("ecs:DescribeServices"); n != 3 {
		t.Errorf("an ordinary call was sent %d times, want the retryer's 3 attempts", n)
	}
}
