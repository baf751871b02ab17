package aws

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// shortService names an SDK service id the way Error.Service spells it.
func shortService(serviceID string) string {
	switch serviceID {
	case "ECS":
		return "ecs"
	case "CloudWatch Logs":
		return "logs"
	case "Auto Scaling":
		return "autoscaling"
	case "EC2":
		return "ec2"
	case "Elastic Load Balancing v2":
		return "elbv2"
	case "CloudWatch":
		return "cloudwatch"
	case "Application Auto Scaling":
		return "application-autoscaling"
	case "SSM":
		return "ssm"
	case "IAM":
		return "iam"
	}
	return strings.ToLower(serviceID)
}

// iamAction is the IAM action a person must be granted to call op.
func iamAction(serviceID, op string) string {
	prefix := shortService(serviceID)
	if prefix == "elbv2" {
		prefix = "elasticloadbalancing"
	}
	return prefix + ":" + op
}

// wrapErr turns any SDK error into an *Error naming the operation and saying
// what kind of problem it is. Errors already of our type (the read-only
// guard) pass through.
func wrapErr(err error) error {
	if err == nil {
		return nil
	}
	var ours *Error
	if errors.As(err, &ours) {
		return ours
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	e := &Error{Err: err}
	var opErr *smithy.OperationError
	if errors.As(err, &opErr) {
		e.Service = shortService(opErr.ServiceID)
		e.Op = opErr.OperationName
		e.Action = iamAction(opErr.ServiceID, opErr.OperationName)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		e.Code = apiErr.ErrorCode()
		e.Message = apiErr.ErrorMessage()
		e.Kind = kindOfCode(e.Code)
		var missing *missingError
		if errors.As(err, &missing) {
			e.Kind, e.Resource, e.Region = KindNotFound, missing.resource, missing.region
		}
		return e
	}
	msg := err.Error()
	var netErr net.Error
	var sendErr *smithyhttp.RequestSendError
	switch {
	case strings.Contains(msg, "get identity") || strings.Contains(msg, "failed to retrieve credentials") ||
		strings.Contains(msg, "failed to refresh cached credentials"):
		e.Kind = KindCredentials
	case errors.As(err, &sendErr) || errors.As(err, &netErr):
		e.Kind = KindNetwork
		e.Endpoint, e.Message = unreachable(err)
	default:
		e.Message = msg
	}
	var maxErr *retry.MaxAttemptsError
	if e.Kind == KindNetwork && errors.As(err, &maxErr) {
		e.Message = "gave up after retries: " + e.Message
	}
	return e
}

// unreachable names the endpoint a request could not reach (scheme and
// host, never a path or query) and the cause the network gave, e.g.
// "connection refused".
func unreachable(err error) (endpoint, cause string) {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return "", ""
	}
	if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
		endpoint = u.Scheme + "://" + u.Host
	}
	cause = ue.Err.Error()
	var op *net.OpError
	if errors.As(ue.Err, &op) && op.Err != nil {
		cause = op.Err.Error()
	}
	return endpoint, cause
}

// kindOfCode classifies an AWS error code.
func kindOfCode(code string) Kind {
	switch {
	case code == "AccessDeniedException" || code == "AccessDenied" || code == "UnauthorizedOperation" ||
		code == "UnauthorizedException":
		return KindAccessDenied
	case code == "UnrecognizedClientException" || code == "InvalidClientTokenId" || code == "ExpiredToken" ||
		code == "ExpiredTokenException" || code == "AuthFailure" || code == "InvalidSignatureException" ||
		code == "SignatureDoesNotMatch":
		return KindCredentials
	case strings.HasPrefix(code, "Throttling") || code == "RequestLimitExceeded" || code == "TooManyRequestsException" ||
		code == "LimitExceededException" || code == "RequestThrottled":
		return KindThrottled
	case strings.Contains(code, "NotFound"):
		return KindNotFound
	case code == "InvalidParameterException" || code == "ValidationError" || code == "ValidationException" ||
		code == "ClientException" || code == "InvalidParameterValue" || code == "InvalidParameterCombination" ||
		strings.HasPrefix(code, "InvalidParameter") || code == "ServiceNotActiveException":
		return KindValidation
	case code == "UnknownOperationException" || code == "InvalidAction" || code == "UnsupportedOperation":
		return KindUnsupported
	}
	return KindUnknown
}
