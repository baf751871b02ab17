package wire

import (
	"cmp"
	"encoding/xml"
	"strconv"

	"github.com/ecstui/ecstui/model"
)

// Auto Scaling lifecycle hooks, scale-in protection and instance refresh.

const maxDescribeRefreshes = 100

// queryResponse wraps a result in the awsQuery envelope <OpResponse>; the
// result must carry its own XMLName (OpResult): the SDK needs that element
// even when it is empty.
func queryResponse(s *Server, op string, result any) any {
	return struct {
		XMLName xml.Name
		Xmlns   string `xml:"xmlns,attr"`
		Result  any
		Meta    meta `xml:"ResponseMetadata"`
	}{XMLName: xml.Name{Local: op + "Response"}, Xmlns: nsAutoScaling, Result: result, Meta: s.meta()}
}

// refreshIDResult is the result of the refresh operations that return its id.
type refreshIDResult struct {
	XMLName xml.Name
	ID      string `xml:"InstanceRefreshId"`
}

func refreshIDOf(op, id string) refreshIDResult {
	return refreshIDResult{XMLName: xml.Name{Local: op + "Result"}, ID: id}
}

func emptyResult(op string) any {
	return struct{ XMLName xml.Name }{xml.Name{Local: op + "Result"}}
}

func groupParam(f form) (string, error) {
	g := f.get("AutoScalingGroupName")
	if g == "" {
		return "", validation("1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null")
	}
	return g, nil
}

type xmlLifecycleHook struct {
	LifecycleHookName    string `xml:"LifecycleHookName"`
	AutoScalingGroupName string `xml:"AutoScalingGroupName"`
	LifecycleTransition  string `xml:"LifecycleTransition"`
	HeartbeatTimeout     int    `xml:"HeartbeatTimeout"`
	GlobalTimeout        int    `xml:"GlobalTimeout"`
	DefaultResult        string `xml:"DefaultResult"`
}

func asgDescribeLifecycleHooks(s *Server, f form) (any, error) {
	g, err := groupParam(f)
	if err != nil {
		return nil, err
	}
	hooks, err := s.b.DescribeLifecycleHooks(g, f.list("LifecycleHookNames.member"))
	if err != nil {
		return nil, err
	}
	type result struct {
		XMLName xml.Name           `xml:"DescribeLifecycleHooksResult"`
		Hooks   []xmlLifecycleHook `xml:"LifecycleHooks>member"`
	}
	var r result
	for _, h := range hooks {
		r.Hooks = append(r.Hooks, xmlLifecycleHook{LifecycleHookName: h.Name, AutoScalingGroupName: h.AutoScalingGroupName,
			LifecycleTransition: h.LifecycleTransition, HeartbeatTimeout: int(h.HeartbeatTimeout.Seconds()),
			GlobalTimeout: int(h.GlobalTimeout.Seconds()), DefaultResult: h.DefaultResult})
	}
	return queryResponse(s, "DescribeLifecycleHooks", r), nil
}

func asgSetInstanceProtection(s *Server, f form) (any, error) {
	g, err := groupParam(f)
	if err != nil {
		return nil, err
	}
	p := f.get("ProtectedFromScaleIn")
	protected, err := strconv.ParseBool(p)
	if err != nil {
		return nil, validation("1 validation error detected: Value at 'protectedFromScaleIn' failed to satisfy constraint: Member must not be null")
	}
	if err := s.b.SetInstanceProtection(g, f.list("InstanceIds.member"), protected); err != nil {
		return nil, err
	}
	return queryResponse(s, "SetInstanceProtection", emptyResult("SetInstanceProtection")), nil
}

func asgCompleteLifecycleAction(s *Server, f form) (any, error) {
	g, err := groupParam(f)
	if err != nil {
		return nil, err
	}
	hook, id := f.get("LifecycleHookName"), f.get("InstanceId")
	if hook == "" {
		return nil, validation("1 validation error detected: Value null at 'lifecycleHookName' failed to satisfy constraint: Member must not be null")
	}
	if id == "" {
		return nil, validation("Either instance id or lifecycle action token must be specified.")
	}
	if err := s.b.CompleteLifecycleAction(g, hook, id, f.get("LifecycleActionResult")); err != nil {
		return nil, err
	}
	return queryResponse(s, "CompleteLifecycleAction", emptyResult("CompleteLifecycleAction")), nil
}

