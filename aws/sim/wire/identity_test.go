package wire

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ecstui/ecstui/aws/sim"
)

func TestCallerIdentityAndRegions(t *testing.T) {
	w := sim.New(sim.Options{Seed: 1, Region: "eu-west-1", AccountID: "210987654321"})
	hs := httptest.NewServer(New(w, Options{Region: "us-east-1"}))
	t.Cleanup(hs.Close)
	cfg := func(region string) aws.Config {
		return aws.Config{Region: region, BaseEndpoint: aws.String(hs.URL), Retryer: func() aws.Retryer { return aws.NopRetryer{} },
			Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")}
	}
	cx := ctx(t)

	id, err := sts.NewFromConfig(cfg("eu-west-1")).GetCallerIdentity(cx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Account) != "210987654321" || aws.ToString(id.Arn) != "arn:aws:iam::210987654321:user/ecstui-demo" || aws.ToString(id.UserId) == "" {
		t.Errorf("identity = %s %s %s", aws.ToString(id.Account), aws.ToString(id.Arn), aws.ToString(id.UserId))
	}

	regions, err := ec2.NewFromConfig(cfg("eu-west-1")).DescribeRegions(cx, &ec2.DescribeRegionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(regions.Regions) != 1 || aws.ToString(regions.Regions[0].RegionName) != "eu-west-1" ||
		aws.ToString(regions.Regions[0].OptInStatus) != "opt-in-not-required" {
		t.Errorf("regions = %+v", regions.Regions)
	}
	none, err := ec2.NewFromConfig(cfg("eu-west-1")).DescribeRegions(cx, &ec2.DescribeRegionsInput{
		Filters: []ec2types.Filter{{Name: aws.String("region-name"), Values: []string{"us-east-1"}}}})
	if err != nil || len(none.Regions) != 0 {
		t.Errorf("filtered regions = %+v (%v)", none, err)
	}

	// ARNs name the world's region; a request signed for another is refused
	// on every protocol, saying which region the endpoint serves.
	if _, err := ecs.NewFromConfig(cfg("eu-west-1")).RegisterTaskDefinition(cx, smallTaskDef("r")); err != nil {
		t.Fatal(err)
	}
	list, err := ecs.NewFromConfig(cfg("eu-west-1")).ListTaskDefinitions(cx, &ecs.ListTaskDefinitionsInput{})
	if err != nil || len(list.TaskDefinitionArns) != 1 || !strings.HasPrefix(list.TaskDefinitionArns[0], "arn:aws:ecs:eu-west-1:210987654321:") {
		t.Errorf("ARNs = %v (%v)", list, err)
	}
	for _, call := range []struct {
		name string
		err  func() error
		code string
	}{
		{"ecs", func() error {
			_, err := ecs.NewFromConfig(cfg("us-east-1")).ListClusters(cx, &ecs.ListClustersInput{})
			return err
		}, "InvalidSignatureException"},
		{"ec2", func() error {
			_, err := ec2.NewFromConfig(cfg("us-east-1")).DescribeRegions(cx, &ec2.DescribeRegionsInput{})
			return err
		}, "AuthFailure"},
		{"sts", func() error {
			_, err := sts.NewFromConfig(cfg("us-east-1")).GetCallerIdentity(cx, &sts.GetCallerIdentityInput{})
			return err
		}, "SignatureDoesNotMatch"},
	} {
		err := call.err()
		if code(err) != call.code || !strings.Contains(err.Error(), "serves eu-west-1 only") {
			t.Errorf("%s signed for us-east-1: %v, want %s naming eu-west-1", call.name, err, call.code)
		}
	}
}
