package ops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// Sessions into a container: exec (a shell or a command through ECS Exec)
// and port forwarding (SSM StartSession through the container's agent). Each
// is planned (the readiness check's missing lines are its blockers),
// confirmed in production contexts, opened, handed to the
// session-manager-plugin and journaled when it opens and when it ends.

// Action names of sessions in the journal.
const (
	ActionExec        = "exec"
	ActionPortForward = "port-forward"
)

// SessionAPI is what exec and port forwarding read and call.
type SessionAPI interface {
	DescribeTasks(ctx context.Context, cluster string, ids []string) ([]model.Task, []model.Failure, error)
	DescribeServices(ctx context.Context, cluster string, names []string) ([]model.Service, []model.Failure, error)
	TaskDefinition(ctx context.Context, id string) (model.TaskDefinition, error)
	DescribeContainerInstances(ctx context.Context, cluster string, ids []string) ([]model.ContainerInstance, []model.Failure, error)
	ExecConfiguration(ctx context.Context, cluster string) (model.ExecConfiguration, error)
	ExecuteCommand(ctx context.Context, in model.ExecInput) (model.ExecSession, error)
	StartSession(ctx context.Context, in model.StartSessionInput) (model.SSMSession, error)
	PluginTarget(ctx context.Context) (awsapi.PluginTarget, error)
}

// RoleChecker answers whether a role may call actions (IAM
// SimulatePrincipalPolicy); optional: without it the permission line is
// unknown.
type RoleChecker interface {
	RoleAllows(ctx context.Context, roleARN string, actions []string) (map[string]bool, error)
}

// GatherExec reads what the readiness check needs for one container of a
// task; container "" chooses the task's first essential container. Only the
// task itself must be readable: every other fact that cannot be read is
// recorded with its error and checked as unknown.
func GatherExec(ctx context.Context, api SessionAPI, plugin PluginFinder, cluster, task, container string) (ExecFacts, error) {
	f := ExecFacts{Cluster: cluster}
	ts, fails, err := api.DescribeTasks(ctx, cluster, []string{task})
	if err != nil {
		return f, err
	}
	if len(ts) == 0 {
		return f, Missing("task", task, cluster, fails)
	}
	f.Task = ts[0]
	f.Plugin = plugin.Find(ctx)
	if pt, err := api.PluginTarget(ctx); err == nil {
		f.Region = pt.Region
	}
	td, err := api.TaskDefinition(ctx, f.Task.TaskDefinitionARN)
	if err == nil {
		f.TaskDefinition = &td
	} else {
		f.TaskDefinitionErr = err
	}
	f.Container, err = chooseContainer(f.Task, f.TaskDefinition, container)
	if err != nil {
		return f, err
	}
	if name := f.Task.ServiceName(); name != "" {
		svcs, fails, err := api.DescribeServices(ctx, cluster, []string{name})
		switch {
		case err != nil:
			f.ServiceErr = err
		case len(svcs) == 0 && len(fails) > 0:
			f.ServiceErr = errors.New(fails[0].String())
		case len(svcs) > 0:
			f.Service = &svcs[0]
		}
	}
	if arn := f.Task.ContainerInstanceARN; arn != "" {
		cis, fails, err := api.DescribeContainerInstances(ctx, cluster, []string{arn})
		switch {
		case err != nil:
			f.InstanceErr = err
		case len(cis) == 0 && len(fails) > 0:
			f.InstanceErr = errors.New(fails[0].String())
		case len(cis) > 0:
			f.Instance = &cis[0]
		}
	}
	if cfg, err := api.ExecConfiguration(ctx, cluster); err == nil {
		f.ExecConfig = &cfg
	} else {
		f.ExecConfigErr = err
	}
	if rc, ok := api.(RoleChecker); ok && f.TaskDefinition != nil && f.TaskDefinition.TaskRoleARN != "" {
		f.RolePermissions, f.RoleErr = rc.RoleAllows(ctx, f.TaskDefinition.TaskRoleARN, SSMMessagesActions)
	}
	return f, nil
}

