package main

import "github.com/spf13/cobra"

// addActionCommands adds the action subcommands (owned by OPS).
func addActionCommands(root *cobra.Command, app *App) { _, _ = root, app }
