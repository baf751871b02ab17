package main

import (
	"strings"
	"testing"
)

// TestSimRefusesSizesItCannotServe: the simulator's numbers are checked
// before a world is built (a few digits too many once built for minutes and
// ate the machine's memory), and sizes given to a scenario that has none
// are refused rather than ignored.
func TestSimRefusesSizesItCannotServe(t *testing.T) {
	isolate(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--scenario", "large", "--instances", "99999999999"}, "--instances"},
		{[]string{"--scenario", "large", "--services", "-1"}, "--services"},
		{[]string{"--scenario", "large", "--tasks", "0"}, "--tasks"},
		{[]string{"--scenario", "large", "--tasks", "2147483648"}, "--tasks"},
		{[]string{"--scenario", "large", "--services", "5x"}, "--services"},
		{[]string{"--tasks", "5"}, "large scenario only"},
		{[]string{"--scenario", "hostile", "--instances", "3"}, "large scenario only"},
		{[]string{"--latency", "-5s"}, "--latency"},
		{[]string{"--latency", "10000h"}, "--latency"},
		{[]string{"--scenario", "nope"}, `unknown scenario "nope"`},
		{[]string{"--listen", "0.0.0.0:4599"}, "only listens on loopback"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := execute(t, append([]string{"sim", "--listen", "127.0.0.1:0"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %s\n%s", err, tt.want, out)
			}
			if strings.Contains(out, "listening on") {
				t.Errorf("it served anyway:\n%s", out)
			}
		})
	}
}
