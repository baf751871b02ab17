package actions

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/ui/page"
)

// dialogNumbers are the values typed into a dialog's number field:
// boundaries of every integer width, signs, notations and long strings.
func dialogNumbers(seed uint64, n int) []string {
	in := []string{"0", "1", "-1", "+5", "100", "101", "2147483647", "2147483648", "4294967297", "4294967496",
		"9223372036854775808", "-9223372036854775809", "", "abc", "1e3", "0x10", "3.5", "७", strings.Repeat("9", 600)}
	r := rand.New(rand.NewPCG(seed, 11))
	for range n {
		if r.IntN(2) == 0 {
			in = append(in, strconv.Itoa(r.IntN(400)-100))
		} else {
			in = append(in, strconv.FormatUint(r.Uint64()>>r.IntN(40), 10))
		}
	}
	return in
}

// TestDialogNumbersAreSentAsPlannedOrRefused: a number typed into the scale
// or deploy dialog is either refused with a message naming the field and
// its range before any plan, or the plan prints it and the simulator (over
// the real adapter and wire protocol) receives exactly that value.
func TestDialogNumbersAreSentAsPlannedOrRefused(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, srv := awstest.Start(t, w)
	d := deps(client)
	d.Now = w.Now
	// Watching stops at once: what is checked is what was sent.
	d.Wait = func(context.Context, time.Duration) error { return errors.New("stop watching") }

	held := func(service string) (desired, maxPct int) {
		s, _, err := w.DescribeServices("playground", []string{service})
		if err != nil || len(s) != 1 {
			t.Fatalf("describe %s: %v", service, err)
		}
		return s[0].DesiredCount, s[0].DeploymentConfiguration.MaximumPercent
	}
	type dialog struct {
		name  string
		open  func() page.Page
		tabs  int // to reach the field
		label string
		got   func() int
	}
	dialogs := []dialog{
		{"scale", func() page.Page { return NewScale(d, "playground", "random") }, 0, "desired count",
			func() int { n, _ := held("random"); return n }},
		{"deploy max", func() page.Page { return NewDeploy(d, "playground", "random") }, 0, "maximumPercent",
			func() int { _, m := held("random"); return m }},
	}
	for _, dl := range dialogs {
		sentOK, refused := 0, 0
		for _, v := range dialogNumbers(uint64(len(dl.name)), 20) {
			p := open(t, dl.open())
			keys := []string{}
			if dl.name == "deploy max" {
				// images…, revision, min, max, desired: max is third from the end.
				for range strings.Count(ansi.Strip(p.View()), "image of ") + 2 {
					keys = append(keys, "tab")
				}
			}
			keys = append(keys, "ctrl+u")
			if v != "" {
				keys = append(keys, v)
			}
			keys = append(keys, "enter")
			before := srv.MutatingCalls()
			p, _ = press(t, p, keys...)
			view := ansi.Strip(p.View())
			typed := strings.TrimSpace(v)
			want, perr := strconv.ParseInt(typed, 10, 64)
			if !strings.Contains(view, "Plan:") {
				if !strings.Contains(view, dl.label) || !(strings.Contains(view, "out of range") || strings.Contains(view, "not a whole number")) {
					if !(dl.name == "deploy max" && (typed == "" || perr == nil)) {
						t.Errorf("%s %q: no plan and no message naming %s and its range:\n%s", dl.name, v, dl.label, view)
					}
				}
				if srv.MutatingCalls() != before {
					t.Errorf("%s %q: refused, yet a mutation was sent", dl.name, v)
				}
				refused++
				continue
			}
			p, _ = press(t, p, "y")
			sent := srv.MutatingCalls() - before
			if strings.Contains(view, "Refused") {
				if sent != 0 {
					t.Errorf("%s %q: a refused plan sent %d calls", dl.name, v, sent)
				}
				refused++
				continue
			}
			if perr != nil {
				t.Errorf("%s %q: planned a value that is not a number:\n%s", dl.name, v, view)
				continue
			}
			if !strings.Contains(view, fmt.Sprintf("→ %d", want)) {
				t.Errorf("%s %q: the plan does not print %d:\n%s", dl.name, v, want, view)
			}
			if got := dl.got(); int64(got) != want || sent != 1 {
				t.Errorf("%s %q: the plan printed %d, the simulator holds %d after %d calls\n%s", dl.name, v, want, got, sent, ansi.Strip(p.View()))
			}
			sentOK++
		}
		if sentOK < 5 || refused < 5 {
			t.Errorf("%s: %d values sent and %d refused; the property needs both", dl.name, sentOK, refused)
		}
	}
}
