package model

// Cluster is an ECS cluster with the statistics DescribeClusters reports.
type Cluster struct {
	ARN                               string
	Name                              string
	Status                            string // ACTIVE, PROVISIONING, DEPROVISIONING, FAILED, INACTIVE
	ActiveServicesCount               int
	RunningTasksCount                 int
	PendingTasksCount                 int
	RegisteredContainerInstancesCount int
	Tags                              map[string]string
	Settings                          map[string]string // containerInsights: enabled, disabled, enhanced
	// CapacityProviders are the providers associated with the cluster, and
	// DefaultStrategy what services and tasks use when they name none.
	CapacityProviders []string
	DefaultStrategy   []CapacityProviderStrategyItem
}

// Failure is one per-item failure that a batch AWS call reported next to its
// results (the `failures` array of ECS Describe*/StartTask/RunTask). Callers
// must surface these, never drop them.
type Failure struct {
	ARN    string
	Reason string // e.g. MISSING, RESOURCE:PORTS, RESOURCE:MEMORY, AGENT
	Detail string
}

func (f Failure) String() string {
	s := f.Reason
	if f.ARN != "" {
		s = f.ARN + ": " + s
	}
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	return s
}
