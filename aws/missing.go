package aws

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// missingError names the resource a not-found answer is about. AWS's
// messages often do not ("Cluster not found.", "Unable to describe task
// definition."); the request does, so the middleware below reads it from
// the request's input.
type missingError struct {
	resource string // e.g. `cluster "web"`
	region   string
	err      error
}

func (e *missingError) Error() string { return e.resource + " not found: " + e.err.Error() }
func (e *missingError) Unwrap() error { return e.err }

// missingField is, for an error code (and message) meaning "does not
// exist", the input field naming the resource and what to call it.
func missingField(code, msg string) (field, noun string) {
	switch {
	case code == "ClusterNotFoundException":
		return "Cluster", "cluster"
	case code == "ServiceNotFoundException":
		return "Service", "service"
	case code == "ClientException" && strings.Contains(strings.ToLower(msg), "unable to describe task definition"):
		return "TaskDefinition", "task definition"
	case code == "ResourceNotFoundException" && strings.Contains(strings.ToLower(msg), "log group"):
		return "LogGroupName", "log group"
	case code == "TargetGroupNotFound":
		return "TargetGroupArns", "target group"
	case code == "ObjectNotFoundException":
		return "ResourceId", "scalable target"
	}
	return "", ""
}

// nameMissing wraps a not-found error in a missingError naming the resource
// the request asked for. It sits in the Initialize step, where the input is
// still the operation's typed parameters.
func nameMissing(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("ecstuiNameMissing",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleInitialize(ctx, in)
			var apiErr smithy.APIError
			if err == nil || !errors.As(err, &apiErr) {
				return out, md, err
			}
			field, noun := missingField(apiErr.ErrorCode(), apiErr.ErrorMessage())
			if field == "" {
				return out, md, err
			}
			what := noun
			if name := inputString(in.Parameters, field); name != "" {
				what = fmt.Sprintf("%s %q", noun, name)
			}
			return out, md, &missingError{resource: what, region: awsmiddleware.GetRegion(ctx), err: err}
		}), middleware.After)
}

// inputString reads a string (or the first of a string list) field of an
// SDK input struct.
func inputString(params any, field string) string {
	v := reflect.ValueOf(params)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	f := v.FieldByName(field)
	if f.Kind() == reflect.Pointer && !f.IsNil() {
		f = f.Elem()
	}
	switch f.Kind() {
	case reflect.String:
		return f.String()
	case reflect.Slice:
		if f.Len() > 0 && f.Index(0).Kind() == reflect.String {
			return f.Index(0).String()
		}
	}
	return ""
}
