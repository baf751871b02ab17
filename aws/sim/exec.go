package sim

import (
	"encoding/base64"
	"strings"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// ECS Exec and SSM sessions. The world hands out sessions the way ECS and SSM
// do (a session id, a stream URL and a token) and refuses them exactly when
// ECS would: exec not enabled when the task started, or the container's
// ExecuteCommandAgent not RUNNING. Nothing listens on the stream URLs: a real
// session-manager-plugin given one fails to connect, which is what it would
// do against an account it cannot reach.

// Error codes and messages of ECS Exec and SSM.
const (
	codeTargetNotConnected = "TargetNotConnectedException"
	codeSSMTargetNotConn   = "TargetNotConnected"
	codeInvalidDocument    = "InvalidDocument"
	codeInvalidParameters  = "InvalidParameters"

	// ECS's answer when exec was not enabled when the task was run or the
	// agent is not running (its apostrophe is a typographic one).
	msgExecNotEnabled = "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again."
	msgExecNoRole     = "The service couldn't be updated because a valid taskRoleArn is not being used. Specify a valid task role in your task definition and try again."
)

// checkExecRole refuses to enable exec for a task definition without a task
// role, as UpdateService does.
func checkExecRole(enable *bool, td *taskDef) error {
	if enable != nil && *enable && td.TaskRoleARN == "" {
		return simapi.Errorf(simapi.CodeInvalidParameter, "%s", msgExecNoRole)
	}
	return nil
}

// execAgents is the managed agents ECS reports for one container: none when
// exec is off, else the ExecuteCommandAgent following the container's own
// status unless it was stopped (StopExecAgent).
func execAgents(t *task, k *container) []model.ManagedAgent {
	if !t.exec {
		return nil
	}
	a := model.ManagedAgent{Name: model.ExecuteCommandAgent, LastStatus: model.AgentPending}
	switch {
	case k.agentStopped != "":
		a.LastStatus, a.Reason, a.LastStartedAt = model.AgentStopped, k.agentStopped, t.startedAt
	case k.status == model.StatusRunning:
		a.LastStatus, a.LastStartedAt = model.AgentRunning, t.startedAt
	case k.status == model.StatusStopped:
		a.LastStatus, a.LastStartedAt = model.AgentStopped, t.startedAt
	}
	return []model.ManagedAgent{a}
}

// StopExecAgent makes a container's ExecuteCommandAgent STOPPED with a reason,
// as when the SSM agent cannot start in it.
func (w *World) StopExecAgent(cluster, taskID, containerName, reason string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, t, k, err := w.execTarget(cluster, taskID, containerName)
	if err != nil {
		return err
	}
	if !t.exec {
		return simapi.Errorf(simapi.CodeInvalidParameter, "exec is not enabled on task %s", t.id)
	}
	k.agentStopped = reason
	return nil
}

// SetExecConfiguration sets a cluster's executeCommandConfiguration.
func (w *World) SetExecConfiguration(cluster string, cfg model.ExecConfiguration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return err
	}
	c.execConfig = cfg
	return nil
}

// ExecConfiguration returns a cluster's executeCommandConfiguration (the zero
// value when it has none).
func (w *World) ExecConfiguration(cluster string) (model.ExecConfiguration, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.cluster(cluster)
	if err != nil {
		return model.ExecConfiguration{}, err
	}
	return c.execConfig, nil
}

// execTarget finds a task and one of its containers (the only one when name
// is empty).
func (w *World) execTarget(cluster, taskID, name string) (*cluster, *task, *container, error) {
	c, err := w.cluster(cluster)
	if err != nil {
		return nil, nil, nil, err
	}
	id := model.ResourceID(taskID)
	if !strings.HasPrefix(taskID, "arn:") && len(id) != 32 && len(id) != 36 {
		return nil, nil, nil, simapi.Errorf(simapi.CodeInvalidParameter, "task length should be one of [32,36]")
	}
	t, ok := c.tasks[id]
	if !ok {
		return nil, nil, nil, simapi.Errorf(simapi.CodeInvalidParameter, "The specified task was not found.")
	}
	if name == "" {
		if len(t.containers) != 1 {
			return nil, nil, nil, simapi.Errorf(simapi.CodeInvalidParameter,
				"The specified task has more than one container: specify the container name.")
		}
		return c, t, t.containers[0], nil
	}
	for _, k := range t.containers {
		if k.name == name {
			return c, t, k, nil
		}
	}
	return nil, nil, nil, simapi.Errorf(simapi.CodeInvalidParameter, "The specified container was not found in the task.")
}

