package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/config"
	"github.com/ecstui/ecstui/textsafe"
	"github.com/ecstui/ecstui/ui"
	"github.com/ecstui/ecstui/ui/theme"
)

// globalFlags are the root command's persistent flags.
type globalFlags struct {
	profile, region, endpointURL, context string
	configPath                            string
	readOnly, demo                        bool
	output                                string
}

// App is what subcommands get from the root command: the loaded
// configuration, the current context and an adapter client, all built
// lazily on first use so that `ecstui version` needs neither a valid config
// nor AWS credentials.
type App struct {
	flags    globalFlags
	flagSet  *pflag.FlagSet // the root's persistent flags, for config sources
	Out, Err io.Writer

	cfgOnce sync.Once
	cfg     *config.Config
	cfgErr  error

	clientMu sync.Mutex
	client   *aws.Client
	demo     *demoEnv
}

// newApp wraps both streams in a textsafe.Writer: every byte any command
// prints (tables, plans, progress, JSON, errors) passes one gate that
// neutralises terminal controls, whatever string from AWS it carries. JSON
// output is escaped losslessly before it gets there (textsafe.WriteJSON), so
// the gate leaves it unchanged.
func newApp(out, errw io.Writer) *App {
	return &App{Out: textsafe.NewWriter(out), Err: textsafe.NewWriter(errw)}
}

// Config loads the configuration once (file, ECSTUI_* env, flags).
func (a *App) Config() (*config.Config, error) {
	a.cfgOnce.Do(func() {
		a.cfg, a.cfgErr = config.Load(config.Options{
			Path:        a.flags.configPath,
			Flags:       a.flagSet,
			KeyActions:  ui.KeyActions(),
			ColorTokens: theme.Tokens(),
		})
	})
	return a.cfg, a.cfgErr
}

// Demo reports whether --demo was given: everything runs against the
// built-in simulator.
func (a *App) Demo() bool { return a.flags.demo }

// CurrentContext returns the context commands act in.
func (a *App) CurrentContext() (config.Context, error) {
	if a.flags.demo {
		return demoContext(""), nil
	}
	cfg, err := a.Config()
	if err != nil {
		return config.Context{}, err
	}
	c, _ := cfg.Current()
	return c, nil
}

// ContextName is the current context's name ("demo" under --demo).
func (a *App) ContextName() string {
	c, err := a.CurrentContext()
	if err != nil {
		return ""
	}
	return c.Name
}

// ReadOnly reports whether mutating calls are refused: --read-only, the
// readOnly setting, or a read-only current context.
func (a *App) ReadOnly() bool {
	if a.flags.readOnly {
		return true
	}
	cfg, err := a.Config()
	if err != nil {
		// Fail closed: without a readable configuration nothing may change.
		return true
	}
	if a.flags.demo {
		// The demo context is not from the file; the global setting
		// (readOnly, ECSTUI_READ_ONLY) still holds.
		return cfg.ReadOnly
	}
	c, _ := cfg.Current()
	return cfg.ReadOnly || c.ReadOnly
}

// Production reports whether the current context is marked production.
func (a *App) Production() bool {
	c, err := a.CurrentContext()
	return err == nil && c.Production
}

// Client returns the adapter for the current context (read-only-guarded
// when ReadOnly), built once. Under --demo it starts the simulator first.
func (a *App) Client(ctx context.Context) (*aws.Client, error) {
	a.clientMu.Lock()
	defer a.clientMu.Unlock()
	if a.client != nil {
		return a.client, nil
	}
	if a.flags.demo {
		d, err := a.startDemoLocked()
		if err != nil {
			return nil, err
		}
		cl, err := d.connect(ctx, a.ReadOnly())
		if err != nil {
			return nil, err
		}
		a.client = cl
		return cl, nil
	}
	c, err := a.CurrentContext()
	if err != nil {
		return nil, err
	}
	cl, err := aws.New(ctx, awsConfig(c, a.ReadOnly()))
	if err != nil {
		return nil, err
	}
	a.client = cl
	return cl, nil
}

// Close stops what the App started (the demo simulator).
func (a *App) Close() {
	a.clientMu.Lock()
	defer a.clientMu.Unlock()
	if a.demo != nil {
		a.demo.stop()
		a.demo = nil
	}
}

func awsConfig(c config.Context, readOnly bool) aws.Config {
	return aws.Config{Profile: c.Profile, Region: c.Region, EndpointURL: c.EndpointURL, ReadOnly: readOnly || c.ReadOnly,
		AllowExecInReadOnly: c.AllowExecInReadOnly}
}

// Flush writes what the output gates held back (a partial character).
func (a *App) Flush() {
	for _, w := range []io.Writer{a.Out, a.Err} {
		if f, ok := w.(interface{ Flush() error }); ok {
			_ = f.Flush()
		}
	}
}

// JSON reports whether --output json was asked for.
func (a *App) JSON() bool { return a.flags.output == "json" }

// PrintJSON writes v as indented JSON to Out.
func (a *App) PrintJSON(v any) error {
	return textsafe.WriteJSON(a.Out, v, true)
}

// PrintTable writes an aligned table with a header row to Out.
func (a *App) PrintTable(header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(a.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// Print prints v as JSON under --output json, else the table.
func (a *App) Print(v any, header []string, rows [][]string) error {
	if a.JSON() {
		return a.PrintJSON(v)
	}
	return a.PrintTable(header, rows)
}
