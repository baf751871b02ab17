package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// isolate points every lookup at a temp dir and clears ECSTUI_* variables.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "ECSTUI_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	return dir
}

func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "ecstui", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func globalFlags(args ...string) *pflag.FlagSet {
	fs := pflag.NewFlagSet("ecstui", pflag.ContinueOnError)
	fs.String("context", "", "")
	fs.Bool("read-only", false, "")
	fs.Duration("refresh", DefaultRefreshInterval, "")
	fs.String("api-budget", "10%", "")
	fs.String("profile", "", "")
	fs.String("region", "", "")
	fs.String("endpoint-url", "", "")
	if err := fs.Parse(args); err != nil {
		panic(err)
	}
	return fs
}

const goodFile = `
contexts:
  - name: staging
    profile: stg
    region: eu-west-1
    cluster: web
  - name: prod
    profile: prod
    region: us-east-1
    production: true
    readOnly: true
currentContext: staging
refreshInterval: 10s
keys:
  refresh: [ctrl+r, f5]
colors:
  ok: "#00ff00"
logs:
  bufferLines: 1000
`

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantKey  string
		wantLine int
		wantMsg  string
	}{
		{"unknown top key", "refreshIntervall: 5s\n", "refreshIntervall", 1, "unknown key"},
		{"unknown context key", "contexts:\n  - name: a\n    regoin: x\n", "contexts[0].regoin", 3, "unknown key"},
		{"bad duration", "refreshInterval: fast\n", "refreshInterval", 1, "not a duration"},
		{"duration without unit", "refreshInterval: 5\n", "refreshInterval", 1, "not a duration"},
		{"negative duration", "refreshInterval: -5s\n", "refreshInterval", 1, "too short"},
		{"negative buffer", "logs:\n  bufferLines: -3\n", "logs.bufferLines", 2, "out of range"},
		{"buffer not a number", "logs:\n  bufferLines: lots\n", "logs.bufferLines", 2, "not a whole number"},
		{"buffer not a scalar", "logs:\n  bufferLines: [1]\n", "logs.bufferLines", 2, "must be a whole number"},
		{"unknown logs key", "logs:\n  bufferLine: 5\n", "logs.bufferLine", 2, "unknown key (known: bufferLines)"},
		{"budget not a percentage", "apiBudget: lots\n", "apiBudget", 1, "is not a percentage"},
		{"budget too small", "apiBudget: 0.5%\n", "apiBudget", 1, "out of range (1% to 100%"},
		{"budget above AWS's rate", "apiBudget: 150%\n", "apiBudget", 1, "out of range"},
		{"logs not a mapping", "logs: 5\n", "logs", 1, "must be a mapping"},
		{"readOnly as a string", "readOnly: 'yes'\n", "readOnly", 1, "true or false"},
		{"current context not a string", "currentContext: [a]\n", "currentContext", 1, "must be a string"},
		{"duplicate context", "contexts:\n  - name: a\n  - name: a\n", "contexts[1].name", 3, "duplicate context name"},
		{"context without name", "contexts:\n  - region: eu-west-1\n", "contexts[0].name", 2, "needs a name"},
		{"region with a control sequence", "contexts:\n  - name: a\n    region: \"us-east-1\\u001b[2J\"\n", "contexts[0].region", 3, `"us-east-1\x1b[2J" is not a region name`},
		{"region with a path", "contexts:\n  - name: a\n    region: ../us-east-1\n", "contexts[0].region", 3, "is not a region name"},
		{"readOnly not bool", "readOnly: maybe\n", "readOnly", 1, "true or false"},
		{"unknown key action", "keys:\n  teleport: [t]\n", "keys.teleport", 2, "unknown action"},
		{"unknown colour", "colors:\n  sparkle: '#fff'\n", "colors.sparkle", 2, "unknown colour token"},
		{"bad colour", "colors:\n  ok: green\n", "colors.ok", 2, "neither"},
		{"bad endpoint", "contexts:\n  - name: a\n    endpointURL: localhost\n", "contexts[0].endpointURL", 3, "not an http(s) URL"},
		{"unknown current context", "contexts:\n  - name: a\ncurrentContext: b\n", "currentContext", 3, `no context named "b"`},
		{"not a mapping", "- a\n- b\n", "(document)", 1, "must be a mapping"},
		{"regions not all", "contexts:\n  - name: a\n    regions: every\n", "contexts[0].regions", 3, "must be all or a list of regions"},
		{"bad region", "contexts:\n  - name: a\n    regions: [eu-west-1, Frankfurt]\n", "contexts[0].regions", 3, `"Frankfurt" is not a region name`},
		{"bad start screen", "startScreen: home\n", "startScreen", 1, "not a start screen (pulse or clusters)"},
		{"broken yaml", "contexts: [\n", "(document)", 0, "not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := isolate(t)
			path := writeConfig(t, dir, tt.body)
			_, err := Load(Options{KeyActions: []string{"refresh", "quit"}, ColorTokens: []string{"ok", "bad"}})
			if err == nil {
				t.Fatal("invalid config accepted")
			}
			ce, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v, want *Error", err, err)
			}
			if ce.File != path || ce.Key != tt.wantKey || (tt.wantLine > 0 && ce.Line != tt.wantLine) {
				t.Errorf("got file %q line %d key %q, want %q line %d key %q", ce.File, ce.Line, ce.Key, path, tt.wantLine, tt.wantKey)
			}
			msg := err.Error()
			if !strings.Contains(msg, path) || !strings.Contains(msg, tt.wantKey) || !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q should name the file, the key and say %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestLoadInvalidEnvAndFlags(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantMsg string
	}{
		{"env duration", map[string]string{"ECSTUI_REFRESH_INTERVAL": "soon"}, nil, "environment variable ECSTUI_REFRESH_INTERVAL: key refreshInterval"},
		{"env bool", map[string]string{"ECSTUI_READ_ONLY": "perhaps"}, nil, "environment variable ECSTUI_READ_ONLY: key readOnly"},
		{"env buffer", map[string]string{"ECSTUI_LOGS_BUFFER_LINES": "0"}, nil, "key logs.bufferLines"},
		{"env budget", map[string]string{"ECSTUI_API_BUDGET": "0"}, nil, "environment variable ECSTUI_API_BUDGET: key apiBudget"},
		{"flag budget", nil, []string{"--api-budget", "-5%"}, "flag --api-budget: key apiBudget"},
		{"flag refresh too short", nil, []string{"--refresh", "10ms"}, "flag --refresh: key refreshInterval"},
		{"flag unknown context", nil, []string{"--context", "nope"}, "flag --context: key currentContext"},
		{"flag bad endpoint", nil, []string{"--endpoint-url", "ftp://x"}, "flag --endpoint-url: key contexts[0].endpointURL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := Load(Options{Flags: globalFlags(tt.args...)})
			if err == nil || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantMsg)
			}
		})
	}
}

