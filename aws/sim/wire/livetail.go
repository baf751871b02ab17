package wire

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"

	"github.com/ecstui/ecstui/model"
)

// Live Tail limits as CloudWatch Logs documents them.
const (
	tailSampleAbove = 500 // events per update above which the update is a sample
	tailSessionMax  = 3 * time.Hour
)

type jsTailEvent struct {
	LogStreamName      string `json:"logStreamName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
	Message            string `json:"message"`
	Timestamp          int64  `json:"timestamp"`
	IngestionTime      int64  `json:"ingestionTime"`
}

type jsTailUpdate struct {
	SessionMetadata struct {
		Sampled bool `json:"sampled"`
	} `json:"sessionMetadata"`
	SessionResults []jsTailEvent `json:"sessionResults"`
}

// logsStartLiveTail answers with an event stream: the initial-response frame
// the SDK requires, sessionStart, then a sessionUpdate per interval until the
// client goes away, the server closes, or the session times out.
func logsStartLiveTail(s *Server, w http.ResponseWriter, r *http.Request, body []byte) (any, error) {
	var in struct {
		LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
		LogStreamNames        []string `json:"logStreamNames"`
		LogStreamNamePrefixes []string `json:"logStreamNamePrefixes"`
		LogEventFilterPattern string   `json:"logEventFilterPattern"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.LogGroupIdentifiers) == 0 {
		return nil, invalid("logGroupIdentifiers must contain at least 1 item.")
	}
	if len(in.LogGroupIdentifiers) > maxTailGroups {
		return nil, invalid("logGroupIdentifiers can have at most %d items.", maxTailGroups)
	}
	if len(in.LogStreamNames) > 0 && len(in.LogStreamNamePrefixes) > 0 {
		return nil, invalid("logStreamNames and logStreamNamePrefixes are mutually exclusive.")
	}
	if (len(in.LogStreamNames) > 0 || len(in.LogStreamNamePrefixes) > 0) && len(in.LogGroupIdentifiers) != 1 {
		return nil, invalid("logStreamNames and logStreamNamePrefixes need exactly one log group.")
	}
	// Events name their group the way the client named it.
	ident := map[string]string{}
	names := make([]string, 0, len(in.LogGroupIdentifiers))
	for _, id := range in.LogGroupIdentifiers {
		if strings.HasPrefix(id, "arn:") && strings.HasSuffix(id, "*") {
			return nil, invalid("The ARN %s in logGroupIdentifiers must not end with an asterisk (*).", id)
		}
		n := groupName(id)
		ident[n] = id
		names = append(names, n)
	}

	ctx, cancel := context.WithTimeout(r.Context(), s.tailMax)
	defer cancel()
	events, err := s.b.TailLogs(ctx, names, in.LogStreamNames, in.LogStreamNamePrefixes, in.LogEventFilterPattern)
	if err != nil {
		return nil, err
	}

	h := w.Header()
	h.Set("Content-Type", "application/vnd.amazon.eventstream")
	h.Set("X-Amzn-Requestid", s.requestID())
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	enc := eventstream.NewEncoder()
	send := func(headers eventstream.Headers, payload any) bool {
		b, err := json.Marshal(payload)
		if err != nil {
			return false
		}
		if err := enc.Encode(w, eventstream.Message{Headers: headers, Payload: b}); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	event := func(typ string) eventstream.Headers {
		return eventstream.Headers{
			{Name: ":message-type", Value: eventstream.StringValue("event")},
			{Name: ":event-type", Value: eventstream.StringValue(typ)},
			{Name: ":content-type", Value: eventstream.StringValue("application/json")},
		}
	}

	if !send(eventstream.Headers{
		{Name: ":message-type", Value: eventstream.StringValue("event")},
		{Name: ":event-type", Value: eventstream.StringValue("initial-response")},
	}, struct{}{}) {
		return nil, nil
	}
	start := struct {
		RequestID             string   `json:"requestId"`
		SessionID             string   `json:"sessionId"`
		LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
		LogStreamNames        []string `json:"logStreamNames,omitempty"`
		LogStreamNamePrefixes []string `json:"logStreamNamePrefixes,omitempty"`
		LogEventFilterPattern string   `json:"logEventFilterPattern,omitempty"`
	}{s.requestID(), s.requestID(), in.LogGroupIdentifiers, in.LogStreamNames, in.LogStreamNamePrefixes, in.LogEventFilterPattern}
	if !send(event("sessionStart"), start) {
		return nil, nil
	}

	timedOut := func() {
		// The session outlived CloudWatch's limit, not the client.
		if ctx.Err() == context.DeadlineExceeded && r.Context().Err() == nil {
			send(eventstream.Headers{
				{Name: ":message-type", Value: eventstream.StringValue("exception")},
				{Name: ":exception-type", Value: eventstream.StringValue("SessionTimeoutException")},
				{Name: ":content-type", Value: eventstream.StringValue("application/json")},
			}, map[string]string{"message": "Live Tail session timed out after " + s.tailMax.String() + "."})
		}
	}
	tick := time.NewTicker(s.tailInterval)
	defer tick.Stop()
	var batch []model.LogEvent
	for {
		select {
		case e, ok := <-events:
			if !ok {
				timedOut()
				return nil, nil
			}
			batch = append(batch, e)
		case <-tick.C:
			if !send(event("sessionUpdate"), tailUpdate(batch, ident)) {
				return nil, nil
			}
			batch = batch[:0]
		case <-ctx.Done():
			timedOut()
			return nil, nil
		}
	}
}

// tailUpdate renders one interval's events, sampling evenly when there are
// more than CloudWatch would send.
func tailUpdate(batch []model.LogEvent, ident map[string]string) jsTailUpdate {
	var u jsTailUpdate
	picked := batch
	if len(batch) > tailSampleAbove {
		u.SessionMetadata.Sampled = true
		picked = make([]model.LogEvent, 0, tailSampleAbove)
		for i := range tailSampleAbove {
			picked = append(picked, batch[i*len(batch)/tailSampleAbove])
		}
	}
	u.SessionResults = make([]jsTailEvent, 0, len(picked))
	for _, e := range picked {
		id := ident[e.Group]
		if id == "" {
			id = e.Group
		}
		u.SessionResults = append(u.SessionResults, jsTailEvent{LogStreamName: e.Stream, LogGroupIdentifier: id,
			Message: e.Message, Timestamp: ms(e.Timestamp), IngestionTime: ms(e.IngestedAt)})
	}
	return u
}
