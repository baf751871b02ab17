package ops

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// The readiness check of ECS Exec and port forwarding: everything a session
// into a container needs, each as a line that is ok, missing (with the one
// command or setting that fixes it), a warning, a note of what a setting
// requires, or unknown when ecstui could not read it (access denied is not a
// failure). CheckReadiness is a pure function of the gathered ExecFacts.

// CheckStatus is the verdict of one line.
type CheckStatus string

const (
	CheckOK      CheckStatus = "ok"
	CheckMissing CheckStatus = "missing" // a session cannot work until fixed
	CheckWarn    CheckStatus = "warn"    // works, but worth knowing
	CheckNote    CheckStatus = "note"    // what a setting requires of the roles
	CheckUnknown CheckStatus = "unknown" // could not be read
	CheckSkipped CheckStatus = "skipped" // follows from a line above
)

// CheckLine is one line of the readiness check.
type CheckLine struct {
	Item   string      `json:"item"`
	Status CheckStatus `json:"status"`
	Detail string      `json:"detail"`
	Fix    string      `json:"fix,omitempty"`
}

// FixLabel is how the fix is introduced: a note says what a setting needs.
func (l CheckLine) FixLabel() string {
	if l.Status == CheckNote {
		return "needs: "
	}
	return "fix: "
}

// Readiness is the whole check.
type Readiness struct {
	Cluster   string      `json:"cluster"`
	Task      string      `json:"task"`
	Container string      `json:"container"`
	Lines     []CheckLine `json:"lines"`
}

// Ready reports whether no line is missing.
func (r Readiness) Ready() bool { return len(r.Missing()) == 0 }

// Missing lists the lines that stop a session.
func (r Readiness) Missing() []CheckLine {
	var out []CheckLine
	for _, l := range r.Lines {
		if l.Status == CheckMissing {
			out = append(out, l)
		}
	}
	return out
}

// Text renders the check for a terminal: one line per item, the fix indented
// under it.
func (r Readiness) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ECS Exec readiness: %s / %s / %s\n", model.ResourceID(r.Cluster), model.ResourceID(r.Task), r.Container)
	w := 0
	for _, l := range r.Lines {
		w = max(w, len(l.Item))
	}
	for _, l := range r.Lines {
		fmt.Fprintf(&b, "  %-7s %-*s  %s\n", l.Status, w, l.Item, l.Detail)
		if l.Fix != "" {
			fmt.Fprintf(&b, "  %-7s %-*s  %s%s\n", "", w, "", l.FixLabel(), l.Fix)
		}
	}
	if r.Ready() {
		b.WriteString("Ready.\n")
	} else {
		fmt.Fprintf(&b, "Not ready: %s missing.\n", plural(len(r.Missing()), "item", "items"))
	}
	return b.String()
}

// PluginInfo is what was found of the session-manager-plugin.
type PluginInfo struct {
	Path    string
	Version string
	Err     error // not found, or found but not runnable
}

// ExecFacts is everything the check reads. Each optional fact carries the
// error that kept it unread; an access-denied error makes its lines unknown.
type ExecFacts struct {
	Cluster   string
	Region    string
	Task      model.Task
	Container string // the chosen container's name

	Plugin PluginInfo

	Service    *model.Service // the task's service; nil for a standalone task
	ServiceErr error

	TaskDefinition    *model.TaskDefinition
	TaskDefinitionErr error

	Instance    *model.ContainerInstance // nil on Fargate
	InstanceErr error

	ExecConfig    *model.ExecConfiguration
	ExecConfigErr error

	// RolePermissions maps each ssmmessages action to whether the task role
	// is allowed it; nil when it was not read (RoleErr says why).
	RolePermissions map[string]bool
	RoleErr         error
}

// Versions that support ECS Exec.
const (
	MinExecAgentVersion   = "1.50.2" // ECS container agent on EC2
	MinFargateLinuxPV     = "1.4.0"
	MinFargateWindowsPV   = "1.0.0"
	pluginInstallGuideURL = "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"
)

// SSMMessagesActions are what the task role needs for the agent to open the
// session channels.
var SSMMessagesActions = []string{
	"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
	"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
}

