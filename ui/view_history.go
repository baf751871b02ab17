package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/ui/theme"
)

// A service's deployment history (ListServiceDeployments,
// DescribeServiceDeployments, DescribeServiceRevisions) in its detail page:
// past deployments with their outcome, the revision each deployed (and the
// one a rollback returned to) and how long it took. It changes only when a
// deployment starts or ends, so it is read again only then, or once a
// minute, not on every refresh of the page.

// historyReader is what reading a deployment history needs; *aws.Client
// has it.
type historyReader interface {
	ServiceDeployments(ctx context.Context, cluster, service string, since time.Time) ([]model.ServiceDeployment, []model.Failure, error)
	ServiceRevisions(ctx context.Context, arns []string) ([]model.ServiceRevision, []model.Failure, error)
}

// historyShown is how many past deployments the detail page lists.
const historyShown = 10

// historyMaxAge is how long a read history is kept while nothing changes.
const historyMaxAge = time.Minute

type deploymentHistory struct {
	deployments []model.ServiceDeployment // newest first
	revisions   map[string]model.ServiceRevision
	err         error
	read        bool
}

// historyCache keeps one service's history between refreshes of its page.
type historyCache struct {
	now func() time.Time
	mu  sync.Mutex
	sig string
	at  time.Time
	h   deploymentHistory
}

// historySignature changes when a deployment of the service starts, ends or
// changes state: then the history has something new.
func historySignature(s model.Service) string {
	var b strings.Builder
	for _, d := range s.Deployments {
		b.WriteString(d.ID + d.Status + d.RolloutState + "|")
	}
	return b.String()
}

func (c *historyCache) get(ctx context.Context, b Backend, cluster string, s model.Service) deploymentHistory {
	hr, ok := b.(historyReader)
	if !ok {
		return deploymentHistory{}
	}
	now := c.now()
	sig := historySignature(s)
	c.mu.Lock()
	if c.h.read && c.sig == sig && now.Sub(c.at) < historyMaxAge {
		h := c.h
		c.mu.Unlock()
		return h
	}
	c.mu.Unlock()
	h := readHistory(ctx, hr, cluster, s.Name)
	c.mu.Lock()
	c.sig, c.at, c.h = sig, now, h
	c.mu.Unlock()
	return h
}

func readHistory(ctx context.Context, hr historyReader, cluster, service string) deploymentHistory {
	ds, _, err := hr.ServiceDeployments(ctx, cluster, service, time.Time{})
	if err != nil {
		return deploymentHistory{err: err, read: true}
	}
	if len(ds) > historyShown {
		ds = ds[:historyShown]
	}
	var arns []string
	for _, d := range ds {
		arns = append(arns, d.TargetRevisionARN)
		if d.Rollback != nil {
			arns = append(arns, d.Rollback.RevisionARN)
		}
	}
	arns = slices.Compact(slices.Sorted(slices.Values(slices.DeleteFunc(arns, func(a string) bool { return a == "" }))))
	h := deploymentHistory{deployments: ds, revisions: map[string]model.ServiceRevision{}, read: true}
	if len(arns) > 0 {
		revs, _, err := hr.ServiceRevisions(ctx, arns)
		if err != nil {
			h.err = err
		}
		for _, r := range revs {
			h.revisions[r.ARN] = r
		}
	}
	return h
}

func historyTone(d model.ServiceDeployment) theme.Tone {
	switch {
	case d.Status == model.SDSuccessful:
		return theme.ToneOK
	case d.Failed():
		return theme.ToneBad
	case d.Status == model.SDInProgress || d.Status == model.SDPending:
		return theme.ToneInfo
	}
	return theme.ToneMuted
}

// renderHistory lists the past deployments, newest first.
func renderHistory(e *env, h deploymentHistory, width int) []string {
	if !h.read {
		return nil
	}
	st := e.st
	now := e.now()
	out := []string{"", section(e, "Deployment history")}
	if h.err != nil && len(h.deployments) == 0 {
		return append(out, st.Muted.Render(fitLine("  not available: "+clean(h.err.Error()), width)))
	}
	if len(h.deployments) == 0 {
		return append(out, st.Muted.Render("  no deployments recorded (ECS keeps those started since October 2024)"))
	}
	revTD := func(arn string) string {
		if r, ok := h.revisions[arn]; ok {
			return tdShort(r.TaskDefinitionARN)
		}
		if arn == "" {
			return "-"
		}
		return "revision " + clean(model.ResourceID(arn))
	}
	targetOf := func(d model.ServiceDeployment) string {
		target := revTD(d.TargetRevisionARN)
		if d.Rollback != nil {
			target += " → " + revTD(d.Rollback.RevisionARN)
		}
		return target
	}
	// The revisions' column is as wide as its widest (a rollback names two).
	tw := 12
	for _, d := range h.deployments {
		tw = max(tw, min(len([]rune(targetOf(d))), 60))
	}
	for _, d := range h.deployments {
		target := targetOf(d)
		started := firstTimeOf(d.StartedAt, d.CreatedAt)
		// "took 29s" once it ended, "for 2m" while it runs: a bare "29s"
		// next to "7m ago" does not say which is which.
		took := "took " + roundDur(d.Duration(now))
		if d.Ended().IsZero() {
			took = "for " + roundDur(d.Duration(now))
		}
		line := fmt.Sprintf("  %s %s  %-10s  started %s ago", st.Tone(historyTone(d)).Render(fmt.Sprintf("%-15s", d.Outcome())),
			padRight(target, tw), took, age(now, started))
		out = append(out, fitLine(line, width))
		if reason := d.StatusReason; reason != "" && (d.Failed() || d.Status == model.SDStopped) {
			out = append(out, st.Muted.Render(fitLine("                  "+clean(reason), width)))
		}
	}
	return out
}

func firstTimeOf(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// roundDur prints a duration as 45s, 3m12s, 1h05m.
func roundDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
