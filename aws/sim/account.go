package sim

import (
	"maps"
	"slices"

	"github.com/ecstui/ecstui/model"
)

// PutAccountSetting sets an ECS account setting (the wire server checks
// names and values against ECS's).
func (w *World) PutAccountSetting(name, value string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.accountSettings == nil {
		w.accountSettings = map[string]string{}
	}
	w.accountSettings[name] = value
}

// AccountSettings returns the settings PutAccountSetting set, by name.
func (w *World) AccountSettings() []model.KeyValue {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := []model.KeyValue{}
	for _, k := range slices.Sorted(maps.Keys(w.accountSettings)) {
		out = append(out, model.KeyValue{Name: k, Value: w.accountSettings[k]})
	}
	return out
}
