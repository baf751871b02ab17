package awsapi

import "github.com/ecstui/ecstui/model"

// LiveTailInput selects what a live tail session streams.
type LiveTailInput struct {
	Groups         []string // names; ≤ 10
	StreamNames    []string
	StreamPrefixes []string
	FilterPattern  string
}

// LiveTail is an open live tail session.
type LiveTail interface {
	// Updates delivers batches of events; closed when the session ends.
	Updates() <-chan LiveTailUpdate
	// Err reports why the session ended (nil on a clean close).
	Err() error
	Close() error
}

// LiveTailUpdate is one sessionUpdate frame.
type LiveTailUpdate struct {
	Events  []model.LogEvent
	Sampled bool // CloudWatch sampled the events (more than ~500/s)
}
