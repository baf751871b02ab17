package wire

import (
	"cmp"
	"encoding/xml"
	"strconv"

	"github.com/ecstui/ecstui/model"
)

const (
	nsAutoScaling = "http://autoscaling.amazonaws.com/doc/2011-01-01/"
	nsELBv2       = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
	nsEC2         = "http://ec2.amazonaws.com/doc/2016-11-15/"
)

var autoscalingOps = map[string]queryOp{
	"DescribeAutoScalingGroups":           {"autoscaling:read", asgDescribeGroups},
	"DescribeAutoScalingInstances":        {"autoscaling:read", asgDescribeInstances},
	"TerminateInstanceInAutoScalingGroup": {"autoscaling:mutate", asgTerminateInstance},
	"DescribeScalingActivities":           {"autoscaling:read", asgDescribeScalingActivities},
	"DescribeLifecycleHooks":              {"autoscaling:read", asgDescribeLifecycleHooks},
	"DescribeInstanceRefreshes":           {"autoscaling:read", asgDescribeInstanceRefreshes},
	"SetInstanceProtection":               {"autoscaling:mutate", asgSetInstanceProtection},
	"CompleteLifecycleAction":             {"autoscaling:mutate", asgCompleteLifecycleAction},
	"StartInstanceRefresh":                {"autoscaling:mutate", asgStartInstanceRefresh},
	"CancelInstanceRefresh":               {"autoscaling:mutate", asgCancelInstanceRefresh},
	"RollbackInstanceRefresh":             {"autoscaling:mutate", asgRollbackInstanceRefresh},
}

type xmlLaunchTemplate struct {
	LaunchTemplateID   string `xml:"LaunchTemplateId,omitempty"`
	LaunchTemplateName string `xml:"LaunchTemplateName,omitempty"`
	Version            string `xml:"Version,omitempty"`
}

func launchTemplate(ref model.LaunchTemplateRef) *xmlLaunchTemplate {
	if ref.ID == "" && ref.Name == "" {
		return nil
	}
	return &xmlLaunchTemplate{LaunchTemplateID: ref.ID, LaunchTemplateName: ref.Name, Version: ref.Version}
}

type xmlASGInstance struct {
	InstanceID           string             `xml:"InstanceId"`
	AutoScalingGroupName string             `xml:"AutoScalingGroupName,omitempty"`
	InstanceType         string             `xml:"InstanceType,omitempty"`
	AvailabilityZone     string             `xml:"AvailabilityZone"`
	LifecycleState       string             `xml:"LifecycleState"`
	HealthStatus         string             `xml:"HealthStatus"`
	LaunchTemplate       *xmlLaunchTemplate `xml:"LaunchTemplate,omitempty"`
	ProtectedFromScaleIn bool               `xml:"ProtectedFromScaleIn"`
}

func asgInstanceOf(i model.ASGInstance, withGroup bool) xmlASGInstance {
	out := xmlASGInstance{InstanceID: i.InstanceID, InstanceType: i.InstanceType, AvailabilityZone: i.AvailabilityZone,
		LifecycleState: i.LifecycleState, HealthStatus: i.HealthStatus, LaunchTemplate: launchTemplate(templateOf(i.Template, i.LaunchTemplate)),
		ProtectedFromScaleIn: i.ProtectedFromScaleIn}
	if withGroup {
		out.AutoScalingGroupName = i.AutoScalingGroupName
	}
	return out
}

type xmlASG struct {
	AutoScalingGroupName    string             `xml:"AutoScalingGroupName"`
	AutoScalingGroupARN     string             `xml:"AutoScalingGroupARN"`
	LaunchTemplate          *xmlLaunchTemplate `xml:"LaunchTemplate,omitempty"`
	MinSize                 int                `xml:"MinSize"`
	MaxSize                 int                `xml:"MaxSize"`
	DesiredCapacity         int                `xml:"DesiredCapacity"`
	DefaultCooldown         int                `xml:"DefaultCooldown"`
	AvailabilityZones       []string           `xml:"AvailabilityZones>member"`
	HealthCheckType         string             `xml:"HealthCheckType"`
	HealthCheckGracePeriod  int                `xml:"HealthCheckGracePeriod"`
	Instances               []xmlASGInstance   `xml:"Instances>member"`
	NewInstancesProtected   bool               `xml:"NewInstancesProtectedFromScaleIn"`
	DefaultInstanceWarmup   int                `xml:"DefaultInstanceWarmup,omitempty"`
	ServiceLinkedRoleARN    string             `xml:"ServiceLinkedRoleARN"`
	TerminationPolicies     []string           `xml:"TerminationPolicies>member"`
	CapacityRebalance       bool               `xml:"CapacityRebalance"`
	AvailabilityZoneDistrib *struct {
		CapacityDistributionStrategy string `xml:"CapacityDistributionStrategy"`
	} `xml:"AvailabilityZoneDistribution,omitempty"`
}

// templateOf is the launch template reference to show: the backend's, or a
// bare name with the $Default version.
func templateOf(ref model.LaunchTemplateRef, name string) model.LaunchTemplateRef {
	if ref.ID == "" && ref.Name == "" && name != "" {
		return model.LaunchTemplateRef{Name: name, Version: "$Default"}
	}
	return ref
}

