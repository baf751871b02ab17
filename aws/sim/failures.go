package sim

import (
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// More image tag conventions (see doc.go), for the ways tasks die that an
// on-call engineer triages:
//
//   - "oom": the container runs, then is killed for exceeding its memory:
//     exit code 137, reason "OutOfMemoryError: Container killed due to
//     memory usage", task stopped with EssentialContainerExited;
//   - "missing": the image cannot be pulled: the task stops before it runs
//     with TaskFailedToStart and a CannotPullContainerError naming the image;
//   - "nosecret": the task's secrets cannot be fetched: it stops before it
//     runs with TaskFailedToStart and a ResourceInitializationError naming
//     the AccessDeniedException, as Fargate reports it.
//
// Each counts as a failed task of its deployment, like "broken".

// exitOOM is the exit code of a container the kernel killed (SIGKILL).
const exitOOM = 137

const oomReason = "OutOfMemoryError: Container killed due to memory usage"

func isOOM(image string) bool { return strings.Contains(imageTag(image), "oom") }

func crashesOOM(t *task) bool {
	for _, k := range t.containers {
		if isOOM(k.image) {
			return true
		}
	}
	return false
}

// crashOf says whether a container of this image exits on its own once
// running, with which exit code and container reason.
func crashOf(image string) (code int, reason string, ok bool) {
	switch {
	case isOOM(image):
		return exitOOM, oomReason, true
	case isBroken(image):
		return 1, "", true
	}
	return 0, "", false
}

// startFailure is the reason a task cannot start, if one of its images says so.
func startFailure(t *task) (string, bool) {
	for _, k := range t.containers {
		tag := imageTag(k.image)
		switch {
		case strings.Contains(tag, "missing"):
			return "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref " +
				k.image + ": " + k.image + ": not found", true
		case strings.Contains(tag, "nosecret"):
			return "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: " +
				"unable to retrieve secret from asm: service call has been retried 1 time(s): " +
				"AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue", true
		}
	}
	return "", false
}

// failStart stops a task that could not start: its containers never ran
// (no exit code), each carries the reason, and it counts as failed.
func (w *World) failStart(t *task, reason string) {
	for _, k := range t.containers {
		k.status, k.reason = model.StatusStopped, reason
	}
	w.markFailed(t)
	w.stopTask(t, model.StopTaskFailedToStart, reason)
}

// writeOOM writes what a process says before the kernel kills it.
func (w *World) writeOOM(k *container, now time.Time) {
	if k.logStream == "" {
		return
	}
	for i, line := range []string{
		`{"level":"warn","msg":"heap usage high","heap_mb":471,"limit_mb":512}`,
		`{"level":"warn","msg":"cache grew past its bound","entries":182044}`,
		`{"level":"error","msg":"allocation failed, retrying","size_mb":64}`,
	} {
		w.logs.put(k.logGroup, k.logStream, now.Add(time.Duration(i-3)*200*time.Millisecond), line)
	}
}
