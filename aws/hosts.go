package aws

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"sync"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/ecstui/ecstui/model"
)

// API limits of the enrichment calls.
const (
	describeEC2Max         = 1000 // DescribeInstances with InstanceIds
	describeASGInstMax     = 50   // DescribeAutoScalingInstances
	describeASGMax         = 100  // DescribeAutoScalingGroups names per call
	describeTargetGroupMax = 20   // DescribeTargetGroups ARNs per call (API limit)
)

// Failure reasons the adapter adds itself when enrichment fails: the
// instances are still returned, only the EC2 or Auto Scaling details are missing.
const (
	ReasonEC2Enrichment = "ENRICHMENT:EC2"
	ReasonASGEnrichment = "ENRICHMENT:AUTOSCALING"
)

// ec2IDs returns the EC2 instance ids of container instances.
func ec2IDs(cis []model.ContainerInstance) []string {
	ids := make([]string, 0, len(cis))
	for _, ci := range cis {
		if ci.EC2InstanceID != "" {
			ids = append(ids, ci.EC2InstanceID)
		}
	}
	return ids
}

// enrichEC2 fills private IP (and AMI, AZ, type when ECS attributes lack
// them) from EC2. A failure is reported as a failure entry and never loses
// the instances.
func (c *Client) enrichEC2(ctx context.Context, cis []model.ContainerInstance, ids []string) []model.Failure {
	if len(ids) == 0 {
		return nil
	}
	byID, missing := c.hosts.ec2Known(ids)
	if len(missing) > 0 {
		hosts, err := c.EC2Instances(ctx, missing)
		if err != nil {
			return []model.Failure{{Reason: ReasonEC2Enrichment, Detail: "private IPs and AMIs unknown: " + err.Error()}}
		}
		c.hosts.keepEC2(hosts)
		for _, h := range hosts {
			byID[h.InstanceID] = h
		}
	}
	for i := range cis {
		ci := &cis[i]
		h, ok := byID[ci.EC2InstanceID]
		if !ok {
			continue
		}
		ci.PrivateIP = h.PrivateIP
		if ci.AMIID == "" {
			ci.AMIID = h.ImageID
		}
		if ci.AvailabilityZone == "" {
			ci.AvailabilityZone = h.AvailabilityZone
		}
		if ci.InstanceType == "" {
			ci.InstanceType = h.InstanceType
		}
	}
	return nil
}

// asgGroups maps EC2 instance ids to what their Auto Scaling group says of them.
func (c *Client) asgGroups(ctx context.Context, ids []string) (map[string]model.ASGInstance, []model.Failure) {
	if len(ids) == 0 {
		return nil, nil
	}
	groupOf, missing := c.hosts.groupsKnown(ids)
	if len(missing) == 0 {
		return groupOf, nil
	}
	asgs, err := c.autoScalingInstances(ctx, missing)
	if err != nil {
		return nil, []model.Failure{{Reason: ReasonASGEnrichment, Detail: "Auto Scaling groups unknown: " + err.Error()}}
	}
	c.hosts.keepGroups(missing, asgs)
	for _, a := range asgs {
		groupOf[a.InstanceID] = a
	}
	return groupOf, nil
}

func applyGroups(cis []model.ContainerInstance, groupOf map[string]model.ASGInstance) {
	for i := range cis {
		if g, ok := groupOf[cis[i].EC2InstanceID]; ok {
			cis[i].AutoScalingGroup = g.AutoScalingGroupName
			cis[i].ASG = &g
		}
	}
}

// enrich runs both lookups concurrently. The instance ids are read once up
// front and the Auto Scaling answer is applied after both finish, so the EC2
// goroutine is the only one touching the slice while they run.
func (c *Client) enrich(ctx context.Context, cis []model.ContainerInstance) []model.Failure {
	ids := ec2IDs(cis)
	var wg sync.WaitGroup
	var fEC2, fASG []model.Failure
	var groupOf map[string]model.ASGInstance
	wg.Add(2)
	go func() { defer wg.Done(); fEC2 = c.enrichEC2(ctx, cis, ids) }()
	go func() { defer wg.Done(); groupOf, fASG = c.asgGroups(ctx, ids) }()
	wg.Wait()
	applyGroups(cis, groupOf)
	return append(fEC2, fASG...)
}

