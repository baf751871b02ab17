package wire

import (
	"encoding/xml"
	"slices"
	"strconv"

	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

// Auto Scaling's DescribeScalingActivities, EC2's DescribeImages and
// DescribeInstanceStatus.

type xmlActivity struct {
	ActivityID           string `xml:"ActivityId"`
	AutoScalingGroupName string `xml:"AutoScalingGroupName"`
	AutoScalingGroupARN  string `xml:"AutoScalingGroupARN,omitempty"`
	Description          string `xml:"Description"`
	Cause                string `xml:"Cause"`
	StartTime            string `xml:"StartTime"`
	EndTime              string `xml:"EndTime,omitempty"`
	StatusCode           string `xml:"StatusCode"`
	Progress             int    `xml:"Progress"`
	Details              string `xml:"Details"`
}

func activityOf(a model.ScalingActivity) xmlActivity {
	return xmlActivity{ActivityID: a.ActivityID, AutoScalingGroupName: a.AutoScalingGroupName, Description: a.Description,
		Cause: a.Cause, StartTime: isoTime(a.StartTime), EndTime: isoTime(a.EndTime), StatusCode: a.StatusCode,
		Progress: a.Progress, Details: "{}"}
}

func asgDescribeScalingActivities(s *Server, f form) (any, error) {
	ids := f.list("ActivityIds.member")
	group := f.get("AutoScalingGroupName")
	n, err := f.intParam("MaxRecords", 100, 100, protoQuery)
	if err != nil {
		return nil, err
	}
	acts, err := s.b.DescribeAutoScalingActivities(group, ids)
	if err != nil {
		return nil, err
	}
	page, next, ok := pageOf(acts, n, f.get("NextToken"), fingerprint(append([]string{"DescribeScalingActivities", group}, ids...)...))
	if !ok {
		return nil, invalidToken()
	}
	type result struct {
		XMLName    xml.Name      `xml:"DescribeScalingActivitiesResult"`
		Activities []xmlActivity `xml:"Activities>member"`
		NextToken  string        `xml:"NextToken,omitempty"`
	}
	r := result{Activities: []xmlActivity{}, NextToken: next}
	for _, a := range page {
		r.Activities = append(r.Activities, activityOf(a))
	}
	return queryResponse(s, "DescribeScalingActivities", r), nil
}

// amazonECSOwner is the account that publishes the ECS-optimized AMIs.
const amazonECSOwner = "591542846629"

type xmlImage struct {
	ImageID            string `xml:"imageId"`
	ImageLocation      string `xml:"imageLocation"`
	ImageState         string `xml:"imageState"`
	ImageOwnerID       string `xml:"imageOwnerId"`
	CreationDate       string `xml:"creationDate"`
	IsPublic           bool   `xml:"isPublic"`
	Architecture       string `xml:"architecture"`
	ImageType          string `xml:"imageType"`
	ImageOwnerAlias    string `xml:"imageOwnerAlias"`
	Name               string `xml:"name"`
	Description        string `xml:"description"`
	RootDeviceType     string `xml:"rootDeviceType"`
	RootDeviceName     string `xml:"rootDeviceName"`
	VirtualizationType string `xml:"virtualizationType"`
	Hypervisor         string `xml:"hypervisor"`
	PlatformDetails    string `xml:"platformDetails"`
	UsageOperation     string `xml:"usageOperation"`
	EnaSupport         bool   `xml:"enaSupport"`
}

// ec2DescribeImages describes the AMIs the world's instances use, by id
// (none: all); owner and filters narrow the list as EC2 does for the names
// tools send.
func ec2DescribeImages(s *Server, f form) (any, error) {
	imgs, err := s.b.DescribeImages(f.list("ImageId"))
	if err != nil {
		return nil, err
	}
	if owners := f.list("Owner"); len(owners) > 0 && !slices.ContainsFunc(owners, func(o string) bool {
		return o == "amazon" || o == amazonECSOwner
	}) {
		imgs = nil
	}
	for _, fi := range f.indexes("Filter") {
		p := "Filter." + strconv.Itoa(fi)
		name, values := f.get(p+".Name"), f.list(p+".Value")
		var field func(simapi.Image) string
		switch name {
		case "image-id":
			field = func(i simapi.Image) string { return i.ID }
		case "name":
			field = func(i simapi.Image) string { return i.Name }
		case "state":
			field = func(simapi.Image) string { return "available" }
		case "architecture":
			field = func(simapi.Image) string { return "x86_64" }
		case "owner-alias":
			field = func(simapi.Image) string { return "amazon" }
		case "owner-id":
			field = func(simapi.Image) string { return amazonECSOwner }
		default:
			return nil, simapi.Errorf("InvalidParameterValue", "The filter '%s' is invalid", name)
		}
		imgs = slices.DeleteFunc(imgs, func(i simapi.Image) bool {
			return !slices.ContainsFunc(values, func(v string) bool { return globMatch(v, field(i)) })
		})
	}
	out := struct {
		XMLName   xml.Name   `xml:"DescribeImagesResponse"`
		Xmlns     string     `xml:"xmlns,attr"`
		RequestID string     `xml:"requestId"`
		Images    []xmlImage `xml:"imagesSet>item"`
	}{Xmlns: nsEC2, RequestID: s.requestID()}
	for _, i := range imgs {
		out.Images = append(out.Images, xmlImage{ImageID: i.ID, ImageLocation: "amazon/" + i.Name, ImageState: "available",
			ImageOwnerID: amazonECSOwner, CreationDate: isoTime(i.CreatedAt), IsPublic: true, Architecture: "x86_64",
			ImageType: "machine", ImageOwnerAlias: "amazon", Name: i.Name, Description: i.Description, RootDeviceType: "ebs",
			RootDeviceName: "/dev/xvda", VirtualizationType: "hvm", Hypervisor: "xen", PlatformDetails: "Linux/UNIX",
			UsageOperation: "RunInstances", EnaSupport: true})
	}
	return out, nil
}

// globMatch matches EC2 filter values, where * is any run of characters
// and ? one character.
func globMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if globMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && globMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && globMatch(pattern[1:], s[1:])
}

