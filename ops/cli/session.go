package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/textsafe"
)

// exec and port-forward: sessions into a container. Both run the readiness
// check first and refuse (exit 3) while a line is missing; read-only
// contexts refuse unless they allow exec; production contexts confirm. exec
// exits with the session's code; port-forward runs until ctrl+c.

// sessionFlags are what both commands share.
type sessionFlags struct {
	cluster, task, container string
	yes                      bool
	confirm                  string
}

func (f *sessionFlags) bind(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.cluster, "cluster", "", "cluster (default: the context's cluster)")
	fl.StringVar(&f.task, "task", "", "task id or ARN")
	fl.StringVar(&f.container, "container", "", "container name (default: the task's first essential container)")
	fl.BoolVarP(&f.yes, "yes", "y", false, "do not ask for confirmation (production contexts also need --confirm CONTAINER)")
	fl.StringVar(&f.confirm, "confirm", "", "the container name, to confirm non-interactively in a production context")
}

func execCmd(env *Env) *cobra.Command {
	var f sessionFlags
	var check bool
	cmd := &cobra.Command{
		Use:   "exec --cluster C --task T [--container N] [--check] [-- command args…]",
		Short: "Open a shell (or run a command) in a container with ECS Exec",
		Long: `Open an interactive ECS Exec session in a container through the
session-manager-plugin, after checking everything exec needs (the readiness
check: the plugin, exec enabled on the service and the task, the
ExecuteCommandAgent, the task role, the agent version, the platform, the
cluster's exec configuration). A missing item is printed with its fix and
nothing is opened. The command defaults to the context's execCommand
(/bin/sh). ecstui exits with the session-manager-plugin's exit code.`,
		Example: "  ecstui exec --cluster prod --task 0f3c2b1e\n" +
			"  ecstui exec --cluster prod --task 0f3c2b1e --container api -- /bin/bash -l\n" +
			"  ecstui exec --cluster prod --task 0f3c2b1e --check",
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := env.sessionStart(cmd, &f)
			if err != nil {
				return err
			}
			facts, err := ops.GatherExec(cmd.Context(), s.Sessions, ops.PluginFinder{}, f.cluster, f.task, f.container)
			if err != nil {
				return err
			}
			command := s.ExecCommand
			if len(args) > 0 {
				command = joinCommand(args)
			}
			if command == "" {
				command = "/bin/sh"
			}
			p := ops.PlanExec(facts, command)
			if check {
				return env.printCheck(s, p.Readiness)
			}
			r := env.sessionRunner(s)
			if err := env.sessionPreamble(s, &f, r, p); err != nil {
				return err
			}
			opened, res := r.OpenExec(cmd.Context(), s.Sessions, p)
			if res.Outcome != ops.OutcomeSuccess {
				return env.sessionFailed(p, res)
			}
			// The plugin owns the terminal; ctrl+c belongs to the remote
			// shell, so the session is not tied to ecstui's own interrupt.
			pc := opened.Plugin.Command(context.WithoutCancel(cmd.Context()), opened.Session)
			env.attachTerminal(pc)
			runErr := pc.Run()
			end := r.EndSession(p, opened.ID, runErr)
			if code := ops.ExitCode(runErr); code != 0 {
				return &ExitError{Code: code, Outcome: end.Outcome, Msg: end.Message}
			}
			return nil
		},
	}
	f.bind(cmd)
	cmd.Flags().BoolVar(&check, "check", false, "only run the readiness check (exit 0 when ready, 1 otherwise)")
	return cmd
}

func portForwardCmd(env *Env) *cobra.Command {
	var f sessionFlags
	var in ops.ForwardInput
	cmd := &cobra.Command{
		Use:   "port-forward --cluster C --task T [--container N] --remote-port P [--local-port L] [--host H]",
		Short: "Forward a local port to a container (or, through it, to a host it reaches) with SSM",
		Long: `Forward 127.0.0.1:LOCAL to a port of a container, or with --host to a host
the container can reach (a database behind the cluster), through an SSM
session (documents AWS-StartPortForwardingSession and
AWS-StartPortForwardingSessionToRemoteHost) and the session-manager-plugin.
The readiness check of exec applies. Without --local-port a free port is
chosen; the local port is printed. ctrl+c ends the forward.`,
		Example: "  ecstui port-forward --cluster prod --task 0f3c2b1e --remote-port 8080 --local-port 18080\n" +
			"  ecstui port-forward --cluster prod --task 0f3c2b1e --host db.internal --remote-port 5432 --local-port 15432",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("remote-port") {
				return fmt.Errorf("--remote-port is required")
			}
			s, err := env.sessionStart(cmd, &f)
			if err != nil {
				return err
			}
			facts, err := ops.GatherExec(cmd.Context(), s.Sessions, ops.PluginFinder{}, f.cluster, f.task, f.container)
			if err != nil {
				return err
			}
			p := ops.PlanForward(facts, in)
			r := env.sessionRunner(s)
			if err := env.sessionPreamble(s, &f, r, p); err != nil {
				return err
			}
			opened, res := r.OpenForward(cmd.Context(), s.Sessions, p)
			if res.Outcome != ops.OutcomeSuccess {
				return env.sessionFailed(p, res)
			}
			fmt.Fprintf(env.errw(), "Forwarding 127.0.0.1:%d → %s. ctrl+c ends it.\n", opened.LocalPort, forwardTo(p))
			pc := opened.Plugin.Command(cmd.Context(), opened.Session)
			env.attachTerminal(pc)
			runErr := pc.Run()
			if cmd.Context().Err() != nil {
				runErr = nil // ended by ctrl+c, as asked
			}
			end := r.EndSession(p, opened.ID, runErr)
			if code := ops.ExitCode(runErr); code != 0 {
				return &ExitError{Code: code, Outcome: end.Outcome, Msg: end.Message}
			}
			return nil
		},
	}
	f.bind(cmd)
	fl := cmd.Flags()
	limitVar(fl, &in.RemotePort, ops.RemotePort, 0, "port in the container (or on --host)")
	limitVar(fl, &in.LocalPort, ops.LocalPort, 0, "local port on 127.0.0.1 (default: a free port)")
	fl.StringVar(&in.Host, "host", "", "forward to this host through the container (a database, an internal service)")
	return cmd
}

