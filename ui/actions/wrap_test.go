package actions

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestWrapKeepsFlagsWhole: a plan line is wrapped at spaces, never after a
// hyphen inside a flag or a name, and its text is unchanged but for the
// line breaks.
func TestWrapKeepsFlagsWhole(t *testing.T) {
	if ansi.StringWidth(nbHyphen) != 1 {
		t.Fatalf("the stand-in is %d wide, want 1 like '-'", ansi.StringWidth(nbHyphen))
	}
	tests := []struct {
		name, line string
		width      int
		whole      []string // must appear unbroken on one line
	}{
		{"flag", "also run: ecstui scale --cluster prod --service billing-api --desired 20 --suspend-autoscaling --yes", 40,
			[]string{"--suspend-autoscaling", "billing-api"}},
		{"aws command", "aws application-autoscaling register-scalable-target --service-namespace ecs --resource-id service/prod/billing-api", 50,
			[]string{"application-autoscaling", "register-scalable-target", "--service-namespace", "service/prod/billing-api"}},
		{"already holds the stand-in", "name a" + nbHyphen + "b and a-very-long-service-name-here", 12, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapKeepingFlags(tt.line, tt.width)
			noSpace := func(s string) string { return strings.Join(strings.Fields(s), "") }
			if noSpace(got) != noSpace(tt.line) {
				t.Errorf("text changed:\n%q\nwant\n%q", got, tt.line)
			}
			lines := strings.Split(got, "\n")
			for _, w := range tt.whole {
				found := false
				for _, l := range lines {
					found = found || strings.Contains(l, w)
				}
				if !found {
					t.Errorf("%q is broken across lines:\n%s", w, got)
				}
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > tt.width {
					t.Errorf("line %q is %d wide, want ≤ %d", l, ansi.StringWidth(l), tt.width)
				}
			}
		})
	}
}