// chooseContainer picks the named container, else the only one, else the
// first essential one in task definition order.
func chooseContainer(t model.Task, td *model.TaskDefinition, name string) (string, error) {
	names := taskContainerNames(t)
	if name != "" {
		for _, n := range names {
			if n == name {
				return n, nil
			}
		}
		return "", fmt.Errorf("task %s has no container %q (it has: %s)", t.ID, name, strings.Join(names, ", "))
	}
	if len(names) == 0 {
		return "", fmt.Errorf("task %s has no containers", t.ID)
	}
	if td != nil {
		for _, c := range td.Containers {
			if c.Essential && containsString(names, c.Name) {
				return c.Name, nil
			}
		}
	}
	return names[0], nil
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// ExecPlan is an exec or a port forward ready to open.
type ExecPlan struct {
	Plan
	Facts     ExecFacts
	Readiness Readiness
	Command   string // exec
	Forward   *ForwardInput
}

// ForwardInput is a port forward: RemotePort on the container (or, with
// Host, on a host the container can reach) to LocalPort on this machine.
type ForwardInput struct {
	RemotePort int
	LocalPort  int // 0: a free port chosen when it opens
	Host       string
}

// PlanExec plans a session running command in the chosen container.
func PlanExec(f ExecFacts, command string) ExecPlan {
	r := CheckReadiness(f)
	p := sessionPlan(ActionExec, f, r)
	p.Summary = fmt.Sprintf("exec %q in %s of task %s (%s)", command, f.Container, f.Task.ID, model.ResourceID(f.Cluster))
	p.Changes = []string{"open an interactive ECS Exec session running " + strconv.Quote(command) + " in container " + f.Container}
	p.Commands = []string{awsCmd("ecs", "execute-command", "--cluster", model.ResourceID(f.Cluster), "--task", f.Task.ID,
		"--container", f.Container, "--interactive", "--command", command)}
	if strings.TrimSpace(command) == "" {
		p.Blockers = append(p.Blockers, "no command to run")
	}
	return ExecPlan{Plan: p, Facts: f, Readiness: r, Command: command}
}

// PlanForward plans a port forward through the chosen container.
func PlanForward(f ExecFacts, in ForwardInput) ExecPlan {
	r := CheckReadiness(f)
	p := sessionPlan(ActionPortForward, f, r)
	to := "port " + strconv.Itoa(in.RemotePort) + " of " + f.Container
	if in.Host != "" {
		to = in.Host + ":" + strconv.Itoa(in.RemotePort) + " through " + f.Container
	}
	local := "a free local port"
	if in.LocalPort > 0 {
		local = "127.0.0.1:" + strconv.Itoa(in.LocalPort)
	}
	p.Summary = fmt.Sprintf("forward %s to %s (task %s, %s)", local, to, f.Task.ID, model.ResourceID(f.Cluster))
	p.Changes = []string{"open an SSM port forwarding session: " + local + " → " + to}
	doc, params := forwardDocument(in)
	args := []string{"ssm", "start-session", "--target", model.SSMTarget(f.Cluster, f.Task.ID, runtimeID(f)), "--document-name", doc, "--parameters", paramsText(params)}
	p.Commands = []string{awsCmd(args...)}
	if in.RemotePort < 1 || in.RemotePort > 65535 {
		p.Blockers = append(p.Blockers, fmt.Sprintf("remote port %d is not a port number (1–65535)", in.RemotePort))
	}
	if in.LocalPort < 0 || in.LocalPort > 65535 {
		p.Blockers = append(p.Blockers, fmt.Sprintf("local port %d is not a port number (1–65535, or 0 for any free port)", in.LocalPort))
	}
	if strings.ContainsAny(in.Host, " \t\n/") {
		p.Blockers = append(p.Blockers, fmt.Sprintf("remote host %q is not a host name or address", in.Host))
	}
	fw := in
	return ExecPlan{Plan: p, Facts: f, Readiness: r, Forward: &fw}
}

func sessionPlan(action string, f ExecFacts, r Readiness) Plan {
	p := Plan{Action: action, Cluster: model.ResourceID(f.Cluster), Target: f.Container}
	for _, l := range r.Missing() {
		b := l.Item + ": " + l.Detail
		if l.Fix != "" {
			b += " — fix: " + l.Fix
		}
		p.Blockers = append(p.Blockers, b)
	}
	for _, l := range r.Lines {
		if l.Status == CheckWarn {
			p.Warnings = append(p.Warnings, l.Item+": "+l.Detail)
		}
	}
	return p
}

func runtimeID(f ExecFacts) string {
	for _, c := range f.Task.Containers {
		if c.Name == f.Container {
			return c.RuntimeID
		}
	}
	return ""
}

// forwardDocument names the SSM document and its parameters for a forward.
func forwardDocument(in ForwardInput) (string, map[string][]string) {
	params := map[string][]string{"portNumber": {strconv.Itoa(in.RemotePort)}}
	if in.LocalPort > 0 {
		params["localPortNumber"] = []string{strconv.Itoa(in.LocalPort)}
	}
	if in.Host != "" {
		params["host"] = []string{in.Host}
		return model.DocPortForwardingRemoteHost, params
	}
	return model.DocPortForwarding, params
}

// paramsText spells parameters as the AWS CLI shorthand, in a fixed order.
func paramsText(p map[string][]string) string {
	var parts []string
	for _, k := range []string{"host", "portNumber", "localPortNumber"} {
		if v, ok := p[k]; ok {
			parts = append(parts, fmt.Sprintf("%s=%s", k, strings.Join(v, ",")))
		}
	}
	return strings.Join(parts, ",")
}

// FreeLocalPort asks the system for a free TCP port on the loopback address.
func FreeLocalPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// OpenedSession is a session ready for the plugin.
type OpenedSession struct {
	Plugin  Plugin
	Session PluginSession
	ID      string
	// LocalPort is the forward's local port (chosen when the plan left it 0).
	LocalPort int
}

// OpenExec asks ECS for the exec session and journals that it opened (who,
// where, what command). A refused plan opens nothing and is journaled too.
func (r *Runner) OpenExec(ctx context.Context, api SessionAPI, p ExecPlan) (OpenedSession, Result) {
	plugin, res, ok := r.sessionPreflight(p)
	if !ok {
		return OpenedSession{}, res
	}
	target, err := api.PluginTarget(ctx)
	if err != nil {
		return OpenedSession{}, r.finishSession(p, err, "resolving the SSM endpoint")
	}
	s, err := api.ExecuteCommand(ctx, model.ExecInput{Cluster: p.Facts.Cluster, Task: p.Facts.Task.ARN, Container: p.Facts.Container, Command: p.Command})
	if err != nil {
		return OpenedSession{}, r.finishSession(p, err, "opening the exec session")
	}
	rt := runtimeID(p.Facts)
	opened := OpenedSession{Plugin: plugin, ID: s.Session.SessionID, Session: PluginSession{
		Session: s.Session, Region: target.Region, Profile: target.Profile, SSMEndpoint: target.SSMEndpoint,
		Request: StartSessionRequest{Target: model.SSMTarget(p.Facts.Cluster, p.Facts.Task.ID, rt)},
	}}
	res = Result{Action: p.Action, Outcome: OutcomeSuccess, Message: "opened exec session " + s.Session.SessionID,
		Done: []string{"session " + s.Session.SessionID + " running " + strconv.Quote(p.Command) + " in " + p.Facts.Container}}
	r.Record(p.Plan, res)
	return opened, res
}

// OpenForward asks SSM for the port forwarding session and journals it.
func (r *Runner) OpenForward(ctx context.Context, api SessionAPI, p ExecPlan) (OpenedSession, Result) {
	plugin, res, ok := r.sessionPreflight(p)
	if !ok {
		return OpenedSession{}, res
	}
	in := *p.Forward
	if in.LocalPort == 0 {
		port, err := FreeLocalPort()
		if err != nil {
			return OpenedSession{}, r.finishSession(p, err, "choosing a local port")
		}
		in.LocalPort = port
	}
	target, err := api.PluginTarget(ctx)
	if err != nil {
		return OpenedSession{}, r.finishSession(p, err, "resolving the SSM endpoint")
	}
	doc, params := forwardDocument(in)
	ssmTarget := model.SSMTarget(p.Facts.Cluster, p.Facts.Task.ID, runtimeID(p.Facts))
	s, err := api.StartSession(ctx, model.StartSessionInput{Target: ssmTarget, DocumentName: doc, Parameters: params, Reason: "ecstui port-forward"})
	if err != nil {
		return OpenedSession{}, r.finishSession(p, err, "opening the port forwarding session")
	}
	opened := OpenedSession{Plugin: plugin, ID: s.SessionID, LocalPort: in.LocalPort, Session: PluginSession{
		Session: s, Region: target.Region, Profile: target.Profile, SSMEndpoint: target.SSMEndpoint,
		Request: StartSessionRequest{Target: ssmTarget, DocumentName: doc, Parameters: params},
	}}
	res = Result{Action: p.Action, Outcome: OutcomeSuccess, Message: fmt.Sprintf("opened port forwarding session %s on 127.0.0.1:%d", s.SessionID, in.LocalPort),
		Done: []string{fmt.Sprintf("session %s: 127.0.0.1:%d → %s", s.SessionID, in.LocalPort, paramsText(params))}}
	r.Record(p.Plan, res)
	return opened, res
}

// EndSession journals how a session ended: the plugin's exit code.
func (r *Runner) EndSession(p ExecPlan, id string, err error) Result {
	code := ExitCode(err)
	res := Result{Action: p.Action, Outcome: OutcomeSuccess, Message: fmt.Sprintf("session %s ended (exit %d)", id, code)}
	if code != 0 {
		res.Outcome, res.Err = OutcomeFailed, err
	}
	r.Record(p.Plan, res)
	return res
}

// sessionPreflight refuses a blocked plan or one without a plugin, recording
// the refusal.
func (r *Runner) sessionPreflight(p ExecPlan) (Plugin, Result, bool) {
	if res, refused := r.refuse(p.Plan); refused {
		return Plugin{}, res, false
	}
	plugin, ok := p.Facts.Plugin.Plugin()
	if !ok {
		res := Result{Action: p.Action, Outcome: OutcomeRefused, Message: "refused: " + PluginName + " is not installed", NotDone: p.Changes}
		r.Record(p.Plan, res)
		return Plugin{}, res, false
	}
	return plugin, Result{}, true
}

func (r *Runner) finishSession(p ExecPlan, err error, what string) Result {
	res := Result{Action: p.Action, NotDone: p.Changes}
	return r.finish(p.Plan, res, err, what)
}
