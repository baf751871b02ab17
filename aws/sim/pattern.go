package sim

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// pattern is a CloudWatch Logs filter pattern, in the subset the simulator
// understands: terms that must all appear ("ERROR timeout"), quoted phrases
// ("\"connection refused\""), any-of terms ("?ERROR ?WARN"), excluded terms
// ("ERROR -healthcheck"), and one JSON condition ({ $.level = "error" },
// = or !=, on a top-level or dotted field). Matching is case-sensitive, as
// in CloudWatch.
type pattern struct {
	all, any, not []string
	json          *jsonCond
}

type jsonCond struct {
	path  []string
	value string
	neq   bool
}

func parsePattern(s string) (pattern, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return pattern{}, nil
	}
	if strings.HasPrefix(s, "{") {
		return parseJSONPattern(s)
	}
	var p pattern
	for _, tok := range tokens(s) {
		switch {
		case strings.HasPrefix(tok, "?") && len(tok) > 1:
			p.any = append(p.any, unquote(tok[1:]))
		case strings.HasPrefix(tok, "-") && len(tok) > 1:
			p.not = append(p.not, unquote(tok[1:]))
		default:
			p.all = append(p.all, unquote(tok))
		}
	}
	return p, nil
}

// tokens splits on spaces outside double quotes, keeping the quotes.
func tokens(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

func parseJSONPattern(s string) (pattern, error) {
	bad := simapi.Errorf("InvalidParameterException", "Invalid filter pattern: %s", s)
	body := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}"))
	op, neq := "=", false
	i := strings.Index(body, "!=")
	if i >= 0 {
		op, neq = "!=", true
	} else if i = strings.Index(body, "="); i < 0 {
		return pattern{}, bad
	}
	lhs := strings.TrimSpace(body[:i])
	rhs := strings.TrimSpace(body[i+len(op):])
	if !strings.HasPrefix(lhs, "$.") || rhs == "" {
		return pattern{}, bad
	}
	return pattern{json: &jsonCond{path: strings.Split(lhs[2:], "."), value: unquote(rhs), neq: neq}}, nil
}

func (p pattern) match(msg string) bool {
	if p.json != nil {
		return p.json.match(msg)
	}
	for _, t := range p.all {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	for _, t := range p.not {
		if strings.Contains(msg, t) {
			return false
		}
	}
	if len(p.any) == 0 {
		return true
	}
	for _, t := range p.any {
		if strings.Contains(msg, t) {
			return true
		}
	}
	return false
}

func (c *jsonCond) match(msg string) bool {
	var v any
	if err := json.Unmarshal([]byte(msg), &v); err != nil {
		return false
	}
	for _, k := range c.path {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = m[k]; !ok {
			return false
		}
	}
	got := fmt.Sprint(v)
	if f, ok := v.(float64); ok {
		got = fmt.Sprintf("%g", f)
	}
	ok := got == c.value
	if strings.HasSuffix(c.value, "*") {
		ok = strings.HasPrefix(got, strings.TrimSuffix(c.value, "*"))
	}
	return ok != c.neq
}
