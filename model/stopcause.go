package model

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Task stop codes as ECS reports them.
const (
	StopTaskFailedToStart         = "TaskFailedToStart"
	StopEssentialContainerExited  = "EssentialContainerExited"
	StopUserInitiated             = "UserInitiated"
	StopServiceSchedulerInitiated = "ServiceSchedulerInitiated"
	StopSpotInterruption          = "SpotInterruption"
	StopTerminationNotice         = "TerminationNotice"
)

// StopCauseKind is why a task died, in the words an on-call engineer
// searches for.
type StopCauseKind string

const (
	CauseOOM             StopCauseKind = "oom"              // exit 137 with an OutOfMemory reason
	CauseImagePull       StopCauseKind = "image-pull"       // CannotPullContainerError
	CauseResourceInit    StopCauseKind = "resource-init"    // ResourceInitializationError: secrets, log config, registry auth
	CauseStartFailed     StopCauseKind = "start-failed"     // another TaskFailedToStart (CannotStartContainerError…)
	CauseExit            StopCauseKind = "exit"             // an essential container exited on its own
	CauseELBHealth       StopCauseKind = "elb-health"       // failed load balancer health checks
	CauseContainerHealth StopCauseKind = "container-health" // failed container health checks
	CauseSpot            StopCauseKind = "spot"             // Spot capacity reclaimed
	CauseInstance        StopCauseKind = "instance"         // its host stopped, terminated or got a termination notice
	CauseUser            StopCauseKind = "user"             // someone stopped it
	CauseScheduler       StopCauseKind = "scheduler"        // scaling, a deployment replacing it, a drain
	CauseUnknown         StopCauseKind = "unknown"
)

// Failure reports whether the cause is the task failing rather than
// something asked for (a scale-in, a deployment replacing it, a person).
func (k StopCauseKind) Failure() bool {
	switch k {
	case CauseUser, CauseScheduler, CauseUnknown:
		return false
	}
	return true
}

// StopCause is the classified reason a task stopped.
type StopCause struct {
	Kind      StopCauseKind
	Container string // the container that caused it, when one did
	ExitCode  *int   // that container's exit code
	Image     string // the image that could not be pulled (image-pull)
	// Reason is the most specific text ECS gave: the container's reason,
	// else the task's stopped reason, else its stop code.
	Reason string
}

// Label is the cause in a few words, e.g. "OOM-killed (exit 137)",
// "image pull failed", "exited with code 1".
func (c StopCause) Label() string {
	switch c.Kind {
	case CauseOOM:
		return "OOM-killed (exit 137)"
	case CauseImagePull:
		return "image pull failed"
	case CauseResourceInit:
		return "resource initialization failed"
	case CauseStartFailed:
		return "failed to start"
	case CauseExit:
		if c.ExitCode == nil {
			return "essential container exited"
		}
		return "exited with code " + itoa(*c.ExitCode) + exitMeaning(*c.ExitCode)
	case CauseELBHealth:
		return "failed ELB health checks"
	case CauseContainerHealth:
		return "failed container health checks"
	case CauseSpot:
		return "Spot interruption"
	case CauseInstance:
		return "host instance went away"
	case CauseUser:
		return "stopped by a user"
	case CauseScheduler:
		return "stopped by the scheduler"
	}
	return "stopped"
}

// maxReason bounds the reason a one-line summary quotes.
const maxReason = 120

// ShortReason is the reason in one line: for a pull or initialisation
// error, the error's name and its last clause ("CannotPullContainerError:
// … not found") since the image is named already, or from the AWS error it
// wraps when it names one ("ResourceInitializationError: …
// AccessDeniedException: …": the error's own text has colons of its own);
// otherwise the reason, shortened. "" when the label says it all.
func (c StopCause) ShortReason() string {
	r := strings.TrimSpace(c.Reason)
	switch c.Kind {
	case CauseImagePull, CauseResourceInit, CauseStartFailed:
		name, rest, ok := strings.Cut(r, ":")
		if e := awsErrorIn(rest); ok && e >= 0 {
			return shorten(name + ": … " + strings.TrimSpace(rest[e:]))
		}
		if i := strings.LastIndex(rest, ": "); ok && i >= 0 {
			return name + ": … " + strings.TrimSpace(rest[i+2:])
		}
	case CauseExit:
		if r == "Essential container in task exited" {
			return ""
		}
	}
	return shorten(r)
}

