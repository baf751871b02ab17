package aws_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/awstest/sdkfill"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/ops"
)

// TestDeployCopiesEveryTaskDefinitionField is the README's promise checked
// end to end: a revision with every field the SDK knows, registered through
// the wire, is deployed with a new image by ecstui's deploy (plan, then the
// executor, which copies the raw revision through the adapter), and the new
// revision, described through the wire, equals the old one in every field
// and tag except the image and what ECS assigns to a new revision.
func TestDeployCopiesEveryTaskDefinitionField(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w := sim.New(sim.Options{Seed: 3, Start: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)})
	w.SetLogRate(0)
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 2})
	cl, srv := awstest.Start(t, w)
	sdk := ecs.NewFromConfig(sdkaws.Config{Region: awstest.Region, BaseEndpoint: sdkaws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")})

	in, err := sdkfill.ECSTaskDefinition("full")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdk.RegisterTaskDefinition(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CreateService(sim.ServiceSpec{Cluster: "c", Name: "svc", TaskDefinition: "full:1", DesiredCount: 1}); err != nil {
		t.Fatal(err)
	}
	w.Advance(time.Minute)

	container := sdkaws.ToString(in.ContainerDefinitions[0].Name)
	st, err := ops.GatherService(ctx, cl, "c", "svc", "")
	if err != nil {
		t.Fatal(err)
	}
	plan := ops.PlanDeploy(ops.DeployInput{Cluster: "c", Service: "svc", Images: map[string]string{container: "registry.example/app:2"}}, st)
	if plan.Blocked() {
		t.Fatalf("deploy plan blocked: %v", plan.Blockers)
	}
	res := (&ops.Runner{Now: w.Now}).UpdateService(ctx, cl, plan, false)
	if res.Outcome != ops.OutcomeSuccess {
		t.Fatalf("deploy: %s %s %v", res.Outcome, res.Message, res.Err)
	}

	describe := func(id string) *ecs.DescribeTaskDefinitionOutput {
		t.Helper()
		out, err := sdk.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String(id),
			Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	old, next := describe("full:1"), describe(res.TaskDefinition)
	if next.TaskDefinition.Revision != 2 {
		t.Fatalf("deploy registered %s, want full:2", res.TaskDefinition)
	}
	if got := sdkaws.ToString(next.TaskDefinition.ContainerDefinitions[0].Image); got != "registry.example/app:2" {
		t.Errorf("new image = %s", got)
	}
	if !reflect.DeepEqual(next.Tags, in.Tags) {
		t.Errorf("tags = %+v, want %+v", next.Tags, in.Tags)
	}
	// What may differ: the image asked for, and what ECS assigns.
	want := *old.TaskDefinition
	want.ContainerDefinitions = append([]ecstypes.ContainerDefinition(nil), want.ContainerDefinitions...)
	want.ContainerDefinitions[0].Image = next.TaskDefinition.ContainerDefinitions[0].Image
	want.TaskDefinitionArn, want.Revision, want.RegisteredAt =
		next.TaskDefinition.TaskDefinitionArn, next.TaskDefinition.Revision, next.TaskDefinition.RegisteredAt
	wv, nv := reflect.ValueOf(want), reflect.ValueOf(*next.TaskDefinition)
	for i := range wv.NumField() {
		if f := wv.Type().Field(i); f.IsExported() && !reflect.DeepEqual(wv.Field(i).Interface(), nv.Field(i).Interface()) {
			t.Errorf("the deployed revision's %s differs from its base's:\nbase %+v\nnew  %+v", f.Name, wv.Field(i), nv.Field(i))
		}
	}
	svc, err := sdk.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: sdkaws.String("c"), Services: []string{"svc"}})
	if err != nil || sdkaws.ToString(svc.Services[0].TaskDefinition) != res.TaskDefinition {
		t.Errorf("service runs %v (%v), want %s", svc, err, res.TaskDefinition)
	}
}
