//go:build unix

package ops

import (
	"errors"
	"os"
	"syscall"
)

// flockNB takes a flock on f without waiting: exclusive, or shared for a
// probe. held reports that another open file description (another process,
// or another open in this one) has a conflicting lock.
func flockNB(f *os.File, shared bool) (held bool, err error) {
	how := syscall.LOCK_EX
	if shared {
		how = syscall.LOCK_SH
	}
	for {
		err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}
