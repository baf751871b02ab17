package aws

import (
	"strconv"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

func str(p *string) string { return sdkaws.ToString(p) }

func i32(p *int32) int { return int(sdkaws.ToInt32(p)) }

func tm(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return *p
}

func atoi(s *string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(sdkaws.ToString(s)))
	return n
}

func ecsTags(tags []ecstypes.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[str(t.Key)] = str(t.Value)
	}
	return m
}

func ecsFailures(fs []ecstypes.Failure) []model.Failure {
	out := make([]model.Failure, 0, len(fs))
	for _, f := range fs {
		out = append(out, model.Failure{ARN: str(f.Arn), Reason: str(f.Reason), Detail: str(f.Detail)})
	}
	return out
}

func fromCluster(c ecstypes.Cluster) model.Cluster {
	out := model.Cluster{
		ARN:                               str(c.ClusterArn),
		Name:                              str(c.ClusterName),
		Status:                            str(c.Status),
		ActiveServicesCount:               int(c.ActiveServicesCount),
		RunningTasksCount:                 int(c.RunningTasksCount),
		PendingTasksCount:                 int(c.PendingTasksCount),
		RegisteredContainerInstancesCount: int(c.RegisteredContainerInstancesCount),
		Tags:                              ecsTags(c.Tags),
	}
	out.CapacityProviders, out.DefaultStrategy = c.CapacityProviders, fromStrategy(c.DefaultCapacityProviderStrategy)
	return out
}

func fromService(s ecstypes.Service) model.Service {
	out := model.Service{
		ARN:                    str(s.ServiceArn),
		Name:                   str(s.ServiceName),
		ClusterARN:             str(s.ClusterArn),
		Status:                 str(s.Status),
		DesiredCount:           int(s.DesiredCount),
		RunningCount:           int(s.RunningCount),
		PendingCount:           int(s.PendingCount),
		LaunchType:             string(s.LaunchType),
		SchedulingStrategy:     string(s.SchedulingStrategy),
		TaskDefinitionARN:      str(s.TaskDefinition),
		HealthCheckGracePeriod: time.Duration(i32(s.HealthCheckGracePeriodSeconds)) * time.Second,
		CreatedAt:              tm(s.CreatedAt),
		Tags:                   ecsTags(s.Tags),
		EnableExecuteCommand:   s.EnableExecuteCommand,
	}
	out.CapacityProviderStrategy = fromStrategy(s.CapacityProviderStrategy)
	out.PlatformVersion = str(s.PlatformVersion)
	if nc := s.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
		out.Subnets = nc.AwsvpcConfiguration.Subnets
		out.SecurityGroups = nc.AwsvpcConfiguration.SecurityGroups
		out.AssignPublicIP = nc.AwsvpcConfiguration.AssignPublicIp == ecstypes.AssignPublicIpEnabled
	}
	if out.SchedulingStrategy == "" {
		out.SchedulingStrategy = string(ecstypes.SchedulingStrategyReplica) // ECS's default
	}
	out.DeploymentConfiguration = deploymentConfiguration(s.DeploymentConfiguration, out.SchedulingStrategy)
	for _, d := range s.Deployments {
		out.Deployments = append(out.Deployments, model.Deployment{
			ID:                 str(d.Id),
			Status:             str(d.Status),
			TaskDefinitionARN:  str(d.TaskDefinition),
			DesiredCount:       int(d.DesiredCount),
			PendingCount:       int(d.PendingCount),
			RunningCount:       int(d.RunningCount),
			FailedTasks:        int(d.FailedTasks),
			RolloutState:       string(d.RolloutState),
			RolloutStateReason: str(d.RolloutStateReason),
			LaunchType:         string(d.LaunchType),
			CreatedAt:          tm(d.CreatedAt),
			UpdatedAt:          tm(d.UpdatedAt),
		})
	}
	for _, e := range s.Events {
		out.Events = append(out.Events, model.ServiceEvent{ID: str(e.Id), CreatedAt: tm(e.CreatedAt), Message: str(e.Message)})
	}
	for _, lb := range s.LoadBalancers {
		out.LoadBalancers = append(out.LoadBalancers, model.LoadBalancer{
			TargetGroupARN:   str(lb.TargetGroupArn),
			LoadBalancerName: str(lb.LoadBalancerName),
			ContainerName:    str(lb.ContainerName),
			ContainerPort:    i32(lb.ContainerPort),
		})
	}
	for _, p := range s.PlacementStrategy {
		out.PlacementStrategy = append(out.PlacementStrategy, model.PlacementStrategy{Type: string(p.Type), Field: str(p.Field)})
	}
	for _, p := range s.PlacementConstraints {
		out.PlacementConstraints = append(out.PlacementConstraints, model.PlacementConstraint{Type: string(p.Type), Expression: str(p.Expression)})
	}
	orderService(&out)
	return out
}

