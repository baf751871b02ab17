package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/ecs/schemas"
	smithy "github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// Shapes the simulator must hold in full (task definitions) travel through
// the SDK's own awsJson 1.1 codec, used in reverse: the serializer a client
// uses for requests encodes our responses (the SDK's response snapshot tests
// do the same), and the deserializer a client uses for responses decodes
// our requests. No field name is spelled by hand, so none can be misspelled
// or forgotten.

var ecsProtocol = awsjson.New11(schemas.AmazonEC2ContainerServiceV20141113)

// rawJSON is a response body already encoded.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

// encodeSDK encodes an SDK output shape as ECS sends it.
func encodeSDK(op, shape *smithy.Schema, v smithy.Serializable) (rawJSON, error) {
	req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	ctx := context.Background()
	if err := ecsProtocol.SerializeRequest(ctx, smithy.NewOperationSchema(op, shape, shape), v, req); err != nil {
		return nil, err
	}
	built := req.Build(ctx)
	if built.Body == nil {
		return rawJSON("{}"), nil
	}
	b, err := io.ReadAll(built.Body)
	if err != nil {
		return nil, err
	}
	return rawJSON(b), nil
}

// decodeSDK decodes a JSON document into an SDK shape that has a Deserialize
// method (output shapes and the structures inside them).
func decodeSDK(op, shape *smithy.Schema, body []byte, v smithy.Deserializable) error {
	resp := &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusOK, Header: http.Header{},
		Body: io.NopCloser(bytes.NewReader(body))}}
	if err := ecsProtocol.DeserializeResponse(context.Background(), smithy.NewOperationSchema(op, shape, shape), nil, resp, v); err != nil {
		return serializationError(err)
	}
	return nil
}

func serializationError(err error) error {
	return &simapi.APIError{Code: "SerializationException", Message: "Could not parse request body: " + err.Error()}
}

// checkMembers refuses a JSON member the schema does not have, anywhere in
// the document: the SDK's decoder would drop it silently, and a simulator
// that loses what a client sent is the failure this codec exists to avoid.
func checkMembers(schema *smithy.Schema, raw json.RawMessage, path string) error {
	if schema == nil || len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	switch schema.Type() {
	case smithy.ShapeTypeStructure, smithy.ShapeTypeUnion:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return serializationError(fmt.Errorf("%s: expected an object", pathOr(path)))
		}
		for k, v := range obj {
			m := schema.Member(k)
			if m == nil {
				return invalid("Unknown parameter %s%s: the simulator's ECS model does not have it.", dot(path), k)
			}
			if err := checkMembers(m, v, dot(path)+k); err != nil {
				return err
			}
		}
	case smithy.ShapeTypeList, smithy.ShapeTypeSet:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return serializationError(fmt.Errorf("%s: expected a list", pathOr(path)))
		}
		for i, v := range items {
			if err := checkMembers(schema.ListMember(), v, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case smithy.ShapeTypeMap:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return serializationError(fmt.Errorf("%s: expected a map", pathOr(path)))
		}
		for k, v := range obj {
			if err := checkMembers(schema.MapValue(), v, path+"."+k); err != nil {
				return err
			}
		}
	}
	return nil
}

func dot(path string) string {
	if path == "" {
		return ""
	}
	return path + "."
}

func pathOr(path string) string {
	if path == "" {
		return "request"
	}
	return path
}

// copyFields sets every field of dst (a pointer to struct) from the field of
// src with the same name and type. It returns the names of dst's fields that
// src has no counterpart for.
func copyFields(dst, src any) (missing []string) {
	d, s := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src)
	for i := range d.NumField() {
		f := d.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		sf, ok := s.Type().FieldByName(f.Name)
		if !ok || sf.Type != f.Type {
			missing = append(missing, f.Name)
			continue
		}
		d.Field(i).Set(s.FieldByIndex(sf.Index))
	}
	return missing
}
