// Package ops is ecstui's action engine, shared by the TUI dialogs
// (ui/actions) and the CLI subcommands. Every action is a Plan, computed by a
// pure function from model values so it can be printed, confirmed and tested,
// and an executor that drives the adapter through small interfaces, reports
// progress as events, honours ctx cancellation, and records itself in the
// journal. Waiting goes through an injectable Wait so tests advance the
// simulator's clock instead of sleeping.
package ops

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/textsafe"
)

// Action names, as the journal and the CLI spell them.
const (
	ActionDeploy       = "deploy"
	ActionRollback     = "rollback"
	ActionScale        = "scale"
	ActionRedeploy     = "redeploy"
	ActionStopTask     = "stop-task"
	ActionDrain        = "drain"
	ActionRollingDrain = "rolling-drain"
	ActionDaemonStart  = "daemon-start"
)

// Plan is what an action will do, computed before anything changes.
type Plan struct {
	Action  string
	Cluster string
	// Target is the resource a production context makes the user type to
	// confirm (service name, instance id, task id, family).
	Target   string
	Summary  string
	Changes  []string // what will change, one line each
	Diff     []string // task definition diff lines ("web: image a → b")
	Preview  *Preview // placement preview (deploy, scale)
	Warnings []string
	// Blockers make the action refuse. When Overridable, a typed override
	// (the target's name) lets it proceed anyway.
	Blockers    []string
	Overridable bool
	Commands    []string // the equivalent AWS CLI commands
	// Strategies compares the ways to do the action (a rolling drain: drain
	// or instance refresh) and names the one recommended.
	Strategies []string
	// Refresh is the instance refresh a refresh plan starts.
	Refresh *model.RefreshInput `json:"-"`

	// What the executor will send.
	Register *Registration        `json:"-"`
	Update   *model.ServiceUpdate `json:"-"`
	// Scaling changes the service's Application Auto Scaling target first
	// (a scale outside its min/max, with --adjust-autoscaling or
	// --suspend-autoscaling).
	Scaling *ScalingStep `json:"-"`
	// AutoScalingHold keeps a watch going this long after the update when
	// Application Auto Scaling is expected to set the new count back, so the
	// outcome reported is what happened after it acted.
	AutoScalingHold time.Duration `json:"-"`
	// PreviousTaskDefinition is what a rollback returns to.
	PreviousTaskDefinition string `json:",omitempty"`
}

// Registration is the new revision a deploy registers: the adapter copies
// the raw revision Base as ECS holds it and changes only Images, so settings
// ecstui does not model (secrets, dependsOn, docker labels, EFS volumes, …)
// are carried over rather than lost.
type Registration struct {
	Base   string            // ARN of the revision copied
	Images map[string]string // container name → image
	// Expected is the copy in ecstui's model, for the placement preview.
	Expected model.TaskDefinition
}

// Blocked reports whether the plan refuses to run without an override.
func (p Plan) Blocked() bool { return len(p.Blockers) > 0 }

// Text renders the plan for a terminal or a log: plain text, one fact per line.
func (p Plan) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan: %s\n", p.Summary)
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		for _, l := range lines {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	section("Changes", p.Changes)
	section("Task definition diff", p.Diff)
	if p.Preview != nil {
		section("Placement preview ("+p.Preview.Verdict+")", p.Preview.Lines)
		section("Suggestions", p.Preview.Suggestions)
	}
	section("Strategies", p.Strategies)
	section("Warnings", p.Warnings)
	blockTitle := "Refused"
	if p.Overridable {
		blockTitle = "Refused unless overridden (--force-unsafe " + p.Target + ")"
	}
	section(blockTitle, p.Blockers)
	section("Equivalent AWS CLI", p.Commands)
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it needs quoting. A string
// holding anything a terminal would interpret (or invalid UTF-8) is written
// in ANSI-C quoting ($'…' with \xHH and \uHHHH escapes, as bash, zsh and
// ksh read it): the command shown is then both safe to display and exactly
// the name AWS holds, never a cleaned lookalike.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	if needsANSIC(s) {
		return ansiCQuote(s)
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func needsANSIC(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || textsafe.Clean(string(r)) != string(r) {
			return true
		}
	}
	return false
}

func ansiCQuote(s string) string {
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", r)
		case r >= 0x80 && r <= 0x9f, textsafe.Clean(string(r)) != string(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	b.WriteByte('\'')
	return b.String()
}

// awsCmd builds one AWS CLI command line, quoting every argument.
func awsCmd(args ...string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if strings.HasPrefix(a, "--") {
			q[i] = a
		} else {
			q[i] = shellQuote(a)
		}
	}
	return "aws " + strings.Join(q, " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
