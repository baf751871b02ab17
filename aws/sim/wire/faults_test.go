package wire

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// oneCallPerService issues one read per service, returning each error by action.
func oneCallPerService(cx context.Context, c clients, tgARN string) map[string]error {
	errs := map[string]error{}
	_, errs["ecs:DescribeServices"] = c.ecs.DescribeServices(cx, &ecs.DescribeServicesInput{Cluster: aws.String("playground"), Services: []string{"auth"}})
	_, errs["logs:FilterLogEvents"] = c.logs.FilterLogEvents(cx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("ECSLogGroup-automate"), Limit: aws.Int32(5)})
	_, errs["autoscaling:DescribeAutoScalingGroups"] = c.asg.DescribeAutoScalingGroups(cx, &autoscaling.DescribeAutoScalingGroupsInput{})
	_, errs["ec2:DescribeInstances"] = c.ec2.DescribeInstances(cx, &ec2.DescribeInstancesInput{})
	_, errs["elasticloadbalancing:DescribeTargetHealth"] = c.elb.DescribeTargetHealth(cx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgARN)})
	return errs
}

func demoTargetGroup(t *testing.T, c clients) string {
	t.Helper()
	out, err := c.elb.DescribeTargetGroups(ctx(t), &elbv2.DescribeTargetGroupsInput{Names: []string{"auth"}})
	if err != nil || len(out.TargetGroups) != 1 {
		t.Fatalf("DescribeTargetGroups auth: %v", err)
	}
	return aws.ToString(out.TargetGroups[0].TargetGroupArn)
}

// TestThrottlingCodes checks each service's throttling error surfaces with
// the code the SDK's retryer recognises, and that a modest injected fraction
// is absorbed by retries.
func TestThrottlingCodes(t *testing.T) {
	w := demo(t)
	s, noRetry := serve(t, w, Options{}, 1)
	tg := demoTargetGroup(t, noRetry)
	s.SetThrottleFraction(1)
	want := map[string]string{
		"ecs:DescribeServices":                      "ThrottlingException",
		"logs:FilterLogEvents":                      "ThrottlingException",
		"autoscaling:DescribeAutoScalingGroups":     "Throttling",
		"ec2:DescribeInstances":                     "RequestLimitExceeded",
		"elasticloadbalancing:DescribeTargetHealth": "Throttling",
	}
	s.ResetCounts()
	for action, err := range oneCallPerService(ctx(t), noRetry, tg) {
		if got := code(err); got != want[action] {
			t.Errorf("%s: code %q (%v), want %q", action, got, err, want[action])
		}
		if s.Calls(action) != 1 {
			t.Errorf("%s: throttled request not counted", action)
		}
	}

	s.SetThrottleFraction(0.3)
	retrying := newClients(serverURL(t, s), 8)
	for range 5 {
		for action, err := range oneCallPerService(ctx(t), retrying, tg) {
			if err != nil {
				t.Errorf("%s with retries: %v", action, err)
			}
		}
	}
}

func serverURL(t *testing.T, s *Server) string {
	url, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return url
}

// TestTokenBuckets freezes the limiter's clock: a burst is served, the next
// request is throttled, and a refill interval restores it.
func TestTokenBuckets(t *testing.T) {
	s, c := serve(t, demo(t), Options{}, 1)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.limits.now = func() time.Time { return now }
	cx := ctx(t)
	call := func() error {
		_, err := c.ecs.DescribeClusters(cx, &ecs.DescribeClustersInput{Clusters: []string{"playground"}})
		return err
	}
	for i := range 50 { // cluster reads: burst 50
		if err := call(); err != nil {
			t.Fatalf("request %d within burst: %v", i, err)
		}
	}
	if err := call(); code(err) != "ThrottlingException" {
		t.Fatalf("request beyond burst: %v", err)
	}
	now = now.Add(100 * time.Millisecond) // refill 20/s: 2 tokens
	for i := range 2 {
		if err := call(); err != nil {
			t.Fatalf("refilled request %d: %v", i, err)
		}
	}
	if err := call(); code(err) != "ThrottlingException" {
		t.Fatalf("request beyond refill: %v", err)
	}
	// Buckets are per category: service reads are untouched.
	if _, err := c.ecs.ListServices(cx, &ecs.ListServicesInput{Cluster: aws.String("playground")}); err != nil {
		t.Fatalf("other bucket: %v", err)
	}

	off, c2 := serve(t, demo(t), Options{DisableThrottling: true}, 1)
	off.limits.now = func() time.Time { return now }
	for i := range 120 {
		if _, err := c2.ecs.DescribeClusters(cx, &ecs.DescribeClustersInput{}); err != nil {
			t.Fatalf("request %d with throttling disabled: %v", i, err)
		}
	}
}

