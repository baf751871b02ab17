package ui

import (
	"context"
	"sync"
	"time"

	"github.com/ecstui/ecstui/model"
)

// The context's store: what its pages know of the services, tasks and
// container instances of each cluster (and of the clusters), by ARN, with
// when each was fetched, and each scope's last complete listing. Every
// reply that lists or describes them writes it (on the UI goroutine);
// every page reads it. So the pages of one context share their data, not
// only their identical calls: a page opened next starts from what is known,
// marked with its age, while its own load runs, and no run describes again
// what another page described within the refresh interval (the services
// list, the port map, the service detail and the tasks views of a cluster
// describe each service and task at most once per interval between them).
// Runs read it from their own goroutines, hence the locks.

// stamped is an item and when it was fetched.
type stamped[T any] struct {
	v  T
	at time.Time
}

// listing is a scope's complete listing: the ids in the order listed.
type listing struct {
	ids []string
	at  time.Time
}

// shelf holds one kind of item of one cluster.
type shelf[T any] struct {
	mu    sync.Mutex
	id    func(T) string
	items map[string]stamped[T]
	lists map[string]listing // by scope ("" is the whole cluster)
	// kept, when set, sees every item put (on the putting goroutine).
	kept func([]T)
}

func newShelf[T any](id func(T) string) *shelf[T] {
	return &shelf[T]{id: id, items: map[string]stamped[T]{}, lists: map[string]listing{}}
}

// put keeps items fetched at at, unless the store holds a later fetch.
func (s *shelf[T]) put(at time.Time, items ...T) {
	if s.kept != nil && len(items) > 0 {
		s.kept(items)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range items {
		id := s.id(it)
		if id == "" {
			continue
		}
		if old, ok := s.items[id]; ok && old.at.After(at) {
			continue
		}
		s.items[id] = stamped[T]{v: it, at: at}
	}
}

// drop forgets items AWS reported missing at at (unless fetched since).
func (s *shelf[T]) drop(at time.Time, ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if old, ok := s.items[id]; ok && !old.at.After(at) {
			delete(s.items, id)
		}
	}
}

// listed records a scope's complete listing at at. A whole-cluster listing
// also forgets the items it no longer lists and that were not fetched
// since: they are gone.
func (s *shelf[T]) listed(scope string, ids []string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.lists[scope]; ok && old.at.After(at) {
		return
	}
	s.lists[scope] = listing{ids: ids, at: at}
	if scope != "" {
		return
	}
	in := make(map[string]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	for id, it := range s.items {
		if !in[id] && it.at.Before(at) {
			delete(s.items, id)
		}
	}
}

// get is an item and when it was fetched.
func (s *shelf[T]) get(id string) (T, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	return it.v, it.at, ok
}

// at is when an item was fetched (zero: never).
func (s *shelf[T]) at(id string) time.Time {
	_, t, _ := s.get(id)
	return t
}

// find is the latest fetched item matching ok.
func (s *shelf[T]) find(match func(T) bool) (T, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best stamped[T]
	found := false
	for _, it := range s.items {
		if match(it.v) && (!found || it.at.After(best.at)) {
			best, found = it, true
		}
	}
	return best.v, best.at, found
}

// all is every item held, in no order.
func (s *shelf[T]) all() []stamped[T] {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]stamped[T], 0, len(s.items))
	for _, it := range s.items {
		out = append(out, it)
	}
	return out
}

// listing is a scope's last complete listing: its own, or the whole
// cluster's narrowed by within (nil: the scope's own only), whichever is
// later. ids lists what the store holds of it, in the order listed.
func (s *shelf[T]) listing(scope string, within func(T) bool) (ids []string, at time.Time, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	own, hasOwn := s.lists[scope]
	whole, hasWhole := s.lists[""]
	if scope != "" && (within == nil || !hasWhole) {
		hasWhole = false
	}
	switch {
	case hasOwn && (!hasWhole || !whole.at.After(own.at)):
		return own.ids, own.at, true
	case hasWhole:
		if scope == "" {
			return whole.ids, whole.at, true
		}
		for _, id := range whole.ids {
			if it, ok := s.items[id]; ok && within(it.v) {
				ids = append(ids, id)
			}
		}
		return ids, whole.at, true
	}
	return nil, time.Time{}, false
}

