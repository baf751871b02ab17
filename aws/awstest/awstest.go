// Package awstest starts the simulator's wire server on loopback and an
// adapter client against it, for tests in any package that want the real SDK
// path (ops, logs, ui and aws itself).
package awstest

import (
	"context"
	"testing"
	"time"

	"github.com/ecstui/ecstui/aws"
	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/aws/sim/wire"
)

// Region is the region the client and server agree on.
const Region = "us-east-1"

// Options tune Start.
type Options struct {
	ReadOnly bool
	// Throttling keeps the server's token buckets on, and the client's
	// matching rate limiter (both off by default, so tests do not wait).
	Throttling bool
	Latency    time.Duration
	// Client adjusts the adapter configuration before the client is built.
	Client func(*aws.Config)
	// Region is the server's and the client's region (default Region): a
	// world of another region (sim.NewDemoEU) is served in its own.
	Region string
}

// Start serves b on 127.0.0.1 with throttling disabled and returns a client
// with dummy static credentials; both are closed by tb.Cleanup.
func Start(tb testing.TB, b simapi.Backend) (*aws.Client, *wire.Server) {
	tb.Helper()
	return StartWith(tb, b, Options{})
}

// StartReadOnly is Start with the client's read-only guard on.
func StartReadOnly(tb testing.TB, b simapi.Backend) (*aws.Client, *wire.Server) {
	tb.Helper()
	return StartWith(tb, b, Options{ReadOnly: true})
}

// StartWith is Start with options.
func StartWith(tb testing.TB, b simapi.Backend, o Options) (*aws.Client, *wire.Server) {
	tb.Helper()
	region := Region
	if o.Region != "" {
		region = o.Region
	}
	srv := wire.New(b, wire.Options{Region: region, Latency: o.Latency, DisableThrottling: !o.Throttling})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		tb.Fatalf("awstest: start wire server: %v", err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	cfg := Config(url)
	cfg.Region = region
	cfg.ReadOnly = o.ReadOnly
	// The client keeps to ECS's throttle budget only when the server
	// enforces it; otherwise tests would wait for nothing.
	cfg.NoRateLimit = !o.Throttling
	if o.Client != nil {
		o.Client(&cfg)
	}
	cl, err := aws.New(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("awstest: adapter client: %v", err)
	}
	return cl, srv
}

// Config is the adapter configuration for a simulator at url: dummy static
// credentials (never the user's profile or environment) and short retry
// backoff so injected throttling does not slow tests down.
func Config(url string) aws.Config {
	return aws.Config{
		Region:            Region,
		EndpointURL:       url,
		StaticCredentials: &aws.StaticCredentials{AccessKeyID: "AKIDECSTUITEST", SecretAccessKey: "test"},
		RetryMaxBackoff:   20 * time.Millisecond,
	}
}
