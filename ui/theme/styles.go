package theme

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Styles is every style the console draws with. Build it once with New and
// share the pointer; components read fields, they never construct themed
// styles of their own.
type Styles struct {
	Palette Palette

	// Chrome: header, breadcrumb, footer, status line, banners.
	Header      lipgloss.Style // header line background text
	HeaderLabel lipgloss.Style // "profile", "region" labels
	HeaderValue lipgloss.Style // their values
	ReadOnly    lipgloss.Style // the read-only badge
	Production  lipgloss.Style // the production badge
	Stale       lipgloss.Style // "stale" marker on data that failed to refresh
	Crumb       lipgloss.Style // a breadcrumb element
	CrumbActive lipgloss.Style // the current (last) breadcrumb element
	CrumbSep    lipgloss.Style // the separator between elements
	HelpKey     lipgloss.Style // key in footer help / help overlay
	HelpDesc    lipgloss.Style // description in footer help / help overlay
	HelpSep     lipgloss.Style // separator between footer help items
	Status      lipgloss.Style // status line (info)
	StatusError lipgloss.Style // status line (error)
	Banner      lipgloss.Style // error banner over the body
	Prompt      lipgloss.Style // ":" or "/" prompt character
	Suggestion  lipgloss.Style // completion hint after the command input

	// Body text.
	Title   lipgloss.Style // section titles inside a page
	Text    lipgloss.Style // plain text
	Muted   lipgloss.Style // secondary text
	Accent  lipgloss.Style // emphasised text
	Key     lipgloss.Style // field labels in detail views
	Spinner lipgloss.Style

	// Semantic colours for diagnosed values (k9s-style row diagnosis).
	OK    lipgloss.Style
	Warn  lipgloss.Style
	Bad   lipgloss.Style
	Drain lipgloss.Style
	Info  lipgloss.Style

	// Tables.
	TableHeader   lipgloss.Style
	TableSorted   lipgloss.Style // header of the sort column
	TableSelected lipgloss.Style // the cursor row
	Match         lipgloss.Style // filter / search match highlight

	// Small bars (capacity, deployment progress).
	BarFull  lipgloss.Style
	BarWarn  lipgloss.Style
	BarBad   lipgloss.Style
	BarEmpty lipgloss.Style

	// Dialogs and overlays.
	Dialog      lipgloss.Style // bordered box
	DialogTitle lipgloss.Style
	Dangerous   lipgloss.Style // text marking a dangerous/mutating action
	Diff        DiffStyles
}

// DiffStyles colours a line diff.
type DiffStyles struct {
	Added   lipgloss.Style
	Removed lipgloss.Style
	Context lipgloss.Style
}

// New builds the Styles from the default palette with colour overrides
// applied (see Palette.WithOverrides for the error cases).
func New(colors map[string]string) (*Styles, error) {
	p, err := DefaultPalette().WithOverrides(colors)
	if err != nil {
		return nil, err
	}
	return FromPalette(p), nil
}

// Default is New without overrides; it cannot fail.
func Default() *Styles { return FromPalette(DefaultPalette()) }

// FromPalette builds the Styles for a palette.
func FromPalette(p Palette) *Styles {
	s := lipgloss.NewStyle
	st := &Styles{Palette: p}

	st.Header = s()
	st.HeaderLabel = s().Foreground(p.Muted)
	st.HeaderValue = s().Bold(true)
	st.ReadOnly = s().Background(p.Badge).Foreground(p.BadgeText).Bold(true).Padding(0, 1)
	st.Production = s().Background(p.Bad).Foreground(p.BadgeText).Bold(true).Padding(0, 1)
	st.Stale = s().Foreground(p.Warn).Bold(true)
	st.Crumb = s().Foreground(p.Muted)
	st.CrumbActive = s().Foreground(p.Accent).Bold(true)
	st.CrumbSep = s().Foreground(p.Muted)
	st.HelpKey = s().Foreground(p.Accent).Bold(true)
	st.HelpDesc = s().Foreground(p.Muted)
	st.HelpSep = s().Foreground(p.Muted)
	st.Status = s().Foreground(p.Info)
	st.StatusError = s().Foreground(p.Bad).Bold(true)
	st.Banner = s().Foreground(p.Bad).Bold(true)
	st.Prompt = s().Foreground(p.Accent).Bold(true)
	st.Suggestion = s().Foreground(p.Muted)

	st.Title = s().Foreground(p.Accent).Bold(true)
	st.Text = s()
	st.Muted = s().Foreground(p.Muted)
	st.Accent = s().Foreground(p.Accent)
	st.Key = s().Foreground(p.Muted)
	st.Spinner = s().Foreground(p.Accent)

	st.OK = s().Foreground(p.OK)
	st.Warn = s().Foreground(p.Warn)
	st.Bad = s().Foreground(p.Bad)
	st.Drain = s().Foreground(p.Drain)
	st.Info = s().Foreground(p.Info)

	st.TableHeader = s().Bold(true).Foreground(p.Muted)
	st.TableSorted = s().Bold(true).Foreground(p.Accent)
	st.TableSelected = s().Reverse(true)
	st.Match = s().Background(p.Match).Foreground(p.MatchText)

	st.BarFull = s().Foreground(p.OK)
	st.BarWarn = s().Foreground(p.Warn)
	st.BarBad = s().Foreground(p.Bad)
	st.BarEmpty = s().Foreground(p.Muted)

	st.Dialog = s().Border(lipgloss.RoundedBorder()).BorderForeground(p.Accent).Padding(0, 1)
	st.DialogTitle = s().Foreground(p.Accent).Bold(true)
	st.Dangerous = s().Foreground(p.Bad).Bold(true)
	st.Diff = DiffStyles{
		Added:   s().Foreground(p.OK),
		Removed: s().Foreground(p.Bad),
		Context: s().Foreground(p.Muted),
	}
	return st
}

