package wire

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// proto is one of the three wire protocols; it decides the shape of errors.
type proto int

const (
	protoJSON  proto = iota // awsJson1_1: ECS, CloudWatch Logs
	protoQuery              // awsQuery: Auto Scaling, ELBv2
	protoEC2                // ec2Query: EC2
)

// throttled is the error each service answers an exhausted rate with; the
// SDK's standard retryer knows all three codes.
func (p proto) throttled() *simapi.APIError {
	switch p {
	case protoQuery:
		return &simapi.APIError{Code: "Throttling", Message: "Rate exceeded", HTTPStatus: http.StatusBadRequest}
	case protoEC2:
		return &simapi.APIError{Code: "RequestLimitExceeded", Message: "Request limit exceeded.", HTTPStatus: http.StatusServiceUnavailable}
	}
	return &simapi.APIError{Code: simapi.CodeThrottling, Message: "Rate exceeded", HTTPStatus: http.StatusBadRequest}
}

func (p proto) accessDenied(principal, action, resource string) *simapi.APIError {
	if resource == "" {
		resource = "*"
	}
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
		principal, action, resource, action)
	switch p {
	case protoQuery:
		return &simapi.APIError{Code: "AccessDenied", Message: msg, HTTPStatus: http.StatusForbidden}
	case protoEC2:
		return &simapi.APIError{Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation. " + msg, HTTPStatus: http.StatusForbidden}
	}
	return &simapi.APIError{Code: simapi.CodeAccessDenied, Message: msg, HTTPStatus: http.StatusBadRequest}
}

func (p proto) internal(err error) *simapi.APIError {
	switch p {
	case protoQuery:
		return &simapi.APIError{Code: "InternalFailure", Message: err.Error(), HTTPStatus: http.StatusInternalServerError}
	case protoEC2:
		return &simapi.APIError{Code: "InternalError", Message: err.Error(), HTTPStatus: http.StatusInternalServerError}
	}
	return &simapi.APIError{Code: "ServerException", Message: err.Error(), HTTPStatus: http.StatusInternalServerError}
}

// writeJSON writes an awsJson1_1 success body.
func (s *Server) writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.writeJSONError(w, protoJSON.internal(err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-Requestid", s.requestID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// writeJSONError writes `{"__type": code, "message": …}` with a non-2xx status.
func (s *Server) writeJSONError(w http.ResponseWriter, e *simapi.APIError) {
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.Code, e.Message})
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-Requestid", s.requestID())
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(e.Status())
	_, _ = w.Write(b)
}

// writeXML writes a query-protocol success document.
func (s *Server) writeXML(w http.ResponseWriter, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		s.writeXMLError(w, protoQuery, protoQuery.internal(err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("X-Amzn-Requestid", s.requestID())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}

type xmlErrorBody struct {
	Type    string `xml:"Type,omitempty"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// writeXMLError writes awsQuery's <ErrorResponse> or EC2's <Response><Errors>.
func (s *Server) writeXMLError(w http.ResponseWriter, p proto, e *simapi.APIError) {
	id := s.requestID()
	var v any
	if p == protoEC2 {
		v = struct {
			XMLName   xml.Name       `xml:"Response"`
			Errors    []xmlErrorBody `xml:"Errors>Error"`
			RequestID string         `xml:"RequestID"`
		}{Errors: []xmlErrorBody{{Code: e.Code, Message: e.Message}}, RequestID: id}
	} else {
		kind := "Sender"
		if e.Status() >= 500 {
			kind = "Receiver"
		}
		v = struct {
			XMLName   xml.Name     `xml:"ErrorResponse"`
			Error     xmlErrorBody `xml:"Error"`
			RequestID string       `xml:"RequestId"`
		}{Error: xmlErrorBody{Type: kind, Code: e.Code, Message: e.Message}, RequestID: id}
	}
	b, _ := xml.Marshal(v)
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("X-Amzn-Requestid", id)
	w.WriteHeader(e.Status())
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}

// Paging tokens are opaque to clients: an offset plus a fingerprint of the
// request that produced them, so a token replayed against another listing
// is rejected instead of silently skipping items.

func fingerprint(parts ...string) string {
	h := fnv.New32a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}

func encodeToken(offset int, fp string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + strconv.Itoa(offset) + ":" + fp))
}

func decodeToken(tok, fp string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || parts[0] != "v1" || parts[2] != fp {
		return 0, false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// pageOf slices items from the token's offset, at most size, returning the
// next token ("" on the last page).
func pageOf[T any](items []T, size int, token, fp string) ([]T, string, bool) {
	off, ok := decodeToken(token, fp)
	if !ok {
		return nil, "", false
	}
	if off > len(items) {
		off = len(items)
	}
	end := min(off+size, len(items))
	next := ""
	if end < len(items) {
		next = encodeToken(end, fp)
	}
	return items[off:end], next, true
}
