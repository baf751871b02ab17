package aws

import "github.com/ecstui/ecstui/aws/awsapi"

// The error kinds and live tail types live in the leaf package awsapi so that
// consumers (ui/, logs/) need not link the SDK; these aliases keep the
// adapter's own spelling.
type (
	Error          = awsapi.Error
	Kind           = awsapi.Kind
	LiveTail       = awsapi.LiveTail
	LiveTailInput  = awsapi.LiveTailInput
	LiveTailUpdate = awsapi.LiveTailUpdate
)

const (
	KindUnknown      = awsapi.KindUnknown
	KindAccessDenied = awsapi.KindAccessDenied
	KindThrottled    = awsapi.KindThrottled
	KindNotFound     = awsapi.KindNotFound
	KindValidation   = awsapi.KindValidation
	KindNetwork      = awsapi.KindNetwork
	KindReadOnly     = awsapi.KindReadOnly
	KindUnsupported  = awsapi.KindUnsupported
	KindCredentials  = awsapi.KindCredentials
)

// KindOf returns the kind of an adapter error, KindUnknown for anything else.
func KindOf(err error) Kind { return awsapi.KindOf(err) }
