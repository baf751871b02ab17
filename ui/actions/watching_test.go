package actions

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/opstest"
	"github.com/ecstui/ecstui/ui/page"
)

// TestClosingAWatchedDeployJournalsStoppedWatching: quitting (which closes
// every page) while a deployment is watched says so first, waits for the
// executor, and the journal says "stopped watching; ECS continues", never
// "aborted".
func TestClosingAWatchedDeployJournalsStoppedWatching(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	d := deps(opstest.API(w))
	d.Now = w.Now
	d.Journal = ops.DefaultJournal()
	watching := make(chan struct{}, 1)
	d.Wait = func(ctx context.Context, _ time.Duration) error {
		select {
		case watching <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return ctx.Err()
	}
	p := open(t, NewDeploy(d, "playground", "auth"))
	p, _ = press(t, p, "ctrl+u", "gcr.io/stage/auth:2.1", "enter")
	// Confirm; the executor runs on its own while the board waits for it.
	p, _ = p.Update(keyMsg("y"))
	<-watching
	wt, ok := p.(page.Watcher)
	if !ok || !strings.Contains(wt.Watching(), "quitting stops watching; ECS continues") {
		t.Fatalf("the running deploy page does not say what quitting does")
	}
	p.Close()
	entries, err := d.Journal.Read()
	if err != nil || len(entries) == 0 {
		t.Fatalf("journal: %v %v", entries, err)
	}
	last := entries[len(entries)-1]
	if last.Outcome != ops.OutcomeUnknown || !strings.HasPrefix(last.Message, "stopped watching; ECS continues") {
		t.Errorf("journal says %s %q, want stopped watching", last.Outcome, last.Message)
	}
}
