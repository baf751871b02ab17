package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ecstui/ecstui/config"
)

// newRoot builds the command tree. It holds wiring only: behaviour lives in
// ui, ops, logs and aws.
func newRoot(out, errw io.Writer) (*cobra.Command, *App) {
	app := newApp(out, errw)
	root := &cobra.Command{
		Use:   "ecstui",
		Short: "A terminal operations console for Amazon ECS on EC2",
		Long: `ecstui shows what runs where in your ECS clusters — services, deployments, tasks,
container instances, host ports and target health — tails their logs, and
runs rollouts, scaling, drains and daemon starts safely.

Run "ecstui --demo" to try it against the built-in simulator (no AWS account).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUI(cmd.Context(), app)
		},
	}
	root.SetOut(app.Out)
	root.SetErr(app.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return flagError(err) })
	pf := root.PersistentFlags()
	f := &app.flags
	pf.StringVar(&f.profile, "profile", "", "AWS shared config profile (overrides the context's)")
	pf.StringVar(&f.region, "region", "", "AWS region (overrides the context's)")
	pf.StringVar(&f.endpointURL, "endpoint-url", "", "send every AWS call to this endpoint (e.g. the simulator)")
	pf.StringVar(&f.context, "context", "", "context from the config file to start in (env ECSTUI_CONTEXT)")
	pf.BoolVar(&f.readOnly, "read-only", false, "refuse every mutating AWS call (env ECSTUI_READ_ONLY)")
	pf.StringVar(&f.configPath, "config", "", "config file (default $XDG_CONFIG_HOME/ecstui/config.yaml; env ECSTUI_CONFIG)")
	pf.BoolVar(&f.demo, "demo", false, "run against the built-in simulator, no AWS account needed")
	pf.Duration("refresh", config.DefaultRefreshInterval, "view refresh interval (env ECSTUI_REFRESH_INTERVAL)")
	pf.String("api-budget", "10%", "share of each ECS throttle bucket the console spends at steady state (env ECSTUI_API_BUDGET)")
	pf.String("start", config.DefaultStartScreen, "the console's first page: pulse or clusters (env ECSTUI_START_SCREEN)")
	pf.StringVarP(&f.output, "output", "o", "table", "output format of CLI commands: table or json")
	app.flagSet = pf
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if f.output != "table" && f.output != "json" {
			return fmt.Errorf("--output must be table or json, not %q", f.output)
		}
		return nil
	}

	root.AddCommand(versionCmd(app), simCmd(app), configCmd(app), pulseCmd(app))
	addLogsCommands(root, app)
	addActionCommands(root, app)
	return root, app
}

// flagError says what is wrong with a flag's value once, briefly: pflag
// quotes the whole value (a 5,000-digit number filled the terminal) before
// ecstui's own message, which already names the flag and shows the value
// cut short.
func flagError(err error) error {
	var ive *pflag.InvalidValueError
	if !errors.As(err, &ive) {
		return err
	}
	name := "--" + ive.GetFlag().Name
	cause := errors.Unwrap(err)
	if cause != nil && strings.Contains(cause.Error(), name) {
		return cause
	}
	v := ive.GetValue()
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40]) + "…"
	}
	why := "invalid"
	if cause != nil && ive.GetValue() != "" {
		why = strings.ReplaceAll(cause.Error(), ive.GetValue(), v)
	}
	return fmt.Errorf("invalid value %q for %s: %s", v, name, why)
}
