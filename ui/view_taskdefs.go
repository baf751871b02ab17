package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/model"
	"github.com/ecstui/ecstui/textsafe"
	"github.com/ecstui/ecstui/ui/actions"
	"github.com/ecstui/ecstui/ui/page"
	"github.com/ecstui/ecstui/ui/sched"
	"github.com/ecstui/ecstui/ui/table"
)

var familyColumns = []table.Column{{Title: "FAMILY", Flex: true}}

// The task definition pages remember the cluster they were opened from (if
// any): daemon start needs one.
func newFamiliesPage(e *env, cluster string) *listPage[string] {
	return newListPage(e, listSpec[string]{
		title:   "taskdefs",
		cluster: cluster,
		noun:    "task definition families",
		key:     "families",
		cost:    func(n int) sched.Cost { return sched.Cost{quota.TaskDefRead: pages(n, 100)} },
		columns: familyColumns,
		fetch: func(ctx context.Context, b Backend) ([]string, []model.Failure, error) {
			fams, err := b.TaskDefinitionFamilies(ctx)
			sort.Strings(fams)
			return fams, nil, err
		},
		row: func(_ *env, f string, _ time.Time) table.Row {
			return table.Row{ID: f, Cells: []table.Cell{{Text: clean(f)}}}
		},
		enter: func(e *env, f string) page.Page { return newRevisionsPage(e, cluster, f) },
	})
}

var revisionColumns = []table.Column{
	{Title: "REVISION"},
	{Title: "ARN", Flex: true},
}

func newRevisionsPage(e *env, cluster, family string) *listPage[string] {
	return newListPage(e, listSpec[string]{
		title:   "revisions(" + clean(family) + ")",
		cluster: cluster,
		noun:    "revisions",
		key:     "revisions:" + family,
		cost:    func(n int) sched.Cost { return sched.Cost{quota.TaskDefRead: pages(n, 100)} },
		columns: revisionColumns,
		fetch: func(ctx context.Context, b Backend) ([]string, []model.Failure, error) {
			arns, err := b.TaskDefinitionRevisions(ctx, family)
			return arns, nil, err
		},
		row: func(_ *env, arn string, _ time.Time) table.Row {
			return table.Row{ID: arn, Cells: []table.Cell{{Text: tdShort(arn)}, {Text: clean(arn)}}}
		},
		enter: func(e *env, arn string) page.Page { return newTaskDefPage(e, arn) },
		extra: []listKey[string]{
			{binding: func(k *KeyMap) key.Binding { return k.Actions.DaemonStart }, do: func(e *env, arn string) tea.Cmd {
				if cluster == "" {
					return page.Status("open :td from a cluster (e.g. :svc prod, then :td) to start it on every node", true)
				}
				return e.openAction(func(d actions.Deps) page.Page { return actions.NewDaemonStart(d, cluster, arn) })
			}},
		},
	})
}

// newTaskDefPage shows one revision: a readable summary, then the JSON as
// `aws ecs describe-task-definition` would print it. Revisions are
// immutable, so it is fetched once.
func newTaskDefPage(e *env, id string) *textPage[model.TaskDefinition] {
	return newTextPage(e, textSpec[model.TaskDefinition]{
		title: "taskdef(" + tdShort(id) + ")",
		noun:  "task definition",
		once:  true,
		key:   "taskdef:" + id,
		cost:  sched.Cost{quota.TaskDefRead: 1},
		fetch: func(ctx context.Context, b Backend) (model.TaskDefinition, error) {
			return b.TaskDefinition(ctx, id)
		},
		render: renderTaskDef,
		copyID: func(td model.TaskDefinition) string { return td.ARN },
	})
}

