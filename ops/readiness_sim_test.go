package ops_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/opstest"
)

// TestReadinessReportsAReadOnlyRootFilesystem: a revision registered with
// readonlyRootFilesystem reaches the check through the wire and the adapter,
// and the check names the container and the fix.
func TestReadinessReportsAReadOnlyRootFilesystem(t *testing.T) {
	ctx := context.Background()
	w := sim.NewDemo(1)
	auth, err := w.DescribeTaskDefinition("auth:2")
	if err != nil {
		t.Fatal(err)
	}
	auth.Containers[0].ReadonlyRootFilesystem = true
	if _, err := w.RegisterTaskDefinition(auth); err != nil {
		t.Fatal(err)
	}
	if _, err := w.UpdateService(model.ServiceUpdate{Cluster: "playground", Service: "auth", TaskDefinition: "auth:3"}); err != nil {
		t.Fatal(err)
	}
	w.Advance(10 * time.Minute)
	cl, _ := awstest.Start(t, w)
	fp := opstest.WriteFakePlugin(t, "1.2.650.0", 0)
	task := runningTask(t, cl, "playground", "auth")
	if !strings.HasSuffix(task.TaskDefinitionARN, "/auth:3") {
		t.Fatalf("task %s runs %s, want auth:3", task.ID, task.TaskDefinitionARN)
	}
	f, err := ops.GatherExec(ctx, cl, finder(fp), "playground", task.ID, "auth")
	if err != nil {
		t.Fatal(err)
	}
	r := ops.CheckReadiness(f)
	if r.Ready() {
		t.Fatalf("ready with a read-only root:\n%s", r.Text())
	}
	missing := r.Missing()
	if len(missing) != 1 || missing[0].Item != "root filesystem of auth" ||
		missing[0].Detail != "readonlyRootFilesystem: true in auth:3: the SSM agent cannot write into the container" ||
		missing[0].Fix != "set readonlyRootFilesystem to false for container auth in task definition auth, register the new revision and deploy it: "+
			"aws ecs update-service --cluster playground --service auth --task-definition auth" {
		t.Fatalf("missing %+v\n%s", missing, r.Text())
	}
}
