package wire

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/aws/sim"
)

// TestECSReadRoundTrip walks the demo account with the real ECS client and
// checks that the fields the product reads arrive decoded.
func TestECSReadRoundTrip(t *testing.T) {
	s, c := serve(t, demo(t), Options{}, 1)
	cx := ctx(t)

	lc, err := c.ecs.ListClusters(cx, &ecs.ListClustersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lc.ClusterArns) != 2 {
		t.Fatalf("clusters = %v, want playground and prod", lc.ClusterArns)
	}
	dc, err := c.ecs.DescribeClusters(cx, &ecs.DescribeClustersInput{Clusters: lc.ClusterArns})
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range dc.Clusters {
		if aws.ToString(cl.ClusterName) == "" || cl.RegisteredContainerInstancesCount == 0 || cl.RunningTasksCount == 0 {
			t.Errorf("cluster decoded without counts: %+v", cl)
		}
	}

	ls, err := c.ecs.ListServices(cx, &ecs.ListServicesInput{Cluster: aws.String("playground")})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := c.ecs.DescribeServices(cx, &ecs.DescribeServicesInput{Cluster: aws.String("playground"),
		Services: ls.ServiceArns, Include: []types.ServiceField{types.ServiceFieldTags}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Services) != len(ls.ServiceArns) || len(ds.Failures) != 0 {
		t.Fatalf("described %d services, %d failures for %d arns", len(ds.Services), len(ds.Failures), len(ls.ServiceArns))
	}
	var auth types.Service
	for _, sv := range ds.Services {
		if aws.ToString(sv.ServiceName) == "auth" {
			auth = sv
		}
	}
	if auth.DesiredCount != 2 || len(auth.Deployments) == 0 || len(auth.Events) == 0 || auth.CreatedAt == nil {
		t.Fatalf("auth decoded incompletely: desired=%d deployments=%d events=%d", auth.DesiredCount, len(auth.Deployments), len(auth.Events))
	}
	dcfg := auth.DeploymentConfiguration
	if aws.ToInt32(dcfg.MaximumPercent) != 200 || aws.ToInt32(dcfg.MinimumHealthyPercent) != 50 || dcfg.DeploymentCircuitBreaker == nil {
		t.Errorf("deployment configuration = %+v", dcfg)
	}
	if d := auth.Deployments[0]; d.RolloutState == "" || d.CreatedAt == nil || aws.ToString(d.TaskDefinition) == "" {
		t.Errorf("deployment decoded incompletely: %+v", d)
	}
	if len(auth.LoadBalancers) != 1 || aws.ToInt32(auth.LoadBalancers[0].ContainerPort) != 10080 {
		t.Errorf("load balancers = %+v", auth.LoadBalancers)
	}
	if auth.Events[0].CreatedAt.IsZero() || aws.ToString(auth.Events[0].Message) == "" {
		t.Errorf("event = %+v", auth.Events[0])
	}

	lt, err := c.ecs.ListTasks(cx, &ecs.ListTasksInput{Cluster: aws.String("playground"), ServiceName: aws.String("random")})
	if err != nil {
		t.Fatal(err)
	}
	dt, err := c.ecs.DescribeTasks(cx, &ecs.DescribeTasksInput{Cluster: aws.String("playground"), Tasks: lt.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	if len(dt.Tasks) != 4 {
		t.Fatalf("random tasks = %d, want 4", len(dt.Tasks))
	}
	for _, tk := range dt.Tasks {
		if aws.ToString(tk.LastStatus) != "RUNNING" || tk.StartedAt == nil || aws.ToString(tk.ContainerInstanceArn) == "" {
			t.Errorf("task decoded incompletely: %s %s", aws.ToString(tk.TaskArn), aws.ToString(tk.LastStatus))
		}
		nb := tk.Containers[0].NetworkBindings
		if len(nb) != 1 || aws.ToInt32(nb[0].HostPort) < 32768 || aws.ToInt32(nb[0].ContainerPort) != 10081 {
			t.Errorf("dynamic port binding = %+v", nb)
		}
	}

	li, err := c.ecs.ListContainerInstances(cx, &ecs.ListContainerInstancesInput{Cluster: aws.String("playground")})
	if err != nil {
		t.Fatal(err)
	}
	di, err := c.ecs.DescribeContainerInstances(cx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("playground"), ContainerInstances: li.ContainerInstanceArns})
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]int{}
	for _, ci := range di.ContainerInstances {
		statuses[aws.ToString(ci.Status)]++
		if len(ci.RemainingResources) != 4 || aws.ToString(ci.Ec2InstanceId) == "" || ci.VersionInfo == nil || aws.ToString(ci.VersionInfo.AgentVersion) == "" {
			t.Errorf("instance decoded incompletely: %+v", ci)
		}
		if !slices.ContainsFunc(ci.Attributes, func(a types.Attribute) bool { return aws.ToString(a.Name) == "ecs.availability-zone" }) {
			t.Errorf("instance without AZ attribute: %s", aws.ToString(ci.ContainerInstanceArn))
		}
	}
	if statuses["DRAINING"] != 1 {
		t.Errorf("instance statuses = %v, want one DRAINING", statuses)
	}

	fams, err := c.ecs.ListTaskDefinitionFamilies(cx, &ecs.ListTaskDefinitionFamiliesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(fams.Families, "automate") {
		t.Errorf("families = %v", fams.Families)
	}
	ltd, err := c.ecs.ListTaskDefinitions(cx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("auth"), Sort: types.SortOrderDesc})
	if err != nil {
		t.Fatal(err)
	}
	if len(ltd.TaskDefinitionArns) != 2 || !strings.HasSuffix(ltd.TaskDefinitionArns[0], "auth:2") {
		t.Errorf("auth revisions newest first = %v", ltd.TaskDefinitionArns)
	}
	td, err := c.ecs.DescribeTaskDefinition(cx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("automate")})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(td.TaskDefinition.ContainerDefinitions); n != 9 {
		t.Fatalf("automate containers = %d, want 9", n)
	}
	var links, mounts, awslogs int
	for _, cd := range td.TaskDefinition.ContainerDefinitions {
		links += len(cd.Links)
		mounts += len(cd.MountPoints) + len(cd.VolumesFrom)
		if cd.LogConfiguration != nil && cd.LogConfiguration.LogDriver == types.LogDriverAwslogs {
			awslogs++
		}
	}
	if links == 0 || mounts == 0 || awslogs != 9 || len(td.TaskDefinition.Volumes) == 0 {
		t.Errorf("automate: links=%d mounts=%d awslogs=%d volumes=%d", links, mounts, awslogs, len(td.TaskDefinition.Volumes))
	}

	for action, want := range map[string]int{"ecs:ListClusters": 1, "ecs:DescribeServices": 1, "ecs:DescribeTaskDefinition": 1} {
		if got := s.Calls(action); got != want {
			t.Errorf("Calls(%s) = %d, want %d", action, got, want)
		}
	}
	if s.MutatingCalls() != 0 {
		t.Errorf("reads counted as mutations: %d", s.MutatingCalls())
	}
}

