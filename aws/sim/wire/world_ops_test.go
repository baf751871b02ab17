package wire

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

var opsStart = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// buildWorld is an empty world with a target group "web" and the
// revision "web:1" (nginx on port 80), the ground the tests below build on.
func buildWorld(t *testing.T) (*sim.World, string) {
	t.Helper()
	w := sim.New(sim.Options{Seed: 5, Start: opsStart})
	w.SetLogRate(0)
	tg := w.AddTargetGroup(sim.TargetGroupSpec{Name: "web", HealthCheckInterval: 5 * time.Second})
	if _, err := w.RegisterTaskDefinition(model.TaskDefinition{Family: "web", NetworkMode: "bridge", Containers: []model.ContainerDefinition{
		{Name: "web", Image: "nginx:1.27", CPU: 128, Memory: 128, Essential: true, PortMappings: []model.PortMapping{{ContainerPort: 80}}}}}); err != nil {
		t.Fatal(err)
	}
	return w, tg
}

func TestClusterLifecycle(t *testing.T) {
	w, tg := buildWorld(t)
	s, c := serve(t, w, Options{}, 1)
	cx := ctx(t)

	created, err := c.ecs.CreateCluster(cx, &ecs.CreateClusterInput{ClusterName: aws.String("life"),
		Tags:     []types.Tag{{Key: aws.String("team"), Value: aws.String("sre")}},
		Settings: []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}}})
	if err != nil {
		t.Fatal(err)
	}
	cl := created.Cluster
	if aws.ToString(cl.ClusterArn) != "arn:aws:ecs:us-east-1:123456789012:cluster/life" || aws.ToString(cl.Status) != "ACTIVE" ||
		len(cl.Tags) != 1 || len(cl.Settings) != 1 || aws.ToString(cl.Settings[0].Value) != "enabled" {
		t.Errorf("created %+v", cl)
	}
	again, err := c.ecs.CreateCluster(cx, &ecs.CreateClusterInput{ClusterName: aws.String("life")})
	if err != nil || len(again.Cluster.Tags) != 1 {
		t.Errorf("CreateCluster is idempotent: %+v %v", again, err)
	}

	w.AddAutoScalingGroup(sim.ASGSpec{Name: "life-asg", Cluster: "life", Size: 2})
	if _, err := c.ecs.CreateService(cx, &ecs.CreateServiceInput{Cluster: aws.String("life"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(2),
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}}}); err != nil {
		t.Fatal(err)
	}
	w.Advance(2 * time.Minute)

	desc := func(include ...types.ClusterField) types.Cluster {
		t.Helper()
		out, err := c.ecs.DescribeClusters(cx, &ecs.DescribeClustersInput{Clusters: []string{"life"}, Include: include})
		if err != nil || len(out.Clusters) != 1 {
			t.Fatalf("describe: %+v %v", out, err)
		}
		return out.Clusters[0]
	}
	plain := desc()
	if len(plain.Tags) != 0 || len(plain.Statistics) != 0 {
		t.Errorf("without include: tags %v statistics %v", plain.Tags, plain.Statistics)
	}
	full := desc(types.ClusterFieldTags, types.ClusterFieldStatistics)
	stats := map[string]string{}
	for _, kv := range full.Statistics {
		stats[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
	}
	if len(full.Tags) != 1 || stats["runningEC2TasksCount"] != "2" || stats["activeEC2ServiceCount"] != "1" ||
		stats["pendingEC2TasksCount"] != "0" || stats["runningFargateTasksCount"] != "0" {
		t.Errorf("with TAGS and STATISTICS: tags %v statistics %v", full.Tags, stats)
	}

	// ECS refuses to delete a cluster with services, then with instances.
	if _, err := c.ecs.DeleteCluster(cx, &ecs.DeleteClusterInput{Cluster: aws.String("life")}); code(err) != "ClusterContainsServicesException" {
		t.Errorf("delete with a service: %v", err)
	}
	if _, err := c.ecs.DeleteService(cx, &ecs.DeleteServiceInput{Cluster: aws.String("life"), Service: aws.String("web")}); code(err) != "InvalidParameterException" {
		t.Errorf("delete of a service scaled above 0 without force: %v", err)
	}
	del, err := c.ecs.DeleteService(cx, &ecs.DeleteServiceInput{Cluster: aws.String("life"), Service: aws.String("web"), Force: aws.Bool(true)})
	if err != nil || aws.ToString(del.Service.Status) != "DRAINING" || del.Service.DesiredCount != 0 {
		t.Fatalf("force delete: %+v %v", del, err)
	}
	w.Advance(time.Minute)
	svc, err := c.ecs.DescribeServices(cx, &ecs.DescribeServicesInput{Cluster: aws.String("life"), Services: []string{"web"}})
	if err != nil || aws.ToString(svc.Services[0].Status) != "INACTIVE" || svc.Services[0].RunningCount != 0 {
		t.Errorf("deleted service a minute later: %+v %v", svc.Services, err)
	}
	listed, _ := c.ecs.ListServices(cx, &ecs.ListServicesInput{Cluster: aws.String("life")})
	if len(listed.ServiceArns) != 0 {
		t.Errorf("an INACTIVE service is listed: %v", listed.ServiceArns)
	}
	if _, err := c.ecs.DeleteCluster(cx, &ecs.DeleteClusterInput{Cluster: aws.String("life")}); code(err) != "ClusterContainsContainerInstancesException" {
		t.Errorf("delete with instances: %v", err)
	}
	asgs := w.DescribeAutoScalingGroups([]string{"life-asg"})
	for _, i := range asgs[0].Instances {
		if _, err := w.TerminateInstanceInAutoScalingGroup(i.InstanceID, true); err != nil {
			t.Fatal(err)
		}
	}
	gone, err := c.ecs.DeleteCluster(cx, &ecs.DeleteClusterInput{Cluster: aws.String("life")})
	if err != nil || aws.ToString(gone.Cluster.Status) != "INACTIVE" {
		t.Fatalf("delete of an empty cluster: %+v %v", gone, err)
	}
	if desc().Status == nil || aws.ToString(desc().Status) != "INACTIVE" {
		t.Errorf("a deleted cluster is described INACTIVE, got %v", desc().Status)
	}
	clusters, _ := c.ecs.ListClusters(cx, &ecs.ListClustersInput{})
	if len(clusters.ClusterArns) != 0 {
		t.Errorf("a deleted cluster is listed: %v", clusters.ClusterArns)
	}
	if _, err := c.ecs.ListServices(cx, &ecs.ListServicesInput{Cluster: aws.String("life")}); code(err) != "ClusterNotFoundException" {
		t.Errorf("a deleted cluster is usable: %v", err)
	}
	if s.MutatingCalls() != 8 {
		t.Errorf("MutatingCalls = %d, want 8 (%v)", s.MutatingCalls(), s.CallCounts())
	}
}

