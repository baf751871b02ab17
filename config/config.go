// Package config loads ecstui's configuration: the YAML file at
// $XDG_CONFIG_HOME/ecstui/config.yaml (or ~/.config/ecstui/config.yaml),
// ECSTUI_* environment variables and command-line flags, in rising order of
// precedence, through viper. The file is validated strictly: an unknown key,
// a bad duration, a negative number or a duplicate context name is an error
// naming the file, the line and the key, so a typo is never silently ignored.
// Every effective value remembers where it came from (see Entries), which is
// what `ecstui config` prints.
package config

import (
	"os"
	"path/filepath"
	"time"
)

// Defaults.
const (
	DefaultRefreshInterval = 5 * time.Second
	DefaultBufferLines     = 50000
	// DefaultAPIBudget is the share of each ECS throttle bucket's sustained
	// rate the console spends at steady state; MinAPIBudgetPercent the
	// least that can be asked (below it a large view would never refresh).
	DefaultAPIBudget    = 0.10
	DefaultStartScreen  = "pulse"
	MinAPIBudgetPercent = 1.0
	MinRefreshInterval  = time.Second
	MaxBufferLines      = 10_000_000
)

// Source says where a value came from.
type Source string

const (
	SourceDefault Source = "default"
	SourceFile    Source = "file"
	SourceEnv     Source = "env"
	SourceFlag    Source = "flag"
)

// Context is a named AWS target: profile + region (+ default cluster).
type Context struct {
	Name        string `json:"name"`
	Profile     string `json:"profile,omitempty"`
	Region      string `json:"region,omitempty"`
	Cluster     string `json:"cluster,omitempty"`
	ReadOnly    bool   `json:"readOnly"`
	Production  bool   `json:"production"`
	EndpointURL string `json:"endpointURL,omitempty"`
	// AllowExecInReadOnly lets a read-only context open exec and port
	// forwarding sessions (nothing else that is not a read).
	AllowExecInReadOnly bool `json:"allowExecInReadOnly"`
	// ExecCommand is what exec runs in a container (default /bin/sh).
	ExecCommand string `json:"execCommand,omitempty"`
	// Regions widens the pulse to these regions of the context's account
	// ([RegionsAll]: every region the account has enabled).
	Regions []string `json:"regions,omitempty"`
}

// RegionsAll in a context's regions means every enabled region.
const RegionsAll = "all"

// DefaultExecCommand is the command exec runs when a context names none.
const DefaultExecCommand = "/bin/sh"

// Logs configures the log viewer.
type Logs struct {
	BufferLines int `json:"bufferLines"`
}

// Config is the effective configuration.
type Config struct {
	Contexts        []Context     `json:"contexts"`
	CurrentContext  string        `json:"currentContext"`
	RefreshInterval time.Duration `json:"refreshInterval"`
	APIBudget       float64       `json:"apiBudget"` // a fraction: 0.1 is 10 %
	// StartScreen is the console's first page: pulse (default) or clusters.
	StartScreen string              `json:"startScreen"`
	ReadOnly    bool                `json:"readOnly"`
	Keys        map[string][]string `json:"keys,omitempty"`
	Colors      map[string]string   `json:"colors,omitempty"`
	Logs        Logs                `json:"logs"`

	// File is the configuration file read, "" when there was none.
	File string `json:"-"`
	// entries records each effective value and its source, in print order.
	entries []Entry
}

// Entry is one effective value and where it came from.
type Entry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source Source `json:"source"`
	// Origin details the source: the file path, the variable or the flag.
	Origin string `json:"origin,omitempty"`
}

// Entries lists every effective value with its source.
func (c *Config) Entries() []Entry { return c.entries }

// Current returns the current context and its index.
func (c *Config) Current() (Context, int) {
	for i, x := range c.Contexts {
		if x.Name == c.CurrentContext {
			return x, i
		}
	}
	if len(c.Contexts) > 0 {
		return c.Contexts[0], 0
	}
	return Context{}, -1
}

// DefaultPath is $XDG_CONFIG_HOME/ecstui/config.yaml, falling back to
// ~/.config/ecstui/config.yaml. getenv is os.Getenv in production.
func DefaultPath(getenv func(string) string) string {
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "ecstui", "config.yaml")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".config", "ecstui", "config.yaml")
}

// ExecCommandOrDefault is the command exec runs in this context.
func (c Context) ExecCommandOrDefault() string {
	if c.ExecCommand == "" {
		return DefaultExecCommand
	}
	return c.ExecCommand
}
