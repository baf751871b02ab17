package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/ops/cli"
)

// TestPulseCommand runs `ecstui --demo pulse` over both demo accounts: a
// table of what is wrong and exit status 2; -o json for scripts; --context
// narrows to the named contexts; an unknown one is an error naming them.
func TestPulseCommand(t *testing.T) {
	isolate(t)
	out, err := execute(t, "--demo", "pulse")
	var exit *cli.ExitError
	if !errors.As(err, &exit) || exit.Code != pulseExitWrong {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	for _, want := range []string{
		"SEVERITY", "CRITICAL  demo-eu  eu-west-1  jobs", "OOM-killed (exit 137)", "image pull failed", "resource initialization failed",
		"corkhounds-web:2 blocked", "rolled back billing-api:2", "disconnected", "WARNING   demo     us-east-1  playground",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}

	out, err = execute(t, "--demo", "pulse", "-o", "json", "--context", "demo-eu")
	if !errors.As(err, &exit) || exit.Code != pulseExitWrong {
		t.Fatalf("json exit: %v", err)
	}
	var rep pulseJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if !rep.Wrong || rep.Clusters != 2 || len(rep.Findings) != 4 || len(rep.Problems) != 0 {
		t.Fatalf("report: %+v", rep)
	}
	for _, f := range rep.Findings {
		if f.Context != "demo-eu" || f.Region != "eu-west-1" || f.Action.Kind == "" || f.Action.Label == "" || f.DataAt.IsZero() {
			t.Errorf("finding %+v", f)
		}
	}

	if _, err := execute(t, "--demo", "pulse", "--context", "nope"); err == nil || !strings.Contains(err.Error(), `no context named "nope" (known: demo, demo-eu)`) {
		t.Errorf("unknown context: %v", err)
	}
}

// TestPulseCommandExitCodes: contexts from the config file; a healthy
// account exits 0, an unreachable one exits 1 and says which.
func TestPulseCommandExitCodes(t *testing.T) {
	dir := isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	w := sim.NewLarge(1, sim.LargeOptions{Services: 4, Tasks: 8, Instances: 3})
	srv := wire.New(w, wire.Options{DisableThrottling: true})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg := filepath.Join(dir, "config.yaml")
	write := func(body string) {
		t.Helper()
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("contexts:\n  - name: healthy\n    region: us-east-1\n    endpointURL: " + url + "\n")
	out, err := execute(t, "--config", cfg, "pulse")
	if err != nil || !strings.Contains(out, "nothing wrong in 1 cluster\n") {
		t.Fatalf("healthy: %v\n%s", err, out)
	}
	// regions: all covers every region the account enabled (the simulator
	// serves one per endpoint).
	write("contexts:\n  - name: healthy\n    region: us-east-1\n    regions: all\n    endpointURL: " + url + "\n")
	out, err = execute(t, "--config", cfg, "pulse")
	if err != nil || !strings.Contains(out, "nothing wrong in 1 cluster\n") {
		t.Fatalf("regions: all: %v\n%s", err, out)
	}
	write("contexts:\n  - name: healthy\n    region: us-east-1\n    endpointURL: " + url +
		"\n  - name: gone\n    region: us-east-1\n    endpointURL: http://127.0.0.1:1\n")
	out, err = execute(t, "--config", cfg, "pulse")
	var exit *cli.ExitError
	if !errors.As(err, &exit) || exit.Code != pulseExitUnreadable || !strings.Contains(out, "UNREADABLE  gone") {
		t.Fatalf("unreachable: %v\n%s", err, out)
	}
}
