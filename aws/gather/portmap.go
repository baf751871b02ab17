// Package gather holds data fetching that joins several reads into one
// answer, written against the small Reader interface so that the console,
// the CLI and the pulse call the same function. It imports no SDK package
// (consumers that must not link it, ui/, can use it); *aws.Client
// satisfies Reader.
package gather

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/ecstui/ecstui/model"
)

// Reader is what the port map reads.
type Reader interface {
	Services(ctx context.Context, cluster string, onBatch func([]model.Service)) ([]model.Service, []model.Failure, error)
	Tasks(ctx context.Context, cluster string, f model.TaskFilter, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error)
	ContainerInstances(ctx context.Context, cluster string, status string) ([]model.ContainerInstance, []model.Failure, error)
	TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error)
	TargetGroups(ctx context.Context, arns []string) ([]model.TargetGroup, error)
	TargetHealth(ctx context.Context, targetGroupARN string) ([]model.TargetHealth, error)
}

// parallelism bounds the task definition and target health lookups one
// port map makes at once (the adapter bounds its own describe pools).
const parallelism = 8

// PortMap is one cluster's port map and what it was built from.
type PortMap struct {
	Map      model.PortMap
	Failures []model.Failure
	// The sizes read, for what a refresh costs.
	Services, Tasks, Instances, TargetGroups int
	// Input is what was joined, so a refresh of a few tasks can join again.
	Input model.PortMapInput
}

// ClusterPortMap reads one cluster's services, running tasks, instances,
// task definitions and target health, and joins them (model.BuildPortMap).
func ClusterPortMap(ctx context.Context, r Reader, cluster string) (PortMap, error) {
	in, fails, err := ReadPortMapInput(ctx, r, cluster)
	if err != nil {
		return PortMap{}, err
	}
	return PortMap{Map: model.BuildPortMap(in), Failures: fails, Input: in,
		Services: len(in.Services), Tasks: len(in.Tasks), Instances: len(in.Instances), TargetGroups: len(TargetGroupARNs(in.Services))}, nil
}

// TargetGroupARNs are the target groups the services' load balancers name, sorted.
func TargetGroupARNs(svcs []model.Service) []string {
	set := map[string]bool{}
	for _, s := range svcs {
		for _, lb := range s.LoadBalancers {
			if lb.TargetGroupARN != "" {
				set[lb.TargetGroupARN] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// ReadPortMapInput reads what the port map joins: one cluster's services,
// running tasks, instances, the task definitions they run and their target
// groups' health. The pulse reads the same, then more.
func ReadPortMapInput(ctx context.Context, r Reader, cluster string) (model.PortMapInput, []model.Failure, error) {
	var (
		svcs       []model.Service
		tasks      []model.Task
		insts      []model.ContainerInstance
		f1, f2, f3 []model.Failure
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { svcs, f1, err = r.Services(gctx, cluster, nil); return err })
	g.Go(func() (err error) { tasks, f2, err = r.Tasks(gctx, cluster, model.TaskFilter{}, nil); return err })
	g.Go(func() (err error) { insts, f3, err = r.ContainerInstances(gctx, cluster, ""); return err })
	if err := g.Wait(); err != nil {
		return model.PortMapInput{}, nil, err
	}

	tdSet := map[string]bool{}
	for _, s := range svcs {
		tdSet[s.TaskDefinitionARN] = true
		for _, d := range s.Deployments {
			tdSet[d.TaskDefinitionARN] = true
		}
	}
	for _, t := range tasks {
		tdSet[t.TaskDefinitionARN] = true
	}
	delete(tdSet, "")
	tds, err := TaskDefinitions(ctx, r, slices.Sorted(maps.Keys(tdSet)))
	if err != nil {
		return model.PortMapInput{}, nil, err
	}
	tgARNs := TargetGroupARNs(svcs)
	var tgs []model.TargetGroup
	var health []model.TargetHealth
	if len(tgARNs) > 0 {
		if tgs, err = r.TargetGroups(ctx, tgARNs); err != nil {
			return model.PortMapInput{}, nil, err
		}
		if health, err = targetHealth(ctx, r, tgARNs); err != nil {
			return model.PortMapInput{}, nil, err
		}
	}
	return model.PortMapInput{
		Services: svcs, Tasks: tasks, TaskDefinitions: tds, Instances: insts,
		TargetGroups: tgs, TargetHealth: health,
	}, slices.Concat(f1, f2, f3), nil
}

// TaskDefinitions describes revisions by ARN (the adapter caches them: a
// revision never changes).
func TaskDefinitions(ctx context.Context, r interface {
	TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error)
}, arns []string) (map[string]model.TaskDefinition, error) {
	out := make(map[string]model.TaskDefinition, len(arns))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelism)
	for _, arn := range arns {
		g.Go(func() error {
			td, err := r.TaskDefinition(gctx, arn)
			if err != nil {
				return err
			}
			mu.Lock()
			out[arn] = td
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

func targetHealth(ctx context.Context, r Reader, tgs []string) ([]model.TargetHealth, error) {
	var mu sync.Mutex
	var out []model.TargetHealth
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelism)
	for _, arn := range tgs {
		g.Go(func() error {
			th, err := r.TargetHealth(gctx, arn)
			if err != nil {
				return err
			}
			for i := range th {
				if th[i].TargetGroupARN == "" {
					th[i].TargetGroupARN = arn
				}
			}
			mu.Lock()
			out = append(out, th...)
			mu.Unlock()
			return nil
		})
	}
	err := g.Wait()
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].TargetGroupARN != out[j].TargetGroupARN {
			return out[i].TargetGroupARN < out[j].TargetGroupARN
		}
		if out[i].TargetID != out[j].TargetID {
			return out[i].TargetID < out[j].TargetID
		}
		return out[i].Port < out[j].Port
	})
	return out, err
}
