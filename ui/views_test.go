package ui

import "testing"

func TestGoldenSkeleton(t *testing.T) {
	h := newHarness(t, fixtureBackend())
	h.golden("clusters")
	h.keys("enter")
	h.golden("services")
	h.keys("enter")
	h.golden("tasks")
	h.keys("enter")
	h.golden("containers")
}
