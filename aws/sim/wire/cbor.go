package wire

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// Smithy RPC v2 CBOR, the protocol CloudWatch speaks since the SDK's
// service/cloudwatch v1.7x: POST /service/<ServiceShape>/operation/<Op>,
// headers Smithy-Protocol: rpc-v2-cbor, Content-Type and Accept
// application/cbor, and (CloudWatch being "query compatible")
// X-Amzn-Query-Mode: true. Answers are CBOR maps; errors carry __type and
// message, plus X-Amzn-Query-Error "<query code>;Sender|Receiver" so query
// compatible clients report the code the query protocol used.

const rpcv2Protocol = "rpc-v2-cbor"

// cborOp is one RPC v2 operation.
type cborOp struct {
	bucket string
	handle func(s *Server, in cbor.Map) (cbor.Map, error)
}

// cborServices maps the service shape name in the path to its IAM prefix
// and operations.
var cborServices = map[string]struct {
	prefix string
	ops    map[string]cborOp
}{
	"GraniteServiceVersion20100801": {"cloudwatch", cloudwatchOps},
}

func (s *Server) serveRPCv2(w http.ResponseWriter, r *http.Request, body []byte) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/service/")
	svcName, op, ok2 := strings.Cut(rest, "/operation/")
	svc, known := cborServices[svcName]
	if !ok || !ok2 || !known {
		s.writeCBORError(w, &simapi.APIError{Code: "UnknownOperationException", Message: "Unknown service or operation " + r.URL.Path, HTTPStatus: http.StatusNotFound})
		return
	}
	if r.Header.Get("Smithy-Protocol") != rpcv2Protocol {
		s.writeCBORError(w, &simapi.APIError{Code: "InvalidParameterValue", Message: "Smithy-Protocol: " + rpcv2Protocol + " is required"})
		return
	}
	action := svc.prefix + ":" + op
	o, ok := svc.ops[op]
	if !ok {
		s.mu.Lock()
		s.counts[action]++
		s.mu.Unlock()
		s.writeCBORError(w, &simapi.APIError{Code: "UnknownOperationException", Message: "The operation " + op + " is not supported by this simulator."})
		return
	}
	if e := s.admit(r.Context(), protoJSON, action, o.bucket, ""); e != nil {
		s.writeCBORError(w, e)
		return
	}
	in := cbor.Map{}
	if len(body) > 0 {
		v, err := cbor.Decode(body)
		m, isMap := v.(cbor.Map)
		if err != nil || !isMap {
			s.writeCBORError(w, &simapi.APIError{Code: "SerializationException", Message: fmt.Sprintf("could not decode the CBOR request body: %v", err)})
			return
		}
		in = m
	}
	out, err := o.handle(s, in)
	if err != nil {
		s.writeCBORError(w, asAPIError(protoJSON, err))
		return
	}
	b := cbor.Encode(out)
	h := w.Header()
	h.Set("Content-Type", "application/cbor")
	h.Set("Smithy-Protocol", rpcv2Protocol)
	h.Set("X-Amzn-Requestid", s.requestID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// cborErrors maps an error code to the shape name RPC v2 puts in __type
// and the code the query protocol used (sent in X-Amzn-Query-Error, and
// what query-compatible clients such as the SDK report).
var cborErrors = map[string]struct{ typ, query string }{
	"InvalidParameterValue":       {"InvalidParameterValueException", "InvalidParameterValue"},
	"InvalidParameterCombination": {"InvalidParameterCombinationException", "InvalidParameterCombination"},
	"MissingParameter":            {"MissingRequiredParameterException", "MissingParameter"},
	"InvalidNextToken":            {"InvalidNextToken", "InvalidNextToken"},
	"ThrottlingException":         {"ThrottlingException", "Throttling"},
	"AccessDeniedException":       {"AccessDeniedException", "AccessDenied"},
	"ServerException":             {"InternalServiceFault", "InternalServiceError"},
}

func (s *Server) writeCBORError(w http.ResponseWriter, e *simapi.APIError) {
	typ, query := e.Code, e.Code
	if m, ok := cborErrors[e.Code]; ok {
		typ, query = m.typ, m.query
	}
	b := cbor.Encode(cbor.Map{"__type": cbor.String(typ), "message": cbor.String(e.Message)})
	fault := "Sender"
	if e.Status() >= 500 {
		fault = "Receiver"
	}
	h := w.Header()
	h.Set("Content-Type", "application/cbor")
	h.Set("Smithy-Protocol", rpcv2Protocol)
	h.Set("X-Amzn-Query-Error", query+";"+fault)
	h.Set("X-Amzn-Requestid", s.requestID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(e.Status())
	_, _ = w.Write(b)
}

// CBOR request readers: each reports a type mismatch as CloudWatch's
// InvalidParameterValue, naming the member.

func cborInvalid(format string, args ...any) error {
	return simapi.Errorf("InvalidParameterValue", format, args...)
}

func cborString(m cbor.Map, key string) (string, error) {
	v, ok := m[key]
	if !ok {
		return "", nil
	}
	s, ok := v.(cbor.String)
	if !ok {
		return "", cborInvalid("%s must be a string", key)
	}
	return string(s), nil
}

func cborInt(m cbor.Map, key string) (int64, bool, error) {
	v, ok := m[key]
	if !ok {
		return 0, false, nil
	}
	n, err := cbor.AsInt64(v)
	if err != nil {
		return 0, false, cborInvalid("%s must be an integer", key)
	}
	return n, true, nil
}

func cborBool(m cbor.Map, key string, def bool) (bool, error) {
	v, ok := m[key]
	if !ok {
		return def, nil
	}
	b, ok := v.(cbor.Bool)
	if !ok {
		return false, cborInvalid("%s must be a boolean", key)
	}
	return bool(b), nil
}

func cborTime(m cbor.Map, key string) (time.Time, bool, error) {
	v, ok := m[key]
	if !ok {
		return time.Time{}, false, nil
	}
	t, err := cbor.AsTime(v)
	if err != nil {
		return time.Time{}, false, cborInvalid("%s must be a timestamp (tag 1)", key)
	}
	return t.UTC(), true, nil
}

func cborList(m cbor.Map, key string) (cbor.List, error) {
	v, ok := m[key]
	if !ok {
		return nil, nil
	}
	l, ok := v.(cbor.List)
	if !ok {
		return nil, cborInvalid("%s must be a list", key)
	}
	return l, nil
}

func cborMap(m cbor.Map, key string) (cbor.Map, bool, error) {
	v, ok := m[key]
	if !ok {
		return nil, false, nil
	}
	mm, ok := v.(cbor.Map)
	if !ok {
		return nil, false, cborInvalid("%s must be a structure", key)
	}
	return mm, true, nil
}

func cborTimestamp(t time.Time) cbor.Value {
	return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(t.UnixMilli()) / 1000)}
}
