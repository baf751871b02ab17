// Package sched is the console's refresh scheduler: one per connected
// context (account and region), shared by every page of the process. Pages
// do not poll; they state their needs — "this call, this often, because it
// is on screen" — and the scheduler decides what to call and when: it runs
// first loads at once, keeps what is on screen (and what is deploying)
// within the refresh interval, sweeps everything else in the background at
// what the remaining budget allows, shares one run between pages that need
// the same call, and spends, at steady state, at most a share (default 10 %)
// of each ECS throttle bucket's sustained rate and at most one call per
// second of EC2, Auto Scaling and ELBv2 describes. After AWS throttles a
// call it backs off further.
//
// The scheduler only plans: Due hands out the runs to start now, the caller
// runs them (in tea.Cmds) and reports Done. It is not safe for concurrent
// use; the console owns it on the UI goroutine, so its clock can be the
// tests' manual clock.
package sched

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ecstui/ecstui/aws/quota"
)

// Class is how urgently a need is served.
type Class int

const (
	// FirstLoad is a page's first data: started at once, on the adapter's
	// own (full) client-side budget, so a view appears as fast as the API
	// allows. It is not charged to the share.
	FirstLoad Class = iota
	// Visible is data on screen, or being watched (a deployment in
	// progress): refreshed every Every, first in line for the share.
	Visible
	// Background is the sweep: run when due and the share has tokens left
	// after keeping the Visible needs' next interval in reserve.
	Background
)

func (c Class) String() string {
	switch c {
	case FirstLoad:
		return "first-load"
	case Visible:
		return "visible"
	}
	return "background"
}

// Cost is how many calls one run makes per bucket (for a list, the pages
// the last listing took).
type Cost map[quota.Bucket]int

// Need is one call, or a short fixed group of calls, a page wants made.
type Need struct {
	// Key identifies the data: two pages stating needs with one key share
	// one run (and one result).
	Key   string
	Class Class
	Cost  Cost
	// Every is the period wanted (0: the refresh interval). A need runs at
	// most this often; after failures, at doubling periods up to a minute.
	Every time.Duration
	// Since, when set, is when the data was last fetched by other means (a
	// first load that also fetched it): the need is first due a period after.
	Since time.Time
	// DataAt, when set, is when the oldest part of the data the need keeps
	// fresh was fetched, when that is before its last run ended (the run
	// took parts another page had fetched within the period): the need is
	// due a period after it, so no part gets older than the period.
	DataAt time.Time
	// Run makes the calls. emit may be called with partial results (a big
	// first load streams its first rows); the final result is returned.
	Run func(ctx context.Context, emit func(any)) (any, error)
}

// Start is a run handed out by Due.
type Start struct {
	Key   string
	ID    uint64 // this run; Done must name it
	Class Class
	Run   func(ctx context.Context, emit func(any)) (any, error)
}

// Options configure a Scheduler.
type Options struct {
	// Share of each ECS throttle bucket's sustained rate spent at steady
	// state, in (0, 1]. Default 0.10.
	Share float64
	// Interval is the refresh interval of Visible needs (default 5s).
	Interval time.Duration
	// OtherRate is the calls per second allowed for each of EC2, Auto
	// Scaling and ELBv2 describes (default 1).
	OtherRate float64
}

// DefaultShare is the part of the account's ECS budget the console uses.
const DefaultShare = 0.10

// maxBackoff caps the period of a failing need.
const maxBackoff = time.Minute

// recoverAfter is how long a bucket must go without a throttle before the
// scheduler doubles its rate back towards the share.
const recoverAfter = time.Minute

// minThrottleFactor bounds how far a throttled bucket's rate is halved.
const minThrottleFactor = 1.0 / 16

// usageWindow is the window the share in use is measured over.
const usageWindow = time.Minute

// Scheduler plans the calls of one context. Use New.
type Scheduler struct {
	o       Options
	budgets map[quota.Bucket]*budget
	owners  map[uint64][]Need
	state   map[string]*needState
	runs    uint64
	spent   []spend // Visible and Background calls within usageWindow
}

