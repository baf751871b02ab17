package logs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/textsafe"
)

// Options tune a tail. The zero value is a usable default: tail from now,
// follow, live tail when available.
type Options struct {
	// Since reaches back this far before following (0: new lines only).
	Since time.Duration
	// Filter is a CloudWatch Logs filter pattern applied server-side.
	Filter string
	// NoFollow reads the history (Since) once and stops.
	NoFollow bool
	// PollOnly never tries live tail.
	PollOnly bool

	PollInterval time.Duration // default 1s (the AWS CLI's tail polls every 5s)
	Overlap      time.Duration // re-read window for late events, default 10s
	// Limiter is the FilterLogEvents budget to share; nil: RequestsPerSec
	// when set (< 0 unlimited), else one budget of DefaultRequestsPerSec
	// shared by every engine of the process.
	Limiter         *Limiter
	RequestsPerSec  float64
	RefreshInterval time.Duration // re-resolve a service's tasks, default 15s
	MaxLiveSessions int           // default DefaultMaxLiveSessions
	MaxPending      int           // lines held for a slow consumer, default 2×DefaultCapacity
	// StoppedGrace is how long the streams of a service's stopped tasks are
	// still read (their last lines, a crash's output) before they are
	// dropped. Default 5m.
	StoppedGrace time.Duration
	// LiveReopenAfter: a live tail session that ends after living this long
	// (CloudWatch closes them after 3 hours; connections drop) is reopened;
	// one that ends sooner makes the engine poll instead. Default 1m.
	LiveReopenAfter time.Duration
	Now             func() time.Time
}

func (o *Options) defaults() {
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.Overlap <= 0 {
		o.Overlap = 10 * time.Second
	}
	if o.RefreshInterval <= 0 {
		o.RefreshInterval = 15 * time.Second
	}
	if o.MaxLiveSessions <= 0 {
		o.MaxLiveSessions = DefaultMaxLiveSessions
	}
	if o.MaxPending <= 0 {
		o.MaxPending = 2 * DefaultCapacity
	}
	if o.StoppedGrace <= 0 {
		o.StoppedGrace = 5 * time.Minute
	}
	if o.LiveReopenAfter <= 0 {
		o.LiveReopenAfter = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Mode is how the engine is reading.
type Mode int

const (
	ModeStarting Mode = iota // resolving streams, reading history
	ModeLive                 // StartLiveTail sessions
	ModePolling              // FilterLogEvents
	ModeDone                 // history read, not following
	ModeFailed               // nothing to read (see Status.Err)
)

func (m Mode) String() string {
	return [...]string{"starting", "live", "polling", "done", "failed"}[m]
}

// Status is what the status line shows.
type Status struct {
	Mode        Mode
	Why         string // why polling (fallback reason), or why failed
	Tasks       int
	Streams     int
	Groups      int
	Sessions    int
	Unavailable []Unavailable
	Err         string // last transient error, sanitised
	Events      int64  // events delivered
	Duplicates  int64  // events suppressed as already shown
	Requests    int64  // FilterLogEvents requests made
	Sampled     int    // live tail updates that were sampled
}

// Text renders the status for one line.
func (s Status) Text(pollEvery time.Duration) string {
	var b strings.Builder
	switch s.Mode {
	case ModeLive:
		fmt.Fprintf(&b, "live tail (%d session", s.Sessions)
		if s.Sessions != 1 {
			b.WriteString("s")
		}
		b.WriteString(")")
	case ModePolling:
		fmt.Fprintf(&b, "polling every %s", pollEvery)
		if s.Why != "" {
			b.WriteString(" — " + s.Why)
		}
	case ModeFailed:
		b.WriteString("no logs: " + s.Why)
	default:
		b.WriteString(s.Mode.String())
	}
	if s.Mode != ModeFailed {
		b.WriteString(" · " + count(s.Streams, "stream"))
		if s.Tasks > 0 {
			b.WriteString(" of " + count(s.Tasks, "task"))
		}
	}
	if n := len(s.Unavailable); n > 0 && s.Mode != ModeFailed {
		fmt.Fprintf(&b, " · %d without logs", n)
	}
	if s.Err != "" {
		b.WriteString(" · error: " + s.Err)
	}
	return b.String()
}

// Engine tails one target. Start it, then take lines as Ready signals; the
// engine holds what the consumer has not taken yet (up to MaxPending lines,
// beyond which the oldest become a dropped-lines marker).
type Engine struct {
	c      Client
	target Target
	o      Options
	cancel context.CancelFunc
	done   chan struct{}
	ready  chan struct{}

	mu      sync.Mutex
	pending []Line
	status  Status
	sources map[string]int
	labels  []string
	start   time.Time

	// Owned by the run goroutine.
	dd   *dedup
	poll *poller
}

// Start begins tailing t in the background until ctx ends or Close.
func Start(ctx context.Context, c Client, t Target, o Options) *Engine {
	o.defaults()
	lim := o.Limiter
	switch {
	case lim != nil:
	case o.RequestsPerSec != 0:
		lim = newLimiter(o.RequestsPerSec)
	default:
		lim = shared
	}
	ctx, cancel := context.WithCancel(ctx)
	e := &Engine{
		c: c, target: t, o: o, cancel: cancel,
		done: make(chan struct{}), ready: make(chan struct{}, 1),
		sources: map[string]int{},
		dd:      newDedup(3*o.Overlap + 2*o.PollInterval + time.Minute),
	}
	e.poll = newPoller(c, lim, o.Filter, o.Overlap)
	e.start = o.Now()
	if o.Since > 0 {
		e.start = e.start.Add(-o.Since)
	}
	go e.run(ctx)
	return e
}

// Target is what this engine tails.
func (e *Engine) Target() Target { return e.target }

// Options are the engine's options after defaults.
func (e *Engine) Options() Options { return e.o }

// Ready is signalled (coalesced) whenever lines or status changed.
func (e *Engine) Ready() <-chan struct{} { return e.ready }

// Done is closed when the engine stops.
func (e *Engine) Done() <-chan struct{} { return e.done }

// Close stops the engine and waits for it.
func (e *Engine) Close() {
	e.cancel()
	<-e.done
}

// Take returns the lines delivered since the last Take and the status.
func (e *Engine) Take() ([]Line, Status) {
	e.mu.Lock()
	defer e.mu.Unlock()
	lines := e.pending
	e.pending = nil
	return lines, e.status
}

// Pending is how many lines wait to be taken.
func (e *Engine) Pending() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.pending)
}

