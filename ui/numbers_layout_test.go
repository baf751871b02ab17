package ui

import (
	"context"
	"math"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/theme"
)

// TestServiceNumbersInColumns: the detail's metric lines put their values,
// sparklines and ranges in columns whatever the value's width ("5 %",
// "1360/min"), and a sparkline spans its full hour even when only its last
// minutes have data (the minutes without are dotted, not blank).
func TestServiceNumbersInColumns(t *testing.T) {
	st := theme.Default()
	nan := math.NaN()
	spark := func(vals ...float64) []float64 { return append([]float64{nan, nan, nan, nan}, vals...) }
	const sw = 8
	lines := []string{
		pctLine(st, model.MetricReading{OK: true, Value: 5, Spark: spark(4, 5, 6, 5)}, sw),
		pctLine(st, model.MetricReading{OK: true, Value: 100, Spark: spark(90, 95, 100, 99)}, sw),
		countLine(st, model.MetricReading{OK: true, Value: 1360, Spark: spark(1300, 1400, 1360, 1200)}, sw, "/min"),
		countLine(st, model.MetricReading{OK: true, Value: 1, Spark: spark(1, 1, 1, 1)}, sw, "/min"),
		msLine(st, model.MetricReading{OK: true, Value: 0.028, Spark: spark(0.028, 0.03, 0.02, 0.028)}, sw),
	}
	sparkAt, rangeAt := -1, -1
	for _, l := range lines {
		plain := ansi.Strip(l)
		cells := []rune(plain)
		start := strings.IndexFunc(plain, func(r rune) bool { return r == '·' })
		if start < 0 {
			t.Fatalf("%q: no dotted gap before the data", plain)
		}
		col := ansi.StringWidth(plain[:start])
		if sparkAt < 0 {
			sparkAt = col
		} else if col != sparkAt {
			t.Errorf("%q: sparkline at column %d, want %d (in line with the others)", plain, col, sparkAt)
		}
		// The range starts two cells after the sparkline's last cell.
		end := col + sw
		if end+2 > len(cells) || string(cells[end:end+2]) != "  " {
			t.Errorf("%q: the sparkline is not %d cells followed by the range", plain, sw)
			continue
		}
		if rangeAt < 0 {
			rangeAt = end + 2
		} else if end+2 != rangeAt {
			t.Errorf("%q: range at %d, want %d", plain, end+2, rangeAt)
		}
	}
	// A reading without a value keeps the value column and says why.
	missing := ansi.Strip(pctLine(st, model.MetricReading{Reason: "no datapoint"}, sw))
	if !strings.HasPrefix(missing, strings.Repeat(" ", numberWidth-1)+"–  no datapoint") {
		t.Errorf("missing reading: %q", missing)
	}
}

// TestPortMapTrafficInColumns: the port map's lines about its target
// groups' traffic (the demo's prod has two) put each number in one column,
// whatever the group's name.
func TestPortMapTrafficInColumns(t *testing.T) {
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, _ := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region, Cluster: "prod"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = w.Now
	})
	h.send(tea.WindowSizeMsg{Width: 160, Height: 40})
	h.run(h.r.push(newPortMapPage(h.r.env, portScope{cluster: "prod"})))
	var lines []string
	for _, l := range strings.Split(h.screen(), "\n") {
		if strings.Contains(l, "req/min") {
			lines = append(lines, l)
		}
	}
	if len(lines) < 2 {
		t.Fatalf("want two target groups' traffic lines:\n%s", h.screen())
	}
	for _, word := range []string{" req/min", "/min · response", " ms  "} {
		at := -1
		for _, l := range lines {
			col := ansi.StringWidth(l[:strings.Index(l, word)])
			if at >= 0 && col != at {
				t.Errorf("%q at column %d in %q, %d in the line above", word, col, l, at)
			}
			at = col
		}
	}
}

// TestDeploymentHistorySaysWhichTimeIsWhich: the detail's deployment
// history names a deployment's duration and its start ("took 29s",
// "started 7m ago"), not two bare durations.
func TestDeploymentHistorySaysWhichTimeIsWhich(t *testing.T) {
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, _ := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region, Cluster: "playground"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = w.Now
	})
	h.send(tea.WindowSizeMsg{Width: 160, Height: 80})
	h.run(h.r.push(newServiceDetailPage(h.r.env, "playground", "auth")))
	var lines []string
	for _, l := range strings.Split(h.screen(), "\n") {
		if strings.HasPrefix(l, "  successful ") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		t.Fatalf("no successful deployment in the history:\n%s", h.screen())
	}
	for _, l := range lines {
		if !strings.Contains(l, " took ") || !strings.Contains(l, " started ") || !strings.HasSuffix(strings.TrimSpace(l), " ago") {
			t.Errorf("history line %q does not say which time is which", l)
		}
	}
}

// TestCapacityFieldPunctuation: the detail's Capacity field reads
// "prod-ecs-cp: managed scaling target 100%, reservation 67% …" once the
// provider is known and "prod-ecs-cp: reservation …" before, never
// "prod-ecs-cp:, reservation".
func TestCapacityFieldPunctuation(t *testing.T) {
	w := sim.NewDemo(1)
	w.SetLogRate(0)
	client, _ := awstest.Start(t, w)
	h := newHarness(t, nil, func(d *Deps) {
		d.Contexts = []Context{{Name: "demo", Region: awstest.Region, Cluster: "prod"}}
		d.Connect = func(context.Context, Context) (Backend, error) { return client, nil }
		d.Now = w.Now
	})
	h.send(tea.WindowSizeMsg{Width: 200, Height: 60})
	h.run(h.r.push(newServiceDetailPage(h.r.env, "prod", "billing-api")))
	var line string
	for _, l := range strings.Split(h.screen(), "\n") {
		if strings.HasPrefix(l, "Capacity ") {
			line = l
		}
	}
	if !strings.Contains(line, "prod-ecs-cp: ") || !strings.Contains(line, "reservation") || strings.Contains(line, ":,") {
		t.Fatalf("capacity field %q\n%s", line, h.screen())
	}
}
