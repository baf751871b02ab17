package ops

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestDemoFlows walks the demo the way the new user does: roll out a
// new image of auth, scale random to 6, drain-and-replace the DRAINING
// instance, start the log shipper where it is missing; and sees the seed-003
// trap refused on corkhounds-web.
func TestDemoFlows(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	api := apiFor(t, w)
	ctx := context.Background()
	r := advancing(w, 5*time.Second)

	st, err := GatherService(ctx, api, "playground", "auth", "")
	if err != nil {
		t.Fatal(err)
	}
	img := st.Current.Containers[0].Image
	p := PlanDeploy(DeployInput{Cluster: "playground", Service: "auth", Images: map[string]string{st.Current.Containers[0].Name: img + "-next"}}, st)
	if res := r.UpdateService(ctx, api, p, true); res.Outcome != OutcomeSuccess {
		t.Fatalf("auth rollout: %s %s\n%s", res.Outcome, res.Message, p.Text())
	}

	if st, err = GatherService(ctx, api, "playground", "random", ""); err != nil {
		t.Fatal(err)
	}
	p = PlanScale("playground", st, 6)
	if res := r.UpdateService(ctx, api, p, true); res.Outcome != OutcomeSuccess {
		t.Fatalf("scale random: %s %s\n%s", res.Outcome, res.Message, p.Text())
	}

	if st, err = GatherService(ctx, api, "playground", "corkhounds-web", ""); err != nil {
		t.Fatal(err)
	}
	p = PlanDeploy(DeployInput{Cluster: "playground", Service: "corkhounds-web", Images: map[string]string{st.Current.Containers[0].Name: "corkhounds/web:next"}}, st)
	if !p.Blocked() || p.Preview.Verdict != VerdictBlocked || !strings.Contains(p.Text(), "set minimumHealthyPercent to") {
		t.Errorf("corkhounds-web plan should refuse with a suggestion:\n%s", p.Text())
	}

	cs, err := GatherCluster(ctx, api, "playground")
	if err != nil {
		t.Fatal(err)
	}
	var draining []string
	for _, ci := range cs.Instances {
		if ci.Status == model.InstanceDraining {
			draining = append(draining, ci.EC2InstanceID)
		}
	}
	if len(draining) != 1 {
		t.Fatalf("demo has %d DRAINING instances, want 1", len(draining))
	}
	sel := Selection{IDs: draining}
	p = PlanDrain(cs, sel, 1, true)
	if p.Blocked() {
		t.Fatalf("drain plan refused:\n%s", p.Text())
	}
	if res := r.Drain(ctx, api, p, NewDrainRun(cs, sel, 1, true, w.Now(), "demo"), DrainControl{}); res.Outcome != OutcomeSuccess {
		t.Fatalf("drain: %s %s %v", res.Outcome, res.Message, res.NotDone)
	}

	ds, err := GatherDaemon(ctx, api, "playground", "logspout")
	if err != nil {
		t.Fatal(err)
	}
	dp, nodes := PlanDaemonStart(ds, nil)
	res := r.DaemonStart(ctx, api, dp, ds.TaskDefinition, nodes)
	if res.Outcome != OutcomeSuccess || countState(res.Nodes, NodeStarted) == 0 {
		t.Fatalf("daemon start: %s %s\n%s", res.Outcome, res.Message, dp.Text())
	}
	t.Logf("daemon start: %s", res.Message)
}
