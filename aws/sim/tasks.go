package sim

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// Image tag conventions (see doc.go): a tag containing "broken" exits 1
// shortly after start; one containing "unhealthy" runs but fails its target
// group's health checks.
func imageTag(image string) string {
	if i := strings.LastIndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	slash := strings.LastIndexByte(image, '/')
	if i := strings.LastIndexByte(image, ':'); i > slash {
		return image[i+1:]
	}
	return "latest"
}

func isBroken(image string) bool    { return strings.Contains(imageTag(image), "broken") }
func isUnhealthy(image string) bool { return strings.Contains(imageTag(image), "unhealthy") }

// digestOf gives every image a stable digest, so the same image reports the
// same digest in every task.
func digestOf(image string) string {
	var b strings.Builder
	b.WriteString("sha256:")
	h := fnv.New64a()
	for i := 0; i < 4; i++ {
		h.Write([]byte(image))
		fmt.Fprintf(&b, "%016x", h.Sum64())
	}
	return b.String()
}

// newTask creates a task on ci (resources reserved), PENDING (PROVISIONING for awsvpc).
func (w *World) newTask(c *cluster, td *taskDef, ci *instance, group, startedBy string, svc *service, dep *deployment) *task {
	id := w.hex(32)
	t := &task{
		id: id, arn: w.ecsARN("task/" + c.name + "/" + id),
		cluster: c, td: td, inst: ci, svc: svc, dep: dep,
		group: group, startedBy: startedBy,
		lastStatus: model.StatusProvisioning, desiredStatus: model.StatusRunning,
		health:    model.HealthUnknown,
		createdAt: w.now,
		pullAt:    w.now.Add(tick),
		runAt:     w.now.Add(w.jitter(3*time.Second, 6*time.Second)),
		needs:     td.needs,
	}
	if svc != nil {
		t.exec = svc.exec
	}
	// Only awsvpc tasks provision (an ENI) before they pend, as in ECS.
	if td.NetworkMode != "awsvpc" {
		t.lastStatus = model.StatusPending
	}
	if ci != nil { // Fargate tasks hold no instance resources
		t.dynPorts = ci.reserve(td)
	}
	dyn := t.dynPorts
	for _, cd := range td.Containers {
		k := &container{
			name: cd.Name, image: cd.Image, digest: digestOf(cd.Image),
			arn:    w.ecsARN("container/" + c.name + "/" + id + "/" + w.uuid()),
			status: model.StatusPending, cpu: cd.CPU, memory: cd.Memory, essential: cd.Essential,
		}
		if cd.HealthCheck != nil {
			k.health = model.HealthUnknown
		}
		for _, pm := range cd.PortMappings {
			proto := strings.ToLower(pm.Protocol)
			if proto == "" {
				proto = "tcp"
			}
			host := pm.HostPort
			switch td.NetworkMode {
			case "awsvpc", "none":
				continue
			case "host":
				if host == 0 {
					host = pm.ContainerPort
				}
			default:
				if host == 0 {
					host, dyn = dyn[0], dyn[1:]
				}
			}
			k.bindings = append(k.bindings, model.NetworkBinding{BindIP: "0.0.0.0", ContainerPort: pm.ContainerPort, HostPort: host, Protocol: proto})
		}
		if lt, ok := cd.AWSLogs(); ok {
			k.logGroup = lt.Group
			k.logStream = model.AWSLogsStreamName(lt.StreamPrefix, cd.Name, id)
		}
		t.containers = append(t.containers, k)
	}
	w.attachENI(t)
	c.tasks[id] = t
	c.taskOrder = append(c.taskOrder, id)
	if ci != nil {
		ci.tasks[id] = t
	}
	if svc != nil {
		svc.tasks[id] = t
	}
	return t
}

// stepTasks moves every live task of c along its lifecycle.
func (w *World) stepTasks(c *cluster) {
	for _, id := range c.taskOrder {
		t := c.tasks[id]
		if t == nil || !t.live() {
			continue
		}
		w.stepTask(t)
	}
}

func (w *World) stepTask(t *task) {
	now := w.now
	if t.desiredStatus == model.StatusStopped {
		if !now.Before(t.stopAt) {
			w.finishStop(t)
		}
		return
	}
	switch t.lastStatus {
	case model.StatusProvisioning:
		if !now.Before(t.pullAt) {
			t.lastStatus = model.StatusPending
		}
	case model.StatusPending:
		if !now.Before(t.runAt) {
			if reason, ok := startFailure(t); ok {
				w.failStart(t, reason)
				return
			}
			w.startRunning(t)
		}
	case model.StatusRunning:
		w.stepRunning(t)
	}
}

func (w *World) startRunning(t *task) {
	t.lastStatus = model.StatusRunning
	t.startedAt = w.now
	for _, k := range t.containers {
		k.status = model.StatusRunning
		k.runtimeID = w.hex(64)
		if k.logStream != "" {
			w.logs.ensureStream(k.logGroup, k.logStream, w.now)
			k.nextLogAt = w.now
		}
	}
	if isBrokenTask(t) || crashesOOM(t) {
		t.exitAt = w.now.Add(w.jitter(4*time.Second, 9*time.Second))
	}
	if t.svc != nil {
		w.registerTaskTargets(t)
	}
}

