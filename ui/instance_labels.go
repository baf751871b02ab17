package ui

import (
	"context"
	"iter"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/sched"
)

// instanceLabels maps container instance ARNs to EC2 instance ids for the
// pages of one context. The pair never changes, so each ARN is looked up
// once: a tasks view shows its rows as soon as DescribeTasks answers and
// fills the instance column when (or, for known ARNs, before) the lookup
// answers.
type instanceLabels struct {
	ec2 map[string]string
}

func (l *instanceLabels) keep(cis []model.ContainerInstance) {
	if l.ec2 == nil {
		l.ec2 = map[string]string{}
	}
	for _, ci := range cis {
		if ci.EC2InstanceID != "" {
			l.ec2[ci.ARN] = ci.EC2InstanceID
		}
	}
}

// instanceLookup is a tasks page's need for the labels it lacks.
type instanceLookup struct {
	owner   uint64
	cluster string
	asked   []string // the ARNs of the need stated last
}

func (l *instanceLookup) key() string {
	return "instance-labels:" + l.cluster + ":" + itoa(int(l.owner))
}

// sync states a lookup of the ARNs the tasks run on that have no label yet
// (none: no need).
func (l *instanceLookup) sync(e *env, arns iter.Seq[string], visible bool) tea.Cmd {
	var missing []string
	seen := map[string]bool{}
	for a := range arns {
		if a == "" || seen[a] || e.labels.ec2[a] != "" {
			continue
		}
		seen[a] = true
		missing = append(missing, a)
	}
	if !visible || len(missing) == 0 {
		l.asked = nil
		return e.setNeeds(l.owner, nil)
	}
	if slices.Equal(missing, l.asked) {
		return nil // already stated (and failing, backing off)
	}
	l.asked = missing
	b, cluster := e.backend, l.cluster
	return e.setNeeds(l.owner, []sched.Need{{
		Key: l.key(), Class: sched.Visible,
		Cost: sched.Cost{quota.InstanceRead: pages(len(missing), 100)},
		Run: func(ctx context.Context, _ func(any)) (any, error) {
			cis, _, err := b.DescribeContainerInstances(ctx, cluster, missing)
			return cis, err
		},
	}})
}

// apply keeps a lookup's answer; a failed lookup is a failure entry beside
// the tasks (which show container instance ids instead), never an error of
// the page.
func (l *instanceLookup) apply(e *env, m fetchedMsg) (model.Failure, bool) {
	if m.err != nil {
		return model.Failure{Reason: "instance lookup failed", Detail: m.err.Error()}, true
	}
	cis, _ := m.data.([]model.ContainerInstance)
	e.labels.keep(cis)
	return model.Failure{}, false
}

// instanceARNs are the container instances items run on.
func instanceARNs[T any](items []T, task func(T) model.Task) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, it := range items {
			if !yield(task(it).ContainerInstanceARN) {
				return
			}
		}
	}
}
