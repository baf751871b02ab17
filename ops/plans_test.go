package ops

import (
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecstui/ecstui/model"
)

func TestPlanDeploy(t *testing.T) {
	cur := taskDef("auth", 3, 256, 512, 0)
	cur.Containers = append(cur.Containers, model.ContainerDefinition{Name: "sidecar", Image: "envoy:1", Memory: 64})
	prev := taskDef("auth", 2, 256, 512, 0)
	inst := instances(3, 1024, 2048)
	st := ServiceState{Service: service("auth", cur, 2, 50, 200), Current: cur, Instances: inst, Tasks: serviceTasks("auth", cur, inst, 2)}
	staticCur := taskDef("legacy", 7, 256, 512, 80)
	full := instances(2, 1024, 2048, 80)
	staticSt := ServiceState{Service: service("legacy", staticCur, 2, 100, 200), Current: staticCur, Instances: full, Tasks: serviceTasks("legacy", staticCur, full, 2)}

	cases := []struct {
		name       string
		in         DeployInput
		st         ServiceState
		blocked    bool
		register   bool
		has        []string // substrings of Text()
		overridble bool
	}{
		{name: "new image of one container", in: DeployInput{Cluster: "prod", Service: "auth", Images: map[string]string{"web": "auth:v2"}}, st: st,
			register: true, has: []string{"web: image auth:v1 → auth:v2", "register auth:4, a copy of auth:3 as ECS holds it (every setting and tag) with only the images changed",
				"--include TAGS --query 'merge(taskDefinition, {tags: tags})' > td.json", "aws ecs register-task-definition --cli-input-json file://td.json", "aws ecs update-service --cluster prod --service auth --task-definition auth", "Placement preview (ok)"}},
		{name: "unknown container", in: DeployInput{Cluster: "prod", Service: "auth", Images: map[string]string{"api": "x:1"}}, st: st,
			blocked: true, has: []string{`has no container "api" (containers: web, sidecar)`}},
		{name: "same image", in: DeployInput{Cluster: "prod", Service: "auth", Images: map[string]string{"web": "auth:v1"}}, st: st,
			blocked: true, has: []string{"nothing to deploy"}},
		{name: "existing revision with new percentages", in: DeployInput{Cluster: "prod", Service: "auth", Revision: "auth:2", MinPercent: ptr(100), MaxPercent: ptr(150)},
			st: withTarget(st, prev), has: []string{"task definition auth:3 → auth:2", "- container sidecar (envoy:1)", "minimumHealthyPercent=100,maximumPercent=150"}},
		{name: "seed 003 trap refused, overridable", in: DeployInput{Cluster: "prod", Service: "legacy", Images: map[string]string{"web": "legacy:v2"}}, st: staticSt,
			blocked: true, register: true, overridble: true, has: []string{"cannot make room", "set minimumHealthyPercent to 50", "--force-unsafe"}},
		{name: "seed 003 fixed by min 50", in: DeployInput{Cluster: "prod", Service: "legacy", Images: map[string]string{"web": "legacy:v2"}, MinPercent: ptr(50)}, st: staticSt,
			register: true, has: []string{"will stall on placement", "capacity drops to 1 of 2"}},
		{name: "both images and revision", in: DeployInput{Cluster: "prod", Service: "auth", Images: map[string]string{"web": "a"}, Revision: "auth:2"}, st: withTarget(st, prev),
			blocked: true, has: []string{"not both"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := PlanDeploy(c.in, c.st)
			text := p.Text()
			if p.Blocked() != c.blocked {
				t.Errorf("blocked = %v, want %v\n%s", p.Blocked(), c.blocked, text)
			}
			if (p.Register != nil) != c.register {
				t.Errorf("register = %v, want %v", p.Register != nil, c.register)
			}
			if c.blocked && p.Overridable != c.overridble {
				t.Errorf("overridable = %v, want %v", p.Overridable, c.overridble)
			}
			for _, h := range c.has {
				if !strings.Contains(text, h) {
					t.Errorf("plan lacks %q:\n%s", h, text)
				}
			}
			if r := p.Register; r != nil {
				if r.Base != c.st.Current.ARN || !maps.Equal(r.Images, c.in.Images) {
					t.Errorf("registers a copy of %s with %v, want %s with %v", r.Base, r.Images, c.st.Current.ARN, c.in.Images)
				}
				if len(r.Expected.Containers) != len(c.st.Current.Containers) {
					t.Errorf("expected copy has %d containers, want %d", len(r.Expected.Containers), len(c.st.Current.Containers))
				}
				if strings.Contains(text, "not carried over") || strings.Contains(text, "--revision") {
					t.Errorf("plan still warns that the copy loses settings:\n%s", text)
				}
			}
			if c.st.Current.Containers[0].Image != "auth:v1" && c.st.Current.Containers[0].Image != "legacy:v1" {
				t.Errorf("planning mutated the current task definition: %s", c.st.Current.Containers[0].Image)
			}
		})
	}
}

