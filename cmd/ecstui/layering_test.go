package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The dependency rules of docs/ARCHITECTURE.md, checked on the real import
// graph: the console and the log engine must not link aws-sdk-go-v2 (they see
// the adapter only through aws/awsapi and their own small interfaces), and no
// package outside aws/ may import an SDK package directly.
func TestLayering(t *testing.T) {
	const sdk = "github.com/aws/"
	deps := goList(t, "-deps", "github.com/ecstui/ecstui/ui/...", "github.com/ecstui/ecstui/logs/...")
	for _, d := range deps {
		if strings.HasPrefix(d, sdk) {
			t.Errorf("ui/ or logs/ depends on %s; use aws/awsapi or a consumer-side interface", d)
		}
	}
	lines := goList(t, "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "github.com/ecstui/ecstui/...")
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) == 0 || strings.HasPrefix(f[0], "github.com/ecstui/ecstui/aws") {
			continue
		}
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, sdk) {
				t.Errorf("%s imports %s: SDK types stay inside aws/", f[0], imp)
			}
			if f[0] == "github.com/ecstui/ecstui/model" && strings.HasPrefix(imp, "github.com/ecstui/ecstui/") {
				t.Errorf("model imports %s: model imports nothing of ours", imp)
			}
		}
	}
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %v: %v\n%s", args, err, ee.Stderr)
		}
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}
