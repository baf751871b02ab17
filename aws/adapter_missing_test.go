package aws_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// TestNotFoundNamesTheResource: AWS's not-found answers do not say which
// resource ("Cluster not found.", "Unable to describe task definition.");
// every adapter error for one names what the request asked for and where,
// whichever call hit it, and reads as not found.
func TestNotFoundNamesTheResource(t *testing.T) {
	ctx := context.Background()
	cl, _ := awstest.Start(t, sim.NewDemo(1))
	const odd = "no\x1bpe\u202e"
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"DescribeServices", func() error { _, _, err := cl.DescribeServices(ctx, "nope", []string{"auth"}); return err }, `cluster "nope" not found in us-east-1`},
		{"ListServices", func() error { _, _, err := cl.Services(ctx, "nope", nil); return err }, `cluster "nope" not found in us-east-1`},
		{"ListTasks", func() error { _, _, err := cl.Tasks(ctx, "nope", model.TaskFilter{}, nil); return err }, `cluster "nope" not found`},
		{"DescribeTasks", func() error { _, _, err := cl.DescribeTasks(ctx, "nope", []string{"abc"}); return err }, `cluster "nope" not found`},
		{"ListContainerInstances", func() error { _, _, err := cl.ContainerInstances(ctx, "nope", ""); return err }, `cluster "nope" not found`},
		{"DescribeTaskDefinition", func() error { _, err := cl.TaskDefinition(ctx, "nope:9"); return err }, `task definition "nope:9" not found`},
		{"hostile name", func() error { _, _, err := cl.DescribeServices(ctx, odd, []string{"auth"}); return err }, `cluster "no\x1bpe\u202e" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if aws.KindOf(err) != aws.KindNotFound || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v (kind %v), want not found saying %s", err, aws.KindOf(err), tt.want)
			}
			if !strings.Contains(err.Error(), "--region") {
				t.Errorf("error %q does not say what to check", err)
			}
		})
	}
}
