// Package wire serves a simulated AWS world (any simapi.Backend) over the real
// AWS wire protocols on loopback, so that unmodified aws-sdk-go-v2 clients and
// the AWS CLI can talk to it: ECS and CloudWatch Logs over awsJson1_1, Auto
// Scaling and ELBv2 over awsQuery, EC2 over ec2Query. It owns what the world
// does not: page sizes and batch limits, opaque paging tokens, AWS's error
// shapes, token-bucket throttling, injected latency, faults and denials, and a
// per-operation call counter for tests and benchmarks.
package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// AccountID is the account simulated ARNs and messages name unless
// Options.AccountID says otherwise.
const AccountID = "123456789012"

// answerDelay is the least time between reading a request and answering it.
const answerDelay = time.Millisecond

// deniedPrincipal is the identity named in AccessDenied messages.
func deniedPrincipal(account string) string { return "arn:aws:iam::" + account + ":user/ecstui-demo" }

// accountOf is the account an ARN names (its fifth field), else AccountID.
func accountOf(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) == 6 && f[4] != "" {
		return f[4]
	}
	return AccountID
}

// Options configures a Server.
type Options struct {
	Region            string        // default us-east-1; a Backend with a Region method decides instead
	AccountID         string        // default AccountID; a Backend with an AccountID method decides instead
	Latency           time.Duration // added to every request
	DisableThrottling bool          // token buckets are on by default
}

// Fault is an error the server answers an action with instead of asking the
// backend. Times is how many requests it applies to; 0 means until cleared.
type Fault struct {
	Code       string
	Message    string
	HTTPStatus int
	Times      int
}

// Server is an http.Handler speaking the AWS protocols for a Backend.
type Server struct {
	b       simapi.Backend
	region  string
	account string

	mu           sync.Mutex
	latency      time.Duration
	throttleFrac float64
	rng          *rand.Rand
	faults       map[string]*Fault
	denied       map[string]bool
	counts       map[string]int
	mutating     int

	limits *limiter
	reqSeq atomic.Uint64

	// tailInterval is how often a live tail session sends an update and
	// tailMax how long a session may last; tests shorten both.
	tailInterval time.Duration
	tailMax      time.Duration

	srvMu sync.Mutex
	srv   *http.Server
	url   string
}

// New returns a server for b. It serves nothing until Start, but can be used
// as an http.Handler directly (httptest).
func New(b simapi.Backend, o Options) *Server {
	// A world knows its region and account, and its ARNs name them: the
	// server serves that region whatever the options say.
	if w, ok := b.(interface{ Region() string }); ok && w.Region() != "" {
		o.Region = w.Region()
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if w, ok := b.(interface{ AccountID() string }); ok && w.AccountID() != "" {
		o.AccountID = w.AccountID()
	}
	if o.AccountID == "" {
		o.AccountID = AccountID
	}
	s := &Server{
		b:            b,
		region:       o.Region,
		account:      o.AccountID,
		latency:      o.Latency,
		rng:          rand.New(rand.NewPCG(0x5eed, 0xec5)),
		faults:       map[string]*Fault{},
		denied:       map[string]bool{},
		counts:       map[string]int{},
		limits:       newLimiter(time.Now),
		tailInterval: time.Second,
		tailMax:      tailSessionMax,
	}
	s.limits.disabled = o.DisableThrottling
	return s
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background.
// It returns the base URL to configure clients with.
func (s *Server) Start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	url := "http://" + ln.Addr().String()
	s.srvMu.Lock()
	s.srv, s.url = srv, url
	s.srvMu.Unlock()
	go func() { _ = srv.Serve(ln) }()
	return url, nil
}

// URL is the base URL Start returned ("" before Start).
func (s *Server) URL() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	return s.url
}

// Close stops serving and ends open connections, including live tail streams.
func (s *Server) Close() error {
	s.srvMu.Lock()
	srv := s.srv
	s.srv = nil
	s.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// ListenAndServe serves b on addr until ctx is done. It prints nothing; use
// New and Start instead when the caller needs the bound URL (port 0).
func ListenAndServe(ctx context.Context, addr string, b simapi.Backend, o Options) error {
	s := New(b, o)
	if _, err := s.Start(addr); err != nil {
		return err
	}
	<-ctx.Done()
	return s.Close()
}

// Calls returns how many requests the action (IAM-style, "ecs:ListServices")
// has received, including throttled, denied and failed ones.
func (s *Server) Calls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[action]
}

// CallCounts returns a copy of every action's count.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// MutatingCalls returns how many mutating requests arrived, failed or not:
// the number a read-only guard must keep at zero.
func (s *Server) MutatingCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mutating
}

// ResetCounts zeroes every counter.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
	s.mutating = 0
}

// SetLatency changes the delay added to every request.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetThrottleFraction makes the server answer this fraction of requests
// (chosen by a seeded random source) with the service's throttling error.
func (s *Server) SetThrottleFraction(f float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttleFrac = f
}

// InjectFault answers the action with f instead of asking the backend.
func (s *Server) InjectFault(action string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[action] = &f
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string]*Fault{}
}