// CheckReadiness computes the readiness lines from facts.
func CheckReadiness(f ExecFacts) Readiness {
	r := Readiness{Cluster: f.Cluster, Task: f.Task.ARN, Container: f.Container}
	add := func(l CheckLine) { r.Lines = append(r.Lines, l) }
	add(checkPlugin(f.Plugin))
	add(checkTaskRunning(f))
	svcExec := checkServiceExec(f)
	if svcExec != nil {
		add(*svcExec)
	}
	add(checkTaskExec(f))
	add(checkAgent(f))
	add(checkTaskRole(f))
	add(checkRolePermissions(f))
	add(checkPlatformVersion(f))
	add(checkPlatform(f))
	if l := checkInstanceConnected(f); l != nil {
		add(*l)
	}
	for _, l := range checkExecConfig(f) {
		add(l)
	}
	if l := checkReadonlyRoot(f); l != nil {
		add(*l)
	}
	if l := checkContainerCredentials(f); l != nil {
		add(*l)
	}
	return r
}

func unknownLine(item string, err error) CheckLine {
	l := CheckLine{Item: item, Status: CheckUnknown, Detail: "could not be read"}
	if err != nil {
		l.Detail = "could not be read: " + err.Error()
		if a := awsapi.KindOf(err); a == awsapi.KindAccessDenied {
			l.Detail = "not allowed to read it (" + err.Error() + ")"
		}
	}
	return l
}

func checkPlugin(p PluginInfo) CheckLine {
	l := CheckLine{Item: "session-manager-plugin"}
	if p.Err != nil || p.Path == "" {
		l.Status = CheckMissing
		l.Detail = "not found on PATH"
		if p.Err != nil && p.Path != "" {
			l.Detail = "found at " + p.Path + " but it does not run: " + p.Err.Error()
		}
		l.Fix = "install the Session Manager plugin (macOS: brew install --cask session-manager-plugin; Linux and Windows: " +
			pluginInstallGuideURL + "), then check: session-manager-plugin --version"
		return l
	}
	l.Status, l.Detail = CheckOK, p.Path
	if p.Version != "" {
		l.Detail += " (version " + p.Version + ")"
	}
	return l
}

func checkTaskRunning(f ExecFacts) CheckLine {
	t := f.Task
	l := CheckLine{Item: "task status", Detail: t.LastStatus}
	switch {
	case t.LastStatus == model.StatusRunning && t.DesiredStatus != model.StatusStopped:
		l.Status = CheckOK
	case t.LastStatus == model.StatusRunning:
		l.Status, l.Detail = CheckWarn, "RUNNING, stopping"
		l.Fix = "the task is being stopped: pick another task of the service"
	case t.LastStatus == model.StatusStopped || t.DesiredStatus == model.StatusStopped:
		l.Status = CheckMissing
		if t.StoppedReason != "" {
			l.Detail += " (" + t.StoppedReason + ")"
		}
		l.Fix = "a session needs a RUNNING task: pick a running task"
	default:
		l.Status = CheckMissing
		l.Fix = "wait until the task is RUNNING"
	}
	return l
}

func enableExecCommand(f ExecFacts, svc string) string {
	return awsCmd("ecs", "update-service", "--cluster", model.ResourceID(f.Cluster), "--service", svc,
		"--enable-execute-command", "--force-new-deployment")
}

func checkServiceExec(f ExecFacts) *CheckLine {
	name := f.Task.ServiceName()
	if name == "" {
		return nil
	}
	l := CheckLine{Item: "exec enabled on service " + name}
	switch {
	case f.Service == nil:
		l = unknownLine(l.Item, f.ServiceErr)
	case f.Service.EnableExecuteCommand:
		l.Status, l.Detail = CheckOK, "enableExecuteCommand: true"
	default:
		l.Status, l.Detail = CheckMissing, "enableExecuteCommand: false"
		l.Fix = enableExecCommand(f, name)
		if f.TaskDefinition != nil && f.TaskDefinition.TaskRoleARN == "" {
			l.Fix += " (after giving the task definition a task role, see below)"
		}
	}
	return &l
}

func checkTaskExec(f ExecFacts) CheckLine {
	l := CheckLine{Item: "exec enabled on the task"}
	if f.Task.EnableExecuteCommand {
		l.Status, l.Detail = CheckOK, "enableExecuteCommand: true"
		return l
	}
	l.Status, l.Detail = CheckMissing, "the task was started without exec"
	switch name := f.Task.ServiceName(); {
	case name != "" && f.Service != nil && f.Service.EnableExecuteCommand:
		l.Detail = "the task started before exec was enabled on its service"
		l.Fix = "replace the service's tasks: " + awsCmd("ecs", "update-service", "--cluster", model.ResourceID(f.Cluster), "--service", name, "--force-new-deployment")
	case name != "":
		l.Fix = "enable exec on the service (above); its new tasks get it"
	default:
		l.Fix = "run the task again with exec: " + awsCmd("ecs", "run-task", "--cluster", model.ResourceID(f.Cluster),
			"--task-definition", model.ResourceID(f.Task.TaskDefinitionARN), "--enable-execute-command")
	}
	return l
}

