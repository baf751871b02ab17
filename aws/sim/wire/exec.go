package wire

import (
	"encoding/json"
	"net/http"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// ECS Exec (ecs:ExecuteCommand) and SSM sessions (ssm:StartSession), the
// calls that open a shell or a port forward into a container. SSM speaks
// awsJson1_1 under its own target prefix.

const ssmTargetPrefix = "AmazonSSM."

type jsSession struct {
	SessionID  string `json:"sessionId"`
	StreamURL  string `json:"streamUrl"`
	TokenValue string `json:"tokenValue"`
}

func ecsExecuteCommand(s *Server, body []byte) (any, error) {
	var in struct {
		Cluster     string `json:"cluster"`
		Task        string `json:"task"`
		Container   string `json:"container"`
		Command     string `json:"command"`
		Interactive bool   `json:"interactive"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Task == "" {
		return nil, invalid("Task cannot be empty.")
	}
	if !in.Interactive {
		return nil, invalid("Interactive is the only mode supported currently.")
	}
	out, err := s.b.ExecuteCommand(model.ExecInput{Cluster: in.Cluster, Task: in.Task, Container: in.Container, Command: in.Command})
	if err != nil {
		return nil, err
	}
	return struct {
		ClusterArn    string    `json:"clusterArn"`
		ContainerArn  string    `json:"containerArn"`
		ContainerName string    `json:"containerName"`
		Interactive   bool      `json:"interactive"`
		Session       jsSession `json:"session"`
		TaskArn       string    `json:"taskArn"`
	}{out.ClusterARN, out.ContainerARN, out.ContainerName, true,
		jsSession{out.Session.SessionID, out.Session.StreamURL, out.Session.TokenValue}, out.TaskARN}, nil
}

// jsClusterConfiguration is DescribeClusters' configuration (include
// CONFIGURATIONS); only the exec part is simulated.
type jsClusterConfiguration struct {
	ExecuteCommandConfiguration *jsExecConfiguration `json:"executeCommandConfiguration,omitempty"`
}

type jsExecConfiguration struct {
	KmsKeyID         string               `json:"kmsKeyId,omitempty"`
	Logging          string               `json:"logging,omitempty"`
	LogConfiguration *jsExecLogConfigured `json:"logConfiguration,omitempty"`
}

type jsExecLogConfigured struct {
	CloudWatchLogGroupName      string `json:"cloudWatchLogGroupName,omitempty"`
	CloudWatchEncryptionEnabled bool   `json:"cloudWatchEncryptionEnabled"`
	S3BucketName                string `json:"s3BucketName,omitempty"`
	S3EncryptionEnabled         bool   `json:"s3EncryptionEnabled"`
	S3KeyPrefix                 string `json:"s3KeyPrefix,omitempty"`
}

// clusterConfiguration is a cluster's configuration, nil when it has none.
func (s *Server) clusterConfiguration(clusterARN string) *jsClusterConfiguration {
	c, err := s.b.ExecConfiguration(clusterARN)
	if err != nil || c == (model.ExecConfiguration{}) {
		return nil
	}
	ec := &jsExecConfiguration{KmsKeyID: c.KMSKeyID, Logging: c.Logging}
	if c.CloudWatchLogGroup != "" || c.S3Bucket != "" {
		ec.LogConfiguration = &jsExecLogConfigured{
			CloudWatchLogGroupName: c.CloudWatchLogGroup, CloudWatchEncryptionEnabled: c.CloudWatchEncryption,
			S3BucketName: c.S3Bucket, S3EncryptionEnabled: c.S3Encryption, S3KeyPrefix: c.S3KeyPrefix,
		}
	}
	return &jsClusterConfiguration{ExecuteCommandConfiguration: ec}
}

var ssmOps = map[string]jsonOp{
	"StartSession": {bucket: "ssm:session", resource: ssmTargetOfBody, handle: ssmStartSession},
}

// ssmTargetOfBody names the target for AccessDenied messages, as an ECS task ARN.
func ssmTargetOfBody(s *Server, body []byte) string {
	var v struct {
		Target string `json:"Target"`
	}
	_ = json.Unmarshal(body, &v)
	return v.Target
}

func ssmStartSession(s *Server, _ http.ResponseWriter, _ *http.Request, body []byte) (any, error) {
	var in struct {
		Target       string              `json:"Target"`
		DocumentName string              `json:"DocumentName"`
		Parameters   map[string][]string `json:"Parameters"`
		Reason       string              `json:"Reason"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Target == "" {
		return nil, &simapi.APIError{Code: "ValidationException", Message: "1 validation error detected: Value null at 'target' failed to satisfy constraint: Member must not be null"}
	}
	out, err := s.b.StartSession(model.StartSessionInput{Target: in.Target, DocumentName: in.DocumentName, Parameters: in.Parameters, Reason: in.Reason})
	if err != nil {
		return nil, err
	}
	return struct {
		SessionID  string `json:"SessionId"`
		StreamURL  string `json:"StreamUrl"`
		TokenValue string `json:"TokenValue"`
	}{out.SessionID, out.StreamURL, out.TokenValue}, nil
}
