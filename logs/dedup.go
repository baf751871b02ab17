package logs

import (
	"time"

	"github.com/ecstui/ecstui/model"
)

// dedup remembers recent events so that overlapping poll windows, a catch-up
// poll after a live tail (re)starts, and a backfill next to a live session
// never show a line twice.
//
// FilterLogEvents events carry an event id (unique within a group); live tail
// events do not. So an event is known by its id when it has one, and also by
// its content (group, stream, timestamp, ingestion time, message). Content
// matches pair arrivals one to one across the two kinds, so two genuinely
// identical lines are still both shown.
type dedup struct {
	ids      map[string]time.Time
	withID   map[contentKey]*seen // content of id'd events not yet paired with a live one
	withoutI map[contentKey]*seen // content of live events not yet paired with an id'd one
	newest   time.Time
	window   time.Duration
	adds     int
}

type contentKey struct {
	group, stream, message string
	ts, ingested           int64
}

type seen struct {
	n  int
	ts time.Time
}

func newDedup(window time.Duration) *dedup {
	return &dedup{
		ids:      map[string]time.Time{},
		withID:   map[contentKey]*seen{},
		withoutI: map[contentKey]*seen{},
		window:   window,
	}
}

// fresh reports whether e has not been seen, and remembers it.
func (d *dedup) fresh(e model.LogEvent) bool {
	if e.Timestamp.After(d.newest) {
		d.newest = e.Timestamp
	}
	ck := contentKey{group: e.Group, stream: e.Stream, message: e.Message, ts: e.Timestamp.UnixMilli()}
	if !e.IngestedAt.IsZero() {
		ck.ingested = e.IngestedAt.UnixMilli()
	}
	mine, other := d.withoutI, d.withID
	if e.ID != "" {
		idk := e.Group + "\x00" + e.ID
		if _, ok := d.ids[idk]; ok {
			return false
		}
		d.ids[idk] = e.Timestamp
		mine, other = d.withID, d.withoutI
	}
	if s := other[ck]; s != nil {
		s.n--
		if s.n == 0 {
			delete(other, ck)
		}
		return false
	}
	if s := mine[ck]; s != nil {
		s.n++
	} else {
		mine[ck] = &seen{n: 1, ts: e.Timestamp}
	}
	d.adds++
	if d.adds >= 4096 {
		d.prune()
	}
	return true
}

// prune forgets events older than the window before the newest one: no poll
// window reaches back further.
func (d *dedup) prune() {
	d.adds = 0
	cutoff := d.newest.Add(-d.window)
	for k, ts := range d.ids {
		if ts.Before(cutoff) {
			delete(d.ids, k)
		}
	}
	for _, m := range []map[contentKey]*seen{d.withID, d.withoutI} {
		for k, s := range m {
			if s.ts.Before(cutoff) {
				delete(m, k)
			}
		}
	}
}

func (d *dedup) size() int { return len(d.ids) + len(d.withID) + len(d.withoutI) }
