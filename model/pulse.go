package model

import (
	"sort"
	"strings"
	"time"
)

// The pulse answers "what is broken right now?" across every cluster of
// every context: each rule (pulse_rules.go) looks at one cluster's values
// and reports findings, ranked by severity, each with the one action that
// fits. Rules are pure; what they need to remember between two looks (how
// long a target has been draining) comes in as PulseInput.Seen and goes out
// as PulseResult.Observed.

// Severity ranks a finding.
type Severity int

const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityCritical
)

func (s Severity) String() string {
	switch s {
	case SeverityCritical:
		return "critical"
	case SeverityWarning:
		return "warning"
	}
	return "info"
}

// FindingKind names a pulse rule's finding.
type FindingKind string

const (
	FindBelowDesired       FindingKind = "below-desired"
	FindDeploymentSlow     FindingKind = "deployment-slow"
	FindDeploymentFailed   FindingKind = "deployment-failed"
	FindRolledBack         FindingKind = "rolled-back"
	FindRolloutBlocked     FindingKind = "rollout-blocked"
	FindStaticConflict     FindingKind = "static-port-conflict"
	FindTasksStopping      FindingKind = "tasks-stopping"
	FindUnhealthyTargets   FindingKind = "unhealthy-targets"
	FindDrainingTarget     FindingKind = "target-draining-long"
	FindStaleTarget        FindingKind = "stale-target"
	FindNotRegistered      FindingKind = "not-registered"
	FindAgentDisconnected  FindingKind = "agent-disconnected"
	FindDrainStuck         FindingKind = "drain-stuck"
	FindNoCapacity         FindingKind = "no-capacity"
	FindASGBelowDesired    FindingKind = "asg-below-desired"
	FindOutsideAutoScaling FindingKind = "outside-autoscaling"
)

// ActionKind is the one thing a finding's line leads to.
type ActionKind string

const (
	ActOpenService ActionKind = "service"      // the service detail
	ActStoppedTask ActionKind = "stopped-task" // the stopped tasks, on the one that died last
	ActPortMap     ActionKind = "port-map"     // the port map of the service (or cluster)
	ActInstance    ActionKind = "instance"     // the container instance, where drain and replace is
	ActLogs        ActionKind = "logs"         // the logs of the last failed task around its stop
)

// PulseAction says where a finding's action key leads.
type PulseAction struct {
	Kind        ActionKind
	Cluster     string
	Service     string
	TaskARN     string    // stopped-task, logs
	InstanceARN string    // instance
	At          time.Time // logs: the stop time to read around
}

// Label is the action in a word, for the line and the CLI: what enter
// opens (the service, its stopped tasks, the port map, the instance where
// drain and replace is, the logs).
func (a PulseAction) Label() string {
	switch a.Kind {
	case ActOpenService:
		return "service"
	case ActStoppedTask:
		return "stopped"
	case ActPortMap:
		return "ports"
	case ActInstance:
		return "instance"
	case ActLogs:
		return "logs"
	}
	return string(a.Kind)
}

// Finding is one line of the pulse.
type Finding struct {
	Severity Severity
	Kind     FindingKind
	// Context and Region are set by whoever gathered the cluster's data.
	Context, Region string
	Cluster         string
	Service         string // "" for cluster-level findings (instances, ASGs)
	// Subject is what inside the cluster or service the finding is about
	// (an instance, a target group, a cause); with Kind it tells findings
	// apart.
	Subject string
	What    string    // one line a person can act on
	Since   time.Time // when the condition began, as far as the data tells
	// Observed: the data does not say when the condition began, and Since
	// is when the pulse first saw it (so it began at least that long ago).
	Observed bool
	Action   PulseAction
	// DataAt is when the data the finding comes from was read; FirstSeen is
	// when the pulse first showed the line (see TrackFindings).
	DataAt    time.Time
	FirstSeen time.Time
}

// Key identifies a finding across two looks: the same problem keeps its key
// while it lasts.
func (f Finding) Key() string {
	return strings.Join([]string{string(f.Kind), f.Context, f.Region, f.Cluster, f.Service, f.Subject}, "|")
}

