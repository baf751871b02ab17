package sim

import (
	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// UpdateService changes desired count, deployment configuration or task
// definition. A new task definition (or ForceNewDeployment) starts a new
// PRIMARY deployment; the previous PRIMARY becomes ACTIVE and is drained by
// the scheduler.
func (w *World) UpdateService(in model.ServiceUpdate) (model.Service, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(in.Cluster)
	if err != nil {
		return model.Service{}, err
	}
	s, ok := c.services[model.ResourceID(in.Service)]
	if !ok {
		return model.Service{}, simapi.Errorf(simapi.CodeServiceNotFound, "Service not found.")
	}
	if s.status != "ACTIVE" {
		return model.Service{}, simapi.Errorf(simapi.CodeServiceNotActive, "Service was not ACTIVE.")
	}
	td := s.td
	if in.TaskDefinition != "" {
		// The revision the service runs may be INACTIVE: it keeps it; only
		// a move to another revision needs an ACTIVE one.
		t, ok := w.taskDefByID(in.TaskDefinition)
		if !ok || t != s.td {
			if t, err = w.usableTaskDef(in.TaskDefinition); err != nil {
				return model.Service{}, err
			}
		}
		td = t
	}
	cfg := s.cfg
	if in.MinimumHealthyPercent != nil {
		cfg.MinimumHealthyPercent = *in.MinimumHealthyPercent
	}
	if in.MaximumPercent != nil {
		cfg.MaximumPercent = *in.MaximumPercent
	}
	if in.CircuitBreaker != nil {
		cfg.CircuitBreaker = *in.CircuitBreaker
	}
	if cfg.MinimumHealthyPercent < 0 || cfg.MinimumHealthyPercent > 100 {
		return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter, "minimumHealthyPercent must be between 0 and 100.")
	}
	if cfg.MaximumPercent < cfg.MinimumHealthyPercent || cfg.MaximumPercent < 1 {
		return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter, "maximumPercent must be greater than or equal to minimumHealthyPercent.")
	}
	desired := s.desired
	if in.DesiredCount != nil && s.daemon {
		return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter, "The daemon scheduling strategy does not support a desired count for services.")
	}
	if in.DesiredCount != nil {
		if *in.DesiredCount < 0 {
			return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter, "Desired count cannot be negative.")
		}
		desired = *in.DesiredCount
	}
	if err := checkExecRole(in.EnableExecuteCommand, td); err != nil {
		return model.Service{}, err
	}
	net := s.net
	if in.Network != nil || td.NetworkMode != s.td.NetworkMode {
		// A move to or from the awsvpc mode, or new subnets: checked as
		// CreateService checks them (a service with none must now name them).
		if net, err = w.networkFor(in.Network, td, isFargate(s), s.net == nil); err != nil {
			return model.Service{}, err
		}
	}
	s.cfg, s.desired = cfg, desired
	if in.EnableExecuteCommand != nil {
		s.exec = *in.EnableExecuteCommand
	}
	renetwork := !sameNetwork(net, s.net)
	s.net = net
	if td != s.td || in.ForceNewDeployment || renetwork {
		old := s.deployments[0]
		old.status = model.DeploymentActive
		old.updatedAt = w.now
		s.td = td
		s.deployments = append([]*deployment{w.newDeployment(s, td)}, s.deployments...)
		w.recordDeployment(s, s.deployments[0])
	}
	s.deployments[0].desired = desired
	s.deployments[0].updatedAt = w.now
	return w.serviceModel(s), nil
}

