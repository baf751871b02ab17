package aws

import (
	"context"
	"sync"
	"time"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// targetCache keeps what DescribeScalableTargets said of each ECS service
// (its target, or that it has none), so that the pulse's bounds of a
// cluster's services and a service detail's target are one read: the
// pulse, which looks every few seconds, asks about a service at most once
// per targetFresh, and a detail opened within that takes the pulse's
// answer. A change made through this client replaces its entry; a read
// marked awsapi.Uncached (a mutation's plan) always asks.
type targetCache struct {
	mu      sync.Mutex
	entries map[string]targetEntry // by resource id
}

// targetFresh is how long an answer is kept: min, max and the suspended
// state change rarely, and a service detail re-reads its target as often.
const targetFresh = time.Minute

type targetEntry struct {
	target *model.ScalableTarget // nil: the service has no scalable target
	at     time.Time
}

// split returns the cached targets among rids and the rids to describe.
// When some must be described, those at least half targetFresh old are
// described in the same call, so the services of a cluster stay in step
// (one call a minute, not one per service a detail read at its own time).
func (tc *targetCache) split(rids []string, now time.Time) (known []model.ScalableTarget, stale []string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	var aging []string
	var agingKnown []model.ScalableTarget
	for _, rid := range rids {
		e, ok := tc.entries[rid]
		age := now.Sub(e.at)
		switch {
		case !ok || age >= targetFresh || age < 0:
			stale = append(stale, rid)
			continue
		case age >= targetFresh/2:
			aging = append(aging, rid)
			if e.target != nil {
				agingKnown = append(agingKnown, *e.target)
			}
			continue
		}
		if e.target != nil {
			known = append(known, *e.target)
		}
	}
	if len(stale) == 0 {
		return append(known, agingKnown...), nil
	}
	return known, append(stale, aging...)
}

// keep records the answer for the rids described: those it lacks have none.
func (tc *targetCache) keep(rids []string, got []model.ScalableTarget, at time.Time) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.entries == nil {
		tc.entries = map[string]targetEntry{}
	}
	for _, rid := range rids {
		tc.entries[rid] = targetEntry{at: at}
	}
	for _, t := range got {
		t := t
		tc.entries[t.ResourceID] = targetEntry{target: &t, at: at}
	}
}

func (tc *targetCache) forget(rid string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	delete(tc.entries, rid)
}

// scalableTargets describes the ECS scalable targets with the given
// resource ids, 50 per call (the API's limit), taking from the cache those
// described within targetFresh.
func (c *Client) scalableTargets(ctx context.Context, rids []string) ([]model.ScalableTarget, error) {
	now := awsapi.NowOf(ctx)
	known, stale := []model.ScalableTarget(nil), rids
	if !awsapi.IsUncached(ctx) {
		known, stale = c.targets.split(rids, now)
	}
	if len(stale) == 0 {
		return known, nil
	}
	got, err := c.describeScalableTargets(ctx, stale)
	if err != nil {
		return nil, err
	}
	c.targets.keep(stale, got, now)
	return append(known, got...), nil
}
