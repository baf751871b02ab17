package aws

import (
	"reflect"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// filled returns a value of type t with every exported field set (recursively,
// to a depth that covers the SDK's nested shapes), so a field the copy forgets
// shows up as a difference.
func filled(t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	if depth > 6 {
		return v
	}
	if t == reflect.TypeFor[time.Time]() {
		return reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString("v-" + t.Name())
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(7)
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		p.Elem().Set(filled(t.Elem(), depth+1))
		return p
	case reflect.Slice:
		s := reflect.MakeSlice(t, 1, 1)
		s.Index(0).Set(filled(t.Elem(), depth+1))
		return s
	case reflect.Map:
		m := reflect.MakeMap(t)
		m.SetMapIndex(filled(t.Key(), depth+1), filled(t.Elem(), depth+1))
		return m
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				v.Field(i).Set(filled(f.Type, depth+1))
			}
		}
	}
	return v
}

// TestRegisterInputFromCopiesEveryField walks the SDK's field names, so a
// field a future SDK adds to both shapes fails here until the copy carries it.
func TestRegisterInputFromCopiesEveryField(t *testing.T) {
	src := filled(reflect.TypeFor[ecstypes.TaskDefinition](), 0).Interface().(ecstypes.TaskDefinition)
	src.ContainerDefinitions[0].Name = sdkaws.String("app")
	tags := []ecstypes.Tag{{Key: sdkaws.String("team"), Value: sdkaws.String("payments")}}
	in, err := registerInputFrom(src, tags, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Input fields TaskDefinition does not have, and where they come from.
	notInTaskDefinition := map[string]bool{"Tags": true}

	sv, iv := reflect.ValueOf(src), reflect.ValueOf(*in)
	shared := 0
	for i := range iv.NumField() {
		f := iv.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		from, ok := sv.Type().FieldByName(f.Name)
		if !ok {
			if !notInTaskDefinition[f.Name] {
				t.Errorf("RegisterTaskDefinitionInput.%s has no TaskDefinition counterpart and no known source: decide where the copy takes it from", f.Name)
			}
			continue
		}
		shared++
		t.Run(f.Name, func(t *testing.T) {
			got, want := iv.Field(i).Interface(), sv.FieldByIndex(from.Index).Interface()
			if reflect.ValueOf(want).IsZero() {
				t.Fatalf("the source's %s is empty: the test cannot tell whether it is copied", f.Name)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s not copied:\n got  %#v\n want %#v", f.Name, got, want)
			}
		})
	}
	if shared < 15 {
		t.Errorf("only %d shared fields found: the reflection walk is broken", shared)
	}
	if !reflect.DeepEqual(in.Tags, tags) {
		t.Errorf("tags %v, want %v", in.Tags, tags)
	}
}

func TestRegisterInputFrom(t *testing.T) {
	secret := []ecstypes.Secret{{Name: sdkaws.String("DB_PASSWORD"), ValueFrom: sdkaws.String("arn:aws:ssm:us-east-1:1:parameter/db")}}
	base := func() ecstypes.TaskDefinition {
		return ecstypes.TaskDefinition{
			Family: sdkaws.String("web"), Revision: 4, TaskDefinitionArn: sdkaws.String("arn:aws:ecs:us-east-1:1:task-definition/web:4"),
			Status: ecstypes.TaskDefinitionStatusActive, Compatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityEc2},
			RequiresAttributes: []ecstypes.Attribute{{Name: sdkaws.String("com.amazonaws.ecs.capability.docker-remote-api.1.18")}},
			ContainerDefinitions: []ecstypes.ContainerDefinition{
				{Name: sdkaws.String("app"), Image: sdkaws.String("web:1"), Secrets: secret,
					DockerLabels:    map[string]string{"com.example.team": "payments"},
					DependsOn:       []ecstypes.ContainerDependency{{ContainerName: sdkaws.String("envoy"), Condition: ecstypes.ContainerConditionHealthy}},
					LinuxParameters: &ecstypes.LinuxParameters{InitProcessEnabled: sdkaws.Bool(true)}},
				{Name: sdkaws.String("envoy"), Image: sdkaws.String("envoy:1.30"), DockerLabels: map[string]string{"sidecar": "yes"}},
			},
			Volumes: []ecstypes.Volume{{Name: sdkaws.String("data"), EfsVolumeConfiguration: &ecstypes.EFSVolumeConfiguration{FileSystemId: sdkaws.String("fs-1")}}},
		}
	}
	tests := []struct {
		name      string
		images    map[string]string
		tags      []ecstypes.Tag
		wantErr   string // substring of a KindValidation error
		wantImage map[string]string
		wantTags  []ecstypes.Tag
	}{
		{name: "one image", images: map[string]string{"app": "web:2"}, wantImage: map[string]string{"app": "web:2", "envoy": "envoy:1.30"}},
		{name: "both images", images: map[string]string{"app": "web:2", "envoy": "envoy:1.31"}, wantImage: map[string]string{"app": "web:2", "envoy": "envoy:1.31"}},
		{name: "unknown container", images: map[string]string{"app": "web:2", "worker": "w:1"}, wantErr: `no container "worker" (containers: app, envoy)`},
		{name: "empty image", images: map[string]string{"app": ""}, wantErr: `no image given for container "app"`},
		{name: "aws tags dropped", images: map[string]string{"app": "web:2"},
			tags: []ecstypes.Tag{
				{Key: sdkaws.String("aws:cloudformation:stack-name"), Value: sdkaws.String("s")},
				{Key: sdkaws.String("team"), Value: sdkaws.String("payments")},
			},
			wantImage: map[string]string{"app": "web:2", "envoy": "envoy:1.30"},
			wantTags:  []ecstypes.Tag{{Key: sdkaws.String("team"), Value: sdkaws.String("payments")}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := base()
			in, err := registerInputFrom(src, tc.tags, tc.images)
			if tc.wantErr != "" {
				if KindOf(err) != KindValidation || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v (kind %v), want validation naming %s", err, KindOf(err), tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range in.ContainerDefinitions {
				if got := sdkaws.ToString(c.Image); got != tc.wantImage[sdkaws.ToString(c.Name)] {
					t.Errorf("container %s image %s, want %s", sdkaws.ToString(c.Name), got, tc.wantImage[sdkaws.ToString(c.Name)])
				}
			}
			// Everything but the image survives, including what ecstui does not model.
			app := in.ContainerDefinitions[0]
			if !reflect.DeepEqual(app.Secrets, secret) || app.DockerLabels["com.example.team"] != "payments" ||
				len(app.DependsOn) != 1 || app.LinuxParameters == nil || !sdkaws.ToBool(app.LinuxParameters.InitProcessEnabled) {
				t.Errorf("unmodelled container settings lost: %+v", app)
			}
			if in.Volumes[0].EfsVolumeConfiguration == nil || sdkaws.ToString(in.Volumes[0].EfsVolumeConfiguration.FileSystemId) != "fs-1" {
				t.Errorf("EFS volume configuration lost: %+v", in.Volumes)
			}
			if !reflect.DeepEqual(in.Tags, tc.wantTags) {
				t.Errorf("tags %v, want %v", in.Tags, tc.wantTags)
			}
			// The described revision is not modified: callers may cache it.
			if sdkaws.ToString(src.ContainerDefinitions[0].Image) != "web:1" {
				t.Errorf("the source revision was modified: %s", sdkaws.ToString(src.ContainerDefinitions[0].Image))
			}
		})
	}
}
