package ops

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/ecstui/ecstui/textsafe"
)

// Entry is one line of the journal.
type Entry struct {
	Time         time.Time `json:"time"`
	Context      string    `json:"context,omitempty"`
	User         string    `json:"user,omitempty"` // who: the local user ecstui ran as
	Action       string    `json:"action"`
	Cluster      string    `json:"cluster,omitempty"`
	Target       string    `json:"target,omitempty"`
	Plan         string    `json:"plan"`
	Changes      []string  `json:"changes,omitempty"`
	Outcome      Outcome   `json:"outcome"`
	Message      string    `json:"message,omitempty"`
	Done         []string  `json:"done,omitempty"`
	NotDone      []string  `json:"not_done,omitempty"`
	DeploymentID string    `json:"deployment_id,omitempty"`
	Error        string    `json:"error,omitempty"`
	// Run ties the entries of one action together (started, its steps,
	// its end); PID and Host name the process that ran it.
	Run  string `json:"run,omitempty"`
	PID  int    `json:"pid,omitempty"`
	Host string `json:"host,omitempty"`
	// Step names a step entry's kind (register, update, stop, terminate…).
	Step string `json:"step,omitempty"`
}

// Journal is the append-only record of every action ecstui took, one JSON
// object per line.
type Journal struct{ Path string }

// StateDir is ecstui's state directory: $XDG_STATE_HOME/ecstui, falling back
// to ~/.local/state/ecstui as the XDG base directory spec says.
func StateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ecstui")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "ecstui-state")
	}
	return filepath.Join(home, ".local", "state", "ecstui")
}

// DefaultJournal is the journal at StateDir()/journal.jsonl.
func DefaultJournal() *Journal { return &Journal{Path: filepath.Join(StateDir(), "journal.jsonl")} }

// Append writes one entry. The file is opened with O_APPEND and the line is
// written in a single write, so concurrent ecstui processes never interleave
// inside a line.
func (j *Journal) Append(e Entry) error {
	// The journal is read with cat and tail: controls and bidi characters
	// from AWS are escaped (\uXXXX), losslessly.
	line, err := textsafe.MarshalJSON(e, false)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	if err := os.MkdirAll(filepath.Dir(j.Path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(j.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Read returns every entry, oldest first. A missing journal is empty; a
// damaged line is reported with its number rather than hiding the rest.
func (j *Journal) Read() ([]Entry, error) {
	f, err := os.Open(j.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Entry
	var bad []int
	// Lines have no length limit: an entry of a drain of a thousand
	// instances is long, and a line too long for a fixed buffer must not
	// hide every entry after it.
	rd := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, rerr := rd.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var e Entry
			if err := json.Unmarshal(line, &e); err != nil {
				bad = append(bad, n)
			} else {
				out = append(out, e)
			}
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return out, fmt.Errorf("journal %s: %w", j.Path, rerr)
		}
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("journal %s: unreadable lines %v", j.Path, bad)
	}
	return out, nil
}

// localUser names who ran ecstui, for the journal: the login name, else $USER.
func localUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}