func withTarget(st ServiceState, td model.TaskDefinition) ServiceState {
	st.Target = &td
	return st
}

func TestPlanScaleRedeployStop(t *testing.T) {
	cur := taskDef("random", 1, 256, 512, 0)
	inst := instances(3, 1024, 2048)
	st := ServiceState{Service: service("random", cur, 4, 50, 200), Current: cur, Instances: inst, Tasks: serviceTasks("random", cur, inst, 4)}
	cases := []struct {
		name    string
		plan    Plan
		blocked bool
		has     []string
	}{
		{"scale to 6", PlanScale("prod", st, 6), false, []string{"desired count 4 → 6", "aws ecs update-service --cluster prod --service random --desired-count 6", "2 tasks to start"}},
		{"scale to 0 warns", PlanScale("prod", st, 0), false, []string{"stops every task"}},
		{"negative", PlanScale("prod", st, -1), true, []string{"desired count -1 is out of range (--desired): it must be 0–2147483647"}},
		{"redeploy", PlanRedeploy("prod", st), false, []string{"--force-new-deployment", "replace all 4 running tasks"}},
		{"stop service task", PlanStopTask("prod", st.Tasks[0], "bad host"), false, []string{"its scheduler starts a replacement", "--reason 'bad host'"}},
		{"stop stopped task", PlanStopTask("prod", model.Task{ID: "t1", LastStatus: model.StatusStopped}, ""), true, []string{"already STOPPED"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := c.plan.Text()
			if c.plan.Blocked() != c.blocked {
				t.Errorf("blocked = %v, want %v\n%s", c.plan.Blocked(), c.blocked, text)
			}
			for _, h := range c.has {
				if !strings.Contains(text, h) {
					t.Errorf("plan lacks %q:\n%s", h, text)
				}
			}
		})
	}
}

func drainFixture() ClusterState {
	auth := taskDef("auth", 1, 256, 512, 0)
	shipper := taskDef("shipper", 1, 64, 64, 0)
	inst := instances(3, 512, 1024)
	inst[2].AMIID = "ami-new"
	tasks := serviceTasks("auth", auth, inst[:1], 2)
	tasks = append(tasks, model.Task{ARN: "arn:aws:ecs:eu-west-1:1:task/prod/solo", ID: "solo", TaskDefinitionARN: shipper.ARN, ContainerInstanceARN: inst[0].ARN, Group: "family:shipper", LastStatus: model.StatusRunning})
	return ClusterState{Cluster: "prod", Instances: inst, Tasks: tasks,
		Needs: map[string]model.TaskNeeds{auth.ARN: model.NeedsOf(auth), shipper.ARN: model.NeedsOf(shipper)}}
}

func TestPlanDrain(t *testing.T) {
	st := drainFixture()
	tight := drainFixture()
	for i := range tight.Instances {
		tight.Instances[i].Remaining.CPU = 100
	}
	cases := []struct {
		name    string
		st      ClusterState
		sel     Selection
		batch   int
		stop    bool
		action  string
		blocked bool
		has     []string
	}{
		{"one instance keeps standalone", st, Selection{IDs: []string{"i-0000"}}, 1, false, ActionDrain, false,
			[]string{"moves auth×2", "standalone tasks that draining does not move: solo (shipper:1)", "--no-should-decrement-desired-capacity"}},
		{"one instance stops standalone", st, Selection{IDs: []string{"ci0"}}, 1, true, ActionDrain, false,
			[]string{"stop standalone tasks on i-0000: solo", "aws ecs stop-task --cluster prod --task solo"}},
		{"no headroom", tight, Selection{IDs: []string{"i-0000"}}, 1, false, ActionDrain, true,
			[]string{"cannot hold 2 of the 2 service tasks draining moves (RESOURCE:CPU)"}},
		{"rolling by AMI", st, Selection{AMI: "ami-old"}, 1, false, ActionRollingDrain, false,
			[]string{"drain and replace 2 instances", "checked again before each of the 2 batches"}},
		{"every instance at once", st, Selection{AMI: ""}, 3, false, ActionRollingDrain, true,
			[]string{"every ACTIVE instance at once"}},
		{"unknown instance", st, Selection{IDs: []string{"i-9999"}}, 1, false, ActionDrain, true, []string{"no container instance i-9999"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := PlanDrain(c.st, c.sel, c.batch, c.stop)
			text := p.Text()
			if p.Action != c.action || p.Blocked() != c.blocked {
				t.Errorf("action %s blocked %v, want %s %v\n%s", p.Action, p.Blocked(), c.action, c.blocked, text)
			}
			for _, h := range c.has {
				if !strings.Contains(text, h) {
					t.Errorf("plan lacks %q:\n%s", h, text)
				}
			}
		})
	}
}

