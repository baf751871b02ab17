package sim

import (
	"fmt"
	"slices"

	"github.com/ecstui/ecstui/model"
)

// A service's awsvpc configuration. The world has one subnet per
// availability zone (subnetOf); a service's tasks get their network
// interfaces in the subnets its networkConfiguration names: on EC2 only on
// instances in those subnets' zones, on Fargate round robin over them.
// Security groups are kept and returned, not enforced: the world has no
// packets to filter.

// awsvpcConfig is a service's awsvpcConfiguration.
type awsvpcConfig struct {
	subnets, securityGroups []string
	publicIP                bool
}

func (n *awsvpcConfig) model() model.AwsvpcConfiguration {
	return model.AwsvpcConfiguration{Subnets: slices.Clone(n.subnets), SecurityGroups: slices.Clone(n.securityGroups), AssignPublicIP: n.publicIP}
}

func sameNetwork(a, b *awsvpcConfig) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.Equal(a.subnets, b.subnets) && slices.Equal(a.securityGroups, b.securityGroups) && a.publicIP == b.publicIP
}

// zones are the world's availability zones: its region's first three and
// any other an Auto Scaling group launches in.
func (w *World) zones() []string {
	out := []string{w.region + "a", w.region + "b", w.region + "c"}
	for _, name := range w.asgOrder {
		for _, az := range w.asgs[name].azs {
			if !slices.Contains(out, az) {
				out = append(out, az)
			}
		}
	}
	return out
}

// subnetZone is the zone of one of the world's subnets.
func (w *World) subnetZone(id string) (string, bool) {
	for _, az := range w.zones() {
		if w.subnetOf(az) == id {
			return az, true
		}
	}
	return "", false
}

// Subnets are the world's subnets (one per availability zone), with their zone.
func (w *World) Subnets() []model.Subnet {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []model.Subnet
	for i, az := range w.zones() {
		out = append(out, model.Subnet{ID: w.subnetOf(az), AvailabilityZone: az, VPCID: w.vpcID(),
			CIDRBlock: fmt.Sprintf("10.0.%d.0/20", 64+i*16)})
	}
	return out
}

// vpcID names the world's one VPC, derived from the account like its
// subnets so that it shifts no other identifier.
func (w *World) vpcID() string {
	h := uint64(0)
	for _, r := range w.account + "vpc" {
		h = h*31 + uint64(r)
	}
	return fmt.Sprintf("vpc-0%016x", h*0x9e3779b97f4a7c15>>1)
}

// defaultNetwork is what a service built by a scenario without a
// networkConfiguration gets: every zone's subnet.
func (w *World) defaultNetwork() *awsvpcConfig {
	var subnets []string
	for _, az := range []string{"a", "b", "c"} {
		subnets = append(subnets, w.subnetOf(w.region+az))
	}
	return &awsvpcConfig{subnets: subnets}
}

// networkFor checks a networkConfiguration against the task definition and
// launch type as ECS does, and returns the configuration the service keeps
// (nil outside the awsvpc mode). required says ECS's rule applies that an
// awsvpc service names its subnets; a scenario's service may leave them to
// the world.
func (w *World) networkFor(in *model.AwsvpcConfiguration, td *taskDef, fargate, required bool) (*awsvpcConfig, error) {
	awsvpc := td.NetworkMode == "awsvpc"
	switch {
	case in != nil && !awsvpc:
		return nil, errInvalid("Network Configuration is not valid for the given networkMode of this task definition.")
	case !awsvpc:
		return nil, nil
	case in == nil && required:
		return nil, errInvalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
	case in == nil:
		return w.defaultNetwork(), nil
	case len(in.Subnets) == 0:
		return nil, errInvalid("subnets can not be empty.")
	case in.AssignPublicIP && !fargate:
		return nil, errInvalid("Assign public IP is not supported for this launch type.")
	}
	for _, s := range in.Subnets {
		if _, ok := w.subnetZone(s); !ok {
			return nil, errInvalid("Error retrieving subnet information for [%s]: The subnet ID '%s' does not exist (ErrorCode: InvalidSubnetID.NotFound)", s, s)
		}
	}
	for _, g := range in.SecurityGroups {
		if len(g) < 4 || g[:3] != "sg-" {
			return nil, errInvalid("Error retrieving security group information for [%s]: The security group '%s' does not exist (ErrorCode: InvalidGroup.NotFound)", g, g)
		}
	}
	return &awsvpcConfig{subnets: slices.Clone(in.Subnets), securityGroups: slices.Clone(in.SecurityGroups), publicIP: in.AssignPublicIP}, nil
}

// inZone reports whether the service's subnets reach an availability zone:
// an awsvpc task on EC2 gets its interface in its instance's zone.
func (n *awsvpcConfig) inZone(w *World, az string) bool {
	for _, s := range n.subnets {
		if z, _ := w.subnetZone(s); z == az {
			return true
		}
	}
	return false
}

// eniZone is where a Fargate task of the service gets its interface: the
// service's subnets in turn.
func (w *World) eniZone(t *task) (string, bool) {
	if t.svc == nil || t.svc.net == nil || len(t.svc.net.subnets) == 0 {
		return "", false
	}
	return w.subnetZone(t.svc.net.subnets[w.eniSeq%len(t.svc.net.subnets)])
}
