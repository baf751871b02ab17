// Command ecstui is a terminal operations console for Amazon ECS on EC2.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ecstui/ecstui/ops/cli"
	"github.com/ecstui/ecstui/textsafe"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, app := newRoot(os.Stdout, os.Stderr)
	defer app.Close()
	defer app.Flush()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var exit *cli.ExitError
	if errors.As(err, &exit) {
		// The action command has already reported the outcome.
		return max(exit.Code, 1)
	}
	reportError(app.Err, err)
	return 1
}

// reportError prints an error that no command has reported: its text may
// quote names from AWS, so it is cleaned like every other output.
func reportError(w io.Writer, err error) {
	fmt.Fprintln(w, "ecstui:", textsafe.Clean(err.Error()))
}
