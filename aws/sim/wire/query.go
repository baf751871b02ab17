package wire

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// API versions that tell the query services apart on one endpoint.
const (
	versionAutoScaling = "2011-01-01"
	versionELBv2       = "2015-12-01"
	versionEC2         = "2016-11-15"
)

// queryOp is one awsQuery/ec2Query operation. Handlers return the document
// to marshal (with its *Response root element).
type queryOp struct {
	bucket string
	handle func(s *Server, f form) (any, error)
}

type queryService struct {
	name  string // IAM prefix
	proto proto
	ops   map[string]queryOp
}

var queryServices map[string]*queryService

func init() {
	queryServices = map[string]*queryService{
		versionAutoScaling: {"autoscaling", protoQuery, autoscalingOps},
		versionELBv2:       {"elasticloadbalancing", protoQuery, elbOps},
		versionEC2:         {"ec2", protoEC2, ec2Ops},
		versionSTS:         {"sts", protoQuery, stsOps},
		versionIAM:         {"iam", protoQuery, iamOps},
	}
}

func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request, body []byte) {
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		s.writeXMLError(w, protoQuery, &simapi.APIError{Code: "MalformedQueryString", Message: err.Error()})
		return
	}
	for k, v := range r.URL.Query() {
		if _, ok := vals[k]; !ok {
			vals[k] = v
		}
	}
	f := form(vals)
	action, version := f.get("Action"), f.get("Version")
	svc := queryServices[version]
	if svc == nil {
		s.writeXMLError(w, protoQuery, &simapi.APIError{Code: "InvalidAction",
			Message: "Could not find operation " + action + " for version " + version})
		return
	}
	iam := svc.name + ":" + action
	op, ok := svc.ops[action]
	if !ok {
		s.mu.Lock()
		s.counts[iam]++
		s.mu.Unlock()
		s.writeXMLError(w, svc.proto, &simapi.APIError{Code: "InvalidAction",
			Message: "The action " + action + " is not valid for this web service."})
		return
	}
	if e := s.regionRefused(r, svc.proto); e != nil {
		s.mu.Lock()
		s.counts[iam]++
		s.mu.Unlock()
		s.writeXMLError(w, svc.proto, e)
		return
	}
	if e := s.admit(r.Context(), svc.proto, iam, op.bucket, ""); e != nil {
		s.writeXMLError(w, svc.proto, e)
		return
	}
	out, err := op.handle(s, f)
	if err != nil {
		s.writeXMLError(w, svc.proto, asAPIError(svc.proto, err))
		return
	}
	s.writeXML(w, out)
}

// form reads awsQuery (List.member.N) and ec2Query (List.N) parameters.
type form url.Values

func (f form) get(k string) string { return url.Values(f).Get(k) }

// list returns prefix.1, prefix.2, … in index order.
func (f form) list(prefix string) []string {
	type kv struct {
		i int
		v string
	}
	var items []kv
	for k, vs := range f {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok || len(vs) == 0 {
			continue
		}
		if i, err := strconv.Atoi(rest); err == nil {
			items = append(items, kv{i, vs[0]})
		}
	}
	sort.Slice(items, func(a, b int) bool { return items[a].i < items[b].i })
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.v)
	}
	return out
}

// indexes returns the distinct N of prefix.N.* keys, sorted.
func (f form) indexes(prefix string) []int {
	seen := map[int]bool{}
	for k := range f {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		head, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(head); err == nil {
			seen[i] = true
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// intParam reads an optional integer parameter within 1..max.
func (f form) intParam(name string, def, max int, p proto) (int, error) {
	v := f.get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		code := "ValidationError"
		if p == protoEC2 {
			code = "InvalidParameterValue"
		}
		return 0, simapi.Errorf(code, "Value '%s' at '%s' failed to satisfy constraint: Member must have value between 1 and %d", v, name, max)
	}
	return n, nil
}

// meta is the ResponseMetadata every awsQuery response ends with.
type meta struct {
	RequestID string `xml:"RequestId"`
}

func (s *Server) meta() meta { return meta{RequestID: s.requestID()} }

// isoTime renders query-protocol timestamps.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
