package aws

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// API limits: list pages and describe batches.
const (
	listPageSize         = 100
	describeServicesMax  = 10
	describeTasksMax     = 100
	describeInstancesMax = 100
	describeClustersMax  = 100
)

var maxPage = sdkaws.Int32(listPageSize)

// Clusters lists and describes every cluster.
func (c *Client) Clusters(ctx context.Context) ([]model.Cluster, []model.Failure, error) {
	list := func(ctx context.Context, page func([]string)) error {
		p := ecs.NewListClustersPaginator(c.ecs, &ecs.ListClustersInput{MaxResults: maxPage})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			page(out.ClusterArns)
		}
		return nil
	}
	return listAndDescribe(ctx, c, list, describeClustersMax, c.describeClusters, nil)
}

func (c *Client) describeClusters(ctx context.Context, ids []string) ([]model.Cluster, []model.Failure, error) {
	out, err := c.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{
		Clusters: ids, Include: []ecstypes.ClusterField{ecstypes.ClusterFieldTags},
	})
	if err != nil {
		return nil, nil, err
	}
	res := make([]model.Cluster, 0, len(out.Clusters))
	for _, cl := range out.Clusters {
		res = append(res, fromCluster(cl))
	}
	return res, ecsFailures(out.Failures), nil
}

// Services lists every service of a cluster and describes them 10 at a time.
func (c *Client) Services(ctx context.Context, cluster string, onBatch func([]model.Service)) ([]model.Service, []model.Failure, error) {
	list := func(ctx context.Context, page func([]string)) error {
		p := ecs.NewListServicesPaginator(c.ecs, &ecs.ListServicesInput{Cluster: optStr(cluster), MaxResults: maxPage})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			page(out.ServiceArns)
		}
		return nil
	}
	return listAndDescribe(ctx, c, list, describeServicesMax, c.serviceDescriber(cluster), onBatch)
}

// DescribeServices describes named services, 10 per call.
func (c *Client) DescribeServices(ctx context.Context, cluster string, names []string) ([]model.Service, []model.Failure, error) {
	return describeAll(ctx, c, names, describeServicesMax, c.serviceDescriber(cluster))
}

func (c *Client) serviceDescriber(cluster string) describeFunc[model.Service] {
	return func(ctx context.Context, ids []string) ([]model.Service, []model.Failure, error) {
		out, err := c.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{
			Cluster: optStr(cluster), Services: ids, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags},
		})
		if err != nil {
			return nil, nil, err
		}
		res := make([]model.Service, 0, len(out.Services))
		for _, s := range out.Services {
			res = append(res, fromService(s))
		}
		return res, ecsFailures(out.Failures), nil
	}
}

// Tasks lists the tasks matching f and describes them 100 at a time.
func (c *Client) Tasks(ctx context.Context, cluster string, f model.TaskFilter, onBatch func([]model.Task)) ([]model.Task, []model.Failure, error) {
	in := &ecs.ListTasksInput{
		Cluster:           optStr(cluster),
		MaxResults:        maxPage,
		ServiceName:       optStr(f.ServiceName),
		ContainerInstance: optStr(f.ContainerInstance),
		Family:            optStr(f.Family),
		StartedBy:         optStr(f.StartedBy),
		DesiredStatus:     ecstypes.DesiredStatus(f.DesiredStatus),
	}
	list := func(ctx context.Context, page func([]string)) error {
		p := ecs.NewListTasksPaginator(c.ecs, in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			page(out.TaskArns)
		}
		return nil
	}
	keep := func(t model.Task) bool { return taskMatches(t, f) }
	return listAndDescribe(ctx, c, list, describeTasksMax, filterDescribed(c.taskDescriber(cluster), keep), onBatch)
}

// DescribeTasks describes tasks by ARN or id, 100 per call.
func (c *Client) DescribeTasks(ctx context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error) {
	return describeAll(ctx, c, ids, describeTasksMax, c.taskDescriber(cluster))
}

func (c *Client) taskDescriber(cluster string) describeFunc[model.Task] {
	return func(ctx context.Context, ids []string) ([]model.Task, []model.Failure, error) {
		out, err := c.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{
			Cluster: optStr(cluster), Tasks: ids, Include: []ecstypes.TaskField{ecstypes.TaskFieldTags},
		})
		if err != nil {
			return nil, nil, err
		}
		res := make([]model.Task, 0, len(out.Tasks))
		for _, t := range out.Tasks {
			res = append(res, fromTask(t))
		}
		return res, ecsFailures(out.Failures), nil
	}
}

