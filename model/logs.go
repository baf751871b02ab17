package model

import "time"

// LogGroup is a CloudWatch Logs log group.
type LogGroup struct {
	Name          string
	ARN           string
	CreatedAt     time.Time
	StoredBytes   int64
	RetentionDays int
}

// LogStream is a CloudWatch Logs log stream.
type LogStream struct {
	Group           string
	Name            string
	CreatedAt       time.Time
	FirstEventAt    time.Time
	LastEventAt     time.Time
	LastIngestionAt time.Time
}

// LogEvent is one log line.
type LogEvent struct {
	ID         string // CloudWatch eventId, unique within a group
	Group      string
	Stream     string
	Timestamp  time.Time
	IngestedAt time.Time
	Message    string
}

// LogFilter is the input of FilterLogEvents.
type LogFilter struct {
	Group         string
	StreamNames   []string
	StreamPrefix  string
	Start         time.Time // zero: unbounded
	End           time.Time // zero: unbounded
	FilterPattern string
	Limit         int
	NextToken     string
}
