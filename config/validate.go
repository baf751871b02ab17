package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Error is an invalid configuration value: which file (or variable, or
// flag), which line, which key, and what is wrong with it.
type Error struct {
	File   string // config file path, "" for env/flag values
	Line   int    // 1-based line in File, 0 when unknown
	Key    string // e.g. contexts[1].region
	Origin string // for env/flag values: "environment variable ECSTUI_…" / "flag --…"
	Msg    string
}

func (e *Error) Error() string {
	var where string
	switch {
	case e.File != "" && e.Line > 0:
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	case e.File != "":
		where = e.File
	default:
		where = e.Origin
	}
	return fmt.Sprintf("invalid configuration: %s: key %s: %s", where, e.Key, e.Msg)
}

// The top-level keys that are not scalars (see scalars for the others).
const (
	keyContexts = "contexts"
	keyKeys     = "keys"
	keyColors   = "colors"
)

var contextKeys = []string{"name", "profile", "region", "cluster", "readOnly", "production", "endpointURL", "allowExecInReadOnly", "execCommand", "regions"}

// topKeys lists the top-level keys the file may use: the contexts, the
// top-level scalars, the sections holding the others, keys and colors.
func topKeys() []string {
	out := []string{keyContexts}
	for _, s := range scalars {
		name, _, _ := strings.Cut(s.key, ".")
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return append(out, keyKeys, keyColors)
}

// fileConfig is what the file says, validated, with the line of each key.
type fileConfig struct {
	contexts []Context
	keys     map[string][]string
	colors   map[string]string
	values   map[string]any // scalar key → value as written, for viper
	lines    map[string]int // key path → line
}

type checker struct {
	file        string
	keyActions  []string
	colorTokens []string
	fc          fileConfig
}

func (ch *checker) errf(n *yaml.Node, key, format string, args ...any) *Error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &Error{File: ch.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// canonical returns the known spelling of k (case-insensitive), or "".
func canonical(known []string, k string) string {
	for _, x := range known {
		if strings.EqualFold(x, k) {
			return x
		}
	}
	return ""
}

// parseFile parses and validates the whole document, the only time the
// file is parsed: the YAML nodes give every error its line, and the scalar
// values are handed to viper as a map for their precedence.
func parseFile(file string, data []byte, keyActions, colorTokens []string) (fileConfig, error) {
	ch := &checker{file: file, keyActions: keyActions, colorTokens: colorTokens,
		fc: fileConfig{lines: map[string]int{}, values: map[string]any{}}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return ch.fc, &Error{File: file, Key: "(document)", Msg: "not valid YAML: " + err.Error()}
	}
	if len(doc.Content) == 0 {
		return ch.fc, nil // empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return ch.fc, ch.errf(root, "(document)", "the file must be a mapping of keys (contexts, refreshInterval, …)")
	}
	known := topKeys()
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		name := canonical(known, k.Value)
		if name == "" {
			return ch.fc, ch.errf(k, k.Value, "unknown key (known: %s)", strings.Join(known, ", "))
		}
		if seen[name] {
			return ch.fc, ch.errf(k, name, "appears twice")
		}
		seen[name] = true
		ch.fc.lines[name] = k.Line
		var err error
		switch name {
		case keyContexts:
			err = ch.contexts(v)
		case keyKeys:
			err = ch.keys(v)
		case keyColors:
			err = ch.colors(v)
		default:
			if s := scalarNamed(name); s != nil {
				err = ch.scalar(v, s)
			} else {
				err = ch.section(v, name)
			}
		}
		if err != nil {
			return ch.fc, err
		}
	}
	return ch.fc, nil
}

// scalar checks one scalar's file value the way its environment variable
// or flag would be checked, and stricter on YAML types.
func (ch *checker) scalar(v *yaml.Node, s *scalar) error {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return ch.errf(v, s.key, "must be %s", s.want)
	}
	if s.strictBool && v.Tag != "!!bool" {
		return ch.errf(v, s.key, "must be true or false, not %q", v.Value)
	}
	if _, msg := s.apply(&Config{}, v.Value); msg != "" {
		return ch.errf(v, s.key, "%s", msg)
	}
	ch.fc.values[s.key] = v.Value
	return nil
}

// section checks a mapping of scalars such as logs: (bufferLines: …).
func (ch *checker) section(v *yaml.Node, section string) error {
	known := sectionKeys(section)
	if v.Kind != yaml.MappingNode {
		return ch.errf(v, section, "must be a mapping (%s: …)", strings.Join(known, ": …, "))
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		name := canonical(known, k.Value)
		if name == "" {
			return ch.errf(k, section+"."+k.Value, "unknown key (known: %s)", strings.Join(known, ", "))
		}
		key := section + "." + name
		ch.fc.lines[key] = k.Line
		if err := ch.scalar(val, scalarNamed(key)); err != nil {
			return err
		}
	}
	return nil
}

func (ch *checker) str(v *yaml.Node, key string) (string, error) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return "", ch.errf(v, key, "must be a string")
	}
	return v.Value, nil
}

func (ch *checker) boolean(v *yaml.Node, key string) (bool, error) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		return false, ch.errf(v, key, "must be true or false, not %q", v.Value)
	}
	b, _ := strconv.ParseBool(v.Value)
	return b, nil
}

