//go:build !unix

package ops

import (
	"errors"
	"os"
)

// flockNB has no portable equivalent here: refusing is safer than running a
// drain that a second process could run at the same time.
func flockNB(*os.File, bool) (bool, error) {
	return false, errors.New("drain runs need an OS file lock, which this platform lacks here")
}
