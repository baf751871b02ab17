package logs

import (
	"context"
	"time"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/textsafe"
)

// run is the engine's one goroutine (plus live tail readers): resolve, read
// history, then follow live or by polling.
func (e *Engine) run(ctx context.Context) {
	defer close(e.done)
	defer e.signal()
	labelOf := map[string]string{}
	gone := map[string]time.Time{} // stream key → when its task was first missing
	emit := func(evs []model.LogEvent) { e.emit(evs, labelOf) }

	// resolve (re)reads the target's streams and starts polling new ones;
	// it reports whether any stream was added.
	resolve := func(from time.Time) (bool, error) {
		res, err := Resolve(ctx, e.c, e.target)
		if err != nil {
			return false, err
		}
		current := map[string]bool{}
		for _, s := range res.Streams {
			labelOf[s.key()] = s.Label()
			current[s.key()] = true
			delete(gone, s.key())
		}
		// Streams of tasks that stopped are read a while longer, then dropped.
		for k := range e.poll.byKey {
			switch {
			case current[k]:
			case gone[k].IsZero():
				gone[k] = time.Now()
			case time.Since(gone[k]) >= e.o.StoppedGrace:
				e.poll.remove(k)
				delete(gone, k)
			}
		}
		added := e.poll.add(res.Streams, from)
		e.setStatus(func(st *Status) {
			st.Tasks = res.Tasks
			st.Streams = len(e.poll.byKey)
			st.Groups = len(e.poll.groups())
			st.Unavailable = res.Unavailable
			if len(e.poll.byKey) == 0 {
				st.Mode, st.Why = ModeFailed, res.Explain(e.target)
			} else if st.Mode == ModeFailed {
				st.Mode, st.Why = ModeStarting, ""
			}
		})
		return len(added) > 0, nil
	}
	pollOnce := func() error {
		n, err := e.poll.poll(ctx, emit)
		e.setStatus(func(st *Status) {
			st.Requests += int64(n)
			st.Err = ""
			if err != nil && ctx.Err() == nil {
				st.Err = textsafe.CleanLine(err.Error())
			}
		})
		return err
	}

	if _, err := resolve(e.start); err != nil {
		e.setStatus(func(st *Status) { st.Mode, st.Why = ModeFailed, textsafe.CleanLine(err.Error()) })
		return
	}
	// A service with no running task yet may get one: keep looking.
	for len(e.poll.byKey) == 0 {
		if e.o.NoFollow || e.target.Service == "" || !e.sleep(ctx, e.o.RefreshInterval) {
			return
		}
		if _, err := resolve(e.start); err != nil && ctx.Err() == nil {
			e.setStatus(func(st *Status) { st.Err = textsafe.CleanLine(err.Error()) })
		}
	}
	if e.o.Since > 0 || e.o.NoFollow {
		if err := pollOnce(); err != nil && e.o.NoFollow {
			e.setStatus(func(st *Status) { st.Mode, st.Why = ModeFailed, textsafe.CleanLine(err.Error()) })
			return
		}
	}
	if e.o.NoFollow {
		e.setStatus(func(st *Status) { st.Mode = ModeDone })
		return
	}
	why := "chosen"
	if !e.o.PollOnly {
		why = e.followLive(ctx, emit, resolve, pollOnce)
		if ctx.Err() != nil {
			return
		}
	}
	e.followPoll(ctx, why, resolve, pollOnce)
}

// followLive follows with live tail sessions until they cannot be used, and
// returns why.
func (e *Engine) followLive(ctx context.Context, emit func([]model.LogEvent), resolve func(time.Time) (bool, error), pollOnce func() error) string {
	refresh := time.NewTicker(e.o.RefreshInterval)
	defer refresh.Stop()
	for {
		ls, err := startLive(ctx, e.c, e.poll.groups(), e.o.Filter, e.o.MaxLiveSessions)
		if err != nil {
			return fallbackReason(err)
		}
		e.setStatus(func(st *Status) { st.Mode, st.Why, st.Sessions = ModeLive, "", len(ls.sessions) })
		// What was written between the history read and the session start.
		_ = pollOnce()
		reason, restart := e.liveLoop(ctx, ls, emit, resolve, refresh.C)
		ls.close()
		if !restart {
			e.setStatus(func(st *Status) { st.Sessions = 0 })
			return reason
		}
	}
}

// liveLoop reads one set of sessions. restart is true when the set of
// streams changed and new sessions are needed.
func (e *Engine) liveLoop(ctx context.Context, ls *liveSet, emit func([]model.LogEvent), resolve func(time.Time) (bool, error), refresh <-chan time.Time) (reason string, restart bool) {
	for {
		select {
		case <-ctx.Done():
			return "", false
		case m := <-ls.out:
			if m.end {
				if time.Since(ls.started) >= e.o.LiveReopenAfter {
					return "", true // a long session ended (timeout, dropped connection): reopen
				}
				if m.err != nil {
					return fallbackReason(m.err), false
				}
				return "live tail session ended", false
			}
			evs := m.update.Events
			for _, ev := range evs {
				e.poll.observe(ev.Group, ev.Stream, ev.Timestamp)
			}
			if m.update.Sampled && len(evs) > 0 {
				from, to := span(evs)
				e.mark(0, from, to, "live tail sampled above ~500 events/s; polling re-reads from here")
				e.setStatus(func(st *Status) { st.Sampled++ })
				emit(evs)
				e.poll.rewind(from)
				return "live tail sampled (more than ~500 events/s): polling reads every line", false
			}
			emit(evs)
		case <-refresh:
			if e.target.Service == "" {
				continue
			}
			added, err := resolve(e.start)
			if err != nil {
				e.setStatus(func(st *Status) { st.Err = textsafe.CleanLine(err.Error()) })
				continue
			}
			if added {
				return "", true
			}
		}
	}
}

// followPoll follows by polling until ctx ends.
func (e *Engine) followPoll(ctx context.Context, why string, resolve func(time.Time) (bool, error), pollOnce func() error) {
	e.setStatus(func(st *Status) { st.Mode, st.Why = ModePolling, why })
	lastRefresh := time.Now()
	for {
		_ = pollOnce()
		if !e.sleep(ctx, e.o.PollInterval) {
			return
		}
		if e.target.Service != "" && time.Since(lastRefresh) >= e.o.RefreshInterval {
			lastRefresh = time.Now()
			if _, err := resolve(e.start); err != nil && ctx.Err() == nil {
				e.setStatus(func(st *Status) { st.Err = textsafe.CleanLine(err.Error()) })
			}
		}
	}
}

func (e *Engine) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func span(evs []model.LogEvent) (from, to time.Time) {
	from, to = evs[0].Timestamp, evs[0].Timestamp
	for _, ev := range evs[1:] {
		if ev.Timestamp.Before(from) {
			from = ev.Timestamp
		}
		if ev.Timestamp.After(to) {
			to = ev.Timestamp
		}
	}
	return from, to
}
