package awsapi

// PluginTarget is what the session-manager-plugin needs besides a session:
// the region, the profile its own calls use ("" for the default chain), and
// the SSM endpoint the session was opened on.
type PluginTarget struct {
	Region      string
	Profile     string
	SSMEndpoint string
}
