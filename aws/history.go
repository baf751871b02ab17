package aws

import (
	"context"
	"slices"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// describeHistoryMax is DescribeServiceDeployments' and
// DescribeServiceRevisions' batch limit.
const describeHistoryMax = 20

// ServiceDeployments lists a service's deployment history (created after
// since, when set) and describes each deployment, newest first. ECS keeps
// this history after DescribeServices has dropped a deployment, so a
// rollback stays visible.
func (c *Client) ServiceDeployments(ctx context.Context, cluster, service string, since time.Time) ([]model.ServiceDeployment, []model.Failure, error) {
	in := &ecs.ListServiceDeploymentsInput{Cluster: optStr(cluster), Service: sdkaws.String(service), MaxResults: maxPage}
	if !since.IsZero() {
		in.CreatedAt = &ecstypes.CreatedAt{After: sdkaws.Time(since)}
	}
	list := func(ctx context.Context, page func([]string)) error {
		// The SDK has no paginator for this operation; a token that
		// repeats would loop forever, so it ends the listing.
		var prev string
		for {
			out, err := c.ecs.ListServiceDeployments(ctx, in)
			if err != nil {
				return err
			}
			arns := make([]string, 0, len(out.ServiceDeployments))
			for _, d := range out.ServiceDeployments {
				arns = append(arns, str(d.ServiceDeploymentArn))
			}
			page(arns)
			next := str(out.NextToken)
			if next == "" || next == prev {
				return nil
			}
			prev = next
			in.NextToken = sdkaws.String(next)
		}
	}
	ds, fails, err := listAndDescribe(ctx, c, list, describeHistoryMax, c.describeServiceDeployments, nil)
	if err != nil {
		return nil, nil, err
	}
	model.SortDeploymentHistory(ds)
	return ds, fails, nil
}

func (c *Client) describeServiceDeployments(ctx context.Context, arns []string) ([]model.ServiceDeployment, []model.Failure, error) {
	out, err := c.ecs.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: arns})
	if err != nil {
		return nil, nil, err
	}
	res := make([]model.ServiceDeployment, 0, len(out.ServiceDeployments))
	for _, d := range out.ServiceDeployments {
		res = append(res, fromServiceDeployment(d))
	}
	return res, ecsFailures(out.Failures), nil
}

// ServiceRevisions describes service revisions by ARN, 20 per call. A
// revision never changes, so each is asked for once per client.
func (c *Client) ServiceRevisions(ctx context.Context, arns []string) ([]model.ServiceRevision, []model.Failure, error) {
	c.revMu.Lock()
	if c.revByARN == nil {
		c.revByARN = map[string]model.ServiceRevision{}
	}
	var out []model.ServiceRevision
	var missing []string
	for _, a := range arns {
		if r, ok := c.revByARN[a]; ok {
			out = append(out, r)
		} else if !slices.Contains(missing, a) {
			missing = append(missing, a)
		}
	}
	c.revMu.Unlock()
	if len(missing) == 0 {
		return out, nil, nil
	}
	got, fails, err := describeAll(ctx, c, missing, describeHistoryMax, c.describeServiceRevisions)
	if err != nil {
		return nil, nil, err
	}
	c.revMu.Lock()
	for _, r := range got {
		c.revByARN[r.ARN] = r
	}
	c.revMu.Unlock()
	return append(out, got...), fails, nil
}

func (c *Client) describeServiceRevisions(ctx context.Context, arns []string) ([]model.ServiceRevision, []model.Failure, error) {
	out, err := c.ecs.DescribeServiceRevisions(ctx, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: arns})
	if err != nil {
		return nil, nil, err
	}
	res := make([]model.ServiceRevision, 0, len(out.ServiceRevisions))
	for _, r := range out.ServiceRevisions {
		res = append(res, fromServiceRevision(r))
	}
	return res, ecsFailures(out.Failures), nil
}

func fromServiceDeployment(d ecstypes.ServiceDeployment) model.ServiceDeployment {
	m := model.ServiceDeployment{
		ARN: str(d.ServiceDeploymentArn), ServiceARN: str(d.ServiceArn), ClusterARN: str(d.ClusterArn),
		Status: string(d.Status), StatusReason: str(d.StatusReason),
		CreatedAt: tm(d.CreatedAt), StartedAt: tm(d.StartedAt), FinishedAt: tm(d.FinishedAt),
		StoppedAt: tm(d.StoppedAt), UpdatedAt: tm(d.UpdatedAt),
	}
	if d.TargetServiceRevision != nil {
		m.TargetRevisionARN = str(d.TargetServiceRevision.Arn)
	}
	for _, s := range d.SourceServiceRevisions {
		m.SourceRevisionARNs = append(m.SourceRevisionARNs, str(s.Arn))
	}
	if rb := d.Rollback; rb != nil {
		m.Rollback = &model.DeploymentRollback{Reason: str(rb.Reason), RevisionARN: str(rb.ServiceRevisionArn), StartedAt: tm(rb.StartedAt)}
	}
	if cb := d.DeploymentCircuitBreaker; cb != nil && cb.Status != ecstypes.ServiceDeploymentRollbackMonitorsStatusDisabled {
		m.FailureCount, m.FailureThreshold = int(cb.FailureCount), int(cb.Threshold)
	}
	return m
}

func fromServiceRevision(r ecstypes.ServiceRevision) model.ServiceRevision {
	m := model.ServiceRevision{
		ARN: str(r.ServiceRevisionArn), ServiceARN: str(r.ServiceArn), ClusterARN: str(r.ClusterArn),
		TaskDefinitionARN: str(r.TaskDefinition), LaunchType: string(r.LaunchType),
		PlatformVersion: str(r.PlatformVersion), CreatedAt: tm(r.CreatedAt),
		CapacityProviderStrategy: fromStrategy(r.CapacityProviderStrategy),
	}
	for _, lb := range r.LoadBalancers {
		m.LoadBalancers = append(m.LoadBalancers, model.LoadBalancer{TargetGroupARN: str(lb.TargetGroupArn),
			LoadBalancerName: str(lb.LoadBalancerName), ContainerName: str(lb.ContainerName), ContainerPort: i32(lb.ContainerPort)})
	}
	for _, ci := range r.ContainerImages {
		m.Images = append(m.Images, model.ContainerImage{ContainerName: str(ci.ContainerName), Image: str(ci.Image), ImageDigest: str(ci.ImageDigest)})
	}
	return m
}
