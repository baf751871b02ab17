package wire

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ecstui/ecstui/aws/sim"
	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// clients are SDK clients pointed at one wire server.
type clients struct {
	ecs  *ecs.Client
	logs *cloudwatchlogs.Client
	asg  *autoscaling.Client
	ec2  *ec2.Client
	elb  *elbv2.Client
}

// serve starts a loopback server for b and returns it with SDK clients.
// retries: 0 disables retries; n > 0 allows n attempts with a tiny backoff.
func serve(t testing.TB, b simapi.Backend, o Options, attempts int) (*Server, clients) {
	t.Helper()
	s := New(b, o)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, newClients(hs.URL, attempts)
}

func newClients(url string, attempts int) clients {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("x", "x", ""),
		BaseEndpoint: aws.String(url),
		// The SDK would prefix StartLiveTail's host with "stream-", which a
		// loopback endpoint cannot answer.
		APIOptions: newClientsAPIOptions(),
	}
	if attempts <= 1 {
		cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	} else {
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
				o.RateLimiter = noRateLimit{}
			})
		}
	}
	return clients{
		ecs:  ecs.NewFromConfig(cfg),
		logs: cloudwatchlogs.NewFromConfig(cfg),
		asg:  autoscaling.NewFromConfig(cfg),
		ec2:  ec2.NewFromConfig(cfg),
		elb:  elbv2.NewFromConfig(cfg),
	}
}

func newClientsAPIOptions() []func(*middleware.Stack) error {
	return []func(*middleware.Stack) error{func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("noHostPrefix",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
			}), middleware.Before)
	}}
}

// noRateLimit lets a test retry as often as it likes: the standard retryer's
// client-side retry quota would otherwise cut a long throttled run short.
type noRateLimit struct{}

func (noRateLimit) GetToken(context.Context, uint) (func() error, error) {
	return func() error { return nil }, nil
}
func (noRateLimit) AddTokens(uint) error { return nil }

// demo is the SIM demo world, settled; tests advance its clock by hand.
func demo(t *testing.T) *sim.World {
	t.Helper()
	return sim.NewDemo(1)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// code returns the AWS error code of err, or "" when it is not an API error.
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