// EC2Instances describes EC2 instances by id, up to 1000 per call.
func (c *Client) EC2Instances(ctx context.Context, ids []string) ([]model.EC2Instance, error) {
	out, _, err := describeAll(ctx, c, ids, describeEC2Max, func(ctx context.Context, batch []string) ([]model.EC2Instance, []model.Failure, error) {
		var res []model.EC2Instance
		in := &ec2.DescribeInstancesInput{InstanceIds: batch}
		for {
			page, err := c.ec2.DescribeInstances(ctx, in)
			if gone := missingInstances(err); len(gone) > 0 && in.NextToken == nil {
				// One id that no longer exists (an instance terminated over
				// an hour ago) fails the whole call: ask again without it.
				if in.InstanceIds = without(in.InstanceIds, gone); len(in.InstanceIds) < len(batch) {
					batch = in.InstanceIds
					if len(batch) == 0 {
						return res, nil, nil
					}
					continue
				}
			}
			if err != nil {
				return nil, nil, err
			}
			for _, r := range page.Reservations {
				for _, i := range r.Instances {
					h := model.EC2Instance{
						InstanceID:   str(i.InstanceId),
						InstanceType: string(i.InstanceType),
						ImageID:      str(i.ImageId),
						PrivateIP:    str(i.PrivateIpAddress),
						PrivateDNS:   str(i.PrivateDnsName),
						LaunchTime:   tm(i.LaunchTime),
					}
					if i.State != nil {
						h.State = string(i.State.Name)
					}
					if i.Placement != nil {
						h.AvailabilityZone = str(i.Placement.AvailabilityZone)
					}
					if len(i.Tags) > 0 {
						h.Tags = make(map[string]string, len(i.Tags))
						for _, t := range i.Tags {
							h.Tags[str(t.Key)] = str(t.Value)
						}
					}
					res = append(res, h)
				}
			}
			if page.NextToken == nil || *page.NextToken == "" {
				return res, nil, nil
			}
			in.NextToken = page.NextToken
		}
	})
	return out, err
}

var instanceIDPattern = regexp.MustCompile(`\bi-[0-9a-f]{8,17}\b`)

// missingInstances returns the ids an InvalidInstanceID.NotFound error names.
func missingInstances(err error) []string {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidInstanceID.NotFound" {
		return nil
	}
	return instanceIDPattern.FindAllString(apiErr.ErrorMessage(), -1)
}

func without(ids, drop []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(drop, id) {
			out = append(out, id)
		}
	}
	return out
}

func (c *Client) autoScalingInstances(ctx context.Context, ids []string) ([]model.ASGInstance, error) {
	out, _, err := describeAll(ctx, c, ids, describeASGInstMax, func(ctx context.Context, batch []string) ([]model.ASGInstance, []model.Failure, error) {
		var res []model.ASGInstance
		in := &autoscaling.DescribeAutoScalingInstancesInput{InstanceIds: batch, MaxRecords: sdkaws.Int32(describeASGInstMax)}
		for {
			page, err := c.asg.DescribeAutoScalingInstances(ctx, in)
			if err != nil {
				return nil, nil, err
			}
			for _, a := range page.AutoScalingInstances {
				res = append(res, model.ASGInstance{
					InstanceID:           str(a.InstanceId),
					AutoScalingGroupName: str(a.AutoScalingGroupName),
					AvailabilityZone:     str(a.AvailabilityZone),
					LifecycleState:       str(a.LifecycleState),
					HealthStatus:         str(a.HealthStatus),
					InstanceType:         str(a.InstanceType),
					LaunchTemplate:       launchTemplate(a.LaunchTemplate),
					Template:             templateRef(a.LaunchTemplate),
					ProtectedFromScaleIn: sdkaws.ToBool(a.ProtectedFromScaleIn),
				})
			}
			if page.NextToken == nil || *page.NextToken == "" {
				return res, nil, nil
			}
			in.NextToken = page.NextToken
		}
	})
	return out, err
}

func launchTemplate(lt *asgtypes.LaunchTemplateSpecification) string {
	if lt == nil {
		return ""
	}
	name := str(lt.LaunchTemplateName)
	if name == "" {
		name = str(lt.LaunchTemplateId)
	}
	if v := str(lt.Version); v != "" {
		name += ":" + v
	}
	return name
}

