package ui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestStoppedTriageShowsTheSecretsFailure: in the second demo account,
// invoice-mailer's new tasks cannot read their secret; the triage lists them
// as failed to start, with ECS's reason.
func TestStoppedTriageShowsTheSecretsFailure(t *testing.T) {
	w := sim.NewDemoEU(1)
	client, _ := awstest.StartWith(t, w, awstest.Options{Region: w.Region()})
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "eu", Region: w.Region(), Cluster: "jobs"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = nil
	})
	h.keys(":stopped invoice-mailer", "enter")
	sp, ok := h.r.top().(*stoppedPage)
	if !ok || len(sp.items) == 0 {
		t.Fatalf("stopped page: %T\n%s", h.r.top(), h.screen())
	}
	for _, it := range sp.items {
		if it.cause.Kind != model.CauseResourceInit || it.task.StopCode != model.StopTaskFailedToStart {
			t.Errorf("task %s: %s, %s (%s)", it.task.ID, it.cause.Kind, it.task.StopCode, it.task.StoppedReason)
		}
	}
	h.contains("resource initialization failed")
	h.contains("AccessDeniedException: User is not authorized to")
	// Wide enough for every column and the reason, whose AWS error is what
	// to act on.
	h.send(tea.WindowSizeMsg{Width: 220, Height: 45})
	h.contains("TaskFailedToStart")
	h.contains("AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue")
}