// attachTerminal gives the plugin the terminal itself, not ecstui's cleaned
// output streams: it puts the terminal in raw mode and relays an interactive
// shell, whose escape sequences are the shell's own drawing, as ssh does.
func (e *Env) attachTerminal(c *exec.Cmd) {
	t := e.PluginTerminal
	if t == nil {
		c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
		return
	}
	c.Stdin, c.Stdout, c.Stderr = t.In, t.Out, t.Err
}

// Terminal is what the session-manager-plugin is attached to.
type Terminal struct {
	In       io.Reader
	Out, Err io.Writer
}

func forwardTo(p ops.ExecPlan) string {
	if p.Forward.Host != "" {
		return fmt.Sprintf("%s:%d through %s", p.Forward.Host, p.Forward.RemotePort, p.Facts.Container)
	}
	return fmt.Sprintf("port %d of %s", p.Forward.RemotePort, p.Facts.Container)
}

func (e *Env) sessionStart(cmd *cobra.Command, f *sessionFlags) (*Session, error) {
	s, err := e.start(cmd, &f.cluster, "task")
	if err != nil {
		return nil, err
	}
	if s.Sessions == nil {
		return nil, fmt.Errorf("this backend cannot open exec or port forwarding sessions")
	}
	return s, nil
}

func (e *Env) sessionRunner(s *Session) *ops.Runner {
	j := s.Journal
	if j == nil {
		j = ops.DefaultJournal()
	}
	return &ops.Runner{Now: s.Now, Journal: j, Context: s.Context}
}

// sessionPreamble refuses what must not open (not ready, read-only) and
// confirms in production, journaling a refusal.
func (e *Env) sessionPreamble(s *Session, f *sessionFlags, r *ops.Runner, p ops.ExecPlan) error {
	refuse := func(msg string) error {
		res := ops.Result{Action: p.Action, Outcome: ops.OutcomeRefused, Message: msg, NotDone: p.Changes}
		r.Record(p.Plan, res)
		fmt.Fprintf(e.errw(), "%s refused: %s\n", p.Action, textsafe.CleanLine(msg))
		return &ExitError{Code: exitCode(ops.OutcomeRefused), Outcome: ops.OutcomeRefused, Msg: p.Action + " refused: " + msg}
	}
	// Read-only first: it refuses whatever the task's readiness, and a
	// person fixing the missing items would only then learn of it.
	if s.ReadOnly && !s.AllowExecInReadOnly {
		return refuse("read-only mode: exec and port forwarding open a session into the container (set allowExecInReadOnly: true on the context to allow them)")
	}
	if !p.Readiness.Ready() {
		fmt.Fprint(e.errw(), textsafe.Clean(p.Readiness.Text()))
		return refuse(fmt.Sprintf("not ready: %d item(s) missing", len(p.Readiness.Missing())))
	}
	if p.Blocked() {
		return refuse(strings.Join(p.Blockers, "; "))
	}
	if s.Production {
		c := &common{yes: f.yes, confirm: f.confirm}
		fmt.Fprintf(e.errw(), "Plan: %s\n", textsafe.CleanLine(p.Summary))
		if err := e.confirmPlan(s, c, p.Plan); err != nil {
			return refuse(err.Error())
		}
	}
	return nil
}

func (e *Env) sessionFailed(p ops.ExecPlan, res ops.Result) error {
	fmt.Fprintf(e.errw(), "%s %s: %s\n", p.Action, res.Outcome, textsafe.CleanLine(res.Message))
	return &ExitError{Code: exitCode(res.Outcome), Outcome: res.Outcome, Msg: p.Action + " " + string(res.Outcome) + ": " + res.Message}
}

// printCheck prints the readiness check; not ready exits 1.
func (e *Env) printCheck(s *Session, r ops.Readiness) error {
	if s.JSON {
		if err := textsafe.WriteJSON(e.out(), struct {
			ops.Readiness
			Ready bool `json:"ready"`
		}{r, r.Ready()}, true); err != nil {
			return err
		}
	} else {
		fmt.Fprint(e.out(), textsafe.Clean(r.Text()))
	}
	if r.Ready() {
		return nil
	}
	return &ExitError{Code: 1, Outcome: ops.OutcomeFailed, Msg: "not ready"}
}

// joinCommand joins arguments into the one command string ECS Exec takes,
// quoting those that need it.
func joinCommand(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = quoteArg(a)
	}
	return strings.Join(q, " ")
}

func quoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`;&|<>()*?[]{}~#!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