func entry(t *testing.T, c *Config, key string) Entry {
	t.Helper()
	for _, e := range c.Entries() {
		if e.Key == key {
			return e
		}
	}
	t.Fatalf("no entry %q in %+v", key, c.Entries())
	return Entry{}
}

func TestLoadPrecedenceAndSources(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		env        map[string]string
		args       []string
		check      func(t *testing.T, c *Config)
		wantSource map[string]Source
	}{
		{
			name: "no file: defaults and one implicit context",
			check: func(t *testing.T, c *Config) {
				if c.File != "" || c.RefreshInterval != DefaultRefreshInterval || c.Logs.BufferLines != DefaultBufferLines || c.ReadOnly || c.APIBudget != DefaultAPIBudget {
					t.Errorf("defaults wrong: %+v", c)
				}
				if len(c.Contexts) != 1 || c.CurrentContext != "default" {
					t.Errorf("contexts %+v current %q", c.Contexts, c.CurrentContext)
				}
			},
			wantSource: map[string]Source{"refreshInterval": SourceDefault, "readOnly": SourceDefault, "logs.bufferLines": SourceDefault, "contexts[0].name": SourceDefault},
		},
		{
			name: "file values",
			file: goodFile,
			check: func(t *testing.T, c *Config) {
				if c.RefreshInterval != 10*time.Second || c.Logs.BufferLines != 1000 || len(c.Contexts) != 2 {
					t.Errorf("file values not applied: %+v", c)
				}
				cur, i := c.Current()
				if cur.Name != "staging" || i != 0 || cur.Cluster != "web" {
					t.Errorf("current %+v %d", cur, i)
				}
				if !c.Contexts[1].Production || !c.Contexts[1].ReadOnly {
					t.Errorf("prod flags lost: %+v", c.Contexts[1])
				}
				if got := c.Keys["refresh"]; len(got) != 2 || got[1] != "f5" {
					t.Errorf("keys %v", c.Keys)
				}
				if c.Colors["ok"] != "#00ff00" {
					t.Errorf("colors %v", c.Colors)
				}
			},
			wantSource: map[string]Source{"refreshInterval": SourceFile, "currentContext": SourceFile, "readOnly": SourceDefault,
				"contexts[1].production": SourceFile, "contexts[1].endpointURL": SourceDefault, "keys.refresh": SourceFile, "colors.ok": SourceFile},
		},
		{
			name: "env beats file",
			file: goodFile,
			env:  map[string]string{"ECSTUI_REFRESH_INTERVAL": "30s", "ECSTUI_CONTEXT": "prod", "ECSTUI_READ_ONLY": "true"},
			check: func(t *testing.T, c *Config) {
				if c.RefreshInterval != 30*time.Second || c.CurrentContext != "prod" || !c.ReadOnly {
					t.Errorf("env not applied: %+v", c)
				}
			},
			wantSource: map[string]Source{"refreshInterval": SourceEnv, "currentContext": SourceEnv, "readOnly": SourceEnv},
		},
		{
			name: "flags beat env and override the current context",
			file: goodFile,
			env:  map[string]string{"ECSTUI_REFRESH_INTERVAL": "30s", "ECSTUI_CONTEXT": "staging"},
			args: []string{"--refresh", "2s", "--api-budget", "25%", "--context", "prod", "--region", "ap-south-1", "--endpoint-url", "http://127.0.0.1:4566", "--read-only"},
			check: func(t *testing.T, c *Config) {
				cur, i := c.Current()
				if c.RefreshInterval != 2*time.Second || c.APIBudget != 0.25 || i != 1 || cur.Region != "ap-south-1" || cur.EndpointURL != "http://127.0.0.1:4566" || !c.ReadOnly {
					t.Errorf("flags not applied: %+v", c)
				}
				if c.Contexts[0].Region != "eu-west-1" {
					t.Errorf("flag leaked into a context that is not current: %+v", c.Contexts[0])
				}
			},
			wantSource: map[string]Source{"refreshInterval": SourceFlag, "apiBudget": SourceFlag, "currentContext": SourceFlag, "readOnly": SourceFlag,
				"contexts[1].region": SourceFlag, "contexts[1].endpointURL": SourceFlag, "contexts[1].profile": SourceFile, "contexts[0].region": SourceFile},
		},
		{
			name: "an empty variable counts as unset",
			file: goodFile,
			env:  map[string]string{"ECSTUI_REFRESH_INTERVAL": "", "ECSTUI_CONTEXT": ""},
			check: func(t *testing.T, c *Config) {
				if c.RefreshInterval != 10*time.Second || c.CurrentContext != "staging" {
					t.Errorf("file values lost: %+v", c)
				}
			},
			wantSource: map[string]Source{"refreshInterval": SourceFile, "currentContext": SourceFile},
		},
		{
			name:       "empty file is fine",
			file:       "",
			check:      func(t *testing.T, c *Config) {},
			wantSource: map[string]Source{"refreshInterval": SourceDefault},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := isolate(t)
			if tt.file != "" || tt.name == "empty file is fine" {
				writeConfig(t, dir, tt.file)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Load(Options{Flags: globalFlags(tt.args...), KeyActions: []string{"refresh"}, ColorTokens: []string{"ok"}})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
			for k, want := range tt.wantSource {
				if got := entry(t, c, k); got.Source != want {
					t.Errorf("%s: source %s (%s), want %s", k, got.Source, got.Origin, want)
				}
			}
		})
	}
}

