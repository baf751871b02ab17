package aws_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/awstest"
	"github.com/ecstui/ecstui/aws/sim"
)

// TestStandardConfigChain builds clients the way a user's session does (no
// static credentials): from a profile in the shared files, from AWS_*
// variables, with the endpoint from --endpoint-url or AWS_ENDPOINT_URL.
func TestStandardConfigChain(t *testing.T) {
	simClient, _ := awstest.Start(t, sim.NewDemo(1))
	url := simClient.EndpointURL()
	dir := t.TempDir()
	configFile := filepath.Join(dir, "config")
	credsFile := filepath.Join(dir, "credentials")
	if err := os.WriteFile(configFile, []byte("[profile sim]\nregion = us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credsFile, []byte("[sim]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		cfg  aws.Config
	}{
		{"profile and --endpoint-url", nil, aws.Config{Profile: "sim", EndpointURL: url}},
		{"AWS_PROFILE and AWS_ENDPOINT_URL", map[string]string{"AWS_PROFILE": "sim", "AWS_ENDPOINT_URL": url}, aws.Config{}},
		{"env credentials and region flag", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_ENDPOINT_URL_ECS": url}, aws.Config{Region: "us-east-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
				"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"} {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
			t.Setenv("AWS_CONFIG_FILE", configFile)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credsFile)
			t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // never reach for IMDS
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cl, err := aws.New(context.Background(), tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			cs, _, err := cl.Clusters(context.Background())
			if err != nil || len(cs) == 0 {
				t.Fatalf("clusters %v, %v", cs, err)
			}
		})
	}
	t.Run("unknown profile", func(t *testing.T) {
		t.Setenv("AWS_CONFIG_FILE", configFile)
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credsFile)
		_, err := aws.New(context.Background(), aws.Config{Profile: "nope", EndpointURL: url})
		if aws.KindOf(err) != aws.KindCredentials {
			t.Fatalf("error %v (kind %v), want credentials", err, aws.KindOf(err))
		}
	})
}
