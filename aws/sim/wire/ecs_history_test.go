package wire

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestServiceDeploymentsOverTheWire pages ListServiceDeployments, describes
// deployments and revisions, and checks the limits and errors ECS answers.
func TestServiceDeploymentsOverTheWire(t *testing.T) {
	w := demo(t)
	w.Advance(5 * time.Minute)
	_, c := serve(t, w, Options{DisableThrottling: true}, 1)
	var arns []string
	in := &ecs.ListServiceDeploymentsInput{Cluster: aws.String("prod"), Service: aws.String("billing-api"), MaxResults: aws.Int32(1)}
	for pages := 0; ; pages++ {
		out, err := c.ecs.ListServiceDeployments(ctx(t), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out.ServiceDeployments {
			if d.ServiceArn == nil || d.TargetServiceRevisionArn == nil || d.CreatedAt == nil {
				t.Errorf("brief incomplete: %+v", d)
			}
			arns = append(arns, aws.ToString(d.ServiceDeploymentArn))
		}
		if out.NextToken == nil {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		in.NextToken = out.NextToken
	}
	if len(arns) != 2 {
		t.Fatalf("%d deployments, want 2", len(arns))
	}
	out, err := c.ecs.DescribeServiceDeployments(ctx(t), &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: append(arns, "arn:nope")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ServiceDeployments) != 2 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Fatalf("describe: %d deployments, failures %+v", len(out.ServiceDeployments), out.Failures)
	}
	rb := out.ServiceDeployments[0]
	if rb.Status != ecstypes.ServiceDeploymentStatusRollbackSuccessful || rb.Rollback == nil || rb.Rollback.ServiceRevisionArn == nil ||
		rb.DeploymentCircuitBreaker == nil || rb.DeploymentCircuitBreaker.Status != ecstypes.ServiceDeploymentRollbackMonitorsStatusTriggered {
		t.Fatalf("rolled back deployment: %+v", rb)
	}
	revs, err := c.ecs.DescribeServiceRevisions(ctx(t), &ecs.DescribeServiceRevisionsInput{
		ServiceRevisionArns: []string{aws.ToString(rb.Rollback.ServiceRevisionArn)}})
	if err != nil || len(revs.ServiceRevisions) != 1 || revs.ServiceRevisions[0].TaskDefinition == nil ||
		len(revs.ServiceRevisions[0].CapacityProviderStrategy) != 1 || len(revs.ServiceRevisions[0].ContainerImages) != 1 {
		t.Fatalf("revision: %+v %v", revs, err)
	}

	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = arns[0]
	}
	if _, err := c.ecs.DescribeServiceDeployments(ctx(t), &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: tooMany}); code(err) != "InvalidParameterException" {
		t.Errorf("21 ARNs: %v", err)
	}
	if _, err := c.ecs.ListServiceDeployments(ctx(t), &ecs.ListServiceDeploymentsInput{Cluster: aws.String("prod"), Service: aws.String("nope")}); code(err) != "ServiceNotFoundException" {
		t.Errorf("unknown service: %v", err)
	}
	if _, err := c.ecs.ListServiceDeployments(ctx(t), &ecs.ListServiceDeploymentsInput{Cluster: aws.String("prod"), Service: aws.String("billing-api"),
		MaxResults: aws.Int32(101)}); code(err) != "InvalidParameterException" {
		t.Errorf("maxResults 101: %v", err)
	}
	ok, err := c.ecs.ListServiceDeployments(ctx(t), &ecs.ListServiceDeploymentsInput{Cluster: aws.String("prod"), Service: aws.String("billing-api"),
		Status: []ecstypes.ServiceDeploymentStatus{ecstypes.ServiceDeploymentStatusSuccessful}})
	if err != nil || len(ok.ServiceDeployments) != 1 {
		t.Errorf("status filter: %+v %v", ok, err)
	}
}
