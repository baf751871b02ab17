package ops

import (
	"fmt"

	"github.com/ecstui/ecstui/model"
)

// fixture builders for plan tests: a cluster of n instances with the given
// free CPU/memory, a service of k tasks spread one per instance.

func taskDef(family string, rev, cpu, mem, hostPort int) model.TaskDefinition {
	return model.TaskDefinition{
		ARN: fmt.Sprintf("arn:aws:ecs:eu-west-1:1:task-definition/%s:%d", family, rev), Family: family, Revision: rev, NetworkMode: "bridge",
		Containers: []model.ContainerDefinition{{Name: "web", Image: family + ":v1", CPU: cpu, Memory: mem, Essential: true,
			PortMappings: []model.PortMapping{{ContainerPort: 8080, HostPort: hostPort, Protocol: "tcp"}}}},
	}
}

func instances(n, freeCPU, freeMem int, usedPorts ...int) []model.ContainerInstance {
	out := make([]model.ContainerInstance, n)
	for i := range out {
		out[i] = model.ContainerInstance{
			ARN: fmt.Sprintf("arn:aws:ecs:eu-west-1:1:container-instance/prod/ci%d", i), ID: fmt.Sprintf("ci%d", i),
			EC2InstanceID: fmt.Sprintf("i-%04d", i), Status: model.InstanceActive, AgentConnected: true,
			AvailabilityZone: "eu-west-1a", AMIID: "ami-old", AgentVersion: "1.70.0", AutoScalingGroup: "asg",
			Registered: model.Resources{CPU: 2048, Memory: 4096},
			Remaining:  model.Resources{CPU: freeCPU, Memory: freeMem, Ports: append([]int{22}, usedPorts...)},
		}
	}
	return out
}

func serviceTasks(svc string, td model.TaskDefinition, on []model.ContainerInstance, k int) []model.Task {
	var out []model.Task
	for i := range k {
		ci := on[i%len(on)]
		out = append(out, model.Task{
			ARN: fmt.Sprintf("arn:aws:ecs:eu-west-1:1:task/prod/%s%d", svc, i), ID: fmt.Sprintf("%s%d", svc, i),
			TaskDefinitionARN: td.ARN, ContainerInstanceARN: ci.ARN, Group: "service:" + svc, LastStatus: model.StatusRunning,
		})
	}
	return out
}

func service(name string, td model.TaskDefinition, desired, minPct, maxPct int) model.Service {
	return model.Service{
		Name: name, ARN: "arn:aws:ecs:eu-west-1:1:service/prod/" + name, Status: "ACTIVE", DesiredCount: desired, RunningCount: desired,
		SchedulingStrategy: "REPLICA", LaunchType: "EC2", TaskDefinitionARN: td.ARN,
		DeploymentConfiguration: model.DeploymentConfiguration{MinimumHealthyPercent: minPct, MaximumPercent: maxPct,
			CircuitBreaker: model.CircuitBreaker{Enable: true, Rollback: true}},
		Deployments: []model.Deployment{{ID: "ecs-svc/1", Status: model.DeploymentPrimary, TaskDefinitionARN: td.ARN, DesiredCount: desired, RunningCount: desired, RolloutState: model.RolloutCompleted}},
	}
}

func ptr(n int) *int { return &n }