// ExecuteCommand opens an interactive exec session in a container.
func (w *World) ExecuteCommand(in model.ExecInput) (model.ExecSession, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if strings.TrimSpace(in.Command) == "" {
		return model.ExecSession{}, simapi.Errorf(simapi.CodeInvalidParameter, "Command cannot be empty.")
	}
	c, t, k, err := w.execTarget(in.Cluster, in.Task, in.Container)
	if err != nil {
		return model.ExecSession{}, err
	}
	if a := execAgents(t, k); t.lastStatus != model.StatusRunning || len(a) == 0 || a[0].LastStatus != model.AgentRunning {
		return model.ExecSession{}, simapi.Errorf(simapi.CodeInvalidParameter, "%s", msgExecNotEnabled)
	}
	if (t.inst != nil && !t.inst.agentConnected) || !w.agentCanConnect(t) {
		return model.ExecSession{}, simapi.Errorf(codeTargetNotConnected, "The execute command failed due to an internal error. Try again later.")
	}
	return model.ExecSession{
		ClusterARN: c.arn, TaskARN: t.arn, ContainerARN: k.arn, ContainerName: k.name,
		Session: w.newSession("ecs-execute-command"),
	}, nil
}

// StartSession opens an SSM session to a container target
// (ecs:CLUSTER_TASKID_RUNTIMEID) with a port forwarding document.
func (w *World) StartSession(in model.StartSessionInput) (model.SSMSession, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	rest, ok := strings.CutPrefix(in.Target, "ecs:")
	parts := strings.Split(rest, "_")
	if !ok || len(parts) != 3 {
		return model.SSMSession{}, simapi.Errorf(codeSSMTargetNotConn, "%s is not connected.", in.Target)
	}
	switch in.DocumentName {
	case model.DocPortForwarding:
	case model.DocPortForwardingRemoteHost:
		if len(in.Parameters["host"]) != 1 || in.Parameters["host"][0] == "" {
			return model.SSMSession{}, simapi.Errorf(codeInvalidParameters, "Parameter \"host\" is required.")
		}
	case "":
		// A shell session on an ECS target goes through ECS ExecuteCommand.
		return model.SSMSession{}, simapi.Errorf(codeInvalidDocument, "Document type SSM-SessionManagerRunShell is not supported for target type ECS.")
	default:
		return model.SSMSession{}, simapi.Errorf(codeInvalidDocument, "Document with name %s does not exist.", in.DocumentName)
	}
	for _, p := range []string{"portNumber", "localPortNumber"} {
		v := in.Parameters[p]
		if len(v) > 1 || len(v) == 1 && !validPort(v[0]) || p == "portNumber" && len(v) == 0 {
			return model.SSMSession{}, simapi.Errorf(codeInvalidParameters, "Parameter \"%s\" must be a port number between 1 and 65535.", p)
		}
	}
	c, err := w.cluster(parts[0])
	if err != nil {
		return model.SSMSession{}, simapi.Errorf(codeSSMTargetNotConn, "%s is not connected.", in.Target)
	}
	t, ok := c.tasks[parts[1]]
	var k *container
	if ok {
		for _, x := range t.containers {
			if x.runtimeID == parts[2] {
				k = x
			}
		}
	}
	if k == nil || t.lastStatus != model.StatusRunning {
		return model.SSMSession{}, simapi.Errorf(codeSSMTargetNotConn, "%s is not connected.", in.Target)
	}
	if a := execAgents(t, k); len(a) == 0 || a[0].LastStatus != model.AgentRunning || (t.inst != nil && !t.inst.agentConnected) || !w.agentCanConnect(t) {
		return model.SSMSession{}, simapi.Errorf(codeSSMTargetNotConn, "%s is not connected.", in.Target)
	}
	return w.newSession("ecstui-demo"), nil
}

// ssmMessages are what the task role must allow for the agent to connect.
var ssmMessages = []string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
	"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}

// agentCanConnect: in a world that models IAM (AddRole), the agent reaches
// SSM only when the task role allows the ssmmessages actions, as in AWS,
// where a missing permission surfaces as TargetNotConnectedException.
func (w *World) agentCanConnect(t *task) bool {
	if w.roles == nil {
		return true
	}
	return w.roleAllows(t.td.TaskRoleARN, ssmMessages...)
}

func validPort(s string) bool {
	n, ok := parseInt(s)
	return ok && n >= 1 && n <= 65535
}

// newSession makes a session id, stream URL and token in SSM's formats.
func (w *World) newSession(prefix string) model.SSMSession {
	id := prefix + "-0" + w.hex(16)
	cell := base64.RawStdEncoding.EncodeToString([]byte("cell-" + w.hex(8)))
	token := base64.StdEncoding.EncodeToString([]byte(w.hex(48)))
	return model.SSMSession{
		SessionID:  id,
		StreamURL:  "wss://ssmmessages." + w.region + ".amazonaws.com/v1/data-channel/" + id + "?role=publish_subscribe&cell-number=" + cell,
		TokenValue: token,
	}
}
