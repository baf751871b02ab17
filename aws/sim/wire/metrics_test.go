package wire

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/model"
)

// scalingClients are SDK clients for the two protocols of this issue.
func scalingClients(t *testing.T, w *sim.World) (*Server, *cloudwatch.Client, *aas.Client) {
	t.Helper()
	s := New(w, Options{})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("x", "x", ""),
		BaseEndpoint: aws.String(hs.URL), Retryer: func() aws.Retryer { return aws.NopRetryer{} }}
	return s, cloudwatch.NewFromConfig(cfg), aas.NewFromConfig(cfg)
}

func cpuQuery(id, cluster, service string, period int32) cwtypes.MetricDataQuery {
	return cwtypes.MetricDataQuery{Id: aws.String(id), MetricStat: &cwtypes.MetricStat{
		Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ECS"), MetricName: aws.String("CPUUtilization"),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("ServiceName"), Value: aws.String(service)}, {Name: aws.String("ClusterName"), Value: aws.String(cluster)}}},
		Period: aws.Int32(period), Stat: aws.String("Average")}}
}

func TestGetMetricDataOverRPCv2CBOR(t *testing.T) {
	w := demo(t)
	s, cw, _ := scalingClients(t, w)
	now := w.Now()
	out, err := cw.GetMetricData(ctx(t), &cloudwatch.GetMetricDataInput{StartTime: aws.Time(now.Add(-5 * time.Minute)), EndTime: aws.Time(now),
		MetricDataQueries: []cwtypes.MetricDataQuery{cpuQuery("random", "playground", "random", 60), cpuQuery("ghost", "playground", "ghost", 60)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricDataResults) != 2 || s.Calls("cloudwatch:GetMetricData") != 1 {
		t.Fatalf("want 2 results in 1 call, got %d in %d", len(out.MetricDataResults), s.Calls("cloudwatch:GetMetricData"))
	}
	r := out.MetricDataResults[0]
	if len(r.Values) < 4 || r.StatusCode != cwtypes.StatusCodeComplete || aws.ToString(r.Id) != "random" {
		t.Fatalf("random: %+v", r)
	}
	if !r.Timestamps[0].After(r.Timestamps[1]) {
		t.Fatalf("default ScanBy is TimestampDescending: %v", r.Timestamps)
	}
	if len(out.MetricDataResults[1].Values) != 0 {
		t.Fatalf("a service that does not exist has no datapoints, never zeros: %+v", out.MetricDataResults[1])
	}
}

func TestGetMetricDataPagesByMaxDatapoints(t *testing.T) {
	w := demo(t)
	s, cw, _ := scalingClients(t, w)
	now := w.Now()
	in := &cloudwatch.GetMetricDataInput{StartTime: aws.Time(now.Add(-8 * time.Minute)), EndTime: aws.Time(now), MaxDatapoints: aws.Int32(5),
		MetricDataQueries: []cwtypes.MetricDataQuery{cpuQuery("a", "playground", "random", 60), cpuQuery("b", "playground", "auth", 60)}}
	got := map[string]int{}
	partial := false
	p := cloudwatch.NewGetMetricDataPaginator(cw, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.MetricDataResults {
			got[aws.ToString(r.Id)] += len(r.Values)
			partial = partial || r.StatusCode == cwtypes.StatusCodePartialData
		}
	}
	if got["a"] < 7 || got["a"] != got["b"] || !partial || s.Calls("cloudwatch:GetMetricData") < 3 {
		t.Fatalf("5 datapoints a page: want every datapoint over several calls with PartialData, got %v partial=%v calls=%d", got, partial, s.Calls("cloudwatch:GetMetricData"))
	}
}

func TestGetMetricDataLimits(t *testing.T) {
	w := demo(t)
	_, cw, _ := scalingClients(t, w)
	now := w.Now()
	many := make([]cwtypes.MetricDataQuery, model.MaxMetricQueries+1)
	for i := range many {
		many[i] = cpuQuery("q"+strconv.Itoa(i), "playground", "random", 60)
	}
	expr := cwtypes.MetricDataQuery{Id: aws.String("e"), Expression: aws.String("SUM(METRICS())")}
	for _, tc := range []struct {
		name    string
		queries []cwtypes.MetricDataQuery
		start   time.Time
		want    string
	}{
		{"501 queries", many, now.Add(-time.Hour), "ValidationError"},
		{"duplicate id", []cwtypes.MetricDataQuery{cpuQuery("a", "c", "s", 60), cpuQuery("a", "c", "t", 60)}, now.Add(-time.Hour), "InvalidParameterValue"},
		{"bad id", []cwtypes.MetricDataQuery{cpuQuery("A1", "c", "s", 60)}, now.Add(-time.Hour), "InvalidParameterValue"},
		{"period 45", []cwtypes.MetricDataQuery{cpuQuery("a", "c", "s", 45)}, now.Add(-time.Hour), "InvalidParameterValue"},
		{"period 60 on month-old data", []cwtypes.MetricDataQuery{cpuQuery("a", "c", "s", 60)}, now.Add(-30 * 24 * time.Hour), "InvalidParameterValue"},
		{"metric math", []cwtypes.MetricDataQuery{expr}, now.Add(-time.Hour), "InvalidParameterValue"},
		{"start after end", []cwtypes.MetricDataQuery{cpuQuery("a", "c", "s", 60)}, now.Add(time.Hour), "InvalidParameterValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cw.GetMetricData(ctx(t), &cloudwatch.GetMetricDataInput{StartTime: aws.Time(tc.start), EndTime: aws.Time(now), MetricDataQueries: tc.queries})
			if code(err) != tc.want {
				t.Fatalf("want %s, got %v", tc.want, err)
			}
		})
	}
}

func TestGetMetricDataErrorsAreQueryCompatible(t *testing.T) {
	w := demo(t)
	s, cw, _ := scalingClients(t, w)
	s.DenyAction("cloudwatch:GetMetricData")
	now := w.Now()
	_, err := cw.GetMetricData(ctx(t), &cloudwatch.GetMetricDataInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now),
		MetricDataQueries: []cwtypes.MetricDataQuery{cpuQuery("a", "c", "s", 60)}})
	if code(err) != "AccessDenied" || !strings.Contains(err.Error(), "cloudwatch:GetMetricData") {
		t.Fatalf("want AccessDenied naming the action, got %v", err)
	}
	s2 := New(w, Options{})
	s2.InjectFault("cloudwatch:GetMetricData", Fault{Code: "ThrottlingException", Message: "Rate exceeded", HTTPStatus: 400})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/service/GraniteServiceVersion20100801/operation/GetMetricData", bytes.NewReader(cbor.Encode(cbor.Map{})))
	req.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
	s2.ServeHTTP(rec, req)
	if rec.Code != 400 || rec.Header().Get("X-Amzn-Query-Error") != "Throttling;Sender" || rec.Header().Get("Smithy-Protocol") != "rpc-v2-cbor" {
		t.Fatalf("throttling: status %d, headers %v", rec.Code, rec.Header())
	}
	body, _ := io.ReadAll(rec.Body)
	v, err := cbor.Decode(body)
	if m, ok := v.(cbor.Map); err != nil || !ok || m["__type"] != cbor.String("ThrottlingException") {
		t.Fatalf("error body: %v %v", v, err)
	}
}