func checkAgent(f ExecFacts) CheckLine {
	l := CheckLine{Item: "ExecuteCommandAgent in " + f.Container}
	var c *model.Container
	for i := range f.Task.Containers {
		if f.Task.Containers[i].Name == f.Container {
			c = &f.Task.Containers[i]
		}
	}
	if c == nil {
		l.Status, l.Detail = CheckMissing, "the task has no container named "+strconv.Quote(f.Container)
		l.Fix = "choose one of: " + strings.Join(taskContainerNames(f.Task), ", ")
		return l
	}
	a, ok := c.ExecAgent()
	switch {
	case !f.Task.EnableExecuteCommand:
		l.Status, l.Detail = CheckSkipped, "not started: exec is off for this task"
	case !ok:
		l.Status, l.Detail = CheckMissing, "ECS started no ExecuteCommandAgent in this container"
		l.Fix = "replace the task; if it persists, update the ECS agent on the instance (exec needs " + MinExecAgentVersion + " or later)"
	case a.LastStatus == model.AgentRunning:
		l.Status, l.Detail = CheckOK, "RUNNING"
	case a.LastStatus == model.AgentPending:
		l.Status, l.Detail = CheckMissing, "PENDING: the agent is starting"
		l.Fix = "wait a few seconds and try again"
	default:
		l.Status, l.Detail = CheckMissing, a.LastStatus
		if a.Reason != "" {
			l.Detail += ": " + a.Reason
		}
		l.Fix = "check the task role's ssmmessages permissions and the task's route to ssmmessages." + regionOr(f.Region) +
			".amazonaws.com (internet or a VPC endpoint), then replace the task: " +
			awsCmd("ecs", "stop-task", "--cluster", model.ResourceID(f.Cluster), "--task", f.Task.ID)
	}
	return l
}

func regionOr(r string) string {
	if r == "" {
		return "REGION"
	}
	return r
}

func taskContainerNames(t model.Task) []string {
	var out []string
	for _, c := range t.Containers {
		out = append(out, c.Name)
	}
	return out
}

func checkTaskRole(f ExecFacts) CheckLine {
	l := CheckLine{Item: "task role"}
	if f.TaskDefinition == nil {
		return unknownLine(l.Item, f.TaskDefinitionErr)
	}
	if f.TaskDefinition.TaskRoleARN == "" {
		l.Status, l.Detail = CheckMissing, model.ResourceID(f.TaskDefinition.ARN)+" has no task role"
		l.Fix = "register a revision with a taskRoleArn whose role allows " + strings.Join(SSMMessagesActions, ", ") +
			", and deploy it (ECS refuses to enable exec without a task role)"
		return l
	}
	if roleMissing(f.RoleErr) {
		l.Status, l.Detail = CheckMissing, f.TaskDefinition.TaskRoleARN+" does not exist"
		l.Fix = "create the role (trusted by ecs-tasks.amazonaws.com) or register a revision naming an existing one, and deploy it"
		return l
	}
	l.Status, l.Detail = CheckOK, f.TaskDefinition.TaskRoleARN
	return l
}

// roleMissing reports IAM's answer for a role that does not exist.
func roleMissing(err error) bool {
	var ae *awsapi.Error
	return errors.As(err, &ae) && ae.Code == "NoSuchEntity"
}

func checkRolePermissions(f ExecFacts) CheckLine {
	l := CheckLine{Item: "task role allows ssmmessages"}
	switch {
	case f.TaskDefinition != nil && f.TaskDefinition.TaskRoleARN == "":
		l.Status, l.Detail = CheckSkipped, "no task role"
		return l
	case roleMissing(f.RoleErr):
		l.Status, l.Detail = CheckSkipped, "the role does not exist"
		return l
	case f.RolePermissions == nil && f.RoleErr == nil:
		l.Status, l.Detail = CheckUnknown, "not checked: ecstui does not read IAM policies"
		return l
	case f.RolePermissions == nil:
		l = unknownLine(l.Item, f.RoleErr)
		if awsapi.KindOf(f.RoleErr) == awsapi.KindAccessDenied {
			l.Fix = "to check it, allow yourself iam:SimulatePrincipalPolicy on the task role"
		}
		return l
	}
	var denied []string
	for _, a := range SSMMessagesActions {
		if !f.RolePermissions[a] {
			denied = append(denied, a)
		}
	}
	if len(denied) == 0 {
		l.Status, l.Detail = CheckOK, "all four ssmmessages actions"
		return l
	}
	role := "the task role"
	if f.TaskDefinition != nil {
		role = f.TaskDefinition.TaskRoleARN
	}
	l.Status, l.Detail = CheckMissing, "denied: "+strings.Join(denied, ", ")
	l.Fix = "add to " + role + ` a policy allowing {"Effect":"Allow","Action":["` + strings.Join(SSMMessagesActions, `","`) + `"],"Resource":"*"}`
	return l
}

