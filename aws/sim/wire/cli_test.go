package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// awsCLI is Debian's AWS CLI v2; another `aws` earlier on PATH may be v1.
const awsCLI = "/usr/bin/aws"

// TestAWSCLI runs the AWS CLI against the simulator with dummy credentials:
// the acceptance check that the wire protocols are the real ones, not just
// what our SDK version happens to accept.
func TestAWSCLI(t *testing.T) {
	if _, err := os.Stat(awsCLI); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: .ci/run installs it (apt-get install awscli)", awsCLI)
		}
		t.Skipf("\n\n*** SKIPPING the AWS CLI compatibility test: %s not found. Run `apt-get install awscli` (Debian's v2). ***\n\n", awsCLI)
	}
	t.Run("life cycle", testCLILifeCycle)
	t.Run("awsvpc and auto scaling", testCLIAwsvpc)
	s := New(demo(t), Options{})
	url := serverURL(t, s)
	c := newClients(url, 1)
	cx := ctx(t)

	// Identifiers the commands need, found with the SDK so that the CLI runs
	// can go in parallel.
	tasks, err := c.ecs.ListTasks(cx, &ecs.ListTasksInput{Cluster: aws.String("playground"), ServiceName: aws.String("auth")})
	if err != nil {
		t.Fatal(err)
	}
	insts, err := c.ecs.ListContainerInstances(cx, &ecs.ListContainerInstancesInput{Cluster: aws.String("playground"), MaxResults: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	tgs, err := c.elb.DescribeTargetGroups(cx, &elbv2.DescribeTargetGroupsInput{Names: []string{"auth"}})
	if err != nil {
		t.Fatal(err)
	}
	tg := aws.ToString(tgs.TargetGroups[0].TargetGroupArn)

	home := t.TempDir()
	tests := []struct {
		args []string
		want []string // JSON keys and values the output must contain
	}{
		{[]string{"ecs", "list-clusters"}, []string{`"clusterArns"`, "cluster/playground", "cluster/prod"}},
		{[]string{"ecs", "list-services", "--cluster", "playground"}, []string{`"serviceArns"`, "service/playground/auth", "service/playground/corkhounds-web"}},
		{[]string{"ecs", "describe-services", "--cluster", "playground", "--services", "auth", "random"},
			[]string{`"serviceName": "auth"`, `"serviceName": "random"`, `"rolloutState": "COMPLETED"`, `"failures": []`}},
		{[]string{"ecs", "list-tasks", "--cluster", "playground", "--service-name", "auth"}, []string{`"taskArns"`, "task/playground/"}},
		{append([]string{"ecs", "describe-tasks", "--cluster", "playground", "--tasks"}, tasks.TaskArns...),
			[]string{`"lastStatus": "RUNNING"`, `"networkBindings"`, `"hostPort"`}},
		{[]string{"ecs", "list-container-instances", "--cluster", "playground"}, []string{`"containerInstanceArns"`, "container-instance/playground/"}},
		{append([]string{"ecs", "describe-container-instances", "--cluster", "playground", "--container-instances"}, insts.ContainerInstanceArns...),
			[]string{`"ec2InstanceId": "i-`, `"remainingResources"`, `"agentVersion"`}},
		{[]string{"ecs", "describe-task-definition", "--task-definition", "automate"},
			[]string{`"family": "automate"`, `"links"`, `"awslogs-group": "ECSLogGroup-automate"`}},
		{[]string{"logs", "filter-log-events", "--log-group-name", "/ecs/playground/auth", "--max-items", "5"},
			[]string{`"events"`, `"logStreamName": "ecs/auth/`, `"eventId"`}},
		{[]string{"autoscaling", "describe-auto-scaling-groups"},
			[]string{`"AutoScalingGroupName": "playground-ecs-asg"`, `"LifecycleState": "InService"`}},
		{[]string{"elbv2", "describe-target-health", "--target-group-arn", tg}, []string{`"TargetHealthDescriptions"`, `"State": "healthy"`}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args[:2], " "), func(t *testing.T) {
			t.Parallel()
			cx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			args := append([]string{"--endpoint-url", url, "--region", "us-east-1", "--output", "json"}, tc.args...)
			cmd := exec.CommandContext(cx, awsCLI, args...)
			cmd.Env = []string{
				"HOME=" + home, "PATH=/usr/bin:/bin",
				"AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_PAGER=",
				"AWS_CONFIG_FILE=" + home + "/config", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/credentials",
				"AWS_EC2_METADATA_DISABLED=true",
			}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("aws %s: %v\n%s", strings.Join(tc.args, " "), err, stderr.String())
			}
			var v map[string]any
			if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("output lacks %s:\n%s", w, trim(stdout.String(), 1500))
				}
			}
			t.Logf("$ aws --endpoint-url %s --region us-east-1 %s\n%s", url, strings.Join(tc.args, " "), trim(stdout.String(), 1200))
		})
	}
}

func trim(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n… (trimmed)"
}
