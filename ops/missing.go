package ops

import (
	"errors"
	"fmt"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// MissingError is a resource a person named that the cluster does not
// have: a describe answered with a failure (MISSING) or nothing at all.
type MissingError struct {
	Kind, Name, Cluster string // "service", "web", "prod"
	Failure             *model.Failure
}

func (e *MissingError) Error() string {
	if e.Failure != nil && e.Failure.Reason != "MISSING" {
		return fmt.Sprintf("%s %q in cluster %s: %s", e.Kind, e.Name, e.Cluster, e.Failure.Reason+detail(e.Failure.Detail))
	}
	return fmt.Sprintf("%s %q not found in cluster %s", e.Kind, e.Name, e.Cluster)
}

func detail(d string) string {
	if d == "" {
		return ""
	}
	return " (" + d + ")"
}

// Missing is the error for a named resource a describe did not return.
func Missing(kind, name, cluster string, fails []model.Failure) error {
	e := &MissingError{Kind: kind, Name: name, Cluster: cluster}
	if len(fails) > 0 {
		e.Failure = &fails[0]
	}
	return e
}

// wrapf adds what was being read to err, unless the adapter's error
// already names the resource it did not find (saying it twice helps no one).
func wrapf(err error, format string, args ...any) error {
	var ae *awsapi.Error
	if errors.As(err, &ae) && ae.Kind == awsapi.KindNotFound && ae.Resource != "" {
		return err
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
