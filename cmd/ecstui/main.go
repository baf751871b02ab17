// Command ecstui is a terminal operations console for Amazon ECS on EC2.
package main

import (
	"context"
	"errors"
	"fmt"
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
	fmt.Fprintln(app.Err, "ecstui:", textsafe.Clean(err.Error()))
	return 1
}
