package ui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
)

// misread finds what a view shows when it reads an absent field as a
// value: a count pair of zeros or an age of nothing.
var misread = regexp.MustCompile(`(^|[^0-9])0/0([^0-9]|$)|- ago`)

// TestSparseResponsesAreNotMisread walks every view and dialog against
// endpoints that leave out random subsets of every optional field of every
// response (chosen from the SDK types by reflection) and ignore list
// filters and sort order: nothing panics, and no view shows 0/0 or "- ago".
// (The demo world has no service or task at zero, so 0/0 is always a misread.)
func TestSparseResponsesAreNotMisread(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	for seed := range uint64(8) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rate := 0.15 + 0.1*float64(seed%4)
			client, _ := awstest.StartWith(t, sim.NewDemo(int64(seed)), awstest.Options{Client: func(c *aws.Config) {
				c.Middleware = append(c.Middleware, awstest.Sparse(seed, rate))
			}})
			h := newHarness(t, nil, func(d *Deps) {
				d.Contexts = []Context{{Name: "sparse", Region: awstest.Region, Cluster: "playground"}}
				d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
				d.Now = nil
			})
			popTo := func() {
				for i := 0; i < 10 && len(h.r.stack) > 1; i++ {
					h.keys("esc")
				}
			}
			popTo()
			walkConsole(t, h, false, func(step string) {
				screen := h.screen()
				// The breadcrumb's row counter may say 0/0 (no rows): the body is what is read.
				lines := strings.SplitN(screen, "\n", 3)
				body := lines[len(lines)-1]
				if m := misread.FindString(body); m != "" {
					t.Errorf("%s (drop rate %.2f): %q on screen:\n%s", step, rate, m, screen)
				}
			})
		})
	}
}
