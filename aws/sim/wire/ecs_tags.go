package wire

import (
	"slices"
	"strings"

	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/model"
)

// Tags, account settings and attributes.

func ecsTagResource(s *Server, body []byte) (any, error) {
	var in struct {
		ResourceArn string  `json:"resourceArn"`
		Tags        []jsTag `json:"tags"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ResourceArn == "" {
		return nil, invalid("resourceArn must be specified.")
	}
	tags := make([]model.KeyValue, 0, len(in.Tags))
	for _, t := range in.Tags {
		tags = append(tags, model.KeyValue{Name: t.Key, Value: t.Value})
	}
	if err := s.b.TagResource(in.ResourceArn, tags); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func ecsUntagResource(s *Server, body []byte) (any, error) {
	var in struct {
		ResourceArn string   `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ResourceArn == "" {
		return nil, invalid("resourceArn must be specified.")
	}
	if err := s.b.UntagResource(in.ResourceArn, in.TagKeys); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func ecsListTagsForResource(s *Server, body []byte) (any, error) {
	var in struct {
		ResourceArn string `json:"resourceArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ResourceArn == "" {
		return nil, invalid("resourceArn must be specified.")
	}
	kvs, err := s.b.ListTagsForResource(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	out := struct {
		Tags []jsTag `json:"tags"`
	}{Tags: []jsTag{}}
	for _, kv := range kvs {
		out.Tags = append(out.Tags, jsTag{Key: kv.Name, Value: kv.Value})
	}
	return out, nil
}

// accountSettingDefaults are ECS's defaults for an account that set
// nothing, and the values each setting accepts.
var accountSettingDefaults = map[string]struct {
	def    string
	values []string
}{
	"serviceLongArnFormat":            {"enabled", []string{"enabled", "disabled"}},
	"taskLongArnFormat":               {"enabled", []string{"enabled", "disabled"}},
	"containerInstanceLongArnFormat":  {"enabled", []string{"enabled", "disabled"}},
	"awsvpcTrunking":                  {"disabled", []string{"enabled", "disabled"}},
	"containerInsights":               {"disabled", []string{"enabled", "disabled", "enhanced"}},
	"dualStackIPv6":                   {"disabled", []string{"enabled", "disabled"}},
	"fargateFIPSMode":                 {"disabled", []string{"enabled", "disabled"}},
	"tagResourceAuthorization":        {"on", []string{"on", "off"}},
	"fargateTaskRetirementWaitPeriod": {"7", []string{"0", "7", "14"}},
	"guardDutyActivate":               {"off", []string{"on", "off"}},
	"defaultLogDriverMode":            {"non-blocking", []string{"blocking", "non-blocking"}},
}

type jsSetting struct {
	Name         string `json:"name"`
	Value        string `json:"value"`
	PrincipalArn string `json:"principalArn"`
	Type         string `json:"type"`
}

func (s *Server) principal() string { return "arn:aws:iam::" + s.account + ":user/ecstui-demo" }

func ecsPutAccountSetting(s *Server, body []byte) (any, error) {
	var in struct {
		Name         string `json:"name"`
		Value        string `json:"value"`
		PrincipalArn string `json:"principalArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	known := slices.Contains(ecstypes.SettingName("").Values(), ecstypes.SettingName(in.Name))
	d, ok := accountSettingDefaults[in.Name]
	switch {
	case !known:
		return nil, invalid("Invalid setting name %q.", in.Name)
	case !ok:
		return nil, invalid("The simulator does not model the account setting %s.", in.Name)
	case !slices.Contains(d.values, in.Value):
		return nil, invalid("Invalid value %q for %s: one of %s.", in.Value, in.Name, strings.Join(d.values, ", "))
	case in.PrincipalArn != "" && in.PrincipalArn != s.principal():
		return nil, invalid("The simulator has one principal, %s: it cannot set settings for %s.", s.principal(), in.PrincipalArn)
	}
	s.b.PutAccountSetting(in.Name, in.Value)
	return struct {
		Setting jsSetting `json:"setting"`
	}{jsSetting{Name: in.Name, Value: in.Value, PrincipalArn: s.principal(), Type: "user"}}, nil
}

// ecsListAccountSettings lists the settings set; with effectiveSettings,
// every setting with the value in effect (ECS's default when unset).
func ecsListAccountSettings(s *Server, body []byte) (any, error) {
	var in struct {
		Name              string `json:"name"`
		Value             string `json:"value"`
		PrincipalArn      string `json:"principalArn"`
		EffectiveSettings bool   `json:"effectiveSettings"`
		NextToken         string `json:"nextToken"`
		MaxResults        *int   `json:"maxResults"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults, 10, 10, "maxResults")
	if err != nil {
		return nil, err
	}
	set := map[string]string{}
	for _, kv := range s.b.AccountSettings() {
		set[kv.Name] = kv.Value
	}
	var all []jsSetting
	names := make([]string, 0, len(accountSettingDefaults))
	for k := range accountSettingDefaults {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		v, ok := set[name]
		st := jsSetting{Name: name, Value: v, PrincipalArn: s.principal(), Type: "user"}
		if !ok {
			if !in.EffectiveSettings {
				continue
			}
			st = jsSetting{Name: name, Value: accountSettingDefaults[name].def, PrincipalArn: "arn:aws:iam::" + s.account + ":root", Type: "aws_managed"}
		}
		if (in.Name == "" || in.Name == name) && (in.Value == "" || in.Value == st.Value) {
			all = append(all, st)
		}
	}
	page, next, ok := pageOf(all, n, in.NextToken, fingerprint("ListAccountSettings", in.Name, in.Value, strconvBool(in.EffectiveSettings)))
	if !ok {
		return nil, errBadToken
	}
	return struct {
		Settings  []jsSetting `json:"settings"`
		NextToken string      `json:"nextToken,omitempty"`
	}{nonNil(page), next}, nil
}

func strconvBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

type jsAttributeTarget struct {
	Name       string `json:"name"`
	Value      string `json:"value,omitempty"`
	TargetType string `json:"targetType"`
	TargetID   string `json:"targetId"`
}

// ecsListAttributes lists the attributes of a cluster's container
// instances (the only target type ECS has).
func ecsListAttributes(s *Server, body []byte) (any, error) {
	var in struct {
		listReq
		TargetType     string `json:"targetType"`
		AttributeName  string `json:"attributeName"`
		AttributeValue string `json:"attributeValue"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.TargetType != "container-instance" {
		return nil, invalid("targetType must be container-instance.")
	}
	if in.AttributeValue != "" && in.AttributeName == "" {
		return nil, invalid("attributeValue requires attributeName.")
	}
	n, err := pageSize(in.MaxResults, maxListResults, maxListResults, "maxResults")
	if err != nil {
		return nil, err
	}
	arns, err := s.b.ListContainerInstances(in.Cluster, "")
	if err != nil {
		return nil, err
	}
	var all []jsAttributeTarget
	for i := 0; i < len(arns); i += maxDescribeBatch {
		cis, _, err := s.b.DescribeContainerInstances(in.Cluster, arns[i:min(i+maxDescribeBatch, len(arns))])
		if err != nil {
			return nil, err
		}
		for _, ci := range cis {
			for _, name := range sortedKeys(ci.Attributes) {
				v := ci.Attributes[name]
				if (in.AttributeName == "" || name == in.AttributeName) && (in.AttributeValue == "" || v == in.AttributeValue) {
					all = append(all, jsAttributeTarget{Name: name, Value: v, TargetType: "container-instance", TargetID: ci.ARN})
				}
			}
		}
	}
	page, next, ok := pageOf(all, n, in.NextToken, fingerprint("ListAttributes", in.Cluster, in.AttributeName, in.AttributeValue))
	if !ok {
		return nil, errBadToken
	}
	return struct {
		Attributes []jsAttributeTarget `json:"attributes"`
		NextToken  string              `json:"nextToken,omitempty"`
	}{nonNil(page), next}, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
