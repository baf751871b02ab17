// Package pulse gathers what the pulse's rules (model.EvaluatePulse) need
// from a cluster, and remembers between two looks what they cannot read
// (how long a condition has lasted, when a line first showed). The CLI
// (`ecstui pulse`) and the console's pulse page both read clusters through
// ReadCluster and evaluate through Memory, so they find the same things.
//
// It reads through a small interface that *aws.Client satisfies and links
// no SDK: the console imports it.
package pulse

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ecstui/ecstui/aws/gather"
	"github.com/ecstui/ecstui/model"
)

// Reader is every read gathering a cluster makes: the port map's reads
// (aws/gather, reused as they are) and the pulse's own.
type Reader interface {
	gather.Reader
	Clusters(ctx context.Context) ([]model.Cluster, []model.Failure, error)
	AutoScalingGroups(ctx context.Context, names []string) ([]model.AutoScalingGroup, error)
	ServiceDeployments(ctx context.Context, cluster, service string, since time.Time) ([]model.ServiceDeployment, []model.Failure, error)
	ServiceRevisions(ctx context.Context, arns []string) ([]model.ServiceRevision, []model.Failure, error)
}

// ScalingReader is what a backend offers when it reads Application Auto
// Scaling: each service's min and max capacity. It is optional; without it
// the desired-count-outside-the-autoscaler rule has nothing to look at.
type ScalingReader interface {
	ServiceScalingBounds(ctx context.Context, cluster string, services []string) ([]model.ScalingBounds, error)
}

// ClusterData is one cluster as read at one moment: the rules' input
// without the clock and the memory, and per-item failures of the reads.
type ClusterData struct {
	Input    model.PulseInput
	At       time.Time
	Failures []model.Failure
	// Counts are the sizes read, from which the next read's cost is
	// estimated (see Cost).
	Counts Counts
}

// Counts are the sizes of what a cluster read returned.
type Counts struct {
	Services, Tasks, Stopped, Instances, TargetGroups, History int
	// Scaling: the services' auto scaling bounds were read too.
	Scaling bool
}

// parallelism bounds the history reads of one cluster at once (the
// adapter bounds its own describe pools too).
const parallelism = 4

// ReadCluster reads everything the pulse's rules look at in one cluster:
// what the port map reads (services, running tasks, container instances
// with their Auto Scaling groups, task definitions, target health), the
// tasks stopped within the window, the Auto Scaling groups, and the
// deployment history of the services whose events say a deployment failed
// or rolled back within the window. now is the time the data is read at.
func ReadCluster(ctx context.Context, r Reader, cluster string, now time.Time, s model.PulseSettings) (ClusterData, error) {
	window := s.StoppedWindow
	if window <= 0 {
		window = time.Hour
	}
	var (
		pm               model.PortMapInput
		stopped          []model.Task
		pmFails, stFails []model.Failure
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { pm, pmFails, err = gather.ReadPortMapInput(gctx, r, cluster); return err })
	g.Go(func() (err error) {
		stopped, stFails, err = r.Tasks(gctx, cluster, model.TaskFilter{DesiredStatus: model.StatusStopped}, nil)
		return err
	})
	if err := g.Wait(); err != nil {
		return ClusterData{}, err
	}
	d := ClusterData{At: now, Failures: slices.Concat(pmFails, stFails)}
	in := &d.Input
	*in = model.PulseInput{Cluster: cluster, Services: pm.Services, Tasks: pm.Tasks, TaskDefinitions: pm.TaskDefinitions,
		Instances: pm.Instances, TargetGroups: pm.TargetGroups, TargetHealth: pm.TargetHealth}
	var more []string
	for _, t := range stopped {
		if t.LastStatus != model.StatusStopped || now.Sub(stopAt(t)) > window {
			continue
		}
		in.Stopped = append(in.Stopped, t)
		if _, ok := in.TaskDefinitions[t.TaskDefinitionARN]; !ok && t.TaskDefinitionARN != "" && !slices.Contains(more, t.TaskDefinitionARN) {
			more = append(more, t.TaskDefinitionARN)
		}
	}
	if len(more) > 0 {
		tds, err := gather.TaskDefinitions(ctx, r, more)
		if err != nil {
			return ClusterData{}, err
		}
		if in.TaskDefinitions == nil {
			in.TaskDefinitions = map[string]model.TaskDefinition{}
		}
		maps.Copy(in.TaskDefinitions, tds)
	}
	groupSet := map[string]bool{}
	for _, ci := range in.Instances {
		if ci.AutoScalingGroup != "" {
			groupSet[ci.AutoScalingGroup] = true
		}
	}
	if groups := sortedKeys(groupSet); len(groups) > 0 {
		var err error
		if in.ASGs, err = r.AutoScalingGroups(ctx, groups); err != nil {
			return ClusterData{}, err
		}
	}
	if err := readHistory(ctx, r, &d, now, window); err != nil {
		return ClusterData{}, err
	}
	d.Counts = Counts{Services: len(in.Services), Tasks: len(in.Tasks), Stopped: len(stopped), Instances: len(in.Instances),
		TargetGroups: len(gather.TargetGroupARNs(in.Services)), History: len(in.History)}
	if sr, ok := r.(ScalingReader); ok && len(in.Services) > 0 {
		names := make([]string, len(in.Services))
		for i, s := range in.Services {
			names[i] = s.Name
		}
		var err error
		if in.Scaling, err = sr.ServiceScalingBounds(ctx, cluster, names); err != nil {
			return ClusterData{}, err
		}
		d.Counts.Scaling = true
	}
	return d, nil
}

