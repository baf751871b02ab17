package wire

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// TestLogsDescribe pages log groups and streams of the demo account.
func TestLogsDescribe(t *testing.T) {
	_, c := serve(t, demo(t), Options{}, 1)
	cx := ctx(t)
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c.logs, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/"), Limit: aws.Int32(2)})
	var groups []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(cx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, g := range out.LogGroups {
			if g.CreationTime == nil || !strings.HasSuffix(aws.ToString(g.Arn), ":*") {
				t.Errorf("group decoded incompletely: %+v", g)
			}
			groups = append(groups, aws.ToString(g.LogGroupName))
		}
	}
	if len(groups) < 5 || pages != (len(groups)+1)/2 {
		t.Fatalf("groups %v in %d pages", groups, pages)
	}

	pat, err := c.logs.DescribeLogGroups(cx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("PLAYGROUND")})
	if err != nil {
		t.Fatal(err)
	}
	if len(pat.LogGroups) != 2 {
		t.Errorf("groups matching PLAYGROUND = %d, want 2 (auth, random)", len(pat.LogGroups))
	}

	ls, err := c.logs.DescribeLogStreams(cx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/ecs/playground/random"),
		OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls.LogStreams) == 0 || !strings.HasPrefix(aws.ToString(ls.LogStreams[0].LogStreamName), "ecs/random/") || ls.LogStreams[0].LastEventTimestamp == nil {
		t.Fatalf("streams = %+v", ls.LogStreams)
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"limit 51", func() error {
			_, err := c.logs.DescribeLogStreams(cx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/ecs/playground/random"), Limit: aws.Int32(51)})
			return err
		}(), "InvalidParameterException"},
		{"missing group", func() error {
			_, err := c.logs.DescribeLogStreams(cx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/nope")})
			return err
		}(), "ResourceNotFoundException"},
	} {
		if code(tc.err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, tc.err, tc.want)
		}
	}
}

// TestLogsEvents checks FilterLogEvents and GetLogEvents paging over a
// stream with known content.
func TestLogsEvents(t *testing.T) {
	w := demo(t)
	base := w.Now().Add(-time.Hour)
	for i := range 25 {
		w.PutLogEvent("test/group", "app/web/1", base.Add(time.Duration(i)*time.Second), fmt.Sprintf("line %02d", i))
	}
	_, c := serve(t, w, Options{}, 1)
	cx := ctx(t)

	p := cloudwatchlogs.NewFilterLogEventsPaginator(c.logs, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("test/group"), Limit: aws.Int32(10)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(cx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range out.Events {
			if aws.ToString(e.EventId) == "" || aws.ToString(e.LogStreamName) != "app/web/1" || aws.ToInt64(e.Timestamp) == 0 {
				t.Errorf("event decoded incompletely: %+v", e)
			}
			got = append(got, aws.ToString(e.Message))
		}
	}
	if pages != 3 || len(got) != 25 || got[0] != "line 00" || got[24] != "line 24" {
		t.Fatalf("%d pages: %v", pages, got)
	}

	f, err := c.logs.FilterLogEvents(cx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("test/group"), FilterPattern: aws.String(`"line 1"`),
		StartTime: aws.Int64(base.UnixMilli()), EndTime: aws.Int64(base.Add(time.Minute).UnixMilli())})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Events) != 10 {
		t.Errorf("pattern matched %d events, want 10", len(f.Events))
	}
	if _, err := c.logs.FilterLogEvents(cx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("test/group"), Limit: aws.Int32(10001)}); code(err) != "InvalidParameterException" {
		t.Errorf("limit 10001: %v", err)
	}

	// Forward from the head, 10 at a time, until the token stops moving.
	g := cloudwatchlogs.NewGetLogEventsPaginator(c.logs, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("test/group"),
		LogStreamName: aws.String("app/web/1"), StartFromHead: aws.Bool(true), Limit: aws.Int32(10)},
		func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	got = got[:0]
	for g.HasMorePages() {
		out, err := g.NextPage(cx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			got = append(got, aws.ToString(e.Message))
		}
	}
	if len(got) != 25 || got[24] != "line 24" {
		t.Fatalf("GetLogEvents forward: %v", got)
	}
	tail, err := c.logs.GetLogEvents(cx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("test/group"), LogStreamName: aws.String("app/web/1"), Limit: aws.Int32(5)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tail.Events) != 5 || aws.ToString(tail.Events[0].Message) != "line 20" {
		t.Fatalf("GetLogEvents tail: %+v", tail.Events)
	}
	back, err := c.logs.GetLogEvents(cx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("test/group"), LogStreamName: aws.String("app/web/1"),
		Limit: aws.Int32(5), NextToken: tail.NextBackwardToken})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Events) != 5 || aws.ToString(back.Events[0].Message) != "line 15" {
		t.Fatalf("GetLogEvents backward: %+v", back.Events)
	}
}

