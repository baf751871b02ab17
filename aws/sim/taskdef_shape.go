package sim

import (
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

var (
	familyPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)
	// Task-level sizes as ECS accepts them: CPU units or vCPUs ("256",
	// "1 vCPU", ".25 vcpu"), memory MiB or GB ("512", "1 GB", "2GB").
	taskCPUPattern    = regexp.MustCompile(`(?i)^(\d+|\d*\.?\d+ ?vcpu)$`)
	taskMemoryPattern = regexp.MustCompile(`(?i)^(\d+|\d*\.?\d+ ?gb)$`)
)

func clientError(format string, args ...any) error {
	return simapi.Errorf(simapi.CodeClientException, format, args...)
}

// validateTaskDef refuses what ECS refuses among the requests the simulator
// accepts: it never accepts a combination ECS would turn down.
func validateTaskDef(in *ecs.RegisterTaskDefinitionInput) error {
	if in.Family == nil || !familyPattern.MatchString(*in.Family) {
		return clientError("Family contains invalid characters.")
	}
	if err := validateEnums(in); err != nil {
		return err
	}
	if in.Cpu != nil && !taskCPUPattern.MatchString(*in.Cpu) {
		return clientError("Invalid 'cpu' setting for task.")
	}
	if in.Memory != nil && !taskMemoryPattern.MatchString(*in.Memory) {
		return clientError("Invalid 'memory' setting for task.")
	}
	if len(in.ContainerDefinitions) == 0 {
		return clientError("Container list cannot be empty.")
	}
	essential := false
	names := map[string]bool{}
	for _, c := range in.ContainerDefinitions {
		name := deref(c.Name)
		if name == "" || deref(c.Image) == "" {
			return clientError("Container.name and Container.image should not be null or empty.")
		}
		if names[name] {
			return clientError("Duplicate container name '%s' in the task definition.", name)
		}
		names[name] = true
		if deref(c.Memory) == 0 && deref(c.MemoryReservation) == 0 && deref(in.Memory) == "" {
			return clientError("Invalid setting for container '%s'. At least one of 'memory' or 'memoryReservation' must be specified.", name)
		}
		essential = essential || c.Essential == nil || *c.Essential
		if in.NetworkMode == ecstypes.NetworkModeAwsvpc {
			for _, p := range c.PortMappings {
				if p.HostPort != nil && p.ContainerPort != nil && *p.HostPort != *p.ContainerPort {
					return clientError("When networkMode=awsvpc, the host ports and container ports in port mappings must match.")
				}
			}
		}
	}
	if !essential {
		return clientError("Task definition must have at least one essential container.")
	}
	if slices.Contains(in.RequiresCompatibilities, ecstypes.CompatibilityFargate) {
		if err := validateFargate(in); err != nil {
			return err
		}
	}
	for _, t := range in.Tags {
		if err := validateTag(deref(t.Key), deref(t.Value)); err != nil {
			return err
		}
	}
	if len(in.Tags) > maxTags {
		return simapi.Errorf(simapi.CodeInvalidParameter, "A resource can have at most %d tags.", maxTags)
	}
	return nil
}

// validateEnums refuses values the API model does not know.
func validateEnums(in *ecs.RegisterTaskDefinitionInput) error {
	bad := func(field, v string, values []string) error {
		return clientError("Invalid value '%s' for %s. Valid values: %s.", v, field, strings.Join(values, ", "))
	}
	if in.NetworkMode != "" && !slices.Contains(in.NetworkMode.Values(), in.NetworkMode) {
		return bad("networkMode", string(in.NetworkMode), enumStrings(in.NetworkMode.Values()))
	}
	if in.PidMode != "" && !slices.Contains(in.PidMode.Values(), in.PidMode) {
		return bad("pidMode", string(in.PidMode), enumStrings(in.PidMode.Values()))
	}
	if in.IpcMode != "" && !slices.Contains(in.IpcMode.Values(), in.IpcMode) {
		return bad("ipcMode", string(in.IpcMode), enumStrings(in.IpcMode.Values()))
	}
	for _, c := range in.RequiresCompatibilities {
		if !slices.Contains(c.Values(), c) {
			return bad("requiresCompatibilities", string(c), enumStrings(c.Values()))
		}
	}
	return nil
}

func enumStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// validateFargate applies the rules ECS checks for a FARGATE requirement.
func validateFargate(in *ecs.RegisterTaskDefinitionInput) error {
	switch {
	case in.NetworkMode != ecstypes.NetworkModeAwsvpc:
		return clientError("Fargate only supports network mode ‘awsvpc’.")
	case deref(in.Cpu) == "":
		return clientError("Fargate requires that 'cpu' be defined at the task level.")
	case deref(in.Memory) == "":
		return clientError("Fargate requires that 'memory' be defined at the task level.")
	case in.PidMode != "" && in.PidMode != ecstypes.PidModeTask:
		return clientError("Tasks using the Fargate launch type do not support pidMode '%s'. The supported value for pidMode is 'task'.", in.PidMode)
	case in.IpcMode != "":
		return clientError("Tasks using the Fargate launch type do not support ipcMode.")
	}
	return nil
}

