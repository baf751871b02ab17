package wire

import (
	"time"

	"github.com/ecstui/ecstui/model"
)

// Task definitions travel both ways (DescribeTaskDefinition out,
// RegisterTaskDefinition in), so these shapes decode as well as encode.

type jsKeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type jsPortMapping struct {
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol,omitempty"`
}

type jsMountPoint struct {
	SourceVolume  string `json:"sourceVolume,omitempty"`
	ContainerPath string `json:"containerPath,omitempty"`
	ReadOnly      bool   `json:"readOnly"`
}

type jsVolumeFrom struct {
	SourceContainer string `json:"sourceContainer,omitempty"`
	ReadOnly        bool   `json:"readOnly"`
}

type jsHostVolume struct {
	SourcePath string `json:"sourcePath,omitempty"`
}

type jsVolume struct {
	Name string        `json:"name,omitempty"`
	Host *jsHostVolume `json:"host,omitempty"`
}

type jsLogConfiguration struct {
	LogDriver     string            `json:"logDriver"`
	Options       map[string]string `json:"options,omitempty"`
	SecretOptions []any             `json:"secretOptions,omitempty"`
}

type jsHealthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval,omitempty"`
	Timeout     int      `json:"timeout,omitempty"`
	Retries     int      `json:"retries,omitempty"`
	StartPeriod int      `json:"startPeriod,omitempty"`
}

type jsUlimit struct {
	Name      string `json:"name"`
	SoftLimit int    `json:"softLimit"`
	HardLimit int    `json:"hardLimit"`
}

type jsContainerDefinition struct {
	Name              string              `json:"name"`
	Image             string              `json:"image"`
	CPU               int                 `json:"cpu"`
	Memory            int                 `json:"memory,omitempty"`
	MemoryReservation int                 `json:"memoryReservation,omitempty"`
	Links             []string            `json:"links,omitempty"`
	PortMappings      []jsPortMapping     `json:"portMappings"`
	Essential         *bool               `json:"essential,omitempty"`
	EntryPoint        []string            `json:"entryPoint,omitempty"`
	Command           []string            `json:"command,omitempty"`
	Environment       []jsKeyValue        `json:"environment"`
	MountPoints       []jsMountPoint      `json:"mountPoints"`
	VolumesFrom       []jsVolumeFrom      `json:"volumesFrom"`
	Hostname          string              `json:"hostname,omitempty"`
	Ulimits           []jsUlimit          `json:"ulimits,omitempty"`
	LogConfiguration  *jsLogConfiguration `json:"logConfiguration,omitempty"`
	HealthCheck       *jsHealthCheck      `json:"healthCheck,omitempty"`
	SystemControls    []any               `json:"systemControls"`
}

