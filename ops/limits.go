package ops

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Limit is the range of one number a person gives (a flag, a dialog field),
// as AWS accepts it. Every such number is parsed and checked by its Limit
// before a plan is made, so nothing is wrapped, clamped or re-read: the plan
// holds exactly the value that will be sent, or it is refused with a message
// naming the input and the range.
type Limit struct {
	Name     string // what the value is, as ECS calls it
	Flag     string // the CLI flag that gives it
	Min, Max int64
	Why      string // where the range comes from, for the message
}

// The numbers people give ecstui, with the ranges AWS accepts.
var (
	// DesiredCount: UpdateService's desiredCount is a 32-bit Integer and
	// cannot be negative. (Quotas such as tasks per service are enforced by
	// ECS itself, with its own error.)
	DesiredCount = Limit{Name: "desired count", Flag: "--desired", Min: 0, Max: math.MaxInt32, Why: "ECS desiredCount is a 32-bit integer"}
	// MinHealthyPercent: a percentage of the desired count that must stay
	// healthy, 0–100.
	MinHealthyPercent = Limit{Name: "minimumHealthyPercent", Flag: "--min", Min: 0, Max: 100, Why: "a percentage of the desired count"}
	// MaxPercent: ECS documents no upper bound besides its 32-bit Integer
	// type; above 100 it allows extra tasks during a deployment.
	MaxPercent = Limit{Name: "maximumPercent", Flag: "--max", Min: 0, Max: math.MaxInt32, Why: "ECS maximumPercent is a 32-bit integer"}
	// DrainBatch: how many instances a rolling drain takes at once. At least
	// one; at most what UpdateContainerInstancesState could ever be asked
	// about in one plan.
	DrainBatch = Limit{Name: "batch size", Flag: "--batch", Min: 1, Max: math.MaxInt32, Why: "instances drained at once"}
	// RemotePort and LocalPort: TCP ports of a port forward; a local port of
	// 0 asks for any free one.
	RemotePort = Limit{Name: "remote port", Flag: "--remote-port", Min: 1, Max: 65535, Why: "a TCP port"}
	LocalPort  = Limit{Name: "local port", Flag: "--local-port", Min: 0, Max: 65535, Why: "a TCP port, 0 for any free one"}
)

// String is the range as a person reads it.
func (l Limit) String() string { return fmt.Sprintf("%d–%d", l.Min, l.Max) }

// Check reports whether n is in range, with a message naming the input.
func (l Limit) Check(n int64) error {
	if n < l.Min || n > l.Max {
		return fmt.Errorf("%s %d is out of range (%s): it must be %s, %s", l.Name, n, l.Flag, l.String(), l.Why)
	}
	return nil
}

// Parse reads a whole number typed by a person and checks its range. Signs,
// spaces around it, and numbers too large for any integer type are all
// reported as such, never wrapped or truncated.
func (l Limit) Parse(s string) (int, error) {
	t := strings.TrimSpace(s)
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		shown := t
		if r := []rune(shown); len(r) > 40 {
			shown = string(r[:40]) + "…"
		}
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("%s %s is out of range (%s): it must be %s, %s", l.Name, shown, l.Flag, l.String(), l.Why)
		}
		return 0, fmt.Errorf("%s %q is not a whole number (%s): it must be %s", l.Name, shown, l.Flag, l.String())
	}
	if err := l.Check(n); err != nil {
		return 0, err
	}
	return int(n), nil
}

// checkInt adds a blocker to p when n is outside l: the plan functions'
// own guard, so a plan built from any source can never carry a value AWS
// would read differently.
func (p *Plan) checkInt(l Limit, n int) bool {
	if err := l.Check(int64(n)); err != nil {
		p.Blockers = append(p.Blockers, err.Error())
		return false
	}
	return true
}