// DenyAction answers the action with the service's access-denied error, as
// an IAM policy without that action would.
func (s *Server) DenyAction(action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[action] = true
}

// Mutating reports whether the action changes the world.
func (s *Server) Mutating(action string) bool { return mutatingActions[action] }

var mutatingActions = map[string]bool{
	"ecs:RegisterTaskDefinition":                      true,
	"ecs:DeregisterTaskDefinition":                    true,
	"ecs:DeleteTaskDefinitions":                       true,
	"ecs:UpdateService":                               true,
	"ecs:StartTask":                                   true,
	"ecs:RunTask":                                     true,
	"ecs:StopTask":                                    true,
	"ecs:UpdateContainerInstancesState":               true,
	"ecs:CreateCluster":                               true,
	"ecs:DeleteCluster":                               true,
	"ecs:CreateService":                               true,
	"ecs:DeleteService":                               true,
	"ecs:TagResource":                                 true,
	"ecs:UntagResource":                               true,
	"ecs:PutAccountSetting":                           true,
	"logs:CreateLogGroup":                             true,
	"logs:CreateLogStream":                            true,
	"logs:PutLogEvents":                               true,
	"logs:DeleteLogGroup":                             true,
	"autoscaling:TerminateInstanceInAutoScalingGroup": true,
	"autoscaling:SetInstanceProtection":               true,
	"autoscaling:CompleteLifecycleAction":             true,
	"autoscaling:StartInstanceRefresh":                true,
	"autoscaling:CancelInstanceRefresh":               true,
	"autoscaling:RollbackInstanceRefresh":             true,
	"application-autoscaling:RegisterScalableTarget":  true,
	"application-autoscaling:PutScalingPolicy":        true,
	"application-autoscaling:PutScheduledAction":      true,
	"ecs:ExecuteCommand":                              true,
	"ssm:StartSession":                                true,

	"application-autoscaling:DeregisterScalableTarget": true,
	"application-autoscaling:DeleteScalingPolicy":      true,
}

// ServeHTTP routes a request to its protocol: a /service/…/operation/… path
// is Smithy RPC v2 CBOR (CloudWatch); a X-Amz-Target header means awsJson
// (ECS, Logs, Application Auto Scaling); otherwise a form body names a query
// action.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "the simulated AWS endpoint accepts POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		return
	}
	// smithy-go closes the request body as soon as response headers arrive,
	// while net/http may still be doing its final read of that body; losing
	// that race makes the transport close the connection under a response
	// being read ("use of closed network connection"), fatal for live tail
	// streams and large bodies. A real AWS round trip never loses it; a
	// loopback answer in microseconds sometimes does, so answer a little later.
	t := time.NewTimer(answerDelay)
	select {
	case <-t.C:
	case <-r.Context().Done():
		t.Stop()
		return
	}
	if strings.HasPrefix(r.URL.Path, "/service/") {
		s.serveRPCv2(w, r, body)
		return
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		s.serveJSON(w, r, target, body)
		return
	}
	s.serveQuery(w, r, body)
}

// admit runs the steps every request goes through before the backend sees it:
// count, delay, deny, fault, injected throttling, token bucket. It returns
// the error to answer with, or nil to proceed.
func (s *Server) admit(ctx context.Context, p proto, action, bucket, resource string) *simapi.APIError {
	s.mu.Lock()
	s.counts[action]++
	if mutatingActions[action] {
		s.mutating++
	}
	latency := s.latency
	denied := s.denied[action]
	var fault *Fault
	if f, ok := s.faults[action]; ok {
		c := *f
		fault = &c
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				delete(s.faults, action)
			}
		}
	}
	injected := s.throttleFrac > 0 && s.rng.Float64() < s.throttleFrac
	s.mu.Unlock()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return &simapi.APIError{Code: "RequestCanceled", Message: "request canceled", HTTPStatus: 499}
		}
	}
	if denied {
		return p.accessDenied(deniedPrincipal(s.account), action, resource)
	}
	if fault != nil {
		return &simapi.APIError{Code: fault.Code, Message: fault.Message, HTTPStatus: fault.HTTPStatus}
	}
	if injected || !s.limits.take(bucket) {
		return p.throttled()
	}
	return nil
}

func (s *Server) requestID() string {
	n := s.reqSeq.Add(1)
	return fmt.Sprintf("5e1a%04x-0000-4000-8000-%012x", n>>48&0xffff, n&0xffffffffffff)
}

// asAPIError turns a backend error into an AWS error; anything that is not
// an *APIError is the service's fault.
func asAPIError(p proto, err error) *simapi.APIError {
	var ae *simapi.APIError
	if errors.As(err, &ae) {
		return ae
	}
	return p.internal(err)
}

// arn builds an ARN in the simulated account and region.
func (s *Server) arn(service, resource string) string {
	return "arn:aws:" + service + ":" + s.region + ":" + s.account + ":" + resource
}

// clusterResource names the cluster a request is about for AccessDenied messages.
func (s *Server) clusterResource(cluster string) string {
	if cluster == "" {
		cluster = "default"
	}
	if strings.HasPrefix(cluster, "arn:") {
		return cluster
	}
	return s.arn("ecs", "cluster/"+cluster)
}