// versionAtLeast compares dotted numeric versions ("1.50.2" ≤ "1.89.2").
func versionAtLeast(have, want string) bool {
	h, w := strings.Split(strings.TrimPrefix(have, "v"), "."), strings.Split(want, ".")
	for i := range max(len(h), len(w)) {
		var a, b int
		if i < len(h) {
			a, _ = strconv.Atoi(h[i])
		}
		if i < len(w) {
			b, _ = strconv.Atoi(w[i])
		}
		if a != b {
			return a > b
		}
	}
	return true
}

func checkPlatformVersion(f ExecFacts) CheckLine {
	if f.Task.LaunchType == "FARGATE" {
		l := CheckLine{Item: "Fargate platform version", Detail: f.Task.PlatformVersion}
		want := MinFargateLinuxPV
		if strings.Contains(strings.ToLower(f.Task.PlatformFamily), "windows") {
			want = MinFargateWindowsPV
		}
		switch pv := f.Task.PlatformVersion; {
		case pv == "" || pv == "LATEST":
			l.Status, l.Detail = CheckUnknown, "not reported"
		case versionAtLeast(pv, want):
			l.Status = CheckOK
		default:
			l.Status = CheckMissing
			l.Detail += " (exec needs " + want + " or later)"
			l.Fix = "deploy on platform version " + want + " or LATEST: " + awsCmd("ecs", "update-service", "--cluster", model.ResourceID(f.Cluster),
				"--service", orPlaceholder(f.Task.ServiceName(), "SERVICE"), "--platform-version", "LATEST", "--force-new-deployment")
		}
		return l
	}
	l := CheckLine{Item: "ECS agent version"}
	if f.Instance == nil {
		return unknownLine(l.Item, f.InstanceErr)
	}
	v := f.Instance.AgentVersion
	l.Detail = v + " on " + orPlaceholder(f.Instance.EC2InstanceID, f.Instance.ID)
	switch {
	case v == "":
		l.Status, l.Detail = CheckUnknown, "not reported by "+orPlaceholder(f.Instance.EC2InstanceID, f.Instance.ID)
	case versionAtLeast(v, MinExecAgentVersion):
		l.Status = CheckOK
	default:
		l.Status = CheckMissing
		l.Detail += " (exec needs " + MinExecAgentVersion + " or later)"
		l.Fix = "replace the instance with one on a current ECS-optimized AMI: ecstui drain --cluster " + model.ResourceID(f.Cluster) +
			" --instance " + orPlaceholder(f.Instance.EC2InstanceID, f.Instance.ID)
	}
	return l
}

func orPlaceholder(s, p string) string {
	if s == "" {
		return p
	}
	return s
}

func checkPlatform(f ExecFacts) CheckLine {
	l := CheckLine{Item: "platform"}
	os := strings.ToLower(f.Task.PlatformFamily)
	if os == "" && f.Instance != nil {
		os = strings.ToLower(f.Instance.Attributes["ecs.os-type"])
	}
	switch {
	case os == "" && f.Instance == nil && f.Task.LaunchType != "FARGATE":
		return unknownLine(l.Item, f.InstanceErr)
	case os == "":
		l.Status, l.Detail = CheckUnknown, "not reported"
	case strings.Contains(os, "linux"):
		l.Status, l.Detail = CheckOK, "Linux"
	case strings.Contains(os, "windows"):
		l.Status, l.Detail = CheckWarn, "Windows"
		l.Fix = "Windows containers have no /bin/sh: set execCommand: powershell.exe for this context"
	default:
		l.Status, l.Detail = CheckWarn, os
	}
	return l
}

