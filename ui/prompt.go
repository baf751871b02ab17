package ui

import (
	"strings"

	"github.com/ecstui/ecstui/ui/input"
)

// promptLimit bounds what the command line and the filter prompt take.
const promptLimit = 256

// openCommandLine starts command mode: an empty line whose suggestions are
// every command (names in table order, then aliases) and, after a ctx
// command, every context; tab accepts the one shown, up/down cycle them.
func (r *root) openCommandLine() {
	r.mode = modeCommand
	r.input = input.New(r.st, promptLimit)
	r.input.ShowSuggestions = true
	r.input.SetSuggestions(r.commandSuggestions())
	r.inputErr = ""
}

// openFilterPrompt starts filter mode on the page's current filter.
func (r *root) openFilterPrompt(current string) {
	r.mode = modeFilter
	r.prevFilter = current
	r.input = input.New(r.st, promptLimit)
	r.input.SetValue(current)
	r.inputErr = ""
}

func (r *root) commandSuggestions() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	for _, n := range commandNames() {
		if !contains(out, n) {
			out = append(out, n)
		}
	}
	ctx, _ := lookupCommand("ctx")
	for _, name := range append([]string{ctx.name}, ctx.aliases...) {
		for _, c := range r.d.Contexts {
			out = append(out, name+" "+c.Name)
		}
	}
	return out
}

// completion is the rest of the suggestion the command line shows (what tab
// would add), "" when there is none.
func (r *root) completion() string {
	v, s := r.input.Value(), r.input.CurrentSuggestion()
	if len(s) <= len(v) || !strings.EqualFold(s[:len(v)], v) {
		return ""
	}
	return s[len(v):]
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