type jsTaskDefinition struct {
	TaskDefinitionArn       string                  `json:"taskDefinitionArn,omitempty"`
	ContainerDefinitions    []jsContainerDefinition `json:"containerDefinitions"`
	Family                  string                  `json:"family"`
	TaskRoleArn             string                  `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn        string                  `json:"executionRoleArn,omitempty"`
	NetworkMode             string                  `json:"networkMode,omitempty"`
	Revision                int                     `json:"revision,omitempty"`
	Volumes                 []jsVolume              `json:"volumes"`
	Status                  string                  `json:"status,omitempty"`
	RequiresAttributes      []jsAttribute           `json:"requiresAttributes,omitempty"`
	PlacementConstraints    []jsConstraint          `json:"placementConstraints"`
	Compatibilities         []string                `json:"compatibilities,omitempty"`
	RequiresCompatibilities []string                `json:"requiresCompatibilities,omitempty"`
	CPU                     string                  `json:"cpu,omitempty"`
	Memory                  string                  `json:"memory,omitempty"`
	RegisteredAt            epoch                   `json:"registeredAt,omitzero"`
	RegisteredBy            string                  `json:"registeredBy,omitempty"`
}

func secs(d time.Duration) int { return int(d / time.Second) }

func taskDefinitionOf(td model.TaskDefinition) jsTaskDefinition {
	out := jsTaskDefinition{
		TaskDefinitionArn: td.ARN, ContainerDefinitions: []jsContainerDefinition{}, Family: td.Family,
		TaskRoleArn: td.TaskRoleARN, ExecutionRoleArn: td.ExecutionRoleARN, NetworkMode: td.NetworkMode,
		Revision: td.Revision, Volumes: []jsVolume{}, Status: td.Status, PlacementConstraints: []jsConstraint{},
		Compatibilities: []string{"EC2"}, RequiresCompatibilities: td.RequiresCompatibilities,
		CPU: td.CPU, Memory: td.Memory, RegisteredAt: epoch(td.RegisteredAt),
		RegisteredBy: "arn:aws:iam::" + AccountID + ":role/admin",
	}
	if out.NetworkMode == "" {
		out.NetworkMode = "bridge"
	}
	for _, v := range td.Volumes {
		jv := jsVolume{Name: v.Name}
		if v.SourcePath != "" {
			jv.Host = &jsHostVolume{SourcePath: v.SourcePath}
		}
		out.Volumes = append(out.Volumes, jv)
	}
	for _, c := range td.PlacementConstraints {
		out.PlacementConstraints = append(out.PlacementConstraints, jsConstraint(c))
	}
	for _, c := range td.Containers {
		out.ContainerDefinitions = append(out.ContainerDefinitions, containerDefinitionOf(c))
	}
	return out
}

func containerDefinitionOf(c model.ContainerDefinition) jsContainerDefinition {
	essential := c.Essential
	out := jsContainerDefinition{
		Name: c.Name, Image: c.Image, CPU: c.CPU, Memory: c.Memory, MemoryReservation: c.MemoryReservation,
		Links: c.Links, PortMappings: []jsPortMapping{}, Essential: &essential, EntryPoint: c.EntryPoint,
		Command: c.Command, Environment: []jsKeyValue{}, MountPoints: []jsMountPoint{}, VolumesFrom: []jsVolumeFrom{},
		Hostname: c.Hostname, SystemControls: []any{},
	}
	for _, p := range c.PortMappings {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		out.PortMappings = append(out.PortMappings, jsPortMapping{ContainerPort: p.ContainerPort, HostPort: p.HostPort, Protocol: proto})
	}
	for _, e := range c.Environment {
		out.Environment = append(out.Environment, jsKeyValue(e))
	}
	for _, m := range c.MountPoints {
		out.MountPoints = append(out.MountPoints, jsMountPoint(m))
	}
	for _, v := range c.VolumesFrom {
		out.VolumesFrom = append(out.VolumesFrom, jsVolumeFrom(v))
	}
	for _, u := range c.Ulimits {
		out.Ulimits = append(out.Ulimits, jsUlimit(u))
	}
	if lc := c.LogConfiguration; lc != nil {
		out.LogConfiguration = &jsLogConfiguration{LogDriver: lc.LogDriver, Options: lc.Options, SecretOptions: []any{}}
	}
	if hc := c.HealthCheck; hc != nil {
		out.HealthCheck = &jsHealthCheck{Command: hc.Command, Interval: secs(hc.Interval), Timeout: secs(hc.Timeout),
			Retries: hc.Retries, StartPeriod: secs(hc.StartPeriod)}
	}
	return out
}

// modelTaskDefinition converts a RegisterTaskDefinition request.
func modelTaskDefinition(in jsTaskDefinition) model.TaskDefinition {
	td := model.TaskDefinition{
		Family: in.Family, NetworkMode: in.NetworkMode, CPU: in.CPU, Memory: in.Memory,
		TaskRoleARN: in.TaskRoleArn, ExecutionRoleARN: in.ExecutionRoleArn,
		RequiresCompatibilities: in.RequiresCompatibilities,
	}
	for _, v := range in.Volumes {
		mv := model.Volume{Name: v.Name}
		if v.Host != nil {
			mv.SourcePath = v.Host.SourcePath
		}
		td.Volumes = append(td.Volumes, mv)
	}
	for _, c := range in.PlacementConstraints {
		td.PlacementConstraints = append(td.PlacementConstraints, model.PlacementConstraint(c))
	}
	for _, c := range in.ContainerDefinitions {
		mc := model.ContainerDefinition{
			Name: c.Name, Image: c.Image, CPU: c.CPU, Memory: c.Memory, MemoryReservation: c.MemoryReservation,
			// ECS treats a container as essential unless told otherwise.
			Essential: c.Essential == nil || *c.Essential,
			Hostname:  c.Hostname, Command: c.Command, EntryPoint: c.EntryPoint, Links: c.Links,
		}
		for _, e := range c.Environment {
			mc.Environment = append(mc.Environment, model.KeyValue(e))
		}
		for _, p := range c.PortMappings {
			mc.PortMappings = append(mc.PortMappings, model.PortMapping(p))
		}
		for _, m := range c.MountPoints {
			mc.MountPoints = append(mc.MountPoints, model.MountPoint(m))
		}
		for _, v := range c.VolumesFrom {
			mc.VolumesFrom = append(mc.VolumesFrom, model.VolumeFrom(v))
		}
		for _, u := range c.Ulimits {
			mc.Ulimits = append(mc.Ulimits, model.Ulimit(u))
		}
		if lc := c.LogConfiguration; lc != nil {
			mc.LogConfiguration = &model.LogConfiguration{LogDriver: lc.LogDriver, Options: lc.Options}
		}
		if hc := c.HealthCheck; hc != nil {
			mc.HealthCheck = &model.HealthCheck{Command: hc.Command, Interval: time.Duration(hc.Interval) * time.Second,
				Timeout: time.Duration(hc.Timeout) * time.Second, Retries: hc.Retries,
				StartPeriod: time.Duration(hc.StartPeriod) * time.Second}
		}
		td.Containers = append(td.Containers, mc)
	}
	return td
}