func fromTask(t ecstypes.Task) model.Task {
	out := model.Task{
		ARN:                  str(t.TaskArn),
		ID:                   model.ResourceID(str(t.TaskArn)),
		ClusterARN:           str(t.ClusterArn),
		TaskDefinitionARN:    str(t.TaskDefinitionArn),
		ContainerInstanceARN: str(t.ContainerInstanceArn),
		Group:                str(t.Group),
		StartedBy:            str(t.StartedBy),
		LastStatus:           str(t.LastStatus),
		DesiredStatus:        str(t.DesiredStatus),
		HealthStatus:         string(t.HealthStatus),
		LaunchType:           string(t.LaunchType),
		AvailabilityZone:     str(t.AvailabilityZone),
		CPU:                  atoi(t.Cpu),
		Memory:               atoi(t.Memory),
		CreatedAt:            tm(t.CreatedAt),
		StartedAt:            tm(t.StartedAt),
		StoppingAt:           tm(t.StoppingAt),
		StoppedAt:            tm(t.StoppedAt),
		StopCode:             string(t.StopCode),
		StoppedReason:        str(t.StoppedReason),
		Tags:                 ecsTags(t.Tags),
		EnableExecuteCommand: t.EnableExecuteCommand,
		PlatformFamily:       str(t.PlatformFamily),
		PlatformVersion:      str(t.PlatformVersion),
		CapacityProviderName: str(t.CapacityProviderName),
	}
	// An awsvpc task's network interface is an attachment whose details
	// name it; a Fargate task's too.
	for _, a := range t.Attachments {
		if str(a.Type) != "ElasticNetworkInterface" {
			continue
		}
		for _, d := range a.Details {
			switch str(d.Name) {
			case "privateIPv4Address":
				out.PrivateIP = str(d.Value)
			case "networkInterfaceId":
				out.ENIID = str(d.Value)
			case "subnetId":
				out.SubnetID = str(d.Value)
			}
		}
	}
	for _, c := range t.Containers {
		mc := model.Container{
			ARN:          str(c.ContainerArn),
			Name:         str(c.Name),
			Image:        str(c.Image),
			ImageDigest:  str(c.ImageDigest),
			RuntimeID:    str(c.RuntimeId),
			LastStatus:   str(c.LastStatus),
			HealthStatus: string(c.HealthStatus),
			Reason:       str(c.Reason),
			CPU:          atoi(c.Cpu),
			Memory:       atoi(c.Memory),
		}
		if c.ExitCode != nil {
			v := int(*c.ExitCode)
			mc.ExitCode = &v
		}
		for _, a := range c.ManagedAgents {
			mc.ManagedAgents = append(mc.ManagedAgents, model.ManagedAgent{
				Name: string(a.Name), LastStatus: str(a.LastStatus), Reason: str(a.Reason), LastStartedAt: tm(a.LastStartedAt),
			})
		}
		for _, b := range c.NetworkBindings {
			mc.NetworkBindings = append(mc.NetworkBindings, model.NetworkBinding{
				BindIP:        str(b.BindIP),
				ContainerPort: i32(b.ContainerPort),
				HostPort:      i32(b.HostPort),
				Protocol:      string(b.Protocol),
			})
		}
		out.Containers = append(out.Containers, mc)
	}
	return out
}

func fromResources(rs []ecstypes.Resource) model.Resources {
	var r model.Resources
	for _, x := range rs {
		switch str(x.Name) {
		case "CPU":
			r.CPU = int(x.IntegerValue)
		case "MEMORY":
			r.Memory = int(x.IntegerValue)
		case "PORTS":
			r.Ports = ports(x.StringSetValue)
		case "PORTS_UDP":
			r.PortsUDP = ports(x.StringSetValue)
		}
	}
	return r
}

func ports(ss []string) []int {
	var out []int
	for _, s := range ss {
		if n, err := strconv.Atoi(s); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func fromContainerInstance(ci ecstypes.ContainerInstance) model.ContainerInstance {
	out := model.ContainerInstance{
		ARN:               str(ci.ContainerInstanceArn),
		ID:                model.ResourceID(str(ci.ContainerInstanceArn)),
		EC2InstanceID:     str(ci.Ec2InstanceId),
		Status:            str(ci.Status),
		StatusReason:      str(ci.StatusReason),
		AgentConnected:    ci.AgentConnected,
		Registered:        fromResources(ci.RegisteredResources),
		Remaining:         fromResources(ci.RemainingResources),
		RunningTasksCount: int(ci.RunningTasksCount),
		PendingTasksCount: int(ci.PendingTasksCount),
		RegisteredAt:      tm(ci.RegisteredAt),
		Tags:              ecsTags(ci.Tags),
	}
	if out.ClusterARN == "" {
		out.ClusterARN = clusterARNOfInstance(out.ARN)
	}
	out.CapacityProviderName = str(ci.CapacityProviderName)
	if v := ci.VersionInfo; v != nil {
		out.AgentVersion = str(v.AgentVersion)
		out.DockerVersion = str(v.DockerVersion)
	}
	if len(ci.Attributes) > 0 {
		out.Attributes = make(map[string]string, len(ci.Attributes))
		for _, a := range ci.Attributes {
			out.Attributes[str(a.Name)] = str(a.Value)
		}
		out.AvailabilityZone = out.Attributes["ecs.availability-zone"]
		out.InstanceType = out.Attributes["ecs.instance-type"]
		out.AMIID = out.Attributes["ecs.ami-id"]
	}
	return out
}

// clusterARNOfInstance derives the cluster ARN from a long-format container
// instance ARN (arn:…:container-instance/CLUSTER/ID); "" for the old format.
func clusterARNOfInstance(arn string) string {
	i := strings.Index(arn, ":container-instance/")
	if i < 0 {
		return ""
	}
	rest := arn[i+len(":container-instance/"):]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		return ""
	}
	return arn[:i] + ":cluster/" + rest[:j]
}