// ContainerInstances lists and describes a cluster's container instances
// (status "" = all), enriched from EC2 and Auto Scaling.
func (c *Client) ContainerInstances(ctx context.Context, cluster string, status string) ([]model.ContainerInstance, []model.Failure, error) {
	list := func(ctx context.Context, page func([]string)) error {
		p := ecs.NewListContainerInstancesPaginator(c.ecs, &ecs.ListContainerInstancesInput{
			Cluster: optStr(cluster), MaxResults: maxPage, Status: ecstypes.ContainerInstanceStatus(status),
		})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			page(out.ContainerInstanceArns)
		}
		return nil
	}
	// Auto Scaling takes 50 ids per call, so asking for each described batch
	// of 100 costs no extra call and overlaps the listing; EC2 takes 1000
	// ids, so it is asked once at the end to keep to the minimum call count.
	var (
		asgWG   sync.WaitGroup
		mu      sync.Mutex
		groupOf = map[string]model.ASGInstance{}
		asgFail []model.Failure
	)
	describe := c.instanceDescriber(cluster)
	if status != "" {
		// A server may ignore the status filter: apply it again.
		describe = filterDescribed(describe, func(ci model.ContainerInstance) bool { return ci.Status == "" || ci.Status == status })
	}
	withASG := func(dctx context.Context, ids []string) ([]model.ContainerInstance, []model.Failure, error) {
		cis, fails, err := describe(dctx, ids)
		if err != nil {
			return nil, nil, err
		}
		asgWG.Add(1)
		go func() {
			defer asgWG.Done()
			// ctx, not dctx: the batch context ends when the listing does.
			groups, fail := c.asgGroups(ctx, ec2IDs(cis))
			mu.Lock()
			defer mu.Unlock()
			maps.Copy(groupOf, groups)
			if asgFail == nil {
				asgFail = fail // one entry says it all
			}
		}()
		return cis, fails, nil
	}
	cis, fails, err := listAndDescribe(ctx, c, list, describeInstancesMax, withASG, nil)
	ec2Fail := c.enrichEC2(ctx, cis, ec2IDs(cis))
	asgWG.Wait()
	if err != nil {
		return nil, nil, err
	}
	applyGroups(cis, groupOf)
	return cis, slices.Concat(fails, asgFail, ec2Fail), nil
}

// DescribeContainerInstances describes instances by ARN or id, enriched as ContainerInstances.
func (c *Client) DescribeContainerInstances(ctx context.Context, cluster string, ids []string) ([]model.ContainerInstance, []model.Failure, error) {
	cis, fails, err := describeAll(ctx, c, ids, describeInstancesMax, c.instanceDescriber(cluster))
	if err != nil {
		return nil, nil, err
	}
	return cis, append(fails, c.enrich(ctx, cis)...), nil
}

func (c *Client) instanceDescriber(cluster string) describeFunc[model.ContainerInstance] {
	return func(ctx context.Context, ids []string) ([]model.ContainerInstance, []model.Failure, error) {
		out, err := c.ecs.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{
			Cluster: optStr(cluster), ContainerInstances: ids,
			Include: []ecstypes.ContainerInstanceField{ecstypes.ContainerInstanceFieldTags},
		})
		if err != nil {
			return nil, nil, err
		}
		res := make([]model.ContainerInstance, 0, len(out.ContainerInstances))
		for _, ci := range out.ContainerInstances {
			res = append(res, fromContainerInstance(ci))
		}
		return res, ecsFailures(out.Failures), nil
	}
}

// TaskDefinition describes one revision by ARN or family:revision. Revisions
// are immutable, so each is fetched once per client; a bare family (meaning
// the latest ACTIVE revision) is always asked for.
func (c *Client) TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error) {
	c.tdMu.Lock()
	arn := id
	if a, ok := c.tdAlias[id]; ok {
		arn = a
	}
	td, ok := c.tdByARN[arn]
	c.tdMu.Unlock()
	if ok {
		return td, nil
	}
	out, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String(id)})
	if err != nil {
		return model.TaskDefinition{}, wrapErr(err)
	}
	if out.TaskDefinition == nil {
		return model.TaskDefinition{}, &Error{Kind: KindNotFound, Service: "ecs", Op: "DescribeTaskDefinition", Message: id}
	}
	td = fromTaskDefinition(*out.TaskDefinition)
	c.cacheTaskDefinition(td)
	return td, nil
}

