package cli

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/ops"
)

// numberInputs are the values a hostile person types: boundaries of every
// integer width, signs, spaces, notations ParseInt refuses, and huge strings.
func numberInputs(seed uint64, n int) []string {
	in := []string{
		"0", "1", "-1", "-3", "+5", " 7 ", "100", "101", "200", "2147483647", "2147483648", "-2147483648", "-2147483649",
		"4294967295", "4294967296", "4294967297", "4294967496", "9223372036854775807", "9223372036854775808",
		"-9223372036854775809", "99999999999999999999999", "", "abc", "1e3", "0x10", "3.5", "७", "1_000",
		strings.Repeat("9", 5000), "-" + strings.Repeat("1", 300), "\x1b[2J5", "5\u202e",
	}
	r := rand.New(rand.NewPCG(seed, 7))
	for range n {
		switch r.IntN(4) {
		case 0:
			in = append(in, strconv.Itoa(r.IntN(300)-50))
		case 1:
			in = append(in, strconv.FormatInt(r.Int64()-r.Int64(), 10))
		case 2:
			in = append(in, strconv.FormatInt(int64(r.Uint32())+int64(r.IntN(3))-1, 10))
		default:
			in = append(in, strconv.FormatUint(r.Uint64(), 10))
		}
	}
	return in
}

// refusedClearly reports whether err refuses input with a message that
// names the flag and says what is wrong.
func refusedClearly(err error, flag string) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	if exitOutcome(err) == ops.OutcomeRefused {
		return true // the plan's blocker names the value (checked by plan tests)
	}
	return strings.Contains(msg, flag) && (strings.Contains(msg, "out of range") || strings.Contains(msg, "not a whole number"))
}

// TestNumbersAreSentAsPlannedOrRefused: for every number a person gives the
// CLI, either the command refuses it with the flag and the range before
// anything is sent, or the value the simulator holds afterwards (sent through
// the real adapter and the wire protocol) is exactly the value the plan
// printed.
func TestNumbersAreSentAsPlannedOrRefused(t *testing.T) {
	h := newHarness(t, false)
	type probe struct {
		flag string
		args func(v string) []string
		got  func() int // what the simulator holds
	}
	svc := func() (desired, minPct, maxPct int) {
		s, _, err := h.w.DescribeServices("demo", []string{"auth"})
		if err != nil || len(s) != 1 {
			t.Fatalf("describe auth: %v", err)
		}
		c := s[0].DeploymentConfiguration
		return s[0].DesiredCount, c.MinimumHealthyPercent, c.MaximumPercent
	}
	probes := []probe{
		{"--desired", func(v string) []string {
			return []string{"scale", "--cluster", "demo", "--service", "auth", "--desired", v, "--yes"}
		}, func() int { d, _, _ := svc(); return d }},
		{"--desired", func(v string) []string {
			return []string{"deploy", "--cluster", "demo", "--service", "auth", "--desired", v, "--yes"}
		}, func() int { d, _, _ := svc(); return d }},
		{"--max", func(v string) []string {
			return []string{"deploy", "--cluster", "demo", "--service", "auth", "--max", v, "--yes"}
		}, func() int { _, _, m := svc(); return m }},
		{"--min", func(v string) []string {
			return []string{"deploy", "--cluster", "demo", "--service", "auth", "--min", v, "--max", "2147483647", "--yes"}
		}, func() int { _, m, _ := svc(); return m }},
	}
	for _, p := range probes {
		sentOK, refused := 0, 0
		for _, v := range numberInputs(uint64(len(p.flag)), 25) {
			before := h.srv.MutatingCalls()
			err := h.run(p.args(v)...)
			sent := h.srv.MutatingCalls() - before
			if err != nil {
				if !refusedClearly(err, p.flag) {
					t.Errorf("%s %q: refused without naming the flag and the range: %v\n%s", p.flag, v, err, h.out.String())
				}
				if sent != 0 {
					t.Errorf("%s %q: refused, yet %d mutating calls reached the simulator", p.flag, v, sent)
				}
				refused++
				continue
			}
			want, perr := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if perr != nil {
				t.Errorf("%s %q: accepted a value that is not a number", p.flag, v)
				continue
			}
			if !strings.Contains(h.out.String(), fmt.Sprintf("→ %d", want)) {
				t.Errorf("%s %q: the plan does not print %d:\n%s", p.flag, v, want, h.out.String())
			}
			if got := p.got(); int64(got) != want || sent != 1 {
				t.Errorf("%s %q: the plan printed %d, the simulator holds %d after %d calls", p.flag, v, want, got, sent)
			}
			sentOK++
		}
		if sentOK < 5 || refused < 5 {
			t.Errorf("%s: %d values sent and %d refused; the property needs both", p.flag, sentOK, refused)
		}
	}
}

// TestBatchIsNeverClamped: --batch 0 or -3 is an error, not 1.
func TestBatchIsNeverClamped(t *testing.T) {
	h := newHarness(t, false)
	for _, v := range numberInputs(3, 10) {
		err := h.run("drain", "--cluster", "demo", "--ami", "ami-none", "--batch", v, "--dry-run")
		n, perr := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		valid := perr == nil && n >= 1 && n <= 2147483647
		switch {
		case !valid && !refusedClearly(err, "--batch"):
			t.Errorf("--batch %q: want a refusal naming --batch, got %v", v, err)
		case valid && !strings.Contains(h.out.String(), fmt.Sprintf("%d at a time", n)):
			t.Errorf("--batch %q: the plan does not say %d at a time:\n%s", v, n, h.out.String())
		}
	}
	if h.srv.MutatingCalls() != 0 {
		t.Errorf("%d mutating calls from dry runs", h.srv.MutatingCalls())
	}
}
