// Package theme is the console's one set of styles. A palette of named colour
// tokens (overridable from configuration) is turned into a Styles value once at
// start and handed to every component; nothing builds a themed style inside a
// View, so that a theme change is one place and rendering allocates no styles.
//
// The default palette uses the 16 ANSI colours only, so it follows the
// terminal's own scheme: calm on dark and on light backgrounds alike, with
// emphasis carried by bold/faint/reverse rather than by bright fills.
package theme

import (
	"fmt"
	"image/color"
	"sort"
	"strings"

	"charm.land/lipgloss/v2"
)

// Palette holds the colour tokens. Each token can be overridden by name from
// configuration (see Tokens).
type Palette struct {
	Accent    color.Color // titles, current breadcrumb, keys in help
	Muted     color.Color // secondary text, borders, separators
	OK        color.Color // RUNNING, ACTIVE, healthy, COMPLETED
	Warn      color.Color // PENDING, initial, IN_PROGRESS
	Bad       color.Color // STOPPED, unhealthy, FAILED, errors
	Drain     color.Color // DRAINING, draining targets
	Info      color.Color // informational badges, dynamic ports
	Match     color.Color // filter/search match highlight (background)
	MatchText color.Color // text on a match highlight
	Badge     color.Color // read-only badge background
	BadgeText color.Color // text on badges
}

// DefaultPalette is the ANSI-16 palette described in the package comment.
func DefaultPalette() Palette {
	return Palette{
		Accent:    lipgloss.Cyan,
		Muted:     lipgloss.BrightBlack,
		OK:        lipgloss.Green,
		Warn:      lipgloss.Yellow,
		Bad:       lipgloss.Red,
		Drain:     lipgloss.Magenta,
		Info:      lipgloss.Blue,
		Match:     lipgloss.Yellow,
		MatchText: lipgloss.Black,
		Badge:     lipgloss.Yellow,
		BadgeText: lipgloss.Black,
	}
}

// Tokens returns the palette's token names, as configuration spells them.
func Tokens() []string {
	names := make([]string, 0, len(tokenFields))
	for n := range tokenFields {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var tokenFields = map[string]func(*Palette) *color.Color{
	"accent":     func(p *Palette) *color.Color { return &p.Accent },
	"muted":      func(p *Palette) *color.Color { return &p.Muted },
	"ok":         func(p *Palette) *color.Color { return &p.OK },
	"warn":       func(p *Palette) *color.Color { return &p.Warn },
	"bad":        func(p *Palette) *color.Color { return &p.Bad },
	"drain":      func(p *Palette) *color.Color { return &p.Drain },
	"info":       func(p *Palette) *color.Color { return &p.Info },
	"match":      func(p *Palette) *color.Color { return &p.Match },
	"match_text": func(p *Palette) *color.Color { return &p.MatchText },
	"badge":      func(p *Palette) *color.Color { return &p.Badge },
	"badge_text": func(p *Palette) *color.Color { return &p.BadgeText },
}

// WithOverrides returns the palette with the named tokens replaced. Values are
// what lipgloss.Color accepts: "#rrggbb", an ANSI index "0"–"255". An unknown
// token or an empty value is an error naming it, so a typo in the config file
// is reported rather than ignored.
func (p Palette) WithOverrides(colors map[string]string) (Palette, error) {
	keys := make([]string, 0, len(colors))
	for k := range colors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, ok := tokenFields[strings.ToLower(k)]
		if !ok {
			return p, fmt.Errorf("unknown colour token %q (known: %s)", k, strings.Join(Tokens(), ", "))
		}
		v := strings.TrimSpace(colors[k])
		if v == "" {
			return p, fmt.Errorf("colour token %q has an empty value", k)
		}
		if !validColor(v) {
			return p, fmt.Errorf("colour token %q: %q is neither #rgb/#rrggbb nor an ANSI index 0-255", k, v)
		}
		*f(&p) = lipgloss.Color(v)
	}
	return p, nil
}

func validColor(v string) bool {
	if strings.HasPrefix(v, "#") {
		h := v[1:]
		if len(h) != 3 && len(h) != 6 {
			return false
		}
		for _, c := range h {
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
		return true
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
		if n > 255 {
			return false
		}
	}
	return true
}
