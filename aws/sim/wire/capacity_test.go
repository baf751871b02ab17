package wire

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestCapacityProvidersThroughTheSDK reads the demo's prod capacity provider
// and its traces on clusters, services and instances with the real SDK.
func TestCapacityProvidersThroughTheSDK(t *testing.T) {
	w := demo(t)
	_, c := serve(t, w, Options{}, 1)
	cx := ctx(t)

	cl, err := c.ecs.DescribeClusters(cx, &ecs.DescribeClustersInput{Clusters: []string{"prod", "playground"}})
	if err != nil {
		t.Fatal(err)
	}
	prod := cl.Clusters[1]
	if *cl.Clusters[0].ClusterName == "prod" {
		prod = cl.Clusters[0]
	}
	if len(prod.CapacityProviders) != 1 || prod.CapacityProviders[0] != "prod-ecs-cp" ||
		len(prod.DefaultCapacityProviderStrategy) != 1 || prod.DefaultCapacityProviderStrategy[0].Weight != 1 {
		t.Fatalf("prod: %v %+v", prod.CapacityProviders, prod.DefaultCapacityProviderStrategy)
	}

	out, err := c.ecs.DescribeCapacityProviders(cx, &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{"prod-ecs-cp", "nope"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CapacityProviders) != 1 || len(out.Failures) != 1 {
		t.Fatalf("describe: %+v %+v", out.CapacityProviders, out.Failures)
	}
	p := out.CapacityProviders[0].AutoScalingGroupProvider
	if p == nil || p.ManagedScaling.Status != ecstypes.ManagedScalingStatusEnabled || aws.ToInt32(p.ManagedScaling.TargetCapacity) != 100 ||
		p.ManagedTerminationProtection != ecstypes.ManagedTerminationProtectionEnabled || p.ManagedDraining != ecstypes.ManagedDrainingEnabled {
		t.Fatalf("provider: %+v", p)
	}
	// Every provider, ten a page: prod's plus FARGATE and FARGATE_SPOT.
	all, err := c.ecs.DescribeCapacityProviders(cx, &ecs.DescribeCapacityProvidersInput{MaxResults: aws.Int32(2)})
	if err != nil || len(all.CapacityProviders) != 2 || all.NextToken == nil {
		t.Fatalf("first page: %+v %v", all, err)
	}
	if _, err := c.ecs.DescribeCapacityProviders(cx, &ecs.DescribeCapacityProvidersInput{MaxResults: aws.Int32(11)}); code(err) != "InvalidParameterException" {
		t.Errorf("maxResults 11: %v", err)
	}

	svcs, err := c.ecs.DescribeServices(cx, &ecs.DescribeServicesInput{Cluster: aws.String("prod"), Services: []string{"billing-api"}})
	if err != nil || len(svcs.Services) != 1 {
		t.Fatal(err)
	}
	if s := svcs.Services[0]; s.LaunchType != "" || len(s.CapacityProviderStrategy) != 1 || aws.ToString(s.CapacityProviderStrategy[0].CapacityProvider) != "prod-ecs-cp" {
		t.Errorf("service: launch type %q strategy %+v", s.LaunchType, s.CapacityProviderStrategy)
	}

	g, err := c.asg.DescribeAutoScalingGroups(cx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"prod-ecs-asg"}})
	if err != nil || len(g.AutoScalingGroups) != 1 {
		t.Fatal(err)
	}
	grp := g.AutoScalingGroups[0]
	if !aws.ToBool(grp.NewInstancesProtectedFromScaleIn) || aws.ToString(grp.LaunchTemplate.LaunchTemplateName) != "prod-ecs-lt" || aws.ToString(grp.LaunchTemplate.Version) != "2" {
		t.Errorf("group: protected %v template %+v", aws.ToBool(grp.NewInstancesProtectedFromScaleIn), grp.LaunchTemplate)
	}
	old := 0
	for _, in := range grp.Instances {
		if !aws.ToBool(in.ProtectedFromScaleIn) {
			t.Errorf("%s not protected from scale-in under managed termination protection", aws.ToString(in.InstanceId))
		}
		if aws.ToString(in.LaunchTemplate.Version) == "1" {
			old++
		}
	}
	if old != 2 {
		t.Errorf("%d instances on launch template version 1, want 2", old)
	}
	hooks, err := c.asg.DescribeLifecycleHooks(cx, &autoscaling.DescribeLifecycleHooksInput{AutoScalingGroupName: aws.String("prod-ecs-asg")})
	if err != nil || len(hooks.LifecycleHooks) != 1 {
		t.Fatalf("hooks: %+v %v", hooks, err)
	}
	if h := hooks.LifecycleHooks[0]; aws.ToString(h.LifecycleHookName) != "ecs-managed-draining-termination-hook" || aws.ToInt32(h.HeartbeatTimeout) != 3600 {
		t.Errorf("hook: %+v", h)
	}
	if _, err := c.asg.DescribeLifecycleHooks(cx, &autoscaling.DescribeLifecycleHooksInput{AutoScalingGroupName: aws.String("nope")}); code(err) != "ValidationError" {
		t.Errorf("unknown group: %v", err)
	}
}

