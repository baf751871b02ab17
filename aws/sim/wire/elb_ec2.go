package wire

import (
	"encoding/xml"
	"maps"
	"slices"
	"strconv"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

func validation(msg string) error {
	return &simapi.APIError{Code: simapi.CodeValidationError, Message: msg}
}

func invalidToken() error { return validation("Invalid NextToken or Marker value.") }

var elbOps = map[string]queryOp{
	"DescribeTargetGroups":          {"elasticloadbalancing:read", elbDescribeTargetGroups},
	"DescribeTargetHealth":          {"elasticloadbalancing:read", elbDescribeTargetHealth},
	"DescribeLoadBalancers":         {"elasticloadbalancing:read", elbDescribeLoadBalancers},
	"DescribeListeners":             {"elasticloadbalancing:read", elbDescribeListeners},
	"DescribeTags":                  {"elasticloadbalancing:read", elbDescribeTags},
	"DescribeTargetGroupAttributes": {"elasticloadbalancing:read", elbDescribeTargetGroupAttributes},
}

type xmlTargetGroup struct {
	TargetGroupArn             string   `xml:"TargetGroupArn"`
	TargetGroupName            string   `xml:"TargetGroupName"`
	Protocol                   string   `xml:"Protocol,omitempty"`
	Port                       int      `xml:"Port"`
	VpcID                      string   `xml:"VpcId,omitempty"`
	HealthCheckProtocol        string   `xml:"HealthCheckProtocol,omitempty"`
	HealthCheckPort            string   `xml:"HealthCheckPort"`
	HealthCheckEnabled         bool     `xml:"HealthCheckEnabled"`
	HealthCheckIntervalSeconds int      `xml:"HealthCheckIntervalSeconds"`
	HealthCheckTimeoutSeconds  int      `xml:"HealthCheckTimeoutSeconds"`
	HealthyThresholdCount      int      `xml:"HealthyThresholdCount"`
	UnhealthyThresholdCount    int      `xml:"UnhealthyThresholdCount"`
	HealthCheckPath            string   `xml:"HealthCheckPath,omitempty"`
	LoadBalancerArns           []string `xml:"LoadBalancerArns>member"`
	TargetType                 string   `xml:"TargetType,omitempty"`
	IPAddressType              string   `xml:"IpAddressType"`
}

func elbDescribeTargetGroups(s *Server, f form) (any, error) {
	arns, names := f.list("TargetGroupArns.member"), f.list("Names.member")
	lb := f.get("LoadBalancerArn")
	if len(arns) > 0 && len(names) > 0 {
		return nil, validation("Target group ARNs and names cannot be specified at the same time")
	}
	n, err := f.intParam("PageSize", 400, 400, protoQuery)
	if err != nil {
		return nil, err
	}
	tgs, err := s.b.DescribeTargetGroups(arns, names, lb)
	if err != nil {
		return nil, err
	}
	page, next, ok := pageOf(tgs, n, f.get("Marker"), fingerprint("DescribeTargetGroups", lb, fingerprint(arns...), fingerprint(names...)))
	if !ok {
		return nil, invalidToken()
	}
	type result struct {
		TargetGroups []xmlTargetGroup `xml:"TargetGroups>member"`
		NextMarker   string           `xml:"NextMarker,omitempty"`
	}
	out := struct {
		XMLName xml.Name `xml:"DescribeTargetGroupsResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  result   `xml:"DescribeTargetGroupsResult"`
		Meta    meta     `xml:"ResponseMetadata"`
	}{Xmlns: nsELBv2, Result: result{NextMarker: next}, Meta: s.meta()}
	for _, tg := range page {
		out.Result.TargetGroups = append(out.Result.TargetGroups, xmlTargetGroup{
			TargetGroupArn: tg.ARN, TargetGroupName: tg.Name, Protocol: tg.Protocol, Port: tg.Port, VpcID: tg.VPCID,
			HealthCheckProtocol: tg.Protocol, HealthCheckPort: "traffic-port", HealthCheckEnabled: true,
			HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 5, UnhealthyThresholdCount: 2,
			HealthCheckPath: tg.HealthCheckPath, LoadBalancerArns: tg.LoadBalancerARNs, TargetType: tg.TargetType, IPAddressType: "ipv4",
		})
	}
	return out, nil
}

type xmlTargetHealthDescription struct {
	Target struct {
		ID               string `xml:"Id"`
		Port             int    `xml:"Port,omitempty"`
		AvailabilityZone string `xml:"AvailabilityZone,omitempty"`
	} `xml:"Target"`
	HealthCheckPort string `xml:"HealthCheckPort"`
	TargetHealth    struct {
		State       string `xml:"State"`
		Reason      string `xml:"Reason,omitempty"`
		Description string `xml:"Description,omitempty"`
	} `xml:"TargetHealth"`
}

func elbDescribeTargetHealth(s *Server, f form) (any, error) {
	arn := f.get("TargetGroupArn")
	if arn == "" {
		return nil, validation("1 validation error detected: Value null at 'targetGroupArn' failed to satisfy constraint: Member must not be null")
	}
	ths, err := s.b.DescribeTargetHealth(arn)
	if err != nil {
		return nil, err
	}
	// Targets.member.N.Id(/Port) narrows the answer to those targets.
	type key struct {
		id   string
		port string
	}
	var want []key
	for _, i := range f.indexes("Targets.member") {
		p := "Targets.member." + strconv.Itoa(i)
		want = append(want, key{f.get(p + ".Id"), f.get(p + ".Port")})
	}
	type result struct {
		Descriptions []xmlTargetHealthDescription `xml:"TargetHealthDescriptions>member"`
	}
	out := struct {
		XMLName xml.Name `xml:"DescribeTargetHealthResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  result   `xml:"DescribeTargetHealthResult"`
		Meta    meta     `xml:"ResponseMetadata"`
	}{Xmlns: nsELBv2, Meta: s.meta()}
	for _, th := range ths {
		if len(want) > 0 && !slices.ContainsFunc(want, func(k key) bool {
			return k.id == th.TargetID && (k.port == "" || k.port == strconv.Itoa(th.Port))
		}) {
			continue
		}
		var d xmlTargetHealthDescription
		d.Target.ID, d.Target.Port, d.Target.AvailabilityZone = th.TargetID, th.Port, th.AZ
		d.HealthCheckPort = strconv.Itoa(th.Port)
		d.TargetHealth.State, d.TargetHealth.Reason, d.TargetHealth.Description = th.State, th.Reason, th.Description
		out.Result.Descriptions = append(out.Result.Descriptions, d)
	}
	return out, nil
}

var ec2Ops = map[string]queryOp{
	"DescribeInstances":      {"ec2:read", ec2DescribeInstances},
	"DescribeRegions":        {"ec2:read", ec2DescribeRegions},
	"DescribeImages":         {"ec2:read", ec2DescribeImages},
	"DescribeInstanceStatus": {"ec2:read", ec2DescribeInstanceStatus},
	"DescribeSubnets":        {"ec2:read", ec2DescribeSubnets},
}

type xmlEC2Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xmlEC2Instance struct {
	InstanceID    string `xml:"instanceId"`
	ImageID       string `xml:"imageId"`
	InstanceState struct {
		Code int    `xml:"code"`
		Name string `xml:"name"`
	} `xml:"instanceState"`
	PrivateDNSName string `xml:"privateDnsName"`
	InstanceType   string `xml:"instanceType"`
	LaunchTime     string `xml:"launchTime,omitempty"`
	Placement      struct {
		AvailabilityZone string `xml:"availabilityZone"`
		Tenancy          string `xml:"tenancy"`
	} `xml:"placement"`
	PrivateIPAddress string      `xml:"privateIpAddress,omitempty"`
	Architecture     string      `xml:"architecture"`
	TagSet           []xmlEC2Tag `xml:"tagSet>item"`
}

type xmlReservation struct {
	ReservationID string           `xml:"reservationId"`
	OwnerID       string           `xml:"ownerId"`
	Instances     []xmlEC2Instance `xml:"instancesSet>item"`
}

// ec2StateCodes are EC2's numeric instance state codes.
var ec2StateCodes = map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

// ec2Filter applies the DescribeInstances filters the product and common
// tools send; unknown filter names are rejected as EC2 does.
func ec2Filter(i model.EC2Instance, name string, values []string) (bool, error) {
	var have []string
	switch name {
	case "instance-id":
		have = []string{i.InstanceID}
	case "instance-state-name":
		have = []string{i.State}
	case "availability-zone":
		have = []string{i.AvailabilityZone}
	case "instance-type":
		have = []string{i.InstanceType}
	case "image-id":
		have = []string{i.ImageID}
	case "private-ip-address":
		have = []string{i.PrivateIP}
	case "private-dns-name":
		have = []string{i.PrivateDNS}
	default:
		tag, ok := cutTagFilter(name)
		if !ok {
			return false, simapi.Errorf("InvalidParameterValue", "The filter '%s' is invalid", name)
		}
		v, has := i.Tags[tag]
		if !has {
			return false, nil
		}
		have = []string{v}
	}
	for _, h := range have {
		if slices.Contains(values, h) {
			return true, nil
		}
	}
	return false, nil
}

func cutTagFilter(name string) (string, bool) {
	const p = "tag:"
	if len(name) > len(p) && name[:len(p)] == p {
		return name[len(p):], true
	}
	return "", false
}

func ec2DescribeInstances(s *Server, f form) (any, error) {
	ids := f.list("InstanceId")
	n, err := f.intParam("MaxResults", 1000, 1000, protoEC2)
	if err != nil {
		return nil, err
	}
	if f.get("MaxResults") != "" && n < 5 {
		return nil, simapi.Errorf("InvalidParameterValue", "Value ( %d ) for parameter maxResults is invalid. Expecting a value greater than 5.", n)
	}
	if f.get("MaxResults") != "" && len(ids) > 0 {
		return nil, simapi.Errorf("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults")
	}
	insts, err := s.b.DescribeInstances(ids)
	if err != nil {
		return nil, err
	}
	for _, fi := range f.indexes("Filter") {
		p := "Filter." + strconv.Itoa(fi)
		name, values := f.get(p+".Name"), f.list(p+".Value")
		kept := insts[:0:0]
		for _, i := range insts {
			ok, err := ec2Filter(i, name, values)
			if err != nil {
				return nil, err
			}
			if ok {
				kept = append(kept, i)
			}
		}
		insts = kept
	}
	page, next, ok := pageOf(insts, n, f.get("NextToken"), fingerprint("DescribeInstances", fingerprint(ids...), f.get("Filter.1.Name")))
	if !ok {
		return nil, simapi.Errorf("InvalidParameterValue", "Invalid value '%s' for nextToken", f.get("NextToken"))
	}
	out := struct {
		XMLName      xml.Name         `xml:"DescribeInstancesResponse"`
		Xmlns        string           `xml:"xmlns,attr"`
		RequestID    string           `xml:"requestId"`
		Reservations []xmlReservation `xml:"reservationSet>item"`
		NextToken    string           `xml:"nextToken,omitempty"`
	}{Xmlns: nsEC2, RequestID: s.requestID(), NextToken: next}
	// One reservation per instance: each ECS host was launched by its own
	// Auto Scaling request.
	for _, i := range page {
		x := xmlEC2Instance{InstanceID: i.InstanceID, ImageID: i.ImageID, PrivateDNSName: i.PrivateDNS,
			InstanceType: i.InstanceType, LaunchTime: isoTime(i.LaunchTime), PrivateIPAddress: i.PrivateIP, Architecture: "x86_64"}
		x.InstanceState.Name, x.InstanceState.Code = i.State, ec2StateCodes[i.State]
		x.Placement.AvailabilityZone, x.Placement.Tenancy = i.AvailabilityZone, "default"
		for _, k := range slices.Sorted(maps.Keys(i.Tags)) {
			x.TagSet = append(x.TagSet, xmlEC2Tag{k, i.Tags[k]})
		}
		out.Reservations = append(out.Reservations, xmlReservation{
			ReservationID: "r-" + trimInstancePrefix(i.InstanceID), OwnerID: s.account, Instances: []xmlEC2Instance{x},
		})
	}
	return out, nil
}

func trimInstancePrefix(id string) string {
	if len(id) > 2 && id[:2] == "i-" {
		return id[2:]
	}
	return id
}
