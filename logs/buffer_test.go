package logs

import (
	"testing"
	"time"
)

func ev(sec int, msg string) Line {
	return Line{Kind: KindEvent, Time: t0.Add(time.Duration(sec) * time.Second), Message: msg}
}

func messages(b *Buffer) []string {
	var out []string
	for i := range b.Len() {
		l := b.At(i)
		if l.Kind == KindDropped {
			out = append(out, "!"+l.MarkerText())
			continue
		}
		out = append(out, l.Message)
	}
	return out
}

func TestBufferOrder(t *testing.T) {
	tests := []struct {
		name    string
		batches [][]Line
		want    []string
	}{
		{"in order", [][]Line{{ev(1, "a"), ev(2, "b")}, {ev(3, "c")}}, []string{"a", "b", "c"}},
		{"batch unsorted", [][]Line{{ev(3, "c"), ev(1, "a"), ev(2, "b")}}, []string{"a", "b", "c"}},
		{"late arrival placed in order", [][]Line{{ev(1, "a"), ev(3, "c")}, {ev(2, "b")}}, []string{"a", "b", "c"}},
		{"late batch interleaves", [][]Line{{ev(1, "a"), ev(3, "c"), ev(5, "e")}, {ev(4, "d"), ev(2, "b"), ev(6, "f")}},
			[]string{"a", "b", "c", "d", "e", "f"}},
		{"equal times keep arrival order", [][]Line{{ev(1, "x1"), ev(1, "x2")}, {ev(1, "x3")}, {ev(0, "w")}},
			[]string{"w", "x1", "x2", "x3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBuffer(100)
			for _, batch := range tt.batches {
				b.Add(batch)
			}
			got := messages(b)
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			}
			for i := 1; i < b.Len(); i++ {
				if !b.At(i - 1).less(b.At(i)) {
					t.Fatalf("lines %d and %d out of (Time, Seq) order", i-1, i)
				}
			}
		})
	}
}

func TestBufferLateInsertFarBack(t *testing.T) {
	b := NewBuffer(1000)
	var batch []Line
	for i := range 500 {
		batch = append(batch, ev(2*i, "even"))
	}
	b.Add(batch)
	if changed := b.Add([]Line{ev(7, "odd")}); changed != 4 {
		t.Errorf("changed index = %d, want 4", changed)
	}
	if got := b.At(4).Message; got != "odd" {
		t.Errorf("line 4 = %q, want odd", got)
	}
	if i := b.Search(b.At(4).Time, b.At(4).Seq); i != 4 {
		t.Errorf("Search = %d, want 4", i)
	}
}

func TestBufferOverflowMarker(t *testing.T) {
	b := NewBuffer(5)
	b.Add([]Line{ev(1, "a"), ev(2, "b"), ev(3, "c")})
	b.Add([]Line{ev(4, "d"), ev(5, "e"), ev(6, "f")})
	// 6 lines into 5 slots: a marker plus the newest 4; a and b were dropped.
	got := messages(b)
	want := []string{"!⚠ 2 lines dropped (buffer full: the newest 5 lines are kept) between 2026-11-23 10:00:01.000Z and 2026-11-23 10:00:02.000Z", "c", "d", "e", "f"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
	// A second overflow extends the same marker.
	b.Add([]Line{ev(7, "g"), ev(8, "h")})
	m := b.At(0)
	if m.Kind != KindDropped || m.Count != 4 || !m.From.Equal(t0.Add(time.Second)) || !m.To.Equal(t0.Add(4*time.Second)) {
		t.Errorf("marker = %+v, want 4 lines from :01 to :04", m)
	}
	if b.Len() != 5 || b.Dropped() != 4 || b.Removed() != 3 {
		t.Errorf("Len %d Dropped %d Removed %d, want 5, 4, 3", b.Len(), b.Dropped(), b.Removed())
	}
	// A line older than everything kept is counted as dropped, not shown.
	b.Add([]Line{ev(0, "ancient")})
	if m := b.At(0); m.Count != 5 || !m.From.Equal(t0) {
		t.Errorf("marker after ancient line = %+v, want 5 lines from :00", m)
	}
}

func TestBufferMemoryBounded(t *testing.T) {
	b := NewBuffer(1000)
	for i := range 200 {
		batch := make([]Line, 100)
		for j := range batch {
			batch[j] = ev(i*100+j, "x")
		}
		b.Add(batch)
		if b.Len() > 1000 {
			t.Fatalf("Len %d > capacity", b.Len())
		}
	}
	if cap(b.lines) > 3000 {
		t.Errorf("backing array holds %d lines for a capacity of 1000", cap(b.lines))
	}
	if b.Dropped() != 20000-999 {
		t.Errorf("Dropped = %d, want %d", b.Dropped(), 20000-999)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -5000: "-5,000"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
