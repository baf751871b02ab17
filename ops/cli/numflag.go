package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/ecstui/ecstui/ops"
)

// limitFlag is an int flag parsed and range-checked by its ops.Limit, so a
// number a person types is refused with the flag and the range AWS accepts
// before any plan is made, never wrapped or clamped.
type limitFlag struct {
	l ops.Limit
	v *int
}

func (f limitFlag) Set(s string) error {
	n, err := f.l.Parse(s)
	if err != nil {
		return err
	}
	*f.v = n
	return nil
}

func (f limitFlag) String() string {
	if f.v == nil {
		return ""
	}
	return strconv.Itoa(*f.v)
}

func (f limitFlag) Type() string { return "int" }

// limitVar defines an int flag checked against l (l.Flag names it).
func limitVar(fs *pflag.FlagSet, p *int, l ops.Limit, def int, usage string) {
	*p = def
	fs.Var(limitFlag{l: l, v: p}, l.Flag[2:], usage+" ("+l.String()+")")
}

// LimitVar is limitVar for commands outside this package (ecstui sim).
func LimitVar(fs *pflag.FlagSet, p *int, l ops.Limit, def int, usage string) {
	limitVar(fs, p, l, def, usage)
}

// positiveDuration is a duration flag that must be above zero, at least
// min and at most max when those are set, and a whole number of unit when
// that is set (a value AWS takes in seconds is never rounded silently).
type positiveDuration struct {
	name          string
	v             *time.Duration
	min, max      time.Duration
	unit          time.Duration
	unitName, why string
}

func (f positiveDuration) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		if r := []rune(s); len(r) > 40 {
			s = string(r[:40]) + "…"
		}
		return fmt.Errorf("--%s %q is not a duration: give e.g. 30s, 10m or 1h", f.name, s)
	}
	if d <= 0 {
		return fmt.Errorf("--%s %s: give a positive duration, e.g. 30m", f.name, d)
	}
	if d < f.min {
		return fmt.Errorf("--%s %s is out of range: at least %s", f.name, d, f.min)
	}
	if f.max > 0 && d > f.max {
		return fmt.Errorf("--%s %s is out of range: at most %s%s", f.name, d, f.max, f.why)
	}
	if f.unit > 0 && d%f.unit != 0 {
		return fmt.Errorf("--%s %s is not a whole number of %s%s", f.name, d, f.unitName, f.why)
	}
	*f.v = d
	return nil
}

func (f positiveDuration) String() string {
	if f.v == nil {
		return ""
	}
	return f.v.String()
}

func (f positiveDuration) Type() string { return "duration" }
