package sim

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// The world keeps every revision in ECS's full shape (the SDK's types, so
// nothing a client registers is lost) and derives from it the model view its
// scheduler works with. These conversions are the simulator's own, not the
// adapter's: a mistake in one must not hide the same mistake in the other.

// inputFromModel is the RegisterTaskDefinition request a scenario builder's
// model.TaskDefinition stands for.
func inputFromModel(td model.TaskDefinition) *ecs.RegisterTaskDefinitionInput {
	in := &ecs.RegisterTaskDefinitionInput{
		Family:           &td.Family,
		NetworkMode:      ecstypes.NetworkMode(td.NetworkMode),
		Cpu:              optString(td.CPU),
		Memory:           optString(td.Memory),
		TaskRoleArn:      optString(td.TaskRoleARN),
		ExecutionRoleArn: optString(td.ExecutionRoleARN),
	}
	for _, c := range td.RequiresCompatibilities {
		in.RequiresCompatibilities = append(in.RequiresCompatibilities, ecstypes.Compatibility(c))
	}
	for _, v := range td.Volumes {
		sv := ecstypes.Volume{Name: pointer(v.Name)}
		if v.SourcePath != "" {
			sv.Host = &ecstypes.HostVolumeProperties{SourcePath: pointer(v.SourcePath)}
		}
		in.Volumes = append(in.Volumes, sv)
	}
	for _, p := range td.PlacementConstraints {
		in.PlacementConstraints = append(in.PlacementConstraints, ecstypes.TaskDefinitionPlacementConstraint{
			Type: ecstypes.TaskDefinitionPlacementConstraintType(p.Type), Expression: optString(p.Expression)})
	}
	for _, c := range td.Containers {
		in.ContainerDefinitions = append(in.ContainerDefinitions, containerInputFromModel(c))
	}
	return in
}

func containerInputFromModel(c model.ContainerDefinition) ecstypes.ContainerDefinition {
	sc := ecstypes.ContainerDefinition{
		Name:              pointer(c.Name),
		Image:             pointer(c.Image),
		Cpu:               int32(c.CPU),
		Memory:            optInt32(c.Memory),
		MemoryReservation: optInt32(c.MemoryReservation),
		Essential:         pointer(c.Essential),
		Hostname:          optString(c.Hostname),
		Command:           c.Command,
		EntryPoint:        c.EntryPoint,
		Links:             c.Links,
	}
	if c.ReadonlyRootFilesystem {
		sc.ReadonlyRootFilesystem = pointer(true)
	}
	for _, e := range c.Environment {
		sc.Environment = append(sc.Environment, ecstypes.KeyValuePair{Name: pointer(e.Name), Value: pointer(e.Value)})
	}
	for _, p := range c.PortMappings {
		sc.PortMappings = append(sc.PortMappings, ecstypes.PortMapping{ContainerPort: pointer(int32(p.ContainerPort)),
			HostPort: pointer(int32(p.HostPort)), Protocol: ecstypes.TransportProtocol(p.Protocol)})
	}
	for _, m := range c.MountPoints {
		sc.MountPoints = append(sc.MountPoints, ecstypes.MountPoint{SourceVolume: pointer(m.SourceVolume),
			ContainerPath: pointer(m.ContainerPath), ReadOnly: pointer(m.ReadOnly)})
	}
	for _, v := range c.VolumesFrom {
		sc.VolumesFrom = append(sc.VolumesFrom, ecstypes.VolumeFrom{SourceContainer: pointer(v.SourceContainer), ReadOnly: pointer(v.ReadOnly)})
	}
	if lc := c.LogConfiguration; lc != nil {
		sc.LogConfiguration = &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriver(lc.LogDriver), Options: lc.Options}
	}
	if hc := c.HealthCheck; hc != nil {
		sc.HealthCheck = &ecstypes.HealthCheck{Command: hc.Command, Interval: optSeconds(hc.Interval),
			Timeout: optSeconds(hc.Timeout), Retries: optInt32(hc.Retries), StartPeriod: optSeconds(hc.StartPeriod)}
	}
	for _, u := range c.Ulimits {
		sc.Ulimits = append(sc.Ulimits, ecstypes.Ulimit{Name: ecstypes.UlimitName(u.Name),
			SoftLimit: int32(u.SoftLimit), HardLimit: int32(u.HardLimit)})
	}
	return sc
}

