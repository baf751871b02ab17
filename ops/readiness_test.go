package ops

import (
	"errors"
	"strings"
	"testing"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// readyFacts is a task that passes every line.
func readyFacts() ExecFacts {
	svc := model.Service{Name: "api", EnableExecuteCommand: true}
	td := model.TaskDefinition{ARN: "arn:aws:ecs:us-east-1:1:task-definition/api:3", TaskRoleARN: "arn:aws:iam::1:role/api-task",
		Containers: []model.ContainerDefinition{{Name: "web", Essential: true}}}
	ci := model.ContainerInstance{ID: "ci1", EC2InstanceID: "i-0abc", AgentVersion: "1.89.2", AgentConnected: true,
		Attributes: map[string]string{"ecs.os-type": "linux"}}
	cfg := model.ExecConfiguration{}
	return ExecFacts{
		Cluster: "arn:aws:ecs:us-east-1:1:cluster/prod", Region: "us-east-1", Container: "web",
		Task: model.Task{ARN: "arn:aws:ecs:us-east-1:1:task/prod/0f3c", ID: "0f3c", Group: "service:api", LastStatus: "RUNNING", DesiredStatus: "RUNNING",
			LaunchType: "EC2", EnableExecuteCommand: true, TaskDefinitionARN: td.ARN,
			Containers: []model.Container{{Name: "web", RuntimeID: "rt1", LastStatus: "RUNNING",
				ManagedAgents: []model.ManagedAgent{{Name: model.ExecuteCommandAgent, LastStatus: "RUNNING"}}}}},
		Plugin:         PluginInfo{Path: "/usr/local/bin/session-manager-plugin", Version: "1.2.650.0"},
		Service:        &svc,
		TaskDefinition: &td,
		Instance:       &ci,
		ExecConfig:     &cfg,
		RolePermissions: map[string]bool{"ssmmessages:CreateControlChannel": true, "ssmmessages:CreateDataChannel": true,
			"ssmmessages:OpenControlChannel": true, "ssmmessages:OpenDataChannel": true},
	}
}

func lineOf(r Readiness, item string) (CheckLine, bool) {
	for _, l := range r.Lines {
		if l.Item == item {
			return l, true
		}
	}
	return CheckLine{}, false
}

func TestReadinessAllOK(t *testing.T) {
	r := CheckReadiness(readyFacts())
	if !r.Ready() {
		t.Fatalf("not ready:\n%s", r.Text())
	}
	want := []string{"session-manager-plugin", "task status", "exec enabled on service api", "exec enabled on the task",
		"ExecuteCommandAgent in web", "task role", "task role allows ssmmessages", "ECS agent version", "platform", "cluster exec configuration"}
	var got []string
	for _, l := range r.Lines {
		got = append(got, l.Item)
		if l.Status != CheckOK {
			t.Errorf("%s: %s (%s)", l.Item, l.Status, l.Detail)
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("lines %q, want %q", got, want)
	}
	if !strings.Contains(r.Text(), "Ready.") {
		t.Fatalf("text:\n%s", r.Text())
	}
}

var denied = &awsapi.Error{Kind: awsapi.KindAccessDenied, Service: "ecs", Op: "DescribeServices", Action: "ecs:DescribeServices", Code: "AccessDeniedException"}

func TestReadinessLines(t *testing.T) {
	agent := func(status, reason string) func(f *ExecFacts) {
		return func(f *ExecFacts) {
			f.Task.Containers[0].ManagedAgents = []model.ManagedAgent{{Name: model.ExecuteCommandAgent, LastStatus: status, Reason: reason}}
		}
	}
	tests := []struct {
		name   string
		change func(f *ExecFacts)
		item   string
		status CheckStatus
		detail string // substring
		fix    string // substring; "" means no fix
	}{
		{"plugin missing", func(f *ExecFacts) { f.Plugin = PluginInfo{Err: errors.New("not found")} },
			"session-manager-plugin", CheckMissing, "not found on PATH", "brew install --cask session-manager-plugin"},
		{"plugin missing names the guide", func(f *ExecFacts) { f.Plugin = PluginInfo{Err: errors.New("not found")} },
			"session-manager-plugin", CheckMissing, "not found", "session-manager-working-with-install-plugin.html), then check: session-manager-plugin --version"},
		{"plugin broken", func(f *ExecFacts) { f.Plugin = PluginInfo{Path: "/opt/smp", Err: errors.New("exit status 127")} },
			"session-manager-plugin", CheckMissing, "found at /opt/smp but it does not run: exit status 127", "install the Session Manager plugin"},
		{"plugin version", nil, "session-manager-plugin", CheckOK, "/usr/local/bin/session-manager-plugin (version 1.2.650.0)", ""},
		{"task stopped", func(f *ExecFacts) {
			f.Task.LastStatus, f.Task.DesiredStatus, f.Task.StoppedReason = "STOPPED", "STOPPED", "Essential container exited"
		},
			"task status", CheckMissing, "STOPPED (Essential container exited)", "pick a running task"},
		{"task pending", func(f *ExecFacts) { f.Task.LastStatus = "PENDING" },
			"task status", CheckMissing, "PENDING", "wait until the task is RUNNING"},
		{"task stopping", func(f *ExecFacts) { f.Task.DesiredStatus = "STOPPED" },
			"task status", CheckWarn, "RUNNING, stopping", "pick another task"},
		{"service without exec", func(f *ExecFacts) { f.Service.EnableExecuteCommand = false },
			"exec enabled on service api", CheckMissing, "enableExecuteCommand: false",
			"aws ecs update-service --cluster prod --service api --enable-execute-command --force-new-deployment"},
		{"service without exec nor role", func(f *ExecFacts) { f.Service.EnableExecuteCommand = false; f.TaskDefinition.TaskRoleARN = "" },
			"exec enabled on service api", CheckMissing, "false", "(after giving the task definition a task role, see below)"},
		{"service unreadable", func(f *ExecFacts) { f.Service, f.ServiceErr = nil, denied },
			"exec enabled on service api", CheckUnknown, "not allowed to read it", ""},
		{"task started before exec", func(f *ExecFacts) { f.Task.EnableExecuteCommand = false },
			"exec enabled on the task", CheckMissing, "started before exec was enabled on its service",
			"replace the service's tasks: aws ecs update-service --cluster prod --service api --force-new-deployment"},
		{"task of a service without exec", func(f *ExecFacts) { f.Task.EnableExecuteCommand = false; f.Service.EnableExecuteCommand = false },
			"exec enabled on the task", CheckMissing, "started without exec", "enable exec on the service (above)"},
		{"standalone task without exec", func(f *ExecFacts) { f.Task.EnableExecuteCommand = false; f.Task.Group = "family:api"; f.Service = nil },
			"exec enabled on the task", CheckMissing, "started without exec",
			"run the task again with exec: aws ecs run-task --cluster prod --task-definition api:3 --enable-execute-command"},
		{"agent skipped without exec", func(f *ExecFacts) { f.Task.EnableExecuteCommand = false },
			"ExecuteCommandAgent in web", CheckSkipped, "exec is off", ""},
		{"agent absent", func(f *ExecFacts) { f.Task.Containers[0].ManagedAgents = nil },
			"ExecuteCommandAgent in web", CheckMissing, "ECS started no ExecuteCommandAgent", "update the ECS agent on the instance (exec needs 1.50.2 or later)"},
		{"agent pending", agent("PENDING", ""), "ExecuteCommandAgent in web", CheckMissing, "PENDING", "wait a few seconds and try again"},
		{"agent stopped", agent("STOPPED", "no route"), "ExecuteCommandAgent in web", CheckMissing, "STOPPED: no route",
			"route to ssmmessages.us-east-1.amazonaws.com (internet or a VPC endpoint), then replace the task: aws ecs stop-task --cluster prod --task 0f3c"},
		{"unknown container", func(f *ExecFacts) { f.Container = "sidecar" },
			"ExecuteCommandAgent in sidecar", CheckMissing, `no container named "sidecar"`, "choose one of: web"},
		{"no task role", func(f *ExecFacts) { f.TaskDefinition.TaskRoleARN = "" },
			"task role", CheckMissing, "api:3 has no task role",
			"register a revision with a taskRoleArn whose role allows ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel, and deploy it"},
		{"task definition unreadable", func(f *ExecFacts) { f.TaskDefinition, f.TaskDefinitionErr = nil, denied },
			"task role", CheckUnknown, "not allowed to read it (", ""},
		{"role permissions skipped without role", func(f *ExecFacts) { f.TaskDefinition.TaskRoleARN = "" },
			"task role allows ssmmessages", CheckSkipped, "no task role", ""},
		{"role permissions not read", func(f *ExecFacts) { f.RolePermissions = nil },
			"task role allows ssmmessages", CheckUnknown, "not checked: ecstui does not read IAM policies", ""},
		{"role permissions denied to read", func(f *ExecFacts) { f.RolePermissions, f.RoleErr = nil, denied },
			"task role allows ssmmessages", CheckUnknown, "not allowed to read it", "iam:SimulatePrincipalPolicy"},
		{"role lacks permissions", func(f *ExecFacts) {
			f.RolePermissions["ssmmessages:OpenDataChannel"], f.RolePermissions["ssmmessages:CreateDataChannel"] = false, false
		}, "task role allows ssmmessages", CheckMissing, "denied: ssmmessages:CreateDataChannel, ssmmessages:OpenDataChannel",
			`add to arn:aws:iam::1:role/api-task a policy allowing {"Effect":"Allow","Action":["ssmmessages:CreateControlChannel","ssmmessages:CreateDataChannel","ssmmessages:OpenControlChannel","ssmmessages:OpenDataChannel"],"Resource":"*"}`},
		{"role does not exist", func(f *ExecFacts) {
			f.RolePermissions, f.RoleErr = nil, &awsapi.Error{Kind: awsapi.KindUnknown, Service: "iam", Code: "NoSuchEntity", Message: "The role with name api-task cannot be found."}
		}, "task role", CheckMissing, "arn:aws:iam::1:role/api-task does not exist", "create the role (trusted by ecs-tasks.amazonaws.com)"},
		{"permissions skipped for a missing role", func(f *ExecFacts) {
			f.RolePermissions, f.RoleErr = nil, &awsapi.Error{Service: "iam", Code: "NoSuchEntity"}
		}, "task role allows ssmmessages", CheckSkipped, "the role does not exist", ""},
		{"old agent", func(f *ExecFacts) { f.Instance.AgentVersion = "1.48.1" },
			"ECS agent version", CheckMissing, "1.48.1 on i-0abc (exec needs 1.50.2 or later)",
			"replace the instance with one on a current ECS-optimized AMI: ecstui drain --cluster prod --instance i-0abc"},
		{"agent version at the minimum", func(f *ExecFacts) { f.Instance.AgentVersion = "1.50.2" }, "ECS agent version", CheckOK, "1.50.2", ""},
		{"agent version not reported", func(f *ExecFacts) { f.Instance.AgentVersion = "" }, "ECS agent version", CheckUnknown, "not reported by i-0abc", ""},
		{"instance unreadable", func(f *ExecFacts) { f.Instance, f.InstanceErr = nil, denied }, "ECS agent version", CheckUnknown, "not allowed", ""},
		{"fargate old platform", func(f *ExecFacts) {
			f.Task.LaunchType, f.Task.PlatformVersion, f.Task.PlatformFamily, f.Instance = "FARGATE", "1.3.0", "Linux", nil
		}, "Fargate platform version", CheckMissing, "1.3.0 (exec needs 1.4.0 or later)",
			"aws ecs update-service --cluster prod --service api --platform-version LATEST --force-new-deployment"},
		{"fargate windows platform", func(f *ExecFacts) {
			f.Task.LaunchType, f.Task.PlatformVersion, f.Task.PlatformFamily, f.Instance = "FARGATE", "1.0.0", "WINDOWS_SERVER_2019_CORE", nil
		}, "Fargate platform version", CheckOK, "1.0.0", ""},
		{"windows", func(f *ExecFacts) { f.Instance.Attributes["ecs.os-type"] = "windows" },
			"platform", CheckWarn, "Windows", "set execCommand: powershell.exe for this context"},
		{"platform unreadable", func(f *ExecFacts) { f.Instance, f.InstanceErr = nil, denied }, "platform", CheckUnknown, "not allowed", ""},
		{"agent disconnected", func(f *ExecFacts) { f.Instance.AgentConnected = false },
			"ECS agent connected", CheckMissing, "the agent on i-0abc is disconnected",
			"restart the ECS agent on i-0abc (sudo systemctl restart ecs), or replace it: ecstui drain --cluster prod --instance i-0abc"},
		{"exec configuration unreadable", func(f *ExecFacts) { f.ExecConfig, f.ExecConfigErr = nil, errors.New("boom") },
			"cluster exec configuration", CheckUnknown, "could not be read: boom", ""},
		{"exec configuration none", nil, "cluster exec configuration", CheckOK, "none", ""},
		{"exec configuration logging", func(f *ExecFacts) { f.ExecConfig.Logging = "NONE" }, "cluster exec configuration", CheckOK, "logging NONE", ""},
		{"kms key", func(f *ExecFacts) { f.ExecConfig.KMSKeyID = "arn:aws:kms:us-east-1:1:key/k1" },
			"KMS key", CheckNote, "arn:aws:kms:us-east-1:1:key/k1", "you need kms:GenerateDataKey and the task role kms:Decrypt on this key"},
		{"log group", func(f *ExecFacts) {
			f.ExecConfig.Logging, f.ExecConfig.CloudWatchLogGroup, f.ExecConfig.CloudWatchEncryption = "OVERRIDE", "/exec", true
		}, "session log group", CheckNote, "/exec (encrypted: the group must have a KMS key)",
			"the task role needs logs:DescribeLogGroups, and logs:CreateLogStream, logs:DescribeLogStreams, logs:PutLogEvents on this group"},
		{"log bucket", func(f *ExecFacts) {
			f.ExecConfig.Logging, f.ExecConfig.S3Bucket, f.ExecConfig.S3KeyPrefix, f.ExecConfig.S3Encryption = "OVERRIDE", "audit", "exec/", true
		}, "session log bucket", CheckNote, "audit/exec/",
			"the task role needs s3:PutObject on arn:aws:s3:::audit/exec/* and s3:GetEncryptionConfiguration on arn:aws:s3:::audit"},
		{"credentials in env", func(f *ExecFacts) {
			f.TaskDefinition.Containers[0].Environment = []model.KeyValue{{Name: "AWS_ACCESS_KEY_ID", Value: "x"}, {Name: "AWS_SECRET_ACCESS_KEY", Value: "y"}}
		}, "credentials in the environment", CheckWarn, "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY set in web",
			"the SSM agent uses these keys instead of the task role"},
		{"read-only root filesystem", func(f *ExecFacts) { f.TaskDefinition.Containers[0].ReadonlyRootFilesystem = true },
			"root filesystem of web", CheckMissing, "readonlyRootFilesystem: true in api:3: the SSM agent cannot write into the container",
			"set readonlyRootFilesystem to false for container web in task definition api, register the new revision and deploy it: aws ecs update-service --cluster prod --service api --task-definition api"},
		{"read-only root filesystem of a standalone task", func(f *ExecFacts) {
			f.TaskDefinition.Containers[0].ReadonlyRootFilesystem = true
			f.Task.Group, f.Service = "family:api", nil
		}, "root filesystem of web", CheckMissing, "readonlyRootFilesystem: true in api:3",
			"set readonlyRootFilesystem to false for container web in task definition api, register the new revision and deploy it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readyFacts()
			if tt.change != nil {
				tt.change(&f)
			}
			r := CheckReadiness(f)
			l, ok := lineOf(r, tt.item)
			if !ok {
				t.Fatalf("no line %q in\n%s", tt.item, r.Text())
			}
			if l.Status != tt.status || !strings.Contains(l.Detail, tt.detail) {
				t.Errorf("%s: %s %q, want %s containing %q", tt.item, l.Status, l.Detail, tt.status, tt.detail)
			}
			if tt.fix == "" && l.Fix != "" && l.Status != CheckUnknown {
				t.Errorf("%s: unexpected fix %q", tt.item, l.Fix)
			}
			if !strings.Contains(l.Fix, tt.fix) {
				t.Errorf("%s: fix %q, want it to contain %q", tt.item, l.Fix, tt.fix)
			}
			// A missing line blocks; warnings, notes and unknowns never do
			// (skipped lines follow from another line that does).
			if l.Status != CheckSkipped && (l.Status == CheckMissing) == r.Ready() {
				t.Errorf("Ready() = %v with line %s", r.Ready(), l.Status)
			}
			if l.Status == CheckMissing && !strings.Contains(r.Text(), "fix: "+l.Fix) {
				t.Errorf("text does not carry the fix:\n%s", r.Text())
			}
		})
	}
}

func TestVersionAtLeast(t *testing.T) {
	for _, tt := range []struct {
		have, want string
		ok         bool
	}{{"1.50.2", "1.50.2", true}, {"1.50.10", "1.50.2", true}, {"1.9.0", "1.50.2", false}, {"2", "1.50.2", true},
		{"1.2.650.0", "1.2.536.0", true}, {"1.2.497.0", "1.2.536.0", false}, {"v1.4.0", "1.4.0", true}} {
		if got := versionAtLeast(tt.have, tt.want); got != tt.ok {
			t.Errorf("versionAtLeast(%q, %q) = %v", tt.have, tt.want, got)
		}
	}
}