// Tone is the diagnosis of a value: which semantic colour it deserves.
type Tone uint8

const (
	ToneNone Tone = iota
	ToneOK
	ToneWarn
	ToneBad
	ToneDrain
	ToneInfo
	ToneMuted
)

// Tone returns the style for a tone.
func (st *Styles) Tone(t Tone) lipgloss.Style {
	switch t {
	case ToneOK:
		return st.OK
	case ToneWarn:
		return st.Warn
	case ToneBad:
		return st.Bad
	case ToneDrain:
		return st.Drain
	case ToneInfo:
		return st.Info
	case ToneMuted:
		return st.Muted
	}
	return st.Text
}

// StatusTone maps an ECS/ELB status word to its tone: RUNNING/ACTIVE/healthy/
// COMPLETED green, PENDING/initial/IN_PROGRESS yellow, STOPPED/unhealthy/FAILED
// red, DRAINING magenta. Case-insensitive; unknown words get no colour.
func StatusTone(status string) Tone {
	switch strings.ToUpper(status) {
	case "RUNNING", "ACTIVE", "HEALTHY", "COMPLETED", "PRIMARY", "IN_SERVICE", "INSERVICE", "CONNECTED", "TRUE":
		return ToneOK
	case "PENDING", "PROVISIONING", "ACTIVATING", "INITIAL", "IN_PROGRESS", "REGISTERING", "UNUSED":
		return ToneWarn
	case "UNKNOWN": // a task without health checks: normal, not a warning
		return ToneMuted
	case "STOPPED", "STOPPING", "DEACTIVATING", "DEPROVISIONING", "UNHEALTHY", "FAILED", "INACTIVE",
		"REGISTRATION_FAILED", "DEREGISTRATION_FAILED", "UNAVAILABLE", "DISCONNECTED", "FALSE":
		return ToneBad
	case "DRAINING", "DEREGISTERING":
		return ToneDrain
	}
	return ToneNone
}

// Status returns the style for a status word (see StatusTone).
func (st *Styles) StatusStyle(status string) lipgloss.Style { return st.Tone(StatusTone(status)) }

// Bar renders a small bar of width cells for used out of total, coloured by
// how full it is (≥ 90 % bad, ≥ 75 % warn). total ≤ 0 renders an empty bar.
func (st *Styles) Bar(used, total, width int) string {
	return st.BarStyled(used, total, width, true)
}

// ProgressBar renders done out of total where full is good (deployments).
func (st *Styles) ProgressBar(done, total, width int) string {
	return st.BarStyled(done, total, width, false)
}

// BarStyled renders the bar; usage bars turn warn/bad as they fill, progress
// bars stay green.
func (st *Styles) BarStyled(n, total, width int, usage bool) string {
	if width <= 0 {
		return ""
	}
	filled := barFill(n, total, width)
	if n > total {
		n = total
	}
	full := st.BarFull
	if usage && total > 0 {
		switch pct := n * 100 / total; {
		case pct >= 90:
			full = st.BarBad
		case pct >= 75:
			full = st.BarWarn
		}
	}
	return full.Render(strings.Repeat("█", filled)) + st.BarEmpty.Render(strings.Repeat("░", width-filled))
}

// BarPlain is the unstyled bar, for widths and tests.
func BarPlain(n, total, width int) string {
	if width <= 0 {
		return ""
	}
	filled := barFill(n, total, width)
	return strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
}

// barFill is how many of width cells n/total fills: any non-zero use shows at
// least one cell, so "almost empty" and "empty" differ at a glance.
func barFill(n, total, width int) int {
	if total <= 0 || n <= 0 {
		return 0
	}
	if n > total {
		n = total
	}
	f := (n*width + total - 1) / total
	if f > width {
		f = width
	}
	return f
}
