package sim

// serviceLaunchType is the launch type a service's tasks use.
func serviceLaunchType(s *service) string {
	return "EC2"
}

// servicePlatform is the Fargate platform version of a service ("" on EC2).
func servicePlatform(s *service) string {
	return ""
}
