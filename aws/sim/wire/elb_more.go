package wire

import (
	"encoding/xml"
	"strings"
)

// ELBv2 load balancers, listeners, tags and target group attributes.

type xmlZone struct {
	ZoneName string `xml:"ZoneName"`
	SubnetID string `xml:"SubnetId"`
}

type xmlLoadBalancer struct {
	LoadBalancerArn       string                `xml:"LoadBalancerArn"`
	DNSName               string                `xml:"DNSName"`
	CanonicalHostedZoneID string                `xml:"CanonicalHostedZoneId"`
	CreatedTime           string                `xml:"CreatedTime"`
	LoadBalancerName      string                `xml:"LoadBalancerName"`
	Scheme                string                `xml:"Scheme"`
	VpcID                 string                `xml:"VpcId"`
	State                 struct{ Code string } `xml:"State"`
	Type                  string                `xml:"Type"`
	AvailabilityZones     []xmlZone             `xml:"AvailabilityZones>member"`
	SecurityGroups        []string              `xml:"SecurityGroups>member"`
	IPAddressType         string                `xml:"IpAddressType"`
}

// elbResponse wraps an ELBv2 result (which names its own element) in its
// response element.
func elbResponse(s *Server, op string, result any) any {
	return struct {
		XMLName xml.Name
		Xmlns   string `xml:"xmlns,attr"`
		Result  any
		Meta    meta `xml:"ResponseMetadata"`
	}{XMLName: xml.Name{Local: op + "Response"}, Xmlns: nsELBv2, Result: result, Meta: s.meta()}
}

func elbDescribeLoadBalancers(s *Server, f form) (any, error) {
	arns, names := f.list("LoadBalancerArns.member"), f.list("Names.member")
	if len(arns) > 0 && len(names) > 0 {
		return nil, validation("Load balancer ARNs and names cannot be specified at the same time")
	}
	n, err := f.intParam("PageSize", 400, 400, protoQuery)
	if err != nil {
		return nil, err
	}
	lbs, err := s.b.DescribeLoadBalancers(arns, names)
	if err != nil {
		return nil, err
	}
	page, next, ok := pageOf(lbs, n, f.get("Marker"), fingerprint("DescribeLoadBalancers", fingerprint(arns...), fingerprint(names...)))
	if !ok {
		return nil, invalidToken()
	}
	type result struct {
		XMLName       xml.Name          `xml:"DescribeLoadBalancersResult"`
		LoadBalancers []xmlLoadBalancer `xml:"LoadBalancers>member"`
		NextMarker    string            `xml:"NextMarker,omitempty"`
	}
	r := result{NextMarker: next}
	for _, lb := range page {
		x := xmlLoadBalancer{LoadBalancerArn: lb.ARN, DNSName: lb.DNSName, CanonicalHostedZoneID: "Z35SXDOTRQ7X7K",
			CreatedTime: isoTime(lb.CreatedAt), LoadBalancerName: lb.Name, Scheme: lb.Scheme, VpcID: lb.VPCID, Type: lb.Type,
			SecurityGroups: []string{"sg-0" + strings.TrimPrefix(lb.VPCID, "vpc-0")}, IPAddressType: "ipv4"}
		x.State.Code = lb.State
		for i, az := range lb.AvailabilityZones {
			x.AvailabilityZones = append(x.AvailabilityZones, xmlZone{ZoneName: az,
				SubnetID: "subnet-0" + strings.TrimPrefix(lb.VPCID, "vpc-0")[:15] + string(rune('a'+i))})
		}
		r.LoadBalancers = append(r.LoadBalancers, x)
	}
	return elbResponse(s, "DescribeLoadBalancers", r), nil
}

type xmlTargetGroupTuple struct {
	TargetGroupArn string `xml:"TargetGroupArn"`
	Weight         int    `xml:"Weight"`
}

type xmlAction struct {
	Type           string `xml:"Type"`
	TargetGroupArn string `xml:"TargetGroupArn,omitempty"`
	Order          int    `xml:"Order"`
	ForwardConfig  struct {
		TargetGroups []xmlTargetGroupTuple `xml:"TargetGroups>member"`
	} `xml:"ForwardConfig"`
}

