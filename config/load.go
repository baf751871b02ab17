package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Options says where to look.
type Options struct {
	// Path is the --config flag: a file that must exist. Empty: the
	// ECSTUI_CONFIG variable, else DefaultPath (which may be absent).
	Path string
	// Flags holds the global flags; any of --context, --read-only,
	// --refresh, --profile, --region and --endpoint-url that were set on the
	// command line override the file and the environment.
	Flags *pflag.FlagSet
	// KeyActions and ColorTokens are the names keys: and colors: may use
	// (nil: not checked).
	KeyActions  []string
	ColorTokens []string
}

// Load reads, merges and validates the configuration.
func Load(o Options) (*Config, error) {
	cfg := &Config{}
	path, explicit := configPath(o.Path)
	fc, err := readFile(cfg, path, explicit, o)
	if err != nil {
		return nil, err
	}
	sources, err := resolveScalars(cfg, fc, o.Flags)
	if err != nil {
		return nil, err
	}
	cfg.Contexts, cfg.Keys, cfg.Colors = fc.contexts, fc.keys, fc.colors
	if len(cfg.Contexts) == 0 {
		// Without contexts the AWS configuration chain alone decides
		// (AWS_PROFILE, AWS_REGION…), as the AWS CLI would.
		cfg.Contexts = []Context{{Name: "default"}}
	}
	idx, err := selectCurrent(cfg, fc, sources)
	if err != nil {
		return nil, err
	}
	ctxSources := make([]map[string]Entry, len(cfg.Contexts))
	for i := range ctxSources {
		ctxSources[i] = map[string]Entry{}
	}
	if err := overrideCurrent(&cfg.Contexts[idx], idx, o.Flags, ctxSources[idx]); err != nil {
		return nil, err
	}
	cfg.entries = buildEntries(cfg, fc, sources, ctxSources)
	return cfg, nil
}

// configPath is --config, else ECSTUI_CONFIG, else DefaultPath; explicit
// says the file must exist.
func configPath(flagPath string) (path string, explicit bool) {
	if flagPath != "" {
		return flagPath, true
	}
	if p, ok := os.LookupEnv("ECSTUI_CONFIG"); ok && p != "" {
		return p, true
	}
	return DefaultPath(os.Getenv), false
}

// readFile reads and validates the file at path, if any, and records it
// in cfg.File. A missing default file is no error.
func readFile(cfg *Config, path string, explicit bool, o Options) (fileConfig, error) {
	if path == "" {
		return fileConfig{}, nil
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		cfg.File = path
		return parseFile(path, data, o.KeyActions, o.ColorTokens)
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		// No file is fine: defaults, environment and flags still apply.
		return fileConfig{}, nil
	default:
		return fileConfig{}, fmt.Errorf("configuration file %s: %w", path, err)
	}
}

// resolveScalars layers every scalar through viper (default < file <
// environment < flag), applies it to cfg, and returns each value's entry.
// An invalid value is an error naming where it came from.
func resolveScalars(cfg *Config, fc fileConfig, flags *pflag.FlagSet) (map[string]Entry, error) {
	v := viper.New()
	if err := v.MergeConfigMap(nested(fc.values)); err != nil {
		return nil, &Error{File: cfg.File, Key: "(document)", Msg: err.Error()}
	}
	sources := map[string]Entry{}
	for _, s := range scalars {
		v.SetDefault(s.key, s.def)
		if s.env != "" {
			if err := v.BindEnv(s.key, s.env); err != nil {
				return nil, err
			}
		}
		f := flagNamed(flags, s.flag)
		if f != nil {
			if err := v.BindPFlag(s.key, f); err != nil {
				return nil, err
			}
		}
		e := Entry{Key: s.key, Source: SourceDefault}
		_, inFile := fc.values[s.key]
		switch {
		case f != nil && f.Changed:
			e.Source, e.Origin = SourceFlag, "--"+s.flag
		case envSet(s.env):
			e.Source, e.Origin = SourceEnv, s.env
		case inFile:
			e.Source, e.Origin = SourceFile, fmt.Sprintf("%s:%d", cfg.File, fc.lines[s.key])
		}
		shown, msg := s.apply(cfg, v.GetString(s.key))
		if msg != "" {
			return nil, sourceError(e, s.key, msg, cfg.File, fc.lines[s.key])
		}
		e.Value = shown
		sources[s.key] = e
	}
	return sources, nil
}

// nested turns "logs.bufferLines" keys into the nested maps viper expects.
func nested(values map[string]any) map[string]any {
	out := map[string]any{}
	for k, val := range values {
		m := out
		parts := strings.Split(k, ".")
		for _, p := range parts[:len(parts)-1] {
			sub, ok := m[p].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[p] = sub
			}
			m = sub
		}
		m[parts[len(parts)-1]] = val
	}
	return out
}

