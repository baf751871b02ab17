package aws

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestWrapErr(t *testing.T) {
	op := func(svc, name string, err error) error {
		return &smithy.OperationError{ServiceID: svc, OperationName: name, Err: err}
	}
	tests := []struct {
		name       string
		err        error
		wantKind   Kind
		wantAction string
	}{
		{"ecs access denied", op("ECS", "DescribeServices", &smithy.GenericAPIError{Code: "AccessDeniedException"}), KindAccessDenied, "ecs:DescribeServices"},
		{"query access denied", op("Auto Scaling", "DescribeAutoScalingGroups", &smithy.GenericAPIError{Code: "AccessDenied"}), KindAccessDenied, "autoscaling:DescribeAutoScalingGroups"},
		{"ec2 unauthorized", op("EC2", "DescribeInstances", &smithy.GenericAPIError{Code: "UnauthorizedOperation"}), KindAccessDenied, "ec2:DescribeInstances"},
		{"elbv2 action prefix", op("Elastic Load Balancing v2", "DescribeTargetHealth", &smithy.GenericAPIError{Code: "AccessDenied"}), KindAccessDenied, "elasticloadbalancing:DescribeTargetHealth"},
		{"logs throttled", op("CloudWatch Logs", "FilterLogEvents", &smithy.GenericAPIError{Code: "ThrottlingException"}), KindThrottled, "logs:FilterLogEvents"},
		{"query throttled", op("Auto Scaling", "DescribeAutoScalingInstances", &smithy.GenericAPIError{Code: "Throttling"}), KindThrottled, ""},
		{"ec2 throttled", op("EC2", "DescribeInstances", &smithy.GenericAPIError{Code: "RequestLimitExceeded"}), KindThrottled, ""},
		{"ec2 not found", op("EC2", "DescribeInstances", &smithy.GenericAPIError{Code: "InvalidInstanceID.NotFound"}), KindNotFound, ""},
		{"tg not found", op("Elastic Load Balancing v2", "DescribeTargetHealth", &smithy.GenericAPIError{Code: "TargetGroupNotFound"}), KindNotFound, ""},
		{"query validation", op("Auto Scaling", "TerminateInstanceInAutoScalingGroup", &smithy.GenericAPIError{Code: "ValidationError"}), KindValidation, ""},
		{"credentials", op("ECS", "ListClusters", fmt.Errorf("get identity: %w", errors.New("no credential providers"))), KindCredentials, ""},
		{"invalid token", op("ECS", "ListClusters", &smithy.GenericAPIError{Code: "UnrecognizedClientException"}), KindCredentials, ""},
		{"network", op("ECS", "ListClusters", &smithyhttp.RequestSendError{Err: errors.New("connection refused")}), KindNetwork, ""},
		{"unknown operation", op("CloudWatch Logs", "StartLiveTail", &smithy.GenericAPIError{Code: "UnknownOperationException"}), KindUnsupported, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wrapErr(tt.err)
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.wantKind {
				t.Fatalf("wrapErr = %v (kind %v), want %v", err, KindOf(err), tt.wantKind)
			}
			if tt.wantAction != "" && e.Action != tt.wantAction {
				t.Errorf("action %q, want %q", e.Action, tt.wantAction)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("the SDK error is not kept in the chain")
			}
		})
	}
	if err := wrapErr(fmt.Errorf("op: %w", context.Canceled)); !errors.Is(err, context.Canceled) || KindOf(err) != KindUnknown {
		t.Errorf("cancellation must pass through unchanged, got %v", err)
	}
	if wrapErr(nil) != nil {
		t.Error("wrapErr(nil) != nil")
	}
}
