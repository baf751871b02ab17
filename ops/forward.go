package ops

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"time"
)

// Forward is a port forward running in the background: the plugin process,
// its last lines of output, and how it ended. The console lists them and
// stops them; the CLI runs the plugin in the foreground instead.
type Forward struct {
	ID        string // the SSM session id
	Plan      ExecPlan
	LocalPort int
	Started   time.Time

	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	out    lastLines
	exit   int
	err    error
	ended  time.Time
	result Result
}

// StartForward starts the plugin for an opened forward without a terminal
// (its output is kept, the last lines shown) and journals its end.
func (r *Runner) StartForward(ctx context.Context, opened OpenedSession, p ExecPlan) (*Forward, error) {
	ctx, cancel := context.WithCancel(ctx)
	f := &Forward{ID: opened.ID, Plan: p, LocalPort: opened.LocalPort, Started: r.now(), cancel: cancel, done: make(chan struct{})}
	cmd := opened.Plugin.Command(ctx, opened.Session)
	cmd.Stdout, cmd.Stderr = &f.out, &f.out
	if err := cmd.Start(); err != nil {
		cancel()
		res := r.EndSession(p, opened.ID, err)
		f.finish(err, res, r.now())
		return f, err
	}
	go func() {
		err := cmd.Wait()
		if ctx.Err() != nil && err != nil {
			// Stopped by the user: the plugin was interrupted on purpose.
			err = nil
		}
		res := r.EndSession(p, opened.ID, err)
		f.finish(err, res, r.now())
	}()
	return f, nil
}

func (f *Forward) finish(err error, res Result, at time.Time) {
	f.mu.Lock()
	f.err, f.exit, f.result, f.ended = err, ExitCode(err), res, at
	f.mu.Unlock()
	f.cancel()
	close(f.done)
}

// Stop interrupts the plugin, which closes the session; Done is closed when
// it has exited.
func (f *Forward) Stop() { f.cancel() }

// Done is closed when the plugin has exited.
func (f *Forward) Done() <-chan struct{} { return f.done }

// ForwardState is a snapshot of a forward.
type ForwardState struct {
	Running bool
	Exit    int
	Err     error
	Ended   time.Time
	Output  []string // the plugin's last lines
}

// State returns a snapshot.
func (f *Forward) State() ForwardState {
	f.mu.Lock()
	defer f.mu.Unlock()
	running := true
	select {
	case <-f.done:
		running = false
	default:
	}
	return ForwardState{Running: running, Exit: f.exit, Err: f.err, Ended: f.ended, Output: f.out.lines()}
}

// lastLines keeps the last few lines written to it (the plugin's chatter:
// "Port 15432 opened…", "Connection accepted…").
type lastLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

const lastLinesKept = 8

func (l *lastLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if l.buf.Len() > 16<<10 {
		tail := l.buf.Bytes()[l.buf.Len()-8<<10:]
		l.buf.Reset()
		l.buf.Write(tail)
	}
	return len(p), nil
}

func (l *lastLines) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, s := range strings.Split(l.buf.String(), "\n") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) > lastLinesKept {
		out = out[len(out)-lastLinesKept:]
	}
	return out
}