func shorten(r string) string {
	if len([]rune(r)) > maxReason {
		r = string([]rune(r)[:maxReason-1]) + "…"
	}
	return r
}

// awsErrorIn finds where the first AWS error code in s begins (a word ending
// in "Exception" followed by ": "), or -1.
func awsErrorIn(s string) int {
	i := strings.Index(s, "Exception: ")
	if i < 0 {
		return -1
	}
	return strings.LastIndexAny(s[:i], " :") + 1
}

// exitMeaning glosses the exit codes whose meaning is fixed by convention.
func exitMeaning(code int) string {
	switch code {
	case 126:
		return " (command not executable)"
	case 127:
		return " (command not found)"
	case 137:
		return " (SIGKILL)"
	case 139:
		return " (SIGSEGV)"
	case 143:
		return " (SIGTERM)"
	}
	return ""
}

// GroupKey distinguishes causes worth counting apart: the kind plus the exit
// code or image, so "exit 1" and "exit 2" of one service are two lines.
func (c StopCause) GroupKey() string {
	k := string(c.Kind)
	if c.ExitCode != nil && c.Kind == CauseExit {
		k += ":" + itoa(*c.ExitCode)
	}
	if c.Image != "" {
		k += ":" + c.Image
	}
	return k
}

// ClassifyStop says why a stopped (or stopping) task died, from its stop
// code, stopped reason and its containers' exit codes and reasons. td, when
// known, tells which containers are essential; without it every container
// with a non-zero exit code is a candidate.
func ClassifyStop(t Task, td *TaskDefinition) StopCause {
	reason := strings.TrimSpace(t.StoppedReason)
	c := StopCause{Reason: firstOf(reason, t.StopCode)}
	essential := func(name string) bool {
		if td == nil {
			return true
		}
		cd, ok := td.Container(name)
		return !ok || cd.Essential
	}
	// A container reason is the most specific text there is.
	for _, k := range t.Containers {
		r := k.Reason
		switch {
		case containsFold(r, "OutOfMemory"):
			return StopCause{Kind: CauseOOM, Container: k.Name, ExitCode: cloneInt(k.ExitCode), Reason: r}
		case containsFold(r, "CannotPullContainerError"):
			return StopCause{Kind: CauseImagePull, Container: k.Name, Image: k.Image, Reason: r}
		case containsFold(r, "ResourceInitializationError"):
			return StopCause{Kind: CauseResourceInit, Container: k.Name, Reason: r}
		}
	}
	switch {
	case containsFold(reason, "CannotPullContainerError"):
		c.Kind = CauseImagePull
		c.Image = imageIn(reason)
		if c.Image == "" && len(t.Containers) > 0 {
			c.Container, c.Image = t.Containers[0].Name, t.Containers[0].Image
		}
		for _, k := range t.Containers {
			if c.Image != "" && strings.Contains(c.Image, k.Image) {
				c.Container, c.Image = k.Name, k.Image
			}
		}
		return c
	case containsFold(reason, "ResourceInitializationError"):
		c.Kind = CauseResourceInit
		return c
	case containsFold(reason, "OutOfMemory"):
		c.Kind = CauseOOM
		return c
	case t.StopCode == StopSpotInterruption || containsFold(reason, "Spot Task was interrupted") || containsFold(reason, "spot interruption"):
		c.Kind = CauseSpot
		return c
	case t.StopCode == StopTerminationNotice || strings.HasPrefix(reason, "Host EC2"):
		c.Kind = CauseInstance
		return c
	case containsFold(reason, "ELB health checks"):
		c.Kind = CauseELBHealth
		return c
	case containsFold(reason, "container health checks"):
		c.Kind = CauseContainerHealth
		return c
	case t.StopCode == StopTaskFailedToStart || containsFold(reason, "CannotStartContainerError") ||
		containsFold(reason, "CannotCreateContainerError"):
		c.Kind = CauseStartFailed
		return c
	case t.StopCode == StopUserInitiated:
		c.Kind = CauseUser
		return c
	case t.StopCode == StopEssentialContainerExited || containsFold(reason, "Essential container in task exited"):
		c.Kind = CauseExit
		// The container that exited: essential, non-zero first; a zero exit of
		// an essential container still stopped the task.
		var zero *Container
		for i := range t.Containers {
			k := &t.Containers[i]
			if k.ExitCode == nil || !essential(k.Name) {
				continue
			}
			if *k.ExitCode != 0 {
				if *k.ExitCode == 137 && containsFold(k.Reason, "memory") {
					c.Kind = CauseOOM
				}
				c.Container, c.ExitCode = k.Name, cloneInt(k.ExitCode)
				if k.Reason != "" {
					c.Reason = k.Reason
				}
				return c
			}
			if zero == nil {
				zero = k
			}
		}
		if zero != nil {
			c.Container, c.ExitCode = zero.Name, cloneInt(zero.ExitCode)
		}
		return c
	case t.StopCode == StopServiceSchedulerInitiated:
		c.Kind = CauseScheduler
		return c
	}
	c.Kind = CauseUnknown
	return c
}

