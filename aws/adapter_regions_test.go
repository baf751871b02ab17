package aws_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
)

// TestRegions reads the enabled regions (the simulator serves one region
// per endpoint) through a read-only client.
func TestRegions(t *testing.T) {
	w := sim.NewDemoEU(1)
	cl, srv := awstest.StartWith(t, w, awstest.Options{ReadOnly: true, Region: w.Region()})
	regions, err := cl.Regions(context.Background())
	if err != nil || !slices.Equal(regions, []string{"eu-west-1"}) {
		t.Fatalf("regions %v %v", regions, err)
	}
	if srv.Calls("ec2:DescribeRegions") != 1 || srv.MutatingCalls() != 0 {
		t.Errorf("calls %v", srv.CallCounts())
	}
}