func asgDescribeGroups(s *Server, f form) (any, error) {
	names := f.list("AutoScalingGroupNames.member")
	n, err := f.intParam("MaxRecords", 50, 100, protoQuery)
	if err != nil {
		return nil, err
	}
	groups := s.b.DescribeAutoScalingGroups(names)
	page, next, ok := pageOf(groups, n, f.get("NextToken"), fingerprint(append([]string{"DescribeAutoScalingGroups"}, names...)...))
	if !ok {
		return nil, invalidToken()
	}
	type result struct {
		Groups    []xmlASG `xml:"AutoScalingGroups>member"`
		NextToken string   `xml:"NextToken,omitempty"`
	}
	out := struct {
		XMLName xml.Name `xml:"DescribeAutoScalingGroupsResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  result   `xml:"DescribeAutoScalingGroupsResult"`
		Meta    meta     `xml:"ResponseMetadata"`
	}{Xmlns: nsAutoScaling, Result: result{NextToken: next}, Meta: s.meta()}
	for _, g := range page {
		x := xmlASG{AutoScalingGroupName: g.Name, AutoScalingGroupARN: g.ARN, LaunchTemplate: launchTemplate(templateOf(g.Template, g.LaunchTemplate)),
			MinSize: g.MinSize, MaxSize: g.MaxSize, DesiredCapacity: g.DesiredCapacity, DefaultCooldown: 300,
			AvailabilityZones: g.AvailabilityZones, HealthCheckType: "EC2", HealthCheckGracePeriod: cmp.Or(g.HealthCheckGracePeriod, 300),
			NewInstancesProtected: g.NewInstancesProtectedFromScaleIn, DefaultInstanceWarmup: g.DefaultInstanceWarmup,
			ServiceLinkedRoleARN: "arn:aws:iam::" + accountOf(g.ARN) + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
			TerminationPolicies:  []string{"Default"},
		}
		if x.AutoScalingGroupARN == "" {
			x.AutoScalingGroupARN = s.arn("autoscaling", "autoScalingGroup:00000000-0000-4000-8000-000000000000:autoScalingGroupName/"+g.Name)
		}
		for _, i := range g.Instances {
			x.Instances = append(x.Instances, asgInstanceOf(i, false))
		}
		out.Result.Groups = append(out.Result.Groups, x)
	}
	return out, nil
}

func asgDescribeInstances(s *Server, f form) (any, error) {
	ids := f.list("InstanceIds.member")
	n, err := f.intParam("MaxRecords", 50, 50, protoQuery)
	if err != nil {
		return nil, err
	}
	insts := s.b.DescribeAutoScalingInstances(ids)
	page, next, ok := pageOf(insts, n, f.get("NextToken"), fingerprint(append([]string{"DescribeAutoScalingInstances"}, ids...)...))
	if !ok {
		return nil, invalidToken()
	}
	type result struct {
		Instances []xmlASGInstance `xml:"AutoScalingInstances>member"`
		NextToken string           `xml:"NextToken,omitempty"`
	}
	out := struct {
		XMLName xml.Name `xml:"DescribeAutoScalingInstancesResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  result   `xml:"DescribeAutoScalingInstancesResult"`
		Meta    meta     `xml:"ResponseMetadata"`
	}{Xmlns: nsAutoScaling, Result: result{NextToken: next}, Meta: s.meta()}
	for _, i := range page {
		out.Result.Instances = append(out.Result.Instances, asgInstanceOf(i, true))
	}
	return out, nil
}

func asgTerminateInstance(s *Server, f form) (any, error) {
	id := f.get("InstanceId")
	if id == "" {
		return nil, validation("1 validation error detected: Value null at 'instanceId' failed to satisfy constraint: Member must not be null")
	}
	dec := f.get("ShouldDecrementDesiredCapacity")
	if dec == "" {
		return nil, validation("1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null")
	}
	decrement, err := strconv.ParseBool(dec)
	if err != nil {
		return nil, validation("Invalid value for ShouldDecrementDesiredCapacity: " + dec)
	}
	a, err := s.b.TerminateInstanceInAutoScalingGroup(id, decrement)
	if err != nil {
		return nil, err
	}
	type activity struct {
		ActivityID           string `xml:"ActivityId"`
		AutoScalingGroupName string `xml:"AutoScalingGroupName"`
		Description          string `xml:"Description"`
		Cause                string `xml:"Cause"`
		StartTime            string `xml:"StartTime"`
		StatusCode           string `xml:"StatusCode"`
		Progress             int    `xml:"Progress"`
	}
	type result struct {
		Activity activity `xml:"Activity"`
	}
	return struct {
		XMLName xml.Name `xml:"TerminateInstanceInAutoScalingGroupResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  result   `xml:"TerminateInstanceInAutoScalingGroupResult"`
		Meta    meta     `xml:"ResponseMetadata"`
	}{Xmlns: nsAutoScaling, Result: result{Activity: activity{
		ActivityID: a.ActivityID, AutoScalingGroupName: a.AutoScalingGroupName, Description: a.Description,
		Cause: a.Cause, StartTime: isoTime(a.StartTime), StatusCode: a.StatusCode,
	}}, Meta: s.meta()}, nil
}
