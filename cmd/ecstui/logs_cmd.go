package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecstui/ecstui/logs"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/textsafe"
)

// addLogsCommands adds `ecstui logs` (owned by LOGS).
func addLogsCommands(root *cobra.Command, app *App) { root.AddCommand(newLogsCmd(app)) }

// logsFlags are the command's flags.
type logsFlags struct {
	cluster, service, task, container string
	since, filter                     string
	follow, poll                      bool
}

func newLogsCmd(app *App) *cobra.Command {
	var f logsFlags
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "Print the CloudWatch logs of a service, task or container, merged by time",
		Long: `Print the CloudWatch Logs lines of every container of a service's running tasks
(or of one task, or one container), merged by timestamp and labelled
task/container — the same engine as the log viewer. Streams come from each task
definition's awslogs options; containers with another log driver are listed on
stderr. With --follow it keeps printing new lines, by live tail when the
endpoint allows it, else by polling (the mode is reported on stderr).

Terminal escape sequences in log messages are neutralised.`,
		Example: `  ecstui logs --cluster prod --service billing-api --since 1h
  ecstui logs --cluster prod --service billing-api --container api --follow --filter ERROR
  ecstui logs --cluster prod --task 0f3c2b1e --output json | jq .message
  ecstui --demo logs --cluster prod --service billing-api -f`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLogs(cmd.Context(), app, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.cluster, "cluster", "", "cluster (default: the context's cluster)")
	fl.StringVar(&f.service, "service", "", "service: all its running tasks")
	fl.StringVar(&f.task, "task", "", "one task (id or ARN) instead of a service")
	fl.StringVar(&f.container, "container", "", "only this container")
	fl.StringVar(&f.since, "since", "10m", "how far back to start: 30s, 10m, 2h, 1d; 0 for new lines only")
	fl.StringVar(&f.filter, "filter", "", "CloudWatch Logs filter pattern, applied server-side")
	fl.BoolVarP(&f.follow, "follow", "f", false, "keep printing new lines until interrupted")
	fl.BoolVar(&f.poll, "poll", false, "poll with FilterLogEvents instead of trying live tail")
	return cmd
}

// maxSinceDays bounds --since: a century back is before any CloudWatch log.
const maxSinceDays = 36500

// parseSince reads a Go duration, with d for days.
//
// Every unit has the same range: beyond maxSinceDays the start time would
// precede any log (and a count of days would overflow the duration).
func parseSince(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" || t == "0" {
		return 0, nil
	}
	var d time.Duration
	if n, ok := strings.CutSuffix(t, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("--since %q: want e.g. 30s, 10m, 2h or 1d", s)
		}
		if days > maxSinceDays {
			return 0, fmt.Errorf("--since %q is out of range: at most %dd", s, maxSinceDays)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(t); err != nil || d < 0 {
			return 0, fmt.Errorf("--since %q: want e.g. 30s, 10m, 2h or 1d", s)
		}
	}
	if d > maxSinceDays*24*time.Hour {
		return 0, fmt.Errorf("--since %q is out of range: at most %dd", s, maxSinceDays)
	}
	return d, nil
}

