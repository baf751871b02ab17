package ui

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ecstui/ecstui/model"
)

// Reads through the store: a scope (a cluster's services, the tasks of a
// service…) is listed, or taken from the store when its listing there is
// within the refresh interval, and only the items the store does not hold
// from within the interval are described. When the store holds nothing of
// the scope from within the interval, the adapter's own pipelined listing
// is used, unchanged: a read makes exactly the API minimum of calls given
// what is known.

// runStartKey carries, in a run's context, the scheduler's clock when the
// run started (runs cannot read the clock: it belongs to the UI goroutine).
type runStartKey struct{}

func withRunStart(ctx context.Context, at time.Time) context.Context {
	return context.WithValue(ctx, runStartKey{}, at)
}

// runStart is when the run of ctx started (zero outside a run).
func runStart(ctx context.Context) time.Time {
	t, _ := ctx.Value(runStartKey{}).(time.Time)
	return t
}

// refetchKey marks a run the user asked for (ctrl+r): it reads everything
// again rather than take what the store holds.
type refetchKey struct{}

func withRefetch(ctx context.Context) context.Context {
	return context.WithValue(ctx, refetchKey{}, true)
}

func refetching(ctx context.Context) bool { return ctx.Value(refetchKey{}) != nil }

// visibleKey carries, in a background run's context, the ids a Visible
// need of the same page refreshes every interval (the rows on screen): the
// run takes the store's copies of those rather than describe them too.
type visibleKey struct{}

func withVisible(ctx context.Context, ids map[string]bool) context.Context {
	return context.WithValue(ctx, visibleKey{}, ids)
}

func visibleIn(ctx context.Context) map[string]bool {
	m, _ := ctx.Value(visibleKey{}).(map[string]bool)
	return m
}

// describeParallelism bounds the describe calls one read has in flight.
const describeParallelism = 8

// scopeSource says how one scope of one kind of item is read.
type scopeSource[T any] struct {
	shelf *shelf[T]
	scope string
	// within narrows the whole cluster's listing to the scope (nil: the
	// scope's own listing only); it also filters described items, as the
	// adapter does (a server may ignore a list filter).
	within   func(T) bool
	batch    int // ids per describe call
	interval time.Duration
	list     func(ctx context.Context, token string) (ids []string, next string, err error)
	describe func(ctx context.Context, ids []string) ([]T, []model.Failure, error)
	// whole is the adapter's listing of the scope, for a scope the store
	// knows nothing of.
	whole func(ctx context.Context, onBatch func([]T)) ([]T, []model.Failure, error)
}

// scoped is a read's answer.
type scoped[T any] struct {
	items []T // in the order listed
	fails []model.Failure
	// reused are the items taken from the store, with when they were
	// fetched: recording the answer keeps their age.
	reused map[string]time.Time
	// listed: the scope was listed now (not taken from the store).
	listed bool
}

// oldest is when the least recently fetched item was fetched: at, unless
// an item taken from the store is older.
func (r scoped[T]) oldest(at time.Time) time.Time {
	for _, t := range r.reused {
		if t.Before(at) {
			at = t
		}
	}
	return at
}

