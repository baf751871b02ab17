package sim

import (
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// Task definition statuses.
const (
	tdActive           = "ACTIVE"
	tdInactive         = "INACTIVE"
	tdDeleteInProgress = "DELETE_IN_PROGRESS"
)

// RegisterTaskDefinition registers td as the next revision of its family
// (ARN, revision, status and registration time are assigned). Each awslogs
// group it names is created if missing. It is the scenario builders' way to
// register; RegisterTaskDefinitionFull takes every field ECS knows.
func (w *World) RegisterTaskDefinition(td model.TaskDefinition) (model.TaskDefinition, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, err := w.registerTaskDef(inputFromModel(td))
	if err != nil {
		return model.TaskDefinition{}, err
	}
	return cloneTD(r.TaskDefinition), nil
}

// RegisterTaskDefinitionFull registers the next revision of in.Family,
// keeping every field of the request, validated as ECS does. It returns the
// revision and its tags as DescribeTaskDefinition would.
func (w *World) RegisterTaskDefinitionFull(in *ecs.RegisterTaskDefinitionInput) (ecstypes.TaskDefinition, []ecstypes.Tag, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, err := w.registerTaskDef(deepCopy(in))
	if err != nil {
		return ecstypes.TaskDefinition{}, nil, err
	}
	return deepCopy(r.full), deepCopy(r.tags), nil
}

// registerTaskDef stores in (owned by the world from now on) as its family's
// next revision.
func (w *World) registerTaskDef(in *ecs.RegisterTaskDefinitionInput) (*taskDef, error) {
	if err := validateTaskDef(in); err != nil {
		return nil, err
	}
	family := *in.Family
	revs := w.families[family]
	if revs == nil {
		w.familyOrder = append(w.familyOrder, family)
		sort.Strings(w.familyOrder)
	}
	full := fullTaskDef(in)
	full.Revision = int32(len(revs) + 1)
	full.TaskDefinitionArn = pointer(w.ecsARN("task-definition/" + family + ":" + itoa(len(revs)+1)))
	full.Status = tdActive
	full.RegisteredAt = pointer(w.now)
	full.RegisteredBy = pointer(w.principal())
	r := &taskDef{TaskDefinition: modelFromFull(full), full: full, tags: in.Tags}
	r.needs = model.NeedsOf(r.TaskDefinition)
	w.families[family] = append(revs, r)
	w.taskDefs[*full.TaskDefinitionArn] = r
	for _, c := range r.Containers {
		if lt, ok := c.AWSLogs(); ok && lt.Group != "" {
			w.logs.ensureGroup(lt.Group, w.now)
		}
	}
	return r, nil
}

// principal is the identity the world says made every change.
func (w *World) principal() string { return "arn:aws:iam::" + w.account + ":user/ecstui-demo" }

func errTaskDefNotFound() error {
	return simapi.Errorf(simapi.CodeClientException, "Unable to describe task definition.")
}

// DescribeTaskDefinition describes an ARN, family:revision, or family (its
// latest ACTIVE revision) in the model's terms.
func (w *World) DescribeTaskDefinition(id string) (model.TaskDefinition, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	td, ok := w.taskDefByID(id)
	if !ok {
		return model.TaskDefinition{}, errTaskDefNotFound()
	}
	return cloneTD(td.TaskDefinition), nil
}

// DescribeTaskDefinitionFull describes a revision in ECS's full shape, with
// its tags.
func (w *World) DescribeTaskDefinitionFull(id string) (ecstypes.TaskDefinition, []ecstypes.Tag, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	td, ok := w.taskDefByID(id)
	if !ok {
		return ecstypes.TaskDefinition{}, nil, errTaskDefNotFound()
	}
	return deepCopy(td.full), deepCopy(td.tags), nil
}

// DeregisterTaskDefinition makes a revision (ARN or family:revision) INACTIVE:
// running tasks and services keep it, nothing new may start from it.
func (w *World) DeregisterTaskDefinition(id string) (ecstypes.TaskDefinition, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !hasRevision(id) {
		return ecstypes.TaskDefinition{}, simapi.Errorf(simapi.CodeInvalidParameter,
			"The specified task definition identifier is invalid. Specify a valid name or ARN and try again.")
	}
	td, ok := w.taskDefByID(id)
	if !ok {
		return ecstypes.TaskDefinition{}, simapi.Errorf(simapi.CodeClientException, "The specified task definition does not exist.")
	}
	if td.Status == tdActive {
		td.setStatus(tdInactive)
		td.full.DeregisteredAt = pointer(w.now)
	}
	return deepCopy(td.full), nil
}

// DeleteTaskDefinitions marks INACTIVE revisions DELETE_IN_PROGRESS; each
// disappears once no task or service uses it. Revisions that are not
// INACTIVE come back as failures.
func (w *World) DeleteTaskDefinitions(ids []string) ([]ecstypes.TaskDefinition, []model.Failure, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(ids) == 0 || len(ids) > 10 {
		return nil, nil, simapi.Errorf(simapi.CodeInvalidParameter, "taskDefinitions must contain between 1 and 10 items.")
	}
	var out []ecstypes.TaskDefinition
	var fails []model.Failure
	for _, id := range ids {
		td, ok := w.taskDefByID(id)
		switch {
		case !hasRevision(id):
			fails = append(fails, model.Failure{ARN: id, Reason: "The specified task definition identifier is invalid. Specify a valid name or ARN and try again."})
		case !ok:
			fails = append(fails, model.Failure{ARN: id, Reason: "The specified task definition does not exist."})
		case td.Status == tdActive:
			fails = append(fails, model.Failure{ARN: td.ARN, Reason: "The specified task definition is still in ACTIVE status. Please deregister the target and try again."})
		default:
			if td.Status == tdInactive {
				td.setStatus(tdDeleteInProgress)
				td.full.DeleteRequestedAt = pointer(w.now)
			}
			out = append(out, deepCopy(td.full))
		}
	}
	return out, fails, nil
}

func (td *taskDef) setStatus(s string) {
	td.Status = s
	td.full.Status = ecstypes.TaskDefinitionStatus(s)
}

// hasRevision reports whether a task definition identifier names one
// revision (ARN or family:revision), as deregistering and deleting require.
func hasRevision(id string) bool {
	short := id
	if i := strings.LastIndex(id, "task-definition/"); i >= 0 {
		short = id[i+len("task-definition/"):]
	}
	_, rev, ok := strings.Cut(short, ":")
	return ok && rev != ""
}

// gone reports whether a revision being deleted has lost its last user, so
// ECS no longer shows it.
func (w *World) gone(td *taskDef) bool {
	if td.Status != tdDeleteInProgress {
		return false
	}
	for _, c := range w.clusters {
		for _, s := range c.services {
			if s.status == "INACTIVE" {
				continue
			}
			if s.td == td || slices.ContainsFunc(s.deployments, func(d *deployment) bool { return d.td == td }) {
				return false
			}
		}
		for _, t := range c.tasks {
			if t.td == td && t.live() {
				return false
			}
		}
	}
	return true
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
		active, listed := false, false
		for _, t := range w.families[f] {
			active = active || t.Status == tdActive
			listed = listed || !w.gone(t)
		}
		switch status {
		case "ALL":
		case tdInactive:
			if active {
				continue
			}
		default:
			if !active {
				continue
			}
		}
		if listed {
			out = append(out, f)
		}
	}
	return out
}

// ListTaskDefinitions lists revision ARNs, by family then revision. As in
// ECS, familyPrefix is a whole family name; status "" means ACTIVE.
func (w *World) ListTaskDefinitions(familyPrefix string, status string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if status == "" {
		status = tdActive
	}
	out := []string{}
	for _, f := range w.familyOrder {
		if familyPrefix != "" && f != familyPrefix {
			continue
		}
		for _, td := range w.families[f] {
			if td.Status == status && !w.gone(td) {
				out = append(out, td.ARN)
			}
		}
	}
	return out
}

// cloneTD deep-copies a task definition so callers can never reach our state.
func cloneTD(td model.TaskDefinition) model.TaskDefinition { return deepCopy(td) }
