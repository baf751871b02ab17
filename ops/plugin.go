package ops

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// The session-manager-plugin does the talking once ECS or SSM has opened a
// session: ecstui starts it the way the AWS CLI does, with the session, the
// region, the operation, the profile, the StartSession request and the SSM
// endpoint as its six arguments.

// PluginName is the plugin's executable name.
const PluginName = "session-manager-plugin"

// pluginEnvSession is the environment variable a plugin from 1.2.536.0 on
// reads the session from when its first argument names it, which keeps the
// session token out of the process list.
const (
	pluginEnvSession   = "AWS_SSM_START_SESSION_RESPONSE"
	pluginEnvSinceVers = "1.2.536.0"
)

// Plugin is a session-manager-plugin found on this machine.
type Plugin struct {
	Path    string
	Version string
}

// PluginFinder locates the plugin; LookPath and Run default to the real ones
// (tests substitute a fake plugin by putting it first on PATH).
type PluginFinder struct {
	LookPath func(string) (string, error)
}

// Find looks the plugin up on PATH and asks its version (`--version`).
func (pf PluginFinder) Find(ctx context.Context) PluginInfo {
	look := pf.LookPath
	if look == nil {
		look = exec.LookPath
	}
	path, err := look(PluginName)
	if err != nil {
		return PluginInfo{Err: errors.New(PluginName + " not found on PATH")}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return PluginInfo{Path: path, Err: err}
	}
	return PluginInfo{Path: path, Version: strings.TrimSpace(firstLine(string(out)))}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// PluginInfo's plugin, when it was found and runs.
func (p PluginInfo) Plugin() (Plugin, bool) {
	if p.Err != nil || p.Path == "" {
		return Plugin{}, false
	}
	return Plugin{Path: p.Path, Version: p.Version}, true
}

// PluginSession is what the plugin is started with.
type PluginSession struct {
	Session     model.SSMSession
	Region      string
	Profile     string // "" when the default chain is used
	SSMEndpoint string
	// Request is the StartSession request as the AWS CLI would pass it:
	// {"Target": …} for exec, with DocumentName and Parameters for a
	// port forward.
	Request StartSessionRequest
}

// StartSessionRequest is SSM's StartSession request in its JSON spelling.
type StartSessionRequest struct {
	Target       string              `json:"Target"`
	DocumentName string              `json:"DocumentName,omitempty"`
	Parameters   map[string][]string `json:"Parameters,omitempty"`
}

// sessionJSON is StartSession's response shape, which the plugin reads.
type sessionJSON struct {
	SessionID  string `json:"SessionId"`
	StreamURL  string `json:"StreamUrl"`
	TokenValue string `json:"TokenValue"`
}

// Args returns the plugin's arguments (after the program name) and the extra
// environment, exactly as the plugin expects them: the session either as JSON
// in the first argument or, for plugins that can read it from there, in
// AWS_SSM_START_SESSION_RESPONSE with that name as the first argument.
func (p Plugin) Args(s PluginSession) (args []string, env []string) {
	sess, _ := json.Marshal(sessionJSON{s.Session.SessionID, s.Session.StreamURL, s.Session.TokenValue})
	req, _ := json.Marshal(s.Request)
	first := string(sess)
	if p.Version != "" && versionAtLeast(p.Version, pluginEnvSinceVers) {
		first = pluginEnvSession
		env = []string{pluginEnvSession + "=" + string(sess)}
	}
	return []string{first, s.Region, "StartSession", s.Profile, string(req), s.SSMEndpoint}, env
}

// Command builds the plugin's process with the terminal left to the caller
// (the TUI hands it over with tea.ExecProcess; the CLI attaches its own).
func (p Plugin) Command(ctx context.Context, s PluginSession) *exec.Cmd {
	args, env := p.Args(s)
	cmd := exec.CommandContext(ctx, p.Path, args...)
	cmd.Env = append(os.Environ(), env...)
	// On cancel, interrupt first so the plugin can close the session.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// ExitCode is a finished plugin's exit code: 0 for nil, the process's code,
// else 1 (it could not be started or was killed by a signal).
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() >= 0 {
		return ee.ExitCode()
	}
	return 1
}
