package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/model"
)

// isolate keeps tests away from the user's config and environment.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	for _, k := range []string{"ECSTUI_CONFIG", "ECSTUI_CONTEXT", "ECSTUI_READ_ONLY", "ECSTUI_REFRESH_INTERVAL", "ECSTUI_LOGS_BUFFER_LINES"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	return dir
}

// syncBuffer is written by a running command while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	root, app := newRoot(&out, &errw)
	defer app.Close()
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String() + errw.String(), err
}

func TestLoopbackOnly(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:4599", true},
		{"127.0.0.1:0", true},
		{"[::1]:4599", true},
		{"localhost:4599", true},
		{"0.0.0.0:4599", false},
		{":4599", false},
		{"10.0.0.5:4599", false},
		{"example.com:80", false},
		{"127.0.0.1", false},
	}
	for _, tt := range tests {
		if err := loopbackOnly(tt.addr); (err == nil) != tt.ok {
			t.Errorf("loopbackOnly(%q) = %v, want ok=%v", tt.addr, err, tt.ok)
		}
	}
}

func TestConfigCommand(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		args    []string
		wantErr bool
		want    []string // regexps the output must match
	}{
		{
			name: "sources of every value",
			file: "contexts:\n  - name: prod\n    region: eu-west-1\n    production: true\nrefreshInterval: 10s\n",
			args: []string{"config", "--read-only", "--region", "us-west-2"},
			want: []string{
				`refreshInterval\s+10s\s+file \(.*config\.yaml:5\)`,
				`readOnly\s+true\s+flag \(--read-only\)`,
				`logs\.bufferLines\s+50000\s+default`,
				`contexts\[0\]\.region\s+us-west-2\s+flag \(--region\)`,
				`contexts\[0\]\.production\s+true\s+file`,
			},
		},
		{
			name: "json",
			file: "refreshInterval: 10s\n",
			args: []string{"config", "-o", "json"},
			want: []string{`"key": "refreshInterval"`, `"source": "file"`},
		},
		{
			name:    "invalid file names file and key",
			file:    "contexts:\n  - name: a\n    regoin: x\n",
			args:    []string{"config"},
			wantErr: true,
			want:    []string{`config\.yaml:3: key contexts\[0\]\.regoin: unknown key`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := isolate(t)
			p := filepath.Join(dir, "ecstui", "config.yaml")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := execute(t, tt.args...)
			if err != nil {
				out += err.Error()
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v\n%s", err, tt.wantErr, out)
			}
			for _, re := range tt.want {
				if !regexp.MustCompile(re).MatchString(out) {
					t.Errorf("output does not match %s:\n%s", re, out)
				}
			}
		})
	}
}

func TestInvalidConfigExitsNonZero(t *testing.T) {
	dir := isolate(t)
	p := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(p, []byte("refreshInterval: often\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"--config", p, "config"}); code == 0 {
		t.Fatal("an invalid config file must exit non-zero")
	}
}

func TestVersion(t *testing.T) {
	isolate(t)
	out, err := execute(t, "version")
	if err != nil || !strings.HasPrefix(out, "ecstui ") {
		t.Fatalf("%q %v", out, err)
	}
}

func TestDemoClient(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      string // ECSTUI_READ_ONLY
		readOnly bool
	}{
		{"demo", []string{"--demo"}, "", false},
		{"demo read-only", []string{"--demo", "--read-only"}, "", true},
		{"demo read-only from env", []string{"--demo"}, "true", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			if tt.env != "" {
				t.Setenv("ECSTUI_READ_ONLY", tt.env)
			}
			// The demo must not pick up a real profile or endpoint.
			t.Setenv("AWS_PROFILE", "does-not-exist")
			t.Setenv("AWS_ENDPOINT_URL", "http://192.0.2.1:1")
			root, app := newRoot(&bytes.Buffer{}, &bytes.Buffer{})
			defer app.Close()
			if err := root.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			cl, err := app.Client(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cs, _, err := cl.Clusters(ctx)
			if err != nil || len(cs) == 0 {
				t.Fatalf("demo clusters %v %v", cs, err)
			}
			if app.ContextName() != "demo" || app.ReadOnly() != tt.readOnly || cl.ReadOnly() != tt.readOnly {
				t.Errorf("context %q read-only app %v client %v", app.ContextName(), app.ReadOnly(), cl.ReadOnly())
			}
			_, err = cl.StopTask(ctx, cs[0].Name, "nope", "test")
			if tt.readOnly != (aws.KindOf(err) == aws.KindReadOnly) {
				t.Errorf("StopTask error %v with read-only %v", err, tt.readOnly)
			}
		})
	}
}

func TestSimCommandServesTheAWSProtocols(t *testing.T) {
	isolate(t)
	out := &syncBuffer{}
	root, app := newRoot(out, out)
	defer app.Close()
	root.SetArgs([]string{"sim", "--listen", "127.0.0.1:0", "--scenario", "large", "--services", "120", "--tasks", "150", "--instances", "12", "--no-throttle"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	urlRE := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); {
		if m := urlRE.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("sim exited early: %v\n%s", err, out)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("no URL printed:\n%s", out)
	}
	cl, err := aws.New(ctx, awstest.Config(url))
	if err != nil {
		t.Fatal(err)
	}
	svcs, _, err := cl.Services(ctx, "large", nil)
	if err != nil || len(svcs) != 120 {
		t.Fatalf("%d services, %v", len(svcs), err)
	}
	tasks, _, err := cl.Tasks(ctx, "large", model.TaskFilter{}, nil)
	if err != nil || len(tasks) != 150 {
		t.Fatalf("%d tasks, %v", len(tasks), err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("sim: %v", err)
	}
}

func TestKeyClashIsReportedAgainstTheFile(t *testing.T) {
	dir := isolate(t)
	p := filepath.Join(dir, "ecstui", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	// q already quits.
	if err := os.WriteFile(p, []byte("keys:\n  refresh: [q]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{}, {"--demo"}} {
		_, err := execute(t, args...)
		if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), `"q"`) {
			t.Errorf("%v: error %v, want one naming %s and the key", args, err, p)
		}
	}
}