// TestCreateServiceSchedulesLikeAScenario: a service created through the
// wire behaves exactly as one a scenario builds (placement, host ports,
// targets, events, deployments), down to the identifiers.
func TestCreateServiceSchedulesLikeAScenario(t *testing.T) {
	describe := func(viaWire bool) (ecs.DescribeServicesOutput, []string) {
		w, tg := buildWorld(t)
		w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 3})
		_, c := serve(t, w, Options{}, 1)
		cx := ctx(t)
		lb := model.LoadBalancer{TargetGroupARN: tg, ContainerName: "web", ContainerPort: 80}
		if viaWire {
			if _, err := c.ecs.CreateService(cx, &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("web"),
				TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(3), HealthCheckGracePeriodSeconds: aws.Int32(30),
				LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}},
				Tags:          []types.Tag{{Key: aws.String("app"), Value: aws.String("web")}}}); err != nil {
				t.Fatal(err)
			}
		} else if _, err := w.CreateService(sim.ServiceSpec{Cluster: "c", Name: "web", TaskDefinition: "web", DesiredCount: 3,
			HealthCheckGracePeriod: 30 * time.Second, LoadBalancers: []model.LoadBalancer{lb}, Tags: map[string]string{"app": "web"}}); err != nil {
			t.Fatal(err)
		}
		w.Advance(3 * time.Minute)
		out, err := c.ecs.DescribeServices(cx, &ecs.DescribeServicesInput{Cluster: aws.String("c"), Services: []string{"web"},
			Include: []types.ServiceField{types.ServiceFieldTags}})
		if err != nil {
			t.Fatal(err)
		}
		var targets []string
		ths, _ := w.DescribeTargetHealth(tg)
		for _, th := range ths {
			targets = append(targets, fmt.Sprintf("%s:%d %s", th.TargetID, th.Port, th.State))
		}
		return *out, targets
	}
	scenario, scenarioTargets := describe(false)
	wire, wireTargets := describe(true)
	if !reflect.DeepEqual(scenario.Services, wire.Services) {
		t.Errorf("the services differ:\n%s", diff(scenario.Services, wire.Services))
	}
	if !reflect.DeepEqual(scenarioTargets, wireTargets) || len(wireTargets) != 3 {
		t.Errorf("targets: scenario %v, wire %v", scenarioTargets, wireTargets)
	}
	sv := wire.Services[0]
	if sv.RunningCount != 3 || !slices.ContainsFunc(sv.Events, func(e types.ServiceEvent) bool {
		return strings.Contains(aws.ToString(e.Message), "has reached a steady state")
	}) {
		t.Errorf("the wire's service did not settle: running %d, events %d", sv.RunningCount, len(sv.Events))
	}
}

