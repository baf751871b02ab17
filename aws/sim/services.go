package sim

import (
	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// DeleteService deletes a service: it turns DRAINING, the scheduler stops
// its tasks, and it is INACTIVE once none is left. A REPLICA service must be
// scaled to 0 first unless force.
func (w *World) DeleteService(cluster, id string, force bool) (model.Service, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return model.Service{}, err
	}
	s, ok := c.services[model.ResourceID(id)]
	if !ok {
		return model.Service{}, simapi.Errorf(simapi.CodeServiceNotFound, "Service not found.")
	}
	if s.status != "ACTIVE" {
		return model.Service{}, simapi.Errorf(simapi.CodeServiceNotActive, "Service was not ACTIVE.")
	}
	if s.desired > 0 && !s.daemon && !force {
		return model.Service{}, simapi.Errorf(simapi.CodeInvalidParameter, "The service cannot be stopped while it is scaled above 0.")
	}
	s.status, s.desired = "DRAINING", 0
	for _, d := range s.deployments {
		d.desired = 0
		d.updatedAt = w.now
	}
	return w.serviceModel(s), nil
}

// drainDeleted stops a deleted service's tasks and retires it once they
// have all stopped.
func (w *World) drainDeleted(s *service) {
	p := &schedulePass{s: s}
	for _, t := range sortedTasks(s.tasks) {
		if t.desiredStatus == model.StatusRunning {
			w.stopTask(t, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+t.dep.id+")")
			p.stopped = append(p.stopped, t)
		}
	}
	w.reportPass(p)
	if len(s.tasks) == 0 {
		s.status = "INACTIVE"
	}
}

// CreateServiceRequest creates a service from an ECS CreateService request:
// it is scheduled exactly as a scenario's service is.
func (w *World) CreateServiceRequest(in simapi.CreateServiceInput) (model.Service, error) {
	if err := validateTags(in.Tags); err != nil {
		return model.Service{}, err
	}
	return w.CreateService(ServiceSpec{
		Cluster: in.Cluster, Name: in.Name, TaskDefinition: in.TaskDefinition, DesiredCount: in.DesiredCount,
		DeploymentConfiguration: in.DeploymentConfiguration, LoadBalancers: in.LoadBalancers,
		PlacementStrategy: in.PlacementStrategy, PlacementConstraints: in.PlacementConstraints,
		HealthCheckGracePeriod: in.HealthCheckGracePeriod, Tags: in.Tags, SchedulingStrategy: in.SchedulingStrategy,
		CapacityProviderStrategy: in.CapacityProviderStrategy, LaunchType: in.LaunchType, PlatformVersion: in.PlatformVersion,
		Network: in.Network, EnableExecuteCommand: in.EnableExecuteCommand, requireNetwork: true,
	})
}
