package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/config"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ops/cli"
	"github.com/ecstui/ecstui/pulse"
	"github.com/ecstui/ecstui/textsafe"
)

// Exit codes of `ecstui pulse`: what a cron check or a script tests.
const (
	pulseExitWrong      = 2 // a warning or critical finding
	pulseExitUnreadable = 1 // nothing found wrong, but something could not be read
)

func pulseCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pulse",
		Short: "What is broken right now, across every context and cluster",
		Long: `Look once at every cluster of every context in the configuration file (or the
contexts named with --context, comma-separated) and list what is wrong, most
severe first: services below their desired count, failed, stuck or rolled-back
deployments, blocked rollouts and static host port conflicts, tasks stopping
again and again (exit codes, OOM kills, image pull failures, failed health
checks, secrets that cannot be read, Spot and host terminations), unhealthy,
stale and unregistered targets, disconnected agents, drains that cannot finish,
Auto Scaling groups below desired and desired counts outside the autoscaler's
bounds. Every line says where, what, since when and the one action that fits.

Exit status: 0 when nothing is wrong, 2 when something is (a warning or a
critical line), 1 when nothing was found wrong but a context or cluster could
not be read. The pulse only reads: its clients refuse every change.`,
		Example: `  ecstui pulse
  ecstui pulse --context prod,staging -o json   # a context with regions: all covers every enabled region
  ecstui --demo pulse
  ecstui pulse >/dev/null || page-oncall   # a cron check`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runPulse(cmd.Context(), app) },
	}
	return cmd
}

