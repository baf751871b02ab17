package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops/opstest"
)

// checkOutputBytes fails when out holds a byte sequence a terminal would
// act on: ESC or any other C0 control but LF and TAB, DEL, a C1 control, a
// bidi control or a Unicode line separator.
func checkOutputBytes(t *testing.T, where string, out []byte) {
	t.Helper()
	for i, r := range string(out) {
		bad := r == 0x1b || (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c ||
			r == 0x2028 || r == 0x2029
		if bad {
			lo, hi := max(0, i-40), min(len(out), i+40)
			t.Errorf("%s: %U in the output near %q", where, r, out[lo:hi])
			return
		}
	}
}

// TestHostileWorldCLIOutputIsSafe runs every CLI command, in table and in
// JSON, against a world whose names, images, events, reasons and log lines
// carry terminal controls (sim.NewHostile): no output byte may drive the
// terminal, and JSON still holds the exact strings.
func TestHostileWorldCLIOutputIsSafe(t *testing.T) {
	isolate(t)
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	w := sim.NewHostile(1)
	srv := wire.New(w, wire.Options{Region: "us-east-1", DisableThrottling: true})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	cluster := sim.HostileCluster
	svc := "svc" + sim.Hostile + "-a"
	web := "web" + sim.Hostile
	api := opstest.API(w)
	standalone, _, err := api.Tasks(t.Context(), cluster, model.TaskFilter{StartedBy: "by" + sim.Hostile}, nil)
	if err != nil || len(standalone) == 0 {
		t.Fatalf("standalone tasks %v %v", standalone, err)
	}
	svcTasks, _, err := api.Tasks(t.Context(), cluster, model.TaskFilter{ServiceName: svc}, nil)
	if err != nil || len(svcTasks) == 0 {
		t.Fatalf("service tasks %v %v", svcTasks, err)
	}
	cis, _, err := api.ContainerInstances(t.Context(), cluster, model.InstanceActive)
	if err != nil || len(cis) == 0 {
		t.Fatalf("instances %v %v", cis, err)
	}
	commands := [][]string{
		{"deploy", "--cluster", cluster, "--service", svc, "--image", web + "=nginx" + sim.Hostile + ":9", "--dry-run"},
		{"rollback", "--cluster", cluster, "--service", svc, "--dry-run"},
		{"scale", "--cluster", cluster, "--service", svc, "--desired", "3", "--dry-run"},
		{"scale", "--cluster", cluster, "--service", svc, "--desired", "99999999999" + sim.Hostile},
		{"redeploy", "--cluster", cluster, "--service", svc, "--dry-run"},
		{"autoscaling", "resume", "--cluster", cluster, "--service", svc, "--dry-run"},
		{"stop-task", "--cluster", cluster, "--task", svcTasks[0].ID, "--reason", "why" + sim.Hostile, "--dry-run"},
		{"drain", "--cluster", cluster, "--instance", cis[0].EC2InstanceID, "--dry-run"},
		{"drain", "--cluster", cluster, "--ami", cis[0].AMIID, "--batch", "1", "--dry-run"},
		{"daemon", "start", "--cluster", cluster, "--task-definition", "hostile", "--dry-run"},
		{"logs", "--cluster", cluster, "--task", standalone[0].ID, "--since", "1h"},
		{"logs", "--cluster", cluster, "--service", svc, "--since", "1h"},
		{"stop-task", "--cluster", cluster, "--task", svcTasks[1].ID, "--reason", "why" + sim.Hostile, "--yes"},
		{"exec", "--cluster", cluster, "--task", svcTasks[0].ID, "--check"},
		{"port-forward", "--cluster", cluster, "--task", svcTasks[0].ID, "--remote-port", "80", "--yes"},
		{"pulse"},
		{"drain", "--list"},
		{"journal"},
		{"config"},
		{"version"},
	}
	// Every command must be run here: a new one is a new channel to check.
	notRun := map[string]string{
		"completion": "prints shell code, no AWS text", "help": "prints ecstui's own text",
		"sim": "serves until stopped; prints only its address",
	}
	covered := map[string]bool{}
	for _, c := range commands {
		covered[c[0]] = true
		if c[0] == "daemon" || c[0] == "autoscaling" {
			covered[c[0]+" "+c[1]] = true
		}
	}
	root, app := newRoot(&bytes.Buffer{}, &bytes.Buffer{})
	defer app.Close()
	for _, c := range root.Commands() {
		names := []string{c.Name()}
		if c.HasSubCommands() {
			names = nil
			for _, sub := range c.Commands() {
				names = append(names, c.Name()+" "+sub.Name())
			}
		}
		for _, n := range names {
			if !covered[n] && notRun[n] == "" {
				t.Errorf("command %q is not run against the hostile world: add it to the commands of TestHostileWorldCLIOutputIsSafe (cmd/ecstui/hostile_test.go)", n)
			}
		}
	}
	base := []string{"--endpoint-url", url, "--region", "us-east-1"}
	for _, format := range []string{"table", "json"} {
		for _, c := range commands {
			args := append(append(append([]string{}, base...), "-o", format), c...)
			out, err := execute(t, args...)
			where := format + " " + strings.Join(c[:min(2, len(c))], " ")
			checkOutputBytes(t, where, []byte(out))
			if err != nil {
				var report bytes.Buffer
				reportError(&report, err)
				checkOutputBytes(t, where+" (error as reported)", report.Bytes())
			}
			if format == "json" && c[0] == "deploy" {
				var doc struct {
					Plan struct{ Target, Cluster string } `json:"plan"`
				}
				if jerr := json.Unmarshal([]byte(out), &doc); jerr != nil || doc.Plan.Target != svc || doc.Plan.Cluster != cluster {
					t.Errorf("deploy JSON is not lossless: target %q cluster %q (%v)\n%s", doc.Plan.Target, doc.Plan.Cluster, jerr, out)
				}
			}
			if format == "json" && c[0] == "logs" && len(c) > 3 && c[3] == standalone[0].ID {
				var line struct{ Stream, Message string }
				first, _, _ := strings.Cut(out, "\n")
				if jerr := json.Unmarshal([]byte(first), &line); jerr != nil || !strings.Contains(line.Stream, sim.Hostile) || !strings.Contains(line.Message, sim.Hostile) {
					t.Errorf("logs JSON is not the exact stream name and message: %q %q (%v)\n%s", line.Stream, line.Message, jerr, out)
				}
			}
		}
	}
	journal, err := os.ReadFile(filepath.Join(state, "ecstui", "journal.jsonl"))
	if err != nil || !bytes.Contains(journal, []byte(`\u001b]52`)) {
		t.Fatalf("journal %v: hostile names are not recorded escaped\n%s", err, journal)
	}
	checkOutputBytes(t, "journal file", journal)
}
