package model

import (
	"strings"
	"testing"
	"time"
)

func exit(n int) *int { return &n }

func TestClassifyStop(t *testing.T) {
	td := &TaskDefinition{Containers: []ContainerDefinition{
		{Name: "app", Essential: true}, {Name: "sidecar", Essential: false}}}
	cases := []struct {
		name      string
		task      Task
		td        *TaskDefinition
		kind      StopCauseKind
		label     string
		container string
		image     string
		failure   bool
	}{
		{
			name: "OOM: exit 137 with an OutOfMemory container reason",
			task: Task{StopCode: StopEssentialContainerExited, StoppedReason: "Essential container in task exited",
				Containers: []Container{{Name: "app", ExitCode: exit(137), Reason: "OutOfMemoryError: Container killed due to memory usage"}}},
			kind: CauseOOM, label: "OOM-killed (exit 137)", container: "app", failure: true,
		},
		{
			name: "exit 137 without an OOM reason is a kill, not OOM",
			task: Task{StopCode: StopEssentialContainerExited, StoppedReason: "Essential container in task exited",
				Containers: []Container{{Name: "app", ExitCode: exit(137)}}},
			kind: CauseExit, label: "exited with code 137 (SIGKILL)", container: "app", failure: true,
		},
		{
			name: "essential container exit code 1; the non-essential sidecar's 2 is not the cause",
			task: Task{StopCode: StopEssentialContainerExited, StoppedReason: "Essential container in task exited",
				Containers: []Container{{Name: "sidecar", ExitCode: exit(2)}, {Name: "app", ExitCode: exit(1)}}},
			td:   td,
			kind: CauseExit, label: "exited with code 1", container: "app", failure: true,
		},
		{
			name: "essential container exited 0",
			task: Task{StopCode: StopEssentialContainerExited, Containers: []Container{{Name: "app", ExitCode: exit(0)}}},
			kind: CauseExit, label: "exited with code 0", container: "app", failure: true,
		},
		{
			name: "image pull failure names the image from the reason",
			task: Task{StopCode: StopTaskFailedToStart,
				StoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.9: not found",
				Containers:    []Container{{Name: "web", Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.9"}}},
			kind: CauseImagePull, label: "image pull failed", container: "web",
			image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.9", failure: true,
		},
		{
			name: "image pull failure from the container reason",
			task: Task{StopCode: StopTaskFailedToStart, StoppedReason: "Task failed to start",
				Containers: []Container{{Name: "web", Image: "nginx:nope", Reason: "CannotPullContainerError: Error response from daemon: manifest unknown"}}},
			kind: CauseImagePull, label: "image pull failed", container: "web", image: "nginx:nope", failure: true,
		},
		{
			name: "secrets: ResourceInitializationError",
			task: Task{StopCode: StopTaskFailedToStart,
				StoppedReason: "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed"},
			kind: CauseResourceInit, label: "resource initialization failed", failure: true,
		},
		{
			name: "ELB health checks",
			task: Task{StopCode: StopServiceSchedulerInitiated,
				StoppedReason: "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/abc)"},
			kind: CauseELBHealth, label: "failed ELB health checks", failure: true,
		},
		{
			name: "container health checks",
			task: Task{StopCode: StopServiceSchedulerInitiated, StoppedReason: "Task failed container health checks"},
			kind: CauseContainerHealth, label: "failed container health checks", failure: true,
		},
		{
			name: "Spot interruption",
			task: Task{StopCode: StopSpotInterruption, StoppedReason: "Your Spot Task was interrupted."},
			kind: CauseSpot, label: "Spot interruption", failure: true,
		},
		{
			name: "host terminated",
			task: Task{StopCode: StopEssentialContainerExited, StoppedReason: "Host EC2 (instance i-0abc) terminated."},
			kind: CauseInstance, label: "host instance went away", failure: true,
		},
		{
			name: "other start failure",
			task: Task{StopCode: StopTaskFailedToStart, StoppedReason: "CannotStartContainerError: Error response from daemon: failed to create shim"},
			kind: CauseStartFailed, label: "failed to start", failure: true,
		},
		{
			name: "a person stopped it",
			task: Task{StopCode: StopUserInitiated, StoppedReason: "Task stopped by user"},
			kind: CauseUser, label: "stopped by a user",
		},
		{
			name: "deployment replaced it",
			task: Task{StopCode: StopServiceSchedulerInitiated, StoppedReason: "Scaling activity initiated by (deployment ecs-svc/123)"},
			kind: CauseScheduler, label: "stopped by the scheduler",
		},
		{
			name: "nothing to go on",
			task: Task{},
			kind: CauseUnknown, label: "stopped",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ClassifyStop(c.task, c.td)
			if got.Kind != c.kind || got.Label() != c.label || got.Container != c.container || got.Image != c.image {
				t.Errorf("got kind %s label %q container %q image %q\nwant kind %s label %q container %q image %q",
					got.Kind, got.Label(), got.Container, got.Image, c.kind, c.label, c.container, c.image)
			}
			if got.Kind.Failure() != c.failure {
				t.Errorf("Failure() = %v, want %v", got.Kind.Failure(), c.failure)
			}
		})
	}
}

func TestGroupStopped(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	oom := func(id string, at time.Duration) Task {
		return Task{ARN: "arn:task/" + id, ID: id, Group: "service:api", LastStatus: StatusStopped,
			StopCode: StopEssentialContainerExited, StoppedAt: t0.Add(at),
			Containers: []Container{{Name: "api", ExitCode: exit(137), Reason: "OutOfMemoryError: Container killed due to memory usage"}}}
	}
	pull := Task{ARN: "arn:task/p", ID: "p", Group: "service:web", LastStatus: StatusStopped, StopCode: StopTaskFailedToStart,
		StoppedReason: "CannotPullContainerError: failed to resolve ref registry/web:2: not found", StoppedAt: t0.Add(time.Minute),
		Containers: []Container{{Name: "web", Image: "registry/web:2"}}}
	running := Task{ARN: "arn:task/r", Group: "service:api", LastStatus: StatusRunning, DesiredStatus: StatusRunning}
	gs := GroupStopped([]Task{oom("a", 0), pull, oom("b", 5*time.Minute), running, oom("c", 2*time.Minute)}, nil)
	if len(gs) != 2 {
		t.Fatalf("%d groups, want 2: %+v", len(gs), gs)
	}
	if g := gs[0]; g.Service != "api" || g.Count != 3 || g.Last.ID != "b" || !g.First.Equal(t0) ||
		g.Describe() != "3 tasks OOM-killed (exit 137) in api" {
		t.Errorf("first group = %s (%s, last %s, first %s)", g.Describe(), g.Service, g.Last.ID, g.First)
	}
	if g := gs[1]; g.Service != "web" || g.Count != 1 || g.Describe() != "1 task image pull failed: registry/web:2" {
		t.Errorf("second group = %s", g.Describe())
	}
}

func TestImageIn(t *testing.T) {
	cases := map[string]string{
		"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/app:9: not found": "docker.io/library/app:9",
		`CannotPullContainerError: Error response from daemon: pull access denied for repo/app, repository does not exist`:                   "",
		`CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve image "registry/x:1"`:                         "registry/x:1",
	}
	for in, want := range cases {
		if got := imageIn(in); got != want {
			t.Errorf("imageIn(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestShortReason(t *testing.T) {
	cases := []struct {
		c    StopCause
		want string
	}{
		{StopCause{Kind: CauseImagePull, Reason: "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref r/x:1: r/x:1: not found"},
			"CannotPullContainerError: … not found"},
		{StopCause{Kind: CauseResourceInit, Reason: "ResourceInitializationError: unable to pull secrets: AccessDeniedException: User is not authorized"},
			"ResourceInitializationError: … AccessDeniedException: User is not authorized"},
		{StopCause{Kind: CauseResourceInit, Reason: "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: " +
			"unable to retrieve secret from asm: service call has been retried 1 time(s): AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue"},
			"ResourceInitializationError: … AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue"},
		{StopCause{Kind: CauseExit, Reason: "Essential container in task exited"}, ""},
		{StopCause{Kind: CauseOOM, Reason: "OutOfMemoryError: Container killed due to memory usage"}, "OutOfMemoryError: Container killed due to memory usage"},
		{StopCause{Kind: CauseELBHealth, Reason: strings.Repeat("x", 200)}, strings.Repeat("x", 119) + "…"},
	}
	for _, c := range cases {
		if got := c.c.ShortReason(); got != c.want {
			t.Errorf("%s: %q, want %q", c.c.Kind, got, c.want)
		}
	}
}
