package sim

import (
	"fmt"
	"slices"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// awsvpc networking and Fargate. A task whose task definition uses the
// awsvpc network mode gets its own elastic network interface with a private
// IP in the VPC (on EC2 in its instance's AZ; on Fargate in the subnets of
// the service, round robin); its containers publish no host ports, and a
// target group of target type ip registers ENI-IP:containerPort. A Fargate
// service (launch type FARGATE, or a FARGATE / FARGATE_SPOT capacity
// provider strategy) places its tasks on no container instance: they take
// no instance resources and report a platform version.

// DefaultPlatformVersion is what LATEST resolves to for Linux Fargate tasks.
const DefaultPlatformVersion = "1.4.0"

// eni is a task's elastic network interface.
type eni struct {
	id, attachment, ip, mac, subnet, az string
}

// serviceLaunchType is the launch type a service's tasks use.
func serviceLaunchType(s *service) string {
	if isFargate(s) {
		return "FARGATE"
	}
	return "EC2"
}

// servicePlatform is the Fargate platform version of a service ("" on EC2).
func servicePlatform(s *service) string {
	if !isFargate(s) {
		return ""
	}
	if s.platformVersion == "" || s.platformVersion == "LATEST" {
		return DefaultPlatformVersion
	}
	return s.platformVersion
}

// isFargate reports whether a service's tasks run on Fargate.
func isFargate(s *service) bool {
	if s == nil {
		return false
	}
	if s.launchType == "FARGATE" {
		return true
	}
	return fargateProvider(s.cpStrategy) != ""
}

// fargateProvider is the Fargate capacity provider a strategy names first ("" for none).
func fargateProvider(strategy []model.CapacityProviderStrategyItem) string {
	for _, it := range strategy {
		if it.CapacityProvider == "FARGATE" || it.CapacityProvider == "FARGATE_SPOT" {
			return it.CapacityProvider
		}
	}
	return ""
}

// subnetOf names the world's subnet in an availability zone.
func (w *World) subnetOf(az string) string {
	if w.subnets == nil {
		w.subnets = map[string]string{}
	}
	if s, ok := w.subnets[az]; ok {
		return s
	}
	// Derived from the zone rather than drawn from the identifier stream,
	// so that adding awsvpc tasks to a world shifts no other identifier.
	h := 0
	for _, r := range w.account + az {
		h = h*31 + int(r)
	}
	s := fmt.Sprintf("subnet-0%016x", uint64(h)*0x9e3779b97f4a7c15>>1)
	w.subnets[az] = s
	return s
}

// attachENI gives an awsvpc task its network interface: on EC2 in its
// instance's zone, on Fargate in the next of the world's zones.
func (w *World) attachENI(t *task) {
	if t.td.NetworkMode != "awsvpc" {
		return
	}
	az := ""
	if t.inst != nil {
		az = t.inst.ec2.az
	} else if z, ok := w.eniZone(t); ok {
		az = z
	} else {
		zones := []string{w.region + "a", w.region + "b", w.region + "c"}
		az = zones[w.eniSeq%len(zones)]
	}
	n := w.eniSeq
	w.eniSeq++
	zone := int(az[len(az)-1]-'a') % 4
	t.eni = &eni{
		id:         fmt.Sprintf("eni-0%016x", uint64(n+1)*0x9e3779b97f4a7c15>>1),
		attachment: fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", n+1, zone, n%4096, n%4096, uint64(n+1)*2654435761),
		ip:         fmt.Sprintf("10.0.%d.%d", 64+zone*16+(n/250)%16, 4+n%250),
		mac:        fmt.Sprintf("0a:%02x:%02x:%02x:%02x:%02x", zone, (n>>24)&0xff, (n>>16)&0xff, (n>>8)&0xff, n&0xff),
		subnet:     w.subnetOf(az),
		az:         az,
	}
}

// taskAZ is where a task runs: its instance's zone, else its ENI's.
func taskAZ(t *task) string {
	switch {
	case t.inst != nil:
		return t.inst.ec2.az
	case t.eni != nil:
		return t.eni.az
	}
	return ""
}

// launchTypeOf is the launch type a task reports.
func launchTypeOf(t *task) string {
	if t.inst == nil && t.eni != nil {
		return "FARGATE"
	}
	return "EC2"
}

// registerIPTarget registers an awsvpc task's container port in an ip target group.
func (w *World) registerIPTarget(tg *targetGroup, t *task, port int) *target {
	return w.registerTarget(tg, t.eni.ip, port, t.eni.az, t)
}

// checkNetworking refuses a service whose launch type, network mode and
// target types do not fit together, with ECS's messages.
func (w *World) checkNetworking(s ServiceSpec, td *taskDef) error {
	fargate := s.LaunchType == "FARGATE" || fargateProvider(s.CapacityProviderStrategy) != ""
	if s.LaunchType != "" && s.LaunchType != "EC2" && s.LaunchType != "FARGATE" {
		return errInvalid("launchType must be EC2 or FARGATE.")
	}
	if fargate {
		if td.NetworkMode != "awsvpc" {
			return errInvalid("Task definition does not support launch_type FARGATE: Fargate requires the awsvpc network mode.")
		}
		if td.CPU == "" || td.Memory == "" {
			return errInvalid("Fargate requires task definition to have execution role ARN to support log driver awslogs, and task level cpu and memory.")
		}
		if s.SchedulingStrategy == "DAEMON" {
			return errInvalid("The daemon scheduling strategy is not supported with the Fargate launch type.")
		}
	}
	for _, lb := range s.LoadBalancers {
		tg := w.tgs[lb.TargetGroupARN]
		if tg == nil {
			continue
		}
		switch {
		case tg.TargetType == "ip" && td.NetworkMode != "awsvpc":
			return errInvalid("The provided target group %s has target type ip, which is incompatible with the %s network mode specified in the task definition.",
				tg.ARN, td.NetworkMode)
		case tg.TargetType != "ip" && td.NetworkMode == "awsvpc":
			return errInvalid("The provided target group %s has target type instance, which is incompatible with the awsvpc network mode specified in the task definition.", tg.ARN)
		}
	}
	if slices.ContainsFunc(s.CapacityProviderStrategy, func(it model.CapacityProviderStrategyItem) bool {
		return it.CapacityProvider == "FARGATE" || it.CapacityProvider == "FARGATE_SPOT"
	}) && s.LaunchType != "" {
		return errInvalid("Specifying both a launch type and capacity provider strategy is not supported.")
	}
	return nil
}

func errInvalid(format string, args ...any) error {
	return simapi.Errorf(simapi.CodeInvalidParameter, format, args...)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
