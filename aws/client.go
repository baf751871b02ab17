package aws

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go/middleware"

	"github.com/ecstui/ecstui/aws/awsapi"
	"github.com/ecstui/ecstui/model"
)

// DefaultMaxConcurrency bounds the Describe calls one listing runs at once.
// One list page of 100 services makes 10 DescribeServices batches, so 10 in
// flight keep describing in step with listing (the wall time stays near the
// chain of list pages) while staying far below ECS's read burst of 100.
const DefaultMaxConcurrency = 10

// Config says how to reach AWS.
type Config struct {
	Profile     string // shared config profile; empty: AWS_PROFILE or default
	Region      string // empty: from the profile / AWS_REGION
	EndpointURL string // one endpoint for every service (the simulator, LocalStack…)
	ReadOnly    bool   // refuse every operation that is not a known read
	// AllowExecInReadOnly lets a read-only client open exec and port
	// forwarding sessions (ECS ExecuteCommand, SSM StartSession), and nothing
	// else that is not a read.
	AllowExecInReadOnly bool

	// MaxConcurrency bounds concurrent Describe batches per listing (default 10).
	MaxConcurrency int

	// StaticCredentials, when set, are used instead of the standard
	// credential chain, and the user's shared config files and AWS_*
	// variables are ignored entirely: the demo and tests must never pick up
	// a real profile or endpoint by accident.
	StaticCredentials *StaticCredentials

	// RetryMaxAttempts is the standard retryer's attempt count (default 3).
	RetryMaxAttempts int
	// RetryMaxBackoff caps the delay between attempts (default: the SDK's 20s).
	RetryMaxBackoff time.Duration
	// NoRateLimit turns off the client-side copy of ECS's throttle buckets
	// (see ratelimit.go): only for endpoints that do not throttle, such as a
	// simulator with throttling disabled in tests and benchmarks.
	NoRateLimit bool
	// NoRetryQuota disables the retryer's client-side retry token bucket, so
	// that sustained throttling is retried up to RetryMaxAttempts every time.
	NoRetryQuota bool
	// Middleware is added to every SDK client after ecstui's own: tests use
	// it to make responses sparse or unordered the way other endpoints are.
	Middleware []func(*middleware.Stack) error
}

// StaticCredentials are fixed access keys.
type StaticCredentials struct {
	AccessKeyID     string
	SecretAccessKey string
}

// Client implements API on aws-sdk-go-v2.
type Client struct {
	ecs    *ecs.Client
	logs   *cloudwatchlogs.Client
	asg    *autoscaling.Client
	ec2    *ec2.Client
	elb    *elbv2.Client
	cw     *cloudwatch.Client
	aas    *applicationautoscaling.Client
	ssm    *ssm.Client
	iam    *iam.Client
	cfg    Config
	conc   int
	region string

	tdMu    sync.Mutex
	tdByARN map[string]model.TaskDefinition
	// tdAlias maps "family:revision" to the revision's ARN. A revision
	// number never changes meaning, so this is safe to cache; a bare family
	// name means "latest ACTIVE" and is never cached.
	tdAlias map[string]string

	revMu    sync.Mutex
	revByARN map[string]model.ServiceRevision // service revisions are immutable

	// hosts caches what EC2 and Auto Scaling say about each instance.
	hosts hostCache

	metrics *metricCache // GetMetricData answers per query, for a period (metrics.go)
	targets targetCache  // DescribeScalableTargets answers per service (scaling_targets.go)
}

var _ API = (*Client)(nil)

// New builds a client from the standard AWS configuration chain (profiles,
// SSO, environment, AWS_ENDPOINT_URL), overridden by c.
func New(ctx context.Context, c Config) (*Client, error) {
	if c.MaxConcurrency <= 0 {
		c.MaxConcurrency = DefaultMaxConcurrency
	}
	if c.RetryMaxAttempts <= 0 {
		c.RetryMaxAttempts = retry.DefaultMaxAttempts
	}
	cfg, err := loadSDKConfig(ctx, c, retryerFor(c))
	if err != nil {
		return nil, err
	}
	cl := &Client{
		cfg:     c,
		conc:    c.MaxConcurrency,
		region:  cfg.Region,
		tdByARN: map[string]model.TaskDefinition{},
		tdAlias: map[string]string{},
		metrics: newMetricCache(),
	}
	cl.newServiceClients(cfg, c)
	return cl, nil
}

// retryerFor is the SDK's standard retryer as c configures it. Calls made
// with a context marked awsapi.WithoutRetries (the console's steady-state
// refreshes) are sent once: their scheduler backs off instead.
func retryerFor(c Config) func() sdkaws.Retryer {
	return func() sdkaws.Retryer {
		return steadyRetryer{retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = c.RetryMaxAttempts
			if c.RetryMaxBackoff > 0 {
				o.MaxBackoff = c.RetryMaxBackoff
			}
			if c.NoRetryQuota {
				o.RateLimiter = ratelimit.None
			}
		})}
	}
}

