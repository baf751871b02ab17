package sched

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws/quota"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func nop(context.Context, func(any)) (any, error) { return nil, nil }

func need(key string, c Class, cost Cost) Need { return Need{Key: key, Class: c, Cost: cost, Run: nop} }

// drive runs the scheduler on a manual clock for d, completing every run at
// once, and counts the calls charged per bucket and the runs per key.
func drive(t *testing.T, s *Scheduler, from time.Time, d time.Duration, done func(Start) error) (calls map[quota.Bucket]int, runs map[string]int, end time.Time) {
	t.Helper()
	calls, runs = map[quota.Bucket]int{}, map[string]int{}
	now := from
	for now.Before(from.Add(d)) {
		for _, st := range s.Due(now) {
			runs[st.Key]++
			n := s.merged()[st.Key]
			if st.Class != FirstLoad {
				for b, c := range n.Cost {
					calls[b] += c
				}
			}
			var err error
			if done != nil {
				err = done(st)
			}
			s.Done(st.Key, st.ID, now, err, errors.Is(err, errThrottled))
		}
		next := s.Next(now)
		if next.IsZero() {
			break
		}
		if !next.After(now) {
			t.Fatalf("Next(%v) = %v: no progress", now, next)
		}
		now = next
	}
	return calls, runs, now
}

var errThrottled = errors.New("throttled")

func TestShareOfEachBucketAtSteadyState(t *testing.T) {
	for _, share := range []float64{0.10, 0.25, 0.50} {
		s, err := New(Options{Share: share})
		if err != nil {
			t.Fatal(err)
		}
		// A sweep that always has more to do: it takes whatever is left.
		s.Set(1, []Need{
			need("visible", Visible, Cost{quota.ServiceRead: 4}),
			{Key: "sweep", Class: Background, Cost: Cost{quota.ServiceRead: 1}, Every: time.Millisecond, Run: nop},
		})
		calls, runs, _ := drive(t, s, t0, 10*time.Minute, nil)
		got := float64(calls[quota.ServiceRead]) / 600
		want := share * 20
		// The burst spent at the start is the only excess over the rate.
		if got > want*1.02+float64(s.Burst(quota.ServiceRead))/600 || got < want*0.95 {
			t.Errorf("share %.0f%%: %.2f service reads/s, want %.2f", share*100, got, want)
		}
		// The visible need ran every interval despite the greedy sweep.
		if runs["visible"] < 119 {
			t.Errorf("share %.0f%%: visible ran %d times in 10 minutes, want every 5s (120)", share*100, runs["visible"])
		}
	}
}

func TestFirstLoadIsFreeAndImmediate(t *testing.T) {
	s, _ := New(Options{})
	s.Set(1, []Need{need("big", FirstLoad, Cost{quota.ServiceRead: 259})})
	got := s.Due(t0)
	if len(got) != 1 {
		t.Fatalf("first load not started: %v", got)
	}
	if tok := s.budgets[quota.ServiceRead].bg.TokensAt(t0); tok < 10 {
		t.Errorf("a first load was charged to the share: %v tokens left", tok)
	}
	if len(s.Due(t0)) != 0 {
		t.Error("a running need was started twice")
	}
}

func TestIdenticalNeedsOfTwoPagesShareOneRun(t *testing.T) {
	s, _ := New(Options{})
	s.Set(1, []Need{need("svc:prod", Visible, Cost{quota.ServiceRead: 1})})
	s.Set(2, []Need{need("svc:prod", Background, Cost{quota.ServiceRead: 1})})
	_, runs, _ := drive(t, s, t0, time.Minute, nil)
	if runs["svc:prod"] != 12 {
		t.Errorf("runs %d in a minute, want 12 (one per interval, shared)", runs["svc:prod"])
	}
	// The last owner leaving orphans the key.
	if gone := s.Drop(1); len(gone) != 0 {
		t.Errorf("dropping one owner orphaned %v", gone)
	}
	if gone := s.Drop(2); len(gone) != 1 || gone[0] != "svc:prod" {
		t.Errorf("dropping the last owner orphaned %v", gone)
	}
}

