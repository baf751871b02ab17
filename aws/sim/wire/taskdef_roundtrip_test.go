package wire

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/aws/awstest/sdkfill"
	"github.com/ecstui/ecstui/aws/sim"
)

// fullRegisterInput is a RegisterTaskDefinition request with every field
// the SDK knows filled, in host network mode (any host port goes).
func fullRegisterInput(t *testing.T) *ecs.RegisterTaskDefinitionInput {
	t.Helper()
	in, err := sdkfill.ECSTaskDefinition("roundtrip")
	if err != nil {
		t.Fatal(err)
	}
	in.NetworkMode = ecstypes.NetworkModeHost
	for i := range in.ContainerDefinitions {
		for j := range in.ContainerDefinitions[i].PortMappings {
			in.ContainerDefinitions[i].PortMappings[j].HostPort = aws.Int32(int32(9000 + 10*i + j))
		}
	}
	return in
}

// serverSet are the TaskDefinition fields ECS fills in itself, with what
// each must hold for a revision just registered (and never deregistered).
var serverSet = map[string]func(td ecstypes.TaskDefinition, now time.Time) error{
	"TaskDefinitionArn": func(td ecstypes.TaskDefinition, _ time.Time) error {
		return want(aws.ToString(td.TaskDefinitionArn) == "arn:aws:ecs:us-east-1:123456789012:task-definition/roundtrip:1", "ARN %q", aws.ToString(td.TaskDefinitionArn))
	},
	"Revision": func(td ecstypes.TaskDefinition, _ time.Time) error {
		return want(td.Revision == 1, "revision %d", td.Revision)
	},
	"Status": func(td ecstypes.TaskDefinition, _ time.Time) error {
		return want(td.Status == "ACTIVE", "status %s", td.Status)
	},
	"RegisteredAt": func(td ecstypes.TaskDefinition, now time.Time) error {
		return want(td.RegisteredAt != nil && td.RegisteredAt.Equal(now), "registeredAt %v, want %v", td.RegisteredAt, now)
	},
	"RegisteredBy": func(td ecstypes.TaskDefinition, _ time.Time) error {
		return want(strings.HasPrefix(aws.ToString(td.RegisteredBy), "arn:aws:iam::123456789012:"), "registeredBy %q", aws.ToString(td.RegisteredBy))
	},
	"Compatibilities": func(td ecstypes.TaskDefinition, _ time.Time) error {
		return want(reflect.DeepEqual(td.Compatibilities, []ecstypes.Compatibility{"EXTERNAL", "EC2"}), "compatibilities %v", td.Compatibilities)
	},
	"RequiresAttributes": func(td ecstypes.TaskDefinition, _ time.Time) error {
		return want(len(td.RequiresAttributes) > 0, "no requiresAttributes")
	},
	"DeregisteredAt": func(td ecstypes.TaskDefinition, _ time.Time) error {
		return want(td.DeregisteredAt == nil, "deregisteredAt set")
	},
	"DeleteRequestedAt": func(td ecstypes.TaskDefinition, _ time.Time) error {
		return want(td.DeleteRequestedAt == nil, "deleteRequestedAt set")
	},
}

func want(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// TestTaskDefinitionRoundTrip registers a revision with every field of the
// SDK's RegisterTaskDefinitionInput filled, through the wire, and checks that
// DescribeTaskDefinition returns each one unchanged, tags included, and that
// every other TaskDefinition field is one ECS sets. A field a future SDK adds
// on either side fails here until the simulator keeps it.
func TestTaskDefinitionRoundTrip(t *testing.T) {
	w := sim.New(sim.Options{Seed: 1, Start: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)})
	_, c := serve(t, w, Options{}, 1)
	cx := ctx(t)
	in := fullRegisterInput(t)

	reg, err := c.ecs.RegisterTaskDefinition(cx, in)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := c.ecs.DescribeTaskDefinition(cx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String("roundtrip:1"), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(reg.TaskDefinition, desc.TaskDefinition) {
		t.Errorf("RegisterTaskDefinition and DescribeTaskDefinition answer differently:\n%s", diff(reg.TaskDefinition, desc.TaskDefinition))
	}
	if !reflect.DeepEqual(reg.Tags, in.Tags) {
		t.Errorf("register answered tags %+v, want %+v", reg.Tags, in.Tags)
	}
	if !reflect.DeepEqual(desc.Tags, in.Tags) {
		t.Errorf("describe --include TAGS answered %+v, want %+v", desc.Tags, in.Tags)
	}
	td := *desc.TaskDefinition

	inV, outV := reflect.ValueOf(in).Elem(), reflect.ValueOf(td)
	compared := map[string]bool{}
	for i := range inV.NumField() {
		f := inV.Type().Field(i)
		if !f.IsExported() || f.Name == "Tags" {
			continue
		}
		of, ok := outV.Type().FieldByName(f.Name)
		if !ok {
			t.Errorf("RegisterTaskDefinitionInput.%s has no TaskDefinition field of that name: decide how the simulator returns it", f.Name)
			continue
		}
		compared[f.Name] = true
		got := outV.FieldByIndex(of.Index).Interface()
		if sent := inV.Field(i).Interface(); !reflect.DeepEqual(sent, got) {
			t.Errorf("%s did not round-trip:\n%s", f.Name, diff(sent, got))
		}
	}
	for i := range outV.NumField() {
		f := outV.Type().Field(i)
		if !f.IsExported() || compared[f.Name] {
			continue
		}
		check, ok := serverSet[f.Name]
		if !ok {
			t.Errorf("TaskDefinition.%s is neither a request field nor one the simulator sets: teach the simulator and this test about it", f.Name)
			continue
		}
		if err := check(td, w.Now()); err != nil {
			t.Errorf("TaskDefinition.%s: %v", f.Name, err)
		}
	}
}

// diff shows two values field by field where they differ.
func diff(a, b any) string {
	var out []string
	var walk func(path string, x, y reflect.Value)
	walk = func(path string, x, y reflect.Value) {
		if x.IsValid() != y.IsValid() {
			out = append(out, fmt.Sprintf("%s: %v ≠ %v", path, x, y))
			return
		}
		if !x.IsValid() || reflect.DeepEqual(x.Interface(), y.Interface()) {
			return
		}
		switch x.Kind() {
		case reflect.Pointer:
			if x.IsNil() || y.IsNil() {
				out = append(out, fmt.Sprintf("%s: %v ≠ %v", path, x, y))
				return
			}
			walk(path, x.Elem(), y.Elem())
		case reflect.Struct:
			for i := range x.NumField() {
				if x.Type().Field(i).IsExported() {
					walk(path+"."+x.Type().Field(i).Name, x.Field(i), y.Field(i))
				}
			}
		case reflect.Slice:
			if x.Len() != y.Len() {
				out = append(out, fmt.Sprintf("%s: %d items ≠ %d items", path, x.Len(), y.Len()))
				return
			}
			for i := range x.Len() {
				walk(fmt.Sprintf("%s[%d]", path, i), x.Index(i), y.Index(i))
			}
		default:
			out = append(out, fmt.Sprintf("%s: %#v ≠ %#v", path, x.Interface(), y.Interface()))
		}
	}
	walk("", reflect.ValueOf(a), reflect.ValueOf(b))
	return strings.Join(out, "\n")
}
