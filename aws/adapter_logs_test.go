package aws_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
)

// demoLogGroup finds an awslogs group and stream prefix of a running demo task.
func demoLogGroup(t *testing.T, cl *aws.Client) (group string, task model.Task, container string, prefix string) {
	t.Helper()
	ctx := context.Background()
	cluster := demoCluster(t, cl)
	tasks, _, err := cl.Tasks(ctx, cluster, model.TaskFilter{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tasks {
		td, err := cl.TaskDefinition(ctx, tk.TaskDefinitionARN)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range td.Containers {
			if lt, ok := c.AWSLogs(); ok && lt.StreamPrefix != "" && tk.LastStatus == model.StatusRunning {
				return lt.Group, tk, c.Name, lt.StreamPrefix
			}
		}
	}
	t.Fatal("no running demo task logs to CloudWatch")
	return
}

func TestLogReads(t *testing.T) {
	ctx := context.Background()
	world := sim.NewDemo(1)
	cl, _ := awstest.Start(t, world)
	world.Advance(time.Minute)
	group, task, container, prefix := demoLogGroup(t, cl)
	stream := model.AWSLogsStreamName(prefix, container, task.ID)

	streams, err := cl.LogStreams(ctx, group, prefix+"/"+container)
	if err != nil || len(streams) == 0 {
		t.Fatalf("LogStreams: %v %v", streams, err)
	}
	evs, _, err := cl.FilterLogEvents(ctx, model.LogFilter{Group: group, StreamNames: []string{stream}, Limit: 50})
	if err != nil || len(evs) == 0 {
		t.Fatalf("FilterLogEvents: %d events, %v", len(evs), err)
	}
	for _, e := range evs {
		if e.ID == "" || e.Stream != stream || e.Group != group || e.Timestamp.IsZero() {
			t.Fatalf("event %+v", e)
		}
	}
	got, err := cl.GetLogEvents(ctx, group, stream, time.Time{}, time.Time{}, 10)
	if err != nil || len(got) == 0 || len(got) > 10 {
		t.Fatalf("GetLogEvents: %d events, %v", len(got), err)
	}
}

func TestLiveTailOverTheEventStream(t *testing.T) {
	world := sim.NewDemo(1)
	cl, _ := awstest.Start(t, world)
	group, _, _, _ := demoLogGroup(t, cl)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lt, err := cl.StartLiveTail(ctx, aws.LiveTailInput{Groups: []string{group}})
	if err != nil {
		t.Fatal(err)
	}
	defer lt.Close()
	// The server batches a session update per interval; keep the world
	// writing until one carries events.
	for {
		world.Advance(5 * time.Second)
		select {
		case u, ok := <-lt.Updates():
			if !ok {
				t.Fatalf("session ended: %v", lt.Err())
			}
			if len(u.Events) == 0 {
				continue
			}
			for _, e := range u.Events {
				if e.Group != group || e.Stream == "" || e.Message == "" {
					t.Fatalf("event %+v", e)
				}
			}
			if err := lt.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			for range lt.Updates() {
			}
			if lt.Err() != nil {
				t.Fatalf("a closed session reports %v", lt.Err())
			}
			return
		case <-ctx.Done():
			t.Fatal("no live tail events")
		}
	}
}

func TestLiveTailStartFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(s *wire.Server)
		want  aws.Kind
	}{
		{"access denied", func(s *wire.Server) { s.DenyAction("logs:StartLiveTail") }, aws.KindAccessDenied},
		{"unknown operation", func(s *wire.Server) {
			s.InjectFault("logs:StartLiveTail", wire.Fault{Code: "UnknownOperationException", Message: "no"})
		}, aws.KindUnsupported},
		{"anything else", func(s *wire.Server) {
			s.InjectFault("logs:StartLiveTail", wire.Fault{Code: "InvalidParameterException", Message: "no"})
		}, aws.KindUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, srv := awstest.Start(t, sim.NewDemo(1))
			tt.setup(srv)
			_, err := cl.StartLiveTail(context.Background(), aws.LiveTailInput{Groups: []string{"g"}})
			if aws.KindOf(err) != tt.want {
				t.Fatalf("error %v (kind %v), want %v", err, aws.KindOf(err), tt.want)
			}
		})
	}
}
