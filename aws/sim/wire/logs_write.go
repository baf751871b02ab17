package wire

import (
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// Writing CloudWatch Logs: CreateLogGroup, CreateLogStream, PutLogEvents,
// DeleteLogGroup.

func logsCreateLogGroup(s *Server, body []byte) (any, error) {
	if err := checkRequest(body, nil, "CreateLogGroup", map[string]string{
		"kmsKeyId":      "KMS encryption",
		"logGroupClass": "log group classes (every group is STANDARD)",
	}); err != nil {
		return nil, err
	}
	var in struct {
		LogGroupName string            `json:"logGroupName"`
		Tags         map[string]string `json:"tags"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.LogGroupName == "" {
		return nil, invalid("logGroupName must be specified.")
	}
	return struct{}{}, s.b.CreateLogGroup(in.LogGroupName, in.Tags)
}

func logsCreateLogStream(s *Server, body []byte) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.LogGroupName == "" || in.LogStreamName == "" {
		return nil, invalid("logGroupName and logStreamName must be specified.")
	}
	return struct{}{}, s.b.CreateLogStream(in.LogGroupName, in.LogStreamName)
}

type jsRejected struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

func index(i int) *int {
	if i < 0 {
		return nil
	}
	return &i
}

func logsPutLogEvents(s *Server, body []byte) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
		LogEvents     []struct {
			Timestamp *int64  `json:"timestamp"`
			Message   *string `json:"message"`
		} `json:"logEvents"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.LogGroupName == "" || in.LogStreamName == "" {
		return nil, invalid("logGroupName and logStreamName must be specified.")
	}
	events := make([]simapi.InputLogEvent, 0, len(in.LogEvents))
	for i, e := range in.LogEvents {
		if e.Timestamp == nil || e.Message == nil || *e.Message == "" {
			return nil, invalid("logEvents[%d] needs a timestamp and a non-empty message.", i)
		}
		events = append(events, simapi.InputLogEvent{Timestamp: time.UnixMilli(*e.Timestamp).UTC(), Message: *e.Message})
	}
	rej, err := s.b.PutLogEvents(in.LogGroupName, in.LogStreamName, events)
	if err != nil {
		return nil, err
	}
	out := struct {
		NextSequenceToken     string      `json:"nextSequenceToken"`
		RejectedLogEventsInfo *jsRejected `json:"rejectedLogEventsInfo,omitempty"`
	}{NextSequenceToken: s.requestID()}
	if rej.TooNewStart >= 0 || rej.TooOldEnd >= 0 || rej.ExpiredEnd >= 0 {
		out.RejectedLogEventsInfo = &jsRejected{index(rej.TooNewStart), index(rej.TooOldEnd), index(rej.ExpiredEnd)}
	}
	return out, nil
}

func logsDeleteLogGroup(s *Server, body []byte) (any, error) {
	var in struct {
		LogGroupName string `json:"logGroupName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.LogGroupName == "" {
		return nil, invalid("logGroupName must be specified.")
	}
	return struct{}{}, s.b.DeleteLogGroup(in.LogGroupName)
}
