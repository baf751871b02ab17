package ui

import (
	"errors"

	"github.com/ecstui/ecstui/ui/page"
)

// logPage builds the log viewer page for t.
func (r *root) logPage(t logTarget) (page.Page, error) {
	_ = t
	return nil, errors.New("the log viewer is not part of this build")
}