func TestFailuresBackOffAndStaleDoneIgnored(t *testing.T) {
	s, _ := New(Options{})
	s.Set(1, []Need{need("c", Visible, Cost{quota.ClusterRead: 1})})
	now := t0
	var gaps []time.Duration
	last := now
	for range 6 {
		st := s.Due(now)
		if len(st) != 1 {
			t.Fatalf("at %v: %d runs", now, len(st))
		}
		if s.Done("c", st[0].ID+1, now, nil, false) {
			t.Fatal("a Done naming another run was accepted")
		}
		s.Done("c", st[0].ID, now, errors.New("boom"), false)
		gaps = append(gaps, now.Sub(last))
		last = now
		now = s.Next(now)
	}
	want := []time.Duration{0, 10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, time.Minute}
	for i := range want {
		if gaps[i] != want[i] {
			t.Fatalf("gaps %v, want %v", gaps, want)
		}
	}
}

func TestThrottlingHalvesTheRateAndRecovers(t *testing.T) {
	s, _ := New(Options{})
	s.Set(1, []Need{{Key: "sweep", Class: Background, Cost: Cost{quota.TaskRead: 1}, Every: time.Millisecond, Run: nop}})
	first := true
	_, _, end := drive(t, s, t0, time.Second, func(Start) error {
		if first {
			first = false
			return errThrottled
		}
		return nil
	})
	if r := s.Rate(quota.TaskRead); r != 1 {
		t.Fatalf("after a throttle: %v task reads/s, want half of 2", r)
	}
	if st := s.Status(end); len(st.Throttled) != 1 || st.Throttled[0] != quota.TaskRead {
		t.Fatalf("status %+v, want task reads backing off", st)
	}
	s.Due(end.Add(recoverAfter))
	if r := s.Rate(quota.TaskRead); r != 2 {
		t.Fatalf("a quiet minute later: %v task reads/s, want the share (2)", r)
	}
}

func TestKickRunsNowAndBadShare(t *testing.T) {
	s, _ := New(Options{})
	s.Set(1, []Need{need("c", Visible, Cost{quota.ClusterRead: 1})})
	st := s.Due(t0)
	s.Done("c", st[0].ID, t0, nil, false)
	if len(s.Due(t0.Add(time.Second))) != 0 {
		t.Fatal("ran before its period")
	}
	s.Kick("c")
	if len(s.Due(t0.Add(time.Second))) != 1 {
		t.Fatal("a kicked need did not run")
	}
	for _, bad := range []float64{-0.1, 1.5} {
		if _, err := New(Options{Share: bad}); err == nil {
			t.Errorf("share %v accepted", bad)
		}
	}
}

// TestDataAtKeepsTheOldestPartWithinThePeriod: a run that took part of its
// data from another page (fetched 3s before the run ended) is due a period
// after that part was fetched, not after the run.
func TestDataAtKeepsTheOldestPartWithinThePeriod(t *testing.T) {
	s, _ := New(Options{})
	n := need("c", Visible, Cost{quota.ClusterRead: 1})
	s.Set(1, []Need{n})
	st := s.Due(t0)
	s.Done("c", st[0].ID, t0, nil, false)
	n.DataAt = t0.Add(-3 * time.Second)
	s.Set(1, []Need{n})
	if len(s.Due(t0.Add(time.Second))) != 0 {
		t.Fatal("ran before its oldest part was a period old")
	}
	if at := s.Next(t0.Add(time.Second)); !at.Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("next due %v, want 5s after the oldest part (%v)", at.Sub(t0), 2*time.Second)
	}
	if len(s.Due(t0.Add(2*time.Second))) != 1 {
		t.Fatal("not due a period after its oldest part")
	}
}
