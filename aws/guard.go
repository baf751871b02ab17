package aws

import (
	"context"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// readOperations are the only operations a read-only client may send, keyed
// by the SDK's service id. The guard fails closed: anything not listed here,
// including operations added to the code later, is refused.
var readOperations = map[string]map[string]bool{
	"ECS": set("ListClusters", "DescribeClusters", "ListServices", "DescribeServices",
		"ListTasks", "DescribeTasks", "ListContainerInstances", "DescribeContainerInstances",
		"ListTaskDefinitionFamilies", "ListTaskDefinitions", "DescribeTaskDefinition",
		"DescribeCapacityProviders",
		"ListServiceDeployments", "DescribeServiceDeployments", "DescribeServiceRevisions"),
	"CloudWatch Logs": set("DescribeLogGroups", "DescribeLogStreams", "FilterLogEvents",
		"GetLogEvents", "StartLiveTail"),
	"Auto Scaling": set("DescribeAutoScalingGroups", "DescribeAutoScalingInstances",
		"DescribeLifecycleHooks", "DescribeInstanceRefreshes", "DescribeScalingActivities"),
	"EC2":                       set("DescribeInstances", "DescribeRegions"),
	"IAM":                       set("SimulatePrincipalPolicy"), // the exec readiness check
	"Elastic Load Balancing v2": set("DescribeTargetGroups", "DescribeTargetHealth"),
	"CloudWatch":                set("GetMetricData"),
	"Application Auto Scaling": set("DescribeScalableTargets", "DescribeScalingPolicies",
		"DescribeScalingActivities", "DescribeScheduledActions"),
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// execOperations open a session into a container (ECS Exec, SSM port
// forwarding). They are not reads, so the guard refuses them like any change,
// unless the guard was built with the context's explicit permission
// (allowExecInReadOnly); even then nothing else is let through.
var execOperations = map[string]map[string]bool{
	"ECS": set("ExecuteCommand"),
	"SSM": set("StartSession"),
}

// IsReadOperation reports whether the read-only guard lets service/op through.
func IsReadOperation(serviceID, op string) bool { return readOperations[serviceID][op] }

// readOnlyRefusal is the guard's answer for serviceID/op: nil when the
// allow-list lets it through. Methods that read before they mutate ask it
// first, so a refused change sends no request at all.
func readOnlyRefusal(serviceID, op string) error {
	if IsReadOperation(serviceID, op) {
		return nil
	}
	return &Error{Kind: KindReadOnly, Service: shortService(serviceID), Op: op, Action: iamAction(serviceID, op)}
}

// guardRefusal is readOnlyRefusal for a guard that may also let the exec
// operations through.
func guardRefusal(serviceID, op string, allowExec bool) error {
	if allowExec && execOperations[serviceID][op] {
		return nil
	}
	return readOnlyRefusal(serviceID, op)
}

// addReadOnlyGuard installs the guard first in the Initialize step, so a
// refused operation never has its request serialized, signed or sent.
func addReadOnlyGuard(stack *middleware.Stack) error { return readOnlyGuard(false)(stack) }

// readOnlyGuard is the guard; allowExec lets exactly the exec operations
// through besides the reads.
func readOnlyGuard(allowExec bool) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("ecstuiReadOnlyGuard",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if err := guardRefusal(middleware.GetServiceID(ctx), middleware.GetOperationName(ctx), allowExec); err != nil {
					return middleware.InitializeOutput{}, middleware.Metadata{}, err
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}
}

func disableHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("ecstuiDisableHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}