func optInt(f form, name string) (*int, error) {
	v := f.get(name)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, validation("Invalid value for " + name + ": " + v)
	}
	return &n, nil
}

func asgStartInstanceRefresh(s *Server, f form) (any, error) {
	g, err := groupParam(f)
	if err != nil {
		return nil, err
	}
	if st := f.get("Strategy"); st != "" && st != "Rolling" {
		return nil, validation("The simulator supports the Rolling strategy only, not " + st + ".")
	}
	in := model.RefreshInput{AutoScalingGroupName: g}
	const lt = "DesiredConfiguration.LaunchTemplate."
	if id, name := f.get(lt+"LaunchTemplateId"), f.get(lt+"LaunchTemplateName"); id != "" || name != "" {
		in.Desired = &model.LaunchTemplateRef{ID: id, Name: name, Version: f.get(lt + "Version")}
	}
	p := &in.Preferences
	for name, dst := range map[string]**int{"Preferences.MinHealthyPercentage": &p.MinHealthyPercentage,
		"Preferences.MaxHealthyPercentage": &p.MaxHealthyPercentage, "Preferences.InstanceWarmup": &p.InstanceWarmup,
		"Preferences.CheckpointDelay": &p.CheckpointDelay, "Preferences.BakeTime": &p.BakeTime} {
		if *dst, err = optInt(f, name); err != nil {
			return nil, err
		}
	}
	for _, v := range f.list("Preferences.CheckpointPercentages.member") {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, validation("Invalid value for CheckpointPercentages: " + v)
		}
		p.CheckpointPercentages = append(p.CheckpointPercentages, n)
	}
	p.SkipMatching = f.get("Preferences.SkipMatching") == "true"
	p.AutoRollback = f.get("Preferences.AutoRollback") == "true"
	p.ScaleInProtectedInstances = f.get("Preferences.ScaleInProtectedInstances")
	p.StandbyInstances = f.get("Preferences.StandbyInstances")
	id, err := s.b.StartInstanceRefresh(in)
	if err != nil {
		return nil, err
	}
	return queryResponse(s, "StartInstanceRefresh", refreshIDOf("StartInstanceRefresh", id)), nil
}

func asgCancelInstanceRefresh(s *Server, f form) (any, error) {
	g, err := groupParam(f)
	if err != nil {
		return nil, err
	}
	id, err := s.b.CancelInstanceRefresh(g)
	if err != nil {
		return nil, err
	}
	return queryResponse(s, "CancelInstanceRefresh", refreshIDOf("CancelInstanceRefresh", id)), nil
}

func asgRollbackInstanceRefresh(s *Server, f form) (any, error) {
	g, err := groupParam(f)
	if err != nil {
		return nil, err
	}
	id, err := s.b.RollbackInstanceRefresh(g)
	if err != nil {
		return nil, err
	}
	return queryResponse(s, "RollbackInstanceRefresh", refreshIDOf("RollbackInstanceRefresh", id)), nil
}

type xmlProgress struct {
	PercentageComplete int `xml:"PercentageComplete"`
	InstancesToUpdate  int `xml:"InstancesToUpdate"`
}

type xmlPreferences struct {
	MinHealthyPercentage      *int   `xml:"MinHealthyPercentage,omitempty"`
	MaxHealthyPercentage      *int   `xml:"MaxHealthyPercentage,omitempty"`
	InstanceWarmup            *int   `xml:"InstanceWarmup,omitempty"`
	CheckpointPercentages     []int  `xml:"CheckpointPercentages>member"`
	CheckpointDelay           *int   `xml:"CheckpointDelay,omitempty"`
	SkipMatching              bool   `xml:"SkipMatching"`
	AutoRollback              bool   `xml:"AutoRollback"`
	ScaleInProtectedInstances string `xml:"ScaleInProtectedInstances"`
	StandbyInstances          string `xml:"StandbyInstances"`
	BakeTime                  *int   `xml:"BakeTime,omitempty"`
}

type xmlRollbackDetails struct {
	RollbackReason               string      `xml:"RollbackReason,omitempty"`
	RollbackStartTime            string      `xml:"RollbackStartTime,omitempty"`
	PercentageCompleteOnRollback int         `xml:"PercentageCompleteOnRollback"`
	InstancesToUpdateOnRollback  int         `xml:"InstancesToUpdateOnRollback"`
	ProgressDetailsOnRollback    xmlProgress `xml:"ProgressDetailsOnRollback>LivePoolProgress"`
}

