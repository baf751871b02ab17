package logs

import (
	"slices"
	"time"
)

// DefaultCapacity is the buffer size when none is configured.
const DefaultCapacity = 50_000

// Buffer holds the newest lines of a merged tail in (Time, Seq) order, at most
// Cap of them. Late lines are inserted where they belong; when the buffer is
// full the oldest lines go, and a marker line at the front says how many and
// between when. It is not safe for concurrent use: one goroutine (the UI loop
// or the CLI printer) owns it.
type Buffer struct {
	cap     int
	lines   []Line
	seq     uint64
	removed int64 // lines that left the front, ever
	dropped int64 // events lost to overflow, ever
}

// NewBuffer returns a buffer of capacity lines (DefaultCapacity when ≤ 0;
// at least 2 so the marker leaves room for a line).
func NewBuffer(capacity int) *Buffer {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	capacity = max(capacity, 2)
	return &Buffer{cap: capacity}
}

// Len is the number of lines held.
func (b *Buffer) Len() int { return len(b.lines) }

// Cap is the capacity.
func (b *Buffer) Cap() int { return b.cap }

// At returns line i (0 is the oldest).
func (b *Buffer) At(i int) Line { return b.lines[i] }

// Removed is how far, in total, kept lines have moved toward the front as old
// lines left: a view that remembers an index subtracts the change.
func (b *Buffer) Removed() int64 { return b.removed }

// Dropped is how many events were lost to overflow, ever.
func (b *Buffer) Dropped() int64 { return b.dropped }

// Clear empties the buffer (a new since or filter starts a new tail).
func (b *Buffer) Clear() {
	b.removed += int64(len(b.lines))
	b.lines = nil
	b.dropped = 0
}

// Search returns the index of the first line not before (t, seq).
func (b *Buffer) Search(t time.Time, seq uint64) int {
	probe := Line{Time: t, Seq: seq}
	i, _ := slices.BinarySearchFunc(b.lines, probe, func(a, p Line) int {
		if a.less(p) {
			return -1
		}
		if p.less(a) {
			return 1
		}
		return 0
	})
	return i
}

// Add merges lines into the buffer and returns the index of the first line
// that changed (Len() when nothing did). Lines get their Seq here.
func (b *Buffer) Add(lines []Line) int {
	if len(lines) == 0 {
		return len(b.lines)
	}
	batch := make([]Line, len(lines))
	for i, l := range lines {
		b.seq++
		l.Seq = b.seq
		batch[i] = l
	}
	slices.SortStableFunc(batch, func(a, c Line) int { return a.Time.Compare(c.Time) })

	// Everything at or after the batch's first time moves; the rest stays.
	// Live tails arrive nearly in order, so p is usually Len() and this is an
	// append.
	first := batch[0]
	p := len(b.lines)
	for p > 0 && first.Time.Before(b.lines[p-1].Time) {
		p--
		if len(b.lines)-p > 64 { // far back: binary search instead of walking
			p = b.upperBound(first.Time)
			break
		}
	}
	if p == len(b.lines) {
		b.lines = append(b.lines, batch...)
	} else {
		tail := slices.Clone(b.lines[p:])
		b.lines = b.lines[:p]
		i, j := 0, 0
		for i < len(tail) && j < len(batch) {
			if batch[j].Time.Before(tail[i].Time) {
				b.lines = append(b.lines, batch[j])
				j++
			} else {
				b.lines = append(b.lines, tail[i])
				i++
			}
		}
		b.lines = append(b.lines, tail[i:]...)
		b.lines = append(b.lines, batch[j:]...)
	}
	changed := p
	if b.trim() {
		changed = 0
	}
	return changed
}

// upperBound is the index of the first line after t.
func (b *Buffer) upperBound(t time.Time) int {
	i, _ := slices.BinarySearchFunc(b.lines, t, func(a Line, t time.Time) int {
		if a.Time.After(t) {
			return 1
		}
		return -1
	})
	return i
}

// Mark inserts a marker for n lines lost between from and to (n 0: unknown).
func (b *Buffer) Mark(n int, from, to time.Time, reason string) int {
	return b.Add([]Line{{Kind: KindDropped, Time: from, Count: n, From: from, To: to, Reason: reason}})
}

// trim drops the oldest lines beyond capacity into one front marker.
func (b *Buffer) trim() bool {
	if len(b.lines) <= b.cap {
		return false
	}
	marker := Line{Kind: KindDropped, Reason: "buffer full: the newest " + Thousands(b.cap) + " lines are kept"}
	start := 0
	if front := b.lines[0]; front.Kind == KindDropped && front.Seq == 0 {
		marker = front
		start = 1
	}
	// Keep cap lines including the marker.
	cut := len(b.lines) - (b.cap - 1)
	for _, l := range b.lines[start:cut] {
		if l.Kind == KindDropped {
			marker.Count += l.Count
			continue
		}
		if marker.From.IsZero() || l.Time.Before(marker.From) {
			marker.From = l.Time
		}
		if l.Time.After(marker.To) {
			marker.To = l.Time
		}
		marker.Count++
		b.dropped++
	}
	marker.Time = marker.To
	marker.Seq = 0 // sorts before any line of the same time
	// Reslice in place: the backing array is reallocated by append when it
	// runs out, copying only the kept lines, so memory stays bounded.
	b.removed += int64(cut - 1)
	b.lines[cut-1] = marker
	b.lines = b.lines[cut-1:]
	return true
}
