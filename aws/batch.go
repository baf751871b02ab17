package aws

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/ecstui/ecstui/model"
)

// describeFunc describes one batch of identifiers (at most the API's batch size).
type describeFunc[T any] func(ctx context.Context, ids []string) ([]T, []model.Failure, error)

// pager yields list pages in order until the list ends or it returns an error.
type pager func(ctx context.Context, page func(ids []string)) error

// listAndDescribe pages through a list sequentially (that chain is the
// critical path no client can shorten) and, as each page arrives, describes
// its identifiers in batches of size concurrently, at most c.conc in flight.
// Describing overlaps listing, so the wall time approaches the list chain.
// Results come back in list order whatever order the batches finish in.
func listAndDescribe[T any](ctx context.Context, c *Client, list pager, size int, describe describeFunc[T], onBatch func([]T)) ([]T, []model.Failure, error) {
	g, gctx := errgroup.WithContext(ctx)
	sem := make(chan struct{}, c.conc)
	var mu sync.Mutex
	var results [][]T
	var failures [][]model.Failure
	launch := func(ids []string) {
		mu.Lock()
		slot := len(results)
		results = append(results, nil)
		failures = append(failures, nil)
		mu.Unlock()
		g.Go(func() error {
			select {
			case sem <- struct{}{}:
			case <-gctx.Done():
				return gctx.Err()
			}
			defer func() { <-sem }()
			items, fails, err := describe(gctx, ids)
			if err != nil {
				return err
			}
			mu.Lock()
			results[slot], failures[slot] = items, fails
			mu.Unlock()
			if onBatch != nil && len(items) > 0 {
				onBatch(items)
			}
			return nil
		})
	}
	var pending []string
	listErr := list(gctx, func(ids []string) {
		pending = append(pending, ids...)
		for len(pending) >= size {
			launch(pending[:size:size])
			pending = pending[size:]
		}
	})
	if listErr == nil && len(pending) > 0 {
		launch(pending)
	}
	// A failed describe cancels the listing, so its error is the cause.
	if err := g.Wait(); err != nil {
		return nil, nil, wrapErr(err)
	}
	if listErr != nil {
		return nil, nil, wrapErr(listErr)
	}
	var out []T
	var outF []model.Failure
	for i := range results {
		out = append(out, results[i]...)
		outF = append(outF, failures[i]...)
	}
	return out, outF, nil
}

// describeAll describes known identifiers in batches of size, concurrently.
func describeAll[T any](ctx context.Context, c *Client, ids []string, size int, describe describeFunc[T]) ([]T, []model.Failure, error) {
	list := func(_ context.Context, page func([]string)) error {
		if len(ids) > 0 {
			page(ids)
		}
		return nil
	}
	return listAndDescribe(ctx, c, list, size, describe, nil)
}

// chunks splits ids into slices of at most n.
func chunks(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}
