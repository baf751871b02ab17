package theme

import (
	"strings"
	"testing"
)

func TestStatusTone(t *testing.T) {
	cases := []struct {
		in   string
		want Tone
	}{
		{"RUNNING", ToneOK}, {"healthy", ToneOK}, {"ACTIVE", ToneOK}, {"COMPLETED", ToneOK},
		{"PENDING", ToneWarn}, {"initial", ToneWarn}, {"IN_PROGRESS", ToneWarn},
		{"STOPPED", ToneBad}, {"unhealthy", ToneBad}, {"FAILED", ToneBad}, {"DEREGISTRATION_FAILED", ToneBad},
		{"DRAINING", ToneDrain}, {"draining", ToneDrain},
		{"UNKNOWN", ToneMuted},
		{"whatever", ToneNone}, {"", ToneNone},
	}
	for _, c := range cases {
		if got := StatusTone(c.in); got != c.want {
			t.Errorf("StatusTone(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestOverrides(t *testing.T) {
	cases := []struct {
		name    string
		colors  map[string]string
		wantErr string
	}{
		{"none", nil, ""},
		{"hex", map[string]string{"accent": "#5f87af", "ok": "#0f0"}, ""},
		{"ansi", map[string]string{"bad": "196"}, ""},
		{"upper token", map[string]string{"Muted": "8"}, ""},
		{"unknown", map[string]string{"acent": "1"}, `unknown colour token "acent"`},
		{"empty", map[string]string{"ok": " "}, "empty value"},
		{"bad hex", map[string]string{"ok": "#12345"}, "neither"},
		{"too big", map[string]string{"ok": "256"}, "neither"},
		{"word", map[string]string{"ok": "green"}, "neither"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, err := New(c.colors)
			if c.wantErr == "" {
				if err != nil || st == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("New error = %v, want containing %q", err, c.wantErr)
			}
		})
	}
}

func TestBarPlain(t *testing.T) {
	cases := []struct {
		n, total, width int
		want            string
	}{
		{0, 10, 5, "░░░░░"},
		{1, 100, 5, "█░░░░"},
		{5, 10, 4, "██░░"},
		{10, 10, 3, "███"},
		{20, 10, 3, "███"},
		{3, 0, 3, "░░░"},
		{3, 10, 0, ""},
	}
	for _, c := range cases {
		if got := BarPlain(c.n, c.total, c.width); got != c.want {
			t.Errorf("BarPlain(%d,%d,%d) = %q, want %q", c.n, c.total, c.width, got, c.want)
		}
	}
}
