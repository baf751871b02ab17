package sim

import (
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// The deployment history ECS keeps besides DescribeServices
// (ListServiceDeployments, DescribeServiceDeployments,
// DescribeServiceRevisions). Every deployment a person starts (CreateService,
// UpdateService with a new revision or forceNewDeployment) records a service
// deployment and the service revision it deploys. A circuit-breaker rollback
// does not start a new service deployment: the failed one goes
// ROLLBACK_IN_PROGRESS, names the revision it returns to, and ends
// ROLLBACK_SUCCESSFUL when the rollback's tasks are steady; without rollback
// it ends STOPPED. A deployment replaced by a newer one before it finished
// ends STOPPED too.

// maxHistory bounds the service deployments kept per service.
const maxHistory = 100

// histRecord is one service deployment.
type histRecord struct {
	arn                              string
	svc                              *service
	status, reason                   string
	createdAt, startedAt, finishedAt time.Time
	stoppedAt, updatedAt             time.Time
	target                           *histRevision
	targetDep                        *deployment
	sources                          []*histRevision
	rollback                         *model.DeploymentRollback
	rollbackDep                      *deployment
	rollbackRevision                 *histRevision
	circuitBreaker                   bool
	failureCount, failureThreshold   int
}

// histRevision is one service revision.
type histRevision struct {
	arn        string
	svc        *service
	td         *taskDef
	lbs        []model.LoadBalancer
	launchType string
	strategy   []model.CapacityProviderStrategyItem
	platform   string
	createdAt  time.Time
}

// deploymentKey derives a service deployment's id from its deployment's:
// taking it from the world's identifier stream would shift every ARN made
// after it, which tests and goldens rely on.
func deploymentKey(depID string) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	h := fnv.New64a()
	h.Write([]byte(depID))
	x := h.Sum64()
	b := make([]byte, 21)
	for i := range b {
		if i == 11 {
			h.Write([]byte{0})
			x = h.Sum64()
		}
		b[i] = alphabet[x%62]
		x /= 62
	}
	return string(b)
}

// historyStore holds every service's deployment history, created lazily.
type historyStore struct {
	byService map[*service][]*histRecord // oldest first
	byARN     map[string]*histRecord
	revByARN  map[string]*histRevision
	revOf     map[*deployment]*histRevision
	recordOf  map[*deployment]*histRecord // target or rollback deployment → its record
}

func (h *historyStore) init() {
	if h.byService == nil {
		h.byService = map[*service][]*histRecord{}
		h.byARN = map[string]*histRecord{}
		h.revByARN = map[string]*histRevision{}
		h.revOf = map[*deployment]*histRevision{}
		h.recordOf = map[*deployment]*histRecord{}
	}
}

// revisionFor returns the service revision of d, creating it the first time:
// its id is the deployment id's number, as ECS numbers both alike.
func (w *World) revisionFor(s *service, d *deployment) *histRevision {
	h := &w.history
	h.init()
	if r, ok := h.revOf[d]; ok {
		return r
	}
	id := strings.TrimPrefix(d.id, "ecs-svc/")
	r := &histRevision{
		arn: w.ecsARN("service-revision/" + s.cluster.name + "/" + s.name + "/" + id),
		svc: s, td: d.td, lbs: slices.Clone(s.lbs), launchType: serviceLaunchType(s), platform: servicePlatform(s),
		strategy:  slices.Clone(s.cpStrategy),
		createdAt: w.now,
	}
	if len(r.strategy) > 0 {
		r.launchType = "" // a strategy and a launch type exclude each other
	}
	h.revOf[d] = r
	h.revByARN[r.arn] = r
	return r
}

// recordDeployment notes a deployment a person started: the one before it,
// if still running, is stopped; the revisions running now are its sources.
func (w *World) recordDeployment(s *service, d *deployment) {
	h := &w.history
	h.init()
	for _, old := range h.byService[s] {
		if old.finishedAt.IsZero() && old.stoppedAt.IsZero() {
			old.status, old.stoppedAt, old.updatedAt = model.SDStopped, w.now, w.now
			old.reason = "Service deployment stopped: a newer deployment replaced it."
		}
	}
	rec := &histRecord{
		arn: w.ecsARN("service-deployment/" + s.cluster.name + "/" + s.name + "/" + deploymentKey(d.id)),
		svc: s, status: model.SDInProgress,
		createdAt: w.now, startedAt: w.now, updatedAt: w.now,
		target: w.revisionFor(s, d), targetDep: d,
		circuitBreaker: s.cfg.CircuitBreaker.Enable, failureThreshold: cbThreshold(s.desired),
	}
	for _, od := range s.deployments {
		if od == d {
			continue
		}
		if r := w.revisionFor(s, od); !slices.Contains(rec.sources, r) {
			rec.sources = append(rec.sources, r)
		}
	}
	h.byService[s] = append(h.byService[s], rec)
	if n := len(h.byService[s]); n > maxHistory {
		for _, gone := range h.byService[s][:n-maxHistory] {
			delete(h.byARN, gone.arn)
		}
		h.byService[s] = slices.Clone(h.byService[s][n-maxHistory:])
	}
	h.byARN[rec.arn] = rec
	h.recordOf[d] = rec
}

