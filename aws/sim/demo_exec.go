package sim

import "github.com/ecstui/ecstui/model"

// ECS Exec in the demo: auth (playground), billing-api and queue-worker
// (prod) start their tasks with exec enabled and a task role; random,
// corkhounds-web, automate and logspout do not, so both paths of the
// readiness check show. prod logs exec sessions to CloudWatch, encrypted
// with a KMS key, and one queue-worker task's agent has stopped.

func demoRole(w *World, name string) string {
	return "arn:aws:iam::" + w.account + ":role/" + name
}

// demoRoles are the task roles: auth's and billing-api's allow the
// ssmmessages actions; queue-worker's lacks the data channel ones, so exec
// into it fails as in AWS (TargetNotConnectedException) and the check says why.
func demoRoles(w *World) {
	w.AddRole("auth-task", "ssmmessages:*", "logs:*")
	w.AddRole("billing-api-task", ssmMessages...)
	w.AddRole("queue-worker-task", "ssmmessages:CreateControlChannel", "ssmmessages:OpenControlChannel", "sqs:ReceiveMessage")
}

func demoExec(w *World) {
	if err := w.SetExecConfiguration("prod", model.ExecConfiguration{
		KMSKeyID:           "arn:aws:kms:" + w.region + ":" + w.account + ":key/6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b",
		Logging:            "OVERRIDE",
		CloudWatchLogGroup: "/ecs/prod/exec-sessions", CloudWatchEncryption: true,
	}); err != nil {
		panic(err)
	}
	ids, err := w.ListTasks("prod", model.TaskFilter{ServiceName: "queue-worker"})
	if err != nil || len(ids) == 0 {
		panic("demo: queue-worker has no tasks")
	}
	if err := w.StopExecAgent("prod", ids[len(ids)-1], "worker",
		"ExecuteCommandAgent exited: the SSM agent could not reach ssmmessages."+w.region+".amazonaws.com"); err != nil {
		panic(err)
	}
}