// pulseSources connects one read-only client per context to look at.
func pulseSources(ctx context.Context, app *App) ([]pulse.Source, error) {
	var ctxs []config.Context
	connect := func(ctx context.Context, c config.Context) (*aws.Client, error) {
		return aws.New(ctx, awsConfig(c, true))
	}
	if app.Demo() {
		app.clientMu.Lock()
		d, err := app.startDemoLocked()
		app.clientMu.Unlock()
		if err != nil {
			return nil, err
		}
		ctxs = d.contexts()
		connect = func(ctx context.Context, c config.Context) (*aws.Client, error) { return d.connectTo(ctx, c, true) }
	} else {
		cfg, err := app.Config()
		if err != nil {
			return nil, err
		}
		ctxs = cfg.Contexts
		if len(ctxs) == 0 {
			return nil, fmt.Errorf("no contexts in the configuration file: add some (see `ecstui config`), or try `ecstui --demo pulse`")
		}
	}
	if names := app.flags.context; names != "" {
		var picked []config.Context
		for _, n := range strings.Split(names, ",") {
			n = strings.TrimSpace(n)
			found := false
			for _, c := range ctxs {
				if c.Name == n {
					picked, found = append(picked, c), true
				}
			}
			if !found {
				return nil, fmt.Errorf("--context: no context named %q (known: %s)", n, contextNames(ctxs))
			}
		}
		ctxs = picked
	}
	var out []pulse.Source
	add := func(c config.Context) (*aws.Client, error) {
		cl, err := connect(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("context %s: %w", c.Name, err)
		}
		out = append(out, pulse.Source{Context: c.Name, Region: cl.Region(), Reader: cl})
		return cl, nil
	}
	for _, c := range ctxs {
		switch {
		case len(c.Regions) == 1 && c.Regions[0] == config.RegionsAll:
			cl, err := add(c)
			if err != nil {
				return nil, err
			}
			regions, err := cl.Regions(ctx)
			if err != nil {
				return nil, fmt.Errorf("context %s: listing its regions: %w", c.Name, err)
			}
			for _, r := range regions {
				if r != cl.Region() {
					if _, err := add(inRegion(c, r)); err != nil {
						return nil, err
					}
				}
			}
		case len(c.Regions) > 0:
			for _, r := range c.Regions {
				if _, err := add(inRegion(c, r)); err != nil {
					return nil, err
				}
			}
		default:
			if _, err := add(c); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// inRegion is a context's account in another region, named base@region as
// the console names it.
func inRegion(c config.Context, region string) config.Context {
	if region == c.Region {
		return c
	}
	d := c
	d.Name, d.Region, d.Regions = c.Name+"@"+region, region, nil
	return d
}

func contextNames(cs []config.Context) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func runPulse(ctx context.Context, app *App) error {
	srcs, err := pulseSources(ctx, app)
	if err != nil {
		return err
	}
	rep := pulse.Gather(ctx, srcs, pulse.NewMemory(model.PulseSettings{}), time.Now)
	now := time.Now()
	if err := printPulse(app, rep, now); err != nil {
		return err
	}
	switch {
	case rep.Wrong():
		return &cli.ExitError{Code: pulseExitWrong, Msg: fmt.Sprintf("%d things wrong", len(rep.Findings))}
	case len(rep.Problems) > 0:
		return &cli.ExitError{Code: pulseExitUnreadable, Msg: fmt.Sprintf("%d could not be read", len(rep.Problems))}
	}
	return nil
}

// pulseJSON is the -o json shape of a report.
type pulseJSON struct {
	Wrong    bool              `json:"wrong"`
	Clusters int               `json:"clusters"`
	Findings []pulseFindingOut `json:"findings"`
	Problems []pulseProblemOut `json:"problems"`
}

type pulseFindingOut struct {
	Severity string     `json:"severity"`
	Kind     string     `json:"kind"`
	Context  string     `json:"context"`
	Region   string     `json:"region"`
	Cluster  string     `json:"cluster"`
	Service  string     `json:"service,omitempty"`
	Subject  string     `json:"subject,omitempty"`
	What     string     `json:"what"`
	Since    *time.Time `json:"since,omitempty"`
	// SinceObserved: when the pulse first saw it; it began at least then.
	SinceObserved bool            `json:"sinceObserved,omitempty"`
	DataAt        time.Time       `json:"dataAt"`
	Action        pulseActionJSON `json:"action"`
}

type pulseActionJSON struct {
	Kind        string     `json:"kind"`
	Label       string     `json:"label"`
	Cluster     string     `json:"cluster"`
	Service     string     `json:"service,omitempty"`
	TaskARN     string     `json:"taskArn,omitempty"`
	InstanceARN string     `json:"instanceArn,omitempty"`
	At          *time.Time `json:"at,omitempty"`
}

type pulseProblemOut struct {
	Context string `json:"context"`
	Region  string `json:"region"`
	Cluster string `json:"cluster,omitempty"`
	Error   string `json:"error"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func printPulse(app *App, rep pulse.Report, now time.Time) error {
	out := pulseJSON{Wrong: rep.Wrong(), Clusters: rep.Clusters, Findings: []pulseFindingOut{}, Problems: []pulseProblemOut{}}
	var rows [][]string
	for _, f := range rep.Findings {
		out.Findings = append(out.Findings, pulseFindingOut{
			Severity: f.Severity.String(), Kind: string(f.Kind), Context: f.Context, Region: f.Region, Cluster: f.Cluster,
			Service: f.Service, Subject: f.Subject, What: f.What, Since: optTime(f.Since), SinceObserved: f.Observed, DataAt: f.DataAt,
			Action: pulseActionJSON{Kind: string(f.Action.Kind), Label: f.Action.Label(), Cluster: f.Action.Cluster,
				Service: f.Action.Service, TaskARN: f.Action.TaskARN, InstanceARN: f.Action.InstanceARN, At: optTime(f.Action.At)},
		})
		rows = append(rows, []string{
			strings.ToUpper(f.Severity.String()), f.Context, f.Region, f.Cluster, orDash(f.Service),
			textsafe.CleanLine(f.What), sinceText(now, f), f.Action.Label(),
		})
	}
	for _, p := range rep.Problems {
		out.Problems = append(out.Problems, pulseProblemOut{Context: p.Where.Context, Region: p.Where.Region,
			Cluster: p.Where.Cluster, Error: p.Err.Error()})
		rows = append(rows, []string{"UNREADABLE", p.Where.Context, p.Where.Region, orDash(p.Where.Cluster), "-",
			textsafe.CleanLine(p.Err.Error()), "-", "-"})
	}
	if app.JSON() {
		return app.PrintJSON(out)
	}
	if len(rows) == 0 {
		what := "clusters"
		if rep.Clusters == 1 {
			what = "cluster"
		}
		_, err := fmt.Fprintf(app.Out, "nothing wrong in %d %s\n", rep.Clusters, what)
		return err
	}
	return app.PrintTable([]string{"SEVERITY", "CONTEXT", "REGION", "CLUSTER", "SERVICE", "WHAT", "SINCE", "ACTION"}, rows)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return textsafe.CleanLine(s)
}

// sinceText is how long ago a condition began: 45s, 12m, 3h, 2d; "≥12m"
// when only the pulse's first sight of it is known, "-" on that first sight.
func sinceText(now time.Time, f model.Finding) string {
	t := f.Since
	if t.IsZero() || (f.Observed && !t.Before(f.DataAt)) {
		return "-"
	}
	if f.Observed {
		return "≥" + ago(now, t)
	}
	return ago(now, t)
}

func ago(now, t time.Time) string {
	d := max(now.Sub(t), 0)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