func TestExplicitPath(t *testing.T) {
	dir := isolate(t)
	if _, err := Load(Options{Path: filepath.Join(dir, "missing.yaml")}); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("a missing --config file must be an error naming it, got %v", err)
	}
	p := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(p, []byte("refreshInterval: 7s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ECSTUI_CONFIG", p)
	c, err := Load(Options{})
	if err != nil || c.File != p || c.RefreshInterval != 7*time.Second {
		t.Fatalf("ECSTUI_CONFIG not honoured: %+v %v", c, err)
	}
	if e := entry(t, c, "refreshInterval"); e.Origin != p+":1" {
		t.Errorf("origin %q, want %s:1", e.Origin, p)
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/ecstui/config.yaml"},
		{map[string]string{"HOME": "/h"}, "/h/.config/ecstui/config.yaml"},
	}
	for _, tt := range tests {
		if got := DefaultPath(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("DefaultPath(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestContextRegions(t *testing.T) {
	dir := isolate(t)
	writeConfig(t, dir, "contexts:\n  - name: a\n    regions: all\n  - name: b\n    region: eu-west-1\n    regions: [eu-west-1, us-east-2]\nstartScreen: clusters\n")
	c, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Contexts[0].Regions; len(got) != 1 || got[0] != RegionsAll {
		t.Errorf("regions: all read as %v", got)
	}
	if got := c.Contexts[1].Regions; len(got) != 2 || got[1] != "us-east-2" {
		t.Errorf("regions list read as %v", got)
	}
	if c.StartScreen != "clusters" {
		t.Errorf("start screen %q", c.StartScreen)
	}
}

// TestRegionFlagIsARegionName: --region is checked like the file's region
// (the SDK otherwise says "invalid input region" with the escape sequence
// cleaned away, showing a name that looks valid); empty leaves it unset.
func TestRegionFlagIsARegionName(t *testing.T) {
	for _, tt := range []struct {
		region string
		ok     bool
	}{{"eu-west-1", true}, {"us-gov-west-1", true}, {"eusc-de-east-1", true}, {"", true},
		{"x/../y", false}, {"us-east-1\x1b[2J", false}, {"Frankfurt", false}, {"us-east-1 ", false}} {
		dir := isolate(t)
		writeConfig(t, dir, goodFile)
		_, err := Load(Options{Flags: globalFlags("--region", tt.region)})
		if (err == nil) != tt.ok {
			t.Errorf("--region %q: error %v, want ok %v", tt.region, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "--region") {
			t.Errorf("--region %q: error %q does not name the flag", tt.region, err)
		}
	}
}
