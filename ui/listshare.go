package ui

import (
	"context"
	"time"

	"github.com/ecstui/ecstui/model"
)

// listShare links a list page to the context's store (store.go): the page
// starts from what the store holds of its scope, reads through it, and
// writes what it fetches.
type listShare[T any] struct {
	// seed is what the store holds of the scope: its items in the order
	// last listed, when each was fetched, and when the listing was made.
	seed func() (items []T, stamps map[string]time.Time, listedAt time.Time, ok bool)
	// read is the page's fetch through the store.
	read func(ctx context.Context, onBatch func([]T)) (listData[T], error)
	// record writes a read's answer, received at at.
	record func(d listData[T], at time.Time)
	// rows writes a describe's answer (a refresh by id).
	rows func(items []T, fails []model.Failure, at time.Time)
	// listed writes a complete listing of the scope made at at.
	listed func(ids []string, at time.Time)
	// get is the store's copy of an item and when it was fetched.
	get func(id string) (T, time.Time, bool)
	// known is knownFresh of the scope's shelf.
	known func(ctx context.Context, ids []string) ([]T, map[string]time.Time, bool)
}

// shareOf links a page of items T to a source of the store's items S.
func shareOf[S, T any](src scopeSource[S], wrap func(S) T, unwrap func(T) S) *listShare[T] {
	wrapAll := func(ss []S) []T {
		out := make([]T, len(ss))
		for i, s := range ss {
			out[i] = wrap(s)
		}
		return out
	}
	unwrapAll := func(ts []T) []S {
		out := make([]S, len(ts))
		for i, t := range ts {
			out[i] = unwrap(t)
		}
		return out
	}
	return &listShare[T]{
		seed: func() ([]T, map[string]time.Time, time.Time, bool) {
			ids, at, ok := src.shelf.listing(src.scope, src.within)
			if !ok {
				return nil, nil, time.Time{}, false
			}
			st := src.shelf.stampedOf(ids)
			items := make([]T, len(st))
			stamps := make(map[string]time.Time, len(st))
			for i, s := range st {
				items[i] = wrap(s.v)
				stamps[src.shelf.id(s.v)] = s.at
			}
			return items, stamps, at, true
		},
		read: func(ctx context.Context, onBatch func([]T)) (listData[T], error) {
			var each func([]S)
			if onBatch != nil {
				each = func(ss []S) { onBatch(wrapAll(ss)) }
			}
			r, err := src.read(ctx, each)
			if err != nil {
				return listData[T]{}, err
			}
			return listData[T]{items: wrapAll(r.items), failures: r.fails, reused: r.reused, listed: r.listed}, nil
		},
		record: func(d listData[T], at time.Time) {
			scoped[S]{items: unwrapAll(d.items), fails: d.failures, reused: d.reused, listed: d.listed}.record(src.shelf, src.scope, at)
		},
		rows: func(items []T, fails []model.Failure, at time.Time) {
			src.shelf.put(at, unwrapAll(items)...)
			src.shelf.drop(at, missingIDs(fails)...)
		},
		listed: func(ids []string, at time.Time) { src.shelf.listed(src.scope, ids, at) },
		known: func(ctx context.Context, ids []string) ([]T, map[string]time.Time, bool) {
			ss, at, ok := knownFresh(ctx, src.shelf, ids, src.interval)
			if !ok {
				return nil, nil, false
			}
			return wrapAll(ss), at, true
		},
		get: func(id string) (T, time.Time, bool) {
			s, at, ok := src.shelf.get(id)
			if !ok {
				var zero T
				return zero, at, false
			}
			return wrap(s), at, true
		},
	}
}

func same[T any](t T) T { return t }
