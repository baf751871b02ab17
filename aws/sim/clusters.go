package sim

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

var clusterNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// CreateCluster creates a cluster, or returns the ACTIVE cluster of that
// name unchanged (ECS's CreateCluster is idempotent). Its capacity providers
// must exist; the default strategy may name only those.
func (w *World) CreateCluster(in simapi.CreateClusterInput) (model.Cluster, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if in.Name == "" {
		in.Name = "default"
	}
	if !clusterNamePattern.MatchString(in.Name) {
		return model.Cluster{}, simapi.Errorf(simapi.CodeInvalidParameter,
			"Cluster name must be 1-255 characters: letters, numbers, hyphens and underscores.")
	}
	if err := validateTags(in.Tags); err != nil {
		return model.Cluster{}, err
	}
	for k, v := range in.Settings {
		if k != "containerInsights" || !slices.Contains([]string{"enabled", "disabled", "enhanced"}, v) {
			return model.Cluster{}, simapi.Errorf(simapi.CodeInvalidParameter,
				"Invalid cluster setting %s=%s: the setting is containerInsights, with value enabled, disabled or enhanced.", k, v)
		}
	}
	for _, cp := range in.CapacityProviders {
		if _, ok := w.cps[cp]; !ok && cp != "FARGATE" && cp != "FARGATE_SPOT" {
			return model.Cluster{}, simapi.Errorf(simapi.CodeInvalidParameter, "The specified capacity provider %s does not exist.", cp)
		}
	}
	for _, it := range in.DefaultStrategy {
		if !slices.Contains(in.CapacityProviders, it.CapacityProvider) {
			return model.Cluster{}, simapi.Errorf(simapi.CodeInvalidParameter,
				"The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.")
		}
	}
	if c, ok := w.clusters[in.Name]; ok && !c.deleted {
		return w.clusterModel(c), nil
	}
	c := w.addCluster(in.Name)
	c.tags = cloneMap(in.Tags)
	c.settings = cloneMap(in.Settings)
	c.capacityProviders = slices.Clone(in.CapacityProviders)
	c.defaultStrategy = slices.Clone(in.DefaultStrategy)
	return w.clusterModel(c), nil
}

// DeleteCluster makes an empty cluster INACTIVE: still described, no longer
// listed or usable. ECS refuses while it has services, container instances
// or tasks.
func (w *World) DeleteCluster(id string) (model.Cluster, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(id)
	if err != nil {
		return model.Cluster{}, err
	}
	for _, s := range c.services {
		if s.status != "INACTIVE" {
			return model.Cluster{}, simapi.Errorf("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.")
		}
	}
	for _, ci := range c.instances {
		if ci.status != model.InstanceInactive {
			return model.Cluster{}, simapi.Errorf("ClusterContainsContainerInstancesException",
				"The Cluster cannot be deleted while Container Instances are active or draining.")
		}
	}
	for _, t := range c.tasks {
		if t.live() {
			return model.Cluster{}, simapi.Errorf("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
		}
	}
	c.deleted = true
	for _, cp := range w.cps {
		if cp.cluster == c {
			cp.cluster = nil
		}
	}
	return w.clusterModel(c), nil
}

// ClusterStatistics are DescribeClusters' STATISTICS for a cluster (name or
// ARN): tasks running and pending, services active and draining, per launch
// type.
func (w *World) ClusterStatistics(id string) (map[string]int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.clusters[model.ResourceID(id)]
	if !ok {
		return nil, errCluster()
	}
	kind := map[string]string{"EC2": "EC2", "FARGATE": "Fargate", "EXTERNAL": "External"}
	st := map[string]int{}
	for _, k := range kind {
		for _, n := range []string{"running%sTasksCount", "pending%sTasksCount", "active%sServiceCount", "draining%sServiceCount"} {
			st[fmt.Sprintf(n, k)] = 0
		}
	}
	for _, t := range c.tasks {
		k := kind[taskLaunchType(t)]
		switch {
		case !t.live() || t.desiredStatus != model.StatusRunning:
		case t.lastStatus == model.StatusRunning:
			st[fmt.Sprintf("running%sTasksCount", k)]++
		default:
			st[fmt.Sprintf("pending%sTasksCount", k)]++
		}
	}
	for _, s := range c.services {
		k := kind[serviceLaunchType(s)]
		switch s.status {
		case "ACTIVE":
			st[fmt.Sprintf("active%sServiceCount", k)]++
		case "DRAINING":
			st[fmt.Sprintf("draining%sServiceCount", k)]++
		}
	}
	return st, nil
}

// taskLaunchType is the launch type a task runs with: its service's, else EC2.
func taskLaunchType(t *task) string {
	if t.svc != nil {
		return serviceLaunchType(t.svc)
	}
	return "EC2"
}
