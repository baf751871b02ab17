package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// NextScheduleRun returns the first run of an Application Auto Scaling
// schedule strictly after `after`, within [start, end] when those are set:
//
//	at(2026-11-23T18:00:00)          once, in tz
//	rate(5 minutes)                  every interval from base (the start time, else creation)
//	cron(0 18 ? * MON-FRI *)         minutes hours day-of-month month day-of-week year, in tz
//
// Cron fields take *, ?, numbers, names (JAN, MON), ranges, lists and /steps;
// day of week counts 1 = SUN … 7 = SAT as in AWS. L, W and # are reported as
// unsupported rather than guessed. ok is false when no run remains.
func NextScheduleRun(schedule, tz string, base, start, end, after time.Time) (next time.Time, ok bool, err error) {
	loc := time.UTC
	if tz != "" {
		if loc, err = time.LoadLocation(tz); err != nil {
			return time.Time{}, false, fmt.Errorf("unknown timezone %q", tz)
		}
	}
	if !start.IsZero() && after.Before(start) {
		after = start.Add(-time.Nanosecond)
	}
	inner, kind := "", ""
	for _, k := range []string{"at", "rate", "cron"} {
		if strings.HasPrefix(schedule, k+"(") && strings.HasSuffix(schedule, ")") {
			kind, inner = k, strings.TrimSpace(schedule[len(k)+1:len(schedule)-1])
		}
	}
	switch kind {
	case "at":
		t, perr := time.ParseInLocation("2006-01-02T15:04:05", inner, loc)
		if perr != nil {
			return time.Time{}, false, fmt.Errorf("schedule %q: %v", schedule, perr)
		}
		next, ok = t, t.After(after)
	case "rate":
		every, perr := parseRate(inner)
		if perr != nil {
			return time.Time{}, false, fmt.Errorf("schedule %q: %v", schedule, perr)
		}
		if base.IsZero() || !base.After(after) {
			if base.IsZero() {
				base = after
			}
			n := after.Sub(base)/every + 1
			next = base.Add(n * every)
		} else {
			next = base
		}
		ok = true
	case "cron":
		c, perr := parseCron(inner)
		if perr != nil {
			return time.Time{}, false, fmt.Errorf("schedule %q: %v", schedule, perr)
		}
		next, ok = c.next(after.In(loc))
	default:
		return time.Time{}, false, fmt.Errorf("schedule %q: not at(…), rate(…) or cron(…)", schedule)
	}
	if ok && !end.IsZero() && next.After(end) {
		return time.Time{}, false, nil
	}
	return next, ok, nil
}

func parseRate(s string) (time.Duration, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, fmt.Errorf("want rate(N unit)")
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 {
		return 0, fmt.Errorf("rate value %q must be a positive whole number", f[0])
	}
	unit := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour,
		"day": 24 * time.Hour, "days": 24 * time.Hour}[f[1]]
	if unit == 0 {
		return 0, fmt.Errorf("rate unit %q must be minute(s), hour(s) or day(s)", f[1])
	}
	return time.Duration(n) * unit, nil
}

// cronSpec holds the allowed values of each field.
type cronSpec struct {
	minute, hour, dom, month, dow map[int]bool
	years                         map[int]bool // nil: any year
	domAny, dowAny                bool
}

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	dayNames   = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
)

func parseCron(s string) (cronSpec, error) {
	f := strings.Fields(s)
	if len(f) != 6 {
		return cronSpec{}, fmt.Errorf("cron needs 6 fields (minutes hours day-of-month month day-of-week year), got %d", len(f))
	}
	var c cronSpec
	var err error
	if c.minute, _, err = cronField(f[0], 0, 59, nil); err != nil {
		return c, fmt.Errorf("minutes: %v", err)
	}
	if c.hour, _, err = cronField(f[1], 0, 23, nil); err != nil {
		return c, fmt.Errorf("hours: %v", err)
	}
	if c.dom, c.domAny, err = cronField(f[2], 1, 31, nil); err != nil {
		return c, fmt.Errorf("day-of-month: %v", err)
	}
	if c.month, _, err = cronField(f[3], 1, 12, monthNames); err != nil {
		return c, fmt.Errorf("month: %v", err)
	}
	if c.dow, c.dowAny, err = cronField(f[4], 1, 7, dayNames); err != nil {
		return c, fmt.Errorf("day-of-week: %v", err)
	}
	if f[2] != "?" && f[4] != "?" {
		return c, fmt.Errorf("one of day-of-month and day-of-week must be ?")
	}
	if f[5] != "*" {
		if c.years, _, err = cronField(f[5], 1970, 2199, nil); err != nil {
			return c, fmt.Errorf("year: %v", err)
		}
	}
	return c, nil
}

// cronField parses one field into its set of values; any reports * or ?.
func cronField(s string, lo, hi int, names map[string]int) (map[int]bool, bool, error) {
	set := map[int]bool{}
	if s == "*" || s == "?" {
		for v := lo; v <= hi; v++ {
			set[v] = true
		}
		return set, true, nil
	}
	if strings.ContainsAny(s, "LW#") {
		return nil, false, fmt.Errorf("%q: L, W and # are not supported", s)
	}
	val := func(x string) (int, error) {
		if v, ok := names[strings.ToUpper(x)]; ok {
			return v, nil
		}
		v, err := strconv.Atoi(x)
		if err != nil || v < lo || v > hi {
			return 0, fmt.Errorf("%q is not a value between %d and %d", x, lo, hi)
		}
		return v, nil
	}
	for _, part := range strings.Split(s, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 {
				return nil, false, fmt.Errorf("%q: bad step", part)
			}
			step = n
		}
		a, b := lo, hi
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			x, y, _ := strings.Cut(rng, "-")
			var err error
			if a, err = val(x); err != nil {
				return nil, false, err
			}
			if b, err = val(y); err != nil {
				return nil, false, err
			}
			if b < a {
				return nil, false, fmt.Errorf("%q: range runs backwards", part)
			}
		default:
			v, err := val(rng)
			if err != nil {
				return nil, false, err
			}
			a = v
			if !hasStep {
				b = v
			}
		}
		for v := a; v <= b; v += step {
			set[v] = true
		}
	}
	return set, false, nil
}

// next finds the first matching minute after t (in t's location), looking
// at most five years ahead.
func (c cronSpec) next(t time.Time) (time.Time, bool) {
	loc := t.Location()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	for i := 0; i < 5*366; i++ {
		d := day.AddDate(0, 0, i)
		if c.years != nil && !c.years[d.Year()] || !c.month[int(d.Month())] {
			continue
		}
		domOK, dowOK := c.dom[d.Day()], c.dow[int(d.Weekday())+1]
		if !(c.domAny && dowOK || c.dowAny && domOK) {
			continue
		}
		for h := 0; h < 24; h++ {
			if !c.hour[h] {
				continue
			}
			for m := 0; m < 60; m++ {
				if !c.minute[m] {
					continue
				}
				at := time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
				if at.After(t) {
					return at, true
				}
			}
		}
	}
	return time.Time{}, false
}