// imageIn finds the image reference in a CannotPullContainerError message,
// which names it after "ref " or "image " (e.g. "failed to resolve ref
// registry/app:1.2: not found", "pull image manifest … image registry/app").
func imageIn(reason string) string {
	for _, marker := range []string{"ref ", "image "} {
		i := strings.LastIndex(reason, marker)
		if i < 0 {
			continue
		}
		rest := reason[i+len(marker):]
		rest = strings.Trim(rest, `"' `)
		if j := strings.IndexAny(rest, " \"'"); j >= 0 {
			rest = rest[:j]
		}
		rest = strings.TrimSuffix(rest, ":")
		rest = strings.TrimSuffix(rest, ",")
		if strings.ContainsAny(rest, "/:") {
			return rest
		}
	}
	return ""
}

func containsFold(s, sub string) bool {
	return sub != "" && strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// StopGroup is the stopped tasks of one service with one cause.
type StopGroup struct {
	Service string // "" for standalone tasks
	Cause   StopCause
	Count   int
	// Last is the newest task of the group; its reason is the one shown.
	Last Task
	// First is when the oldest task of the group stopped.
	First time.Time
}

// Describe is one line: "3 tasks OOM-killed (exit 137) in api".
func (g StopGroup) Describe() string {
	s := fmt.Sprintf("%d %s %s", g.Count, plural(g.Count, "task", "tasks"), g.Cause.Label())
	switch {
	case g.Cause.Kind == CauseImagePull && g.Cause.Image != "":
		s += ": " + g.Cause.Image
	case g.Cause.Container != "":
		s += " in " + g.Cause.Container
	}
	return s
}

// GroupStopped classifies stopped tasks and groups them by service and
// cause, the newest group first. tds, when given, says which containers are
// essential. Tasks that have not stopped yet are skipped.
func GroupStopped(tasks []Task, tds map[string]TaskDefinition) []StopGroup {
	idx := map[string]int{}
	var out []StopGroup
	for _, t := range tasks {
		if t.LastStatus != StatusStopped && t.DesiredStatus != StatusStopped {
			continue
		}
		var td *TaskDefinition
		if d, ok := tds[t.TaskDefinitionARN]; ok {
			td = &d
		}
		c := ClassifyStop(t, td)
		key := t.ServiceName() + "\x00" + c.GroupKey()
		i, ok := idx[key]
		if !ok {
			idx[key] = len(out)
			out = append(out, StopGroup{Service: t.ServiceName(), Cause: c, Last: t, First: stopTime(t)})
			i = len(out) - 1
		}
		g := &out[i]
		g.Count++
		if at := stopTime(t); at.Before(g.First) {
			g.First = at
		}
		if stopTime(t).After(stopTime(g.Last)) {
			g.Last, g.Cause = t, c
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return stopGroupLess(out[i], out[j]) })
	return out
}

func stopGroupLess(a, b StopGroup) bool {
	ta, tb := stopTime(a.Last), stopTime(b.Last)
	if !ta.Equal(tb) {
		return ta.After(tb)
	}
	if a.Service != b.Service {
		return a.Service < b.Service
	}
	return a.Cause.GroupKey() < b.Cause.GroupKey()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// stopTime is when a task stopped, else when it began stopping, else when
// it was created: the time a stopped-task line is ordered by.
func stopTime(t Task) time.Time {
	switch {
	case !t.StoppedAt.IsZero():
		return t.StoppedAt
	case !t.StoppingAt.IsZero():
		return t.StoppingAt
	}
	return t.CreatedAt
}
