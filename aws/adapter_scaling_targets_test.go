package aws_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestScalableTargetsOneRead: the pulse's bounds of a cluster's services and
// a service's scaling share one DescribeScalableTargets within a minute of
// the caller's clock; a change through the client, a read marked Uncached
// and a minute's age each ask again.
func TestScalableTargetsOneRead(t *testing.T) {
	w := sim.NewDemo(1)
	cl, srv := awstest.Start(t, w)
	now := w.Now()
	at := func(d time.Duration) context.Context { return awsapi.WithNow(context.Background(), now.Add(d)) }
	described := func() int { return srv.Calls("application-autoscaling:DescribeScalableTargets") }

	bounds, err := cl.ServiceScalingBounds(at(0), "playground", []string{"random", "auth", "nginx"})
	if err != nil || len(bounds) != 1 || bounds[0].Service != "random" || bounds[0].Max != 12 {
		t.Fatalf("bounds %+v %v", bounds, err)
	}
	sc, err := cl.ServiceScaling(at(20*time.Second), "playground", "random", 0)
	if err != nil || sc.Target == nil || sc.Target.MaxCapacity != 12 {
		t.Fatalf("random %+v %v", sc, err)
	}
	none, err := cl.ServiceScaling(at(20*time.Second), "playground", "auth", 0)
	if err != nil || none.Target != nil {
		t.Fatalf("auth has no target: %+v %v", none, err)
	}
	if n := described(); n != 1 {
		t.Fatalf("%d DescribeScalableTargets for the bounds and two services' scaling within the minute, want 1", n)
	}
	if _, err := cl.ServiceScaling(awsapi.Uncached(at(25*time.Second)), "playground", "random", 0); err != nil || described() != 2 {
		t.Fatalf("an uncached read: %d calls (%v), want 2", described(), err)
	}

	fifteen := 15
	if err := cl.RegisterScalableTarget(at(30*time.Second), model.ScalableTargetUpdate{Cluster: "playground", Service: "random", MaxCapacity: &fifteen}); err != nil {
		t.Fatal(err)
	}
	sc, err = cl.ServiceScaling(at(31*time.Second), "playground", "random", 0)
	if err != nil || sc.Target == nil || sc.Target.MaxCapacity != 15 || described() != 3 {
		t.Fatalf("after the change: %+v (%d calls, %v), want max 15 read again", sc.Target, described(), err)
	}
	if _, err := cl.ServiceScalingBounds(at(61*time.Second), "playground", []string{"random", "auth", "nginx"}); err != nil || described() != 4 {
		t.Fatalf("a minute later: %d calls (%v), want 4", described(), err)
	}
}