// StartTask starts one task of a task definition on each given container
// instance (at most 10). Instances that cannot take it are failures with
// ECS's RESOURCE:PORTS / RESOURCE:MEMORY / RESOURCE:CPU reasons.
func (w *World) StartTask(in model.StartTaskInput) ([]model.Task, []model.Failure, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(in.Cluster)
	if err != nil {
		return nil, nil, err
	}
	if len(in.ContainerInstances) == 0 {
		return nil, nil, simapi.Errorf(simapi.CodeInvalidParameter, "Container instances cannot be empty.")
	}
	if len(in.ContainerInstances) > 10 {
		return nil, nil, simapi.Errorf(simapi.CodeInvalidParameter, "containerInstances can have at most 10 items.")
	}
	td, err := w.usableTaskDef(in.TaskDefinition)
	if err != nil {
		return nil, nil, err
	}
	group := in.Group
	if group == "" {
		group = "family:" + td.Family
	}
	var out []model.Task
	var fails []model.Failure
	for _, id := range in.ContainerInstances {
		ci, ok := c.instances[model.ResourceID(id)]
		if !ok || ci.status == model.InstanceInactive {
			fails = append(fails, model.Failure{ARN: w.ecsARN("container-instance/" + c.name + "/" + model.ResourceID(id)), Reason: "MISSING"})
			continue
		}
		if !ci.agentConnected {
			fails = append(fails, model.Failure{ARN: ci.arn, Reason: "AGENT"})
			continue
		}
		if ok, why := fitsOn(ci, td); !ok {
			fails = append(fails, model.Failure{ARN: ci.arn, Reason: why})
			continue
		}
		t := w.newTask(c, td, ci, group, in.StartedBy, nil, nil)
		out = append(out, taskModel(t))
	}
	return out, fails, nil
}

// RunTask places Count (1–10) tasks with the given strategy (default: spread
// over availability zones, then instances).
func (w *World) RunTask(in model.RunTaskInput) ([]model.Task, []model.Failure, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(in.Cluster)
	if err != nil {
		return nil, nil, err
	}
	count := in.Count
	if count == 0 {
		count = 1
	}
	if count < 1 || count > 10 {
		return nil, nil, simapi.Errorf(simapi.CodeInvalidParameter, "Count must be between 1 and 10.")
	}
	td, err := w.usableTaskDef(in.TaskDefinition)
	if err != nil {
		return nil, nil, err
	}
	group := in.Group
	if group == "" {
		group = "family:" + td.Family
	}
	strategy := in.PlacementStrategy
	if len(strategy) == 0 {
		strategy = []model.PlacementStrategy{{Type: "spread", Field: "attribute:ecs.availability-zone"}, {Type: "spread", Field: "instanceId"}}
	}
	cons := append(append([]model.PlacementConstraint(nil), td.PlacementConstraints...), in.PlacementConstraints...)
	var out []model.Task
	var fails []model.Failure
	for range count {
		p := w.choose(c, td, placementGroup{group: group}, strategy, cons)
		if p.inst == nil {
			f := model.Failure{Reason: p.reason}
			if p.closest != nil {
				f.ARN = p.closest.arn
			} else {
				f.Reason = "No Container Instances were found in your cluster."
			}
			fails = append(fails, f)
			continue
		}
		t := w.newTask(c, td, p.inst, group, in.StartedBy, nil, nil)
		t.exec = in.EnableExecuteCommand
		out = append(out, taskModel(t))
	}
	return out, fails, nil
}

// StopTask stops a task; a service replaces it on its next pass.
func (w *World) StopTask(cluster, taskID, reason string) (model.Task, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return model.Task{}, err
	}
	t, ok := c.tasks[model.ResourceID(taskID)]
	if !ok {
		return model.Task{}, simapi.Errorf(simapi.CodeInvalidParameter, "The referenced task was not found.")
	}
	if reason == "" {
		reason = "Task stopped by user"
	}
	w.stopTask(t, "UserInitiated", reason)
	return taskModel(t), nil
}

// UpdateContainerInstancesState sets instances ACTIVE or DRAINING. Draining
// lets the service scheduler move service tasks off; standalone tasks stay.
func (w *World) UpdateContainerInstancesState(cluster string, ids []string, status string) ([]model.ContainerInstance, []model.Failure, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return nil, nil, err
	}
	if status != model.InstanceActive && status != model.InstanceDraining {
		return nil, nil, simapi.Errorf(simapi.CodeInvalidParameter, "Container instance status should be one of [ACTIVE, DRAINING].")
	}
	if len(ids) == 0 || len(ids) > 10 {
		return nil, nil, simapi.Errorf(simapi.CodeInvalidParameter, "containerInstances must contain between 1 and 10 items.")
	}
	var out []model.ContainerInstance
	var fails []model.Failure
	for _, id := range ids {
		ci, ok := c.instances[model.ResourceID(id)]
		if !ok || ci.status == model.InstanceInactive {
			fails = append(fails, model.Failure{ARN: w.ecsARN("container-instance/" + c.name + "/" + model.ResourceID(id)), Reason: "MISSING"})
			continue
		}
		ci.status = status
		out = append(out, instanceModel(ci))
	}
	return out, fails, nil
}