func isBrokenTask(t *task) bool {
	for _, k := range t.containers {
		if isBroken(k.image) {
			return true
		}
	}
	return false
}

func (w *World) stepRunning(t *task) {
	now := w.now
	// Container health checks: healthy after the start period (or one
	// interval); an "unhealthy" image never passes.
	allHealthy, anyCheck := true, false
	for i, k := range t.containers {
		if k.health == "" || k.status != model.StatusRunning {
			continue
		}
		anyCheck = true
		hc := t.td.Containers[i].HealthCheck
		wait := max(hc.StartPeriod, hc.Interval, 5*time.Second)
		if now.Sub(t.startedAt) >= wait {
			if isUnhealthy(k.image) {
				k.health = model.HealthUnhealthy
			} else {
				k.health = model.HealthHealthy
			}
		}
		if k.health != model.HealthHealthy && k.essential {
			allHealthy = false
		}
	}
	switch {
	case !anyCheck:
		t.health = model.HealthUnknown
	case allHealthy:
		t.health = model.HealthHealthy
	default:
		t.health = model.HealthUnhealthy
		for _, k := range t.containers {
			if k.health == model.HealthUnknown {
				t.health = model.HealthUnknown
			}
		}
	}
	if t.exitAt.IsZero() || now.Before(t.exitAt) {
		return
	}
	t.exitAt = time.Time{}
	essentialExited := false
	for _, k := range t.containers {
		code, reason, crashes := crashOf(k.image)
		if !crashes || k.status != model.StatusRunning {
			continue
		}
		if code == exitOOM {
			w.writeOOM(k, now)
		} else {
			w.writeCrash(k, now)
		}
		k.status, k.exitCode, k.reason = model.StatusStopped, &code, reason
		if k.essential {
			essentialExited = true
		}
	}
	if essentialExited {
		w.markFailed(t)
		w.stopTask(t, "EssentialContainerExited", "Essential container in task exited")
	}
}

// markFailed counts t against its deployment's circuit breaker, once.
func (w *World) markFailed(t *task) {
	if t.failed || t.dep == nil {
		return
	}
	t.failed = true
	d := t.dep
	d.failed++
	d.updatedAt = w.now
	if d.failed >= 3 {
		backoff := 10 * time.Second << min(d.failed-3, 7)
		d.nextLaunch = w.now.Add(min(backoff, 15*time.Minute))
	}
}

// stopTask asks t to stop: targets drain first, then the containers stop.
func (w *World) stopTask(t *task, code, reason string) {
	if t.desiredStatus == model.StatusStopped {
		return
	}
	t.desiredStatus = model.StatusStopped
	t.stoppingAt = w.now
	t.stopCode, t.stoppedReason = code, reason
	if t.lastStatus != model.StatusRunning {
		t.stopAt = w.now.Add(tick)
		t.lastStatus = model.StatusDeactivating
		return
	}
	drain := time.Duration(0)
	for _, tg := range t.targets {
		if tg.state != model.TargetDraining {
			w.drainTarget(tg)
		}
		drain = max(drain, tg.removeAt.Sub(w.now))
	}
	if code == "EssentialContainerExited" {
		drain = 0 // the process is gone already; nothing to wait for
	}
	if drain > 0 {
		t.lastStatus = model.StatusDeactivating
	} else {
		t.lastStatus = model.StatusStopping
	}
	t.stopAt = w.now.Add(drain + w.jitter(2*time.Second, 4*time.Second))
}

// finishStop makes t STOPPED and frees what it held.
func (w *World) finishStop(t *task) {
	t.lastStatus = model.StatusStopped
	t.stoppedAt = w.now
	if t.startedAt.IsZero() {
		t.stoppingAt = w.now
	}
	for _, k := range t.containers {
		if k.status == model.StatusRunning && k.exitCode == nil {
			code := 0
			if t.stopCode == "EssentialContainerExited" {
				code = 137
			}
			k.exitCode = &code
		}
		k.status = model.StatusStopped
		k.health = healthOrEmpty(k.health)
	}
	for _, tg := range t.targets {
		w.removeTarget(tg)
	}
	t.targets = nil
	if t.inst != nil {
		t.inst.release(t)
		delete(t.inst.tasks, t.id)
	}
	if t.svc != nil {
		delete(t.svc.tasks, t.id)
	}
}

func healthOrEmpty(h string) string {
	if h == "" {
		return ""
	}
	return model.HealthUnknown
}

// pruneStopped forgets tasks stopped, and container instances deregistered,
// more than an hour ago, as ECS does.
func (w *World) pruneStopped(c *cluster) {
	if w.now.Second() != 0 {
		return
	}
	keepCI := c.instanceOrder[:0]
	for _, id := range c.instanceOrder {
		ci := c.instances[id]
		if ci.status == model.InstanceInactive && w.now.Sub(ci.deregisteredAt) > time.Hour {
			delete(c.instances, id)
			delete(c.byEC2, ci.ec2.id)
			continue
		}
		keepCI = append(keepCI, id)
	}
	c.instanceOrder = keepCI
	keep := c.taskOrder[:0]
	for _, id := range c.taskOrder {
		t := c.tasks[id]
		if !t.live() && w.now.Sub(t.stoppedAt) > time.Hour {
			delete(c.tasks, id)
			continue
		}
		keep = append(keep, id)
	}
	c.taskOrder = keep
}
