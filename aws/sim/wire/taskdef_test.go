package wire

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/aws/sim"
)

func smallTaskDef(family string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{Family: aws.String(family), ContainerDefinitions: []ecstypes.ContainerDefinition{
		{Name: aws.String("app"), Image: aws.String("nginx:1.27"), Memory: aws.Int32(128)}}}
}

// TestRegisterTaskDefinitionValidation: what ECS refuses is refused with its
// words, and nothing is invented for what a client left out.
func TestRegisterTaskDefinitionValidation(t *testing.T) {
	_, c := serve(t, sim.New(sim.Options{Seed: 1}), Options{}, 1)
	cx := ctx(t)
	fargate := func(mod func(*ecs.RegisterTaskDefinitionInput)) *ecs.RegisterTaskDefinitionInput {
		in := smallTaskDef("f")
		in.RequiresCompatibilities = []ecstypes.Compatibility{ecstypes.CompatibilityFargate}
		in.NetworkMode, in.Cpu, in.Memory = ecstypes.NetworkModeAwsvpc, aws.String("256"), aws.String("512")
		mod(in)
		return in
	}
	tests := []struct {
		name string
		in   *ecs.RegisterTaskDefinitionInput
		code string
		msg  string
	}{
		{"pidMode host on FARGATE", fargate(func(in *ecs.RegisterTaskDefinitionInput) { in.PidMode = ecstypes.PidModeHost }),
			"ClientException", "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'."},
		{"ipcMode on FARGATE", fargate(func(in *ecs.RegisterTaskDefinitionInput) { in.IpcMode = ecstypes.IpcModeTask }),
			"ClientException", "Tasks using the Fargate launch type do not support ipcMode."},
		{"bridge on FARGATE", fargate(func(in *ecs.RegisterTaskDefinitionInput) { in.NetworkMode = ecstypes.NetworkModeBridge }),
			"ClientException", "Fargate only supports network mode ‘awsvpc’."},
		{"FARGATE without task cpu", fargate(func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = nil }),
			"ClientException", "Fargate requires that 'cpu' be defined at the task level."},
		{"awsvpc host port differs", fargate(func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].PortMappings = []ecstypes.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(8080)}}
		}), "ClientException", "When networkMode=awsvpc, the host ports and container ports in port mappings must match."},
		{"unknown network mode", func() *ecs.RegisterTaskDefinitionInput {
			in := smallTaskDef("n")
			in.NetworkMode = "overlay"
			return in
		}(), "ClientException", "Invalid value 'overlay' for networkMode."},
		{"bad task cpu", func() *ecs.RegisterTaskDefinitionInput {
			in := smallTaskDef("n")
			in.Cpu = aws.String("lots")
			return in
		}(),
			"ClientException", "Invalid 'cpu' setting for task."},
		{"no memory anywhere", func() *ecs.RegisterTaskDefinitionInput {
			in := smallTaskDef("n")
			in.ContainerDefinitions[0].Memory = nil
			return in
		}(), "ClientException", "At least one of 'memory' or 'memoryReservation' must be specified."},
		{"no essential container", func() *ecs.RegisterTaskDefinitionInput {
			in := smallTaskDef("n")
			in.ContainerDefinitions[0].Essential = aws.Bool(false)
			return in
		}(), "ClientException", "Task definition must have at least one essential container."},
		{"duplicate container", func() *ecs.RegisterTaskDefinitionInput {
			in := smallTaskDef("n")
			in.ContainerDefinitions = append(in.ContainerDefinitions, in.ContainerDefinitions[0])
			return in
		}(), "ClientException", "Duplicate container name 'app'"},
		{"aws: tag", func() *ecs.RegisterTaskDefinitionInput {
			in := smallTaskDef("n")
			in.Tags = []ecstypes.Tag{{Key: aws.String("aws:cloudformation:stack-name"), Value: aws.String("x")}}
			return in
		}(), "InvalidParameterException", "reserved for AWS use"},
		{"family characters", smallTaskDef("my family"), "ClientException", "Family contains invalid characters."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.ecs.RegisterTaskDefinition(cx, tc.in)
			if code(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %s containing %q", err, tc.code, tc.msg)
			}
		})
	}

	// Accepted: FARGATE with pidMode task; nothing invented for a bare revision.
	ok, err := c.ecs.RegisterTaskDefinition(cx, fargate(func(in *ecs.RegisterTaskDefinitionInput) { in.PidMode = ecstypes.PidModeTask }))
	if err != nil {
		t.Fatal(err)
	}
	if got := ok.TaskDefinition.Compatibilities; len(got) != 2 || got[0] != "EC2" || got[1] != "FARGATE" {
		t.Errorf("FARGATE revision compatibilities = %v", got)
	}
	bare, err := c.ecs.RegisterTaskDefinition(cx, smallTaskDef("bare"))
	if err != nil {
		t.Fatal(err)
	}
	td := bare.TaskDefinition
	if td.RequiresCompatibilities != nil || td.NetworkMode != "" || bare.Tags != nil {
		t.Errorf("invented: requiresCompatibilities %v, networkMode %q, tags %v", td.RequiresCompatibilities, td.NetworkMode, bare.Tags)
	}
	cd := td.ContainerDefinitions[0]
	if !aws.ToBool(cd.Essential) || cd.PortMappings == nil || cd.Environment == nil || td.Volumes == nil {
		t.Errorf("ECS's defaults missing: essential %v, portMappings %v, environment %v, volumes %v",
			cd.Essential, cd.PortMappings, cd.Environment, td.Volumes)
	}
	noTags, err := c.ecs.DescribeTaskDefinition(cx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("bare")})
	if err != nil || noTags.Tags != nil {
		t.Errorf("describe without include: tags %v, err %v", noTags.Tags, err)
	}
}