// regions reads a context's regions: "all" (every region the account has
// enabled) or a list of region names.
func (ch *checker) regions(v *yaml.Node, key string) ([]string, error) {
	if v.Kind == yaml.ScalarNode {
		if strings.TrimSpace(v.Value) != "all" {
			return nil, ch.errf(v, key, "must be all or a list of regions ([eu-west-1, us-east-1])")
		}
		return []string{RegionsAll}, nil
	}
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return nil, ch.errf(v, key, "must be all or a list of regions ([eu-west-1, us-east-1])")
	}
	var out []string
	for _, item := range v.Content {
		r, err := ch.str(item, key)
		if err != nil {
			return nil, err
		}
		if !regionName.MatchString(r) {
			return nil, ch.errf(item, key, "%q is not a region name (like eu-west-1)", r)
		}
		out = append(out, r)
	}
	return out, nil
}

// regionName is the shape of an AWS region name (eu-west-1, us-gov-west-1,
// eusc-de-east-1).
var regionName = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-\d+$`)

func (ch *checker) contexts(v *yaml.Node) error {
	if v.Kind != yaml.SequenceNode {
		return ch.errf(v, "contexts", "must be a list of contexts (- name: …)")
	}
	names := map[string]int{}
	for i, item := range v.Content {
		base := fmt.Sprintf("contexts[%d]", i)
		if item.Kind != yaml.MappingNode {
			return ch.errf(item, base, "must be a mapping with name, profile, region, …")
		}
		var c Context
		hasName := false
		for j := 0; j+1 < len(item.Content); j += 2 {
			k, val := item.Content[j], item.Content[j+1]
			name := canonical(contextKeys, k.Value)
			key := base + "." + k.Value
			if name == "" {
				return ch.errf(k, key, "unknown key (known: %s)", strings.Join(contextKeys, ", "))
			}
			key = base + "." + name
			ch.fc.lines[key] = k.Line
			var err error
			switch name {
			case "name":
				c.Name, err = ch.str(val, key)
				hasName = true
			case "profile":
				c.Profile, err = ch.str(val, key)
			case "region":
				if c.Region, err = ch.str(val, key); err == nil && !regionName.MatchString(c.Region) {
					err = ch.errf(val, key, "%q is not a region name (like eu-west-1)", c.Region)
				}
			case "cluster":
				c.Cluster, err = ch.str(val, key)
			case "readOnly":
				c.ReadOnly, err = ch.boolean(val, key)
			case "production":
				c.Production, err = ch.boolean(val, key)
			case "allowExecInReadOnly":
				c.AllowExecInReadOnly, err = ch.boolean(val, key)
			case "execCommand":
				c.ExecCommand, err = ch.str(val, key)
				if err == nil && strings.TrimSpace(c.ExecCommand) == "" {
					err = ch.errf(val, key, "must not be empty (leave it out for %s)", DefaultExecCommand)
				}
			case "regions":
				c.Regions, err = ch.regions(val, key)
			case "endpointURL":
				c.EndpointURL, err = ch.str(val, key)
				if err == nil {
					if msg := checkEndpoint(c.EndpointURL); msg != "" {
						err = ch.errf(val, key, "%s", msg)
					}
				}
			}
			if err != nil {
				return err
			}
		}
		if !hasName || strings.TrimSpace(c.Name) == "" {
			return ch.errf(item, base+".name", "every context needs a name")
		}
		if first, dup := names[c.Name]; dup {
			return ch.errf(item, base+".name", "duplicate context name %q (also contexts[%d])", c.Name, first)
		}
		names[c.Name] = i
		ch.fc.contexts = append(ch.fc.contexts, c)
	}
	return nil
}

func (ch *checker) keys(v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return ch.errf(v, "keys", "must map action names to lists of keys")
	}
	ch.fc.keys = map[string][]string{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		key := "keys." + k.Value
		action := k.Value
		if ch.keyActions != nil {
			if action = canonical(ch.keyActions, k.Value); action == "" {
				return ch.errf(k, key, "unknown action (known: %s)", strings.Join(ch.keyActions, ", "))
			}
		}
		var keys []string
		switch val.Kind {
		case yaml.ScalarNode:
			keys = []string{val.Value}
		case yaml.SequenceNode:
			for _, x := range val.Content {
				if x.Kind != yaml.ScalarNode {
					return ch.errf(x, key, "keys must be strings such as \"ctrl+r\"")
				}
				keys = append(keys, x.Value)
			}
		default:
			return ch.errf(val, key, "must be a key or a list of keys")
		}
		if len(keys) == 0 || slices.Contains(keys, "") {
			return ch.errf(val, key, "needs at least one non-empty key")
		}
		ch.fc.lines[key] = k.Line
		ch.fc.keys[action] = keys
	}
	return nil
}

func (ch *checker) colors(v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return ch.errf(v, "colors", "must map colour tokens to colours")
	}
	ch.fc.colors = map[string]string{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		key := "colors." + k.Value
		token := k.Value
		if ch.colorTokens != nil {
			if token = canonical(ch.colorTokens, k.Value); token == "" {
				return ch.errf(k, key, "unknown colour token (known: %s)", strings.Join(ch.colorTokens, ", "))
			}
		}
		if val.Kind != yaml.ScalarNode || !validColor(val.Value) {
			return ch.errf(val, key, "%q is neither #rgb/#rrggbb nor an ANSI colour index 0-255", val.Value)
		}
		ch.fc.lines[key] = k.Line
		ch.fc.colors[token] = val.Value
	}
	return nil
}

func checkEndpoint(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an http(s) URL", s)
	}
	return ""
}

// validColor accepts what the theme accepts: #rgb, #rrggbb or 0–255.
func validColor(v string) bool {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "#") {
		h := v[1:]
		if len(h) != 3 && len(h) != 6 {
			return false
		}
		_, err := strconv.ParseUint(h, 16, 32)
		return err == nil
	}
	n, err := strconv.Atoi(v)
	return err == nil && n >= 0 && n <= 255
}