type needState struct {
	need     Need
	running  uint64 // the run in flight, 0 when none
	lastDone time.Time
	ran      bool
	forced   bool
	failures int
	err      error
}

type spend struct {
	at time.Time
	b  quota.Bucket
	n  int
}

// New returns a scheduler spending o.Share of ECS's buckets (package quota).
func New(o Options) (*Scheduler, error) {
	if o.Share == 0 {
		o.Share = DefaultShare
	}
	if o.Share < 0 || o.Share > 1 || math.IsNaN(o.Share) {
		return nil, fmt.Errorf("API budget share %v is outside (0%%, 100%%]", o.Share)
	}
	if o.Interval <= 0 {
		o.Interval = 5 * time.Second
	}
	if o.OtherRate <= 0 {
		o.OtherRate = 1
	}
	s := &Scheduler{o: o, budgets: map[quota.Bucket]*budget{}, owners: map[uint64][]Need{}, state: map[string]*needState{}}
	for b, spec := range quota.ECS {
		s.budgets[b] = newBudget(spec.Rate*o.Share, max(int(float64(spec.Burst)*o.Share), 1))
	}
	for _, b := range []quota.Bucket{quota.EC2Read, quota.AutoScalingRead, quota.ELBRead, quota.CloudWatchRead, quota.AppScalingRead} {
		s.budgets[b] = newBudget(o.OtherRate, max(int(o.OtherRate), 1))
	}
	return s, nil
}

// Share is the configured share of ECS's buckets.
func (s *Scheduler) Share() float64 { return s.o.Share }

// Interval is the refresh interval of Visible needs.
func (s *Scheduler) Interval() time.Duration { return s.o.Interval }

// Rate is the calls per second the scheduler allows a bucket at steady
// state now (the share, lowered after throttling).
func (s *Scheduler) Rate(b quota.Bucket) float64 {
	if bu := s.budgets[b]; bu != nil {
		return float64(bu.rate())
	}
	return 0
}

// Burst is how many calls of a bucket the scheduler may make at once.
func (s *Scheduler) Burst(b quota.Bucket) int {
	if bu := s.budgets[b]; bu != nil {
		return bu.burst
	}
	return 0
}

// Set replaces the needs of one owner (a page). It returns the keys no
// owner needs any more: the caller cancels their runs.
func (s *Scheduler) Set(owner uint64, needs []Need) (orphaned []string) {
	before := s.keysOf(owner)
	if len(needs) == 0 {
		delete(s.owners, owner)
	} else {
		s.owners[owner] = slices.Clone(needs)
	}
	for _, n := range needs {
		st := s.state[n.Key]
		if st == nil {
			st = &needState{}
			s.state[n.Key] = st
		}
		st.need = n
	}
	return s.prune(before)
}

// Drop removes every need of an owner.
func (s *Scheduler) Drop(owner uint64) (orphaned []string) { return s.Set(owner, nil) }

func (s *Scheduler) keysOf(owner uint64) []string {
	var out []string
	for _, n := range s.owners[owner] {
		out = append(out, n.Key)
	}
	return out
}

// prune forgets the state of keys (among candidates) no owner needs.
func (s *Scheduler) prune(candidates []string) []string {
	var gone []string
	for _, k := range candidates {
		if _, ok := s.state[k]; !ok || s.needed(k) {
			continue
		}
		delete(s.state, k)
		gone = append(gone, k)
	}
	return gone
}

func (s *Scheduler) needed(key string) bool {
	for _, ns := range s.owners {
		for _, n := range ns {
			if n.Key == key {
				return true
			}
		}
	}
	return false
}

// merged is the effective need of a key over its owners: the most urgent
// class and the shortest period.
func (s *Scheduler) merged() map[string]Need {
	out := map[string]Need{}
	for _, ns := range s.owners {
		for _, n := range ns {
			if n.Every <= 0 {
				n.Every = s.o.Interval
			}
			m, ok := out[n.Key]
			if !ok {
				out[n.Key] = n
				continue
			}
			if n.Class < m.Class {
				m.Class, m.Run, m.Cost = n.Class, n.Run, n.Cost
			}
			if n.Since.Before(m.Since) {
				m.Since = n.Since
			}
			if !n.DataAt.IsZero() && (m.DataAt.IsZero() || n.DataAt.Before(m.DataAt)) {
				m.DataAt = n.DataAt
			}
			m.Every = min(m.Every, n.Every)
			out[n.Key] = m
		}
	}
	return out
}

