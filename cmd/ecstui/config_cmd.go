package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func configCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration and where each value came from",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := app.Config()
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.PrintJSON(map[string]any{"file": cfg.File, "config": cfg, "entries": cfg.Entries()})
			}
			file := cfg.File
			if file == "" {
				file = "(none found)"
			}
			fmt.Fprintf(app.Out, "config file: %s\n\n", file)
			var rows [][]string
			for _, e := range cfg.Entries() {
				src := string(e.Source)
				if e.Origin != "" {
					src += " (" + e.Origin + ")"
				}
				v := e.Value
				if v == "" {
					v = "-"
				}
				rows = append(rows, []string{e.Key, v, src})
			}
			return app.PrintTable([]string{"KEY", "VALUE", "SOURCE"}, rows)
		},
	}
}
