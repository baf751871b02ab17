//go:build unix

package ops

import (
	"errors"
	"os"
	"syscall"
)

// flockNB takes an exclusive flock on f without waiting. held reports that
// another open file description (another process) has it.
func flockNB(f *os.File) (held bool, err error) {
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}