func runLogs(ctx context.Context, app *App, f logsFlags) error {
	since, err := parseSince(f.since)
	if err != nil {
		return err
	}
	if f.cluster == "" {
		if c, err := app.CurrentContext(); err == nil {
			f.cluster = c.Cluster
		}
	}
	target := logs.Target{Cluster: f.cluster, Service: f.service, Task: f.task, Container: f.container}
	if target.Cluster == "" {
		return errors.New("logs: --cluster is required (or a context with a default cluster)")
	}
	if target.Service == "" && target.Task == "" {
		return errors.New("logs: name a --service or a --task")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	client, err := app.Client(ctx)
	if err != nil {
		return err
	}
	eng := logs.Start(ctx, client, target, logs.Options{Since: since, Filter: f.filter, NoFollow: !f.follow, PollOnly: f.poll})
	defer eng.Close()
	p := &linePrinter{out: app.Out, errw: app.Err, json: app.JSON(), pollEvery: eng.Options().PollInterval}
	return p.run(ctx, eng, f.follow)
}

// linePrinter writes engine lines to stdout and status changes to stderr.
type linePrinter struct {
	out, errw io.Writer
	json      bool
	pollEvery time.Duration
	lastMode  string
	told      bool // unavailable containers reported
}

// run prints until the engine is done (history only) or ctx ends (follow).
// History is collected and printed merged; followed lines are printed as
// they arrive, each batch in time order.
func (p *linePrinter) run(ctx context.Context, eng *logs.Engine, follow bool) error {
	history := logs.NewBuffer(1 << 30)
	inHistory := true
	for {
		done := false
		select {
		case <-eng.Ready():
		case <-eng.Done():
			done = true
		case <-ctx.Done():
			return nil
		}
		lines, st := eng.Take()
		p.status(st)
		if inHistory && (st.Mode == logs.ModeLive || st.Mode == logs.ModePolling || done) {
			// History is complete once following starts (or the engine stops).
			history.Add(lines)
			lines = nil
			if err := p.printBuffer(history); err != nil {
				return err
			}
			history, inHistory = nil, false
		}
		if inHistory {
			history.Add(lines)
		} else if len(lines) > 0 {
			b := logs.NewBuffer(len(lines) + 1)
			b.Add(lines)
			if err := p.printBuffer(b); err != nil {
				return err
			}
		}
		if done {
			if st.Mode == logs.ModeFailed {
				return errors.New("logs: " + st.Why)
			}
			return nil
		}
	}
}

// status reports mode changes and containers without logs on stderr.
func (p *linePrinter) status(st logs.Status) {
	if !p.told && len(st.Unavailable) > 0 {
		p.told = true
		for _, u := range st.Unavailable {
			fmt.Fprintf(p.errw, "ecstui: no logs for %s\n", u)
		}
	}
	if st.Mode != logs.ModeLive && st.Mode != logs.ModePolling {
		return
	}
	if m := st.Text(p.pollEvery); st.Mode.String()+st.Why != p.lastMode {
		p.lastMode = st.Mode.String() + st.Why
		fmt.Fprintf(p.errw, "ecstui: %s\n", m)
	}
}

func (p *linePrinter) printBuffer(b *logs.Buffer) error {
	for i := range b.Len() {
		if err := p.print(b.At(i)); err != nil {
			return err
		}
	}
	return nil
}

// logJSON is one line of --output json.
type logJSON struct {
	Type      string `json:"type"` // event or dropped
	Time      string `json:"time"`
	Task      string `json:"task,omitempty"`
	Container string `json:"container,omitempty"`
	Group     string `json:"group,omitempty"`
	Stream    string `json:"stream,omitempty"`
	ID        string `json:"id,omitempty"`
	Message   string `json:"message"`
	Dropped   int    `json:"dropped,omitempty"`
	From      string `json:"from,omitempty"`
	To        string `json:"to,omitempty"`
}

// print writes one line. Table lines show the engine's sanitised message.
func (p *linePrinter) print(l logs.Line) error {
	if p.json {
		// JSON carries the exact message (escaped by WriteJSON), not the
		// cleaned text the terminal shows.
		msg := l.Message
		if l.Raw != "" {
			msg = l.Raw
		}
		v := logJSON{Type: "event", Time: l.Time.UTC().Format(time.RFC3339Nano), Group: l.Group, Stream: l.Stream, ID: l.ID, Message: msg}
		if l.Kind == logs.KindDropped {
			v = logJSON{Type: "dropped", Time: v.Time, Message: l.MarkerText(), Dropped: l.Count,
				From: l.From.UTC().Format(time.RFC3339Nano), To: l.To.UTC().Format(time.RFC3339Nano)}
		} else {
			v.Task = model.ResourceID(l.Stream)
			if i := strings.LastIndexByte(l.Label, '/'); i >= 0 {
				v.Container = l.Label[i+1:]
			}
		}
		return textsafe.WriteJSON(p.out, v, false)
	}
	if l.Kind == logs.KindDropped {
		_, err := fmt.Fprintln(p.out, l.MarkerText())
		return err
	}
	msg := strings.ReplaceAll(l.Message, "\n", "\n    ")
	_, err := fmt.Fprintf(p.out, "%s %s %s\n", l.Time.UTC().Format("2006-01-02T15:04:05.000Z"), l.Label, msg)
	return err
}
