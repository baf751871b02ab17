package aws

import (
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

func secs(p *int32) time.Duration { return time.Duration(i32(p)) * time.Second }

func fromTaskDefinition(td ecstypes.TaskDefinition) model.TaskDefinition {
	out := model.TaskDefinition{
		ARN:              str(td.TaskDefinitionArn),
		Family:           str(td.Family),
		Revision:         int(td.Revision),
		Status:           string(td.Status),
		NetworkMode:      string(td.NetworkMode),
		CPU:              str(td.Cpu),
		Memory:           str(td.Memory),
		TaskRoleARN:      str(td.TaskRoleArn),
		ExecutionRoleARN: str(td.ExecutionRoleArn),
		RegisteredAt:     tm(td.RegisteredAt),
	}
	for _, c := range td.RequiresCompatibilities {
		out.RequiresCompatibilities = append(out.RequiresCompatibilities, string(c))
	}
	for _, v := range td.Volumes {
		mv := model.Volume{Name: str(v.Name)}
		if v.Host != nil {
			mv.SourcePath = str(v.Host.SourcePath)
		}
		out.Volumes = append(out.Volumes, mv)
	}
	for _, p := range td.PlacementConstraints {
		out.PlacementConstraints = append(out.PlacementConstraints, model.PlacementConstraint{Type: string(p.Type), Expression: str(p.Expression)})
	}
	for _, c := range td.ContainerDefinitions {
		mc := model.ContainerDefinition{
			Name:              str(c.Name),
			Image:             str(c.Image),
			CPU:               int(c.Cpu),
			Memory:            i32(c.Memory),
			MemoryReservation: i32(c.MemoryReservation),
			Essential:         c.Essential == nil || *c.Essential,
			Hostname:          str(c.Hostname),
			Command:           c.Command,
			EntryPoint:        c.EntryPoint,
			Links:             c.Links,

			ReadonlyRootFilesystem: sdkaws.ToBool(c.ReadonlyRootFilesystem),
		}
		for _, e := range c.Environment {
			mc.Environment = append(mc.Environment, model.KeyValue{Name: str(e.Name), Value: str(e.Value)})
		}
		for _, p := range c.PortMappings {
			mc.PortMappings = append(mc.PortMappings, model.PortMapping{ContainerPort: i32(p.ContainerPort), HostPort: i32(p.HostPort), Protocol: string(p.Protocol)})
		}
		for _, m := range c.MountPoints {
			mc.MountPoints = append(mc.MountPoints, model.MountPoint{SourceVolume: str(m.SourceVolume), ContainerPath: str(m.ContainerPath), ReadOnly: sdkaws.ToBool(m.ReadOnly)})
		}
		for _, v := range c.VolumesFrom {
			mc.VolumesFrom = append(mc.VolumesFrom, model.VolumeFrom{SourceContainer: str(v.SourceContainer), ReadOnly: sdkaws.ToBool(v.ReadOnly)})
		}
		if lc := c.LogConfiguration; lc != nil {
			mc.LogConfiguration = &model.LogConfiguration{LogDriver: string(lc.LogDriver), Options: lc.Options}
		}
		if hc := c.HealthCheck; hc != nil {
			mc.HealthCheck = &model.HealthCheck{Command: hc.Command, Interval: secs(hc.Interval), Timeout: secs(hc.Timeout), Retries: i32(hc.Retries), StartPeriod: secs(hc.StartPeriod)}
		}
		for _, u := range c.Ulimits {
			mc.Ulimits = append(mc.Ulimits, model.Ulimit{Name: string(u.Name), SoftLimit: int(u.SoftLimit), HardLimit: int(u.HardLimit)})
		}
		out.Containers = append(out.Containers, mc)
	}
	return out
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return sdkaws.String(s)
}

func optSecs(conv *int32s, field string, d time.Duration) *int32 {
	if d == 0 {
		return nil
	}
	return conv.ptr(field, int(d/time.Second))
}

// registerInput copies a model task definition into a RegisterTaskDefinition
// request: the fields ecstui models are carried over, so a new revision made
// from an old one keeps them.
func registerInput(td model.TaskDefinition) (*ecs.RegisterTaskDefinitionInput, error) {
	conv := &int32s{service: "ecs", op: "RegisterTaskDefinition"}
	in := &ecs.RegisterTaskDefinitionInput{
		Family:           sdkaws.String(td.Family),
		NetworkMode:      ecstypes.NetworkMode(td.NetworkMode),
		Cpu:              optStr(td.CPU),
		Memory:           optStr(td.Memory),
		TaskRoleArn:      optStr(td.TaskRoleARN),
		ExecutionRoleArn: optStr(td.ExecutionRoleARN),
	}
	for _, c := range td.RequiresCompatibilities {
		in.RequiresCompatibilities = append(in.RequiresCompatibilities, ecstypes.Compatibility(c))
	}
	for _, v := range td.Volumes {
		sv := ecstypes.Volume{Name: sdkaws.String(v.Name)}
		if v.SourcePath != "" {
			sv.Host = &ecstypes.HostVolumeProperties{SourcePath: sdkaws.String(v.SourcePath)}
		}
		in.Volumes = append(in.Volumes, sv)
	}
	for _, p := range td.PlacementConstraints {
		in.PlacementConstraints = append(in.PlacementConstraints, ecstypes.TaskDefinitionPlacementConstraint{
			Type: ecstypes.TaskDefinitionPlacementConstraintType(p.Type), Expression: optStr(p.Expression)})
	}
	for _, c := range td.Containers {
		sc := ecstypes.ContainerDefinition{
			Name:              sdkaws.String(c.Name),
			Image:             sdkaws.String(c.Image),
			Cpu:               conv.of("cpu", c.CPU),
			Memory:            conv.opt("memory", c.Memory),
			MemoryReservation: conv.opt("memoryReservation", c.MemoryReservation),
			Essential:         sdkaws.Bool(c.Essential),
			Hostname:          optStr(c.Hostname),
			Command:           c.Command,
			EntryPoint:        c.EntryPoint,
			Links:             c.Links,
		}
		if c.ReadonlyRootFilesystem {
			sc.ReadonlyRootFilesystem = sdkaws.Bool(true)
		}
		for _, e := range c.Environment {
			sc.Environment = append(sc.Environment, ecstypes.KeyValuePair{Name: sdkaws.String(e.Name), Value: sdkaws.String(e.Value)})
		}
		for _, p := range c.PortMappings {
			pm := ecstypes.PortMapping{ContainerPort: conv.ptr("containerPort", p.ContainerPort), HostPort: conv.ptr("hostPort", p.HostPort)}
			if p.Protocol != "" {
				pm.Protocol = ecstypes.TransportProtocol(p.Protocol)
			}
			sc.PortMappings = append(sc.PortMappings, pm)
		}
		for _, m := range c.MountPoints {
			sc.MountPoints = append(sc.MountPoints, ecstypes.MountPoint{SourceVolume: sdkaws.String(m.SourceVolume), ContainerPath: sdkaws.String(m.ContainerPath), ReadOnly: sdkaws.Bool(m.ReadOnly)})
		}
		for _, v := range c.VolumesFrom {
			sc.VolumesFrom = append(sc.VolumesFrom, ecstypes.VolumeFrom{SourceContainer: sdkaws.String(v.SourceContainer), ReadOnly: sdkaws.Bool(v.ReadOnly)})
		}
		if lc := c.LogConfiguration; lc != nil {
			sc.LogConfiguration = &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriver(lc.LogDriver), Options: lc.Options}
		}
		if hc := c.HealthCheck; hc != nil {
			sc.HealthCheck = &ecstypes.HealthCheck{Command: hc.Command, Interval: optSecs(conv, "interval", hc.Interval), Timeout: optSecs(conv, "timeout", hc.Timeout),
				Retries: conv.opt("retries", hc.Retries), StartPeriod: optSecs(conv, "startPeriod", hc.StartPeriod)}
		}
		for _, u := range c.Ulimits {
			sc.Ulimits = append(sc.Ulimits, ecstypes.Ulimit{Name: ecstypes.UlimitName(u.Name), SoftLimit: conv.of("softLimit", u.SoftLimit), HardLimit: conv.of("hardLimit", u.HardLimit)})
		}
		in.ContainerDefinitions = append(in.ContainerDefinitions, sc)
	}
	return in, conv.err
}