// AutoScalingGroups describes groups by name (none: every group).
func (c *Client) AutoScalingGroups(ctx context.Context, names []string) ([]model.AutoScalingGroup, error) {
	batches := chunks(names, describeASGMax)
	if len(names) == 0 {
		batches = [][]string{nil}
	}
	results := make([][]model.AutoScalingGroup, len(batches))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.conc)
	for i, b := range batches {
		g.Go(func() error {
			p := autoscaling.NewDescribeAutoScalingGroupsPaginator(c.asg, &autoscaling.DescribeAutoScalingGroupsInput{
				AutoScalingGroupNames: b, MaxRecords: sdkaws.Int32(100),
			})
			for p.HasMorePages() {
				page, err := p.NextPage(gctx)
				if err != nil {
					return err
				}
				for _, a := range page.AutoScalingGroups {
					results[i] = append(results[i], fromASG(a))
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, wrapErr(err)
	}
	var out []model.AutoScalingGroup
	for _, r := range results {
		out = append(out, r...)
	}
	return out, nil
}

func fromASG(a asgtypes.AutoScalingGroup) model.AutoScalingGroup {
	g := model.AutoScalingGroup{
		Name:              str(a.AutoScalingGroupName),
		ARN:               str(a.AutoScalingGroupARN),
		MinSize:           i32(a.MinSize),
		MaxSize:           i32(a.MaxSize),
		DesiredCapacity:   i32(a.DesiredCapacity),
		AvailabilityZones: a.AvailabilityZones,
		LaunchTemplate:    launchTemplate(a.LaunchTemplate),
	}
	g.Template = templateRef(a.LaunchTemplate)
	g.NewInstancesProtectedFromScaleIn = sdkaws.ToBool(a.NewInstancesProtectedFromScaleIn)
	g.HealthCheckGracePeriod, g.DefaultInstanceWarmup = i32(a.HealthCheckGracePeriod), i32(a.DefaultInstanceWarmup)
	for _, i := range a.Instances {
		g.Instances = append(g.Instances, model.ASGInstance{
			InstanceID:           str(i.InstanceId),
			AutoScalingGroupName: g.Name,
			AvailabilityZone:     str(i.AvailabilityZone),
			LifecycleState:       string(i.LifecycleState),
			HealthStatus:         str(i.HealthStatus),
			InstanceType:         str(i.InstanceType),
			LaunchTemplate:       launchTemplate(i.LaunchTemplate),
			Template:             templateRef(i.LaunchTemplate),
			ProtectedFromScaleIn: sdkaws.ToBool(i.ProtectedFromScaleIn),
		})
	}
	return g
}

// TargetGroups describes target groups by ARN, 20 per call. A target group
// deleted since a service named it fails its whole batch with
// TargetGroupNotFound; that batch is then asked one ARN at a time so the
// others are still returned (the missing one is simply absent).
func (c *Client) TargetGroups(ctx context.Context, arns []string) ([]model.TargetGroup, error) {
	out, _, err := describeAll(ctx, c, arns, describeTargetGroupMax, func(ctx context.Context, batch []string) ([]model.TargetGroup, []model.Failure, error) {
		res, err := c.describeTargetGroups(ctx, batch)
		if !isCode(err, "TargetGroupNotFound") || len(batch) == 1 {
			return res, nil, err
		}
		res = nil
		for _, arn := range batch {
			one, err := c.describeTargetGroups(ctx, []string{arn})
			if isCode(err, "TargetGroupNotFound") {
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			res = append(res, one...)
		}
		return res, nil, nil
	})
	if isCode(err, "TargetGroupNotFound") && len(arns) == 1 {
		return nil, nil
	}
	return out, err
}

func isCode(err error, code string) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == code
}

func (c *Client) describeTargetGroups(ctx context.Context, arns []string) ([]model.TargetGroup, error) {
	var res []model.TargetGroup
	p := elbv2.NewDescribeTargetGroupsPaginator(c.elb, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: arns})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, tg := range page.TargetGroups {
			res = append(res, model.TargetGroup{
				ARN:              str(tg.TargetGroupArn),
				Name:             str(tg.TargetGroupName),
				Port:             i32(tg.Port),
				Protocol:         string(tg.Protocol),
				TargetType:       string(tg.TargetType),
				HealthCheckPath:  str(tg.HealthCheckPath),
				LoadBalancerARNs: tg.LoadBalancerArns,
				VPCID:            str(tg.VpcId),
			})
		}
	}
	return res, nil
}

// TargetHealth describes every target of one target group.
func (c *Client) TargetHealth(ctx context.Context, targetGroupARN string) ([]model.TargetHealth, error) {
	out, err := c.elb.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: sdkaws.String(targetGroupARN)})
	if err != nil {
		return nil, wrapErr(err)
	}
	res := make([]model.TargetHealth, 0, len(out.TargetHealthDescriptions))
	for _, d := range out.TargetHealthDescriptions {
		th := model.TargetHealth{TargetGroupARN: targetGroupARN}
		if t := d.Target; t != nil {
			th.TargetID = str(t.Id)
			th.Port = i32(t.Port)
			th.AZ = str(t.AvailabilityZone)
		}
		if h := d.TargetHealth; h != nil {
			th.State = string(h.State)
			th.Reason = string(h.Reason)
			th.Description = str(h.Description)
		}
		res = append(res, th)
	}
	return res, nil
}
