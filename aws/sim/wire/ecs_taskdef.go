package wire

import (
	"encoding/json"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/schemas"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// Task definitions are the one ECS shape the simulator keeps whole: they
// are decoded into and encoded from the SDK's own types (sdkjson.go), so a
// revision comes back exactly as it was registered.

const maxDeleteTaskDefinitions = 10

func ecsDescribeTaskDefinition(s *Server, body []byte) (any, error) {
	var in struct {
		TaskDefinition string   `json:"taskDefinition"`
		Include        []string `json:"include"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.TaskDefinition == "" {
		return nil, invalid("Task Definition can not be blank.")
	}
	td, tags, err := s.b.DescribeTaskDefinitionFull(in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	out := &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &td}
	if slices.Contains(in.Include, "TAGS") {
		out.Tags = nonNil(tags)
	}
	return encodeSDK(schemas.DescribeTaskDefinition, schemas.DescribeTaskDefinitionResponse, out)
}

func ecsRegisterTaskDefinition(s *Server, body []byte) (any, error) {
	in, err := decodeRegisterTaskDefinition(body)
	if err != nil {
		return nil, err
	}
	if in.Family == nil || *in.Family == "" {
		return nil, invalid("Family must be specified.")
	}
	if len(in.ContainerDefinitions) == 0 {
		return nil, invalid("Container.name should not be null or empty.")
	}
	td, tags, err := s.b.RegisterTaskDefinitionFull(in)
	if err != nil {
		return nil, err
	}
	out := &ecs.RegisterTaskDefinitionOutput{TaskDefinition: &td, Tags: tags}
	return encodeSDK(schemas.RegisterTaskDefinition, schemas.RegisterTaskDefinitionResponse, out)
}

// decodeRegisterTaskDefinition reads a RegisterTaskDefinition request. The
// SDK has no decoder for request shapes, but every member of the request
// except tags is a member of the TaskDefinition it describes, so the body is
// decoded as the taskDefinition of a DescribeTaskDefinition answer.
func decodeRegisterTaskDefinition(body []byte) (*ecs.RegisterTaskDefinitionInput, error) {
	if err := checkMembers(schemas.RegisterTaskDefinitionRequest, body, ""); err != nil {
		return nil, err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		return nil, serializationError(err)
	}
	wrapped := map[string]json.RawMessage{"tags": members["tags"]}
	delete(members, "tags")
	wrapped["taskDefinition"], _ = json.Marshal(members)
	doc, _ := json.Marshal(wrapped)
	var out ecs.DescribeTaskDefinitionOutput
	if err := decodeSDK(schemas.DescribeTaskDefinition, schemas.DescribeTaskDefinitionResponse, doc, &out); err != nil {
		return nil, err
	}
	in := &ecs.RegisterTaskDefinitionInput{}
	if out.TaskDefinition != nil {
		if missing := copyFields(in, *out.TaskDefinition); len(missing) > 1 || (len(missing) == 1 && missing[0] != "Tags") {
			return nil, invalid("The simulator cannot keep RegisterTaskDefinition members %v.", missing)
		}
	}
	in.Tags = out.Tags
	return in, nil
}

func ecsDeregisterTaskDefinition(s *Server, body []byte) (any, error) {
	var in struct {
		TaskDefinition string `json:"taskDefinition"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.TaskDefinition == "" {
		return nil, invalid("Task Definition can not be blank.")
	}
	td, err := s.b.DeregisterTaskDefinition(in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	return encodeSDK(schemas.DeregisterTaskDefinition, schemas.DeregisterTaskDefinitionResponse,
		&ecs.DeregisterTaskDefinitionOutput{TaskDefinition: &td})
}

func ecsDeleteTaskDefinitions(s *Server, body []byte) (any, error) {
	var in struct {
		TaskDefinitions []string `json:"taskDefinitions"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.TaskDefinitions) == 0 || len(in.TaskDefinitions) > maxDeleteTaskDefinitions {
		return nil, invalid("taskDefinitions must contain between 1 and %d items.", maxDeleteTaskDefinitions)
	}
	tds, fs, err := s.b.DeleteTaskDefinitions(in.TaskDefinitions)
	if err != nil {
		return nil, err
	}
	return encodeSDK(schemas.DeleteTaskDefinitions, schemas.DeleteTaskDefinitionsResponse,
		&ecs.DeleteTaskDefinitionsOutput{TaskDefinitions: nonNil(tds), Failures: sdkFailures(fs)})
}

func sdkFailures(fs []model.Failure) []ecstypes.Failure {
	out := make([]ecstypes.Failure, 0, len(fs))
	for _, f := range fs {
		out = append(out, ecstypes.Failure{Arn: optStr(f.ARN), Reason: optStr(f.Reason), Detail: optStr(f.Detail)})
	}
	return out
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
