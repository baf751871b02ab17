package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// scalar is one single-valued setting, resolved by viper in rising order of
// precedence: default < file < environment < flag. Adding a setting is one
// entry here plus its field in Config: the file check, the environment
// variable, the flag binding and the line `ecstui config` prints all follow
// from the entry.
type scalar struct {
	// key as the file spells it; "section.name" is name inside the section:
	// mapping (sections are known from the keys listed here).
	key  string
	env  string // ECSTUI_… variable, "" for none
	flag string // global flag name, "" for none
	def  string
	// want says what the file must hold when its value is not a plain
	// scalar ("a duration such as 5s").
	want string
	// strictBool: the file must spell a YAML boolean (true/false), not
	// merely a string strconv.ParseBool accepts.
	strictBool bool
	// apply checks raw and stores it in cfg; shown is the value as
	// `ecstui config` prints it, msg says what is wrong ("" when valid).
	apply func(cfg *Config, raw string) (shown, msg string)
}

var scalars = []scalar{
	{key: "currentContext", env: "ECSTUI_CONTEXT", flag: "context", want: "a string",
		apply: func(cfg *Config, raw string) (string, string) {
			cfg.CurrentContext = raw
			return raw, ""
		}},
	{key: "refreshInterval", env: "ECSTUI_REFRESH_INTERVAL", flag: "refresh", def: DefaultRefreshInterval.String(),
		want: "a duration such as 5s",
		apply: func(cfg *Config, raw string) (string, string) {
			d, msg := parseRefresh(raw)
			cfg.RefreshInterval = d
			return d.String(), msg
		}},
	{key: "apiBudget", env: "ECSTUI_API_BUDGET", flag: "api-budget", def: formatBudget(DefaultAPIBudget),
		want: "a percentage such as 10%",
		apply: func(cfg *Config, raw string) (string, string) {
			f, msg := parseBudget(raw)
			cfg.APIBudget = f
			return formatBudget(f), msg
		}},
	{key: "readOnly", env: "ECSTUI_READ_ONLY", flag: "read-only", def: "false", want: "true or false", strictBool: true,
		apply: func(cfg *Config, raw string) (string, string) {
			b, msg := parseBool(raw)
			cfg.ReadOnly = b
			return strconv.FormatBool(b), msg
		}},
	{key: "startScreen", env: "ECSTUI_START_SCREEN", flag: "start", def: DefaultStartScreen, want: "pulse or clusters",
		apply: func(cfg *Config, raw string) (string, string) {
			s := strings.ToLower(strings.TrimSpace(raw))
			if s != "pulse" && s != "clusters" {
				return raw, fmt.Sprintf("%q is not a start screen (pulse or clusters)", raw)
			}
			cfg.StartScreen = s
			return s, ""
		}},
	{key: "logs.bufferLines", env: "ECSTUI_LOGS_BUFFER_LINES", def: strconv.Itoa(DefaultBufferLines), want: "a whole number",
		apply: func(cfg *Config, raw string) (string, string) {
			n, msg := parseBufferLines(raw)
			cfg.Logs.BufferLines = n
			return strconv.Itoa(n), msg
		}},
}

// scalarNamed returns the scalar whose file key is key, or nil.
func scalarNamed(key string) *scalar {
	for i := range scalars {
		if scalars[i].key == key {
			return &scalars[i]
		}
	}
	return nil
}

// sectionKeys lists the keys of a section: mapping ("logs" → bufferLines).
func sectionKeys(section string) []string {
	var out []string
	for _, s := range scalars {
		if sec, name, ok := strings.Cut(s.key, "."); ok && sec == section {
			out = append(out, name)
		}
	}
	return out
}

// parseRefresh parses a refresh interval; msg is "" when valid.
func parseRefresh(s string) (time.Duration, string) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Sprintf("%q is not a duration (write it like 5s, 1m30s)", s)
	}
	if d < MinRefreshInterval {
		return 0, fmt.Sprintf("%s is too short (at least %s)", d, MinRefreshInterval)
	}
	return d, ""
}

// parseBudget parses apiBudget, a percentage of each ECS throttle bucket's
// sustained rate ("10%", or "10"), into a fraction; msg is "" when valid.
func parseBudget(s string) (float64, string) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	pct, err := strconv.ParseFloat(t, 64)
	if err != nil || pct != pct {
		return 0, fmt.Sprintf("%q is not a percentage (write it like 10%%)", s)
	}
	if pct < MinAPIBudgetPercent || pct > 100 {
		return 0, fmt.Sprintf("%s%% is out of range (%g%% to 100%% of AWS's rate)", strconv.FormatFloat(pct, 'f', -1, 64), MinAPIBudgetPercent)
	}
	return pct / 100, ""
}

func formatBudget(f float64) string { return strconv.FormatFloat(f*100, 'f', -1, 64) + "%" }

// parseBufferLines parses logs.bufferLines; msg is "" when valid.
func parseBufferLines(s string) (int, string) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Sprintf("%q is not a whole number", s)
	}
	if n <= 0 || n > MaxBufferLines {
		return 0, fmt.Sprintf("%d is out of range (1 to %d)", n, MaxBufferLines)
	}
	return n, ""
}

func parseBool(s string) (bool, string) {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return false, fmt.Sprintf("%q is not true or false", s)
	}
	return b, ""
}
