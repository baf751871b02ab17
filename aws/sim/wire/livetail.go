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

// liveTailRequest is a StartLiveTail request.
type liveTailRequest struct {
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogStreamNames        []string `json:"logStreamNames"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes"`
	LogEventFilterPattern string   `json:"logEventFilterPattern"`
}

// groups checks the request as CloudWatch does and returns the group names
// to tail, with the identifier the client used for each (events name their
// group the way the client named it).
func (in liveTailRequest) groups() (names []string, ident map[string]string, err error) {
	switch {
	case len(in.LogGroupIdentifiers) == 0:
		return nil, nil, invalid("logGroupIdentifiers must contain at least 1 item.")
	case len(in.LogGroupIdentifiers) > maxTailGroups:
		return nil, nil, invalid("logGroupIdentifiers can have at most %d items.", maxTailGroups)
	case len(in.LogStreamNames) > 0 && len(in.LogStreamNamePrefixes) > 0:
		return nil, nil, invalid("logStreamNames and logStreamNamePrefixes are mutually exclusive.")
	case (len(in.LogStreamNames) > 0 || len(in.LogStreamNamePrefixes) > 0) && len(in.LogGroupIdentifiers) != 1:
		return nil, nil, invalid("logStreamNames and logStreamNamePrefixes need exactly one log group.")
	}
	ident = map[string]string{}
	for _, id := range in.LogGroupIdentifiers {
		if strings.HasPrefix(id, "arn:") && strings.HasSuffix(id, "*") {
			return nil, nil, invalid("The ARN %s in logGroupIdentifiers must not end with an asterisk (*).", id)
		}
		n := groupName(id)
		ident[n] = id
		names = append(names, n)
	}
	return names, ident, nil
}

// logsStartLiveTail answers with an event stream: the initial-response frame
// the SDK requires, sessionStart, then a sessionUpdate per interval until the
// client goes away, the server closes, or the session times out.
func logsStartLiveTail(s *Server, w http.ResponseWriter, r *http.Request, body []byte) (any, error) {
	var in liveTailRequest
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	names, ident, err := in.groups()
	if err != nil {
		return nil, err
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
	st := newTailStream(w)
	if !st.send(tailHeaders("event", "initial-response", ""), struct{}{}) || !st.send(tailEvent("sessionStart"), s.sessionStart(in)) {
		return nil, nil
	}
	s.streamTail(ctx, r.Context(), st, events, ident)
	return nil, nil
}

// sessionStart is the first event of a session: what it tails.
func (s *Server) sessionStart(in liveTailRequest) any {
	return struct {
		RequestID             string   `json:"requestId"`
		SessionID             string   `json:"sessionId"`
		LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
		LogStreamNames        []string `json:"logStreamNames,omitempty"`
		LogStreamNamePrefixes []string `json:"logStreamNamePrefixes,omitempty"`
		LogEventFilterPattern string   `json:"logEventFilterPattern,omitempty"`
	}{s.requestID(), s.requestID(), in.LogGroupIdentifiers, in.LogStreamNames, in.LogStreamNamePrefixes, in.LogEventFilterPattern}
}

// streamTail sends the events gathered in each interval as a sessionUpdate
// until the events end, the client goes away (client), or the session
// outlives CloudWatch's limit (ctx), which ends it with SessionTimeoutException.
func (s *Server) streamTail(ctx, client context.Context, st *tailStream, events <-chan model.LogEvent, ident map[string]string) {
	timedOut := func() {
		if ctx.Err() == context.DeadlineExceeded && client.Err() == nil {
			st.send(tailHeaders("exception", "", "SessionTimeoutException"),
				map[string]string{"message": "Live Tail session timed out after " + s.tailMax.String() + "."})
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
				return
			}
			batch = append(batch, e)
		case <-tick.C:
			if !st.send(tailEvent("sessionUpdate"), tailUpdate(batch, ident)) {
				return
			}
			batch = batch[:0]
		case <-ctx.Done():
			timedOut()
			return
		}
	}
}

// tailStream writes event-stream frames, flushing each one.
type tailStream struct {
	w       http.ResponseWriter
	flusher http.Flusher
	enc     *eventstream.Encoder
}

func newTailStream(w http.ResponseWriter) *tailStream {
	f, _ := w.(http.Flusher)
	return &tailStream{w: w, flusher: f, enc: eventstream.NewEncoder()}
}

// send writes one frame with a JSON payload; false means the client is gone.
func (t *tailStream) send(headers eventstream.Headers, payload any) bool {
	b, err := json.Marshal(payload)
	if err != nil {
		return false
	}
	if err := t.enc.Encode(t.w, eventstream.Message{Headers: headers, Payload: b}); err != nil {
		return false
	}
	if t.flusher != nil {
		t.flusher.Flush()
	}
	return true
}

// tailHeaders are a frame's headers: an event (with its type) or an
// exception (with its type); JSON content unless it is the initial response.
func tailHeaders(messageType, eventType, exceptionType string) eventstream.Headers {
	h := eventstream.Headers{{Name: ":message-type", Value: eventstream.StringValue(messageType)}}
	if eventType != "" {
		h = append(h, eventstream.Header{Name: ":event-type", Value: eventstream.StringValue(eventType)})
	}
	if exceptionType != "" {
		h = append(h, eventstream.Header{Name: ":exception-type", Value: eventstream.StringValue(exceptionType)})
	}
	if eventType != "initial-response" {
		h = append(h, eventstream.Header{Name: ":content-type", Value: eventstream.StringValue("application/json")})
	}
	return h
}

func tailEvent(typ string) eventstream.Headers { return tailHeaders("event", typ, "") }

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
