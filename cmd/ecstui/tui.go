package main

import (
	"context"
	"fmt"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/config"
	"github.com/ecstui/ecstui/ui"
)

// runTUI starts the console on the configured contexts, or on the built-in
// simulator under --demo.
func runTUI(ctx context.Context, a *App) error {
	if a.Demo() {
		return runDemo(ctx, a)
	}
	cfg, err := a.Config()
	if err != nil {
		return err
	}
	_, cur := cfg.Current()
	deps := ui.Deps{
		Contexts:        uiContexts(cfg.Contexts),
		Current:         max(cur, 0),
		RefreshInterval: cfg.RefreshInterval,
		APIBudget:       cfg.APIBudget,
		StartScreen:     cfg.StartScreen,
		Keys:            cfg.Keys,
		Colors:          cfg.Colors,
		LogBufferLines:  cfg.Logs.BufferLines,
		ReadOnly:        a.flags.readOnly || cfg.ReadOnly,
		Connect: func(ctx context.Context, c ui.Context) (ui.Backend, error) {
			return aws.New(ctx, aws.Config{
				Profile: c.Profile, Region: c.Region, EndpointURL: c.EndpointURL,
				ReadOnly:            c.ReadOnly || a.flags.readOnly || cfg.ReadOnly,
				AllowExecInReadOnly: c.AllowExecInReadOnly,
			})
		},
	}
	return startUI(ctx, cfg, deps)
}

func runDemo(ctx context.Context, a *App) error {
	cfg, err := a.Config()
	if err != nil {
		// Keys and colours still come from the file, so a broken one is
		// reported rather than silently ignored.
		return err
	}
	a.clientMu.Lock()
	d, err := a.startDemoLocked()
	a.clientMu.Unlock()
	if err != nil {
		return err
	}
	readOnly := a.flags.readOnly || cfg.ReadOnly
	deps := ui.Deps{
		Contexts:        uiContexts(d.contexts()),
		RefreshInterval: cfg.RefreshInterval,
		APIBudget:       cfg.APIBudget,
		StartScreen:     cfg.StartScreen,
		Keys:            cfg.Keys,
		Colors:          cfg.Colors,
		LogBufferLines:  cfg.Logs.BufferLines,
		ReadOnly:        readOnly,
		Connect: func(ctx context.Context, c ui.Context) (ui.Backend, error) {
			return d.connectTo(ctx, config.Context{Name: c.Name, Region: c.Region, EndpointURL: c.EndpointURL}, readOnly || c.ReadOnly)
		},
	}
	return startUI(ctx, cfg, deps)
}

// startUI checks the keys and colours against the console's keymap and
// theme first (ui.New has no side effects), so a clash such as one key bound
// to two actions is reported against the config file before the terminal
// is taken over.
func startUI(ctx context.Context, cfg *config.Config, deps ui.Deps) error {
	if _, err := ui.New(deps); err != nil {
		if cfg.File != "" && (len(cfg.Keys) > 0 || len(cfg.Colors) > 0) {
			return fmt.Errorf("invalid configuration: %s: %w", cfg.File, err)
		}
		return err
	}
	return ui.Run(ctx, deps)
}

func uiContext(c config.Context) ui.Context {
	return ui.Context{Name: c.Name, Profile: c.Profile, Region: c.Region, Cluster: c.Cluster,
		ReadOnly: c.ReadOnly, Production: c.Production, EndpointURL: c.EndpointURL,
		AllowExecInReadOnly: c.AllowExecInReadOnly, ExecCommand: c.ExecCommandOrDefault(), Regions: c.Regions}
}

func uiContexts(cs []config.Context) []ui.Context {
	out := make([]ui.Context, len(cs))
	for i, c := range cs {
		out[i] = uiContext(c)
	}
	return out
}
