package cli

import (
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops"
)

// TestCLIAWSErrorsAreActionable: AWS refusing a mutating call (access
// denied, throttling past the retries) fails the action with exit 1 and a
// message that says what to do, and the journal records where it stopped:
// the run's start, then its end with what was done and what was not. No
// advice offers to undo what was never done.
func TestCLIAWSErrorsAreActionable(t *testing.T) {
	denied := wire.Fault{Code: "AccessDeniedException", Message: "User is not authorized", HTTPStatus: 400}
	throttled := wire.Fault{Code: "ThrottlingException", Message: "Rate exceeded", HTTPStatus: 400}
	tests := []struct {
		name    string
		action  string
		fault   wire.Fault
		args    []string
		say     []string
		notSay  []string
		notDone string
	}{
		{"scale denied", "ecs:UpdateService", denied, []string{"scale", "--cluster", "demo", "--service", "auth", "--desired", "3"},
			[]string{"not allowed ecs:UpdateService"}, nil, "update service auth"},
		{"deploy denied at register", "ecs:RegisterTaskDefinition", denied, []string{"deploy", "--cluster", "demo", "--service", "auth", "--image", "web=nginx:1.27"},
			[]string{"not allowed ecs:RegisterTaskDefinition"}, []string{"to roll back"}, "register the new task definition"},
		{"deploy throttled at update", "ecs:UpdateService", throttled, []string{"deploy", "--cluster", "demo", "--service", "auth", "--image", "web=nginx:1.27"},
			[]string{"throttled by AWS even after retries; try again later", "registered auth:2"}, []string{"to roll back", "retrying"}, "update service auth"},
		{"redeploy denied", "ecs:UpdateService", denied, []string{"redeploy", "--cluster", "demo", "--service", "auth"},
			[]string{"not allowed ecs:UpdateService"}, nil, "update service auth"},
		{"stop-task denied", "ecs:StopTask", denied, []string{"stop-task", "--cluster", "demo", "--task", "TASK"},
			[]string{"not allowed ecs:StopTask"}, nil, "stop task"},
		{"daemon start denied", "ecs:StartTask", denied, []string{"daemon", "start", "--cluster", "demo", "--task-definition", "auth"},
			[]string{"not allowed ecs:StartTask", "retry the failed nodes"}, nil, "StartTask"},
		{"drain denied", "ecs:UpdateContainerInstancesState", denied, []string{"drain", "--cluster", "demo", "--instance", "INSTANCE"},
			[]string{"not allowed ecs:UpdateContainerInstancesState", "resume with: ecstui drain --resume"}, nil, "resume with"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, false)
			for i, a := range tt.args {
				switch a {
				case "TASK":
					ts, _ := h.w.ListTasks("demo", model.TaskFilter{ServiceName: "auth"})
					tt.args[i] = ts[0]
				case "INSTANCE":
					cis, _ := h.w.ListContainerInstances("demo", "")
					tt.args[i] = cis[0]
				}
			}
			h.srv.InjectFault(tt.action, tt.fault)
			args := append(tt.args, "--yes")
			if tt.args[0] != "daemon" {
				args = append(args, "--wait")
			}
			err := h.run(args...)
			if got := exitOutcome(err); got != ops.OutcomeFailed {
				t.Fatalf("outcome %s, want failed\n%s%s", got, h.out.String(), h.err.String())
			}
			if ee, _ := err.(*ExitError); ee == nil || exitCode(ee.Outcome) != 1 {
				t.Errorf("exit error %v, want exit 1", err)
			}
			out := h.out.String() + h.err.String()
			for _, s := range tt.say {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.notSay {
				if strings.Contains(out, s) {
					t.Errorf("output says %q:\n%s", s, out)
				}
			}
			all, _ := h.sess.Journal.Read()
			if len(all) < 2 || all[0].Outcome != ops.OutcomeStarted || all[0].Run == "" {
				t.Fatalf("journal %+v: want the run's start first", all)
			}
			last := all[len(all)-1]
			if last.Run != all[0].Run || last.Outcome != ops.OutcomeFailed || !strings.Contains(strings.Join(last.NotDone, "\n"), tt.notDone) {
				t.Errorf("journal's end %+v: want failed, run %s, not done %q", last, all[0].Run, tt.notDone)
			}
		})
	}
}