func TestApplicationAutoScalingOverJSON(t *testing.T) {
	w := demo(t)
	s, _, as := scalingClients(t, w)
	cx := ctx(t)
	rid := model.ECSServiceResourceID("playground", "random")
	tg, err := as.DescribeScalableTargets(cx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceIds: []string{rid}})
	if err != nil || len(tg.ScalableTargets) != 1 {
		t.Fatalf("targets: %+v %v", tg, err)
	}
	st := tg.ScalableTargets[0]
	if aws.ToInt32(st.MinCapacity) != 2 || aws.ToInt32(st.MaxCapacity) != 12 || st.CreationTime == nil || aws.ToBool(st.SuspendedState.DynamicScalingInSuspended) {
		t.Fatalf("random's target: %+v", st)
	}
	ps, err := as.DescribeScalingPolicies(cx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String(rid)})
	if err != nil || len(ps.ScalingPolicies) != 1 {
		t.Fatalf("policies: %+v %v", ps, err)
	}
	tt := ps.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration
	if tt == nil || aws.ToFloat64(tt.TargetValue) != 50 || tt.PredefinedMetricSpecification.PredefinedMetricType != aastypes.MetricTypeECSServiceAverageCPUUtilization ||
		len(ps.ScalingPolicies[0].Alarms) != 2 {
		t.Fatalf("policy: %+v", ps.ScalingPolicies[0])
	}
	sa, err := as.DescribeScheduledActions(cx, &aas.DescribeScheduledActionsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String(rid)})
	if err != nil || len(sa.ScheduledActions) != 2 || aws.ToString(sa.ScheduledActions[0].Schedule) != "cron(0 8 ? * MON-FRI *)" {
		t.Fatalf("scheduled: %+v %v", sa, err)
	}
	if _, err := as.DescribeScalingPolicies(cx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, MaxResults: aws.Int32(11)}); code(err) != "ValidationException" {
		t.Fatalf("policies page of 11: want ValidationException, got %v", err)
	}

	yes := aws.Bool(true)
	if _, err := as.RegisterScalableTarget(cx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(rid), MaxCapacity: aws.Int32(20),
		SuspendedState: &aastypes.SuspendedState{DynamicScalingInSuspended: yes}}); err != nil {
		t.Fatal(err)
	}
	if s.MutatingCalls() != 1 {
		t.Fatalf("RegisterScalableTarget is mutating: %d", s.MutatingCalls())
	}
	tg, _ = as.DescribeScalableTargets(cx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceIds: []string{rid}})
	if st := tg.ScalableTargets[0]; aws.ToInt32(st.MaxCapacity) != 20 || aws.ToInt32(st.MinCapacity) != 2 || !aws.ToBool(st.SuspendedState.DynamicScalingInSuspended) ||
		aws.ToBool(st.SuspendedState.DynamicScalingOutSuspended) {
		t.Fatalf("an update changes only what it names: %+v %+v", st, st.SuspendedState)
	}
	_, err = as.RegisterScalableTarget(cx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/playground/nope"), MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(2)})
	if code(err) != "ValidationException" {
		t.Fatalf("unknown service: want ValidationException, got %v", err)
	}
	_, err = as.PutScalingPolicy(cx, &aas.PutScalingPolicyInput{PolicyName: aws.String("mem"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/playground/auth"),
		PolicyType: aastypes.PolicyTypeTargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(70), PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageMemoryUtilization}}})
	if code(err) != "ObjectNotFoundException" {
		t.Fatalf("policy without a target: want ObjectNotFoundException, got %v", err)
	}
	if _, err := as.RegisterScalableTarget(cx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(rid), MinCapacity: aws.Int32(6)}); err != nil {
		t.Fatal(err)
	}
	acts, err := as.DescribeScalingActivities(cx, &aas.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String(rid)})
	if err != nil || len(acts.ScalingActivities) == 0 {
		t.Fatalf("activities: %+v %v", acts, err)
	}
	if a := acts.ScalingActivities[0]; aws.ToString(a.Description) != "Setting desired count to 6." || a.StatusCode != aastypes.ScalingActivityStatusCodeSuccessful || a.StartTime == nil {
		t.Fatalf("min raised to 6 above desired 4: want the count set to 6 at once, got %+v", a)
	}
}
