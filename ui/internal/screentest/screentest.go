// Package screentest is what the console's tests share to check a screen:
// golden files with a unified diff on failure, and the colour a piece of
// text is drawn in. It is imported by tests only.
//
// Goldens live in the package's testdata/NAME.golden;
// `go test ./ui/... -update` rewrites them (docs/TESTING.md).
package screentest

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aymanbagabas/go-udiff"
	// teatest's golden package defines -update; importing it here makes it
	// initialise first in every test binary, so this package shares its flag
	// instead of defining a second one (which would panic).
	_ "github.com/charmbracelet/x/exp/golden"
)

// Updating reports whether the test binary runs with -update.
func Updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// Golden compares got with testdata/NAME.golden, printing a unified diff
// when they differ; with -update it rewrites the file instead.
func Golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if Updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update in this package to create it)", err)
	}
	if string(want) == got {
		return
	}
	if trimRight(string(want)) == trimRight(got) {
		t.Errorf("%s differs from the golden file only in trailing spaces (go test -update in this package accepts the change)", name)
		return
	}
	diff := udiff.Unified(path, "got", string(want), got)
	t.Errorf("%s differs from the golden file (go test -update in this package accepts the change):\n%s", name, diff)
}

func trimRight(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
