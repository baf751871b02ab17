package wire

import (
	"encoding/xml"
	"net/http"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// IAM over awsQuery (Version 2010-05-08): SimulatePrincipalPolicy, which the
// exec readiness check reads for the task role's ssmmessages permissions.

const (
	versionIAM = "2010-05-08"
	nsIAM      = "https://iam.amazonaws.com/doc/2010-05-08/"
)

var iamOps = map[string]queryOp{
	"SimulatePrincipalPolicy": {"iam:read", iamSimulatePrincipalPolicy},
}

type xmlEvaluationResult struct {
	EvalActionName   string `xml:"EvalActionName"`
	EvalResourceName string `xml:"EvalResourceName"`
	EvalDecision     string `xml:"EvalDecision"`
}

func iamSimulatePrincipalPolicy(s *Server, f form) (any, error) {
	src := f.get("PolicySourceArn")
	if src == "" {
		return nil, &simapi.APIError{Code: "ValidationError", Message: "1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null", HTTPStatus: http.StatusBadRequest}
	}
	actions := f.list("ActionNames.member")
	if len(actions) == 0 {
		return nil, &simapi.APIError{Code: "ValidationError", Message: "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null", HTTPStatus: http.StatusBadRequest}
	}
	allowed, err := s.b.SimulatePrincipalPolicy(src, actions)
	if err != nil {
		return nil, err
	}
	type result struct {
		Results     []xmlEvaluationResult `xml:"EvaluationResults>member"`
		IsTruncated bool                  `xml:"IsTruncated"`
	}
	out := struct {
		XMLName xml.Name `xml:"SimulatePrincipalPolicyResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  result   `xml:"SimulatePrincipalPolicyResult"`
		Meta    meta     `xml:"ResponseMetadata"`
	}{Xmlns: nsIAM, Meta: s.meta()}
	for _, a := range actions {
		d := "implicitDeny"
		if allowed[a] {
			d = "allowed"
		}
		out.Result.Results = append(out.Result.Results, xmlEvaluationResult{EvalActionName: a, EvalResourceName: "*", EvalDecision: d})
	}
	return out, nil
}
