package aws

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// RegisterTaskDefinitionWithImages registers a new revision that is the raw
// revision base (ARN or family:revision) as ECS describes it, with only the
// images of the named containers replaced. It copies the SDK's own structs
// rather than model.TaskDefinition, so settings ecstui does not model
// (secrets, dependsOn, docker labels, linux parameters, EFS volumes, …) reach
// the new revision unchanged: a deploy must never strip them silently.
func (c *Client) RegisterTaskDefinitionWithImages(ctx context.Context, base string, images map[string]string) (model.TaskDefinition, error) {
	// Refuse before the describe: a read-only client sends nothing for a change.
	if c.ReadOnly() {
		if err := readOnlyRefusal("ECS", "RegisterTaskDefinition"); err != nil {
			return model.TaskDefinition{}, err
		}
	}
	desc, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: sdkaws.String(base),
		Include:        []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags},
	})
	if err != nil {
		return model.TaskDefinition{}, wrapErr(err)
	}
	if desc.TaskDefinition == nil {
		return model.TaskDefinition{}, &Error{Kind: KindNotFound, Service: "ecs", Op: "DescribeTaskDefinition", Message: base}
	}
	in, err := registerInputFrom(*desc.TaskDefinition, desc.Tags, images)
	if err != nil {
		return model.TaskDefinition{}, err
	}
	out, err := c.ecs.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return model.TaskDefinition{}, wrapErr(err)
	}
	if out.TaskDefinition == nil {
		return model.TaskDefinition{}, &Error{Service: "ecs", Op: "RegisterTaskDefinition", Message: "empty response"}
	}
	res := fromTaskDefinition(*out.TaskDefinition)
	c.cacheTaskDefinition(res)
	return res, nil
}

// registerInputFrom builds the request that re-registers td with images
// swapped in. Every field RegisterTaskDefinitionInput shares with
// types.TaskDefinition is copied (a reflection test keeps it so across SDK
// upgrades); what ECS sets itself (ARN, revision, status, compatibilities,
// requiresAttributes, registration and deregistration stamps) is not input.
func registerInputFrom(td ecstypes.TaskDefinition, tags []ecstypes.Tag, images map[string]string) (*ecs.RegisterTaskDefinitionInput, error) {
	containers := slices.Clone(td.ContainerDefinitions)
	var missing []string
	for _, name := range slices.Sorted(maps.Keys(images)) {
		i := slices.IndexFunc(containers, func(c ecstypes.ContainerDefinition) bool { return str(c.Name) == name })
		switch {
		case i < 0:
			missing = append(missing, fmt.Sprintf("%q", name))
		case images[name] == "":
			return nil, &Error{Kind: KindValidation, Service: "ecs", Op: "RegisterTaskDefinition",
				Message: fmt.Sprintf("no image given for container %q", name)}
		default:
			containers[i].Image = sdkaws.String(images[name])
		}
	}
	if len(missing) > 0 {
		names := make([]string, len(td.ContainerDefinitions))
		for i, c := range td.ContainerDefinitions {
			names[i] = str(c.Name)
		}
		return nil, &Error{Kind: KindValidation, Service: "ecs", Op: "RegisterTaskDefinition",
			Message: fmt.Sprintf("task definition %s:%d has no container %s (containers: %s)",
				str(td.Family), td.Revision, strings.Join(missing, ", "), strings.Join(names, ", "))}
	}
	return &ecs.RegisterTaskDefinitionInput{
		ContainerDefinitions:    containers,
		Family:                  td.Family,
		Cpu:                     td.Cpu,
		EnableFaultInjection:    td.EnableFaultInjection,
		EphemeralStorage:        td.EphemeralStorage,
		ExecutionRoleArn:        td.ExecutionRoleArn,
		InferenceAccelerators:   td.InferenceAccelerators,
		IpcMode:                 td.IpcMode,
		Memory:                  td.Memory,
		NetworkMode:             td.NetworkMode,
		PidMode:                 td.PidMode,
		PlacementConstraints:    td.PlacementConstraints,
		ProxyConfiguration:      td.ProxyConfiguration,
		RequiresCompatibilities: td.RequiresCompatibilities,
		RuntimePlatform:         td.RuntimePlatform,
		Tags:                    userTags(tags),
		TaskRoleArn:             td.TaskRoleArn,
		Volumes:                 td.Volumes,
	}, nil
}

// userTags drops the aws: tags AWS itself attaches (CloudFormation's, for
// one): ECS refuses them in a register request.
func userTags(tags []ecstypes.Tag) []ecstypes.Tag {
	var out []ecstypes.Tag
	for _, t := range tags {
		if !strings.HasPrefix(strings.ToLower(str(t.Key)), "aws:") {
			out = append(out, t)
		}
	}
	return out
}
