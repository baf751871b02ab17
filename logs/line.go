package logs

import (
	"fmt"
	"strconv"
	"time"
)

// Kind says what a Line is.
type Kind uint8

const (
	KindEvent   Kind = iota // a log event
	KindDropped             // a marker: lines were lost here
)

// Line is one entry of the merged view: a log event or a marker.
type Line struct {
	Seq     uint64 // arrival order; with Time it orders the buffer strictly
	Time    time.Time
	Kind    Kind
	Source  int // index of the stream's label in the engine's Sources
	Label   string
	Message string // sanitised by textsafe.Clean; may hold line breaks
	// Raw is the message as CloudWatch holds it (trailing line breaks
	// trimmed) when cleaning changed it, else "": for lossless JSON output.
	// Never display it.
	Raw      string
	ID       string
	Group    string
	Stream   string
	Ingested time.Time

	// Markers: how many lines were lost (0: unknown), between when, and why.
	Count    int
	From, To time.Time
	Reason   string
}

// MarkerText is the sentence a marker line shows.
func (l Line) MarkerText() string {
	n := "some lines"
	if l.Count > 0 {
		n = Thousands(l.Count) + " lines"
		if l.Count == 1 {
			n = "1 line"
		}
	}
	return fmt.Sprintf("⚠ %s dropped (%s) between %s and %s", n, l.Reason, stamp(l.From), stamp(l.To))
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

// Thousands formats n with comma separators.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func (l Line) less(m Line) bool {
	if !l.Time.Equal(m.Time) {
		return l.Time.Before(m.Time)
	}
	return l.Seq < m.Seq
}