type xmlStatusDetail struct {
	Name   string `xml:"name"`
	Status string `xml:"status"`
}

type xmlStatusSummary struct {
	Status  string            `xml:"status"`
	Details []xmlStatusDetail `xml:"details>item"`
}

type xmlInstanceStatus struct {
	InstanceID       string `xml:"instanceId"`
	AvailabilityZone string `xml:"availabilityZone"`
	InstanceState    struct {
		Code int    `xml:"code"`
		Name string `xml:"name"`
	} `xml:"instanceState"`
	SystemStatus   xmlStatusSummary `xml:"systemStatus"`
	InstanceStatus xmlStatusSummary `xml:"instanceStatus"`
}

// ec2DescribeInstanceStatus reports running instances' status checks as
// passed (the simulated hardware never fails); with IncludeAllInstances,
// the others with status not-applicable.
func ec2DescribeInstanceStatus(s *Server, f form) (any, error) {
	ids := f.list("InstanceId")
	n, err := f.intParam("MaxResults", 1000, 1000, protoEC2)
	if err != nil {
		return nil, err
	}
	insts, err := s.b.DescribeInstances(ids)
	if err != nil {
		return nil, err
	}
	all := f.get("IncludeAllInstances") == "true"
	var statuses []xmlInstanceStatus
	for _, i := range insts {
		if i.State != "running" && !all {
			continue
		}
		x := xmlInstanceStatus{InstanceID: i.InstanceID, AvailabilityZone: i.AvailabilityZone}
		x.InstanceState.Name, x.InstanceState.Code = i.State, ec2StateCodes[i.State]
		x.SystemStatus = xmlStatusSummary{Status: "not-applicable"}
		x.InstanceStatus = x.SystemStatus
		if i.State == "running" {
			x.SystemStatus = xmlStatusSummary{Status: "ok", Details: []xmlStatusDetail{{"reachability", "passed"}}}
			x.InstanceStatus = x.SystemStatus
		}
		statuses = append(statuses, x)
	}
	for _, fi := range f.indexes("Filter") {
		p := "Filter." + strconv.Itoa(fi)
		name, values := f.get(p+".Name"), f.list(p+".Value")
		var field func(xmlInstanceStatus) string
		switch name {
		case "availability-zone":
			field = func(x xmlInstanceStatus) string { return x.AvailabilityZone }
		case "instance-state-name":
			field = func(x xmlInstanceStatus) string { return x.InstanceState.Name }
		case "instance-status.status":
			field = func(x xmlInstanceStatus) string { return x.InstanceStatus.Status }
		case "system-status.status":
			field = func(x xmlInstanceStatus) string { return x.SystemStatus.Status }
		default:
			return nil, simapi.Errorf("InvalidParameterValue", "The filter '%s' is invalid", name)
		}
		statuses = slices.DeleteFunc(statuses, func(x xmlInstanceStatus) bool { return !slices.Contains(values, field(x)) })
	}
	page, next, ok := pageOf(statuses, n, f.get("NextToken"), fingerprint("DescribeInstanceStatus", fingerprint(ids...), strconv.FormatBool(all)))
	if !ok {
		return nil, simapi.Errorf("InvalidParameterValue", "Invalid value '%s' for nextToken", f.get("NextToken"))
	}
	return struct {
		XMLName   xml.Name            `xml:"DescribeInstanceStatusResponse"`
		Xmlns     string              `xml:"xmlns,attr"`
		RequestID string              `xml:"requestId"`
		Statuses  []xmlInstanceStatus `xml:"instanceStatusSet>item"`
		NextToken string              `xml:"nextToken,omitempty"`
	}{Xmlns: nsEC2, RequestID: s.requestID(), Statuses: page, NextToken: next}, nil
}
