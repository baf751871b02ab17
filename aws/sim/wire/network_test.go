package wire

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// networkWorld is a cluster of three instances (one per zone), an awsvpc
// task definition (with a task role, for exec), a Fargate one and an ip
// target group.
func networkWorld(t *testing.T) (*sim.World, string) {
	t.Helper()
	w, _ := buildWorld(t)
	w.AddCluster("net")
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "net-asg", Cluster: "net", Size: 3})
	tg := w.AddTargetGroup(sim.TargetGroupSpec{Name: "api-ip", TargetType: "ip", Port: 8080, HealthCheckInterval: 5 * time.Second})
	for _, td := range []model.TaskDefinition{
		{Family: "api", NetworkMode: "awsvpc", TaskRoleARN: "arn:aws:iam::123456789012:role/api", Containers: []model.ContainerDefinition{
			{Name: "api", Image: "api:1", CPU: 256, Memory: 256, Essential: true, PortMappings: []model.PortMapping{{ContainerPort: 8080, HostPort: 8080}}}}},
		{Family: "edge", NetworkMode: "awsvpc", CPU: "256", Memory: "512", RequiresCompatibilities: []string{"FARGATE"}, Containers: []model.ContainerDefinition{
			{Name: "edge", Image: "edge:1", Essential: true, PortMappings: []model.PortMapping{{ContainerPort: 8080, HostPort: 8080}}}}},
	} {
		if _, err := w.RegisterTaskDefinition(td); err != nil {
			t.Fatal(err)
		}
	}
	return w, tg
}

func awsvpc(subnets []string, sgs []string, public bool) *types.NetworkConfiguration {
	pub := types.AssignPublicIpDisabled
	if public {
		pub = types.AssignPublicIpEnabled
	}
	return &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: subnets, SecurityGroups: sgs, AssignPublicIp: pub}}
}

// eniSubnets are the subnets of the running tasks' network interfaces, and
// their private addresses.
func eniSubnets(t *testing.T, c clients, cluster, service string) (subnets, ips []string) {
	t.Helper()
	cx := ctx(t)
	list, err := c.ecs.ListTasks(cx, &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: aws.String(service), DesiredStatus: types.DesiredStatusRunning})
	if err != nil || len(list.TaskArns) == 0 {
		t.Fatalf("tasks of %s: %v %v", service, list, err)
	}
	out, err := c.ecs.DescribeTasks(cx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: list.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range out.Tasks {
		for _, a := range task.Attachments {
			if aws.ToString(a.Type) != "ElasticNetworkInterface" {
				continue
			}
			for _, d := range a.Details {
				switch aws.ToString(d.Name) {
				case "subnetId":
					subnets = append(subnets, aws.ToString(d.Value))
				case "privateIPv4Address":
					ips = append(ips, aws.ToString(d.Value))
				}
			}
		}
	}
	return subnets, ips
}

