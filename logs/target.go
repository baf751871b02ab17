package logs

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/textsafe"
)

// Target is what to tail: a whole service (all its running tasks, re-resolved
// as tasks come and go), one task (all its containers), or one container of a
// task (Task and Container set). Container alone narrows a service to that
// container in each task.
type Target struct {
	Cluster   string
	Service   string
	Task      string // id or ARN
	Container string
}

// String names the target for titles and messages (sanitised: names come
// from the user and from AWS).
func (t Target) String() string { return textsafe.CleanLine(t.name()) }

func (t Target) name() string {
	var s string
	switch {
	case t.Task != "":
		s = "task " + ShortID(model.ResourceID(t.Task))
	case t.Service != "":
		s = "service " + t.Service
	default:
		s = "cluster " + t.Cluster
	}
	if t.Container != "" {
		s += " container " + t.Container
	}
	return s
}

func (t Target) validate() error {
	if t.Cluster == "" {
		return fmt.Errorf("logs: a cluster is required")
	}
	if t.Service == "" && t.Task == "" {
		return fmt.Errorf("logs: name a service or a task of cluster %s", t.Cluster)
	}
	return nil
}

// Stream is one container's CloudWatch Logs stream.
type Stream struct {
	Group     string
	Name      string
	TaskID    string
	Container string
}

// Label is how lines of this stream are labelled: short task id / container
// (sanitised: container names come from task definitions).
func (s Stream) Label() string { return textsafe.CleanLine(ShortID(s.TaskID) + "/" + s.Container) }

func (s Stream) key() string { return s.Group + "\x00" + s.Name }

// Unavailable is a container whose logs cannot be read here, and why.
type Unavailable struct {
	TaskID    string
	Container string
	Reason    string
}

// String says which container and why, sanitised for display.
func (u Unavailable) String() string {
	return textsafe.CleanLine(ShortID(u.TaskID) + "/" + u.Container + ": " + u.Reason)
}

// Resolution is what a target resolves to.
type Resolution struct {
	Tasks       int
	Streams     []Stream
	Unavailable []Unavailable
}

// Groups returns the distinct log groups of the streams, sorted.
func (r Resolution) Groups() []string {
	seen := map[string]bool{}
	var gs []string
	for _, s := range r.Streams {
		if !seen[s.Group] {
			seen[s.Group] = true
			gs = append(gs, s.Group)
		}
	}
	sort.Strings(gs)
	return gs
}

// Explain says in words why the resolution has no streams (empty when it has).
func (r Resolution) Explain(t Target) string {
	if len(r.Streams) > 0 {
		return ""
	}
	if r.Tasks == 0 {
		return fmt.Sprintf("%s has no running tasks", t)
	}
	if len(r.Unavailable) == 0 {
		if t.Container != "" {
			return fmt.Sprintf("no container named %q in %s", t.Container, t)
		}
		return fmt.Sprintf("%s has no containers with logs", t)
	}
	parts := make([]string, len(r.Unavailable))
	for i, u := range r.Unavailable {
		parts[i] = u.String()
	}
	return "no CloudWatch Logs stream to read: " + strings.Join(parts, "; ")
}

// ShortID is the first 8 characters of a task id, as the console shows them.
func ShortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// Resolve finds the log stream of every container of the target's tasks.
func Resolve(ctx context.Context, r TaskReader, t Target) (Resolution, error) {
	if err := t.validate(); err != nil {
		return Resolution{}, err
	}
	var tasks []model.Task
	var err error
	if t.Task != "" {
		var failures []model.Failure
		tasks, failures, err = r.DescribeTasks(ctx, t.Cluster, []string{t.Task})
		if err == nil && len(tasks) == 0 {
			err = missingTask(t, failures)
		}
	} else {
		tasks, _, err = r.Tasks(ctx, t.Cluster, model.TaskFilter{ServiceName: t.Service, DesiredStatus: model.StatusRunning}, nil)
	}
	if err != nil {
		return Resolution{}, err
	}
	sort.Slice(tasks, func(i, j int) bool {
		if !tasks[i].CreatedAt.Equal(tasks[j].CreatedAt) {
			return tasks[i].CreatedAt.Before(tasks[j].CreatedAt)
		}
		return tasks[i].ID < tasks[j].ID
	})
	res := Resolution{Tasks: len(tasks)}
	defs := map[string]model.TaskDefinition{}
	for _, task := range tasks {
		td, ok := defs[task.TaskDefinitionARN]
		if !ok {
			td, err = r.TaskDefinition(ctx, task.TaskDefinitionARN)
			if err != nil {
				return Resolution{}, err
			}
			defs[task.TaskDefinitionARN] = td
		}
		taskID := task.ID
		if taskID == "" {
			taskID = model.ResourceID(task.ARN)
		}
		for _, cd := range td.Containers {
			if t.Container != "" && cd.Name != t.Container {
				continue
			}
			s, reason := streamOf(task, taskID, cd)
			if reason != "" {
				res.Unavailable = append(res.Unavailable, Unavailable{TaskID: taskID, Container: cd.Name, Reason: reason})
				continue
			}
			res.Streams = append(res.Streams, s)
		}
	}
	return res, nil
}

// streamOf derives a container's stream from its awslogs options, or says why
// it cannot.
func streamOf(task model.Task, taskID string, cd model.ContainerDefinition) (Stream, string) {
	lt, ok := cd.AWSLogs()
	if !ok {
		if cd.LogConfiguration == nil || cd.LogConfiguration.LogDriver == "" {
			return Stream{}, "no log configuration: its output stays on the instance (docker logs)"
		}
		return Stream{}, fmt.Sprintf("log driver %q, not awslogs: its logs are not in CloudWatch Logs", cd.LogConfiguration.LogDriver)
	}
	if lt.Group == "" {
		return Stream{}, "awslogs without an awslogs-group option"
	}
	name := model.AWSLogsStreamName(lt.StreamPrefix, cd.Name, taskID)
	if name == "" {
		// Without a prefix the driver names the stream after the Docker
		// container id, which ECS reports as the container's runtime id.
		for _, c := range task.Containers {
			if c.Name == cd.Name && c.RuntimeID != "" {
				name = c.RuntimeID
			}
		}
		if name == "" {
			return Stream{}, "awslogs without awslogs-stream-prefix and no runtime id yet: the stream name is unknown"
		}
	}
	return Stream{Group: lt.Group, Name: name, TaskID: taskID, Container: cd.Name}, ""
}

// missingTask says which task a describe did not return, in the words ops
// uses for a missing service or task: MISSING (ECS's reason for an id it
// does not know) is "not found"; any other reason is shown as ECS gave it.
func missingTask(t Target, failures []model.Failure) error {
	if len(failures) > 0 && failures[0].Reason != "MISSING" {
		f := failures[0]
		reason := f.Reason
		if f.Detail != "" {
			reason += " (" + f.Detail + ")"
		}
		return fmt.Errorf("task %q in cluster %s: %s", t.Task, t.Cluster, reason)
	}
	return fmt.Errorf("task %q not found in cluster %s", t.Task, t.Cluster)
}