func renderTaskDef(e *env, td model.TaskDefinition, width int) []string {
	const lw = 14
	out := []string{
		section(e, "Task definition "+clean(td.FamilyRevision())),
		field(e, "ARN", lw, clean(td.ARN)),
		field(e, "Status", lw, e.st.StatusStyle(td.Status).Render(clean(td.Status))),
		field(e, "Network mode", lw, clean(orDash(td.NetworkMode))),
		field(e, "CPU / memory", lw, clean(orDash(td.CPU))+" / "+clean(orDash(td.Memory))),
		field(e, "Task role", lw, clean(orDash(td.TaskRoleARN))),
		field(e, "Registered", lw, registered(e, td.RegisteredAt)),
		"",
		section(e, "Containers"),
	}
	dynamicMode := td.NetworkMode == "" || td.NetworkMode == "bridge"
	for _, c := range td.Containers {
		ess := ""
		if c.Essential {
			ess = e.st.Muted.Render(" (essential)")
		}
		out = append(out, "  "+e.st.Accent.Render(clean(c.Name))+ess)
		out = append(out, "    "+field(e, "image", 10, clean(c.Image)))
		out = append(out, "    "+field(e, "cpu/mem", 10, fmt.Sprintf("%d / %d MiB (reservation %d)", c.CPU, c.Memory, c.MemoryReservation)))
		var ports []string
		for _, pm := range c.PortMappings {
			host := itoa(pm.HostPort)
			if pm.HostPort == 0 && dynamicMode {
				host = e.st.Info.Render("dynamic")
			}
			ports = append(ports, fmt.Sprintf("%d→%s/%s", pm.ContainerPort, host, clean(orDefault(pm.Protocol, "tcp"))))
		}
		if len(ports) > 0 {
			out = append(out, "    "+field(e, "ports", 10, strings.Join(ports, ", ")))
		}
		if len(c.Links) > 0 {
			out = append(out, "    "+field(e, "links", 10, clean(strings.Join(c.Links, ", "))))
		}
		for _, m := range c.MountPoints {
			out = append(out, "    "+field(e, "mount", 10, clean(m.SourceVolume+" → "+m.ContainerPath)))
		}
		if lc := c.LogConfiguration; lc != nil {
			var opts []string
			for k, v := range lc.Options {
				opts = append(opts, k+"="+v)
			}
			sort.Strings(opts)
			out = append(out, "    "+field(e, "logs", 10, clean(lc.LogDriver+" "+strings.Join(opts, " "))))
		}
	}
	out = append(out, "", section(e, "JSON"))
	for _, l := range strings.Split(taskDefJSON(td), "\n") {
		out = append(out, e.st.Muted.Render(clean(l)))
	}
	return out
}

func registered(e *env, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339) + " (" + ago(e.now(), t) + ")"
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// The AWS shape of a task definition, for the JSON view (field order and
// names as `aws ecs describe-task-definition` prints them).
type jsonTaskDef struct {
	TaskDefinitionArn       string          `json:"taskDefinitionArn,omitempty"`
	Family                  string          `json:"family"`
	Revision                int             `json:"revision"`
	Status                  string          `json:"status,omitempty"`
	NetworkMode             string          `json:"networkMode,omitempty"`
	TaskRoleArn             string          `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn        string          `json:"executionRoleArn,omitempty"`
	CPU                     string          `json:"cpu,omitempty"`
	Memory                  string          `json:"memory,omitempty"`
	RequiresCompatibilities []string        `json:"requiresCompatibilities,omitempty"`
	ContainerDefinitions    []jsonContainer `json:"containerDefinitions"`
	Volumes                 []jsonVolume    `json:"volumes,omitempty"`
	PlacementConstraints    []jsonPlacement `json:"placementConstraints,omitempty"`
}

type jsonContainer struct {
	Name              string            `json:"name"`
	Image             string            `json:"image"`
	CPU               int               `json:"cpu"`
	Memory            int               `json:"memory,omitempty"`
	MemoryReservation int               `json:"memoryReservation,omitempty"`
	Essential         bool              `json:"essential"`
	Hostname          string            `json:"hostname,omitempty"`
	EntryPoint        []string          `json:"entryPoint,omitempty"`
	Command           []string          `json:"command,omitempty"`
	Environment       []jsonKV          `json:"environment,omitempty"`
	PortMappings      []jsonPortMapping `json:"portMappings,omitempty"`
	Links             []string          `json:"links,omitempty"`
	MountPoints       []jsonMount       `json:"mountPoints,omitempty"`
	VolumesFrom       []jsonVolumesFrom `json:"volumesFrom,omitempty"`
	LogConfiguration  *jsonLogConfig    `json:"logConfiguration,omitempty"`
	HealthCheck       *jsonHealthCheck  `json:"healthCheck,omitempty"`
}

type jsonKV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type jsonPortMapping struct {
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

type jsonMount struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

type jsonVolumesFrom struct {
	SourceContainer string `json:"sourceContainer"`
	ReadOnly        bool   `json:"readOnly"`
}

type jsonLogConfig struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options,omitempty"`
}

type jsonHealthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval,omitempty"`
	Timeout     int      `json:"timeout,omitempty"`
	Retries     int      `json:"retries,omitempty"`
	StartPeriod int      `json:"startPeriod,omitempty"`
}

type jsonVolume struct {
	Name string          `json:"name"`
	Host *jsonVolumeHost `json:"host,omitempty"`
}

type jsonVolumeHost struct {
	SourcePath string `json:"sourcePath"`
}

type jsonPlacement struct {
	Type       string `json:"type"`
	Expression string `json:"expression,omitempty"`
}

// taskDefJSON renders td as indented AWS-shaped JSON.
func taskDefJSON(td model.TaskDefinition) string {
	j := jsonTaskDef{
		TaskDefinitionArn: td.ARN, Family: td.Family, Revision: td.Revision, Status: td.Status,
		NetworkMode: td.NetworkMode, TaskRoleArn: td.TaskRoleARN, ExecutionRoleArn: td.ExecutionRoleARN,
		CPU: td.CPU, Memory: td.Memory, RequiresCompatibilities: td.RequiresCompatibilities,
		ContainerDefinitions: []jsonContainer{},
	}
	for _, c := range td.Containers {
		jc := jsonContainer{
			Name: c.Name, Image: c.Image, CPU: c.CPU, Memory: c.Memory, MemoryReservation: c.MemoryReservation,
			Essential: c.Essential, Hostname: c.Hostname, EntryPoint: c.EntryPoint, Command: c.Command, Links: c.Links,
		}
		for _, kv := range c.Environment {
			jc.Environment = append(jc.Environment, jsonKV{Name: kv.Name, Value: kv.Value})
		}
		for _, pm := range c.PortMappings {
			jc.PortMappings = append(jc.PortMappings, jsonPortMapping{ContainerPort: pm.ContainerPort, HostPort: pm.HostPort, Protocol: orDefault(pm.Protocol, "tcp")})
		}
		for _, m := range c.MountPoints {
			jc.MountPoints = append(jc.MountPoints, jsonMount{SourceVolume: m.SourceVolume, ContainerPath: m.ContainerPath, ReadOnly: m.ReadOnly})
		}
		for _, v := range c.VolumesFrom {
			jc.VolumesFrom = append(jc.VolumesFrom, jsonVolumesFrom{SourceContainer: v.SourceContainer, ReadOnly: v.ReadOnly})
		}
		if lc := c.LogConfiguration; lc != nil {
			jc.LogConfiguration = &jsonLogConfig{LogDriver: lc.LogDriver, Options: lc.Options}
		}
		if hc := c.HealthCheck; hc != nil {
			jc.HealthCheck = &jsonHealthCheck{Command: hc.Command, Interval: int(hc.Interval / time.Second),
				Timeout: int(hc.Timeout / time.Second), Retries: hc.Retries, StartPeriod: int(hc.StartPeriod / time.Second)}
		}
		j.ContainerDefinitions = append(j.ContainerDefinitions, jc)
	}
	for _, v := range td.Volumes {
		jv := jsonVolume{Name: v.Name}
		if v.SourcePath != "" {
			jv.Host = &jsonVolumeHost{SourcePath: v.SourcePath}
		}
		j.Volumes = append(j.Volumes, jv)
	}
	for _, pc := range td.PlacementConstraints {
		j.PlacementConstraints = append(j.PlacementConstraints, jsonPlacement{Type: pc.Type, Expression: pc.Expression})
	}
	// Escaped like every JSON ecstui shows: controls and bidi characters in
	// names and images appear as \uXXXX, exactly and harmlessly.
	b, err := textsafe.MarshalJSON(j, true)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
