package sim

import (
	"net/http"
	"strings"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// IAM, as far as the exec readiness check reads it: roles and the actions
// their policies allow, answered through SimulatePrincipalPolicy.

type iamRole struct {
	arn     string
	allowed map[string]bool
}

// AddRole creates (or replaces) a role whose policies allow exactly the
// given actions, and returns its ARN.
func (w *World) AddRole(name string, allowed ...string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.roles == nil {
		w.roles = map[string]*iamRole{}
	}
	r := &iamRole{arn: "arn:aws:iam::" + w.account + ":role/" + name, allowed: map[string]bool{}}
	for _, a := range allowed {
		r.allowed[a] = true
	}
	w.roles[name] = r
	return r.arn
}

// SimulatePrincipalPolicy answers, for a role ARN, whether each action is
// allowed.
func (w *World) SimulatePrincipalPolicy(policySourceARN string, actions []string) (map[string]bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	name := policySourceARN[strings.LastIndexByte(policySourceARN, '/')+1:]
	r, ok := w.roles[name]
	if !ok || !strings.Contains(policySourceARN, ":role/") {
		return nil, &simapi.APIError{Code: "NoSuchEntity", Message: "The role with name " + name + " cannot be found.", HTTPStatus: http.StatusNotFound}
	}
	out := make(map[string]bool, len(actions))
	for _, a := range actions {
		out[a] = r.allowed[a] || r.allowed[strings.SplitN(a, ":", 2)[0]+":*"]
	}
	return out, nil
}

// roleAllows reports whether the task's role exists and allows every action
// (false when the world knows no such role: exec cannot work then).
func (w *World) roleAllows(arn string, actions ...string) bool {
	name := arn[strings.LastIndexByte(arn, '/')+1:]
	r, ok := w.roles[name]
	if !ok {
		return false
	}
	for _, a := range actions {
		if !r.allowed[a] && !r.allowed[strings.SplitN(a, ":", 2)[0]+":*"] {
			return false
		}
	}
	return true
}
