package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/cli"
)

// addActionCommands adds deploy, rollback, scale, redeploy, stop-task, drain,
// daemon start and journal (package ops/cli) on the App's client, context,
// read-only and production settings and output format.
func addActionCommands(root *cobra.Command, app *App) {
	env := &cli.Env{
		Session: func(ctx context.Context) (*cli.Session, error) {
			cur, err := app.CurrentContext()
			if err != nil {
				return nil, err
			}
			client, err := app.Client(ctx)
			if err != nil {
				return nil, err
			}
			return &cli.Session{
				API: client, Context: cur.Name, Cluster: cur.Cluster, ReadOnly: app.ReadOnly(), Production: app.Production(),
				JSON: app.JSON(), Journal: ops.DefaultJournal(),
				Sessions: client, AllowExecInReadOnly: cur.AllowExecInReadOnly, ExecCommand: cur.ExecCommandOrDefault(),
			}, nil
		},
		Out: app.Out, Err: app.Err, JSON: app.JSON,
	}
	root.AddCommand(cli.Commands(env)...)
}