// recordFailed notes the circuit breaker failing d; rollback, when not nil,
// is the deployment that returns to stable.
func (w *World) recordFailed(s *service, d, rollback, stable *deployment) {
	h := &w.history
	h.init()
	rec, ok := h.recordOf[d]
	if !ok {
		return
	}
	rec.reason = d.reason
	rec.failureCount = d.failed
	rec.updatedAt = w.now
	if rollback == nil {
		rec.status, rec.stoppedAt = model.SDStopped, w.now
		return
	}
	rec.status = model.SDRollbackInProgress
	rec.rollbackDep = rollback
	rec.rollbackRevision = w.revisionFor(s, stable)
	h.revOf[rollback] = rec.rollbackRevision
	rec.rollback = &model.DeploymentRollback{
		Reason:      "Circuit breaker failure detected: rolling back to the last completed service revision.",
		RevisionARN: rec.rollbackRevision.arn, StartedAt: w.now,
	}
	h.recordOf[rollback] = rec
}

// recordCompleted notes d reaching COMPLETED: its record succeeded, or its
// rollback did.
func (w *World) recordCompleted(d *deployment) {
	h := &w.history
	h.init()
	rec, ok := h.recordOf[d]
	if !ok || !rec.finishedAt.IsZero() || !rec.stoppedAt.IsZero() {
		return
	}
	rec.finishedAt, rec.updatedAt = w.now, w.now
	if rec.rollbackDep == d {
		rec.status = model.SDRollbackSuccessful
		return
	}
	rec.status = model.SDSuccessful
	rec.failureCount = d.failed
}

// ListServiceDeployments returns the ARNs of a service's deployments, newest
// first, optionally only those with one of the statuses and created in
// [after, before) (zero: unbounded).
func (w *World) ListServiceDeployments(cluster, service string, statuses []string, after, before time.Time) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return nil, err
	}
	s, ok := c.services[model.ResourceID(service)]
	if !ok {
		return nil, simapi.Errorf(simapi.CodeServiceNotFound, "Service not found.")
	}
	recs := w.history.byService[s]
	out := []string{}
	for i := len(recs) - 1; i >= 0; i-- {
		r := recs[i]
		if len(statuses) > 0 && !slices.Contains(statuses, r.status) {
			continue
		}
		if (!after.IsZero() && r.createdAt.Before(after)) || (!before.IsZero() && !r.createdAt.Before(before)) {
			continue
		}
		out = append(out, r.arn)
	}
	return out, nil
}

// DescribeServiceDeployments describes service deployments by ARN; unknown
// ones are MISSING failures.
func (w *World) DescribeServiceDeployments(arns []string) ([]model.ServiceDeployment, []model.Failure) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []model.ServiceDeployment
	var fails []model.Failure
	for _, a := range arns {
		r, ok := w.history.byARN[a]
		if !ok {
			fails = append(fails, model.Failure{ARN: a, Reason: "MISSING"})
			continue
		}
		out = append(out, w.serviceDeploymentModel(r))
	}
	return out, fails
}

func (w *World) serviceDeploymentModel(r *histRecord) model.ServiceDeployment {
	m := model.ServiceDeployment{
		ARN: r.arn, ServiceARN: r.svc.arn, ClusterARN: r.svc.cluster.arn,
		Status: r.status, StatusReason: r.reason,
		CreatedAt: r.createdAt, StartedAt: r.startedAt, FinishedAt: r.finishedAt, StoppedAt: r.stoppedAt, UpdatedAt: r.updatedAt,
		TargetRevisionARN: r.target.arn,
	}
	for _, src := range r.sources {
		m.SourceRevisionARNs = append(m.SourceRevisionARNs, src.arn)
	}
	if r.rollback != nil {
		rb := *r.rollback
		m.Rollback = &rb
	}
	if r.circuitBreaker {
		m.FailureCount, m.FailureThreshold = r.failureCount, r.failureThreshold
		if r.targetDep != nil && r.finishedAt.IsZero() && r.stoppedAt.IsZero() {
			m.FailureCount = r.targetDep.failed
		}
	}
	return m
}

// DescribeServiceRevisions describes service revisions by ARN; unknown ones
// are MISSING failures.
func (w *World) DescribeServiceRevisions(arns []string) ([]model.ServiceRevision, []model.Failure) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []model.ServiceRevision
	var fails []model.Failure
	for _, a := range arns {
		r, ok := w.history.revByARN[a]
		if !ok {
			fails = append(fails, model.Failure{ARN: a, Reason: "MISSING"})
			continue
		}
		m := model.ServiceRevision{
			ARN: r.arn, ServiceARN: r.svc.arn, ClusterARN: r.svc.cluster.arn, TaskDefinitionARN: r.td.ARN,
			LaunchType: r.launchType, PlatformVersion: r.platform, CapacityProviderStrategy: slices.Clone(r.strategy),
			LoadBalancers: slices.Clone(r.lbs), CreatedAt: r.createdAt,
		}
		for _, c := range r.td.Containers {
			m.Images = append(m.Images, model.ContainerImage{ContainerName: c.Name, Image: c.Image, ImageDigest: digestOf(c.Image)})
		}
		out = append(out, m)
	}
	return out, fails
}
