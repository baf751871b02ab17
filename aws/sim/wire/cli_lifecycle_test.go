package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/schemas"

	"github.com/ecstui/ecstui/aws/awstest/sdkfill"
	"github.com/ecstui/ecstui/aws/sim"
)

// awsRun runs the AWS CLI against url with dummy credentials (and nothing
// of the user's configuration), signing for region.
func awsRun(ctx context.Context, url, home, region string, args ...string) (stdout, stderr string, err error) {
	args = append([]string{"--endpoint-url", url, "--region", region, "--output", "json"}, args...)
	cmd := exec.CommandContext(ctx, awsCLI, args...)
	cmd.Env = []string{
		"HOME=" + home, "PATH=/usr/bin:/bin",
		"AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_PAGER=",
		"AWS_CONFIG_FILE=" + home + "/config", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/credentials",
		"AWS_EC2_METADATA_DISABLED=true",
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// lifeCycle drives a world from nothing to nothing with the AWS CLI, as a
// person building a playground would; every command must exit 0 and every
// read-back equal what was written.
type lifeCycle struct {
	t         *testing.T
	w         *sim.World
	url, home string
}

// aws runs a command that must succeed and returns its JSON output.
func (l *lifeCycle) aws(args ...string) map[string]any {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, errout, err := awsRun(ctx, l.url, l.home, "us-east-1", args...)
	if err != nil {
		l.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, errout)
	}
	l.t.Logf("$ aws %s\n%s", strings.Join(args, " "), trim(out, 600))
	v := map[string]any{}
	if strings.TrimSpace(out) != "" {
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			l.t.Fatalf("aws %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return v
}

// expect checks a read-back: want must be contained in got (every member
// of every object equal; lists of equal length, item by item).
func (l *lifeCycle) expect(what string, got, want any) {
	l.t.Helper()
	if err := contains(got, want, what); err != nil {
		l.t.Errorf("%v", err)
	}
}

func contains(got, want any, path string) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: got %v, want an object", path, got)
		}
		for k, wv := range w {
			if err := contains(g[k], wv, path+"."+k); err != nil {
				return err
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: got %v, want %d items %v", path, got, len(w), w)
		}
		for i := range w {
			if err := contains(g[i], w[i], fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	default:
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
	return nil
}

// within keeps of v only what the skeleton (the CLI's own model, from
// --generate-cli-skeleton) has: the fields this CLI version knows.
func within(v, skeleton any) any {
	switch sk := skeleton.(type) {
	case map[string]any:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		if _, isMap := sk["KeyName"]; isMap && len(sk) == 1 {
			return m // a map: any key goes
		}
		out := map[string]any{}
		for k, e := range m {
			if s, ok := sk[k]; ok {
				out[k] = within(e, s)
			}
		}
		return out
	case []any:
		l, ok := v.([]any)
		if !ok || len(sk) == 0 {
			return v
		}
		out := make([]any, len(l))
		for i, e := range l {
			out[i] = within(e, sk[0])
		}
		return out
	}
	return v
}

// leaves counts the scalar values in a JSON document.
func leaves(v any) int {
	switch x := v.(type) {
	case map[string]any:
		n := 0
		for _, e := range x {
			n += leaves(e)
		}
		return n
	case []any:
		n := 0
		for _, e := range x {
			n += leaves(e)
		}
		return n
	}
	return 1
}

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func str(v any, path ...string) string {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	s, _ := v.(string)
	return s
}

func item(v any, i int) any {
	l, _ := v.([]any)
	if i >= len(l) {
		return nil
	}
	return l[i]
}

func tagsOut(v any) map[string]string {
	out := map[string]string{}
	l, _ := v.([]any)
	for _, e := range l {
		out[str(e, "key")] = str(e, "value")
	}
	return out
}

// testCLILifeCycle: create a cluster, register a fully populated task
// definition, create a service behind a target group, watch it reach steady
// state, put log events and read them back, update it, scale it, tag and
// untag it, delete the service and the cluster.
func testCLILifeCycle(t *testing.T) {
	t.Parallel()
	w := sim.New(sim.Options{Seed: 11, Start: time.Now().UTC().Truncate(time.Second)})
	w.SetLogRate(0)
	s := New(w, Options{})
	l := &lifeCycle{t: t, w: w, url: serverURL(t, s), home: t.TempDir()}

	id := l.aws("sts", "get-caller-identity")
	l.expect("caller identity", id, map[string]any{"Account": "123456789012"})
	regions := l.aws("ec2", "describe-regions")
	l.expect("regions", regions["Regions"], []any{map[string]any{"RegionName": "us-east-1"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, errout, err := awsRun(ctx, l.url, l.home, "eu-west-1", "ecs", "list-clusters"); err == nil || !strings.Contains(errout, "serves us-east-1 only") {
		t.Errorf("a request signed for eu-west-1: %v\n%s", err, errout)
	}

	// Cluster; its instances come from an Auto Scaling group, as a launch
	// template with ECS_CLUSTER=life would register them.
	cl := l.aws("ecs", "create-cluster", "--cluster-name", "life", "--tags", "key=team,value=sre")
	l.expect("created cluster", cl["cluster"], map[string]any{"clusterName": "life", "status": "ACTIVE",
		"tags": []any{map[string]any{"key": "team", "value": "sre"}}})
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "life-asg", Cluster: "life", Size: 2})
	tg := w.AddTargetGroup(sim.TargetGroupSpec{Name: "life-web", HealthCheckInterval: 5 * time.Second})

	// A task definition with every field this CLI knows, generated from the
	// SDK's shape and narrowed to the CLI's model.
	in, err := sdkfill.ECSTaskDefinition("life")
	if err != nil {
		t.Fatal(err)
	}
	full, err := encodeSDK(schemas.RegisterTaskDefinition, schemas.RegisterTaskDefinitionRequest, in)
	if err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel2()
	skel, errout, err := awsRun(ctx2, l.url, l.home, "us-east-1", "ecs", "register-task-definition", "--generate-cli-skeleton", "input")
	if err != nil {
		t.Fatalf("skeleton: %v\n%s", err, errout)
	}
	doc := within(jsonValue(t, full), jsonValue(t, []byte(skel))).(map[string]any)
	if n := leaves(doc); n < 200 {
		t.Fatalf("the task definition has only %d values: not fully populated", n)
	} else {
		t.Logf("registering a task definition of %d values", n)
	}
	tdFile := filepath.Join(l.home, "td.json")
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(tdFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	l.aws("ecs", "register-task-definition", "--cli-input-json", "file://"+tdFile)
	desc := l.aws("ecs", "describe-task-definition", "--task-definition", "life:1", "--include", "TAGS")
	tags := doc["tags"]
	delete(doc, "tags")
	l.expect("task definition read back", desc["taskDefinition"], doc)
	l.expect("task definition tags", desc["tags"], tags)

	// A service behind the target group, on the first container's first port.
	container := item(doc["containerDefinitions"], 0).(map[string]any)
	name := container["name"].(string)
	port := item(container["portMappings"], 0).(map[string]any)["containerPort"]
	lb := fmt.Sprintf("targetGroupArn=%s,containerName=%s,containerPort=%v", tg, name, port)
	created := l.aws("ecs", "create-service", "--cluster", "life", "--service-name", "web", "--task-definition", "life:1",
		"--desired-count", "2", "--load-balancers", lb, "--health-check-grace-period-seconds", "30", "--tags", "key=app,value=web")
	svcARN := str(created, "service", "serviceArn")
	want := map[string]any{"serviceName": "web", "desiredCount": float64(2), "healthCheckGracePeriodSeconds": float64(30),
		"taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/life:1",
		"loadBalancers":  []any{map[string]any{"targetGroupArn": tg, "containerName": name, "containerPort": port}}}
	l.expect("created service", created["service"], want)

	w.Advance(5 * time.Minute)
	l.aws("ecs", "wait", "services-stable", "--cluster", "life", "--services", "web")
	svcs := l.aws("ecs", "describe-services", "--cluster", "life", "--services", "web", "--include", "TAGS")
	svc := item(svcs["services"], 0)
	l.expect("steady service", svc, map[string]any{"runningCount": float64(2), "pendingCount": float64(0),
		"deployments": []any{map[string]any{"rolloutState": "COMPLETED"}}, "tags": []any{map[string]any{"key": "app", "value": "web"}}})
	l.expect("service read back", svc, want)
	if !strings.Contains(fmt.Sprint(svc.(map[string]any)["events"]), "has reached a steady state") {
		t.Errorf("no steady-state event: %v", svc.(map[string]any)["events"])
	}
	health := l.aws("elbv2", "describe-target-health", "--target-group-arn", tg)
	l.expect("targets", health["TargetHealthDescriptions"], []any{
		map[string]any{"TargetHealth": map[string]any{"State": "healthy"}}, map[string]any{"TargetHealth": map[string]any{"State": "healthy"}}})

	// Logs: put, then read back both ways.
	l.aws("logs", "create-log-group", "--log-group-name", "/life/web")
	l.aws("logs", "create-log-stream", "--log-group-name", "/life/web", "--log-stream-name", "web/1")
	now := w.Now()
	lines := []string{"order 1 accepted", `{"level":"info","msg":"order 2 accepted"}`, "order 3, with commas"}
	var events []map[string]any
	for i, m := range lines {
		events = append(events, map[string]any{"timestamp": now.Add(time.Duration(i-3) * time.Second).UnixMilli(), "message": m})
	}
	ev, _ := json.Marshal(events)
	l.aws("logs", "put-log-events", "--log-group-name", "/life/web", "--log-stream-name", "web/1", "--log-events", string(ev))
	var msgs []any
	for _, m := range lines {
		msgs = append(msgs, map[string]any{"message": m})
	}
	got := l.aws("logs", "get-log-events", "--log-group-name", "/life/web", "--log-stream-name", "web/1", "--start-from-head")
	l.expect("get-log-events", got["events"], msgs)
	filtered := l.aws("logs", "filter-log-events", "--log-group-name", "/life/web", "--filter-pattern", "order")
	l.expect("filter-log-events", filtered["events"], msgs)

	// Update, then scale.
	upd := l.aws("ecs", "update-service", "--cluster", "life", "--service", "web", "--force-new-deployment",
		"--deployment-configuration", "minimumHealthyPercent=50,maximumPercent=150")
	l.expect("updated service", upd["service"], map[string]any{"deploymentConfiguration": map[string]any{
		"minimumHealthyPercent": float64(50), "maximumPercent": float64(150)}})
	w.Advance(5 * time.Minute)
	l.aws("ecs", "wait", "services-stable", "--cluster", "life", "--services", "web")
	l.aws("ecs", "update-service", "--cluster", "life", "--service", "web", "--desired-count", "4")
	w.Advance(5 * time.Minute)
	l.aws("ecs", "wait", "services-stable", "--cluster", "life", "--services", "web")
	scaled := l.aws("ecs", "describe-services", "--cluster", "life", "--services", "web")
	l.expect("scaled service", item(scaled["services"], 0), map[string]any{"desiredCount": float64(4), "runningCount": float64(4)})
	stats := l.aws("ecs", "describe-clusters", "--clusters", "life", "--include", "STATISTICS", "TAGS")
	c0 := item(stats["clusters"], 0).(map[string]any)
	statistics := map[string]string{}
	for _, e := range c0["statistics"].([]any) {
		statistics[str(e, "name")] = str(e, "value")
	}
	if statistics["runningEC2TasksCount"] != "4" || statistics["activeEC2ServiceCount"] != "1" {
		t.Errorf("statistics = %v", statistics)
	}
	l.expect("cluster tags", c0["tags"], []any{map[string]any{"key": "team", "value": "sre"}})

	// Tag and untag.
	l.aws("ecs", "tag-resource", "--resource-arn", svcARN, "--tags", "key=tier,value=front")
	if got := tagsOut(l.aws("ecs", "list-tags-for-resource", "--resource-arn", svcARN)["tags"]); !reflect.DeepEqual(got, map[string]string{"app": "web", "tier": "front"}) {
		t.Errorf("tags after tag-resource = %v", got)
	}
	l.aws("ecs", "untag-resource", "--resource-arn", svcARN, "--tag-keys", "app")
	if got := tagsOut(l.aws("ecs", "list-tags-for-resource", "--resource-arn", svcARN)["tags"]); !reflect.DeepEqual(got, map[string]string{"tier": "front"}) {
		t.Errorf("tags after untag-resource = %v", got)
	}

	// Tear down: the service, the instances, the cluster.
	del := l.aws("ecs", "delete-service", "--cluster", "life", "--service", "web", "--force")
	l.expect("deleted service", del["service"], map[string]any{"status": "DRAINING", "desiredCount": float64(0)})
	w.Advance(2 * time.Minute)
	l.aws("ecs", "wait", "services-inactive", "--cluster", "life", "--services", "web")
	groups := l.aws("autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "life-asg")
	for _, inst := range item(groups["AutoScalingGroups"], 0).(map[string]any)["Instances"].([]any) {
		l.aws("autoscaling", "terminate-instance-in-auto-scaling-group", "--instance-id", str(inst, "InstanceId"),
			"--should-decrement-desired-capacity")
	}
	w.Advance(time.Minute)
	acts := l.aws("autoscaling", "describe-scaling-activities", "--auto-scaling-group-name", "life-asg")
	if n := len(acts["Activities"].([]any)); n != 4 {
		t.Errorf("%d scaling activities, want 2 launches and 2 terminations", n)
	}
	gone := l.aws("ecs", "delete-cluster", "--cluster", "life")
	l.expect("deleted cluster", gone["cluster"], map[string]any{"clusterName": "life", "status": "INACTIVE"})
	l.expect("clusters left", l.aws("ecs", "list-clusters")["clusterArns"], []any{})
	dereg := l.aws("ecs", "deregister-task-definition", "--task-definition", "life:1")
	l.expect("deregistered", dereg["taskDefinition"], map[string]any{"status": "INACTIVE"})
	l.aws("logs", "delete-log-group", "--log-group-name", "/life/web")
	l.expect("log groups left", l.aws("logs", "describe-log-groups", "--log-group-name-prefix", "/life")["logGroups"], []any{})
}
