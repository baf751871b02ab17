package model

import (
	"strings"
	"time"
)

// TaskDefinition is one immutable revision of a task definition family.
type TaskDefinition struct {
	ARN                     string
	Family                  string
	Revision                int
	Status                  string // ACTIVE, INACTIVE
	NetworkMode             string // bridge (default on EC2), host, awsvpc, none
	CPU                     string // task-level, as ECS reports it ("256", "1 vCPU", "")
	Memory                  string
	TaskRoleARN             string
	ExecutionRoleARN        string
	RequiresCompatibilities []string
	Containers              []ContainerDefinition
	Volumes                 []Volume
	PlacementConstraints    []PlacementConstraint
	RegisteredAt            time.Time
}

// ContainerDefinition is one container of a task definition.
type ContainerDefinition struct {
	Name              string
	Image             string
	CPU               int
	Memory            int // hard limit MiB
	MemoryReservation int // soft limit MiB
	Essential         bool
	Hostname          string
	Command           []string
	EntryPoint        []string
	Environment       []KeyValue
	PortMappings      []PortMapping
	Links             []string
	MountPoints       []MountPoint
	VolumesFrom       []VolumeFrom
	LogConfiguration  *LogConfiguration
	HealthCheck       *HealthCheck
	Ulimits           []Ulimit
	// ReadonlyRootFilesystem mounts the container's root read-only; the SSM
	// agent of ECS Exec cannot start in such a container.
	ReadonlyRootFilesystem bool
}

// KeyValue is a name/value pair (environment variables).
type KeyValue struct {
	Name  string
	Value string
}

// PortMapping maps a container port to a host port; HostPort 0 in bridge mode
// means a dynamic port from the ephemeral range.
type PortMapping struct {
	ContainerPort int
	HostPort      int
	Protocol      string // tcp (default), udp
}

// Volume is a task-level volume.
type Volume struct {
	Name       string
	SourcePath string // host path, empty for a Docker-managed volume
}

// MountPoint mounts a volume into a container.
type MountPoint struct {
	SourceVolume  string
	ContainerPath string
	ReadOnly      bool
}

// VolumeFrom mounts all volumes of another container.
type VolumeFrom struct {
	SourceContainer string
	ReadOnly        bool
}

// LogConfiguration is a container's log driver configuration.
type LogConfiguration struct {
	LogDriver string // awslogs, json-file, syslog, …
	Options   map[string]string
}

// HealthCheck is a container health check.
type HealthCheck struct {
	Command     []string
	Interval    time.Duration
	Timeout     time.Duration
	Retries     int
	StartPeriod time.Duration
}

// Ulimit is a container ulimit.
type Ulimit struct {
	Name      string
	SoftLimit int
	HardLimit int
}

// FamilyRevision returns "family:revision".
func (td TaskDefinition) FamilyRevision() string {
	return td.Family + ":" + itoa(td.Revision)
}

// Container returns the named container definition.
func (td TaskDefinition) Container(name string) (ContainerDefinition, bool) {
	for _, c := range td.Containers {
		if c.Name == name {
			return c, true
		}
	}
	return ContainerDefinition{}, false
}

// AWSLogsTarget is where the awslogs driver writes one container's output.
type AWSLogsTarget struct {
	Group        string
	Region       string
	StreamPrefix string
}

// AWSLogs returns the awslogs target of a container definition, or false when
// the container uses another driver (or none).
func (c ContainerDefinition) AWSLogs() (AWSLogsTarget, bool) {
	if c.LogConfiguration == nil || c.LogConfiguration.LogDriver != "awslogs" {
		return AWSLogsTarget{}, false
	}
	o := c.LogConfiguration.Options
	return AWSLogsTarget{Group: o["awslogs-group"], Region: o["awslogs-region"], StreamPrefix: o["awslogs-stream-prefix"]}, true
}

// AWSLogsStreamName is the stream the awslogs driver writes for a container of
// a task: prefix/container-name/task-id. Without a prefix ECS names the stream
// after the Docker container id, which we cannot know; it returns "".
func AWSLogsStreamName(prefix, container, taskID string) string {
	if prefix == "" {
		return ""
	}
	return prefix + "/" + container + "/" + taskID
}

// ResourceID returns the last path element of an ARN (task id, instance id,
// service name), or the input when it is not an ARN.
func ResourceID(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	if strings.HasPrefix(arn, "arn:") {
		if i := strings.LastIndexByte(arn, ':'); i >= 0 {
			return arn[i+1:]
		}
	}
	return arn
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