// TestLiveTail opens a StartLiveTail session with the SDK and receives
// events written after it started.
func TestLiveTail(t *testing.T) {
	w := demo(t)
	w.PutLogEvent("tail/group", "app/web/1", w.Now(), "before")
	s, c := serve(t, w, Options{}, 1)
	s.tailInterval = 20 * time.Millisecond
	cx := ctx(t)

	out, err := c.logs.StartLiveTail(cx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{"tail/group"}})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()

	var got []string
	started := false
	deadline := time.After(10 * time.Second)
	for len(got) < 3 {
		select {
		case ev, ok := <-stream.Events():
			if !ok {
				t.Fatalf("stream ended: %v", stream.Err())
			}
			switch v := ev.(type) {
			case *types.StartLiveTailResponseStreamMemberSessionStart:
				started = true
				if aws.ToString(v.Value.SessionId) == "" || len(v.Value.LogGroupIdentifiers) != 1 {
					t.Errorf("session start = %+v", v.Value)
				}
				for i := range 3 {
					w.PutLogEvent("tail/group", "app/web/1", w.Now(), fmt.Sprintf("live %d", i))
				}
			case *types.StartLiveTailResponseStreamMemberSessionUpdate:
				for _, e := range v.Value.SessionResults {
					if aws.ToString(e.LogGroupIdentifier) != "tail/group" || aws.ToString(e.LogStreamName) != "app/web/1" {
						t.Errorf("event = %+v", e)
					}
					got = append(got, aws.ToString(e.Message))
				}
			}
		case <-deadline:
			t.Fatalf("no events after 10s; got %v", got)
		}
	}
	if !started || strings.Join(got, ",") != "live 0,live 1,live 2" {
		t.Errorf("started=%v events=%v", started, got)
	}

	if _, err := c.logs.StartLiveTail(cx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{s.logGroupARN("tail/group")}}); code(err) != "InvalidParameterException" {
		t.Errorf("ARN ending in *: %v", err)
	}
	groups := make([]string, 11)
	for i := range groups {
		groups[i] = "tail/group"
	}
	if _, err := c.logs.StartLiveTail(cx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: groups}); code(err) != "InvalidParameterException" {
		t.Errorf("11 groups: %v", err)
	}
}

// TestLiveTailSampling checks an update with more than 500 events is a
// flagged, evenly spread sample of 500.
func TestLiveTailSampling(t *testing.T) {
	batch := make([]model.LogEvent, 1200)
	for i := range batch {
		batch[i] = model.LogEvent{Group: "g", Stream: "s", Message: fmt.Sprint(i), Timestamp: time.UnixMilli(int64(i))}
	}
	u := tailUpdate(batch, map[string]string{"g": "arn:aws:logs:us-east-1:123456789012:log-group:g"})
	if !u.SessionMetadata.Sampled || len(u.SessionResults) != 500 {
		t.Fatalf("sampled=%v n=%d", u.SessionMetadata.Sampled, len(u.SessionResults))
	}
	if u.SessionResults[0].Message != "0" || u.SessionResults[499].Message == "499" || !strings.HasPrefix(u.SessionResults[1].LogGroupIdentifier, "arn:") {
		t.Errorf("sample not spread: first %q last %q", u.SessionResults[0].Message, u.SessionResults[499].Message)
	}
	if u := tailUpdate(batch[:500], nil); u.SessionMetadata.Sampled || len(u.SessionResults) != 500 {
		t.Errorf("500 events: sampled=%v n=%d", u.SessionMetadata.Sampled, len(u.SessionResults))
	}
}

// tailBackend records the context live tail subscribes with; every other
// Backend method is unused by StartLiveTail.
type tailBackend struct {
	simapi.Backend
	subscribed chan context.Context
	events     chan model.LogEvent
}

func (b *tailBackend) TailLogs(ctx context.Context, _ []string, _, _ []string, _ string) (<-chan model.LogEvent, error) {
	b.subscribed <- ctx
	return b.events, nil
}

// TestLiveTailEndsWithClient checks the server drops its subscription when
// the client closes the stream.
func TestLiveTailEndsWithClient(t *testing.T) {
	b := &tailBackend{subscribed: make(chan context.Context, 1), events: make(chan model.LogEvent)}
	s, c := serve(t, b, Options{}, 1)
	s.tailInterval = 10 * time.Millisecond
	out, err := c.logs.StartLiveTail(ctx(t), &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{"g"}})
	if err != nil {
		t.Fatal(err)
	}
	sub := <-b.subscribed
	stream := out.GetStream()
	// Empty updates keep arriving while nothing is logged.
	for range 3 {
		if _, ok := <-stream.Events(); !ok {
			t.Fatalf("stream ended early: %v", stream.Err())
		}
	}
	_ = stream.Close()
	select {
	case <-sub.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("subscription still open 10s after the client closed the stream")
	}
}

// TestLiveTailTimeout checks a session past its maximum age ends with
// SessionTimeoutException.
func TestLiveTailTimeout(t *testing.T) {
	b := &tailBackend{subscribed: make(chan context.Context, 1), events: make(chan model.LogEvent)}
	s, c := serve(t, b, Options{}, 1)
	s.tailInterval, s.tailMax = 10*time.Millisecond, 100*time.Millisecond
	out, err := c.logs.StartLiveTail(ctx(t), &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{"g"}})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	for range stream.Events() {
	}
	var te *types.SessionTimeoutException
	if err := stream.Err(); !errors.As(err, &te) {
		t.Errorf("stream ended with %v, want SessionTimeoutException", err)
	}
}
