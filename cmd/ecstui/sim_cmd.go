package main

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/wire"
	"github.com/ecstui/ecstui/ops"
	"github.com/ecstui/ecstui/ops/cli"
)

func simCmd(app *App) *cobra.Command {
	var (
		listen, scenario           string
		latency                    time.Duration
		seed                       int64
		services, tasks, instances int
		noThrottle                 bool
	)
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve the simulated AWS account on loopback for other clients",
		Long: `Serve the simulated AWS account (ECS, CloudWatch Logs, Auto Scaling, EC2, ELBv2)
on a loopback address, for the AWS CLI or other tools:

  ecstui sim --listen 127.0.0.1:4599 &
  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_REGION=us-east-1 \
    aws --endpoint-url http://127.0.0.1:4599 ecs list-clusters`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := loopbackOnly(listen); err != nil {
				return err
			}
			if latency < 0 || latency > maxSimLatency {
				return fmt.Errorf("--latency %s is out of range: 0 to %s", latency, maxSimLatency)
			}
			if scenario != "large" {
				for _, n := range []string{"services", "tasks", "instances"} {
					if cmd.Flags().Changed(n) {
						return fmt.Errorf("--%s sizes the large scenario only (--scenario large), not %s", n, scenario)
					}
				}
			}
			var world *sim.World
			switch scenario {
			case "large":
				world = sim.NewLarge(seed, sim.LargeOptions{Services: services, Tasks: tasks, Instances: instances})
			default:
				w, err := sim.NewScenario(scenario, seed)
				if err != nil {
					return err
				}
				world = w
			}
			region := world.Region()
			srv := wire.New(world, wire.Options{Region: region, AccountID: world.AccountID(), Latency: latency, DisableThrottling: noThrottle})
			url, err := srv.Start(listen)
			if err != nil {
				return err
			}
			defer srv.Close()
			fmt.Fprintf(app.Out, "simulator (%s scenario) listening on %s — region %s, any credentials\n", scenario, url, region)
			fmt.Fprintf(app.Out, "try: AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws --region %s --endpoint-url %s ecs list-clusters\n", region, url)
			fmt.Fprintf(app.Out, "or:  ecstui --endpoint-url %s --region %s\n", url, region)
			world.Run(cmd.Context())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:4599", "loopback address to listen on (port 0: any free port)")
	f.StringVar(&scenario, "scenario", "demo", "scenario: "+strings.Join(sim.Scenarios, " or "))
	f.DurationVar(&latency, "latency", 0, "latency added to every request (e.g. 50ms)")
	f.Int64Var(&seed, "seed", 1, "random seed of the scenario")
	cli.LimitVar(f, &services, simServices, 2345, "services in the large scenario")
	cli.LimitVar(f, &tasks, simTasks, 5000, "tasks in the large scenario")
	cli.LimitVar(f, &instances, simInstances, 1000, "container instances in the large scenario")
	f.BoolVar(&noThrottle, "no-throttle", false, "disable the simulated API throttling")
	return cmd
}

// The large scenario's sizes: what one machine builds in seconds. A typo
// of a few digits more would otherwise build for minutes and exhaust memory.
var (
	simServices   = ops.Limit{Name: "services", Flag: "--services", Min: 1, Max: 20000, Why: "the simulator builds them in memory"}
	simTasks      = ops.Limit{Name: "tasks", Flag: "--tasks", Min: 1, Max: 100000, Why: "the simulator builds them in memory"}
	simInstances  = ops.Limit{Name: "instances", Flag: "--instances", Min: 1, Max: 10000, Why: "the simulator builds them in memory"}
	maxSimLatency = time.Minute
)

// loopbackOnly refuses to serve the simulator beyond this machine: it
// accepts any credentials and changes state on request.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %v (want host:port, e.g. 127.0.0.1:4599)", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--listen %q: the simulator only listens on loopback (127.0.0.1, ::1 or localhost)", addr)
}
