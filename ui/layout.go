package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

func itoa(n int) string { return strconv.Itoa(n) }

// fitLine truncates a (possibly styled) line to w cells, marking the cut.
func fitLine(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// padLines makes s exactly h lines (cutting or adding empty lines).
func padLines(s string, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// joinBody stacks head lines over body, as exactly h lines.
func joinBody(head []string, body string, h int) string {
	if len(head) == 0 {
		return padLines(body, h)
	}
	return padLines(strings.Join(head, "\n")+"\n"+body, h)
}

// segments joins styled pieces with sep, dropping whole pieces from the end
// when they do not fit in w cells: a header never cuts a word in half.
func segments(w int, sep string, parts ...string) string {
	var b strings.Builder
	used := 0
	sw := ansi.StringWidth(sep)
	for _, p := range parts {
		if p == "" {
			continue
		}
		pw := ansi.StringWidth(p)
		add := pw
		if used > 0 {
			add += sw
		}
		if used+add > w {
			break
		}
		if used > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p)
		used += add
	}
	return b.String()
}

// spread puts left and right on one line of w cells; right is dropped if
// both do not fit.
func spread(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if right == "" || lw+1+rw > w {
		return fitLine(left, w)
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// wrapWords wraps plain text at word boundaries to width w.
func wrapWords(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			for ansi.StringWidth(word) > w { // a single word longer than the line
				if line != "" {
					out = append(out, line)
					line = ""
				}
				out = append(out, ansi.Truncate(word, w, ""))
				word = ansi.TruncateLeft(word, w, "")
			}
			switch {
			case line == "":
				line = word
			case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
		}
		out = append(out, line)
	}
	return out
}