// TestECSPagination pages a 250-service cluster as AWS would: 3 pages at 100,
// 25 at the default of 10, and every ARN exactly once.
func TestECSPagination(t *testing.T) {
	w := sim.NewLarge(7, sim.LargeOptions{Services: 250, Tasks: 250, Instances: 30})
	s, c := serve(t, w, Options{}, 1)
	cx := ctx(t)
	tests := []struct {
		name      string
		max       *int32
		wantPages int
	}{
		{"max 100", aws.Int32(100), 3},
		{"default 10", nil, 25},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.ResetCounts()
			p := ecs.NewListServicesPaginator(c.ecs, &ecs.ListServicesInput{Cluster: aws.String("large"), MaxResults: tc.max})
			seen := map[string]bool{}
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(cx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, a := range out.ServiceArns {
					if seen[a] {
						t.Fatalf("ARN %s returned twice", a)
					}
					seen[a] = true
				}
			}
			if pages != tc.wantPages || len(seen) != 250 {
				t.Errorf("pages=%d services=%d, want %d pages of 250 services", pages, len(seen), tc.wantPages)
			}
			if got := s.Calls("ecs:ListServices"); got != tc.wantPages {
				t.Errorf("Calls = %d, want %d", got, tc.wantPages)
			}
		})
	}

	tp := ecs.NewListTasksPaginator(c.ecs, &ecs.ListTasksInput{Cluster: aws.String("large"), MaxResults: aws.Int32(100)})
	var tasks []string
	for tp.HasMorePages() {
		out, err := tp.NextPage(cx)
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, out.TaskArns...)
	}
	if len(tasks) != 250 {
		t.Errorf("ListTasks paged %d tasks, want 250", len(tasks))
	}
	// 250 tasks in batches of 100: 3 DescribeTasks calls.
	for i := 0; i < len(tasks); i += 100 {
		out, err := c.ecs.DescribeTasks(cx, &ecs.DescribeTasksInput{Cluster: aws.String("large"), Tasks: tasks[i:min(i+100, len(tasks))]})
		if err != nil || len(out.Tasks) != min(100, len(tasks)-i) {
			t.Fatalf("DescribeTasks batch %d: %v", i, err)
		}
	}

	// A token from one listing is no good for another.
	first, err := c.ecs.ListServices(cx, &ecs.ListServicesInput{Cluster: aws.String("large")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ecs.ListTasks(cx, &ecs.ListTasksInput{Cluster: aws.String("large"), NextToken: first.NextToken})
	if code(err) != "InvalidParameterException" {
		t.Errorf("foreign token: err = %v", err)
	}
}

// TestECSLimits checks the batch and page limits ECS enforces.
func TestECSLimits(t *testing.T) {
	w := sim.NewLarge(7, sim.LargeOptions{Services: 20, Tasks: 120, Instances: 12})
	_, c := serve(t, w, Options{}, 1)
	cx := ctx(t)
	svcs, err := c.ecs.ListServices(cx, &ecs.ListServicesInput{Cluster: aws.String("large"), MaxResults: aws.Int32(100)})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := c.ecs.ListTasks(cx, &ecs.ListTasksInput{Cluster: aws.String("large"), MaxResults: aws.Int32(100)})
	if err != nil {
		t.Fatal(err)
	}
	insts, err := c.ecs.ListContainerInstances(cx, &ecs.ListContainerInstancesInput{Cluster: aws.String("large")})
	if err != nil {
		t.Fatal(err)
	}
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("t%d", i)
		}
		return out
	}
	tests := []struct {
		name string
		call func() error
		want string // error code, "" for success
	}{
		{"DescribeServices 10", func() error {
			_, err := c.ecs.DescribeServices(cx, &ecs.DescribeServicesInput{Cluster: aws.String("large"), Services: svcs.ServiceArns[:10]})
			return err
		}, ""},
		{"DescribeServices 11", func() error {
			_, err := c.ecs.DescribeServices(cx, &ecs.DescribeServicesInput{Cluster: aws.String("large"), Services: svcs.ServiceArns[:11]})
			return err
		}, "InvalidParameterException"},
		{"DescribeTasks 101", func() error {
			_, err := c.ecs.DescribeTasks(cx, &ecs.DescribeTasksInput{Cluster: aws.String("large"), Tasks: append(slices.Clone(tasks.TaskArns), "extra")})
			return err
		}, "InvalidParameterException"},
		{"DescribeContainerInstances 101", func() error {
			_, err := c.ecs.DescribeContainerInstances(cx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("large"), ContainerInstances: many(101)})
			return err
		}, "InvalidParameterException"},
		{"DescribeClusters 101", func() error {
			_, err := c.ecs.DescribeClusters(cx, &ecs.DescribeClustersInput{Clusters: many(101)})
			return err
		}, "InvalidParameterException"},
		{"ListServices maxResults 101", func() error {
			_, err := c.ecs.ListServices(cx, &ecs.ListServicesInput{Cluster: aws.String("large"), MaxResults: aws.Int32(101)})
			return err
		}, "InvalidParameterException"},
		{"ListTasks maxResults 0", func() error {
			_, err := c.ecs.ListTasks(cx, &ecs.ListTasksInput{Cluster: aws.String("large"), MaxResults: aws.Int32(0)})
			return err
		}, "InvalidParameterException"},
		{"StartTask 11 instances", func() error {
			_, err := c.ecs.StartTask(cx, &ecs.StartTaskInput{Cluster: aws.String("large"), TaskDefinition: aws.String("api"),
				ContainerInstances: insts.ContainerInstanceArns[:11]})
			return err
		}, "InvalidParameterException"},
		{"unknown cluster", func() error {
			_, err := c.ecs.ListServices(cx, &ecs.ListServicesInput{Cluster: aws.String("nope")})
			return err
		}, "ClusterNotFoundException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if got := code(err); got != tc.want {
				t.Fatalf("error code = %q (%v), want %q", got, err, tc.want)
			}
			if tc.name == "DescribeServices 11" && !strings.Contains(err.Error(), "at most 10") {
				t.Errorf("message = %v", err)
			}
		})
	}
}

