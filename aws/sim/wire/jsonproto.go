package wire

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

const (
	ecsTargetPrefix  = "AmazonEC2ContainerServiceV20141113."
	logsTargetPrefix = "Logs_20140328."
)

// jsonOp is one awsJson operation: its throttle bucket, how to find the
// resource named in AccessDenied messages, and its handler. A handler returns
// the response body, or handles the response itself (streams) and returns nil.
type jsonOp struct {
	bucket   string
	resource func(s *Server, body []byte) string
	handle   func(s *Server, w http.ResponseWriter, r *http.Request, body []byte) (any, error)
}

func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, target string, body []byte) {
	var (
		service, op string
		ops         map[string]jsonOp
	)
	switch {
	case strings.HasPrefix(target, ecsTargetPrefix):
		service, op, ops = "ecs", strings.TrimPrefix(target, ecsTargetPrefix), ecsOps
	case strings.HasPrefix(target, logsTargetPrefix):
		service, op, ops = "logs", strings.TrimPrefix(target, logsTargetPrefix), logsOps
	case strings.HasPrefix(target, aasTargetPrefix):
		service, op, ops = "application-autoscaling", strings.TrimPrefix(target, aasTargetPrefix), aasOps
	case strings.HasPrefix(target, ssmTargetPrefix):
		service, op, ops = "ssm", strings.TrimPrefix(target, ssmTargetPrefix), ssmOps
	default:
		s.writeJSONError(w, &simapi.APIError{Code: "UnknownOperationException", Message: "Unknown target " + target})
		return
	}
	action := service + ":" + op
	o, ok := ops[op]
	if !ok {
		s.mu.Lock()
		s.counts[action]++
		s.mu.Unlock()
		s.writeJSONError(w, &simapi.APIError{Code: "UnknownOperationException", Message: "The operation " + op + " is not supported by this simulator."})
		return
	}
	if e := s.regionRefused(r, protoJSON); e != nil {
		s.mu.Lock()
		s.counts[action]++
		s.mu.Unlock()
		s.writeJSONError(w, e)
		return
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	resource := ""
	if o.resource != nil {
		resource = o.resource(s, body)
	}
	if e := s.admit(r.Context(), protoJSON, action, o.bucket, resource); e != nil {
		s.writeJSONError(w, e)
		return
	}
	out, err := o.handle(s, w, r, body)
	if err != nil {
		s.writeJSONError(w, asAPIError(protoJSON, err))
		return
	}
	if out != nil {
		s.writeJSON(w, out)
	}
}

// decode reads a JSON request body into v, answering malformed input the way
// the services do.
func decode(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return &simapi.APIError{Code: "SerializationException", Message: "Could not parse request body: " + err.Error()}
	}
	return nil
}

// invalid is ECS's and Logs' InvalidParameterException.
func invalid(format string, args ...any) error {
	return simapi.Errorf(simapi.CodeInvalidParameter, format, args...)
}

// pageSize validates an optional maxResults against 1..max.
func pageSize(v *int, def, max int, name string) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || *v > max {
		return 0, invalid("%s must be between 1 and %d.", name, max)
	}
	return *v, nil
}