// Status returns the current status.
func (e *Engine) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

// Labels returns the label of each source index seen so far.
func (e *Engine) Labels() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.labels...)
}

func (e *Engine) signal() {
	select {
	case e.ready <- struct{}{}:
	default:
	}
}

func (e *Engine) setStatus(f func(*Status)) {
	e.mu.Lock()
	f(&e.status)
	e.mu.Unlock()
	e.signal()
}

// emit de-duplicates and delivers events.
func (e *Engine) emit(evs []model.LogEvent, labelOf map[string]string) {
	lines := make([]Line, 0, len(evs))
	dups := 0
	for _, ev := range evs {
		if !e.dd.fresh(ev) {
			dups++
			continue
		}
		label := labelOf[ev.Group+"\x00"+ev.Stream]
		if label == "" {
			label = textsafe.CleanLine(ev.Stream)
		}
		msg := strings.TrimRight(ev.Message, "\r\n")
		l := Line{
			Time: ev.Timestamp, Kind: KindEvent, Label: label, Message: textsafe.Clean(msg),
			ID: ev.ID, Group: ev.Group, Stream: ev.Stream, Ingested: ev.IngestedAt,
		}
		if l.Message != msg {
			l.Raw = msg // only when cleaning changed it: most lines cost nothing
		}
		lines = append(lines, l)
	}
	e.mu.Lock()
	for i := range lines {
		idx, ok := e.sources[lines[i].Label]
		if !ok {
			idx = len(e.labels)
			e.sources[lines[i].Label] = idx
			e.labels = append(e.labels, lines[i].Label)
		}
		lines[i].Source = idx
	}
	e.pending = append(e.pending, lines...)
	e.status.Events += int64(len(lines))
	e.status.Duplicates += int64(dups)
	e.overflowLocked()
	e.mu.Unlock()
	e.signal()
}

// mark delivers a dropped-lines marker.
func (e *Engine) mark(n int, from, to time.Time, reason string) {
	e.mu.Lock()
	e.pending = append(e.pending, Line{Kind: KindDropped, Time: from, Count: n, From: from, To: to, Reason: reason})
	e.mu.Unlock()
	e.signal()
}

// overflowLocked turns the oldest pending lines into a marker when the
// consumer has fallen too far behind.
func (e *Engine) overflowLocked() {
	if len(e.pending) <= e.o.MaxPending {
		return
	}
	cut := len(e.pending) - e.o.MaxPending + 1
	m := Line{Kind: KindDropped, Reason: "more than " + Thousands(e.o.MaxPending) + " lines waited while paused or the display fell behind"}
	for _, l := range e.pending[:cut] {
		from, to := l.Time, l.Time
		if l.Kind == KindEvent {
			m.Count++
		} else {
			m.Count += l.Count
			from, to = l.From, l.To
		}
		if m.From.IsZero() || from.Before(m.From) {
			m.From = from
		}
		if to.After(m.To) {
			m.To = to
		}
	}
	m.Time = m.From
	e.pending[cut-1] = m
	e.pending = append([]Line(nil), e.pending[cut-1:]...)
}

// fallbackReason words why live tail cannot be used.
func fallbackReason(err error) string {
	var tm errTooManySessions
	if errors.As(err, &tm) {
		return tm.Error()
	}
	switch awsapi.KindOf(err) {
	case awsapi.KindUnsupported:
		return "live tail is not available on this endpoint"
	case awsapi.KindAccessDenied:
		return "live tail not allowed (logs:StartLiveTail denied)"
	case awsapi.KindThrottled:
		return "live tail throttled (too many sessions?)"
	}
	return "live tail failed: " + textsafe.CleanLine(err.Error())
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return Thousands(n) + " " + what + "s"
}