func TestCreateServiceRefusesWhatItCannotModel(t *testing.T) {
	w, _ := buildWorld(t)
	w.AddCluster("c")
	_, c := serve(t, w, Options{}, 1)
	cx := ctx(t)
	base := func() *ecs.CreateServiceInput {
		return &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("s"), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1)}
	}
	tests := []struct {
		name string
		mod  func(*ecs.CreateServiceInput)
		msg  string
	}{
		{"fargate without awsvpc", func(in *ecs.CreateServiceInput) { in.LaunchType = types.LaunchTypeFargate }, "Fargate requires the awsvpc network mode"},
		{"network configuration of a bridge task definition", func(in *ecs.CreateServiceInput) {
			in.NetworkConfiguration = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}
		}, "Network Configuration is not valid for the given networkMode"},
		{"service registries", func(in *ecs.CreateServiceInput) {
			in.ServiceRegistries = []types.ServiceRegistry{{RegistryArn: aws.String("arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1")}}
		}, "serviceRegistries"},
		{"alarms", func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration = &types.DeploymentConfiguration{Alarms: &types.DeploymentAlarms{Enable: true, AlarmNames: []string{"a"}}}
		}, "alarms"},
		{"code deploy", func(in *ecs.CreateServiceInput) {
			in.DeploymentController = &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy}
		}, "ECS deployment controller only"},
		{"unknown task definition", func(in *ecs.CreateServiceInput) { in.TaskDefinition = aws.String("nope") }, "TaskDefinition not found"},
		{"port not mapped", func(in *ecs.CreateServiceInput) {
			in.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String(w.AddTargetGroup(sim.TargetGroupSpec{Name: "x"})),
				ContainerName: aws.String("web"), ContainerPort: aws.Int32(8080)}}
		}, "did not have a container port 8080"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.mod(in)
			_, err := c.ecs.CreateService(cx, in)
			if code(err) != "InvalidParameterException" || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want InvalidParameterException with %q", err, tc.msg)
			}
		})
	}
	// Disabled alarms say nothing: accepted.
	in := base()
	in.DeploymentConfiguration = &types.DeploymentConfiguration{Alarms: &types.DeploymentAlarms{AlarmNames: []string{}}, MaximumPercent: aws.Int32(150)}
	if out, err := c.ecs.CreateService(cx, in); err != nil || aws.ToInt32(out.Service.DeploymentConfiguration.MaximumPercent) != 150 {
		t.Errorf("create with disabled alarms: %+v %v", out, err)
	}
}

