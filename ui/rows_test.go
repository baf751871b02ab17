package ui

import (
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/table"
	"github.com/ecstui/ecstui/ui/theme"
)

// cell returns the cell of row under the column titled title, so these
// tests survive columns being added or reordered.
func cell(t *testing.T, cols []table.Column, row table.Row, title string) table.Cell {
	t.Helper()
	for i, c := range cols {
		if c.Title == title && i < len(row.Cells) {
			return row.Cells[i]
		}
	}
	t.Fatalf("no column %q in the row", title)
	return table.Cell{}
}

func TestRolloutSummary(t *testing.T) {
	dep := func(status, rollout string, running, desired, failed int, age time.Duration) model.Deployment {
		return model.Deployment{Status: status, RolloutState: rollout, RunningCount: running, DesiredCount: desired,
			FailedTasks: failed, CreatedAt: t0.Add(-age)}
	}
	tests := []struct {
		name string
		deps []model.Deployment
		text string
		tone theme.Tone
		sort string
	}{
		{"no deployments", nil, "-", theme.ToneNone, ""},
		{"no primary deployment", []model.Deployment{dep("ACTIVE", "COMPLETED", 2, 2, 0, time.Hour)}, "-", theme.ToneNone, ""},
		{"completed", []model.Deployment{dep("PRIMARY", "COMPLETED", 2, 2, 0, 2*time.Hour)},
			"COMPLETED 2/2 2h", theme.ToneOK, "COMPLETED"},
		{"in progress with the old one draining", []model.Deployment{dep("PRIMARY", "IN_PROGRESS", 0, 2, 0, 12*time.Minute), dep("ACTIVE", "COMPLETED", 2, 2, 0, 5*24*time.Hour)},
			"IN_PROGRESS 0/2 12m +1 old", theme.ToneWarn, "IN_PROGRESS"},
		{"in progress with failed tasks", []model.Deployment{dep("PRIMARY", "IN_PROGRESS", 1, 2, 3, 30*time.Second)},
			"IN_PROGRESS 1/2 30s", theme.ToneBad, "IN_PROGRESS"},
		{"failed", []model.Deployment{dep("PRIMARY", "FAILED", 0, 2, 5, 3*time.Minute), dep("ACTIVE", "COMPLETED", 2, 2, 0, time.Hour)},
			"FAILED 0/2 3m +1 old", theme.ToneBad, "FAILED"},
		{"failed tasks do not darken a completed rollout", []model.Deployment{dep("PRIMARY", "COMPLETED", 2, 2, 1, time.Hour)},
			"COMPLETED 2/2 1h", theme.ToneOK, "COMPLETED"},
		{"no rollout state (old API or external deployment): the status stands in", []model.Deployment{dep("PRIMARY", "", 2, 2, 0, time.Hour)},
			"PRIMARY 2/2 1h", theme.ToneOK, "PRIMARY"},
		{"the primary is found wherever it is listed", []model.Deployment{dep("ACTIVE", "COMPLETED", 2, 2, 0, 3*24*time.Hour), dep("PRIMARY", "IN_PROGRESS", 1, 2, 0, time.Minute)},
			"IN_PROGRESS 1/2 1m +1 old", theme.ToneWarn, "IN_PROGRESS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rolloutSummary(model.Service{Deployments: tt.deps}, t0)
			if got.Text != tt.text || got.Tone != tt.tone || got.Sort != tt.sort {
				t.Errorf("rolloutSummary = %q tone %d sort %q, want %q tone %d sort %q", got.Text, got.Tone, got.Sort, tt.text, tt.tone, tt.sort)
			}
		})
	}
}

