package pulse_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/pulse"
)

// serve starts a wire server for a world in its own account and region and
// an adapter client for it, read-only.
func serve(t *testing.T, w *sim.World) (*aws.Client, *wire.Server) {
	t.Helper()
	srv := wire.New(w, wire.Options{Region: w.Region(), AccountID: w.AccountID(), DisableThrottling: true})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := awstest.Config(url)
	cfg.Region, cfg.ReadOnly, cfg.NoRateLimit = w.Region(), true, true
	cl, err := aws.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cl, srv
}

func describe(f model.Finding) string {
	return fmt.Sprintf("%s %s %s/%s %s %s: %s [%s]", f.Severity, f.Context, f.Region, f.Cluster, f.Service, f.Kind, f.What, f.Action.Kind)
}

// TestPulseOverTheDemo reads both demo accounts through the real adapter
// (read-only, over the wire) and finds exactly the problems planted in them,
// each with the action that fits.
func TestPulseOverTheDemo(t *testing.T) {
	us, eu := sim.NewDemo(1), sim.NewDemoEU(1)
	clUS, srvUS := serve(t, us)
	clEU, srvEU := serve(t, eu)
	mem := pulse.NewMemory(model.PulseSettings{})
	rep := pulse.Gather(context.Background(), []pulse.Source{
		{Context: "demo", Region: us.Region(), Reader: clUS},
		{Context: "demo-eu", Region: eu.Region(), Reader: clEU},
	}, mem, us.Now)
	if len(rep.Problems) > 0 || rep.Clusters != 4 || !rep.Wrong() {
		t.Fatalf("problems %v, %d clusters, wrong %v", rep.Problems, rep.Clusters, rep.Wrong())
	}
	want := []string{
		// demo-eu: a crash loop, a rollout that cannot pull its image, a
		// rollout whose secret the execution role may not read.
		"critical demo-eu/jobs thumbnailer below-desired service",
		"critical demo-eu/jobs thumbnailer tasks-stopping logs",
		"critical demo-eu/jobs report-builder tasks-stopping stopped-task",
		"critical demo-eu/jobs invoice-mailer tasks-stopping stopped-task",
		// demo: the field reports' problems.
		"critical demo/playground corkhounds-web rollout-blocked port-map",
		"critical demo/prod billing-api rolled-back service",
		"critical demo/prod billing-api tasks-stopping logs",
		"critical demo/prod - agent-disconnected instance",
		"warning demo/playground random not-registered port-map",
		"warning demo/playground - drain-stuck instance",
		"warning demo/playground corkhounds-web static-port-conflict port-map",
		"warning demo/prod billing-api stale-target port-map",
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%s %s/%s %s %s %s", f.Severity, f.Context, f.Cluster, orDash(f.Service), f.Kind, f.Action.Kind))
		if f.Region == "" || f.DataAt.IsZero() || f.FirstSeen.IsZero() || f.Action.Cluster != f.Cluster {
			t.Errorf("finding incomplete: %+v", f)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range rep.Findings {
		switch {
		case f.Kind == model.FindTasksStopping && f.Service == "thumbnailer":
			if !strings.Contains(f.What, "OOM-killed (exit 137)") || f.Action.TaskARN == "" || f.Action.At.IsZero() {
				t.Errorf("crash loop: %s %+v", f.What, f.Action)
			}
		case f.Kind == model.FindTasksStopping && f.Service == "report-builder":
			if !strings.Contains(f.What, "image pull failed: 210987654321.dkr.ecr.eu-west-1.amazonaws.com/report-builder:3.1.0-missing") {
				t.Errorf("image pull: %s", f.What)
			}
		case f.Kind == model.FindTasksStopping && f.Service == "invoice-mailer":
			if !strings.Contains(f.What, "resource initialization failed in invoice-mailer") ||
				!strings.Contains(f.What, "ResourceInitializationError: … AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue") ||
				f.Action.TaskARN == "" || f.Action.At.IsZero() {
				t.Errorf("secrets: %s %+v", f.What, f.Action)
			}
		case f.Kind == model.FindRolledBack:
			if !strings.Contains(f.What, "billing-api:2") || !strings.Contains(f.What, "to billing-api:1") {
				t.Errorf("rollback: %s", f.What)
			}
		}
	}
	if srvUS.MutatingCalls()+srvEU.MutatingCalls() != 0 {
		t.Error("the pulse made a mutating call")
	}

	// Someone scales random (autoscaled 2–12) to 20 by hand: until the
	// autoscaler sets it back, the pulse says it will.
	twenty := 20
	if _, err := us.UpdateService(model.ServiceUpdate{Cluster: "playground", Service: "random", DesiredCount: &twenty}); err != nil {
		t.Fatal(err)
	}
	rep = pulse.Gather(context.Background(), []pulse.Source{{Context: "demo", Region: us.Region(), Reader: clUS}}, mem, us.Now)
	found := false
	for _, f := range rep.Findings {
		if f.Kind == model.FindOutsideAutoScaling && f.Service == "random" && strings.Contains(f.What, "desired count 20 is outside auto scaling's 2–12") {
			found = true
		}
	}
	if !found {
		t.Errorf("no finding for a desired count outside the autoscaler's bounds:\n%v", rep.Findings)
	}

	// Once the rollback is over, DescribeServices forgets it; the pulse
	// still reports it from the deployment history, and lines that cleared
	// are gone.
	us.Advance(5 * time.Minute)
	eu.Advance(5 * time.Minute)
	rep = pulse.Gather(context.Background(), []pulse.Source{{Context: "demo", Region: us.Region(), Reader: clUS}}, mem, us.Now)
	var rollback *model.Finding
	for i, f := range rep.Findings {
		if f.Kind == model.FindRolledBack {
			rollback = &rep.Findings[i]
		}
		if f.Kind == model.FindTasksStopping && f.Service == "billing-api" && f.Severity != model.SeverityCritical {
			t.Errorf("billing-api's crashes: %s", describe(f))
		}
	}
	if rollback == nil || rollback.Severity != model.SeverityWarning ||
		!strings.Contains(rollback.What, "deployment of billing-api:2 rolled back to billing-api:1") {
		t.Fatalf("rollback after DescribeServices forgot it: %+v", rollback)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// TestReadClusterCost: a read of each demo cluster (after the first, which
// also fetches the immutable task definitions and revisions) makes exactly
// the calls per bucket that Counts.Cost predicts, counted by the simulator.
func TestReadClusterCost(t *testing.T) {
	for _, w := range []*sim.World{sim.NewDemo(1), sim.NewDemoEU(1)} {
		cl, srv := serve(t, w)
		for _, c := range w.ListClusters() {
			name := model.ResourceID(c)
			first, err := pulse.ReadCluster(awsapi.WithNow(context.Background(), w.Now()), cl, name, w.Now(), model.PulseSettings{})
			if err != nil {
				t.Fatal(err)
			}
			srv.ResetCounts()
			// A minute on, when the adapter's scalable targets are due again
			// (it keeps them a minute): the prediction is the read's most.
			ctx := awsapi.WithNow(context.Background(), w.Now().Add(time.Minute))
			if _, err := pulse.ReadCluster(ctx, cl, name, w.Now(), model.PulseSettings{}); err != nil {
				t.Fatal(err)
			}
			got := map[quota.Bucket]int{}
			for action, n := range srv.CallCounts() {
				svc, op, _ := strings.Cut(action, ":")
				b := quota.Of(svc, op)
				if b == "" {
					t.Errorf("%s: %s has no bucket", name, action)
				}
				got[b] += n
			}
			if want := first.Counts.Cost(); !maps.Equal(got, want) {
				t.Errorf("%s: calls %v, predicted %v (counts %+v)", name, got, want, first.Counts)
			}
		}
	}
}