func TestTagging(t *testing.T) {
	w, _ := buildWorld(t)
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 1})
	if _, err := w.CreateService(sim.ServiceSpec{Cluster: "c", Name: "web", TaskDefinition: "web", DesiredCount: 1}); err != nil {
		t.Fatal(err)
	}
	w.Advance(30 * time.Second)
	_, c := serve(t, w, Options{}, 1)
	cx := ctx(t)
	tasks, _ := c.ecs.ListTasks(cx, &ecs.ListTasksInput{Cluster: aws.String("c")})
	insts, _ := c.ecs.ListContainerInstances(cx, &ecs.ListContainerInstancesInput{Cluster: aws.String("c")})
	arn := "arn:aws:ecs:us-east-1:123456789012:"
	for _, res := range []string{arn + "cluster/c", arn + "service/c/web", tasks.TaskArns[0], insts.ContainerInstanceArns[0], arn + "task-definition/web:1"} {
		t.Run(res[len(arn):min(len(arn)+20, len(res))], func(t *testing.T) {
			if _, err := c.ecs.TagResource(cx, &ecs.TagResourceInput{ResourceArn: aws.String(res), Tags: []types.Tag{
				{Key: aws.String("z"), Value: aws.String("1")}, {Key: aws.String("a"), Value: aws.String("2")}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ecs.TagResource(cx, &ecs.TagResourceInput{ResourceArn: aws.String(res), Tags: []types.Tag{
				{Key: aws.String("z"), Value: aws.String("3")}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ecs.UntagResource(cx, &ecs.UntagResourceInput{ResourceArn: aws.String(res), TagKeys: []string{"a", "absent"}}); err != nil {
				t.Fatal(err)
			}
			got, err := c.ecs.ListTagsForResource(cx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(res)})
			if err != nil || len(got.Tags) != 1 || aws.ToString(got.Tags[0].Key) != "z" || aws.ToString(got.Tags[0].Value) != "3" {
				t.Errorf("tags = %+v %v, want z=3", got, err)
			}
		})
	}
	// A task definition keeps its tags in order, new keys last.
	td := arn + "task-definition/web:1"
	if _, err := c.ecs.TagResource(cx, &ecs.TagResourceInput{ResourceArn: aws.String(td), Tags: []types.Tag{
		{Key: aws.String("b"), Value: aws.String("x")}}}); err != nil {
		t.Fatal(err)
	}
	desc, err := c.ecs.DescribeTaskDefinition(cx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web:1"),
		Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}})
	if err != nil || len(desc.Tags) != 2 || aws.ToString(desc.Tags[0].Key) != "z" || aws.ToString(desc.Tags[1].Key) != "b" {
		t.Errorf("task definition tags = %+v %v", desc.Tags, err)
	}
	for _, bad := range []struct{ arn, code string }{
		{arn + "cluster/ghost", "ClusterNotFoundException"},
		{arn + "service/c/ghost", "ResourceNotFoundException"},
		{"arn:aws:ecs:eu-west-1:123456789012:cluster/c", "InvalidParameterException"},
		{arn + "task-set/c/web/ecs-svc", "InvalidParameterException"},
	} {
		if _, err := c.ecs.ListTagsForResource(cx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(bad.arn)}); code(err) != bad.code {
			t.Errorf("ListTagsForResource(%s) = %v, want %s", bad.arn, err, bad.code)
		}
	}
	if _, err := c.ecs.TagResource(cx, &ecs.TagResourceInput{ResourceArn: aws.String(arn + "cluster/c"),
		Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("1")}}}); code(err) != "InvalidParameterException" {
		t.Errorf("aws: tag accepted: %v", err)
	}
}

func TestAccountSettingsAndAttributes(t *testing.T) {
	w, _ := buildWorld(t)
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 2})
	s, c := serve(t, w, Options{}, 1)
	cx := ctx(t)
	none, err := c.ecs.ListAccountSettings(cx, &ecs.ListAccountSettingsInput{})
	if err != nil || len(none.Settings) != 0 {
		t.Errorf("nothing set: %+v %v", none.Settings, err)
	}
	if _, err := c.ecs.PutAccountSetting(cx, &ecs.PutAccountSettingInput{Name: types.SettingNameContainerInsights, Value: aws.String("enhanced")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ecs.PutAccountSetting(cx, &ecs.PutAccountSettingInput{Name: types.SettingNameAwsvpcTrunking, Value: aws.String("maybe")}); code(err) != "InvalidParameterException" {
		t.Errorf("bad value accepted: %v", err)
	}
	set, err := c.ecs.ListAccountSettings(cx, &ecs.ListAccountSettingsInput{})
	if err != nil || len(set.Settings) != 1 || aws.ToString(set.Settings[0].Value) != "enhanced" || set.Settings[0].Type != types.SettingTypeUser {
		t.Errorf("after put: %+v %v", set.Settings, err)
	}
	p := ecs.NewListAccountSettingsPaginator(c.ecs, &ecs.ListAccountSettingsInput{EffectiveSettings: true})
	effective := map[string]string{}
	for p.HasMorePages() {
		page, err := p.NextPage(cx)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range page.Settings {
			effective[string(st.Name)] = aws.ToString(st.Value)
		}
	}
	if effective["containerInsights"] != "enhanced" || effective["taskLongArnFormat"] != "enabled" || len(effective) < 10 {
		t.Errorf("effective settings = %v", effective)
	}
	if !s.Mutating("ecs:PutAccountSetting") || s.Mutating("ecs:ListAccountSettings") {
		t.Error("PutAccountSetting must count as mutating, ListAccountSettings not")
	}

	attrs, err := c.ecs.ListAttributes(cx, &ecs.ListAttributesInput{Cluster: aws.String("c"), TargetType: types.TargetTypeContainerInstance,
		AttributeName: aws.String("ecs.instance-type")})
	if err != nil || len(attrs.Attributes) != 2 || aws.ToString(attrs.Attributes[0].Value) != "m5.large" ||
		!strings.Contains(aws.ToString(attrs.Attributes[0].TargetId), ":container-instance/c/") {
		t.Errorf("attributes = %+v %v", attrs, err)
	}
}
