package sim

import (
	"regexp"
	"slices"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// CloudWatch Logs' limits on names and PutLogEvents batches.
const (
	maxPutEvents     = 10000
	maxPutBytes      = 1048576
	maxEventBytes    = 262144 // 256 KiB, the 26-byte overhead included
	eventOverhead    = 26
	maxPutSpan       = 24 * time.Hour
	maxEventFuture   = 2 * time.Hour
	maxEventPast     = 14 * 24 * time.Hour
	logNameMaxLength = 512
)

var (
	logGroupNamePattern  = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]{1,512}$`)
	logStreamNamePattern = regexp.MustCompile(`^[^:*]{1,512}$`)
)

func errAlreadyExists(what string) error {
	return simapi.Errorf("ResourceAlreadyExistsException", "The specified %s already exists", what)
}

func errNoStream() error {
	return simapi.Errorf(simapi.CodeResourceNotFound, "The specified log stream does not exist.")
}

// CreateLogGroup creates an empty log group that keeps its events forever.
func (w *World) CreateLogGroup(name string, tags map[string]string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !logGroupNamePattern.MatchString(name) {
		return simapi.Errorf("InvalidParameterException",
			"Log group names are 1-%d characters: letters, digits, '.', '-', '_', '/' and '#'.", logNameMaxLength)
	}
	if _, ok := w.logs.groups[name]; ok {
		return errAlreadyExists("log group")
	}
	g := w.logs.ensureGroup(name, w.now)
	g.retention, g.tags = 0, cloneMap(tags)
	return nil
}

// CreateLogStream creates an empty stream in a group.
func (w *World) CreateLogStream(group, stream string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	g, ok := w.logs.groups[groupName(group)]
	if !ok {
		return errNoGroup()
	}
	if !logStreamNamePattern.MatchString(stream) {
		return simapi.Errorf("InvalidParameterException", "Log stream names are 1-%d characters, without ':' or '*'.", logNameMaxLength)
	}
	if _, ok := g.streams[stream]; ok {
		return errAlreadyExists("log stream")
	}
	w.logs.ensureStream(g.name, stream, w.now)
	return nil
}

// PutLogEvents writes a batch to an existing stream, ingested now: the
// events reach FilterLogEvents, GetLogEvents and live tail like any other.
// As CloudWatch does, it refuses a batch out of chronological order, too
// large or spanning more than a day, and rejects (without failing) events
// more than 2 hours ahead, more than 14 days old, or older than retention.
func (w *World) PutLogEvents(group, stream string, events []simapi.InputLogEvent) (simapi.RejectedLogEvents, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	rej := simapi.RejectedLogEvents{TooNewStart: -1, TooOldEnd: -1, ExpiredEnd: -1}
	g, ok := w.logs.groups[groupName(group)]
	if !ok {
		return rej, errNoGroup()
	}
	if _, ok := g.streams[stream]; !ok {
		return rej, errNoStream()
	}
	if err := checkLogBatch(events); err != nil {
		return rej, err
	}
	for i, e := range events {
		switch {
		case e.Timestamp.After(w.now.Add(maxEventFuture)):
			if rej.TooNewStart < 0 {
				rej.TooNewStart = i
			}
		case e.Timestamp.Before(w.now.Add(-maxEventPast)):
			rej.TooOldEnd = i
		case g.retention > 0 && e.Timestamp.Before(w.now.AddDate(0, 0, -g.retention)):
			rej.ExpiredEnd = i
		default:
			w.logs.putIngested(g.name, stream, e.Timestamp, w.now, e.Message)
		}
	}
	return rej, nil
}

func checkLogBatch(events []simapi.InputLogEvent) error {
	if len(events) == 0 || len(events) > maxPutEvents {
		return simapi.Errorf("InvalidParameterException", "logEvents must contain between 1 and %d items.", maxPutEvents)
	}
	size := 0
	for i, e := range events {
		n := len(e.Message) + eventOverhead
		if n > maxEventBytes {
			return simapi.Errorf("InvalidParameterException", "Log event too large: %d bytes exceeds the limit of %d.", n, maxEventBytes)
		}
		size += n
		if i > 0 && e.Timestamp.Before(events[i-1].Timestamp) {
			return simapi.Errorf("InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	if size > maxPutBytes {
		return simapi.Errorf("InvalidParameterException", "Upload too large: %d bytes exceeds the limit of %d.", size, maxPutBytes)
	}
	if events[len(events)-1].Timestamp.Sub(events[0].Timestamp) > maxPutSpan {
		return simapi.Errorf("InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	return nil
}

// DeleteLogGroup deletes a group with its streams and events.
func (w *World) DeleteLogGroup(name string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := groupName(name)
	if _, ok := w.logs.groups[n]; !ok {
		return errNoGroup()
	}
	delete(w.logs.groups, n)
	w.logs.order = slices.DeleteFunc(w.logs.order, func(s string) bool { return s == n })
	return nil
}