// errNoRetries joins a failed steady-state call's error: the call was not
// retried because its caller backs off itself.
var errNoRetries = errors.New("not retried: the refresh scheduler backs off instead")

// steadyRetryer refuses the retry token to calls marked WithoutRetries; the
// SDK then returns the attempt's own error (joined with errNoRetries).
type steadyRetryer struct{ sdkaws.RetryerV2 }

func (r steadyRetryer) GetRetryToken(ctx context.Context, opErr error) (func(error) error, error) {
	if awsapi.RetriesOff(ctx) {
		return nil, errNoRetries
	}
	return r.RetryerV2.GetRetryToken(ctx, opErr)
}

// loadSDKConfig reads the shared AWS configuration chain, or only c's static
// credentials (the demo and tests must never pick up a real profile).
func loadSDKConfig(ctx context.Context, c Config, retryer func() sdkaws.Retryer) (sdkaws.Config, error) {
	var cfg sdkaws.Config
	if c.StaticCredentials != nil {
		cfg = sdkaws.Config{
			Region: c.Region,
			Credentials: sdkaws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
				c.StaticCredentials.AccessKeyID, c.StaticCredentials.SecretAccessKey, "")),
			Retryer: retryer,
		}
	} else {
		opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRetryer(retryer)}
		if c.Profile != "" {
			opts = append(opts, awsconfig.WithSharedConfigProfile(c.Profile))
		}
		if c.Region != "" {
			opts = append(opts, awsconfig.WithRegion(c.Region))
		}
		var err error
		cfg, err = awsconfig.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return cfg, &Error{Kind: KindCredentials, Op: "LoadConfig", Message: err.Error(), Err: err}
		}
	}
	cfg.HTTPClient = withBufferedBodies(cfg.HTTPClient)
	if cfg.Region == "" {
		return cfg, &Error{Kind: KindValidation, Op: "LoadConfig",
			Message: "no AWS region: pass --region, set region in the profile or context, or set AWS_REGION"}
	}
	return cfg, nil
}

// newServiceClients builds the SDK clients, each with the read-only
// guard when asked, the ECS one with the client-side throttle budget.
func (cl *Client) newServiceClients(cfg sdkaws.Config, c Config) {
	apiOpts := []func(*middleware.Stack) error{}
	if c.ReadOnly {
		apiOpts = append(apiOpts, readOnlyGuard(c.AllowExecInReadOnly))
	}
	apiOpts = append(apiOpts, nameMissing)
	apiOpts = append(apiOpts, c.Middleware...)
	// Every client starts from cfg.APIOptions: Clip makes each append copy,
	// so one client's middleware never lands in another's backing array.
	var endpoint *string
	if c.EndpointURL != "" {
		endpoint = sdkaws.String(c.EndpointURL)
	}
	ecsOpts := apiOpts
	if !c.NoRateLimit {
		ecsOpts = append(append([]func(*middleware.Stack) error{}, apiOpts...), newRateLimiter().middleware)
	}
	cl.ecs = ecs.NewFromConfig(cfg, func(o *ecs.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), ecsOpts...)
		if endpoint != nil {
			o.BaseEndpoint = endpoint
		}
	})
	cl.logs = cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), apiOpts...)
		if endpoint != nil {
			o.BaseEndpoint = endpoint
			// StartLiveTail prefixes the host with "stream-", which a
			// loopback or custom endpoint cannot answer.
			o.APIOptions = append(o.APIOptions, disableHostPrefix)
		}
	})
	cl.asg = autoscaling.NewFromConfig(cfg, func(o *autoscaling.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), apiOpts...)
		if endpoint != nil {
			o.BaseEndpoint = endpoint
		}
	})
	cl.ec2 = ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), apiOpts...)
		if endpoint != nil {
			o.BaseEndpoint = endpoint
		}
	})
	cl.elb = elbv2.NewFromConfig(cfg, func(o *elbv2.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), apiOpts...)
		if endpoint != nil {
			o.BaseEndpoint = endpoint
		}
	})
	cl.cw = cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), apiOpts...)
		if endpoint != nil {
			o.BaseEndpoint = endpoint
		}
	})
	cl.aas = applicationautoscaling.NewFromConfig(cfg, func(o *applicationautoscaling.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), apiOpts...)
		if endpoint != nil {
			o.BaseEndpoint = endpoint
		}
	})
	cl.ssm = ssm.NewFromConfig(cfg, func(o *ssm.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), apiOpts...)
		if endpoint != nil {
			o.BaseEndpoint = endpoint
		}
	})
	cl.iam = iam.NewFromConfig(cfg, func(o *iam.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), apiOpts...)
		if endpoint != nil {
			o.BaseEndpoint = endpoint
		}
	})
}

// ReadOnly reports whether the client refuses mutating operations.
func (c *Client) ReadOnly() bool { return c.cfg.ReadOnly }

// Region is the region the client talks to.
func (c *Client) Region() string { return c.region }

// EndpointURL is the custom endpoint, "" for AWS's own.
func (c *Client) EndpointURL() string { return c.cfg.EndpointURL }
