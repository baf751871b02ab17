package sim

import (
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// loadBalancer is an internet-facing application load balancer with one
// HTTP:80 listener forwarding to its target groups.
type loadBalancer struct {
	name, arn, vpcID string
	created          time.Time
	tags             map[string]string
	tgs              []*targetGroup
}

// loadBalancerNamed returns the balancer of that name, creating it: ELB
// names are unique per account and region.
func (w *World) loadBalancerNamed(name string) *loadBalancer {
	if lb, ok := w.lbs[name]; ok {
		return lb
	}
	lb := &loadBalancer{
		name:    name,
		arn:     fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/%s/%s", w.region, w.account, name, w.hex(16)),
		vpcID:   "vpc-0" + w.hex(16),
		created: w.now,
	}
	if w.lbs == nil {
		w.lbs = map[string]*loadBalancer{}
	}
	w.lbs[name] = lb
	w.lbOrder = append(w.lbOrder, name)
	return lb
}

// hash is a stable number derived from the balancer's ARN, for the ids AWS
// puts in DNS names and listener ARNs (drawing them from the world's random
// identifiers would shift every identifier made after).
func (lb *loadBalancer) hash() uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(lb.arn))
	return h.Sum64()
}

func (lb *loadBalancer) listenerARN() string {
	return strings.Replace(lb.arn, ":loadbalancer/", ":listener/", 1) + fmt.Sprintf("/%016x", lb.hash())
}

func (w *World) lbModel(lb *loadBalancer) simapi.LoadBalancer {
	return simapi.LoadBalancer{
		ARN: lb.arn, Name: lb.name, DNSName: lb.name + "-" + strconv.FormatUint(lb.hash()%1e10, 10) + "." + w.region + ".elb.amazonaws.com",
		Scheme: "internet-facing", Type: "application", State: "active", VPCID: lb.vpcID,
		AvailabilityZones: []string{w.region + "a", w.region + "b", w.region + "c"}, CreatedAt: lb.created,
	}
}

func errLBNotFound() error {
	return simapi.Errorf("LoadBalancerNotFound", "One or more load balancers not found")
}

func (w *World) lbByARN(arn string) (*loadBalancer, bool) {
	for _, lb := range w.lbs {
		if lb.arn == arn {
			return lb, true
		}
	}
	return nil, false
}

// DescribeLoadBalancers describes balancers by ARN or name (none: all, in
// creation order).
func (w *World) DescribeLoadBalancers(arns, names []string) ([]simapi.LoadBalancer, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []simapi.LoadBalancer
	switch {
	case len(arns) > 0:
		for _, a := range arns {
			lb, ok := w.lbByARN(a)
			if !ok {
				return nil, errLBNotFound()
			}
			out = append(out, w.lbModel(lb))
		}
	case len(names) > 0:
		for _, n := range names {
			lb, ok := w.lbs[n]
			if !ok {
				return nil, errLBNotFound()
			}
			out = append(out, w.lbModel(lb))
		}
	default:
		for _, n := range w.lbOrder {
			out = append(out, w.lbModel(w.lbs[n]))
		}
	}
	return out, nil
}

// DescribeListeners describes a balancer's listeners, or listeners by ARN.
func (w *World) DescribeListeners(lbARN string, arns []string) ([]simapi.Listener, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	listener := func(lb *loadBalancer) simapi.Listener {
		l := simapi.Listener{ARN: lb.listenerARN(), LoadBalancerARN: lb.arn, Protocol: "HTTP", Port: 80}
		for _, tg := range lb.tgs {
			l.TargetGroupARNs = append(l.TargetGroupARNs, tg.ARN)
		}
		return l
	}
	var out []simapi.Listener
	if lbARN != "" {
		lb, ok := w.lbByARN(lbARN)
		if !ok {
			return nil, errLBNotFound()
		}
		return []simapi.Listener{listener(lb)}, nil
	}
	for _, a := range arns {
		found := false
		for _, n := range w.lbOrder {
			if lb := w.lbs[n]; lb.listenerARN() == a {
				out = append(out, listener(lb))
				found = true
			}
		}
		if !found {
			return nil, simapi.Errorf("ListenerNotFound", "One or more listeners not found")
		}
	}
	return out, nil
}

// DescribeTags returns the tags of load balancers and target groups by ARN.
func (w *World) DescribeTags(arns []string) ([]simapi.TagDescription, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []simapi.TagDescription
	for _, a := range arns {
		var tags map[string]string
		if tg, ok := w.tgs[a]; ok {
			tags = tg.tags
		} else if lb, ok := w.lbByARN(a); ok {
			tags = lb.tags
		} else if strings.Contains(a, ":targetgroup/") {
			return nil, tgNotFound()
		} else {
			return nil, errLBNotFound()
		}
		d := simapi.TagDescription{ARN: a, Tags: []model.KeyValue{}}
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			d.Tags = append(d.Tags, model.KeyValue{Name: k, Value: tags[k]})
		}
		out = append(out, d)
	}
	return out, nil
}

// DescribeTargetGroupAttributes returns a target group's attributes, the
// deregistration delay the simulator applies among them.
func (w *World) DescribeTargetGroupAttributes(arn string) ([]model.KeyValue, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	tg, ok := w.tgs[arn]
	if !ok {
		return nil, tgNotFound()
	}
	return []model.KeyValue{
		{Name: "deregistration_delay.timeout_seconds", Value: strconv.Itoa(int(tg.deregDelay / time.Second))},
		{Name: "stickiness.enabled", Value: "false"},
		{Name: "stickiness.type", Value: "lb_cookie"},
		{Name: "stickiness.lb_cookie.duration_seconds", Value: "86400"},
		{Name: "slow_start.duration_seconds", Value: "0"},
		{Name: "load_balancing.algorithm.type", Value: "round_robin"},
		{Name: "load_balancing.cross_zone.enabled", Value: "use_load_balancer_configuration"},
	}, nil
}