func TestServiceRowDiagnosis(t *testing.T) {
	event := func(msg string) []model.ServiceEvent {
		return []model.ServiceEvent{{Message: msg, CreatedAt: t0.Add(-5 * time.Minute)}}
	}
	tests := []struct {
		name  string
		svc   model.Service
		title string
		text  string
		tone  theme.Tone
	}{
		{"all running", model.Service{DesiredCount: 2, RunningCount: 2}, "RUNNING", "2", theme.ToneOK},
		{"fewer running than desired", model.Service{DesiredCount: 3, RunningCount: 1}, "RUNNING", "1", theme.ToneWarn},
		{"nothing running while some is desired", model.Service{DesiredCount: 2}, "RUNNING", "0", theme.ToneBad},
		{"scaled to zero", model.Service{}, "RUNNING", "0", theme.ToneNone},
		{"more running than desired (scaling in)", model.Service{DesiredCount: 1, RunningCount: 2}, "RUNNING", "2", theme.ToneOK},
		{"pending tasks", model.Service{DesiredCount: 2, RunningCount: 1, PendingCount: 1}, "PENDING", "1", theme.ToneWarn},
		{"nothing pending", model.Service{DesiredCount: 2, RunningCount: 2}, "PENDING", "0", theme.ToneNone},
		{"active service name plain", model.Service{Name: "web", Status: "ACTIVE"}, "NAME", "web", theme.ToneNone},
		{"draining service name", model.Service{Name: "web", Status: "DRAINING"}, "NAME", "web", theme.ToneDrain},
		{"inactive service name", model.Service{Name: "web", Status: "INACTIVE"}, "NAME", "web", theme.ToneBad},
		{"no events", model.Service{Name: "web"}, "LAST EVENT", "-", theme.ToneNone},
		{"the service prefix is dropped from the event", model.Service{Name: "web", Events: event("(service web) has reached a steady state.")},
			"LAST EVENT", "5m has reached a steady state.", theme.ToneNone},
		{"placement failure event", model.Service{Name: "web", Events: event("(service web) was unable to place a task.")},
			"LAST EVENT", "5m was unable to place a task.", theme.ToneBad},
		{"unhealthy target event", model.Service{Name: "web", Events: event("(service web) (task abc) failed ELB health checks: unhealthy.")},
			"LAST EVENT", "5m (task abc) failed ELB health checks: unhealthy.", theme.ToneBad},
		{"event text is sanitised", model.Service{Name: "web", Events: event("(service web) ok\x1b]52;c;ZXZpbA==\a")},
			"LAST EVENT", "5m ok", theme.ToneNone},
		{"target groups in events by name", model.Service{Name: "web", Events: event("(service web) registered 1 targets in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/02790ad542004ebe)")},
			"LAST EVENT", "5m registered 1 targets in (target-group web-tg)", theme.ToneNone},
		{"load balancers by target group name", model.Service{LoadBalancers: []model.LoadBalancer{
			{TargetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-tg/abc", ContainerPort: 80},
			{LoadBalancerName: "classic", ContainerPort: 8080}}}, "LB", "web-tg:80,classic:8080", theme.ToneNone},
		{"no load balancer", model.Service{}, "LB", "-", theme.ToneNone},
		{"daemon launch", model.Service{LaunchType: "EC2", SchedulingStrategy: "DAEMON"}, "LAUNCH", "EC2/daemon", theme.ToneNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cell(t, serviceColumns, serviceRow(nil, tt.svc, t0), tt.title)
			if got.Text != tt.text || got.Tone != tt.tone {
				t.Errorf("%s = %q tone %d, want %q tone %d", tt.title, got.Text, got.Tone, tt.text, tt.tone)
			}
		})
	}
}