// readHistory reads the deployment history of the services whose recent
// events or deployments say a deployment failed or rolled back: that is how
// a rollback stays visible after DescribeServices forgets it, without one
// call per service on every look.
func readHistory(ctx context.Context, r Reader, d *ClusterData, now time.Time, window time.Duration) error {
	var names []string
	for _, s := range d.Input.Services {
		if deploymentTrouble(s, now.Add(-window)) {
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	in := &d.Input
	in.History = map[string][]model.ServiceDeployment{}
	var mu sync.Mutex
	revSet := map[string]bool{}
	err := forEach(names, func(name string) error {
		hist, fails, err := r.ServiceDeployments(ctx, in.Cluster, name, now.Add(-window))
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		in.History[name] = hist
		d.Failures = append(d.Failures, fails...)
		for _, h := range hist {
			if h.Failed() {
				revSet[h.TargetRevisionARN] = true
				if h.Rollback != nil {
					revSet[h.Rollback.RevisionARN] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	delete(revSet, "")
	if len(revSet) == 0 {
		return nil
	}
	revs, fails, err := r.ServiceRevisions(ctx, sortedKeys(revSet))
	if err != nil {
		return err
	}
	d.Failures = append(d.Failures, fails...)
	in.Revisions = map[string]model.ServiceRevision{}
	for _, rv := range revs {
		in.Revisions[rv.ARN] = rv
	}
	return nil
}

// deploymentTrouble reports whether a service's deployments or its events
// since a moment say that a deployment failed or was rolled back.
func deploymentTrouble(s model.Service, since time.Time) bool {
	for _, d := range s.Deployments {
		if d.RolloutState == model.RolloutFailed || strings.Contains(d.RolloutStateReason, "rolling back") {
			return true
		}
	}
	for _, e := range s.Events {
		if e.CreatedAt.Before(since) {
			break
		}
		if strings.Contains(e.Message, "deployment failed") || strings.Contains(e.Message, "rolling back") ||
			strings.Contains(e.Message, "circuit breaker") {
			return true
		}
	}
	return false
}

func stopAt(t model.Task) time.Time {
	switch {
	case !t.StoppedAt.IsZero():
		return t.StoppedAt
	case !t.StoppingAt.IsZero():
		return t.StoppingAt
	}
	return t.CreatedAt
}

// forEach runs fn over items with bounded parallelism; the first error wins.
func forEach(items []string, fn func(string) error) error {
	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(it); err != nil {
				once.Do(func() { first = err })
			}
		}()
	}
	wg.Wait()
	return first
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
