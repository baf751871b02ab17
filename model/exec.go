package model

import "time"

// ExecuteCommandAgent is the managed agent (the SSM agent ECS starts beside a
// container) that ECS Exec and port forwarding go through.
const ExecuteCommandAgent = "ExecuteCommandAgent"

// Managed agent statuses.
const (
	AgentPending = "PENDING"
	AgentRunning = "RUNNING"
	AgentStopped = "STOPPED"
)

// ManagedAgent is one managed agent of a container as DescribeTasks reports it.
type ManagedAgent struct {
	Name          string // ExecuteCommandAgent
	LastStatus    string // PENDING, RUNNING, STOPPED
	Reason        string
	LastStartedAt time.Time
}

// ExecAgent returns the container's ExecuteCommandAgent, if ECS started one.
func (c Container) ExecAgent() (ManagedAgent, bool) {
	for _, a := range c.ManagedAgents {
		if a.Name == ExecuteCommandAgent {
			return a, true
		}
	}
	return ManagedAgent{}, false
}

// ExecConfiguration is a cluster's executeCommandConfiguration: the KMS key
// that encrypts exec sessions and where their output is logged.
type ExecConfiguration struct {
	KMSKeyID string
	// Logging is NONE, DEFAULT (the task definition's awslogs) or OVERRIDE
	// (the log settings below); empty when the cluster has no exec
	// configuration.
	Logging              string
	CloudWatchLogGroup   string
	CloudWatchEncryption bool
	S3Bucket             string
	S3KeyPrefix          string
	S3Encryption         bool
}

// ExecInput is an ECS ExecuteCommand request. ECS only accepts interactive
// sessions.
type ExecInput struct {
	Cluster   string
	Task      string // ARN or id
	Container string // name; required when the task has more than one container
	Command   string
}

// SSMSession is what ExecuteCommand and SSM StartSession return: the
// session-manager-plugin connects with it.
type SSMSession struct {
	SessionID  string
	StreamURL  string
	TokenValue string
}

// ExecSession is ExecuteCommand's answer.
type ExecSession struct {
	ClusterARN    string
	TaskARN       string
	ContainerARN  string
	ContainerName string
	Session       SSMSession
}

// StartSessionInput is an SSM StartSession request.
type StartSessionInput struct {
	Target       string // ecs:CLUSTER_TASKID_RUNTIMEID for a container
	DocumentName string // AWS-StartPortForwardingSession…; empty: a shell
	Parameters   map[string][]string
	Reason       string
}

// Port forwarding documents of SSM.
const (
	DocPortForwarding           = "AWS-StartPortForwardingSession"
	DocPortForwardingRemoteHost = "AWS-StartPortForwardingSessionToRemoteHost"
)

// SSMTarget is the SSM target id of a container: ecs:CLUSTER_TASKID_RUNTIMEID,
// with the cluster's name, not its ARN.
func SSMTarget(cluster, taskID, runtimeID string) string {
	return "ecs:" + ResourceID(cluster) + "_" + ResourceID(taskID) + "_" + runtimeID
}