func TestTaskRowDiagnosis(t *testing.T) {
	running := model.Container{LastStatus: model.StatusRunning}
	stopped := model.Container{LastStatus: model.StatusStopped}
	tests := []struct {
		name  string
		task  model.Task
		title string
		text  string
		tone  theme.Tone
	}{
		{"running", model.Task{LastStatus: "RUNNING", DesiredStatus: "RUNNING"}, "STATUS", "RUNNING", theme.ToneOK},
		{"pending", model.Task{LastStatus: "PENDING", DesiredStatus: "RUNNING"}, "STATUS", "PENDING→RUNNING", theme.ToneWarn},
		{"being stopped", model.Task{LastStatus: "RUNNING", DesiredStatus: "STOPPED"}, "STATUS", "RUNNING→STOPPED", theme.ToneWarn},
		{"stopped", model.Task{LastStatus: "STOPPED", DesiredStatus: "STOPPED"}, "STATUS", "STOPPED", theme.ToneBad},
		{"healthy", model.Task{HealthStatus: "HEALTHY"}, "HEALTH", "HEALTHY", theme.ToneOK},
		{"unhealthy", model.Task{HealthStatus: "UNHEALTHY"}, "HEALTH", "UNHEALTHY", theme.ToneBad},
		{"no health check", model.Task{HealthStatus: "UNKNOWN"}, "HEALTH", "UNKNOWN", theme.ToneMuted},
		{"health not reported", model.Task{}, "HEALTH", "-", theme.ToneNone},
		{"all containers up", model.Task{LastStatus: "RUNNING", Containers: []model.Container{running, running}}, "CONTAINERS", "2/2", theme.ToneNone},
		{"a container down in a running task", model.Task{LastStatus: "RUNNING", Containers: []model.Container{running, stopped}}, "CONTAINERS", "1/2", theme.ToneWarn},
		{"containers down in a stopped task are expected", model.Task{LastStatus: "STOPPED", Containers: []model.Container{stopped}}, "CONTAINERS", "0/1", theme.ToneNone},
		{"essential container exited", model.Task{StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited"},
			"STOP REASON", "Essential container in task exited", theme.ToneBad},
		{"failed to start, code stands in for the reason", model.Task{StopCode: "TaskFailedToStart"}, "STOP REASON", "TaskFailedToStart", theme.ToneBad},
		{"stopped by a user", model.Task{StopCode: "UserInitiated", StoppedReason: "Task stopped by user"}, "STOP REASON", "Task stopped by user", theme.ToneNone},
		{"service from the group", model.Task{Group: "service:web"}, "SERVICE", "web", theme.ToneNone},
		{"standalone task shows its group", model.Task{Group: "family:batch"}, "SERVICE", "(family:batch)", theme.ToneNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cell(t, taskColumns, taskRow(nil, taskItem{task: tt.task}, t0), tt.title)
			if got.Text != tt.text || got.Tone != tt.tone {
				t.Errorf("%s = %q tone %d, want %q tone %d", tt.title, got.Text, got.Tone, tt.text, tt.tone)
			}
		})
	}
}

func TestInstanceRowDiagnosis(t *testing.T) {
	res := func(cpu, mem int) model.Resources { return model.Resources{CPU: cpu, Memory: mem} }
	tests := []struct {
		name  string
		ci    model.ContainerInstance
		title string
		tone  theme.Tone
	}{
		{"active", model.ContainerInstance{Status: "ACTIVE"}, "STATUS", theme.ToneOK},
		{"draining", model.ContainerInstance{Status: "DRAINING"}, "STATUS", theme.ToneDrain},
		{"registering", model.ContainerInstance{Status: "REGISTERING"}, "STATUS", theme.ToneWarn},
		{"agent connected", model.ContainerInstance{AgentConnected: true}, "AGENT", theme.ToneOK},
		{"agent disconnected", model.ContainerInstance{}, "AGENT", theme.ToneBad},
		{"CPU a quarter used", model.ContainerInstance{Registered: res(2048, 1), Remaining: res(1536, 1)}, "CPU RES", theme.ToneOK},
		{"CPU 75% used", model.ContainerInstance{Registered: res(2048, 1), Remaining: res(512, 1)}, "CPU RES", theme.ToneWarn},
		{"CPU 90% used", model.ContainerInstance{Registered: res(1000, 1), Remaining: res(100, 1)}, "CPU RES", theme.ToneBad},
		{"memory full", model.ContainerInstance{Registered: res(1, 4096), Remaining: res(1, 0)}, "MEM RES", theme.ToneBad},
		{"nothing registered", model.ContainerInstance{}, "MEM RES", theme.ToneMuted},
		{"pending tasks", model.ContainerInstance{PendingTasksCount: 1}, "PEND", theme.ToneWarn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cell(t, instanceColumns, instanceRow(nil, tt.ci, t0), tt.title)
			if got.Tone != tt.tone {
				t.Errorf("%s %q tone %d, want tone %d", tt.title, got.Text, got.Tone, tt.tone)
			}
		})
	}
}
