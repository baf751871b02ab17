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

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/cli"
	"github.com/ecstui/ecstui/textsafe"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int { return runWith(args, os.Stdout, os.Stderr) }

// runWith is main on given streams: the exit code of args.
func runWith(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, app := newRoot(stdout, stderr)
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
	if app.JSON() {
		// A script reading -o json gets a document on stdout whatever
		// happened, not an empty stream.
		reportJSONError(app.Out, err)
	}
	return 1
}

// reportError prints an error that no command has reported: its text may
// quote names from AWS (or a name typed with a newline in it), so it is
// cleaned like every other output, onto one line.
func reportError(w io.Writer, err error) {
	fmt.Fprintln(w, "ecstui:", textsafe.CleanLine(err.Error()))
}

// reportJSONError prints, under -o json, the error no command has reported
// as {"error": message, "kind": what kind of problem}: lossless, with
// controls escaped like all of ecstui's JSON.
func reportJSONError(w io.Writer, err error) {
	kind := awsapi.KindOf(err).String()
	var missing *ops.MissingError
	if errors.As(err, &missing) {
		kind = awsapi.KindNotFound.String()
	}
	_ = textsafe.WriteJSON(w, struct {
		Error string `json:"error"`
		Kind  string `json:"kind"`
	}{err.Error(), kind}, true)
}