// modelFromFull is the scheduler's view of a registered revision, the same
// view the adapter builds from a DescribeTaskDefinition answer.
func modelFromFull(td ecstypes.TaskDefinition) model.TaskDefinition {
	out := model.TaskDefinition{
		ARN: deref(td.TaskDefinitionArn), Family: deref(td.Family), Revision: int(td.Revision),
		Status: string(td.Status), NetworkMode: string(td.NetworkMode),
		CPU: deref(td.Cpu), Memory: deref(td.Memory),
		TaskRoleARN: deref(td.TaskRoleArn), ExecutionRoleARN: deref(td.ExecutionRoleArn),
		RegisteredAt: deref(td.RegisteredAt),
	}
	for _, c := range td.RequiresCompatibilities {
		out.RequiresCompatibilities = append(out.RequiresCompatibilities, string(c))
	}
	for _, v := range td.Volumes {
		mv := model.Volume{Name: deref(v.Name)}
		if v.Host != nil {
			mv.SourcePath = deref(v.Host.SourcePath)
		}
		out.Volumes = append(out.Volumes, mv)
	}
	for _, p := range td.PlacementConstraints {
		out.PlacementConstraints = append(out.PlacementConstraints,
			model.PlacementConstraint{Type: string(p.Type), Expression: deref(p.Expression)})
	}
	for _, c := range td.ContainerDefinitions {
		out.Containers = append(out.Containers, containerModelFromFull(c))
	}
	return out
}

func containerModelFromFull(c ecstypes.ContainerDefinition) model.ContainerDefinition {
	mc := model.ContainerDefinition{
		Name: deref(c.Name), Image: deref(c.Image), CPU: int(c.Cpu),
		Memory: int(deref(c.Memory)), MemoryReservation: int(deref(c.MemoryReservation)),
		Essential: c.Essential == nil || *c.Essential,
		Hostname:  deref(c.Hostname), Command: c.Command, EntryPoint: c.EntryPoint, Links: c.Links,
		ReadonlyRootFilesystem: deref(c.ReadonlyRootFilesystem),
	}
	for _, e := range c.Environment {
		mc.Environment = append(mc.Environment, model.KeyValue{Name: deref(e.Name), Value: deref(e.Value)})
	}
	for _, p := range c.PortMappings {
		mc.PortMappings = append(mc.PortMappings, model.PortMapping{ContainerPort: int(deref(p.ContainerPort)),
			HostPort: int(deref(p.HostPort)), Protocol: string(p.Protocol)})
	}
	for _, m := range c.MountPoints {
		mc.MountPoints = append(mc.MountPoints, model.MountPoint{SourceVolume: deref(m.SourceVolume),
			ContainerPath: deref(m.ContainerPath), ReadOnly: deref(m.ReadOnly)})
	}
	for _, v := range c.VolumesFrom {
		mc.VolumesFrom = append(mc.VolumesFrom, model.VolumeFrom{SourceContainer: deref(v.SourceContainer), ReadOnly: deref(v.ReadOnly)})
	}
	if lc := c.LogConfiguration; lc != nil {
		mc.LogConfiguration = &model.LogConfiguration{LogDriver: string(lc.LogDriver), Options: lc.Options}
	}
	if hc := c.HealthCheck; hc != nil {
		mc.HealthCheck = &model.HealthCheck{Command: hc.Command, Interval: seconds(hc.Interval),
			Timeout: seconds(hc.Timeout), Retries: int(deref(hc.Retries)), StartPeriod: seconds(hc.StartPeriod)}
	}
	for _, u := range c.Ulimits {
		mc.Ulimits = append(mc.Ulimits, model.Ulimit{Name: string(u.Name), SoftLimit: int(u.SoftLimit), HardLimit: int(u.HardLimit)})
	}
	return mc
}

func pointer[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optInt32(n int) *int32 {
	if n == 0 {
		return nil
	}
	return pointer(int32(n))
}

func optSeconds(d time.Duration) *int32 {
	if d == 0 {
		return nil
	}
	return pointer(int32(d / time.Second))
}

func seconds(p *int32) time.Duration { return time.Duration(deref(p)) * time.Second }
