package logs

import "github.com/ecstui/ecstui/aws"

// The adapter must keep satisfying what the engine consumes.
var _ Client = (*aws.Client)(nil)
