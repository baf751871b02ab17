package aws

import (
	"context"
	"fmt"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// ExecuteCommand opens an interactive ECS Exec session in a container. The
// session is handed to the session-manager-plugin, which does the talking.
func (c *Client) ExecuteCommand(ctx context.Context, in model.ExecInput) (model.ExecSession, error) {
	out, err := c.ecs.ExecuteCommand(ctx, &ecs.ExecuteCommandInput{
		Cluster:     optStr(in.Cluster),
		Task:        sdkaws.String(in.Task),
		Container:   optStr(in.Container),
		Command:     sdkaws.String(in.Command),
		Interactive: true,
	})
	if err != nil {
		return model.ExecSession{}, wrapErr(err)
	}
	if out.Session == nil || out.Session.SessionId == nil {
		return model.ExecSession{}, &Error{Service: "ecs", Op: "ExecuteCommand", Message: "the response carried no session"}
	}
	return model.ExecSession{
		ClusterARN:    str(out.ClusterArn),
		TaskARN:       str(out.TaskArn),
		ContainerARN:  str(out.ContainerArn),
		ContainerName: str(out.ContainerName),
		Session: model.SSMSession{
			SessionID: str(out.Session.SessionId), StreamURL: str(out.Session.StreamUrl), TokenValue: str(out.Session.TokenValue),
		},
	}, nil
}

// StartSession opens an SSM session (port forwarding to or through a container).
func (c *Client) StartSession(ctx context.Context, in model.StartSessionInput) (model.SSMSession, error) {
	req := &ssm.StartSessionInput{Target: sdkaws.String(in.Target), DocumentName: optStr(in.DocumentName), Reason: optStr(in.Reason)}
	if len(in.Parameters) > 0 {
		req.Parameters = in.Parameters
	}
	out, err := c.ssm.StartSession(ctx, req)
	if err != nil {
		return model.SSMSession{}, wrapErr(err)
	}
	if out.SessionId == nil {
		return model.SSMSession{}, &Error{Service: "ssm", Op: "StartSession", Message: "the response carried no session"}
	}
	return model.SSMSession{SessionID: str(out.SessionId), StreamURL: str(out.StreamUrl), TokenValue: str(out.TokenValue)}, nil
}

// ExecConfiguration reads a cluster's executeCommandConfiguration (KMS key
// and session logging). A cluster without one returns the zero value.
func (c *Client) ExecConfiguration(ctx context.Context, cluster string) (model.ExecConfiguration, error) {
	out, err := c.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{
		Clusters: []string{cluster}, Include: []ecstypes.ClusterField{ecstypes.ClusterFieldConfigurations},
	})
	if err != nil {
		return model.ExecConfiguration{}, wrapErr(err)
	}
	if len(out.Clusters) == 0 {
		msg := "cluster " + cluster + " not found"
		if len(out.Failures) > 0 {
			msg = ecsFailures(out.Failures)[0].String()
		}
		return model.ExecConfiguration{}, &Error{Kind: KindNotFound, Service: "ecs", Op: "DescribeClusters", Message: msg}
	}
	cfg := out.Clusters[0].Configuration
	if cfg == nil || cfg.ExecuteCommandConfiguration == nil {
		return model.ExecConfiguration{}, nil
	}
	ec := cfg.ExecuteCommandConfiguration
	res := model.ExecConfiguration{KMSKeyID: str(ec.KmsKeyId), Logging: string(ec.Logging)}
	if res.Logging == "" {
		res.Logging = "DEFAULT" // ECS's default when the parameter is left out
	}
	if lc := ec.LogConfiguration; lc != nil {
		res.CloudWatchLogGroup = str(lc.CloudWatchLogGroupName)
		res.CloudWatchEncryption = lc.CloudWatchEncryptionEnabled
		res.S3Bucket = str(lc.S3BucketName)
		res.S3KeyPrefix = str(lc.S3KeyPrefix)
		res.S3Encryption = lc.S3EncryptionEnabled
	}
	return res, nil
}

// PluginTarget is what the session-manager-plugin needs besides a session.
type PluginTarget = awsapi.PluginTarget

// PluginTarget resolves the plugin's region, profile and SSM endpoint the way
// this client reaches SSM (a custom endpoint, AWS_ENDPOINT_URL_SSM, or AWS's
// regional endpoint).
func (c *Client) PluginTarget(ctx context.Context) (PluginTarget, error) {
	t := PluginTarget{Region: c.region, Profile: c.cfg.Profile}
	if ep := c.ssm.Options().BaseEndpoint; ep != nil && *ep != "" {
		t.SSMEndpoint = *ep
		return t, nil
	}
	ep, err := ssm.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, ssm.EndpointParameters{Region: sdkaws.String(c.region)})
	if err != nil {
		return t, &Error{Kind: KindValidation, Service: "ssm", Op: "ResolveEndpoint", Message: fmt.Sprintf("no SSM endpoint for region %s: %v", c.region, err)}
	}
	t.SSMEndpoint = ep.URI.String()
	return t, nil
}
