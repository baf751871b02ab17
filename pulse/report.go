package pulse

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/ecstui/ecstui/model"
)

// Source is one context and region to look at.
type Source struct {
	Context, Region string
	Reader          Reader
}

// Problem is a context or cluster that could not be read.
type Problem struct {
	Where Where
	Err   error
}

// Report is one look at every cluster of every source.
type Report struct {
	Findings []model.Finding // ranked
	Problems []Problem
	Clusters int // clusters read
}

// Wrong reports whether anything is wrong: a warning or a critical finding.
func (r Report) Wrong() bool {
	for _, f := range r.Findings {
		if f.Severity >= model.SeverityWarning {
			return true
		}
	}
	return false
}

// sourceParallelism bounds the clusters of one source read at once.
const sourceParallelism = 2

// Gather looks once at every cluster of every source (sources in parallel)
// and evaluates the rules; what it cannot read becomes a Problem next to
// the findings. now is read when each cluster's data arrives.
func Gather(ctx context.Context, sources []Source, mem *Memory, now func() time.Time) Report {
	var mu sync.Mutex
	var rep Report
	var wg sync.WaitGroup
	for _, src := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clusters, fails, err := src.Reader.Clusters(ctx)
			where := Where{Context: src.Context, Region: src.Region}
			if err != nil {
				mu.Lock()
				rep.Problems = append(rep.Problems, Problem{Where: where, Err: err})
				mu.Unlock()
				return
			}
			mu.Lock()
			for _, f := range fails { // a cluster that failed to describe
				rep.Problems = append(rep.Problems, Problem{Where: where, Err: errors.New("cluster " + f.String())})
			}
			mu.Unlock()
			names := make([]string, 0, len(clusters))
			for _, c := range clusters {
				names = append(names, c.Name)
			}
			sem := make(chan struct{}, sourceParallelism)
			var cwg sync.WaitGroup
			for _, name := range names {
				cwg.Add(1)
				sem <- struct{}{}
				go func() {
					defer cwg.Done()
					defer func() { <-sem }()
					w := where
					w.Cluster = name
					d, err := ReadCluster(ctx, src.Reader, name, now(), mem.Settings)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						rep.Problems = append(rep.Problems, Problem{Where: w, Err: err})
						return
					}
					rep.Clusters++
					rep.Findings = append(rep.Findings, mem.Evaluate(w, d, now())...)
				}()
			}
			cwg.Wait()
		}()
	}
	wg.Wait()
	model.RankFindings(rep.Findings)
	sortProblems(rep.Problems)
	return rep
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Where.key() < ps[j].Where.key() })
}
