package cli

import (
	"errors"
	"strings"
	"testing"
)

// TestCLINotFoundNamesWhat: every command given a cluster, service, task,
// task definition or drain run that does not exist stops before any change
// with an error naming that resource, whatever the call that found it out.
func TestCLINotFoundNamesWhat(t *testing.T) {
	h := newHarness(t, false)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"scale", "--cluster", "nope", "--service", "auth", "--desired", "3"}, `cluster "nope" not found`},
		{[]string{"scale", "--cluster", "demo", "--service", "nope", "--desired", "3"}, `service "nope" not found in cluster demo`},
		{[]string{"deploy", "--cluster", "nope", "--service", "auth", "--image", "web=x:1"}, `cluster "nope" not found`},
		{[]string{"deploy", "--cluster", "demo", "--service", "auth", "--revision", "nope:9"}, `task definition "nope:9" not found`},
		{[]string{"rollback", "--cluster", "demo", "--service", "auth", "--to", "nope:1"}, `task definition "nope:1" not found`},
		{[]string{"redeploy", "--cluster", "demo", "--service", "no\npe"}, `service "no\npe" not found in cluster demo`},
		{[]string{"stop-task", "--cluster", "demo", "--task", "nope"}, `task "nope" not found in cluster demo`},
		{[]string{"stop-task", "--cluster", "nope", "--task", "nope"}, `cluster "nope" not found`},
		{[]string{"drain", "--cluster", "nope", "--ami", "ami-1"}, `cluster "nope" not found`},
		{[]string{"drain", "--resume", "nope"}, `no saved drain run "nope"`},
		{[]string{"drain", "--resume", "../../../etc/x"}, `is not a drain run id`},
		{[]string{"daemon", "start", "--cluster", "demo", "--task-definition", "nope"}, `task definition "nope" not found`},
		{[]string{"daemon", "start", "--cluster", "nope", "--task-definition", "auth"}, `cluster "nope" not found`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			before := h.srv.MutatingCalls()
			err := h.run(append(tt.args, "--yes")...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %s", err, tt.want)
			}
			if strings.Count(err.Error(), "not found") > 1 {
				t.Errorf("error says it twice: %v", err)
			}
			if n := h.srv.MutatingCalls() - before; n != 0 {
				t.Errorf("%d mutating calls", n)
			}
		})
	}
}

// TestCLIConflictingFlagsRefused: flags the command would settle by
// silently ignoring one of them are refused before anything is read.
func TestCLIConflictingFlagsRefused(t *testing.T) {
	h := newHarness(t, false)
	tests := [][]string{
		{"scale", "--cluster", "demo", "--service", "auth", "--desired", "3", "--adjust-autoscaling", "--suspend-autoscaling"},
		{"deploy", "--cluster", "demo", "--service", "auth", "--image", "web=a:1", "--revision", "auth:1"},
		{"deploy", "--cluster", "demo", "--service", "auth", "--image", "web=a:1", "--image", "web=b:2"},
		{"drain", "--list", "--resume", "x"},
		{"drain", "--list", "--cluster", "demo"},
		{"drain", "--resume", "x", "--batch", "2"},
		{"drain", "--resume", "x", "--cluster", "demo"},
		{"drain", "--resume", "x", "--ami", "ami-1"},
		{"drain", "--cluster", "demo", "--strategy", "refresh", "--watch", "--cancel"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			h.srv.ResetCounts()
			err := h.run(append(args, "--yes")...)
			var ee *ExitError
			if err == nil || errors.As(err, &ee) {
				t.Fatalf("error %v, want a usage error", err)
			}
			if calls := h.srv.CallCounts(); len(calls) != 0 {
				t.Errorf("AWS calls before refusing: %v", calls)
			}
		})
	}
}

// TestCLIDurationFlags: every duration a person gives is refused, naming
// the flag and its range, when it is not positive, outside what ecstui or
// AWS takes, or finer than AWS's unit (a delay AWS takes in whole seconds
// is never rounded); anything else is taken as given.
func TestCLIDurationFlags(t *testing.T) {
	h := newHarness(t, false)
	scale := []string{"scale", "--cluster", "demo", "--service", "auth", "--desired", "2", "--dry-run"}
	refresh := []string{"drain", "--cluster", "demo", "--ami", "ami-x", "--strategy", "refresh", "--checkpoints", "50,100", "--dry-run"}
	tests := []struct {
		cmd   []string
		flag  string
		value string
		ok    bool
	}{
		{scale, "--timeout", "30m", true}, {scale, "--timeout", " 5s", true}, {scale, "--timeout", "168h", true},
		{scale, "--timeout", "0s", false}, {scale, "--timeout", "-5s", false}, {scale, "--timeout", "1ns", false},
		{scale, "--timeout", "10000h", false}, {scale, "--timeout", "99999999999h", false}, {scale, "--timeout", "5", false},
		{scale, "--poll", "100ms", true}, {scale, "--poll", "10m", true},
		{scale, "--poll", "1ns", false}, {scale, "--poll", "0s", false}, {scale, "--poll", "10000h", false},
		{refresh, "--checkpoint-delay", "10m", true}, {refresh, "--checkpoint-delay", "48h", true},
		{refresh, "--checkpoint-delay", "1500ms", false}, {refresh, "--checkpoint-delay", "400ms", false},
		{refresh, "--checkpoint-delay", "48h0m1s", false}, {refresh, "--checkpoint-delay", "-1s", false},
	}
	for _, tt := range tests {
		t.Run(tt.flag+"="+tt.value, func(t *testing.T) {
			err := h.run(append(append([]string{}, tt.cmd...), tt.flag, tt.value)...)
			var ee *ExitError
			refused := err != nil && !errors.As(err, &ee)
			if refused == tt.ok {
				t.Fatalf("%s %q: error %v, want accepted %v", tt.flag, tt.value, err, tt.ok)
			}
			if refused && !strings.Contains(err.Error(), tt.flag) {
				t.Errorf("%s %q: %q does not name the flag", tt.flag, tt.value, err)
			}
		})
	}
}