// fullTaskDef is the revision ECS stores for a request: every field of the
// request, plus what ECS fills in itself (empty lists it always returns,
// default protocol and host ports, essential, compatibilities, required
// attributes). It never invents requiresCompatibilities or a network mode.
func fullTaskDef(in *ecs.RegisterTaskDefinitionInput) ecstypes.TaskDefinition {
	td := ecstypes.TaskDefinition{
		ContainerDefinitions:    in.ContainerDefinitions,
		Cpu:                     in.Cpu,
		EnableFaultInjection:    in.EnableFaultInjection,
		EphemeralStorage:        in.EphemeralStorage,
		ExecutionRoleArn:        in.ExecutionRoleArn,
		Family:                  in.Family,
		InferenceAccelerators:   in.InferenceAccelerators,
		IpcMode:                 in.IpcMode,
		Memory:                  in.Memory,
		NetworkMode:             in.NetworkMode,
		PidMode:                 in.PidMode,
		PlacementConstraints:    nonNil(in.PlacementConstraints),
		ProxyConfiguration:      in.ProxyConfiguration,
		RequiresCompatibilities: in.RequiresCompatibilities,
		RuntimePlatform:         in.RuntimePlatform,
		TaskRoleArn:             in.TaskRoleArn,
		Volumes:                 nonNil(in.Volumes),
	}
	for i := range td.ContainerDefinitions {
		normalizeContainer(&td.ContainerDefinitions[i], td.NetworkMode)
	}
	td.Compatibilities = compatibilitiesOf(td)
	td.RequiresAttributes = requiresAttributesOf(td)
	return td
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// normalizeContainer fills in what ECS reports for a container although the
// request left it out.
func normalizeContainer(c *ecstypes.ContainerDefinition, mode ecstypes.NetworkMode) {
	if c.Essential == nil {
		c.Essential = pointer(true)
	}
	c.PortMappings = nonNil(c.PortMappings)
	c.Environment = nonNil(c.Environment)
	c.MountPoints = nonNil(c.MountPoints)
	c.VolumesFrom = nonNil(c.VolumesFrom)
	c.SystemControls = nonNil(c.SystemControls)
	for i := range c.PortMappings {
		p := &c.PortMappings[i]
		if p.Protocol == "" {
			p.Protocol = ecstypes.TransportProtocolTcp
		}
		if p.HostPort == nil && p.ContainerPort != nil && (mode == ecstypes.NetworkModeAwsvpc || mode == ecstypes.NetworkModeHost) {
			p.HostPort = pointer(*p.ContainerPort)
		}
	}
}

// compatibilitiesOf lists the launch types a revision can run on: EC2
// always, EXTERNAL unless it uses awsvpc, FARGATE when it has what Fargate
// requires, and anything it requires.
func compatibilitiesOf(td ecstypes.TaskDefinition) []ecstypes.Compatibility {
	var out []ecstypes.Compatibility
	if td.NetworkMode != ecstypes.NetworkModeAwsvpc {
		out = append(out, ecstypes.CompatibilityExternal)
	}
	out = append(out, ecstypes.CompatibilityEc2)
	if td.NetworkMode == ecstypes.NetworkModeAwsvpc && deref(td.Cpu) != "" && deref(td.Memory) != "" &&
		(td.PidMode == "" || td.PidMode == ecstypes.PidModeTask) && td.IpcMode == "" {
		out = append(out, ecstypes.CompatibilityFargate)
	}
	for _, c := range td.RequiresCompatibilities {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// requiresAttributesOf lists the container agent capabilities a revision
// needs, as ECS derives them. (The simulated agents have them all, so
// placement does not check them.)
func requiresAttributesOf(td ecstypes.TaskDefinition) []ecstypes.Attribute {
	var names []string
	add := func(n string) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if deref(td.TaskRoleArn) != "" {
		add("com.amazonaws.ecs.capability.task-iam-role")
	}
	if td.NetworkMode == ecstypes.NetworkModeAwsvpc {
		add("ecs.capability.task-eni")
	}
	for _, c := range td.ContainerDefinitions {
		if c.LogConfiguration != nil && c.LogConfiguration.LogDriver != "" {
			add("com.amazonaws.ecs.capability.logging-driver." + string(c.LogConfiguration.LogDriver))
			if c.LogConfiguration.LogDriver == ecstypes.LogDriverAwslogs && deref(td.ExecutionRoleArn) != "" {
				add("ecs.capability.execution-role-awslogs")
			}
		}
		if len(c.DockerLabels) > 0 {
			add("com.amazonaws.ecs.capability.docker-remote-api.1.18")
		}
		if c.HealthCheck != nil {
			add("ecs.capability.container-health-check")
		}
		if len(c.DependsOn) > 0 {
			add("ecs.capability.container-ordering")
		}
		for _, s := range c.Secrets {
			if strings.Contains(deref(s.ValueFrom), ":secretsmanager:") {
				add("ecs.capability.secrets.asm.environment-variables")
			} else {
				add("ecs.capability.secrets.ssm.environment-variables")
			}
		}
	}
	for _, v := range td.Volumes {
		if v.EfsVolumeConfiguration != nil {
			add("ecs.capability.efsAuth")
		}
	}
	out := make([]ecstypes.Attribute, len(names))
	for i, n := range names {
		out[i] = ecstypes.Attribute{Name: pointer(n)}
	}
	return out
}