// read lists the scope and describes what the store lacks (see above);
// onBatch, when set, receives items as they come.
func (s scopeSource[T]) read(ctx context.Context, onBatch func([]T)) (scoped[T], error) {
	now, visible := runStart(ctx), visibleIn(ctx)
	known, listedAt, ok := s.shelf.listing(s.scope, s.within)
	if !ok || now.IsZero() || refetching(ctx) || !fresh(listedAt, now, s.interval) && !s.anyFresh(known, now, visible) {
		items, fails, err := s.whole(ctx, onBatch)
		return scoped[T]{items: items, fails: fails, listed: true}, err
	}
	out := scoped[T]{reused: map[string]time.Time{}}
	var (
		mu     sync.Mutex
		byID   = map[string]T{}
		order  []string
		seen   = map[string]bool{}
		failed []model.Failure
	)
	take := func(items []T) {
		mu.Lock()
		for _, it := range items {
			byID[s.shelf.id(it)] = it
		}
		mu.Unlock()
		if onBatch != nil && len(items) > 0 {
			onBatch(items)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	sem := make(chan struct{}, describeParallelism)
	launch := func(ids []string) {
		g.Go(func() error {
			select {
			case sem <- struct{}{}:
			case <-gctx.Done():
				return gctx.Err()
			}
			defer func() { <-sem }()
			items, fails, err := s.describe(gctx, ids)
			if err != nil {
				return err
			}
			if s.within != nil {
				items = slices.DeleteFunc(items, func(it T) bool { return !s.within(it) })
			}
			mu.Lock()
			failed = append(failed, fails...)
			mu.Unlock()
			take(items)
			return nil
		})
	}
	var pending []string
	page := func(ids []string) {
		var reused []T
		for _, id := range ids {
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			order = append(order, id)
			if it, at, ok := s.shelf.get(id); ok && (fresh(at, now, s.interval) || visible[id]) {
				reused = append(reused, it)
				out.reused[id] = at
				continue
			}
			pending = append(pending, id)
			for len(pending) >= s.batch {
				launch(pending[:s.batch:s.batch])
				pending = pending[s.batch:]
			}
		}
		take(reused)
	}
	var listErr error
	if fresh(listedAt, now, s.interval) {
		page(known)
	} else {
		out.listed = true
		for token, first := "", true; first || token != ""; first = false {
			var ids []string
			if ids, token, listErr = s.list(gctx, token); listErr != nil {
				break
			}
			page(ids)
		}
	}
	if listErr == nil && len(pending) > 0 {
		launch(pending)
	}
	if err := g.Wait(); err != nil {
		return scoped[T]{}, err
	}
	if listErr != nil {
		return scoped[T]{}, listErr
	}
	for _, id := range order {
		if it, ok := byID[id]; ok {
			out.items = append(out.items, it)
		}
	}
	out.fails = failed
	return out, nil
}

// anyFresh reports whether the store holds one of ids from within the
// interval: otherwise the adapter's listing makes the same calls.
func (s scopeSource[T]) anyFresh(ids []string, now time.Time, visible map[string]bool) bool {
	for _, st := range s.shelf.stampedOf(ids) {
		if fresh(st.at, now, s.interval) || visible[s.shelf.id(st.v)] {
			return true
		}
	}
	return false
}

// record writes a read's answer, received at at, to the store: the items
// described now, the ones reported missing, and the listing if made now.
func (r scoped[T]) record(s *shelf[T], scope string, at time.Time) {
	var now []T
	ids := make([]string, 0, len(r.items))
	for _, it := range r.items {
		id := s.id(it)
		ids = append(ids, id)
		if _, ok := r.reused[id]; !ok {
			now = append(now, it)
		}
	}
	s.put(at, now...)
	s.drop(at, missingIDs(r.fails)...)
	if r.listed {
		s.listed(scope, ids, at)
	}
}

// The sources of the three kinds the store holds.

func (e *env) servicesSource(b Backend, cluster string) scopeSource[model.Service] {
	return scopeSource[model.Service]{
		shelf: e.store.servicesOf(cluster), batch: 10, interval: e.loop.sched.Interval(),
		list: func(ctx context.Context, token string) ([]string, string, error) {
			return b.ListServicesPage(ctx, cluster, token)
		},
		describe: func(ctx context.Context, ids []string) ([]model.Service, []model.Failure, error) {
			return b.DescribeServices(ctx, cluster, ids)
		},
		whole: func(ctx context.Context, onBatch func([]model.Service)) ([]model.Service, []model.Failure, error) {
			return b.Services(ctx, cluster, onBatch)
		},
	}
}

// taskScope names a task filter's scope in the store, and how the whole
// cluster's listing narrows to it (nil: it cannot, e.g. stopped tasks,
// which the unfiltered listing leaves out).
func taskScope(f model.TaskFilter) (string, func(model.Task) bool) {
	if f.DesiredStatus != "" && f.DesiredStatus != model.StatusRunning || f.Family != "" || f.StartedBy != "" {
		return "filter:" + f.ServiceName + ":" + f.ContainerInstance + ":" + f.Family + ":" + f.StartedBy + ":" + f.DesiredStatus, nil
	}
	if f.ServiceName == "" && f.ContainerInstance == "" {
		return "", nil
	}
	within := func(t model.Task) bool {
		if f.ServiceName != "" && t.Group != "" && t.Group != "service:"+f.ServiceName {
			return false
		}
		return f.ContainerInstance == "" || t.ContainerInstanceARN == "" || t.ContainerInstanceARN == f.ContainerInstance ||
			model.ResourceID(t.ContainerInstanceARN) == model.ResourceID(f.ContainerInstance)
	}
	return "service:" + f.ServiceName + "|instance:" + f.ContainerInstance, within
}

func (e *env) tasksSource(b Backend, cluster string, f model.TaskFilter) scopeSource[model.Task] {
	scope, within := taskScope(f)
	desired := cmp.Or(f.DesiredStatus, model.StatusRunning)
	keep := func(t model.Task) bool {
		return (within == nil || within(t)) && (t.DesiredStatus == "" || t.DesiredStatus == desired)
	}
	return scopeSource[model.Task]{
		shelf: e.store.tasksOf(cluster), scope: scope, within: within, batch: 100, interval: e.loop.sched.Interval(),
		list: func(ctx context.Context, token string) ([]string, string, error) {
			return b.ListTasksPage(ctx, cluster, f, token)
		},
		describe: func(ctx context.Context, ids []string) ([]model.Task, []model.Failure, error) {
			ts, fails, err := b.DescribeTasks(ctx, cluster, ids)
			return slices.DeleteFunc(ts, func(t model.Task) bool { return !keep(t) }), fails, err
		},
		whole: func(ctx context.Context, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error) {
			return b.Tasks(ctx, cluster, f, onBatch)
		},
	}
}

// instancesSource reads a cluster's container instances of every status.
func (e *env) instancesSource(b Backend, cluster string) scopeSource[model.ContainerInstance] {
	return scopeSource[model.ContainerInstance]{
		shelf: e.store.instancesOf(cluster), batch: 100, interval: e.loop.sched.Interval(),
		list: func(ctx context.Context, token string) ([]string, string, error) {
			return b.ListContainerInstancesPage(ctx, cluster, "", token)
		},
		describe: func(ctx context.Context, ids []string) ([]model.ContainerInstance, []model.Failure, error) {
			return b.DescribeContainerInstances(ctx, cluster, ids)
		},
		whole: func(ctx context.Context, _ func([]model.ContainerInstance)) ([]model.ContainerInstance, []model.Failure, error) {
			return b.ContainerInstances(ctx, cluster, "")
		},
	}
}

// storeReader is the port map's gather.Reader: the cluster's services,
// running tasks and instances read through the store, the rest straight
// from the backend. It keeps each answer for the page to record.
type storeReader struct {
	Backend
	e *env

	mu        sync.Mutex
	services  *scoped[model.Service]
	tasks     *scoped[model.Task]
	instances *scoped[model.ContainerInstance]
}

func (r *storeReader) Services(ctx context.Context, cluster string, onBatch func([]model.Service)) ([]model.Service, []model.Failure, error) {
	got, err := r.e.servicesSource(r.Backend, cluster).read(ctx, onBatch)
	if err != nil {
		return nil, nil, err
	}
	r.mu.Lock()
	r.services = &got
	r.mu.Unlock()
	return got.items, got.fails, nil
}

func (r *storeReader) Tasks(ctx context.Context, cluster string, f model.TaskFilter, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error) {
	got, err := r.e.tasksSource(r.Backend, cluster, f).read(ctx, onBatch)
	if err != nil {
		return nil, nil, err
	}
	if f == (model.TaskFilter{}) {
		r.mu.Lock()
		r.tasks = &got
		r.mu.Unlock()
	}
	return got.items, got.fails, nil
}

func (r *storeReader) ContainerInstances(ctx context.Context, cluster string, status string) ([]model.ContainerInstance, []model.Failure, error) {
	if status != "" {
		return r.Backend.ContainerInstances(ctx, cluster, status)
	}
	got, err := r.e.instancesSource(r.Backend, cluster).read(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	r.mu.Lock()
	r.instances = &got
	r.mu.Unlock()
	return got.items, got.fails, nil
}

// record writes what the reads fetched to the store (on the UI goroutine).
func (r *storeReader) record(cluster string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.services != nil {
		r.services.record(r.e.store.servicesOf(cluster), "", at)
	}
	if r.tasks != nil {
		r.tasks.record(r.e.store.tasksOf(cluster), "", at)
	}
	if r.instances != nil {
		r.instances.record(r.e.store.instancesOf(cluster), "", at)
	}
}

// oldest is when the least recently fetched item the reads returned was
// fetched (at, unless some came from the store).
func (r *storeReader) oldest(at time.Time) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.services != nil {
		at = r.services.oldest(at)
	}
	if r.tasks != nil {
		at = r.tasks.oldest(at)
	}
	if r.instances != nil {
		at = r.instances.oldest(at)
	}
	return at
}
