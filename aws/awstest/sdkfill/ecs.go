package sdkfill

import (
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ECSUnions are the unions an ECS task definition can hold.
var ECSUnions = map[reflect.Type][]any{
	reflect.TypeFor[ecstypes.SharingStrategy](): {(*ecstypes.SharingStrategyMemberNvidiaMps)(nil)},
}

// ECSTaskDefinition is a RegisterTaskDefinition request for family with
// every field the SDK knows filled, adjusted only where ECS constrains a
// value, so that ECS would accept it and an EC2 cluster can run it: task
// size "512" CPU units and "1 GB", bridge networking with dynamic host ports,
// EC2 (and EXTERNAL) compatibility, a placement constraint every Linux
// instance meets. Other values are generated and mean nothing to a
// container, which a simulator does not mind.
func ECSTaskDefinition(family string) (*ecs.RegisterTaskDefinitionInput, error) {
	in := &ecs.RegisterTaskDefinitionInput{}
	if err := (&Filler{Unions: ECSUnions}).Fill(in); err != nil {
		return nil, err
	}
	in.Family = &family
	cpu, mem := "512", "1 GB"
	in.Cpu, in.Memory = &cpu, &mem
	in.NetworkMode = ecstypes.NetworkModeBridge
	in.RequiresCompatibilities = []ecstypes.Compatibility{ecstypes.CompatibilityEc2, ecstypes.CompatibilityExternal}
	for i := range in.PlacementConstraints {
		expr := "attribute:ecs.os-type == linux"
		in.PlacementConstraints[i].Expression = &expr
	}
	for i := range in.ContainerDefinitions {
		for j := range in.ContainerDefinitions[i].PortMappings {
			zero := int32(0)
			in.ContainerDefinitions[i].PortMappings[j].HostPort = &zero
		}
	}
	return in, nil
}