type xmlListener struct {
	ListenerArn     string      `xml:"ListenerArn"`
	LoadBalancerArn string      `xml:"LoadBalancerArn"`
	Port            int         `xml:"Port"`
	Protocol        string      `xml:"Protocol"`
	DefaultActions  []xmlAction `xml:"DefaultActions>member"`
}

func elbDescribeListeners(s *Server, f form) (any, error) {
	lb, arns := f.get("LoadBalancerArn"), f.list("ListenerArns.member")
	if (lb == "") == (len(arns) == 0) {
		return nil, validation("Give either a load balancer ARN or listener ARNs")
	}
	n, err := f.intParam("PageSize", 400, 400, protoQuery)
	if err != nil {
		return nil, err
	}
	ls, err := s.b.DescribeListeners(lb, arns)
	if err != nil {
		return nil, err
	}
	page, next, ok := pageOf(ls, n, f.get("Marker"), fingerprint("DescribeListeners", lb, fingerprint(arns...)))
	if !ok {
		return nil, invalidToken()
	}
	type result struct {
		XMLName    xml.Name      `xml:"DescribeListenersResult"`
		Listeners  []xmlListener `xml:"Listeners>member"`
		NextMarker string        `xml:"NextMarker,omitempty"`
	}
	r := result{NextMarker: next}
	for _, l := range page {
		a := xmlAction{Type: "forward", Order: 1}
		if len(l.TargetGroupARNs) == 1 {
			a.TargetGroupArn = l.TargetGroupARNs[0]
		}
		for _, tg := range l.TargetGroupARNs {
			a.ForwardConfig.TargetGroups = append(a.ForwardConfig.TargetGroups, xmlTargetGroupTuple{TargetGroupArn: tg, Weight: 1})
		}
		r.Listeners = append(r.Listeners, xmlListener{ListenerArn: l.ARN, LoadBalancerArn: l.LoadBalancerARN, Port: l.Port,
			Protocol: l.Protocol, DefaultActions: []xmlAction{a}})
	}
	return elbResponse(s, "DescribeListeners", r), nil
}

type xmlKeyValue struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// maxDescribeTags is ELBv2's limit of resource ARNs per DescribeTags call.
const maxDescribeTags = 20

func elbDescribeTags(s *Server, f form) (any, error) {
	arns := f.list("ResourceArns.member")
	if len(arns) == 0 || len(arns) > maxDescribeTags {
		return nil, validation("ResourceArns must contain between 1 and 20 items")
	}
	ds, err := s.b.DescribeTags(arns)
	if err != nil {
		return nil, err
	}
	type description struct {
		ResourceArn string        `xml:"ResourceArn"`
		Tags        []xmlKeyValue `xml:"Tags>member"`
	}
	type result struct {
		XMLName xml.Name      `xml:"DescribeTagsResult"`
		Tags    []description `xml:"TagDescriptions>member"`
	}
	var r result
	for _, d := range ds {
		x := description{ResourceArn: d.ARN}
		for _, kv := range d.Tags {
			x.Tags = append(x.Tags, xmlKeyValue{kv.Name, kv.Value})
		}
		r.Tags = append(r.Tags, x)
	}
	return elbResponse(s, "DescribeTags", r), nil
}

func elbDescribeTargetGroupAttributes(s *Server, f form) (any, error) {
	arn := f.get("TargetGroupArn")
	if arn == "" {
		return nil, validation("1 validation error detected: Value null at 'targetGroupArn' failed to satisfy constraint: Member must not be null")
	}
	attrs, err := s.b.DescribeTargetGroupAttributes(arn)
	if err != nil {
		return nil, err
	}
	type result struct {
		XMLName    xml.Name      `xml:"DescribeTargetGroupAttributesResult"`
		Attributes []xmlKeyValue `xml:"Attributes>member"`
	}
	var r result
	for _, kv := range attrs {
		r.Attributes = append(r.Attributes, xmlKeyValue{kv.Name, kv.Value})
	}
	return elbResponse(s, "DescribeTargetGroupAttributes", r), nil
}
