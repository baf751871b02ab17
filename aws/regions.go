package aws

import (
	"context"
	"sort"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// Regions lists the regions the account has enabled (EC2 DescribeRegions
// without AllRegions leaves out the opt-in regions it has not opted into),
// sorted: what the :region picker offers and what a context's
// `regions: all` covers.
func (c *Client) Regions(ctx context.Context) ([]string, error) {
	out, err := c.ec2.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: sdkaws.Bool(false)})
	if err != nil {
		return nil, wrapErr(err)
	}
	var names []string
	for _, r := range out.Regions {
		if n := sdkaws.ToString(r.RegionName); n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}