func (c *Client) cacheTaskDefinition(td model.TaskDefinition) {
	if td.ARN == "" {
		return
	}
	c.tdMu.Lock()
	defer c.tdMu.Unlock()
	c.tdByARN[td.ARN] = td
	if td.Family != "" && td.Revision > 0 {
		c.tdAlias[td.FamilyRevision()] = td.ARN
	}
}

// TaskDefinitionFamilies lists ACTIVE task definition families.
func (c *Client) TaskDefinitionFamilies(ctx context.Context) ([]string, error) {
	var out []string
	p := ecs.NewListTaskDefinitionFamiliesPaginator(c.ecs, &ecs.ListTaskDefinitionFamiliesInput{
		MaxResults: maxPage, Status: ecstypes.TaskDefinitionFamilyStatusActive,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrapErr(err)
		}
		out = append(out, page.Families...)
	}
	return out, nil
}

// TaskDefinitionRevisions lists a family's ACTIVE revision ARNs, newest first.
func (c *Client) TaskDefinitionRevisions(ctx context.Context, family string) ([]string, error) {
	var out []string
	p := ecs.NewListTaskDefinitionsPaginator(c.ecs, &ecs.ListTaskDefinitionsInput{
		FamilyPrefix: sdkaws.String(family), MaxResults: maxPage, Sort: ecstypes.SortOrderDesc,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrapErr(err)
		}
		for _, arn := range page.TaskDefinitionArns {
			// familyPrefix is a prefix match: "web" also lists "web-api".
			if familyOfARN(arn) == family {
				out = append(out, arn)
			}
		}
	}
	sortRevisionsNewestFirst(out)
	return out, nil
}

// familyOfARN returns FAMILY from arn:…:task-definition/FAMILY:REV.
func familyOfARN(arn string) string {
	s := arn
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return s
}

// ListServicesPage returns one page (up to 100) of a cluster's service
// ARNs and the token of the next ("" at the end): a refresh that finds new
// and removed services one call at a time, at the pace its budget allows.
func (c *Client) ListServicesPage(ctx context.Context, cluster, token string) ([]string, string, error) {
	out, err := c.ecs.ListServices(ctx, &ecs.ListServicesInput{Cluster: optStr(cluster), MaxResults: maxPage, NextToken: optStr(token)})
	if err != nil {
		return nil, "", wrapErr(err)
	}
	return out.ServiceArns, str(out.NextToken), nil
}

// ListContainerInstancesPage returns one page (up to 100) of a cluster's
// container instance ARNs (status "" = all) and the next token.
func (c *Client) ListContainerInstancesPage(ctx context.Context, cluster, status, token string) ([]string, string, error) {
	out, err := c.ecs.ListContainerInstances(ctx, &ecs.ListContainerInstancesInput{
		Cluster: optStr(cluster), MaxResults: maxPage, Status: ecstypes.ContainerInstanceStatus(status), NextToken: optStr(token)})
	if err != nil {
		return nil, "", wrapErr(err)
	}
	return out.ContainerInstanceArns, str(out.NextToken), nil
}

// ListTasksPage returns one page (up to 100) of the ARNs of the tasks
// matching f and the next token.
func (c *Client) ListTasksPage(ctx context.Context, cluster string, f model.TaskFilter, token string) ([]string, string, error) {
	out, err := c.ecs.ListTasks(ctx, &ecs.ListTasksInput{
		Cluster: optStr(cluster), MaxResults: maxPage, NextToken: optStr(token),
		ServiceName: optStr(f.ServiceName), ContainerInstance: optStr(f.ContainerInstance),
		Family: optStr(f.Family), StartedBy: optStr(f.StartedBy), DesiredStatus: ecstypes.DesiredStatus(f.DesiredStatus),
	})
	if err != nil {
		return nil, "", wrapErr(err)
	}
	return out.TaskArns, str(out.NextToken), nil
}