// TestRegisterTaskDefinitionUnknownMember: a member the simulator's model
// lacks is refused, naming it, instead of being dropped.
func TestRegisterTaskDefinitionUnknownMember(t *testing.T) {
	hs := httptest.NewServer(New(sim.New(sim.Options{Seed: 1}), Options{}))
	t.Cleanup(hs.Close)
	body := `{"family":"x","containerDefinitions":[{"name":"a","image":"b","memory":64,"gpuSlices":2}]}`
	req, _ := http.NewRequest(http.MethodPost, hs.URL, strings.NewReader(body))
	req.Header.Set("X-Amz-Target", ecsTargetPrefix+"RegisterTaskDefinition")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(b, &e)
	if resp.StatusCode != http.StatusBadRequest || e.Type != "InvalidParameterException" ||
		!strings.Contains(e.Message, "containerDefinitions[0].gpuSlices") {
		t.Errorf("status %d body %s", resp.StatusCode, bytes.TrimSpace(b))
	}
}

// TestTaskDefinitionLifecycle: deregister, then delete; a revision a service
// still runs stays DELETE_IN_PROGRESS until the service is gone.
func TestTaskDefinitionLifecycle(t *testing.T) {
	w := sim.New(sim.Options{Seed: 1})
	s, c := serve(t, w, Options{}, 1)
	cx := ctx(t)
	for range 2 {
		if _, err := c.ecs.RegisterTaskDefinition(cx, smallTaskDef("life")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.ecs.DeregisterTaskDefinition(cx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("life")}); code(err) != "InvalidParameterException" {
		t.Errorf("deregister without a revision: %v", err)
	}
	dereg, err := c.ecs.DeregisterTaskDefinition(cx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("life:2")})
	if err != nil {
		t.Fatal(err)
	}
	if dereg.TaskDefinition.Status != "INACTIVE" || dereg.TaskDefinition.DeregisteredAt == nil {
		t.Errorf("deregistered: status %s at %v", dereg.TaskDefinition.Status, dereg.TaskDefinition.DeregisteredAt)
	}
	latest, err := c.ecs.DescribeTaskDefinition(cx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("life")})
	if err != nil || latest.TaskDefinition.Revision != 1 {
		t.Errorf("family now resolves to %v (%v), want revision 1", latest.TaskDefinition, err)
	}
	inactive, err := c.ecs.ListTaskDefinitions(cx, &ecs.ListTaskDefinitionsInput{Status: ecstypes.TaskDefinitionStatusInactive})
	if err != nil || len(inactive.TaskDefinitionArns) != 1 || !strings.HasSuffix(inactive.TaskDefinitionArns[0], "life:2") {
		t.Errorf("INACTIVE list = %v (%v)", inactive.TaskDefinitionArns, err)
	}

	del, err := c.ecs.DeleteTaskDefinitions(cx, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{"life:1", "life:2"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.TaskDefinitions) != 1 || del.TaskDefinitions[0].Status != "DELETE_IN_PROGRESS" || del.TaskDefinitions[0].DeleteRequestedAt == nil {
		t.Errorf("deleted = %+v", del.TaskDefinitions)
	}
	if len(del.Failures) != 1 || !strings.HasSuffix(aws.ToString(del.Failures[0].Arn), "life:1") {
		t.Errorf("failures = %+v (an ACTIVE revision cannot be deleted)", del.Failures)
	}
	// Nothing uses life:2, so its deletion is over at once.
	if _, err := c.ecs.DescribeTaskDefinition(cx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("life:2")}); code(err) != "ClientException" {
		t.Errorf("describe of a deleted revision: %v", err)
	}
	// The next revision still counts on: revisions are never reused.
	next, err := c.ecs.RegisterTaskDefinition(cx, smallTaskDef("life"))
	if err != nil || next.TaskDefinition.Revision != 3 {
		t.Errorf("next revision = %v (%v), want 3", next.TaskDefinition, err)
	}

	// A revision a service runs: deregistered and deleted, it lives on.
	w.AddCluster("c")
	w.AddAutoScalingGroup(sim.ASGSpec{Name: "c-asg", Cluster: "c", Size: 1})
	if _, err := w.CreateService(sim.ServiceSpec{Cluster: "c", Name: "svc", TaskDefinition: "life:3", DesiredCount: 1}); err != nil {
		t.Fatal(err)
	}
	for _, op := range []func() error{
		func() error {
			_, err := c.ecs.DeregisterTaskDefinition(cx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("life:3")})
			return err
		},
		func() error {
			_, err := c.ecs.DeleteTaskDefinitions(cx, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{"life:3"}})
			return err
		},
	} {
		if err := op(); err != nil {
			t.Fatal(err)
		}
	}
	kept, err := c.ecs.DescribeTaskDefinition(cx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("life:3")})
	if err != nil || kept.TaskDefinition.Status != "DELETE_IN_PROGRESS" {
		t.Errorf("in-use revision after delete: %v (%v)", kept.TaskDefinition, err)
	}
	if _, err := c.ecs.RunTask(cx, &ecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: aws.String("life:3")}); code(err) != "InvalidParameterException" {
		t.Errorf("RunTask of a revision being deleted: %v", err)
	}
	if got := s.MutatingCalls(); got != 9 {
		t.Errorf("MutatingCalls = %d, want 9: deregister and delete are mutations", got)
	}
}
