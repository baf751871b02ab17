// Package quota is the one table of the AWS throttle buckets ecstui knows:
// which bucket each ECS operation spends, and each bucket's burst and
// sustained refill per account and region. The adapter keeps its client-side
// copy of the buckets from it, the simulator enforces it, and the console's
// refresh scheduler spends a share of it. It imports nothing, so consumers
// that must not link the AWS SDK (ui/) can read it.
package quota

// Bucket names a token bucket as "service:category", e.g. "ecs:service-read".
type Bucket string

// ECS's throttle buckets (per account and region).
const (
	ClusterRead   Bucket = "ecs:cluster-read"
	ServiceRead   Bucket = "ecs:service-read"
	TaskRead      Bucket = "ecs:task-read"
	InstanceRead  Bucket = "ecs:instance-read"
	TaskDefRead   Bucket = "ecs:taskdef-read"
	UpdateService Bucket = "ecs:update-service"
)

// The describe calls of the other services the console makes while a view
// is open. Their published limits are far larger than anything a console
// needs, so the console caps each at a fixed rate rather than a share.
const (
	EC2Read         Bucket = "ec2:read"
	AutoScalingRead Bucket = "autoscaling:read"
	ELBRead         Bucket = "elasticloadbalancing:read"
	// CloudWatchRead is GetMetricData (50 transactions per second per
	// account and region); AppScalingRead is Application Auto Scaling's
	// describes. The console asks either at most once a minute per screen.
	CloudWatchRead Bucket = "cloudwatch:read"
	AppScalingRead Bucket = "application-autoscaling:read"
)

// Spec is a token bucket: Burst tokens at most, refilled at Rate per second.
type Spec struct {
	Burst int
	Rate  float64
}

// ECS is ECS's published throttling of the calls ecstui makes (burst,
// sustained rate per second), shared by every caller in the account and region.
var ECS = map[Bucket]Spec{
	ClusterRead:   {Burst: 50, Rate: 20},
	ServiceRead:   {Burst: 100, Rate: 20},
	TaskRead:      {Burst: 100, Rate: 20},
	InstanceRead:  {Burst: 100, Rate: 20},
	TaskDefRead:   {Burst: 50, Rate: 20},
	UpdateService: {Burst: 50, Rate: 5},
}

// ECSReads are the read buckets, in the order reports list them.
var ECSReads = []Bucket{ClusterRead, ServiceRead, TaskRead, InstanceRead, TaskDefRead}

// ecsOps maps an ECS operation to the bucket it spends.
var ecsOps = map[string]Bucket{
	"ListClusters":               ClusterRead,
	"DescribeClusters":           ClusterRead,
	"ListServices":               ServiceRead,
	"DescribeServices":           ServiceRead,
	"ListServiceDeployments":     ServiceRead,
	"DescribeServiceDeployments": ServiceRead,
	"DescribeServiceRevisions":   ServiceRead,
	"ListTasks":                  TaskRead,
	"DescribeTasks":              TaskRead,
	"ListContainerInstances":     InstanceRead,
	"DescribeContainerInstances": InstanceRead,
	"ListTaskDefinitions":        TaskDefRead,
	"ListTaskDefinitionFamilies": TaskDefRead,
	"DescribeTaskDefinition":     TaskDefRead,
	"UpdateService":              UpdateService,
	// AWS does not list DescribeCapacityProviders' bucket; it is counted
	// with the cluster reads it accompanies, so it is paced, not free.
	"DescribeCapacityProviders": ClusterRead,
}

// OfECS returns the bucket an ECS operation spends ("" when it is none of
// the table's).
func OfECS(op string) Bucket { return ecsOps[op] }

// Of returns the bucket of an operation of a service ("ecs", "ec2",
// "autoscaling", "elasticloadbalancing", "cloudwatch",
// "application-autoscaling"): ECS's table, else the service's
// read bucket for its Describe and List calls. "" when unknown.
func Of(service, op string) Bucket {
	switch service {
	case "ecs":
		return OfECS(op)
	case "ec2":
		if isRead(op) {
			return EC2Read
		}
	case "autoscaling":
		if isRead(op) {
			return AutoScalingRead
		}
	case "elasticloadbalancing":
		if isRead(op) {
			return ELBRead
		}
	case "cloudwatch":
		if op == "GetMetricData" {
			return CloudWatchRead
		}
	case "application-autoscaling":
		if isRead(op) {
			return AppScalingRead
		}
	}
	return ""
}

func isRead(op string) bool {
	return len(op) > 8 && op[:8] == "Describe" || len(op) > 4 && op[:4] == "List"
}
