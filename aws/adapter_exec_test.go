package aws_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// demoTask returns the first running task of a demo service.
func demoTask(t *testing.T, cl *aws.Client, cluster, service string) model.Task {
	t.Helper()
	ts, _, err := cl.Tasks(context.Background(), cluster, model.TaskFilter{ServiceName: service}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.LastStatus == model.StatusRunning {
			return x
		}
	}
	t.Fatalf("%s/%s has no running task", cluster, service)
	return model.Task{}
}

func TestExecuteCommandOverTheWire(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.Start(t, sim.NewDemo(1))

	auth := demoTask(t, cl, "playground", "auth")
	if !auth.EnableExecuteCommand {
		t.Fatal("auth task: enableExecuteCommand false")
	}
	a, ok := auth.Containers[0].ExecAgent()
	if !ok || a.LastStatus != model.AgentRunning || a.LastStartedAt.IsZero() {
		t.Fatalf("auth managed agent = %+v, %v", a, ok)
	}
	svcs, _, err := cl.DescribeServices(ctx, "playground", []string{"auth", "random"})
	if err != nil || len(svcs) != 2 || !svcs[0].EnableExecuteCommand || svcs[1].EnableExecuteCommand {
		t.Fatalf("services exec flags: %+v %v", svcs, err)
	}

	s, err := cl.ExecuteCommand(ctx, model.ExecInput{Cluster: "playground", Task: auth.ARN, Container: "auth", Command: "/bin/sh"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Session.SessionID, "ecs-execute-command-") || !strings.HasPrefix(s.Session.StreamURL, "wss://ssmmessages.") ||
		s.Session.TokenValue == "" || s.TaskARN != auth.ARN || s.ContainerName != "auth" || s.ContainerARN == "" {
		t.Fatalf("session = %+v", s)
	}

	random := demoTask(t, cl, "playground", "random")
	if random.EnableExecuteCommand || len(random.Containers[0].ManagedAgents) != 0 {
		t.Fatalf("random task has exec: %+v", random)
	}
	_, err = cl.ExecuteCommand(ctx, model.ExecInput{Cluster: "playground", Task: random.ID, Command: "/bin/sh"})
	var ae *aws.Error
	if !errors.As(err, &ae) || ae.Code != "InvalidParameterException" || ae.Kind != aws.KindValidation ||
		!strings.Contains(ae.Message, "execute command was not enabled when the task was run") {
		t.Fatalf("exec on random: %v", err)
	}
	if got := srv.Calls("ecs:ExecuteCommand"); got != 2 {
		t.Fatalf("ExecuteCommand calls = %d, want 2", got)
	}
}

func TestExecuteCommandAgentStopped(t *testing.T) {
	ctx := context.Background()
	cl, _ := awstest.Start(t, sim.NewDemo(1))
	ts, _, err := cl.Tasks(ctx, "prod", model.TaskFilter{ServiceName: "queue-worker"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	stopped := 0
	for _, x := range ts {
		a, _ := x.Containers[0].ExecAgent()
		if a.LastStatus != model.AgentStopped {
			continue
		}
		stopped++
		if a.Reason == "" {
			t.Errorf("stopped agent without a reason: %+v", a)
		}
		_, err := cl.ExecuteCommand(ctx, model.ExecInput{Cluster: "prod", Task: x.ARN, Command: "/bin/sh"})
		if !strings.Contains(errString(err), "execute command agent isn’t running") {
			t.Errorf("exec with a stopped agent: %v", err)
		}
	}
	if stopped != 1 {
		t.Fatalf("%d queue-worker tasks with a stopped agent, want 1", stopped)
	}
}

func TestExecConfigurationOfTheCluster(t *testing.T) {
	ctx := context.Background()
	cl, _ := awstest.Start(t, sim.NewDemo(1))
	cfg, err := cl.ExecConfiguration(ctx, "prod")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cfg.KMSKeyID, ":key/") || cfg.Logging != "OVERRIDE" || cfg.CloudWatchLogGroup != "/ecs/prod/exec-sessions" || !cfg.CloudWatchEncryption {
		t.Fatalf("prod exec configuration = %+v", cfg)
	}
	none, err := cl.ExecConfiguration(ctx, "playground")
	if err != nil || none != (model.ExecConfiguration{}) {
		t.Fatalf("playground exec configuration = %+v, %v", none, err)
	}
	if _, err := cl.ExecConfiguration(ctx, "nope"); aws.KindOf(err) != aws.KindNotFound {
		t.Fatalf("missing cluster: %v", err)
	}
}

func TestStartSessionPortForwarding(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.Start(t, sim.NewDemo(1))
	auth := demoTask(t, cl, "playground", "auth")
	target := model.SSMTarget("playground", auth.ID, auth.Containers[0].RuntimeID)
	s, err := cl.StartSession(ctx, model.StartSessionInput{Target: target, DocumentName: model.DocPortForwarding,
		Parameters: map[string][]string{"portNumber": {"10080"}, "localPortNumber": {"15432"}}})
	if err != nil || s.SessionID == "" || s.TokenValue == "" || !strings.HasPrefix(s.StreamURL, "wss://") {
		t.Fatalf("StartSession = %+v, %v", s, err)
	}
	if _, err := cl.StartSession(ctx, model.StartSessionInput{Target: target, DocumentName: model.DocPortForwardingRemoteHost,
		Parameters: map[string][]string{"portNumber": {"5432"}}}); !strings.Contains(errString(err), "host") {
		t.Fatalf("remote host without host: %v", err)
	}
	random := demoTask(t, cl, "playground", "random")
	_, err = cl.StartSession(ctx, model.StartSessionInput{Target: model.SSMTarget("playground", random.ID, random.Containers[0].RuntimeID),
		DocumentName: model.DocPortForwarding, Parameters: map[string][]string{"portNumber": {"10081"}}})
	var ae *aws.Error
	if !errors.As(err, &ae) || ae.Code != "TargetNotConnected" || ae.Service != "ssm" || ae.Action != "ssm:StartSession" {
		t.Fatalf("forward to a task without exec: %v", err)
	}
	if got := srv.Calls("ssm:StartSession"); got != 3 {
		t.Fatalf("StartSession calls = %d, want 3", got)
	}
	pt, err := cl.PluginTarget(ctx)
	if err != nil || pt.Region != awstest.Region || pt.SSMEndpoint == "" || !strings.HasPrefix(pt.SSMEndpoint, "http://127.0.0.1:") {
		t.Fatalf("PluginTarget = %+v, %v", pt, err)
	}
}

// TestReadOnlyRefusesExecUnlessAllowed: exec and port forwarding are not
// reads; a read-only client sends neither, unless built with the context's
// explicit permission, and even then nothing else that changes anything.
func TestReadOnlyRefusesExecUnlessAllowed(t *testing.T) {
	ctx := context.Background()
	w := sim.NewDemo(1)
	for _, allow := range []bool{false, true} {
		cl, srv := awstest.StartWith(t, w, awstest.Options{ReadOnly: true, Client: func(c *aws.Config) { c.AllowExecInReadOnly = allow }})
		auth := demoTask(t, cl, "playground", "auth")
		srv.ResetCounts()
		_, execErr := cl.ExecuteCommand(ctx, model.ExecInput{Cluster: "playground", Task: auth.ARN, Command: "/bin/sh"})
		_, fwdErr := cl.StartSession(ctx, model.StartSessionInput{Target: model.SSMTarget("playground", auth.ID, auth.Containers[0].RuntimeID),
			DocumentName: model.DocPortForwarding, Parameters: map[string][]string{"portNumber": {"10080"}}})
		_, stopErr := cl.StopTask(ctx, "playground", auth.ARN, "test")
		_, updErr := cl.UpdateService(ctx, model.ServiceUpdate{Cluster: "playground", Service: "auth", ForceNewDeployment: true})
		if aws.KindOf(stopErr) != aws.KindReadOnly || aws.KindOf(updErr) != aws.KindReadOnly {
			t.Fatalf("allow=%v: changes not refused: %v / %v", allow, stopErr, updErr)
		}
		if !allow {
			if aws.KindOf(execErr) != aws.KindReadOnly || aws.KindOf(fwdErr) != aws.KindReadOnly {
				t.Fatalf("read-only exec not refused: %v / %v", execErr, fwdErr)
			}
			if n := srv.MutatingCalls(); n != 0 {
				t.Fatalf("%d mutating calls reached the server", n)
			}
			continue
		}
		if execErr != nil || fwdErr != nil {
			t.Fatalf("allowExecInReadOnly: exec %v, forward %v", execErr, fwdErr)
		}
		if c := srv.CallCounts(); c["ecs:StopTask"]+c["ecs:UpdateService"] != 0 || srv.MutatingCalls() != 2 {
			t.Fatalf("allowExecInReadOnly let more through: %v", c)
		}
	}
}

func TestGuardExecOperations(t *testing.T) {
	for _, op := range []struct{ service, op string }{{"ECS", "ExecuteCommand"}, {"SSM", "StartSession"}, {"SSM", "SendCommand"}, {"IAM", "PutRolePolicy"}} {
		if aws.IsReadOperation(op.service, op.op) {
			t.Errorf("%s %s is on the read list", op.service, op.op)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestRoleAllowsOverTheWire(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.StartReadOnly(t, sim.NewDemo(1))
	ssm := []string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}
	got, err := cl.RoleAllows(ctx, "arn:aws:iam::123456789012:role/queue-worker-task", ssm)
	if err != nil {
		t.Fatal(err)
	}
	if !got[ssm[0]] || got[ssm[1]] || !got[ssm[2]] || got[ssm[3]] {
		t.Fatalf("queue-worker-task: %v", got)
	}
	if got, err := cl.RoleAllows(ctx, "arn:aws:iam::123456789012:role/auth-task", ssm); err != nil || len(got) != 4 || !got[ssm[1]] || !got[ssm[3]] {
		t.Fatalf("auth-task (ssmmessages:*): %v %v", got, err)
	}
	_, err = cl.RoleAllows(ctx, "arn:aws:iam::123456789012:role/nope", ssm)
	var ae *aws.Error
	if !errors.As(err, &ae) || ae.Code != "NoSuchEntity" || ae.Action != "iam:SimulatePrincipalPolicy" {
		t.Fatalf("missing role: %v", err)
	}
	// A read: the read-only client sent it, and nothing mutating.
	if srv.Calls("iam:SimulatePrincipalPolicy") != 3 || srv.MutatingCalls() != 0 {
		t.Fatalf("calls %v", srv.CallCounts())
	}
}

func TestExecFailsWhenTheTaskRoleCannotReachSSM(t *testing.T) {
	ctx := context.Background()
	cl, _ := awstest.Start(t, sim.NewDemo(1))
	ts, _, err := cl.Tasks(ctx, "prod", model.TaskFilter{ServiceName: "queue-worker"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if a, _ := x.Containers[0].ExecAgent(); a.LastStatus != model.AgentRunning {
			continue
		}
		_, err := cl.ExecuteCommand(ctx, model.ExecInput{Cluster: "prod", Task: x.ARN, Command: "/bin/sh"})
		var ae *aws.Error
		if !errors.As(err, &ae) || ae.Code != "TargetNotConnectedException" {
			t.Fatalf("exec with a role lacking ssmmessages: %v", err)
		}
		return
	}
	t.Fatal("no queue-worker task with a running agent")
}