type xmlInstanceRefresh struct {
	InstanceRefreshID    string              `xml:"InstanceRefreshId"`
	AutoScalingGroupName string              `xml:"AutoScalingGroupName"`
	Status               string              `xml:"Status"`
	StatusReason         string              `xml:"StatusReason,omitempty"`
	StartTime            string              `xml:"StartTime,omitempty"`
	EndTime              string              `xml:"EndTime,omitempty"`
	PercentageComplete   int                 `xml:"PercentageComplete"`
	InstancesToUpdate    int                 `xml:"InstancesToUpdate"`
	ProgressDetails      xmlProgress         `xml:"ProgressDetails>LivePoolProgress"`
	Preferences          xmlPreferences      `xml:"Preferences"`
	DesiredConfiguration *xmlLaunchTemplate  `xml:"DesiredConfiguration>LaunchTemplate,omitempty"`
	RollbackDetails      *xmlRollbackDetails `xml:"RollbackDetails,omitempty"`
	Strategy             string              `xml:"Strategy"`
}

func refreshOf(r model.InstanceRefresh) xmlInstanceRefresh {
	p := r.Preferences
	x := xmlInstanceRefresh{InstanceRefreshID: r.ID, AutoScalingGroupName: r.AutoScalingGroupName, Status: r.Status,
		StatusReason: r.StatusReason, StartTime: isoTime(r.StartTime), EndTime: isoTime(r.EndTime),
		PercentageComplete: r.PercentageComplete, InstancesToUpdate: r.InstancesToUpdate,
		ProgressDetails: xmlProgress{r.PercentageComplete, r.InstancesToUpdate},
		Preferences: xmlPreferences{MinHealthyPercentage: p.MinHealthyPercentage, MaxHealthyPercentage: p.MaxHealthyPercentage,
			InstanceWarmup: p.InstanceWarmup, CheckpointPercentages: p.CheckpointPercentages, CheckpointDelay: p.CheckpointDelay,
			SkipMatching: p.SkipMatching, AutoRollback: p.AutoRollback, ScaleInProtectedInstances: p.ProtectedBehaviour(),
			StandbyInstances: cmp.Or(p.StandbyInstances, "Wait"), BakeTime: p.BakeTime},
		Strategy: "Rolling",
	}
	if r.Preferences.MinHealthyPercentage == nil {
		v := model.DefaultMinHealthyPercentage
		x.Preferences.MinHealthyPercentage = &v
	}
	if r.Desired != nil {
		x.DesiredConfiguration = launchTemplate(*r.Desired)
	}
	if rb := r.Rollback; rb != nil {
		x.RollbackDetails = &xmlRollbackDetails{RollbackReason: rb.Reason, RollbackStartTime: isoTime(rb.StartTime),
			PercentageCompleteOnRollback: rb.PercentageComplete, InstancesToUpdateOnRollback: rb.InstancesToUpdate,
			ProgressDetailsOnRollback: xmlProgress{rb.PercentageComplete, rb.InstancesToUpdate}}
	}
	return x
}

func asgDescribeInstanceRefreshes(s *Server, f form) (any, error) {
	g, err := groupParam(f)
	if err != nil {
		return nil, err
	}
	ids := f.list("InstanceRefreshIds.member")
	n, err := f.intParam("MaxRecords", 50, maxDescribeRefreshes, protoQuery)
	if err != nil {
		return nil, err
	}
	rs, err := s.b.DescribeInstanceRefreshes(g, ids)
	if err != nil {
		return nil, err
	}
	page, next, ok := pageOf(rs, n, f.get("NextToken"), fingerprint(append([]string{"DescribeInstanceRefreshes", g}, ids...)...))
	if !ok {
		return nil, invalidToken()
	}
	type result struct {
		XMLName   xml.Name             `xml:"DescribeInstanceRefreshesResult"`
		Refreshes []xmlInstanceRefresh `xml:"InstanceRefreshes>member"`
		NextToken string               `xml:"NextToken,omitempty"`
	}
	r := result{NextToken: next}
	for _, x := range page {
		r.Refreshes = append(r.Refreshes, refreshOf(x))
	}
	return queryResponse(s, "DescribeInstanceRefreshes", r), nil
}
