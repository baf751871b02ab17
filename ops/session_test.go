package ops_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/opstest"
)

func runningTask(t *testing.T, cl *aws.Client, cluster, service string) model.Task {
	t.Helper()
	ts, _, err := cl.Tasks(context.Background(), cluster, model.TaskFilter{ServiceName: service}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ts {
		if x.LastStatus == model.StatusRunning {
			if a, ok := x.Containers[0].ExecAgent(); !ok || a.LastStatus == model.AgentRunning {
				return x
			}
		}
	}
	t.Fatalf("no running task of %s", service)
	return model.Task{}
}

func finder(fp opstest.FakePlugin) ops.PluginFinder {
	return ops.PluginFinder{LookPath: func(string) (string, error) { return fp.Path, nil }}
}

func TestExecSessionArgumentsAndJournal(t *testing.T) {
	for _, tt := range []struct {
		name    string
		version string
		viaEnv  bool
	}{
		{"plugin reads the session from the environment", "1.2.650.0", true},
		{"older plugin takes the session as an argument", "1.2.497.0", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			cl, srv := awstest.Start(t, sim.NewDemo(1))
			fp := opstest.WriteFakePlugin(t, tt.version, 7)
			task := runningTask(t, cl, "playground", "auth")

			f, err := ops.GatherExec(ctx, cl, finder(fp), "playground", task.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if f.Container != "auth" || f.Plugin.Version != tt.version {
				t.Fatalf("facts: container %q plugin %+v", f.Container, f.Plugin)
			}
			p := ops.PlanExec(f, "/bin/sh")
			if p.Blocked() {
				t.Fatalf("blocked:\n%s", p.Readiness.Text())
			}
			j := &ops.Journal{Path: filepath.Join(t.TempDir(), "journal.jsonl")}
			r := &ops.Runner{Journal: j, Context: "demo"}
			opened, res := r.OpenExec(ctx, cl, p)
			if res.Outcome != ops.OutcomeSuccess {
				t.Fatalf("open: %+v", res)
			}
			cmd := opened.Plugin.Command(ctx, opened.Session)
			runErr := cmd.Run()
			if got := ops.ExitCode(runErr); got != 7 {
				t.Fatalf("exit code %d (%v), want the plugin's 7", got, runErr)
			}
			end := r.EndSession(p, opened.ID, runErr)
			if end.Outcome != ops.OutcomeFailed || !strings.Contains(end.Message, "exit 7") {
				t.Fatalf("end: %+v", end)
			}

			args := fp.Args(t)
			if len(args) != 6 {
				t.Fatalf("plugin args %q, want 6", args)
			}
			sessJSON := args[0]
			if tt.viaEnv {
				if args[0] != "AWS_SSM_START_SESSION_RESPONSE" {
					t.Fatalf("first argument %q, want the variable's name", args[0])
				}
				v, ok := fp.Env(t, "AWS_SSM_START_SESSION_RESPONSE")
				if !ok {
					t.Fatal("session not in the environment")
				}
				sessJSON = v
			} else if _, ok := fp.Env(t, "AWS_SSM_START_SESSION_RESPONSE"); ok {
				t.Fatal("session in the environment of a plugin that cannot read it")
			}
			var sess struct{ SessionId, StreamUrl, TokenValue string }
			if err := json.Unmarshal([]byte(sessJSON), &sess); err != nil || sess.SessionId != opened.ID || sess.TokenValue == "" ||
				!strings.HasPrefix(sess.StreamUrl, "wss://") {
				t.Fatalf("session %q: %+v %v", sessJSON, sess, err)
			}
			wantTarget := `{"Target":"ecs:playground_` + task.ID + `_` + task.Containers[0].RuntimeID + `"}`
			if args[1] != awstest.Region || args[2] != "StartSession" || args[3] != "" || args[4] != wantTarget ||
				!strings.HasPrefix(args[5], "http://127.0.0.1:") {
				t.Fatalf("plugin args %q, want [session %s StartSession \"\" %s endpoint]", args, awstest.Region, wantTarget)
			}
			if n := srv.Calls("ecs:ExecuteCommand"); n != 1 {
				t.Fatalf("ExecuteCommand calls %d", n)
			}

			entries, err := j.Read()
			if err != nil || len(entries) != 2 {
				t.Fatalf("journal %+v %v", entries, err)
			}
			for _, e := range entries {
				if e.Action != ops.ActionExec || e.User == "" || e.Context != "demo" || e.Cluster != "playground" || e.Target != "auth" ||
					!strings.Contains(e.Plan, `exec "/bin/sh" in auth of task `+task.ID) {
					t.Errorf("journal entry %+v", e)
				}
			}
			if entries[0].Outcome != ops.OutcomeSuccess || entries[1].Outcome != ops.OutcomeFailed {
				t.Errorf("outcomes %s, %s", entries[0].Outcome, entries[1].Outcome)
			}
		})
	}
}

func TestExecRefusedWhenNotReady(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.Start(t, sim.NewDemo(1))
	fp := opstest.WriteFakePlugin(t, "1.2.650.0", 0)
	task := runningTask(t, cl, "playground", "random")
	f, err := ops.GatherExec(ctx, cl, finder(fp), "playground", task.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	p := ops.PlanExec(f, "/bin/sh")
	if !p.Blocked() {
		t.Fatalf("random is not ready but the plan is not blocked:\n%s", p.Readiness.Text())
	}
	for _, item := range []string{"exec enabled on service random", "exec enabled on the task", "task role"} {
		if !strings.Contains(strings.Join(p.Blockers, "\n"), item) {
			t.Errorf("blockers lack %q: %q", item, p.Blockers)
		}
	}
	j := &ops.Journal{Path: filepath.Join(t.TempDir(), "j.jsonl")}
	_, res := (&ops.Runner{Journal: j}).OpenExec(ctx, cl, p)
	if res.Outcome != ops.OutcomeRefused {
		t.Fatalf("outcome %s", res.Outcome)
	}
	if n := srv.Calls("ecs:ExecuteCommand"); n != 0 {
		t.Fatalf("a refused exec still called ExecuteCommand %d times", n)
	}
	if es, _ := j.Read(); len(es) != 1 || es[0].Outcome != ops.OutcomeRefused {
		t.Fatalf("journal %+v", es)
	}
	if fp.Args(t) != nil {
		t.Fatal("the plugin ran")
	}
}

func TestExecWithoutPluginIsRefused(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.Start(t, sim.NewDemo(1))
	task := runningTask(t, cl, "playground", "auth")
	none := ops.PluginFinder{LookPath: func(string) (string, error) { return "", errNotFound }}
	f, err := ops.GatherExec(ctx, cl, none, "playground", task.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	p := ops.PlanExec(f, "/bin/sh")
	if !p.Blocked() || len(p.Readiness.Missing()) != 1 || p.Readiness.Missing()[0].Item != "session-manager-plugin" {
		t.Fatalf("want only the plugin missing:\n%s", p.Readiness.Text())
	}
	_, res := (&ops.Runner{}).OpenExec(ctx, cl, p)
	if res.Outcome != ops.OutcomeRefused || srv.Calls("ecs:ExecuteCommand") != 0 {
		t.Fatalf("outcome %s, calls %d", res.Outcome, srv.Calls("ecs:ExecuteCommand"))
	}
}

func TestPortForwardSession(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.Start(t, sim.NewDemo(1))
	fp := opstest.WriteFakePlugin(t, "1.2.650.0", 0)
	task := runningTask(t, cl, "playground", "auth")
	f, err := ops.GatherExec(ctx, cl, finder(fp), "playground", task.ID, "auth")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		in      ops.ForwardInput
		doc     string
		params  string
		command string
	}{
		{ops.ForwardInput{RemotePort: 10080, LocalPort: 15432}, model.DocPortForwarding,
			`{"localPortNumber":["15432"],"portNumber":["10080"]}`, "--parameters portNumber=10080,localPortNumber=15432"},
		{ops.ForwardInput{RemotePort: 5432, LocalPort: 15433, Host: "db.internal"}, model.DocPortForwardingRemoteHost,
			`{"host":["db.internal"],"localPortNumber":["15433"],"portNumber":["5432"]}`, "--parameters host=db.internal,portNumber=5432,localPortNumber=15433"},
	} {
		p := ops.PlanForward(f, tt.in)
		if p.Blocked() || !strings.Contains(p.Commands[0], "--document-name "+tt.doc) || !strings.Contains(p.Commands[0], tt.command) {
			t.Fatalf("plan %+v", p.Plan)
		}
		r := &ops.Runner{Journal: &ops.Journal{Path: filepath.Join(t.TempDir(), "j.jsonl")}}
		opened, res := r.OpenForward(ctx, cl, p)
		if res.Outcome != ops.OutcomeSuccess || opened.LocalPort != tt.in.LocalPort {
			t.Fatalf("open: %+v %+v", res, opened)
		}
		fw, err := r.StartForward(ctx, opened, p)
		if err != nil {
			t.Fatal(err)
		}
		<-fw.Done()
		st := fw.State()
		if st.Running || st.Exit != 0 || len(st.Output) == 0 || st.Output[len(st.Output)-1] != "fake plugin banner: connected" {
			t.Fatalf("state %+v", st)
		}
		args := fp.Args(t)
		want := `{"Target":"ecs:playground_` + task.ID + `_` + task.Containers[0].RuntimeID + `","DocumentName":"` + tt.doc + `","Parameters":` + tt.params + `}`
		if len(args) != 6 || args[4] != want || args[2] != "StartSession" {
			t.Fatalf("plugin args %q\nwant request %s", args, want)
		}
	}
	if n := srv.Calls("ssm:StartSession"); n != 2 {
		t.Fatalf("StartSession calls %d", n)
	}
}

func TestPortForwardChoosesALocalPort(t *testing.T) {
	ctx := context.Background()
	cl, _ := awstest.Start(t, sim.NewDemo(1))
	fp := opstest.WriteFakePlugin(t, "1.2.650.0", 0)
	task := runningTask(t, cl, "playground", "auth")
	f, err := ops.GatherExec(ctx, cl, finder(fp), "playground", task.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	p := ops.PlanForward(f, ops.ForwardInput{RemotePort: 10080})
	opened, res := (&ops.Runner{}).OpenForward(ctx, cl, p)
	if res.Outcome != ops.OutcomeSuccess || opened.LocalPort <= 0 || !strings.Contains(res.Message, "127.0.0.1:") {
		t.Fatalf("open %+v %+v", res, opened)
	}
	if got := opened.Session.Request.Parameters["localPortNumber"]; len(got) != 1 || got[0] == "0" {
		t.Fatalf("localPortNumber %q", got)
	}
	for _, bad := range []ops.ForwardInput{{RemotePort: 0}, {RemotePort: 70000}, {RemotePort: 80, LocalPort: -1}, {RemotePort: 80, Host: "a b"}} {
		if !ops.PlanForward(f, bad).Blocked() {
			t.Errorf("%+v not refused", bad)
		}
	}
}

func TestGatherExecUnknownContainer(t *testing.T) {
	ctx := context.Background()
	cl, _ := awstest.Start(t, sim.NewDemo(1))
	task := runningTask(t, cl, "playground", "auth")
	if _, err := ops.GatherExec(ctx, cl, ops.PluginFinder{}, "playground", task.ID, "nope"); err == nil || !strings.Contains(err.Error(), "it has: auth") {
		t.Fatalf("err = %v", err)
	}
	if _, err := ops.GatherExec(ctx, cl, ops.PluginFinder{}, "playground", "0123456789abcdef0123456789abcdef", ""); err == nil {
		t.Fatal("a missing task gathered")
	}
}

type notFound struct{}

func (notFound) Error() string { return "not found" }

var errNotFound error = notFound{}

// TestGatherExecCallCost: one readiness check reads each fact once; nothing
// polls while its page stays open.
func TestGatherExecCallCost(t *testing.T) {
	ctx := context.Background()
	cl, srv := awstest.Start(t, sim.NewDemo(1))
	task := runningTask(t, cl, "playground", "auth")
	srv.ResetCounts()
	if _, err := ops.GatherExec(ctx, cl, ops.PluginFinder{}, "playground", task.ID, ""); err != nil {
		t.Fatal(err)
	}
	got := srv.CallCounts()
	want := map[string]int{"ecs:DescribeTasks": 1, "ecs:DescribeTaskDefinition": 1, "ecs:DescribeServices": 1,
		"ecs:DescribeContainerInstances": 1, "ecs:DescribeClusters": 1, "ec2:DescribeInstances": 1, "autoscaling:DescribeAutoScalingInstances": 1,
		"iam:SimulatePrincipalPolicy": 1}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d calls, want %d (all: %v)", k, got[k], v, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}

func TestReadinessReadsTheTaskRolePermissions(t *testing.T) {
	ctx := context.Background()
	cl, _ := awstest.Start(t, sim.NewDemo(1))
	fp := opstest.WriteFakePlugin(t, "1.2.650.0", 0)
	task := runningTask(t, cl, "prod", "queue-worker")
	f, err := ops.GatherExec(ctx, cl, finder(fp), "prod", task.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	r := ops.CheckReadiness(f)
	var line ops.CheckLine
	for _, l := range r.Lines {
		if l.Item == "task role allows ssmmessages" {
			line = l
		}
	}
	if line.Status != ops.CheckMissing || line.Detail != "denied: ssmmessages:CreateDataChannel, ssmmessages:OpenDataChannel" ||
		!strings.Contains(line.Fix, "arn:aws:iam::123456789012:role/queue-worker-task") {
		t.Fatalf("role line %+v\n%s", line, r.Text())
	}
	// prod logs exec sessions: the notes say what that requires.
	for _, item := range []string{"KMS key", "session log group"} {
		found := false
		for _, l := range r.Lines {
			found = found || l.Item == item && l.Status == ops.CheckNote
		}
		if !found {
			t.Errorf("no %s note:\n%s", item, r.Text())
		}
	}
	auth := runningTask(t, cl, "playground", "auth")
	if f, err := ops.GatherExec(ctx, cl, finder(fp), "playground", auth.ID, ""); err != nil || !ops.CheckReadiness(f).Ready() {
		t.Fatalf("auth: %v\n%s", err, ops.CheckReadiness(f).Text())
	}
}
