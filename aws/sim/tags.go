package sim

import (
	"maps"
	"slices"
	"strings"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// ECS tag limits.
const (
	maxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

func validateTag(k, v string) error {
	switch {
	case k == "" || len(k) > maxTagKeyLen:
		return simapi.Errorf(simapi.CodeInvalidParameter, "Tag keys must be between 1 and %d characters.", maxTagKeyLen)
	case len(v) > maxTagValueLen:
		return simapi.Errorf(simapi.CodeInvalidParameter, "Tag values must be at most %d characters.", maxTagValueLen)
	case strings.HasPrefix(strings.ToLower(k), "aws:"):
		return simapi.Errorf(simapi.CodeInvalidParameter, "Tag keys that start with 'aws:' are reserved for AWS use.")
	}
	return nil
}

func validateTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return simapi.Errorf(simapi.CodeInvalidParameter, "A resource can have at most %d tags.", maxTags)
	}
	for k, v := range tags {
		if err := validateTag(k, v); err != nil {
			return err
		}
	}
	return nil
}

// tagged is a resource's tags: a map for most ECS resources, the ordered
// list a task definition was registered with.
type tagged struct {
	m  *map[string]string
	td *taskDef
}

func errResourceNotFound() error {
	return simapi.Errorf("ResourceNotFoundException", "The specified resource wasn't found.")
}

// taggedResource resolves an ECS ARN: cluster, service, task, container
// instance, task definition or capacity provider.
func (w *World) taggedResource(arn string) (tagged, error) {
	prefix := "arn:aws:ecs:" + w.region + ":" + w.account + ":"
	rest, ok := strings.CutPrefix(arn, prefix)
	if !ok {
		return tagged{}, simapi.Errorf(simapi.CodeInvalidParameter,
			"The ARN %s is not an Amazon ECS ARN of this account and region (%s).", arn, prefix+"…")
	}
	kind, path, _ := strings.Cut(rest, "/")
	parts := strings.Split(path, "/")
	inCluster := func() (*cluster, string, error) {
		if len(parts) != 2 {
			return nil, "", simapi.Errorf(simapi.CodeInvalidParameter, "The ARN %s is not a long-format %s ARN.", arn, kind)
		}
		c, err := w.cluster(parts[0])
		return c, parts[1], err
	}
	switch kind {
	case "cluster":
		c, err := w.cluster(path)
		if err != nil {
			return tagged{}, err
		}
		return tagged{m: &c.tags}, nil
	case "service":
		c, name, err := inCluster()
		if err != nil {
			return tagged{}, err
		}
		if s, ok := c.services[name]; ok && s.status != "INACTIVE" {
			return tagged{m: &s.tags}, nil
		}
	case "task":
		c, id, err := inCluster()
		if err != nil {
			return tagged{}, err
		}
		if t, ok := c.tasks[id]; ok {
			return tagged{m: &t.tags}, nil
		}
	case "container-instance":
		c, id, err := inCluster()
		if err != nil {
			return tagged{}, err
		}
		if ci, ok := c.instances[id]; ok {
			return tagged{m: &ci.tags}, nil
		}
	case "task-definition":
		if td, ok := w.taskDefByID(path); ok && hasRevision(path) {
			return tagged{td: td}, nil
		}
	case "capacity-provider":
		if cp, ok := w.cps[path]; ok {
			return tagged{m: &cp.tags}, nil
		}
	default:
		return tagged{}, simapi.Errorf(simapi.CodeInvalidParameter, "The ARN %s names a resource type (%s) that cannot be tagged.", arn, kind)
	}
	return tagged{}, errResourceNotFound()
}

func (t tagged) list() []model.KeyValue {
	var out []model.KeyValue
	if t.td != nil {
		for _, tag := range t.td.tags {
			out = append(out, model.KeyValue{Name: deref(tag.Key), Value: deref(tag.Value)})
		}
		return out
	}
	for _, k := range slices.Sorted(maps.Keys(*t.m)) {
		out = append(out, model.KeyValue{Name: k, Value: (*t.m)[k]})
	}
	return out
}

// TagResource adds or replaces tags on an ECS resource (by ARN). A task
// definition keeps its tags in order: a new key goes last.
func (w *World) TagResource(arn string, tags []model.KeyValue) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.taggedResource(arn)
	if err != nil {
		return err
	}
	if len(tags) == 0 {
		return simapi.Errorf(simapi.CodeInvalidParameter, "Tags cannot be empty.")
	}
	merged := map[string]string{}
	for _, kv := range t.list() {
		merged[kv.Name] = kv.Value
	}
	for _, kv := range tags {
		if err := validateTag(kv.Name, kv.Value); err != nil {
			return err
		}
		merged[kv.Name] = kv.Value
	}
	if len(merged) > maxTags {
		return simapi.Errorf(simapi.CodeInvalidParameter, "A resource can have at most %d tags.", maxTags)
	}
	if t.td == nil {
		if *t.m == nil {
			*t.m = map[string]string{}
		}
		for _, kv := range tags {
			(*t.m)[kv.Name] = kv.Value
		}
		return nil
	}
	for _, kv := range tags {
		i := slices.IndexFunc(t.td.tags, func(tag ecstypes.Tag) bool { return deref(tag.Key) == kv.Name })
		if i >= 0 {
			t.td.tags[i].Value = pointer(kv.Value)
		} else {
			t.td.tags = append(t.td.tags, ecstypes.Tag{Key: pointer(kv.Name), Value: pointer(kv.Value)})
		}
	}
	return nil
}

// UntagResource removes tags by key; absent keys are ignored, as in ECS.
func (w *World) UntagResource(arn string, keys []string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.taggedResource(arn)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		return simapi.Errorf(simapi.CodeInvalidParameter, "TagKeys cannot be empty.")
	}
	if t.td != nil {
		t.td.tags = slices.DeleteFunc(t.td.tags, func(tag ecstypes.Tag) bool { return slices.Contains(keys, deref(tag.Key)) })
		return nil
	}
	for _, k := range keys {
		delete(*t.m, k)
	}
	return nil
}

// ListTagsForResource lists a resource's tags (by key; a task definition's
// in the order they were given).
func (w *World) ListTagsForResource(arn string) ([]model.KeyValue, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, err := w.taggedResource(arn)
	if err != nil {
		return nil, err
	}
	return t.list(), nil
}