func TestPlanDaemonStart(t *testing.T) {
	td := taskDef("shipper", 2, 64, 64, 24224)
	inst := instances(23, 512, 1024)
	inst[5].Remaining.Ports = append(inst[5].Remaining.Ports, 24224)
	st := DaemonState{Cluster: "prod", TaskDefinition: td, Instances: inst, FamilyTasks: []model.Task{
		{ID: "a", TaskDefinitionARN: "arn:aws:ecs:eu-west-1:1:task-definition/shipper:1", ContainerInstanceARN: inst[0].ARN},
		{ID: "b", TaskDefinitionARN: td.ARN, ContainerInstanceARN: inst[1].ARN},
	}}
	p, nodes := PlanDaemonStart(st, nil)
	if got := countState(nodes, NodeToStart); got != 21 {
		t.Errorf("to start %d, want 21", got)
	}
	if got := countState(nodes, NodeAlreadyRunning); got != 2 {
		t.Errorf("already running %d, want 2", got)
	}
	if len(p.Commands) != 3 {
		t.Errorf("%d start-task commands, want 3", len(p.Commands))
	}
	text := p.Text()
	for _, h := range []string{"3 StartTask calls", "likely to fail on i-0005 (RESOURCE:PORTS)", "DAEMON-strategy service would serve better", "--scheduling-strategy DAEMON"} {
		if !strings.Contains(text, h) {
			t.Errorf("plan lacks %q:\n%s", h, text)
		}
	}
	st.Services = []model.Service{{Name: "shipper", SchedulingStrategy: "DAEMON", TaskDefinitionARN: td.ARN}}
	if p, _ := PlanDaemonStart(st, nil); !strings.Contains(p.Text(), "already runs this family as a DAEMON") {
		t.Errorf("plan misses the DAEMON service:\n%s", p.Text())
	}
	retry, nodes := PlanDaemonStart(st, []string{"ci5"})
	if len(nodes) != 1 || len(retry.Commands) != 1 {
		t.Errorf("retry plan: %d nodes, %d commands; want 1, 1", len(nodes), len(retry.Commands))
	}
}

func TestJournalConcurrentAppends(t *testing.T) {
	j := &Journal{Path: filepath.Join(t.TempDir(), "state", "journal.jsonl")}
	var wg sync.WaitGroup
	const writers, each = 8, 25
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				e := Entry{Time: time.Unix(int64(i), 0), Action: ActionScale, Plan: fmt.Sprintf("w%d-%d %s", w, i, strings.Repeat("x", 3000)), Outcome: OutcomeSuccess}
				if err := j.Append(e); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	got, err := j.Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != writers*each {
		t.Errorf("%d entries, want %d", len(got), writers*each)
	}
}

func TestStateDirFallsBackToHome(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/oncall")
	if got := StateDir(); got != "/home/oncall/.local/state/ecstui" {
		t.Errorf("StateDir = %s", got)
	}
	t.Setenv("XDG_STATE_HOME", "/var/state")
	if got := StateDir(); got != "/var/state/ecstui" {
		t.Errorf("StateDir = %s", got)
	}
}

// TestPlanDeployRefusesImagesECSWouldNot: a typed image is checked against
// ECS's rule before anything is registered; every accepted one is planned
// exactly as typed.
func TestPlanDeployRefusesImagesECSWouldNot(t *testing.T) {
	cur := taskDef("auth", 3, 256, 512, 0)
	inst := instances(3, 1024, 2048)
	st := ServiceState{Service: service("auth", cur, 2, 50, 200), Current: cur, Instances: inst, Tasks: serviceTasks("auth", cur, inst, 2)}
	tests := []struct {
		image string
		ok    bool
	}{
		{"auth:v2", true}, {"123456789012.dkr.ecr.eu-west-1.amazonaws.com/auth:1.6.0", true}, {"registry.local:5000/team/auth:v2", true},
		{"auth@sha256:" + strings.Repeat("a", 64), true}, {"public.ecr.aws/nginx/nginx:1.27#x", true}, {strings.Repeat("a", 255), true},
		{strings.Repeat("a", 256), false}, {"auth:v2 ", false}, {"auth: v2", false}, {"auth:v2\n", false}, {"auth\x1b[2J:v2", false},
		{"auth:v2\u202e", false}, {"аuth:v2", false}, {"auth:v2;rm", false}, {"auth:$(x)", false},
	}
	for _, tt := range tests {
		p := PlanDeploy(DeployInput{Cluster: "prod", Service: "auth", Images: map[string]string{"web": tt.image}}, st)
		if p.Blocked() == tt.ok {
			t.Errorf("image %q: blocked %v (%v), want accepted %v", tt.image, p.Blocked(), p.Blockers, tt.ok)
		}
		if tt.ok && (p.Register == nil || p.Register.Images["web"] != tt.image) {
			t.Errorf("image %q: planned %+v, want it exactly", tt.image, p.Register)
		}
	}
}
