package sim

import (
	"slices"
	"sort"
	"strings"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// RegisterTaskDefinition registers td as the next revision of its family
// (ARN, revision, status and registration time are assigned). Each awslogs
// group it names is created if missing.
func (w *World) RegisterTaskDefinition(td model.TaskDefinition) (model.TaskDefinition, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, err := w.registerTaskDef(td)
	if err != nil {
		return model.TaskDefinition{}, err
	}
	return cloneTD(r.TaskDefinition), nil
}

func (w *World) registerTaskDef(in model.TaskDefinition) (*taskDef, error) {
	if in.Family == "" {
		return nil, simapi.Errorf(simapi.CodeClientException, "Family contains invalid characters.")
	}
	if len(in.Containers) == 0 {
		return nil, simapi.Errorf(simapi.CodeClientException, "Container list cannot be empty.")
	}
	essential := false
	for _, c := range in.Containers {
		if c.Name == "" || c.Image == "" {
			return nil, simapi.Errorf(simapi.CodeClientException, "Container.name and Container.image should not be null or empty.")
		}
		if c.Memory == 0 && c.MemoryReservation == 0 && in.Memory == "" {
			return nil, simapi.Errorf(simapi.CodeClientException,
				"Invalid setting for container '%s'. At least one of 'memory' or 'memoryReservation' must be specified.", c.Name)
		}
		essential = essential || c.Essential
	}
	if !essential {
		return nil, simapi.Errorf(simapi.CodeClientException, "Task definition must have at least one essential container.")
	}
	td := cloneTD(in)
	if td.NetworkMode == "" {
		td.NetworkMode = "bridge"
	}
	revs := w.families[td.Family]
	if revs == nil {
		w.familyOrder = append(w.familyOrder, td.Family)
		sort.Strings(w.familyOrder)
	}
	td.Revision = len(revs) + 1
	td.ARN = w.ecsARN("task-definition/" + td.Family + ":" + itoa(td.Revision))
	td.Status = "ACTIVE"
	td.RegisteredAt = w.now
	if len(td.RequiresCompatibilities) == 0 {
		td.RequiresCompatibilities = []string{"EC2"}
	}
	r := &taskDef{TaskDefinition: td, needs: model.NeedsOf(td)}
	w.families[td.Family] = append(revs, r)
	w.taskDefs[td.ARN] = r
	for _, c := range td.Containers {
		if lt, ok := c.AWSLogs(); ok && lt.Group != "" {
			w.logs.ensureGroup(lt.Group, w.now)
		}
	}
	return r, nil
}

// DescribeTaskDefinition describes an ARN, family:revision, or family (its
// latest ACTIVE revision).
func (w *World) DescribeTaskDefinition(id string) (model.TaskDefinition, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	td, ok := w.taskDefByID(id)
	if !ok {
		return model.TaskDefinition{}, simapi.Errorf(simapi.CodeClientException, "Unable to describe task definition.")
	}
	return cloneTD(td.TaskDefinition), nil
}

// ListTaskDefinitionFamilies lists family names starting with prefix. Status
// "" or ACTIVE: families with an ACTIVE revision; INACTIVE: families with only
// inactive ones; ALL: every family.
func (w *World) ListTaskDefinitionFamilies(prefix string, status string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := []string{}
	for _, f := range w.familyOrder {
		if !strings.HasPrefix(f, prefix) {
			continue
		}
		active := slices.ContainsFunc(w.families[f], func(t *taskDef) bool { return t.Status == "ACTIVE" })
		switch status {
		case "ALL":
		case "INACTIVE":
			if active {
				continue
			}
		default:
			if !active {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// ListTaskDefinitions lists revision ARNs, by family then revision. As in
// ECS, familyPrefix is a whole family name; status "" means ACTIVE.
func (w *World) ListTaskDefinitions(familyPrefix string, status string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if status == "" {
		status = "ACTIVE"
	}
	out := []string{}
	for _, f := range w.familyOrder {
		if familyPrefix != "" && f != familyPrefix {
			continue
		}
		for _, td := range w.families[f] {
			if td.Status == status {
				out = append(out, td.ARN)
			}
		}
	}
	return out
}

// cloneTD deep-copies a task definition so callers can never reach our state.
func cloneTD(td model.TaskDefinition) model.TaskDefinition {
	out := td
	out.RequiresCompatibilities = slices.Clone(td.RequiresCompatibilities)
	out.Volumes = slices.Clone(td.Volumes)
	out.PlacementConstraints = slices.Clone(td.PlacementConstraints)
	out.Containers = make([]model.ContainerDefinition, len(td.Containers))
	for i, c := range td.Containers {
		k := c
		k.Command = slices.Clone(c.Command)
		k.EntryPoint = slices.Clone(c.EntryPoint)
		k.Environment = slices.Clone(c.Environment)
		k.PortMappings = slices.Clone(c.PortMappings)
		k.Links = slices.Clone(c.Links)
		k.MountPoints = slices.Clone(c.MountPoints)
		k.VolumesFrom = slices.Clone(c.VolumesFrom)
		k.Ulimits = slices.Clone(c.Ulimits)
		if c.LogConfiguration != nil {
			lc := *c.LogConfiguration
			lc.Options = cloneMap(c.LogConfiguration.Options)
			k.LogConfiguration = &lc
		}
		if c.HealthCheck != nil {
			hc := *c.HealthCheck
			hc.Command = slices.Clone(c.HealthCheck.Command)
			k.HealthCheck = &hc
		}
		out.Containers[i] = k
	}
	return out
}