// sourceError is an invalid value of key, placed where e says it came from.
func sourceError(e Entry, key, msg, file string, line int) *Error {
	err := &Error{Key: key, Msg: msg}
	switch e.Source {
	case SourceFlag:
		err.Origin = "flag " + e.Origin
	case SourceEnv:
		err.Origin = "environment variable " + e.Origin
	default:
		err.File, err.Line = file, line
	}
	return err
}

// selectCurrent finds the current context (the first when none is named)
// and returns its index.
func selectCurrent(cfg *Config, fc fileConfig, sources map[string]Entry) (int, error) {
	cur := sources["currentContext"]
	if cfg.CurrentContext == "" {
		cfg.CurrentContext = cfg.Contexts[0].Name
		cur.Value, cur.Origin = cfg.CurrentContext, "first context"
		sources["currentContext"] = cur
		return 0, nil
	}
	for i, c := range cfg.Contexts {
		if c.Name == cfg.CurrentContext {
			return i, nil
		}
	}
	msg := fmt.Sprintf("no context named %q (known: %s)", cfg.CurrentContext, contextNames(cfg.Contexts))
	return -1, sourceError(cur, "currentContext", msg, cfg.File, fc.lines["currentContext"])
}

// overrideCurrent applies --profile, --region and --endpoint-url to the
// current context c (index idx), recording their sources.
func overrideCurrent(c *Context, idx int, flags *pflag.FlagSet, sources map[string]Entry) error {
	for _, fl := range []struct {
		name  string
		field string
		dst   *string
	}{{"profile", "profile", &c.Profile}, {"region", "region", &c.Region}, {"endpoint-url", "endpointURL", &c.EndpointURL}} {
		f := flagNamed(flags, fl.name)
		if f == nil || !f.Changed {
			continue
		}
		val := f.Value.String()
		if fl.name == "endpoint-url" {
			if msg := checkEndpoint(val); msg != "" {
				return &Error{Key: fmt.Sprintf("contexts[%d].%s", idx, fl.field), Origin: "flag --endpoint-url", Msg: msg}
			}
		}
		if fl.name == "region" && val != "" && !regionName.MatchString(val) {
			return &Error{Key: fmt.Sprintf("contexts[%d].%s", idx, fl.field), Origin: "flag --region", Msg: fmt.Sprintf("%q is not a region name (like eu-west-1)", val)}
		}
		*fl.dst = val
		sources[fl.field] = Entry{Source: SourceFlag, Origin: "--" + fl.name}
	}
	return nil
}

func buildEntries(cfg *Config, fc fileConfig, sources map[string]Entry, ctxSources []map[string]Entry) []Entry {
	var out []Entry
	for _, s := range scalars {
		out = append(out, sources[s.key])
	}
	fileEntry := func(key, value string) Entry {
		if line, ok := fc.lines[key]; ok && cfg.File != "" {
			return Entry{Key: key, Value: value, Source: SourceFile, Origin: fmt.Sprintf("%s:%d", cfg.File, line)}
		}
		return Entry{Key: key, Value: value, Source: SourceDefault}
	}
	for i, c := range cfg.Contexts {
		fields := []struct{ name, value string }{
			{"name", c.Name}, {"profile", c.Profile}, {"region", c.Region}, {"cluster", c.Cluster},
			{"readOnly", strconv.FormatBool(c.ReadOnly)}, {"production", strconv.FormatBool(c.Production)},
			{"endpointURL", c.EndpointURL},
			{"allowExecInReadOnly", strconv.FormatBool(c.AllowExecInReadOnly)}, {"execCommand", c.ExecCommandOrDefault()},
		}
		for _, f := range fields {
			key := fmt.Sprintf("contexts[%d].%s", i, f.name)
			if e, ok := ctxSources[i][f.name]; ok {
				e.Key, e.Value = key, f.value
				out = append(out, e)
				continue
			}
			out = append(out, fileEntry(key, f.value))
		}
	}
	for _, k := range sortedKeys(cfg.Keys) {
		out = append(out, fileEntry("keys."+k, strings.Join(cfg.Keys[k], ", ")))
	}
	for _, k := range sortedKeys(cfg.Colors) {
		out = append(out, fileEntry("colors."+k, cfg.Colors[k]))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func contextNames(cs []Context) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func flagNamed(fs *pflag.FlagSet, name string) *pflag.Flag {
	if fs == nil || name == "" {
		return nil
	}
	return fs.Lookup(name)
}

// envSet reports whether the variable holds a value; an empty one counts
// as unset, as it does for viper.
func envSet(name string) bool { return name != "" && os.Getenv(name) != "" }
