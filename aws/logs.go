package aws

import (
	"context"
	"strings"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/ecstui/ecstui/model"
)

func ms(p *int64) time.Time {
	if p == nil || *p == 0 {
		return time.Time{}
	}
	return time.UnixMilli(*p)
}

func toMS(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	return sdkaws.Int64(t.UnixMilli())
}

// LogStreams lists a group's streams with the given name prefix.
func (c *Client) LogStreams(ctx context.Context, group, prefix string) ([]model.LogStream, error) {
	var out []model.LogStream
	p := cloudwatchlogs.NewDescribeLogStreamsPaginator(c.logs, &cloudwatchlogs.DescribeLogStreamsInput{
		LogGroupName: sdkaws.String(group), LogStreamNamePrefix: optStr(prefix), Limit: sdkaws.Int32(50),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrapErr(err)
		}
		for _, s := range page.LogStreams {
			out = append(out, model.LogStream{
				Group:           group,
				Name:            str(s.LogStreamName),
				CreatedAt:       ms(s.CreationTime),
				FirstEventAt:    ms(s.FirstEventTimestamp),
				LastEventAt:     ms(s.LastEventTimestamp),
				LastIngestionAt: ms(s.LastIngestionTime),
			})
		}
	}
	return out, nil
}

// FilterLogEvents returns one page of matching events and the next token.
func (c *Client) FilterLogEvents(ctx context.Context, f model.LogFilter) ([]model.LogEvent, string, error) {
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName:        sdkaws.String(f.Group),
		LogStreamNames:      f.StreamNames,
		LogStreamNamePrefix: optStr(f.StreamPrefix),
		StartTime:           toMS(f.Start),
		EndTime:             toMS(f.End),
		FilterPattern:       optStr(f.FilterPattern),
		NextToken:           optStr(f.NextToken),
	}
	if f.Limit > 0 {
		// FilterLogEvents returns at most 10,000 events a call: a larger
		// limit means "as many as a page holds".
		in.Limit = sdkaws.Int32(int32(min(f.Limit, 10000)))
	}
	out, err := c.logs.FilterLogEvents(ctx, in)
	if err != nil {
		return nil, "", wrapErr(err)
	}
	evs := make([]model.LogEvent, 0, len(out.Events))
	for _, e := range out.Events {
		evs = append(evs, model.LogEvent{
			ID: str(e.EventId), Group: f.Group, Stream: str(e.LogStreamName),
			Timestamp: ms(e.Timestamp), IngestedAt: ms(e.IngestionTime), Message: str(e.Message),
		})
	}
	return evs, str(out.NextToken), nil
}

// GetLogEvents returns up to limit events of one stream in [start, end), oldest first.
func (c *Client) GetLogEvents(ctx context.Context, group, stream string, start, end time.Time, limit int) ([]model.LogEvent, error) {
	in := &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: sdkaws.String(group), LogStreamName: sdkaws.String(stream),
		StartTime: toMS(start), EndTime: toMS(end), StartFromHead: sdkaws.Bool(true),
	}
	var evs []model.LogEvent
	for {
		if limit > 0 {
			in.Limit = sdkaws.Int32(int32(min(limit-len(evs), 10000)))
		}
		out, err := c.logs.GetLogEvents(ctx, in)
		if err != nil {
			return nil, wrapErr(err)
		}
		for _, e := range out.Events {
			evs = append(evs, model.LogEvent{
				Group: group, Stream: stream, Timestamp: ms(e.Timestamp), IngestedAt: ms(e.IngestionTime), Message: str(e.Message),
			})
		}
		// GetLogEvents signals the end by returning the token it was given.
		next := str(out.NextForwardToken)
		if len(out.Events) == 0 || next == "" || next == str(in.NextToken) || (limit > 0 && len(evs) >= limit) {
			return evs, nil
		}
		in.NextToken = sdkaws.String(next)
	}
}

