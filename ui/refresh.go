package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/ui/sched"
)

// The env side of the refresh scheduler (package ui/sched): pages state
// their needs (setNeeds), the env runs what the scheduler hands out as
// tea.Cmds, reports each end back to it, and keeps one wake-up tick for the
// next due need. Everything here runs on the UI goroutine.

// refresher state an env keeps besides the scheduler itself.
type refreshLoop struct {
	sched   *sched.Scheduler
	virt    time.Time // the latest tick's due time (see clock)
	wakeGen uint64
	wakeAt  time.Time // the pending wake-up, zero when none
	runs    map[string]run
	// last is each need's latest successful result, for a page that comes
	// to need the same data.
	last map[string]fetchedMsg
}

// run is one run in flight.
type run struct {
	id     uint64
	cancel context.CancelFunc
}

// clock is the scheduler's now: the wall clock, or the due time of the last
// tick when that is later (a test's fixed clock advances with its ticks).
func (e *env) clock() time.Time {
	now := e.now()
	if e.loop.virt.After(now) {
		return e.loop.virt
	}
	return now
}

// setNeeds replaces an owner's needs and starts what is due.
func (e *env) setNeeds(owner uint64, needs []sched.Need) tea.Cmd {
	e.setNeedsQuiet(owner, needs)
	return e.pump()
}

// setNeedsQuiet replaces an owner's needs without starting anything,
// cancelling the runs no page needs any more.
func (e *env) setNeedsQuiet(owner uint64, needs []sched.Need) {
	for _, k := range e.loop.sched.Set(owner, needs) {
		e.cancelRun(k)
		delete(e.loop.last, k)
	}
}

func (e *env) dropNeeds(owner uint64) {
	for _, k := range e.loop.sched.Drop(owner) {
		e.cancelRun(k)
		delete(e.loop.last, k)
	}
}

func (e *env) cancelRun(key string) {
	if r, ok := e.loop.runs[key]; ok {
		r.cancel()
		delete(e.loop.runs, key)
	}
}

// pump starts every due run and keeps a wake-up tick for the next one.
func (e *env) pump() tea.Cmd {
	now := e.clock()
	var cmds []tea.Cmd
	for _, st := range e.loop.sched.Due(now) {
		cmds = append(cmds, e.start(st))
	}
	cmds = append(cmds, e.wake(now))
	return tea.Batch(cmds...)
}

// wake schedules a tick for the scheduler's next due time unless one is
// already pending at or before it.
func (e *env) wake(now time.Time) tea.Cmd {
	next := e.loop.sched.Next(now)
	if next.IsZero() {
		return nil
	}
	if next.Equal(e.loop.wakeAt) {
		return nil
	}
	// A new tick replaces the pending one (its generation goes stale), so
	// each wake-up is exactly when the next need falls due.
	e.loop.wakeGen++
	e.loop.wakeAt = next
	gen := e.loop.wakeGen
	return e.tick(next.Sub(now), func(time.Time) tea.Msg { return tickMsg{gen: gen, at: next, src: e} })
}

// woke handles a tick: a stale one is ignored.
func (e *env) woke(m tickMsg) tea.Cmd {
	if m.gen != e.loop.wakeGen {
		return nil
	}
	e.loop.wakeAt = time.Time{}
	if m.at.After(e.loop.virt) {
		e.loop.virt = m.at
	}
	return e.pump()
}

// start runs one need in a tea.Cmd. Runs other than first loads are
// steady-state refreshes: they go without the SDK's retries, so a
// throttled bucket is never hit again by ecstui before the scheduler has
// backed off.
func (e *env) start(st sched.Start) tea.Cmd {
	e.cancelRun(st.Key)
	// The adapter's caches judge age by the scheduler's clock too.
	ctx, cancel := context.WithTimeout(withRunStart(awsapi.WithNow(e.ctx, e.clock()), e.clock()), fetchTimeout)
	if st.Class != sched.FirstLoad {
		ctx = awsapi.WithoutRetries(ctx)
	}
	e.loop.runs[st.Key] = run{id: st.ID, cancel: cancel}
	key, id, fn := st.Key, st.ID, st.Run
	partials := make(chan any, 1)
	done := make(chan fetchedMsg, 1)
	go func() {
		defer cancel()
		data, err := fn(ctx, func(v any) {
			select { // drop an unread older partial: the newer one has more
			case <-partials:
			default:
			}
			partials <- v
		})
		done <- fetchedMsg{key: key, id: id, data: data, err: err, src: e}
	}()
	var next tea.Cmd
	next = func() tea.Msg {
		select {
		case m := <-done:
			return m
		case v := <-partials:
			return partialMsg{key: key, id: id, data: v, next: next, src: e}
		}
	}
	return next
}

// finished reports a run's end to the scheduler; false when the reply is
// not the latest run of a need some page still has (drop it).
func (e *env) finished(m *fetchedMsg) bool {
	m.at = e.clock()
	if !e.loop.sched.Done(m.key, m.id, m.at, m.err, throttled(m.err)) {
		return false
	}
	if m.err == nil {
		e.loop.last[m.key] = *m
	}
	if r, ok := e.loop.runs[m.key]; ok && r.id == m.id {
		delete(e.loop.runs, m.key)
	}
	return true
}

// current reports whether a partial belongs to the latest run of its key.
func (e *env) current(m partialMsg) bool {
	r, ok := e.loop.runs[m.key]
	return ok && r.id == m.id
}

// budgetStatus is the scheduler's account of the budget now.
func (e *env) budgetStatus() sched.Status { return e.loop.sched.Status(e.clock()) }