func TestCreateServiceAwsvpc(t *testing.T) {
	w, tg := networkWorld(t)
	_, c := serve(t, w, Options{}, 1)
	cx := ctx(t)
	sn, err := c.ec2.DescribeSubnets(cx, &ec2.DescribeSubnetsInput{})
	if err != nil || len(sn.Subnets) != 3 {
		t.Fatalf("DescribeSubnets: %+v %v", sn, err)
	}
	zoneOf := map[string]string{}
	for _, s := range sn.Subnets {
		zoneOf[aws.ToString(s.SubnetId)] = aws.ToString(s.AvailabilityZone)
	}
	subnetA, subnetB := aws.ToString(sn.Subnets[0].SubnetId), aws.ToString(sn.Subnets[1].SubnetId)
	if _, err := c.ec2.DescribeSubnets(cx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-0nope"}}); code(err) != "InvalidSubnetID.NotFound" {
		t.Errorf("an unknown subnet id: %v", err)
	}

	base := func() *ecs.CreateServiceInput {
		return &ecs.CreateServiceInput{Cluster: aws.String("net"), ServiceName: aws.String("api"), TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(3)}
	}
	refused := []struct {
		name string
		mod  func(*ecs.CreateServiceInput)
		msg  string
	}{
		{"awsvpc without network configuration", func(*ecs.CreateServiceInput) {}, "Network Configuration must be provided when networkMode 'awsvpc' is specified."},
		{"no subnet", func(in *ecs.CreateServiceInput) { in.NetworkConfiguration = awsvpc([]string{}, nil, false) }, "subnets can not be empty."},
		{"unknown subnet", func(in *ecs.CreateServiceInput) {
			in.NetworkConfiguration = awsvpc([]string{"subnet-0nope"}, nil, false)
		},
			"The subnet ID 'subnet-0nope' does not exist"},
		{"unknown security group", func(in *ecs.CreateServiceInput) {
			in.NetworkConfiguration = awsvpc([]string{subnetA}, []string{"web"}, false)
		},
			"The security group 'web' does not exist"},
		{"public IP on EC2", func(in *ecs.CreateServiceInput) { in.NetworkConfiguration = awsvpc([]string{subnetA}, nil, true) },
			"Assign public IP is not supported for this launch type."},
		{"Fargate without awsvpc", func(in *ecs.CreateServiceInput) {
			in.TaskDefinition, in.LaunchType = aws.String("web"), types.LaunchTypeFargate
		}, "Fargate requires the awsvpc network mode"},
		{"exec without a task role", func(in *ecs.CreateServiceInput) {
			in.TaskDefinition, in.LaunchType, in.EnableExecuteCommand = aws.String("edge"), types.LaunchTypeFargate, true
			in.NetworkConfiguration = awsvpc([]string{subnetA}, nil, false)
		}, "a valid taskRoleArn is not being used"},
		{"instance target group for awsvpc", func(in *ecs.CreateServiceInput) {
			in.NetworkConfiguration = awsvpc([]string{subnetA}, nil, false)
			in.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String(w.AddTargetGroup(sim.TargetGroupSpec{Name: "inst"})),
				ContainerName: aws.String("api"), ContainerPort: aws.Int32(8080)}}
		}, "has target type instance, which is incompatible with the awsvpc network mode"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.mod(in)
			_, err := c.ecs.CreateService(cx, in)
			if code(err) != "InvalidParameterException" || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want InvalidParameterException with %q", err, tc.msg)
			}
		})
	}

	// On EC2 in one subnet: every task on the instance in that subnet's
	// zone, its interface in that subnet, registered by IP; exec enabled.
	in := base()
	in.NetworkConfiguration = awsvpc([]string{subnetA}, []string{"sg-0123456789abcdef0"}, false)
	in.EnableExecuteCommand = true
	in.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String("api"), ContainerPort: aws.Int32(8080)}}
	created, err := c.ecs.CreateService(cx, in)
	if err != nil {
		t.Fatal(err)
	}
	nc := created.Service.NetworkConfiguration
	if nc == nil || !slices.Equal(nc.AwsvpcConfiguration.Subnets, []string{subnetA}) || !slices.Equal(nc.AwsvpcConfiguration.SecurityGroups, []string{"sg-0123456789abcdef0"}) ||
		nc.AwsvpcConfiguration.AssignPublicIp != types.AssignPublicIpDisabled || !created.Service.EnableExecuteCommand {
		t.Errorf("created %+v network %+v", created.Service, nc)
	}
	w.Advance(2 * time.Minute)
	subnets, ips := eniSubnets(t, c, "net", "api")
	if len(subnets) != 3 || slices.ContainsFunc(subnets, func(s string) bool { return s != subnetA }) {
		t.Errorf("interfaces in %v, want 3 in %s", subnets, subnetA)
	}
	tasks, _ := c.ecs.ListTasks(cx, &ecs.ListTasksInput{Cluster: aws.String("net"), ServiceName: aws.String("api")})
	desc, _ := c.ecs.DescribeTasks(cx, &ecs.DescribeTasksInput{Cluster: aws.String("net"), Tasks: tasks.TaskArns})
	for _, task := range desc.Tasks {
		if aws.ToString(task.AvailabilityZone) != zoneOf[subnetA] || !task.EnableExecuteCommand {
			t.Errorf("task in %s (exec %v), want %s with exec", aws.ToString(task.AvailabilityZone), task.EnableExecuteCommand, zoneOf[subnetA])
		}
	}
	health := targetIPs(t, w, tg)
	slices.Sort(ips)
	if !slices.Equal(health, ips) {
		t.Errorf("ip targets %v, task addresses %v", health, ips)
	}

	// A new subnet list is a new deployment; its tasks go in the new subnet.
	upd, err := c.ecs.UpdateService(cx, &ecs.UpdateServiceInput{Cluster: aws.String("net"), Service: aws.String("api"),
		NetworkConfiguration: awsvpc([]string{subnetB}, nil, false)})
	if err != nil || len(upd.Service.Deployments) != 2 || !slices.Equal(upd.Service.NetworkConfiguration.AwsvpcConfiguration.Subnets, []string{subnetB}) {
		t.Fatalf("update network: %+v %v", upd, err)
	}
	w.Advance(5 * time.Minute)
	if subnets, _ := eniSubnets(t, c, "net", "api"); len(subnets) != 3 || slices.ContainsFunc(subnets, func(s string) bool { return s != subnetB }) {
		t.Errorf("after the update, interfaces in %v, want 3 in %s", subnets, subnetB)
	}
	if _, err := c.ecs.UpdateService(cx, &ecs.UpdateServiceInput{Cluster: aws.String("net"), Service: aws.String("api"),
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("memory")}}}); code(err) != "InvalidParameterException" ||
		!strings.Contains(err.Error(), "placementStrategy") {
		t.Errorf("UpdateService with a member the simulator does not model: %v", err)
	}

	// Fargate over two subnets, with a public IP: interfaces alternate.
	fg := &ecs.CreateServiceInput{Cluster: aws.String("net"), ServiceName: aws.String("edge"), TaskDefinition: aws.String("edge"), DesiredCount: aws.Int32(4),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpc([]string{subnetA, subnetB}, nil, true)}
	if out, err := c.ecs.CreateService(cx, fg); err != nil || out.Service.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp != types.AssignPublicIpEnabled {
		t.Fatalf("Fargate service: %+v %v", out, err)
	}
	w.Advance(2 * time.Minute)
	subnets, _ = eniSubnets(t, c, "net", "edge")
	slices.Sort(subnets)
	want := []string{subnetA, subnetA, subnetB, subnetB}
	slices.Sort(want)
	if !slices.Equal(subnets, want) {
		t.Errorf("Fargate interfaces in %v, want %v", subnets, want)
	}
}

// targetIPs are the addresses registered in an ip target group, sorted.
func targetIPs(t *testing.T, w *sim.World, tg string) []string {
	t.Helper()
	th, err := w.DescribeTargetHealth(tg)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range th {
		out = append(out, h.TargetID)
	}
	slices.Sort(out)
	return out
}