// StartLiveTail opens a live tail session over CloudWatch Logs' event stream.
func (c *Client) StartLiveTail(ctx context.Context, in LiveTailInput) (LiveTail, error) {
	if len(in.Groups) == 0 || len(in.Groups) > 10 {
		return nil, &Error{Kind: KindValidation, Service: "logs", Op: "StartLiveTail", Message: "live tail takes 1 to 10 log groups"}
	}
	ids, names := c.liveTailGroups(ctx, in.Groups)
	// The session lives as long as ctx, or until Close.
	sctx, cancel := context.WithCancel(ctx)
	out, err := c.logs.StartLiveTail(sctx, &cloudwatchlogs.StartLiveTailInput{
		LogGroupIdentifiers:   ids,
		LogStreamNames:        in.StreamNames,
		LogStreamNamePrefixes: in.StreamPrefixes,
		LogEventFilterPattern: optStr(in.FilterPattern),
	})
	if err != nil {
		cancel()
		return nil, liveTailStartErr(err)
	}
	t := &liveTail{stream: out.GetStream(), ctx: sctx, cancel: cancel, updates: make(chan LiveTailUpdate, 16), names: names}
	go t.pump()
	return t, nil
}

// liveTailGroups returns the identifiers to send and a map from what the
// service may answer with (ARN or name) back to the group name. Live tail
// wants log group ARNs, so names are resolved with DescribeLogGroups; a
// group that cannot be resolved is sent by name and the service decides.
func (c *Client) liveTailGroups(ctx context.Context, groups []string) ([]string, map[string]string) {
	names := map[string]string{}
	ids := make([]string, 0, len(groups))
	for _, g := range groups {
		names[g] = g
		id := g
		if !strings.HasPrefix(g, "arn:") {
			if arn := c.logGroupARN(ctx, g); arn != "" {
				id = arn
				names[arn] = g
			}
		}
		ids = append(ids, id)
	}
	return ids, names
}

func (c *Client) logGroupARN(ctx context.Context, name string) string {
	out, err := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: sdkaws.String(name), Limit: sdkaws.Int32(50)})
	if err != nil {
		return ""
	}
	for _, g := range out.LogGroups {
		if str(g.LogGroupName) != name {
			continue
		}
		if a := str(g.LogGroupArn); a != "" {
			return a
		}
		return strings.TrimSuffix(str(g.Arn), ":*")
	}
	return ""
}

// liveTailStartErr keeps access and connectivity problems as they are and
// reports everything else as "live tail unsupported here", which is what
// makes the log viewer fall back to polling.
func liveTailStartErr(err error) error {
	e := wrapErr(err)
	switch KindOf(e) {
	case KindAccessDenied, KindCredentials, KindNetwork, KindReadOnly:
		return e
	}
	if ae, ok := e.(*Error); ok {
		cp := *ae
		cp.Kind = KindUnsupported
		cp.Op = "StartLiveTail"
		return &cp
	}
	return &Error{Kind: KindUnsupported, Service: "logs", Op: "StartLiveTail", Err: err}
}

type liveTail struct {
	stream  *cloudwatchlogs.StartLiveTailEventStream
	ctx     context.Context
	cancel  context.CancelFunc
	updates chan LiveTailUpdate
	names   map[string]string

	mu     sync.Mutex
	err    error
	closed bool
}

func (t *liveTail) Updates() <-chan LiveTailUpdate { return t.updates }

func (t *liveTail) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

func (t *liveTail) Close() error {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	t.cancel()
	return t.stream.Close()
}

func (t *liveTail) pump() {
	defer close(t.updates)
	for ev := range t.stream.Events() {
		u, ok := ev.(*logtypes.StartLiveTailResponseStreamMemberSessionUpdate)
		if !ok {
			continue
		}
		up := LiveTailUpdate{}
		if md := u.Value.SessionMetadata; md != nil {
			up.Sampled = md.Sampled
		}
		for _, e := range u.Value.SessionResults {
			g := str(e.LogGroupIdentifier)
			if n, ok := t.names[g]; ok {
				g = n
			}
			up.Events = append(up.Events, model.LogEvent{
				Group: g, Stream: str(e.LogStreamName), Timestamp: ms(e.Timestamp),
				IngestedAt: ms(e.IngestionTime), Message: str(e.Message),
			})
		}
		select {
		case t.updates <- up:
		case <-t.ctx.Done():
			// Closed while nobody reads: drain the stream so it can end.
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed && t.ctx.Err() == nil {
		if err := t.stream.Err(); err != nil {
			t.err = wrapErr(err)
		}
	}
}
