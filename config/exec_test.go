package config

import (
	"strings"
	"testing"
)

func TestExecSettingsPerContext(t *testing.T) {
	dir := isolate(t)
	path := writeConfig(t, dir, `
contexts:
  - name: prod
    readOnly: true
    allowExecInReadOnly: true
    execCommand: /bin/bash
  - name: staging
`)
	cfg, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	prod, staging := cfg.Contexts[0], cfg.Contexts[1]
	if !prod.AllowExecInReadOnly || prod.ExecCommandOrDefault() != "/bin/bash" {
		t.Fatalf("prod = %+v", prod)
	}
	if staging.AllowExecInReadOnly || staging.ExecCommandOrDefault() != DefaultExecCommand {
		t.Fatalf("staging = %+v", staging)
	}
	seen := map[string]Entry{}
	for _, e := range cfg.Entries() {
		seen[e.Key] = e
	}
	if e := seen["contexts[0].allowExecInReadOnly"]; e.Value != "true" || e.Source != SourceFile || !strings.HasPrefix(e.Origin, path+":") {
		t.Errorf("allowExecInReadOnly entry = %+v", e)
	}
	if e := seen["contexts[1].execCommand"]; e.Value != DefaultExecCommand || e.Source != SourceDefault {
		t.Errorf("default execCommand entry = %+v", e)
	}
}

func TestExecSettingsInvalid(t *testing.T) {
	for _, tt := range []struct{ body, key, msg string }{
		{"contexts:\n  - name: a\n    allowExecInReadOnly: sometimes\n", "contexts[0].allowExecInReadOnly", "true or false"},
		{"contexts:\n  - name: a\n    execCommand: '  '\n", "contexts[0].execCommand", "must not be empty"},
	} {
		dir := isolate(t)
		writeConfig(t, dir, tt.body)
		_, err := Load(Options{})
		if err == nil || !strings.Contains(err.Error(), tt.key) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: err = %v, want key %s and %q", tt.body, err, tt.key, tt.msg)
		}
	}
}