func checkInstanceConnected(f ExecFacts) *CheckLine {
	if f.Instance == nil || f.Instance.AgentConnected {
		return nil
	}
	id := orPlaceholder(f.Instance.EC2InstanceID, f.Instance.ID)
	return &CheckLine{Item: "ECS agent connected", Status: CheckMissing, Detail: "the agent on " + id + " is disconnected",
		Fix: "restart the ECS agent on " + id + " (sudo systemctl restart ecs), or replace it: ecstui drain --cluster " +
			model.ResourceID(f.Cluster) + " --instance " + id}
}

func checkExecConfig(f ExecFacts) []CheckLine {
	const item = "cluster exec configuration"
	if f.ExecConfig == nil {
		return []CheckLine{unknownLine(item, f.ExecConfigErr)}
	}
	c := *f.ExecConfig
	if c == (model.ExecConfiguration{}) {
		return []CheckLine{{Item: item, Status: CheckOK, Detail: "none: sessions are not encrypted with your own key, output logged by the default (the task's awslogs)"}}
	}
	var out []CheckLine
	logging := c.Logging
	if logging == "" {
		logging = "DEFAULT"
	}
	out = append(out, CheckLine{Item: item, Status: CheckOK, Detail: "logging " + logging})
	if c.KMSKeyID != "" {
		out = append(out, CheckLine{Item: "KMS key", Status: CheckNote, Detail: c.KMSKeyID,
			Fix: "you need kms:GenerateDataKey and the task role kms:Decrypt on this key"})
	}
	if logging == "OVERRIDE" && c.CloudWatchLogGroup != "" {
		l := CheckLine{Item: "session log group", Status: CheckNote, Detail: c.CloudWatchLogGroup,
			Fix: "the task role needs logs:DescribeLogGroups, and logs:CreateLogStream, logs:DescribeLogStreams, logs:PutLogEvents on this group"}
		if c.CloudWatchEncryption {
			l.Detail += " (encrypted: the group must have a KMS key)"
		}
		out = append(out, l)
	}
	if logging == "OVERRIDE" && c.S3Bucket != "" {
		res := "arn:aws:s3:::" + c.S3Bucket + "/" + c.S3KeyPrefix + "*"
		l := CheckLine{Item: "session log bucket", Status: CheckNote, Detail: c.S3Bucket + "/" + c.S3KeyPrefix,
			Fix: "the task role needs s3:PutObject on " + res}
		if c.S3Encryption {
			l.Fix += " and s3:GetEncryptionConfiguration on arn:aws:s3:::" + c.S3Bucket
		}
		out = append(out, l)
	}
	return out
}

// checkReadonlyRoot reports a container whose root filesystem is read-only:
// ECS Exec copies the SSM agent's binaries and state into the container, so
// the agent cannot start there and sessions fail however the rest is set.
// A writable root is the usual case and adds no line.
func checkReadonlyRoot(f ExecFacts) *CheckLine {
	if f.TaskDefinition == nil {
		return nil
	}
	def, ok := f.TaskDefinition.Container(f.Container)
	if !ok || !def.ReadonlyRootFilesystem {
		return nil
	}
	rev := model.ResourceID(f.TaskDefinition.ARN)
	family := orPlaceholder(f.TaskDefinition.Family, strings.Split(rev, ":")[0])
	fix := "set readonlyRootFilesystem to false for container " + f.Container + " in task definition " + family +
		", register the new revision and deploy it"
	if svc := f.Task.ServiceName(); svc != "" {
		fix += ": " + awsCmd("ecs", "update-service", "--cluster", model.ResourceID(f.Cluster), "--service", svc, "--task-definition", family)
	}
	return &CheckLine{Item: "root filesystem of " + f.Container, Status: CheckMissing,
		Detail: "readonlyRootFilesystem: true in " + rev + ": the SSM agent cannot write into the container", Fix: fix}
}

// credentialVariables in a container's environment make the SSM agent use
// those keys instead of the task role.
var credentialVariables = []string{"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}

func checkContainerCredentials(f ExecFacts) *CheckLine {
	if f.TaskDefinition == nil {
		return nil
	}
	def, ok := f.TaskDefinition.Container(f.Container)
	if !ok {
		return nil
	}
	var found []string
	for _, kv := range def.Environment {
		if slices.Contains(credentialVariables, kv.Name) {
			found = append(found, kv.Name)
		}
	}
	if len(found) == 0 {
		return nil
	}
	return &CheckLine{Item: "credentials in the environment", Status: CheckWarn, Detail: strings.Join(found, ", ") + " set in " + f.Container,
		Fix: "the SSM agent uses these keys instead of the task role: they need the ssmmessages permissions, or remove them"}
}