// TestECSFailures checks that per-item failures arrive next to the results.
func TestECSFailures(t *testing.T) {
	_, c := serve(t, demo(t), Options{}, 1)
	cx := ctx(t)
	ds, err := c.ecs.DescribeServices(cx, &ecs.DescribeServicesInput{Cluster: aws.String("playground"), Services: []string{"auth", "ghost"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Services) != 1 || len(ds.Failures) != 1 {
		t.Fatalf("services=%d failures=%d, want 1 and 1", len(ds.Services), len(ds.Failures))
	}
	f := ds.Failures[0]
	if aws.ToString(f.Reason) != "MISSING" || !strings.HasSuffix(aws.ToString(f.Arn), "ghost") {
		t.Errorf("failure = arn %q reason %q", aws.ToString(f.Arn), aws.ToString(f.Reason))
	}
	dt, err := c.ecs.DescribeTasks(cx, &ecs.DescribeTasksInput{Cluster: aws.String("playground"), Tasks: []string{"0123456789abcdef0123456789abcdef"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(dt.Failures) != 1 || aws.ToString(dt.Failures[0].Reason) != "MISSING" {
		t.Errorf("task failures = %+v", dt.Failures)
	}
}

// TestECSListFilters checks the list filters answered by describing.
func TestECSListFilters(t *testing.T) {
	_, c := serve(t, demo(t), Options{}, 1)
	cx := ctx(t)
	tests := []struct {
		name string
		in   ecs.ListServicesInput
		want int
	}{
		{"all", ecs.ListServicesInput{}, 3},
		{"EC2", ecs.ListServicesInput{LaunchType: types.LaunchTypeEc2}, 3},
		{"FARGATE", ecs.ListServicesInput{LaunchType: types.LaunchTypeFargate}, 0},
		{"DAEMON", ecs.ListServicesInput{SchedulingStrategy: types.SchedulingStrategyDaemon}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Cluster = aws.String("playground")
			out, err := c.ecs.ListServices(cx, &in)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.ServiceArns) != tc.want {
				t.Errorf("services = %v, want %d", out.ServiceArns, tc.want)
			}
		})
	}
	ft, err := c.ecs.ListTasks(cx, &ecs.ListTasksInput{Cluster: aws.String("playground"), LaunchType: types.LaunchTypeFargate})
	if err != nil || len(ft.TaskArns) != 0 {
		t.Errorf("FARGATE tasks = %v, %v", ft, err)
	}
	et, err := c.ecs.ListTasks(cx, &ecs.ListTasksInput{Cluster: aws.String("playground"), LaunchType: types.LaunchTypeEc2})
	if err != nil || len(et.TaskArns) == 0 {
		t.Errorf("EC2 tasks = %v, %v", et, err)
	}
	_, err = c.ecs.ListContainerInstances(cx, &ecs.ListContainerInstancesInput{Cluster: aws.String("playground"), Filter: aws.String("attribute:ecs.instance-type == t3.large")})
	if code(err) != "InvalidParameterException" {
		t.Errorf("cluster query filter: %v", err)
	}
}

// TestECSBucketsAreTheQuotaTable: every ECS operation the server throttles
// spends the bucket the one quota table names, so the adapter's budget and
// the simulator's throttling cannot drift apart.
func TestECSBucketsAreTheQuotaTable(t *testing.T) {
	for op, h := range ecsOps {
		want := quota.OfECS(op)
		if want == "" {
			continue
		}
		if h.bucket != string(want) {
			t.Errorf("%s spends %q here, %q in package quota", op, h.bucket, want)
		}
	}
}
