package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ecstui/ecstui/ops"
)

// autoscalingCmd groups what ecstui does to a service's Application Auto
// Scaling target on its own (a scale changes it with --adjust-autoscaling
// and --suspend-autoscaling).
func autoscalingCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{Use: "autoscaling", Short: "A service's Application Auto Scaling target"}
	cmd.AddCommand(autoscalingResumeCmd(env))
	return cmd
}

func autoscalingResumeCmd(env *Env) *cobra.Command {
	var c common
	var cluster, service string
	cmd := &cobra.Command{
		Use:   "resume --cluster C --service S",
		Short: "Resume the dynamic scaling that `scale --suspend-autoscaling` suspended",
		Long: "Resumes scale-in and scale-out by the service's target tracking and step scaling policies\n" +
			"(register-scalable-target with DynamicScalingInSuspended=false,DynamicScalingOutSuspended=false);\n" +
			"scheduled scaling keeps its state. The plan says what the policies will do to the desired count.",
		Example: "  ecstui autoscaling resume --cluster demo --service random --dry-run\n" +
			"  ecstui autoscaling resume --cluster demo --service random --yes",
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := env.start(cmd, &cluster, "service")
			if err != nil {
				return err
			}
			st, err := ops.GatherService(cmd.Context(), s.API, cluster, service, "")
			if err != nil {
				return err
			}
			p := ops.PlanResumeAutoScaling(cluster, st)
			return env.execute(cmd, s, &c, p, func(ctx context.Context, r *ops.Runner) ops.Result {
				return r.ResumeAutoScaling(ctx, s.API, p)
			})
		},
	}
	cmd.Flags().StringVar(&cluster, "cluster", "", "cluster name or ARN")
	cmd.Flags().StringVar(&service, "service", "", "service name")
	c.bind(cmd, false)
	return cmd
}
