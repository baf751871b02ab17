package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
)

// TestEarlyErrorsOnEveryChannel: an error before any plan (a bad number, a
// bad flag combination, a missing cluster, service or task, a missing drain
// run) exits 1 with one clean "ecstui:" line on stderr, and under -o json
// also a JSON document on stdout saying what kind of problem it is — never
// an empty stream a script would choke on, whatever bytes the names hold.
func TestEarlyErrorsOnEveryChannel(t *testing.T) {
	isolate(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	_, srv := awstest.Start(t, sim.NewDemo(1))
	base := []string{"--endpoint-url", srv.URL(), "--region", "us-east-1"}
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	hostile := "svc\n\x1b]52;c;aGk=\x07\u202e\u009b"
	tests := []struct {
		args []string
		kind string
		say  string
	}{
		{[]string{"scale", "--cluster", "playground", "--service", "random", "--desired", "4294967297"}, "error", "0–2147483647"},
		{[]string{"scale", "--cluster", "nope", "--service", "random", "--desired", "1"}, "not found", `cluster "nope" not found`},
		{[]string{"scale", "--cluster", "playground", "--service", hostile, "--desired", "1"}, "not found", `not found in cluster playground`},
		{[]string{"stop-task", "--cluster", "playground", "--task", hostile}, "not found", `not found in cluster playground`},
		{[]string{"deploy", "--cluster", "playground", "--service", "auth", "--revision", "nope:1"}, "not found", `task definition "nope:1" not found`},
		{[]string{"drain", "--resume", "nope"}, "error", `no saved drain run "nope"`},
		{[]string{"scale", "--cluster", "playground", "--service", "random", "--desired", "1", "--adjust-autoscaling", "--suspend-autoscaling"}, "error", "adjust-autoscaling"},
	}
	for _, tt := range tests {
		for _, asJSON := range []bool{false, true} {
			name := strings.Join(tt.args[:1], " ") + " " + tt.say
			if asJSON {
				name += " json"
			}
			t.Run(name, func(t *testing.T) {
				args := append(append([]string{}, base...), tt.args...)
				if asJSON {
					args = append([]string{"-o", "json"}, args...)
				}
				var out, errw bytes.Buffer
				if code := runWith(append(args, "--dry-run"), &out, &errw); code != 1 {
					t.Errorf("exit %d, want 1", code)
				}
				for _, b := range [][]byte{out.Bytes(), errw.Bytes()} {
					if bytes.ContainsAny(b, "\x1b\x07\u202e\u009b") {
						t.Errorf("raw control bytes in output: %q", b)
					}
				}
				line := strings.TrimSuffix(errw.String(), "\n")
				if !strings.HasPrefix(line, "ecstui: ") || strings.Contains(line, "\n") || !strings.Contains(line, tt.say) {
					t.Errorf("stderr %q, want one ecstui: line saying %s", errw.String(), tt.say)
				}
				if !asJSON {
					if out.Len() != 0 {
						t.Errorf("stdout %q, want nothing", out.String())
					}
					return
				}
				var doc struct{ Error, Kind string }
				if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Kind != tt.kind || !strings.Contains(doc.Error, tt.say) {
					t.Errorf("stdout %q (%v), want a JSON error of kind %q saying %s", out.String(), err, tt.kind, tt.say)
				}
			})
		}
	}
}

// TestFlagErrorsAreShort: a bad value of any flag is said once, cut short,
// naming the flag — never the whole of a huge value echoed back.
func TestFlagErrorsAreShort(t *testing.T) {
	isolate(t)
	huge := strings.Repeat("9", 5000)
	for _, args := range [][]string{
		{"scale", "--cluster", "c", "--service", "s", "--desired", huge},
		{"scale", "--cluster", "c", "--service", "s", "--desired", "1", "--timeout", huge},
		{"drain", "--cluster", "c", "--ami", "a", "--batch", huge},
		{"scale", "--cluster", "c", "--service", "s", "--desired", "1", "--yes=" + huge},
		{"sim", "--instances", huge},
		{"port-forward", "--cluster", "c", "--task", "t", "--remote-port", huge},
	} {
		var out, errw bytes.Buffer
		if code := runWith(args, &out, &errw); code != 1 {
			t.Errorf("%s: exit %d", args[len(args)-2], code)
		}
		msg := errw.String()
		if len(msg) > 300 || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "--") {
			t.Errorf("%s: %d bytes: %.300q", args[len(args)-2], len(msg), msg)
		}
	}
}
