package main

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestLogsCommandDemo(t *testing.T) {
	out, err := execute(t, "--demo", "logs", "--cluster", "prod", "--service", "billing-api", "--since", "1h")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 5 {
		t.Fatalf("only %d lines:\n%s", len(lines), out)
	}
	var stamps []string
	for _, l := range lines {
		if strings.HasPrefix(l, "    ") {
			continue // continuation of a multi-line message
		}
		f := strings.Fields(l)
		if len(f) < 3 || !strings.HasSuffix(f[1], "/api") {
			t.Fatalf("line %q: want time, task/api label, message", l)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", f[0]); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		stamps = append(stamps, f[0])
	}
	if !sort.StringsAreSorted(stamps) {
		t.Error("lines are not merged in time order")
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Error("raw escape bytes in the output")
	}
}

func TestLogsCommandJSON(t *testing.T) {
	out, err := execute(t, "--demo", "logs", "--cluster", "prod", "--service", "billing-api", "--since", "1h", "-o", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var v logJSON
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if v.Type != "event" || v.Container != "api" || v.Task == "" || v.Stream == "" {
			t.Fatalf("line %+v", v)
		}
	}
}

func TestLogsCommandErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "logs", "--service", "x"}, "--cluster is required"},
		{[]string{"--demo", "logs", "--cluster", "prod"}, "name a --service or a --task"},
		{[]string{"--demo", "logs", "--cluster", "prod", "--service", "x", "--since", "yesterday"}, `--since "yesterday"`},
		{[]string{"--demo", "logs", "--cluster", "prod", "--service", "billing-api", "--container", "nope"}, `no container named "nope"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := execute(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q\n%s", err, tt.want, out)
			}
		})
	}
}

func TestParseSince(t *testing.T) {
	for in, want := range map[string]time.Duration{"0": 0, "": 0, "30s": 30 * time.Second, "10m": 10 * time.Minute, "2d": 48 * time.Hour, " 10m ": 10 * time.Minute, "36500d": 36500 * 24 * time.Hour, "876000h": 876000 * time.Hour} {
		if got, err := parseSince(in); err != nil || got != want {
			t.Errorf("parseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"-5m", "xd", "soon", "36501d", "9223372036854775807d", "99999999999999999999d", "9999999999h", "2562047h", "876001h", "1e9s"} {
		if _, err := parseSince(bad); err == nil {
			t.Errorf("parseSince(%q): no error", bad)
		}
	}
}

// TestLogsCommandFollow: --follow prints the history, reports the live mode
// on stderr and keeps going until the context ends (Ctrl-C), exiting 0.
func TestLogsCommandFollow(t *testing.T) {
	out, errw := &syncBuffer{}, &syncBuffer{}
	root, app := newRoot(out, errw)
	defer app.Close()
	root.SetArgs([]string{"--demo", "logs", "--cluster", "prod", "--service", "billing-api", "--since", "1h", "-f"})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatalf("%v\n%s", err, errw.String())
	}
	if !strings.Contains(errw.String(), "ecstui: live tail (1 session) · ") {
		t.Errorf("stderr %q: want the live mode", errw.String())
	}
	if strings.Count(out.String(), "/api ") < 5 {
		t.Errorf("stdout:\n%s", out.String())
	}
}
