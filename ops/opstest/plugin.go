package opstest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FakePlugin is a session-manager-plugin stand-in written into a test's
// temporary directory: it answers --version, records its arguments and
// environment, prints a banner and exits with a chosen code.
type FakePlugin struct {
	Dir     string // put it first on PATH
	Path    string
	record  string
	Version string
}

// WriteFakePlugin writes the fake plugin. version "" makes --version fail
// (a broken install); exit is the code a session ends with.
func WriteFakePlugin(tb testing.TB, version string, exit int) FakePlugin {
	tb.Helper()
	dir := tb.TempDir()
	fp := FakePlugin{Dir: dir, Path: filepath.Join(dir, "session-manager-plugin"), record: filepath.Join(dir, "record"), Version: version}
	versionLine := "echo " + shellQuote(version) + "; exit 0"
	if version == "" {
		versionLine = "echo 'plugin is broken' >&2; exit 127"
	}
	script := fmt.Sprintf(`#!/bin/sh
if [ "$#" -eq 1 ] && [ "$1" = "--version" ]; then %s; fi
for a in "$@"; do printf '%%s\n' "$a" | sed 's/^/ARG /'; printf 'END\n'; done > %s.args
env > %s.env
echo "Starting session with SessionId: fake-plugin"
echo "fake plugin banner: connected"
exit %d
`, versionLine, shellQuote(fp.record), shellQuote(fp.record), exit)
	if err := os.WriteFile(fp.Path, []byte(script), 0o755); err != nil {
		tb.Fatal(err)
	}
	return fp
}

// OnPath puts the fake plugin's directory first on PATH for the test.
func (fp FakePlugin) OnPath(tb testing.TB) {
	tb.Setenv("PATH", fp.Dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// Args returns the arguments of the last session it ran (nil if none).
func (fp FakePlugin) Args(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile(fp.record + ".args")
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		tb.Fatal(err)
	}
	var args []string
	var cur []string
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if l == "END" {
			args = append(args, strings.Join(cur, "\n"))
			cur = nil
			continue
		}
		cur = append(cur, strings.TrimPrefix(l, "ARG "))
	}
	return args
}

// Env returns the value of an environment variable the last session saw.
func (fp FakePlugin) Env(tb testing.TB, name string) (string, bool) {
	tb.Helper()
	b, err := os.ReadFile(fp.record + ".env")
	if err != nil {
		tb.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