// TestDenyAndFaults checks AccessDenied wording per service and that an
// injected fault applies the given number of times.
func TestDenyAndFaults(t *testing.T) {
	s, c := serve(t, demo(t), Options{}, 1)
	tg := demoTargetGroup(t, c)
	cx := ctx(t)
	for action := range oneCallPerService(cx, c, tg) {
		s.DenyAction(action)
	}
	want := map[string]string{
		"ecs:DescribeServices":                      "AccessDeniedException",
		"logs:FilterLogEvents":                      "AccessDeniedException",
		"autoscaling:DescribeAutoScalingGroups":     "AccessDenied",
		"ec2:DescribeInstances":                     "UnauthorizedOperation",
		"elasticloadbalancing:DescribeTargetHealth": "AccessDenied",
	}
	for action, err := range oneCallPerService(cx, c, tg) {
		if got := code(err); got != want[action] {
			t.Errorf("%s: code %q, want %q", action, got, want[action])
		}
		if err != nil && !strings.Contains(err.Error(), "is not authorized to perform: "+action) {
			t.Errorf("%s: message %v", action, err)
		}
	}
	_, err := c.ecs.DescribeServices(cx, &ecs.DescribeServicesInput{Cluster: aws.String("playground"), Services: []string{"auth"}})
	if err == nil || !strings.Contains(err.Error(), "user/ecstui-demo is not authorized to perform: ecs:DescribeServices on resource: arn:aws:ecs:us-east-1:123456789012:cluster/playground because no identity-based policy allows the ecs:DescribeServices action") {
		t.Errorf("ECS denial wording: %v", err)
	}

	s.InjectFault("ecs:ListServices", Fault{Code: "ServerException", Message: "boom", HTTPStatus: 500, Times: 2})
	for i := range 3 {
		_, err := c.ecs.ListServices(cx, &ecs.ListServicesInput{Cluster: aws.String("playground")})
		if wantErr := i < 2; (code(err) == "ServerException") != wantErr {
			t.Errorf("call %d: err = %v, want fault %v", i, err, wantErr)
		}
	}
	s.InjectFault("ecs:ListClusters", Fault{Code: "ClientException", Message: "no"})
	s.ClearFaults()
	if _, err := c.ecs.ListClusters(cx, &ecs.ListClustersInput{}); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}
}

// TestLatency checks the added delay honours the caller's deadline.
func TestLatency(t *testing.T) {
	s, c := serve(t, demo(t), Options{Latency: time.Hour}, 1)
	cx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.ecs.ListClusters(cx, &ecs.ListClustersInput{}); err == nil {
		t.Fatal("request under an hour of latency returned before its deadline")
	}
	s.SetLatency(0)
	if _, err := c.ecs.ListClusters(ctx(t), &ecs.ListClustersInput{}); err != nil {
		t.Fatal(err)
	}
}

// TestUnknownOperations checks the error each protocol gives for an
// operation the simulator does not serve.
func TestUnknownOperations(t *testing.T) {
	hs := httptest.NewServer(New(demo(t), Options{}))
	defer hs.Close()
	tests := []struct {
		name, target, body, want string
	}{
		{"ecs", "AmazonEC2ContainerServiceV20141113.CreateTaskSet", "{}", `"__type":"UnknownOperationException"`},
		{"logs", "Logs_20140328.PutRetentionPolicy", "{}", `"__type":"UnknownOperationException"`},
		{"autoscaling", "", "Action=DeleteAutoScalingGroup&Version=2011-01-01", "<Code>InvalidAction</Code>"},
		{"ec2", "", "Action=RunInstances&Version=2016-11-15", "<Errors><Error><Code>InvalidAction</Code>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, hs.URL, bytes.NewBufferString(tc.body))
			if tc.target != "" {
				req.Header.Set("X-Amz-Target", tc.target)
				req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			} else {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), tc.want) {
				t.Errorf("status %d body %s", resp.StatusCode, b)
			}
		})
	}
}

// TestListenAndServe checks the helper serves until its context ends and
// reports a bad address.
func TestListenAndServe(t *testing.T) {
	cx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ListenAndServe(cx, "127.0.0.1:0", demo(t), Options{}) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ListenAndServe after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServe did not return after its context ended")
	}
	if err := ListenAndServe(context.Background(), "127.0.0.1:-1", demo(t), Options{}); err == nil {
		t.Error("ListenAndServe on a bad address returned nil")
	}
}