// TestInstanceRefreshThroughTheSDK starts, watches and cancels a refresh of
// the demo's prod group, and sets and completes what the lifecycle API sets.
func TestInstanceRefreshThroughTheSDK(t *testing.T) {
	w := demo(t)
	s, c := serve(t, w, Options{}, 1)
	cx := ctx(t)
	g := aws.String("prod-ecs-asg")

	start, err := c.asg.StartInstanceRefresh(cx, &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: g,
		DesiredConfiguration: &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{
			LaunchTemplateName: aws.String("prod-ecs-lt"), Version: aws.String("2")}},
		Preferences: &asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(100), SkipMatching: aws.Bool(true),
			CheckpointPercentages: []int32{50, 100}, CheckpointDelay: aws.Int32(300),
			ScaleInProtectedInstances: asgtypes.ScaleInProtectedInstancesRefresh}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.asg.StartInstanceRefresh(cx, &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: g}); code(err) != "InstanceRefreshInProgress" {
		t.Errorf("second start: %v", err)
	}
	w.Advance(5 * time.Second)
	d, err := c.asg.DescribeInstanceRefreshes(cx, &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: g})
	if err != nil || len(d.InstanceRefreshes) != 1 {
		t.Fatalf("describe: %+v %v", d, err)
	}
	r := d.InstanceRefreshes[0]
	if aws.ToString(r.InstanceRefreshId) != aws.ToString(start.InstanceRefreshId) || r.Status != asgtypes.InstanceRefreshStatusInProgress ||
		aws.ToInt32(r.InstancesToUpdate) != 2 || len(r.Preferences.CheckpointPercentages) != 2 ||
		r.Preferences.ScaleInProtectedInstances != asgtypes.ScaleInProtectedInstancesRefresh || aws.ToString(r.DesiredConfiguration.LaunchTemplate.Version) != "2" {
		t.Fatalf("refresh: %+v", r)
	}
	// The old instance being replaced waits for ECS to drain it.
	grp, err := c.asg.DescribeAutoScalingGroups(cx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"prod-ecs-asg"}})
	if err != nil {
		t.Fatal(err)
	}
	waiting := 0
	for _, in := range grp.AutoScalingGroups[0].Instances {
		if in.LifecycleState == asgtypes.LifecycleStateTerminatingWait {
			waiting++
		}
	}
	if waiting != 1 {
		t.Errorf("%d instances in Terminating:Wait, want 1", waiting)
	}
	if _, err := c.asg.RollbackInstanceRefresh(cx, &autoscaling.RollbackInstanceRefreshInput{AutoScalingGroupName: aws.String("playground-ecs-asg")}); code(err) != "ActiveInstanceRefreshNotFound" {
		t.Errorf("rollback with none: %v", err)
	}
	if _, err := c.asg.CancelInstanceRefresh(cx, &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: g}); err != nil {
		t.Fatal(err)
	}
	if s.Calls("autoscaling:CancelInstanceRefresh") != 1 || !s.Mutating("autoscaling:StartInstanceRefresh") || s.Mutating("autoscaling:DescribeInstanceRefreshes") {
		t.Error("counters or the mutating set do not know the refresh operations")
	}

	// Scale-in protection and lifecycle actions.
	id := grp.AutoScalingGroups[0].Instances[5].InstanceId
	if _, err := c.asg.SetInstanceProtection(cx, &autoscaling.SetInstanceProtectionInput{AutoScalingGroupName: g,
		InstanceIds: []string{aws.ToString(id)}, ProtectedFromScaleIn: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.asg.CompleteLifecycleAction(cx, &autoscaling.CompleteLifecycleActionInput{AutoScalingGroupName: g,
		LifecycleHookName: aws.String("ecs-managed-draining-termination-hook"), InstanceId: id, LifecycleActionResult: aws.String("CONTINUE")}); code(err) != "ValidationError" {
		t.Errorf("completing an action that does not exist: %v", err)
	}
}
