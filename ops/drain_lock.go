package ops

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"
)

// Owner is who runs a drain or another action: written into each lock file
// it holds, so a refused second runner can say who holds it.
type Owner struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
	Run   string    `json:"run"`
	// Action is the action of a run that is not a drain (scale, deploy…).
	Action string `json:"action,omitempty"`
}

func (o Owner) String() string {
	what := "drain run"
	if o.Action != "" {
		what = o.Action + " run"
	}
	return fmt.Sprintf("%s %s, pid %d on host %s since %s", what, o.Run, o.PID, o.Host, o.Since.UTC().Format("2006-01-02 15:04:05Z"))
}

// HeldError refuses an action because another live process drives its
// target: a drain run or one of its instances, a service, a task…
type HeldError struct {
	What  string // "drain run ID", "instance i-…", "service web"
	Owner Owner
}

func (e *HeldError) Error() string {
	verb := "being changed"
	if e.Owner.Action == "" {
		verb = "being drained"
	}
	return fmt.Sprintf("%s is %s by another ecstui (%s): only one process may drive it; wait for it to end or stop it", e.What, verb, e.Owner)
}

// fileLock is an OS lock (flock) on a small file: the kernel releases it
// when the process ends however it ends (kill -9 included), so a run is
// never left owned by a process that is gone.
type fileLock struct{ f *os.File }

// lockPatience is how long taking a lock keeps trying: long enough to wait
// out another process's probe (DrainRun.Owner holds a shared lock for a
// moment), far shorter than any real owner holds it.
const lockPatience = 500 * time.Millisecond

// tryLock takes the lock at path and records owner in it, or reports the
// owner recorded by the process that holds it.
func tryLock(path string, owner Owner) (*fileLock, *Owner, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, err
	}
	deadline := time.Now().Add(lockPatience)
	for {
		held, err := flockNB(f, false)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !held {
			break
		}
		if time.Now().After(deadline) {
			f.Close()
			o := readOwner(path)
			return nil, &o, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	b, _ := json.Marshal(owner)
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt(b, 0)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	return &fileLock{f: f}, nil, nil
}

// readOwner reads the owner record of a held lock.
func readOwner(path string) Owner {
	var o Owner
	b, _ := os.ReadFile(path)
	if json.Unmarshal(b, &o) != nil {
		o = Owner{Run: "(unknown: the owner is still writing its record)"}
	}
	return o
}

// release gives the lock back (closing the file drops the flock).
func (l *fileLock) release() {
	if l != nil && l.f != nil {
		_ = l.f.Close()
		l.f = nil
	}
}

func lockDir() string { return filepath.Join(StateDir(), "locks") }

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func runLockPath(id string) string {
	return filepath.Join(lockDir(), "drain-"+unsafeName.ReplaceAllString(id, "_")+".lock")
}

// instanceLockPath names an instance by its EC2 id (stable across the
// container instance ARN's forms), else its container instance id.
func instanceLockPath(ip InstanceProgress) string {
	id := ip.EC2InstanceID
	if id == "" {
		id = ip.ContainerInstance
	}
	return filepath.Join(lockDir(), "instance-"+unsafeName.ReplaceAllString(id, "_")+".lock")
}

// DrainLease is a run's ownership: its own lock and the lock of every
// instance it still drives. Release gives them all back.
type DrainLease struct{ locks []*fileLock }

// Release gives every lock back.
func (l *DrainLease) Release() {
	if l == nil {
		return
	}
	for _, fl := range l.locks {
		fl.release()
	}
	l.locks = nil
}

// Acquire makes this process the run's one owner: the run's lock, then one
// lock per instance not yet replaced (in a fixed order). When any is held by
// a live process it gives back what it took and returns a *HeldError naming
// that process.
func (d *DrainRun) Acquire(now time.Time) (*DrainLease, error) {
	host, _ := os.Hostname()
	owner := Owner{PID: os.Getpid(), Host: host, Since: now, Run: d.ID}
	lease := &DrainLease{}
	take := func(path, what string) error {
		l, held, err := tryLock(path, owner)
		if err != nil {
			return err
		}
		if held != nil {
			return &HeldError{What: what, Owner: *held}
		}
		lease.locks = append(lease.locks, l)
		return nil
	}
	if err := take(runLockPath(d.ID), "drain run "+d.ID); err != nil {
		lease.Release()
		return nil, err
	}
	var ips []InstanceProgress
	for _, ip := range d.Instances {
		if ip.State != DrainReplaced {
			ips = append(ips, ip)
		}
	}
	slices.SortFunc(ips, func(a, b InstanceProgress) int { return cmpStr(instanceLockPath(a), instanceLockPath(b)) })
	for _, ip := range ips {
		if err := take(instanceLockPath(ip), "instance "+orDash(ip.EC2InstanceID)); err != nil {
			lease.Release()
			return nil, err
		}
	}
	return lease, nil
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Owner reports the live process that owns the run, if any. A run whose
// state says running but that no live process owns was interrupted (its
// process crashed or was killed).
//
// The probe takes a shared lock for a moment and writes nothing, so it never
// disturbs the owner's record; an owner starting at that moment waits it out
// (lockPatience).
func (d *DrainRun) Owner() (Owner, bool) { return lockOwner(runLockPath(d.ID)) }

// lockOwner reports the live process holding the lock at path, if any.
func lockOwner(path string) (Owner, bool) {
	f, err := os.Open(path)
	if err != nil {
		return Owner{}, false // never locked
	}
	defer f.Close()
	held, err := flockNB(f, true)
	if err != nil || !held {
		return Owner{}, false
	}
	return readOwner(path), true
}

// DisplayStatus is the status a person should read: RunInterrupted for a
// run saved as running that no live process owns.
func (d *DrainRun) DisplayStatus() string {
	if d.Status == RunRunning {
		if _, live := d.Owner(); !live {
			return RunInterrupted
		}
	}
	return d.Status
}

// IsHeld reports whether err is a refusal because another process owns
// the run or an instance.
func IsHeld(err error) bool {
	var h *HeldError
	return errors.As(err, &h)
}