// items returns the stamped items of ids the store holds, in order.
func (s *shelf[T]) stampedOf(ids []string) []stamped[T] {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]stamped[T], 0, len(ids))
	for _, id := range ids {
		if it, ok := s.items[id]; ok {
			out = append(out, it)
		}
	}
	return out
}

// resourceStore is one context's store (see above).
type resourceStore struct {
	mu        sync.Mutex
	services  map[string]*shelf[model.Service]
	tasks     map[string]*shelf[model.Task]
	instances map[string]*shelf[model.ContainerInstance]
	clusters  *shelf[model.Cluster]
	providers *shelf[model.CapacityProvider] // by name
	// instancesKept sees every container instance put (the tasks views'
	// instance labels).
	instancesKept func([]model.ContainerInstance)
}

func newResourceStore() *resourceStore {
	return &resourceStore{
		services:  map[string]*shelf[model.Service]{},
		tasks:     map[string]*shelf[model.Task]{},
		instances: map[string]*shelf[model.ContainerInstance]{},
		clusters:  newShelf(func(c model.Cluster) string { return c.Name }),
		providers: newShelf(func(c model.CapacityProvider) string { return c.Name }),
	}
}

func shelfOf[T any](mu *sync.Mutex, m map[string]*shelf[T], cluster string, id func(T) string, kept func([]T)) *shelf[T] {
	mu.Lock()
	defer mu.Unlock()
	s := m[cluster]
	if s == nil {
		s = newShelf(id)
		s.kept = kept
		m[cluster] = s
	}
	return s
}

// servicesOf is a cluster's services.
func (r *resourceStore) servicesOf(cluster string) *shelf[model.Service] {
	return shelfOf(&r.mu, r.services, cluster, func(s model.Service) string { return s.ARN }, nil)
}

// tasksOf is a cluster's tasks. Its whole-cluster listing is of the tasks
// ListTasks returns unfiltered (desired RUNNING).
func (r *resourceStore) tasksOf(cluster string) *shelf[model.Task] {
	return shelfOf(&r.mu, r.tasks, cluster, func(t model.Task) string { return t.ARN }, nil)
}

// instancesOf is a cluster's container instances (all statuses).
func (r *resourceStore) instancesOf(cluster string) *shelf[model.ContainerInstance] {
	return shelfOf(&r.mu, r.instances, cluster, func(ci model.ContainerInstance) string { return ci.ARN }, r.instancesKept)
}

// fresh reports whether a fetch at at is within the refresh interval of now.
func fresh(at, now time.Time, interval time.Duration) bool {
	return !at.IsZero() && now.Sub(at) < interval
}

// knownFresh returns the store's copies of ids, with when each was
// fetched, when every one was fetched within interval of the run's start
// (ctx): a describe of them all would only repeat another's. A run the
// user asked for (refetching) takes nothing from the store.
func knownFresh[T any](ctx context.Context, s *shelf[T], ids []string, interval time.Duration) ([]T, map[string]time.Time, bool) {
	now := runStart(ctx)
	if now.IsZero() || refetching(ctx) || len(ids) == 0 {
		return nil, nil, false
	}
	st := s.stampedOf(ids)
	if len(st) != len(ids) {
		return nil, nil, false
	}
	items := make([]T, len(st))
	at := make(map[string]time.Time, len(st))
	for i, it := range st {
		if !fresh(it.at, now, interval) {
			return nil, nil, false
		}
		items[i], at[s.id(it.v)] = it.v, it.at
	}
	return items, at, true
}

// missingIDs are the ids a describe reported MISSING.
func missingIDs(fails []model.Failure) []string {
	var out []string
	for _, f := range fails {
		if f.Reason == "MISSING" && f.ARN != "" {
			out = append(out, f.ARN)
		}
	}
	return out
}
