// Package logs is the tail engine behind the log viewer (ui/logview) and the
// `ecstui logs` command: it resolves a container, a task or a whole service to
// the CloudWatch Logs streams its containers write to (from the task
// definition's awslogs options), reads them live (StartLiveTail) or by
// polling (FilterLogEvents, rate-limited, de-duplicated by event id) with an
// automatic, visible fallback, and merges every stream by timestamp into a
// bounded buffer that marks explicitly where lines were lost.
//
// The engine does no rendering. Messages are sanitised with textsafe.Clean on
// the way in, so every consumer holds only display-safe text.
package logs

import (
	"context"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// TaskReader is the part of aws.Reader that target resolution needs.
type TaskReader interface {
	Tasks(ctx context.Context, cluster string, f model.TaskFilter, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error)
	DescribeTasks(ctx context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error)
	TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error)
}

// EventReader is the part of aws.LogReader that reading events needs.
type EventReader interface {
	FilterLogEvents(ctx context.Context, f model.LogFilter) ([]model.LogEvent, string, error)
	StartLiveTail(ctx context.Context, in awsapi.LiveTailInput) (awsapi.LiveTail, error)
}

// Client is everything the engine uses; *aws.Client satisfies it.
type Client interface {
	TaskReader
	EventReader
}
