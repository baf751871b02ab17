// Package cli holds the action subcommands (deploy, scale, redeploy,
// stop-task, drain, daemon start, journal) as cobra commands over package ops.
// cmd/ecstui only wires them to its App; the commands share one flow: print
// the plan, stop on --dry-run, refuse early in read-only mode or on blockers,
// confirm (y/N on a terminal, the resource name in production), execute with
// a progress line under --wait, journal, and exit non-zero unless the outcome
// is success.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/textsafe"
)

// Session is what the commands need from the application once flags are
// parsed: the adapter (already read-only-guarded when ReadOnly), the context
// and how to print.
type Session struct {
	API        ops.API
	Context    string
	Cluster    string // the context's default cluster, used when --cluster is not given
	ReadOnly   bool
	Production bool
	JSON       bool // --output json
	Journal    *ops.Journal
	// Sessions opens exec and port forwarding sessions (nil: not offered);
	// AllowExecInReadOnly lets a read-only context open them; ExecCommand
	// is what exec runs by default.
	Sessions            ops.SessionAPI
	AllowExecInReadOnly bool
	ExecCommand         string
	// Now and Wait default to the wall clock; tests pass the simulator's.
	Now  func() time.Time
	Wait func(ctx context.Context, d time.Duration) error
	Poll time.Duration
}

// Env builds the Session when a command runs (after flag parsing) and names
// the streams. In, when nil, is os.Stdin; IsTTY, when nil, checks In.
type Env struct {
	Session func(ctx context.Context) (*Session, error)
	In      io.Reader
	Out     io.Writer
	Err     io.Writer
	IsTTY   func() bool
	// PluginTerminal is what exec and port-forward attach the
	// session-manager-plugin to (nil: this process's own stdin, stdout and
	// stderr, the terminal).
	PluginTerminal *Terminal
	// JSON and Journal serve the commands that need no AWS session (journal).
	JSON    func() bool
	Journal *ops.Journal
}

// ExitError carries a non-zero exit code; its message has been printed.
type ExitError struct {
	Code    int
	Outcome ops.Outcome
	Msg     string
}

func (e *ExitError) Error() string { return e.Msg }

// Commands returns every action command, ready to add to the root.
func Commands(env *Env) []*cobra.Command {
	daemon := &cobra.Command{Use: "daemon", Short: "Per-node daemon tasks"}
	daemon.AddCommand(daemonStartCmd(env))
	return []*cobra.Command{deployCmd(env), rollbackCmd(env), scaleCmd(env), autoscalingCmd(env), redeployCmd(env), stopTaskCmd(env), drainCmd(env), daemon, journalCmd(env),
		execCmd(env), portForwardCmd(env)}
}

// common are the flags every action has.
type common struct {
	dryRun  bool
	yes     bool
	wait    bool
	confirm string
	force   string
	timeout time.Duration
	poll    time.Duration
}

func (c *common) bind(cmd *cobra.Command, wait bool) {
	f := cmd.Flags()
	f.BoolVar(&c.dryRun, "dry-run", false, "print the plan and exit without changing anything")
	f.BoolVarP(&c.yes, "yes", "y", false, "do not ask for confirmation (production contexts also need --confirm NAME)")
	if wait {
		f.BoolVar(&c.wait, "wait", false, "watch until the action has finished, printing progress")
	}
	f.StringVar(&c.confirm, "confirm", "", "the resource name, to confirm non-interactively in a production context")
	f.StringVar(&c.force, "force-unsafe", "", "proceed despite an overridable refusal: give the resource name")
	c.timeout = 30 * time.Minute
	f.Var(positiveDuration{name: "timeout", v: &c.timeout, min: time.Second, max: 7 * 24 * time.Hour}, "timeout", "give up watching after this long (1s to 168h)")
	f.Var(positiveDuration{name: "poll", v: &c.poll, min: 100 * time.Millisecond, max: 10 * time.Minute}, "poll", "interval between observations while watching or draining (100ms to 10m; default 5s)")
}