// PulseSettings are the rules' thresholds; zero fields take the defaults.
type PulseSettings struct {
	// StartGrace is how long a service may be below its desired count before
	// it is a finding, beyond its own health-check grace period (default 2m).
	StartGrace time.Duration
	// DeploymentSlow is how long a deployment may stay IN_PROGRESS (default 15m).
	DeploymentSlow time.Duration
	// StoppedWindow is how far back stopped tasks count (default 1h, about
	// as long as ECS keeps them); rollbacks that ended within it are shown.
	StoppedWindow time.Duration
	// CrashLoop is how many failed stops of one cause make a crash loop,
	// reported as critical (default 3).
	CrashLoop int
	// DrainSlow is how long an instance may drain with tasks left, or a
	// target stay draining, before it is a finding (default 15m).
	DrainSlow time.Duration
}

func (s PulseSettings) withDefaults() PulseSettings {
	if s.StartGrace <= 0 {
		s.StartGrace = 2 * time.Minute
	}
	if s.DeploymentSlow <= 0 {
		s.DeploymentSlow = 15 * time.Minute
	}
	if s.StoppedWindow <= 0 {
		s.StoppedWindow = time.Hour
	}
	if s.CrashLoop <= 0 {
		s.CrashLoop = 3
	}
	if s.DrainSlow <= 0 {
		s.DrainSlow = 15 * time.Minute
	}
	return s
}

// ScalingBounds are a service's Application Auto Scaling min and max.
type ScalingBounds struct {
	Service  string
	Min, Max int
}

// PulseInput is one cluster's data at one moment.
type PulseInput struct {
	Now             time.Time
	Cluster         string
	Services        []Service
	Tasks           []Task // desired RUNNING
	Stopped         []Task // stopped recently (ECS keeps them about an hour)
	TaskDefinitions map[string]TaskDefinition
	Instances       []ContainerInstance
	TargetGroups    []TargetGroup
	TargetHealth    []TargetHealth
	ASGs            []AutoScalingGroup
	// History is each service's deployment history (by service name), read
	// for the services that deployed recently; Revisions resolves the
	// revision ARNs it names.
	History   map[string][]ServiceDeployment
	Revisions map[string]ServiceRevision
	Scaling   []ScalingBounds
	// Seen is when each condition that needs a duration was first observed
	// (the previous result's Observed).
	Seen     map[string]time.Time
	Settings PulseSettings
}

// PulseResult is what the rules found, ranked, and the conditions to
// remember for the next look.
type PulseResult struct {
	Findings []Finding
	Observed map[string]time.Time
}

// EvaluatePulse runs every rule over one cluster.
func EvaluatePulse(in PulseInput) PulseResult {
	in.Settings = in.Settings.withDefaults()
	ev := &evaluation{in: in, observed: map[string]time.Time{}}
	for _, r := range pulseRules {
		ev.findings = append(ev.findings, r.fn(ev)...)
	}
	for i := range ev.findings {
		f := &ev.findings[i]
		f.Cluster = in.Cluster
		if f.Action.Cluster == "" {
			f.Action.Cluster = in.Cluster
		}
		if f.Action.Service == "" {
			f.Action.Service = f.Service
		}
	}
	RankFindings(ev.findings)
	return PulseResult{Findings: ev.findings, Observed: ev.observed}
}

// evaluation is one run of the rules: the input and what was observed.
type evaluation struct {
	in       PulseInput
	observed map[string]time.Time
	portMap  *PortMap
	findings []Finding
}

// seen records a condition and returns when it was first observed.
func (ev *evaluation) seen(key string) time.Time {
	t, ok := ev.in.Seen[key]
	if !ok || t.After(ev.in.Now) {
		t = ev.in.Now
	}
	ev.observed[key] = t
	return t
}

// RankFindings orders findings: most severe first, then the longest-standing
// (so a new problem joins the bottom of its band and lines do not jump),
// then by where they are.
func RankFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if !a.Since.Equal(b.Since) {
			return a.Since.Before(b.Since)
		}
		return a.Key() < b.Key()
	})
}

// TrackFindings sets each finding's FirstSeen from prev (key → first seen)
// or now, and returns the map to pass next time: findings that cleared are
// forgotten, so a problem that comes back is new again.
func TrackFindings(prev map[string]time.Time, fs []Finding, now time.Time) map[string]time.Time {
	next := make(map[string]time.Time, len(fs))
	for i := range fs {
		k := fs[i].Key()
		t, ok := prev[k]
		if !ok {
			t = now
		}
		fs[i].FirstSeen = t
		next[k] = t
	}
	return next
}

// Worst is the highest severity among fs, and whether there is any finding.
func Worst(fs []Finding) (Severity, bool) {
	worst, any := SeverityInfo, false
	for _, f := range fs {
		if !any || f.Severity > worst {
			worst = f.Severity
		}
		any = true
	}
	return worst, any
}
