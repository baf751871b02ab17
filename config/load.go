package config

import (
	"bytes"
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

// scalar is a top-level value resolved by viper: default < file < env < flag.
type scalar struct {
	key  string // as the file spells it
	env  string
	flag string
	def  any
}

var scalars = []scalar{
	{key: "currentContext", env: "ECSTUI_CONTEXT", flag: "context", def: ""},
	{key: "refreshInterval", env: "ECSTUI_REFRESH_INTERVAL", flag: "refresh", def: DefaultRefreshInterval.String()},
	{key: "readOnly", env: "ECSTUI_READ_ONLY", flag: "read-only", def: false},
	{key: "logs.bufferLines", env: "ECSTUI_LOGS_BUFFER_LINES", def: DefaultBufferLines},
}

// Load reads, merges and validates the configuration.
func Load(o Options) (*Config, error) {
	path, explicit := o.Path, o.Path != ""
	if !explicit {
		if p, ok := os.LookupEnv("ECSTUI_CONFIG"); ok && p != "" {
			path, explicit = p, true
		} else {
			path = DefaultPath(os.Getenv)
		}
	}
	cfg := &Config{}
	var fc fileConfig
	v := viper.New()
	v.SetConfigType("yaml")
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			cfg.File = path
			if fc, err = parseFile(path, data, o.KeyActions, o.ColorTokens); err != nil {
				return nil, err
			}
			if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
				return nil, &Error{File: path, Key: "(document)", Msg: err.Error()}
			}
		case errors.Is(err, fs.ErrNotExist) && !explicit:
			// No file is fine: defaults, environment and flags still apply.
		default:
			return nil, fmt.Errorf("configuration file %s: %w", path, err)
		}
	}

	sources := map[string]Entry{}
	for _, s := range scalars {
		v.SetDefault(s.key, s.def)
		if err := v.BindEnv(s.key, s.env); err != nil {
			return nil, err
		}
		if f := flagNamed(o.Flags, s.flag); f != nil {
			if err := v.BindPFlag(s.key, f); err != nil {
				return nil, err
			}
		}
		e := Entry{Key: s.key, Source: SourceDefault}
		switch {
		case flagNamed(o.Flags, s.flag) != nil && flagNamed(o.Flags, s.flag).Changed:
			e.Source, e.Origin = SourceFlag, "--"+s.flag
		case envSet(s.env):
			e.Source, e.Origin = SourceEnv, s.env
		case cfg.File != "" && v.InConfig(s.key):
			e.Source, e.Origin = SourceFile, fmt.Sprintf("%s:%d", cfg.File, fc.lines[s.key])
		}
		raw := v.GetString(s.key)
		bad := func(msg string) error {
			err := &Error{Key: s.key, Msg: msg}
			switch e.Source {
			case SourceFlag:
				err.Origin = "flag " + e.Origin
			case SourceEnv:
				err.Origin = "environment variable " + e.Origin
			default:
				err.File, err.Line = cfg.File, fc.lines[s.key]
			}
			return err
		}
		switch s.key {
		case "currentContext":
			cfg.CurrentContext = raw
		case "refreshInterval":
			d, msg := parseRefresh(raw)
			if msg != "" {
				return nil, bad(msg)
			}
			cfg.RefreshInterval = d
			raw = d.String()
		case "readOnly":
			b, msg := parseBool(raw)
			if msg != "" {
				return nil, bad(msg)
			}
			cfg.ReadOnly = b
			raw = strconv.FormatBool(b)
		case "logs.bufferLines":
			n, msg := parseBufferLines(raw)
			if msg != "" {
				return nil, bad(msg)
			}
			cfg.Logs.BufferLines = n
		}
		e.Value = raw
		sources[s.key] = e
	}

	cfg.Contexts = fc.contexts
	cfg.Keys, cfg.Colors = fc.keys, fc.colors
	ctxSources := make([]map[string]Entry, len(cfg.Contexts))
	for i := range cfg.Contexts {
		ctxSources[i] = map[string]Entry{}
	}
	if len(cfg.Contexts) == 0 {
		// Without contexts the AWS configuration chain alone decides
		// (AWS_PROFILE, AWS_REGION…), as the AWS CLI would.
		cfg.Contexts = []Context{{Name: "default"}}
		ctxSources = []map[string]Entry{{}}
	}

	cur := sources["currentContext"]
	idx := -1
	if cfg.CurrentContext == "" {
		idx, cfg.CurrentContext = 0, cfg.Contexts[0].Name
		cur.Value = cfg.CurrentContext
		cur.Origin = "first context"
		sources["currentContext"] = cur
	} else {
		for i, c := range cfg.Contexts {
			if c.Name == cfg.CurrentContext {
				idx = i
			}
		}
		if idx < 0 {
			err := &Error{Key: "currentContext", Msg: fmt.Sprintf("no context named %q (known: %s)", cfg.CurrentContext, contextNames(cfg.Contexts))}
			switch cur.Source {
			case SourceFlag:
				err.Origin = "flag --context"
			case SourceEnv:
				err.Origin = "environment variable ECSTUI_CONTEXT"
			default:
				err.File, err.Line = cfg.File, fc.lines["currentContext"]
			}
			return nil, err
		}
	}

	// --profile, --region and --endpoint-url override the current context.
	c := &cfg.Contexts[idx]
	for _, fl := range []struct {
		name  string
		field string
		dst   *string
	}{{"profile", "profile", &c.Profile}, {"region", "region", &c.Region}, {"endpoint-url", "endpointURL", &c.EndpointURL}} {
		f := flagNamed(o.Flags, fl.name)
		if f == nil || !f.Changed {
			continue
		}
		val := f.Value.String()
		if fl.name == "endpoint-url" {
			if msg := checkEndpoint(val); msg != "" {
				return nil, &Error{Key: fmt.Sprintf("contexts[%d].%s", idx, fl.field), Origin: "flag --endpoint-url", Msg: msg}
			}
		}
		*fl.dst = val
		ctxSources[idx][fl.field] = Entry{Source: SourceFlag, Origin: "--" + fl.name}
	}

	cfg.entries = buildEntries(cfg, fc, sources, ctxSources)
	return cfg, nil
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

func envSet(name string) bool {
	_, ok := os.LookupEnv(name)
	return ok
}
