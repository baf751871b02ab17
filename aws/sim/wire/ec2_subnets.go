package wire

import (
	"encoding/xml"
	"slices"
	"strconv"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

type xmlSubnet struct {
	SubnetID                string `xml:"subnetId"`
	State                   string `xml:"state"`
	VPCID                   string `xml:"vpcId"`
	CIDRBlock               string `xml:"cidrBlock"`
	AvailableIPAddressCount int    `xml:"availableIpAddressCount"`
	AvailabilityZone        string `xml:"availabilityZone"`
	DefaultForAZ            bool   `xml:"defaultForAz"`
	MapPublicIPOnLaunch     bool   `xml:"mapPublicIpOnLaunch"`
	OwnerID                 string `xml:"ownerId"`
	SubnetARN               string `xml:"subnetArn"`
}

// ec2DescribeSubnets answers the world's subnets (one per availability
// zone), narrowed by SubnetId.N and the subnet-id, availability-zone and
// vpc-id filters; an unknown id is EC2's InvalidSubnetID.NotFound.
func ec2DescribeSubnets(s *Server, f form) (any, error) {
	all := s.b.Subnets()
	subnets := all
	if ids := f.list("SubnetId"); len(ids) > 0 {
		for _, id := range ids {
			if !slices.ContainsFunc(all, func(n model.Subnet) bool { return n.ID == id }) {
				return nil, simapi.Errorf("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
			}
		}
		subnets = slices.DeleteFunc(slices.Clone(all), func(n model.Subnet) bool { return !slices.Contains(ids, n.ID) })
	}
	for _, fi := range f.indexes("Filter") {
		p := "Filter." + strconv.Itoa(fi)
		name, values := f.get(p+".Name"), f.list(p+".Value")
		var field func(model.Subnet) string
		switch name {
		case "subnet-id":
			field = func(n model.Subnet) string { return n.ID }
		case "availability-zone":
			field = func(n model.Subnet) string { return n.AvailabilityZone }
		case "vpc-id":
			field = func(n model.Subnet) string { return n.VPCID }
		default:
			return nil, simapi.Errorf("InvalidParameterValue", "The filter '%s' is invalid", name)
		}
		subnets = slices.DeleteFunc(slices.Clone(subnets), func(n model.Subnet) bool { return !slices.Contains(values, field(n)) })
	}
	out := make([]xmlSubnet, len(subnets))
	for i, n := range subnets {
		out[i] = xmlSubnet{SubnetID: n.ID, State: "available", VPCID: n.VPCID, CIDRBlock: n.CIDRBlock, AvailableIPAddressCount: 4091,
			AvailabilityZone: n.AvailabilityZone, OwnerID: s.account, SubnetARN: s.arn("ec2", "subnet/"+n.ID)}
	}
	return struct {
		XMLName   xml.Name    `xml:"DescribeSubnetsResponse"`
		Xmlns     string      `xml:"xmlns,attr"`
		RequestID string      `xml:"requestId"`
		Subnets   []xmlSubnet `xml:"subnetSet>item"`
	}{Xmlns: nsEC2, RequestID: s.requestID(), Subnets: out}, nil
}
