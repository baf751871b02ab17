package actions

import (
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/opstest"
	"github.com/ecstui/ecstui/ui/page"
)

// TestPagesOnDemo drives the action pages against the demo world: the flows
// the new user tries, through the same pages the console opens.
func TestPagesOnDemo(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	d := deps(opstest.API(w))
	d.Now, d.Wait, d.Poll = w.Now, opstest.Wait(w), 5*time.Second
	d.Journal = ops.DefaultJournal()

	outcome := func(msgs []any) string {
		for _, m := range msgs {
			if s, ok := m.(page.StatusMsg); ok {
				return s.Text
			}
		}
		return ""
	}
	run := func(p page.Page, keys ...string) (page.Page, string) {
		p = open(t, p)
		p, msgs := press(t, p, keys...)
		var any []any
		for _, m := range msgs {
			any = append(any, m)
		}
		return p, outcome(any)
	}

	// Roll out a new image of auth and watch it complete.
	p, got := run(NewDeploy(d, "playground", "auth"), "ctrl+u", "gcr.io/stage/auth:2.1", "enter", "y")
	if !strings.HasPrefix(got, "success: deployment") {
		t.Errorf("deploy auth: %q\n%s", got, p.View())
	}
	// Scale random to 6.
	if p, got = run(NewScale(d, "playground", "random"), "ctrl+u", "6", "enter", "y"); !strings.HasPrefix(got, "success: service random is steady at 6") {
		t.Errorf("scale random: %q\n%s", got, p.View())
	}
	// Drain-and-replace the DRAINING instance, stopping its standalone task.
	cis, _, err := d.API.ContainerInstances(t.Context(), "playground", model.InstanceDraining)
	if err != nil || len(cis) != 1 {
		t.Fatalf("draining instances %v %v", cis, err)
	}
	if p, got = run(NewDrain(d, "playground", cis[0].EC2InstanceID), "ctrl+u", "y", "enter", "y"); !strings.HasPrefix(got, "success: 1 instance drained and replaced") {
		t.Errorf("drain: %q\n%s", got, p.View())
	}
	// Start the log shipper where it is missing.
	if p, got = run(NewDaemonStart(d, "playground", "logspout"), "y"); !strings.HasPrefix(got, "success: started on") {
		t.Errorf("daemon start: %q\n%s", got, p.View())
	}
	// The seed-003 service: the preview names the port that blocks the
	// extra tasks and suggests a way out (the exact verdict depends on how
	// far its stuck rollout got; package ops tests the cases).
	p, _ = run(NewDeploy(d, "playground", "corkhounds-web"), "ctrl+u", "corkhounds/web:3", "enter")
	if v := p.View(); !strings.Contains(v, "host port 80 in use on") || !strings.Contains(v, "dynamic host port") {
		t.Errorf("corkhounds-web plan:\n%s", v)
	}
	entries, err := ops.DefaultJournal().Read()
	if err != nil || len(entries) != 4 {
		t.Errorf("journal: %d entries, %v", len(entries), err)
	}
}
