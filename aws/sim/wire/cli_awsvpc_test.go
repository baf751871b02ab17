package wire

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/sim"
)

// testCLIAwsvpc builds an awsvpc service behind an ip target group with
// the AWS CLI (subnets from describe-subnets, ECS Exec on), reads its
// tasks' network interface addresses back and finds them registered,
// moves it to another subnet, then takes it through Application Auto
// Scaling's life cycle: register a scalable target, put a target tracking
// policy, describe both, suspend, delete the policy and deregister.
func testCLIAwsvpc(t *testing.T) {
	t.Parallel()
	w := sim.New(sim.Options{Seed: 12, Start: time.Now().UTC().Truncate(time.Second)})
	w.SetLogRate(0)
	s := New(w, Options{})
	l := &lifeCycle{t: t, w: w, url: serverURL(t, s), home: t.TempDir()}

	l.aws("ecs", "create-cluster", "--cluster-name", "vpc")
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "vpc-asg", Cluster: "vpc", Size: 3})
	tg := w.AddTargetGroup(sim.TargetGroupSpec{Name: "api-ip", TargetType: "ip", Port: 8080, HealthCheckInterval: 5 * time.Second})

	containers, _ := json.Marshal([]map[string]any{{"name": "api", "image": "api:1.0", "cpu": 256, "memory": 256, "essential": true,
		"portMappings": []map[string]any{{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}}}})
	l.aws("ecs", "register-task-definition", "--family", "api", "--network-mode", "awsvpc",
		"--task-role-arn", "arn:aws:iam::123456789012:role/api", "--container-definitions", string(containers))

	subnets := l.aws("ec2", "describe-subnets")["Subnets"].([]any)
	if len(subnets) != 3 {
		t.Fatalf("%d subnets, want one per zone", len(subnets))
	}
	a, b := str(subnets[0], "SubnetId"), str(subnets[1], "SubnetId")
	zone := map[string]string{}
	for _, sn := range subnets {
		zone[str(sn, "SubnetId")] = str(sn, "AvailabilityZone")
	}

	created := l.aws("ecs", "create-service", "--cluster", "vpc", "--service-name", "api", "--task-definition", "api", "--desired-count", "3",
		"--network-configuration", fmt.Sprintf("awsvpcConfiguration={subnets=[%s,%s],securityGroups=[sg-0a1b2c3d4e5f60718],assignPublicIp=DISABLED}", a, b),
		"--load-balancers", fmt.Sprintf("targetGroupArn=%s,containerName=api,containerPort=8080", tg), "--enable-execute-command")
	want := map[string]any{"serviceName": "api", "enableExecuteCommand": true,
		"networkConfiguration": map[string]any{"awsvpcConfiguration": map[string]any{
			"subnets": []any{a, b}, "securityGroups": []any{"sg-0a1b2c3d4e5f60718"}, "assignPublicIp": "DISABLED"}}}
	l.expect("created service", created["service"], want)

	w.Advance(3 * time.Minute)
	l.aws("ecs", "wait", "services-stable", "--cluster", "vpc", "--services", "api")
	l.expect("service read back", item(l.aws("ecs", "describe-services", "--cluster", "vpc", "--services", "api")["services"], 0), want)
	ips := l.taskAddresses("vpc", "api", []string{a, b}, zone)
	var targets []string
	for _, h := range l.aws("elbv2", "describe-target-health", "--target-group-arn", tg)["TargetHealthDescriptions"].([]any) {
		targets = append(targets, str(h, "Target", "Id"))
		if str(h, "TargetHealth", "State") != "healthy" {
			t.Errorf("target %s is %s", str(h, "Target", "Id"), str(h, "TargetHealth", "State"))
		}
	}
	slices.Sort(targets)
	if !slices.Equal(ips, targets) {
		t.Errorf("ip targets %v, task addresses %v", targets, ips)
	}

	// Another subnet: a new deployment whose tasks' interfaces go there.
	upd := l.aws("ecs", "update-service", "--cluster", "vpc", "--service", "api",
		"--network-configuration", fmt.Sprintf("awsvpcConfiguration={subnets=[%s]}", b))
	if n := len(upd["service"].(map[string]any)["deployments"].([]any)); n != 2 {
		t.Errorf("a network change started %d deployments, want a new one beside the old", n)
	}
	w.Advance(5 * time.Minute)
	l.aws("ecs", "wait", "services-stable", "--cluster", "vpc", "--services", "api")
	l.taskAddresses("vpc", "api", []string{b}, zone)

	// Application Auto Scaling, as a person sets it up by hand.
	rid := "service/vpc/api"
	scope := []string{"--service-namespace", "ecs", "--scalable-dimension", "ecs:service:DesiredCount", "--resource-id", rid}
	l.aws(append([]string{"application-autoscaling", "register-scalable-target", "--min-capacity", "2", "--max-capacity", "6"}, scope...)...)
	policy, _ := json.Marshal(map[string]any{"TargetValue": 60.0, "ScaleOutCooldown": 60, "ScaleInCooldown": 120,
		"PredefinedMetricSpecification": map[string]any{"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
	put := l.aws(append([]string{"application-autoscaling", "put-scaling-policy", "--policy-name", "cpu60", "--policy-type", "TargetTrackingScaling",
		"--target-tracking-scaling-policy-configuration", string(policy)}, scope...)...)
	if !strings.Contains(str(put, "PolicyARN"), "policyName/cpu60") || len(put["Alarms"].([]any)) != 2 {
		t.Errorf("put-scaling-policy: %v", put)
	}
	targetsOut := l.aws("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs", "--resource-ids", rid)
	l.expect("scalable target", targetsOut["ScalableTargets"], []any{map[string]any{"ResourceId": rid, "ScalableDimension": "ecs:service:DesiredCount",
		"MinCapacity": float64(2), "MaxCapacity": float64(6),
		"SuspendedState": map[string]any{"DynamicScalingInSuspended": false, "DynamicScalingOutSuspended": false, "ScheduledScalingSuspended": false}}})
	policies := l.aws("application-autoscaling", "describe-scaling-policies", "--service-namespace", "ecs", "--resource-id", rid)
	l.expect("scaling policy", policies["ScalingPolicies"], []any{map[string]any{"PolicyName": "cpu60", "PolicyType": "TargetTrackingScaling",
		"TargetTrackingScalingPolicyConfiguration": map[string]any{"TargetValue": 60.0, "ScaleOutCooldown": float64(60), "ScaleInCooldown": float64(120),
			"PredefinedMetricSpecification": map[string]any{"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}})
	l.aws(append([]string{"application-autoscaling", "register-scalable-target", "--suspended-state",
		"DynamicScalingInSuspended=true,DynamicScalingOutSuspended=true"}, scope...)...)
	l.expect("suspended", l.aws("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs", "--resource-ids", rid)["ScalableTargets"],
		[]any{map[string]any{"MinCapacity": float64(2), "MaxCapacity": float64(6),
			"SuspendedState": map[string]any{"DynamicScalingInSuspended": true, "DynamicScalingOutSuspended": true, "ScheduledScalingSuspended": false}}})
	l.aws(append([]string{"application-autoscaling", "delete-scaling-policy", "--policy-name", "cpu60"}, scope...)...)
	l.expect("policies left", l.aws("application-autoscaling", "describe-scaling-policies", "--service-namespace", "ecs", "--resource-id", rid)["ScalingPolicies"], []any{})
	l.aws(append([]string{"application-autoscaling", "deregister-scalable-target"}, scope...)...)
	l.expect("targets left", l.aws("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs")["ScalableTargets"], []any{})
	ctx, cancel := cliContext()
	defer cancel()
	if _, errout, err := awsRun(ctx, l.url, l.home, "us-east-1", append([]string{"application-autoscaling", "deregister-scalable-target"}, scope...)...); err == nil ||
		!strings.Contains(errout, "ObjectNotFoundException") {
		t.Errorf("deregistering twice: %v\n%s", err, errout)
	}
}

// taskAddresses reads the running tasks of a service with the CLI and
// checks each has a network interface in one of subnets, in that subnet's
// zone; it returns their private addresses, sorted.
func (l *lifeCycle) taskAddresses(cluster, service string, subnets []string, zone map[string]string) []string {
	l.t.Helper()
	arns := l.aws("ecs", "list-tasks", "--cluster", cluster, "--service-name", service, "--desired-status", "RUNNING")["taskArns"].([]any)
	args := []string{"ecs", "describe-tasks", "--cluster", cluster, "--tasks"}
	for _, a := range arns {
		args = append(args, a.(string))
	}
	var ips []string
	for _, task := range l.aws(args...)["tasks"].([]any) {
		var subnet, ip string
		for _, att := range task.(map[string]any)["attachments"].([]any) {
			if str(att, "type") != "ElasticNetworkInterface" {
				continue
			}
			for _, d := range att.(map[string]any)["details"].([]any) {
				switch str(d, "name") {
				case "subnetId":
					subnet = str(d, "value")
				case "privateIPv4Address":
					ip = str(d, "value")
				}
			}
		}
		if !slices.Contains(subnets, subnet) || ip == "" || str(task, "availabilityZone") != zone[subnet] {
			l.t.Errorf("task %s: interface in %q (%q) in zone %s, want one of %v", str(task, "taskArn"), subnet, ip, str(task, "availabilityZone"), subnets)
		}
		ips = append(ips, ip)
	}
	if len(ips) == 0 {
		l.t.Errorf("no running task of %s", service)
	}
	slices.Sort(ips)
	return ips
}

func cliContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), time.Minute)
}