// out and errw are the command's streams. Whatever they are given, the
// commands write through a textsafe.Writer: no byte of a name, an image, an
// event or a reason printed here can drive the terminal.
func (e *Env) out() io.Writer {
	if e.Out != nil {
		return safeWriter(e.Out)
	}
	return safeWriter(os.Stdout)
}

func (e *Env) errw() io.Writer {
	if e.Err != nil {
		return safeWriter(e.Err)
	}
	return safeWriter(os.Stderr)
}

// safeWriter wraps w in a textsafe.Writer unless it is one already.
func safeWriter(w io.Writer) io.Writer {
	if _, ok := w.(*textsafe.Writer); ok {
		return w
	}
	return textsafe.NewWriter(w)
}

func (e *Env) in() io.Reader {
	if e.In != nil {
		return e.In
	}
	return os.Stdin
}

func (e *Env) tty() bool {
	if e.IsTTY != nil {
		return e.IsTTY()
	}
	f, ok := e.in().(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func (e *Env) runner(s *Session, c *common) *ops.Runner {
	j := s.Journal
	if j == nil {
		j = ops.DefaultJournal()
	}
	poll := s.Poll
	if c.poll > 0 {
		poll = c.poll
	}
	return &ops.Runner{Wait: s.Wait, Now: s.Now, Poll: poll, Timeout: c.timeout, Journal: j, Context: s.Context}
}

// execute is the flow every action shares once its plan is computed.
func (e *Env) execute(cmd *cobra.Command, s *Session, c *common, p ops.Plan, run func(ctx context.Context, r *ops.Runner) ops.Result) error {
	r := e.runner(s, c)
	if !s.JSON {
		fmt.Fprint(e.out(), textsafe.Clean(p.Text()))
	}
	finish := func(res ops.Result) error {
		if s.JSON {
			if err := textsafe.WriteJSON(e.out(), struct {
				Plan   ops.Plan   `json:"plan"`
				Result ops.Result `json:"result"`
			}{p, res}, true); err != nil {
				return err
			}
		} else {
			printResult(e.out(), res)
		}
		if res.OK() {
			return nil
		}
		return &ExitError{Code: exitCode(res.Outcome), Outcome: res.Outcome, Msg: fmt.Sprintf("%s %s: %s", p.Action, res.Outcome, res.Message)}
	}
	overridden := p.Overridable && c.force != "" && c.force == p.Target
	if c.dryRun {
		res := ops.Result{Action: p.Action, Outcome: ops.OutcomeDryRun, Message: "nothing was changed"}
		if p.Blocked() && !overridden {
			// A dry run answers "would this run?": a plan the real run
			// refuses exits as refused here too.
			res.Outcome = ops.OutcomeRefused
			res.Message = "dry run, nothing was changed; the plan would be refused: " + strings.Join(p.Blockers, "; ")
			res.NotDone = p.Changes
		}
		r.Record(p, res)
		return finish(res)
	}
	if s.ReadOnly {
		res := ops.Result{Action: p.Action, Outcome: ops.OutcomeRefused, Message: "read-only mode: this context cannot change anything (start without --read-only or use a context that allows changes)", NotDone: p.Changes}
		r.Record(p, res)
		return finish(res)
	}
	if p.Blocked() {
		if !overridden {
			res := ops.Result{Action: p.Action, Outcome: ops.OutcomeRefused, Message: "refused: " + strings.Join(p.Blockers, "; "), NotDone: p.Changes}
			if p.Overridable {
				res.Message += " (to proceed anyway: --force-unsafe " + p.Target + ")"
			}
			r.Record(p, res)
			return finish(res)
		}
		r.Override = true
	}
	if err := e.confirmPlan(s, c, p); err != nil {
		res := ops.Result{Action: p.Action, Outcome: ops.OutcomeRefused, Message: err.Error(), NotDone: p.Changes}
		r.Record(p, res)
		return finish(res)
	}
	if !s.JSON {
		r.Emit = progressPrinter(e.errw(), c.wait)
	}
	return finish(run(cmd.Context(), r))
}

func exitCode(o ops.Outcome) int {
	switch o {
	case ops.OutcomeRefused:
		return 3
	case ops.OutcomeAborted:
		return 4
	case ops.OutcomePartial:
		return 5
	case ops.OutcomeUnknown:
		return 6
	}
	return 1
}

// confirmPlan asks on a terminal (y/N, or the name in production) unless
// --yes; production without a terminal needs --confirm NAME as well.
func (e *Env) confirmPlan(s *Session, c *common, p ops.Plan) error {
	if c.yes {
		if s.Production && c.confirm != p.Target {
			return fmt.Errorf("production context %q: add --confirm %s to apply without a prompt", s.Context, p.Target)
		}
		return nil
	}
	if !e.tty() {
		return errors.New("not a terminal and no --yes: nothing was changed")
	}
	rd := bufio.NewReader(e.in())
	if s.Production {
		fmt.Fprintf(e.errw(), "\nProduction context %q. Type %s to apply: ", s.Context, p.Target)
		line, _ := rd.ReadString('\n')
		if strings.TrimSpace(line) != p.Target {
			return errors.New("the typed name did not match: nothing was changed")
		}
		return nil
	}
	fmt.Fprint(e.errw(), "\nApply this plan? [y/N] ")
	line, _ := rd.ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return errors.New("not confirmed: nothing was changed")
	}
	return nil
}

// progressPrinter prints steps always and watch observations under --wait,
// each a line (a log-friendly progress line rather than redrawing).
func progressPrinter(w io.Writer, wait bool) func(ops.Event) {
	var last string
	return func(ev ops.Event) {
		if ev.Step == "watch" && !wait {
			return
		}
		msg := ev.Message
		if ev.Rollout != nil {
			for _, se := range ev.Rollout.NewEvents {
				fmt.Fprintf(w, "  event %s %s\n", se.CreatedAt.UTC().Format("15:04:05"), textsafe.CleanLine(se.Message))
			}
		}
		if ev.Refresh != nil {
			msg = refreshLine(ev)
		}
		if ev.Instances != nil {
			var parts []string
			for _, ip := range ev.Instances {
				parts = append(parts, fmt.Sprintf("%s=%s(%d)", ip.EC2InstanceID, ip.State, ip.TasksLeft))
			}
			for _, sc := range ev.Services {
				parts = append(parts, fmt.Sprintf("%s %d/%d", sc.Name, sc.Running, sc.Desired))
			}
			msg = strings.Join(parts, " ")
		}
		if msg == last || msg == "" {
			return
		}
		last = msg
		fmt.Fprintf(w, "%s %s\n", ev.Time.UTC().Format("15:04:05"), textsafe.CleanLine(msg))
	}
}

func printResult(w io.Writer, res ops.Result) {
	fmt.Fprintf(w, "\n%s: %s\n", strings.ToUpper(string(res.Outcome)), textsafe.CleanLine(res.Message))
	for _, n := range res.Nodes {
		detail := n.Reason
		if n.TaskID != "" {
			detail = "task " + n.TaskID
		}
		fmt.Fprintf(w, "  %-20s %-16s %s\n", n.EC2InstanceID, n.State, textsafe.CleanLine(detail))
	}
	for _, d := range res.Done {
		fmt.Fprintf(w, "  done:     %s\n", textsafe.CleanLine(d))
	}
	for _, d := range res.NotDone {
		fmt.Fprintf(w, "  not done: %s\n", textsafe.CleanLine(d))
	}
}

func (e *Env) session(cmd *cobra.Command) (*Session, error) {
	if e.Session == nil {
		return nil, errors.New("no session configured")
	}
	return e.Session(cmd.Context())
}

// exclusive refuses flag a together with any of others: a combination the
// command would otherwise settle by ignoring one of them.
func exclusive(cmd *cobra.Command, a string, others ...string) {
	for _, b := range others {
		cmd.MarkFlagsMutuallyExclusive(a, b)
	}
}

func required(cmd *cobra.Command, names ...string) error {
	for _, n := range names {
		if v, _ := cmd.Flags().GetString(n); v == "" {
			return fmt.Errorf("--%s is required", n)
		}
	}
	return nil
}
