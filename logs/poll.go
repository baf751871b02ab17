package logs

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// maxStreamsPerFilter is FilterLogEvents' limit on logStreamNames.
const maxStreamsPerFilter = 100

// pageLimit asks for the API's largest page.
const pageLimit = 10_000

// poller reads streams with FilterLogEvents: one request chain per chunk of
// ≤ 100 streams of one group, each from its own watermark minus an overlap
// (events are ingested late, and their timestamps are what the API filters
// on), following next tokens to the end. Every request waits for the shared
// rate limiter.
type poller struct {
	c       EventReader
	lim     *limiter
	filter  string
	overlap time.Duration
	chunks  []*chunk
	byKey   map[string]*chunk // stream key → its chunk
}

type chunk struct {
	group   string
	streams []string
	from    time.Time // next poll starts here (already minus nothing)
	newest  time.Time // newest event timestamp seen in this chunk
}

func newPoller(c EventReader, lim *limiter, filter string, overlap time.Duration) *poller {
	return &poller{c: c, lim: lim, filter: filter, overlap: overlap, byKey: map[string]*chunk{}}
}

// add starts polling streams not yet known, from start; it returns the new
// ones.
func (p *poller) add(streams []Stream, start time.Time) []Stream {
	var added []Stream
	open := map[string]*chunk{} // group → chunk being filled by this call
	for _, s := range streams {
		if p.byKey[s.key()] != nil {
			continue
		}
		ch := open[s.Group]
		if ch == nil || len(ch.streams) == maxStreamsPerFilter {
			ch = &chunk{group: s.Group, from: start}
			p.chunks = append(p.chunks, ch)
			open[s.Group] = ch
		}
		ch.streams = append(ch.streams, s.Name)
		p.byKey[s.key()] = ch
		added = append(added, s)
	}
	return added
}

// observe moves a chunk's watermark for an event read elsewhere (live tail),
// so a later catch-up poll does not re-read what is already shown.
func (p *poller) observe(group, stream string, ts time.Time) {
	if ch := p.byKey[group+"\x00"+stream]; ch != nil && ts.After(ch.newest) {
		ch.newest = ts
	}
}

// poll reads every chunk once; events come back in API order per chunk.
func (p *poller) poll(ctx context.Context, emit func([]model.LogEvent)) (int, error) {
	requests := 0
	for _, ch := range p.chunks {
		from := ch.from
		if w := ch.newest.Add(-p.overlap); !ch.newest.IsZero() && w.After(from) {
			from = w
		}
		token := ""
		for {
			if err := p.lim.wait(ctx); err != nil {
				return requests, err
			}
			evs, next, err := p.c.FilterLogEvents(ctx, model.LogFilter{
				Group: ch.group, StreamNames: ch.streams, Start: from,
				FilterPattern: p.filter, Limit: pageLimit, NextToken: token,
			})
			requests++
			if err != nil {
				return requests, err
			}
			for _, e := range evs {
				if e.Timestamp.After(ch.newest) {
					ch.newest = e.Timestamp
				}
			}
			if len(evs) > 0 {
				emit(evs)
			}
			// A token that does not move would loop forever.
			if next == "" || next == token {
				break
			}
			token = next
		}
		ch.from = from
	}
	return requests, nil
}

// groups returns the chunks as live tail inputs: group → stream names.
func (p *poller) groups() map[string][]string {
	m := map[string][]string{}
	for _, ch := range p.chunks {
		m[ch.group] = append(m[ch.group], ch.streams...)
	}
	return m
}

// rewind makes the next poll of every chunk start no later than t (minus the
// overlap), to re-read a span live tail sampled.
func (p *poller) rewind(t time.Time) {
	for _, ch := range p.chunks {
		if ch.newest.After(t) {
			ch.newest = t
		}
		if ch.from.After(t) {
			ch.from = t
		}
	}
}

// remove stops polling a stream (its task stopped long enough ago).
func (p *poller) remove(key string) {
	ch := p.byKey[key]
	if ch == nil {
		return
	}
	delete(p.byKey, key)
	name := key[strings.IndexByte(key, 0)+1:]
	ch.streams = slices.DeleteFunc(ch.streams, func(s string) bool { return s == name })
	if len(ch.streams) == 0 {
		p.chunks = slices.DeleteFunc(p.chunks, func(c *chunk) bool { return c == ch })
	}
}
