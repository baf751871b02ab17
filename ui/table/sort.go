package table

import (
	"slices"
	"strings"
)

// sortView sorts the shown indices by one column, stably, with a natural
// order so "9" < "10" and "task-2" < "task-10".
func sortView(view []int, rows []Row, col int, desc bool) {
	key := func(i int) string {
		r := rows[i]
		if col >= len(r.Cells) {
			return ""
		}
		c := r.Cells[col]
		if c.Sort != "" {
			return c.Sort
		}
		return c.Text
	}
	slices.SortStableFunc(view, func(a, b int) int {
		c := naturalCompare(key(a), key(b))
		if desc {
			return -c
		}
		return c
	})
}

// naturalCompare compares strings case-insensitively, with digit runs
// compared by value.
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na := strings.TrimLeft(a[si:i], "0")
			nb := strings.TrimLeft(b[sj:j], "0")
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb))
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		la, lb := lower(ca), lower(cb)
		if la != lb {
			return cmpInt(int(la), int(lb))
		}
		i++
		j++
	}
	return cmpInt(len(a)-i, len(b)-j)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
