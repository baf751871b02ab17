package main

import "github.com/spf13/cobra"

// addLogsCommands adds the log subcommands (owned by LOGS).
func addLogsCommands(root *cobra.Command, app *App) { _, _ = root, app }
