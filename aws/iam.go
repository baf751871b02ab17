package aws

import (
	"context"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// RoleAllows asks IAM whether a role's policies allow each action
// (SimulatePrincipalPolicy, a read). The exec readiness check uses it for the
// task role's ssmmessages permissions; access denied is an *Error of
// KindAccessDenied, which the check shows as unknown.
func (c *Client) RoleAllows(ctx context.Context, roleARN string, actions []string) (map[string]bool, error) {
	out := make(map[string]bool, len(actions))
	p := iam.NewSimulatePrincipalPolicyPaginator(c.iam, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: sdkaws.String(roleARN), ActionNames: actions,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrapErr(err)
		}
		for _, r := range page.EvaluationResults {
			// One result per action and resource: allowed only if every one is.
			name := str(r.EvalActionName)
			ok := r.EvalDecision == iamtypes.PolicyEvaluationDecisionTypeAllowed
			if prev, seen := out[name]; seen {
				ok = ok && prev
			}
			out[name] = ok
		}
	}
	return out, nil
}