// Kick makes a need due now whatever its period and the budget (a refresh
// the user asked for); it still spends the budget.
func (s *Scheduler) Kick(key string) {
	if st := s.state[key]; st != nil {
		st.forced = true
	}
}

// period is when a need is next due after its last run.
func period(n Need, failures int) time.Duration {
	d := n.Every
	for i := 0; i < failures && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, max(maxBackoff, n.Every))
}

// dueAt is when key may next run ignoring the budget (zero: now).
func (s *Scheduler) dueAt(n Need, st *needState) time.Time {
	if st.forced {
		return time.Time{}
	}
	base := n.Since
	if st.ran && st.lastDone.After(base) {
		base = st.lastDone
	}
	if !n.DataAt.IsZero() && n.DataAt.Before(base) {
		base = n.DataAt
	}
	if base.IsZero() {
		return time.Time{}
	}
	return base.Add(period(n, st.failures))
}

// Due returns the runs to start now and spends their budget: first loads
// and forced runs at once, then Visible needs most overdue first, then
// Background needs oldest first while the share has tokens beyond the
// Visible needs' reserve.
func (s *Scheduler) Due(now time.Time) []Start {
	s.recover(now)
	type cand struct {
		key string
		n   Need
		st  *needState
		at  time.Time
	}
	var cands []cand
	for k, n := range s.merged() {
		st := s.state[k]
		if st == nil || st.running != 0 {
			continue
		}
		if at := s.dueAt(n, st); !at.After(now) {
			cands = append(cands, cand{k, n, st, at})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		if c := cmp.Compare(a.n.Class, b.n.Class); c != 0 {
			return c
		}
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	s.split(now)
	var out []Start
	for _, c := range cands {
		free := c.n.Class == FirstLoad || c.st.forced
		if !free && !s.affordable(c.n, now) {
			continue
		}
		if c.n.Class != FirstLoad {
			s.charge(c.n.Cost, c.n.Class == Background, now)
		}
		s.runs++
		c.st.running = s.runs
		c.st.forced = false
		out = append(out, Start{Key: c.key, ID: s.runs, Class: c.n.Class, Run: c.n.Run})
	}
	return out
}

// reserve is what the Visible needs spend per bucket in one interval: the
// sweep leaves it in the bucket, so what is on screen is never late because
// the sweep took the tokens.
func (s *Scheduler) reserve() map[quota.Bucket]float64 {
	out := map[quota.Bucket]float64{}
	for _, n := range s.merged() {
		if n.Class != Visible {
			continue
		}
		runs := float64(s.o.Interval) / float64(max(n.Every, s.o.Interval))
		for b, c := range n.Cost {
			out[b] += float64(c) * runs
		}
	}
	return out
}

// affordable reports whether every bucket of the need's cost has the
// tokens in the need's part of the share.
func (s *Scheduler) affordable(n Need, now time.Time) bool {
	for b, c := range n.Cost {
		if bu := s.budgets[b]; bu != nil && c > 0 && !bu.affords(c, n.Class == Background, now) {
			return false
		}
	}
	return true
}

// charge spends a cost from the need's part of the share.
func (s *Scheduler) charge(c Cost, background bool, now time.Time) {
	for b, n := range c {
		bu := s.budgets[b]
		if bu == nil || n <= 0 {
			continue
		}
		bu.spend(n, background, now)
		s.spent = append(s.spent, spend{at: now, b: b, n: n})
	}
	s.trim(now)
}

// split gives each bucket's Visible part the rate its Visible needs spend
// per interval, and the sweep the rest of the share.
func (s *Scheduler) split(now time.Time) {
	reserve := s.reserve()
	for b, bu := range s.budgets {
		bu.split(reserve[b]/s.o.Interval.Seconds(), now)
	}
}

func (s *Scheduler) trim(now time.Time) {
	i := 0
	for i < len(s.spent) && now.Sub(s.spent[i].at) >= usageWindow {
		i++
	}
	s.spent = s.spent[i:]
}

// Done records the end of a run. A throttled run (throttled reports whether
// err says AWS throttled it) halves the rate of its buckets; a failed run
// doubles its need's period. Done for a run that is not the latest of its
// key, or of a key no page needs any more, is ignored and reports false.
func (s *Scheduler) Done(key string, id uint64, now time.Time, err error, throttled bool) bool {
	st := s.state[key]
	if st == nil || st.running != id {
		return false
	}
	st.running = 0
	st.ran = true
	st.lastDone = now
	st.err = err
	if err != nil {
		st.failures++
	} else {
		st.failures = 0
	}
	if throttled {
		for b := range st.need.Cost {
			if bu := s.budgets[b]; bu != nil {
				bu.factor = max(bu.factor/2, minThrottleFactor)
				bu.throttle = now
				bu.apply(now)
			}
		}
	}
	return true
}

// recover doubles a throttled bucket's rate after each quiet minute.
func (s *Scheduler) recover(now time.Time) {
	for _, bu := range s.budgets {
		if bu.factor < 1 && now.Sub(bu.throttle) >= recoverAfter {
			bu.factor = min(bu.factor*2, 1)
			bu.throttle = now
			bu.apply(now)
		}
	}
}

// Next is when Due should next be asked: the earliest time a need falls
// due, or its buckets have the tokens. Zero when nothing is waiting.
func (s *Scheduler) Next(now time.Time) time.Time {
	var next time.Time
	earlier := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	s.split(now)
	for k, n := range s.merged() {
		st := s.state[k]
		if st == nil || st.running != 0 {
			continue
		}
		at := s.dueAt(n, st)
		if at.Before(now) {
			at = now
		}
		if n.Class != FirstLoad && !st.forced {
			at = s.fundedAt(n, at)
		}
		earlier(at)
	}
	for _, bu := range s.budgets {
		if bu.factor < 1 {
			earlier(bu.throttle.Add(recoverAfter))
		}
	}
	return next
}

// fundedAt is the first time from t at which the need's buckets hold its cost.
func (s *Scheduler) fundedAt(n Need, t time.Time) time.Time {
	out := t
	for b, c := range n.Cost {
		bu := s.budgets[b]
		if bu == nil || c <= 0 {
			continue
		}
		if at := bu.fundedAt(c, n.Class == Background, t); at.After(out) {
			out = at
		}
	}
	return out
}

// NeedState is what a page shows about one of its needs.
type NeedState struct {
	Running  bool
	Ran      bool
	LastDone time.Time
	Err      error
	Failures int
}

// State reports a need's state (zero when unknown).
func (s *Scheduler) State(key string) NeedState {
	st := s.state[key]
	if st == nil {
		return NeedState{}
	}
	return NeedState{Running: st.running != 0, Ran: st.ran, LastDone: st.lastDone, Err: st.err, Failures: st.failures}
}

// Status is what the header says about the budget.
type Status struct {
	Share float64 // the configured share of ECS's sustained rates
	// InUse is the largest part of any ECS bucket's sustained rate that
	// steady-state refreshes spent per second over the last minute.
	InUse float64
	// Throttled names the buckets running below the share after AWS
	// throttled a call (backing off), sorted.
	Throttled []quota.Bucket
}

// Status reports the share in use and any back-off at now.
func (s *Scheduler) Status(now time.Time) Status {
	s.trim(now)
	per := map[quota.Bucket]int{}
	for _, sp := range s.spent {
		per[sp.b] += sp.n
	}
	st := Status{Share: s.o.Share}
	for b, n := range per {
		spec, ok := quota.ECS[b]
		if !ok {
			continue
		}
		st.InUse = max(st.InUse, float64(n)/usageWindow.Seconds()/spec.Rate)
	}
	for b, bu := range s.budgets {
		if bu.factor < 1 {
			st.Throttled = append(st.Throttled, b)
		}
	}
	slices.Sort(st.Throttled)
	return st
}
