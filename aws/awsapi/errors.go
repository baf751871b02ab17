// Package awsapi is the part of the adapter's contract that its consumers
// need without compiling against aws-sdk-go-v2: the error kinds every adapter
// error carries, and the live tail streaming types. Package aws re-exports
// them, so inside the adapter nothing changes; ui/ and logs/ import this
// package instead of aws, and so never link the SDK.
package awsapi

import (
	"errors"
	"fmt"
)

// Kind classifies an adapter error by what a person can do about it.
type Kind int

const (
	KindUnknown      Kind = iota
	KindAccessDenied      // the credentials lack a permission: name the IAM action
	KindThrottled         // AWS throttled us even after retries: back off
	KindNotFound          // cluster, service, task… does not exist
	KindValidation        // AWS refused the input
	KindNetwork           // could not reach the endpoint
	KindReadOnly          // the read-only guard refused a mutating call
	KindUnsupported       // the endpoint does not offer this (e.g. live tail)
	KindCredentials       // no or expired credentials / SSO session
)

func (k Kind) String() string {
	switch k {
	case KindAccessDenied:
		return "access denied"
	case KindThrottled:
		return "throttled"
	case KindNotFound:
		return "not found"
	case KindValidation:
		return "invalid request"
	case KindNetwork:
		return "network"
	case KindReadOnly:
		return "read-only"
	case KindUnsupported:
		return "unsupported"
	case KindCredentials:
		return "credentials"
	}
	return "error"
}

// Error is every error the adapter returns: the operation, the AWS code and
// message, and a sentence saying what to do.
type Error struct {
	Kind    Kind
	Service string // ecs, logs, autoscaling, ec2, elbv2
	Op      string // AWS operation name, e.g. DescribeServices
	Action  string // IAM action, e.g. ecs:DescribeServices
	Code    string // AWS error code
	Message string // AWS message (sanitised by the UI before display)
	// Endpoint is the URL a network error could not reach (scheme and host).
	Endpoint string
	// Resource names what a not-found error is about (`cluster "web"`), as
	// the request asked for it, and Region where it was looked for.
	Resource string
	Region   string
	Err      error
}

func (e *Error) Error() string {
	var what string
	switch e.Kind {
	case KindNotFound:
		if e.Resource != "" {
			what = e.Resource + " not found"
			if e.Region != "" {
				what += " in " + e.Region
			}
			what += " (check the name, --region and --profile; " + e.Op
			if e.Code != "" {
				what += ": " + e.Code
			}
			return what + ")"
		}
		what = e.Op
		if e.Code != "" {
			what += ": " + e.Code
		}
	case KindAccessDenied:
		what = fmt.Sprintf("access denied: your credentials are not allowed %s", e.Action)
	case KindThrottled:
		// The adapter's retryer has already backed off and retried: this
		// is the answer that ended them.
		what = fmt.Sprintf("%s throttled by AWS even after retries; try again later", e.Op)
	case KindReadOnly:
		what = fmt.Sprintf("read-only mode: %s was not sent (start without --read-only or use a context that allows changes)", e.Op)
	case KindNetwork:
		what = fmt.Sprintf("%s: cannot reach the %s endpoint", e.Op, e.Service)
		if e.Endpoint != "" {
			what += " " + e.Endpoint
		}
	case KindUnsupported:
		what = fmt.Sprintf("%s is not available on this endpoint", e.Op)
	case KindCredentials:
		what = fmt.Sprintf("%s: no valid AWS credentials (check --profile, run `aws sso login`, or set AWS_* variables)", e.Op)
	default:
		what = e.Op
		if e.Code != "" {
			what += ": " + e.Code
		}
	}
	if e.Message != "" {
		what += ": " + e.Message
	}
	return what
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of an adapter error, KindUnknown for anything else.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}
