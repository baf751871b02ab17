package awstest

import (
	"context"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"

	"github.com/aws/smithy-go/middleware"
)

// Sparse returns SDK middleware (for aws.Config.Middleware) that makes an
// endpoint behave like the least helpful one the AWS API definitions allow:
//
//   - every optional field of every response — a pointer, slice or map at
//     any depth — is left out with probability rate, chosen by reflection
//     over the SDK's output types, so fields the SDK gains later are
//     covered without a change here;
//   - list requests lose their filters and ask for the opposite sort order,
//     as a server that ignores both would answer.
//
// Value fields (counts, enums) stay: the SDK cannot tell them absent either.
func Sparse(seed uint64, rate float64) func(*middleware.Stack) error {
	var mu sync.Mutex
	rnd := rand.New(rand.NewPCG(seed, 0x5ba45e))
	ignoreFilters := middleware.InitializeMiddlewareFunc("ecstuiTestIgnoreFilters",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			if strings.HasPrefix(middleware.GetOperationName(ctx), "List") {
				unfilter(reflect.ValueOf(in.Parameters))
			}
			return next.HandleInitialize(ctx, in)
		})
	drop := middleware.DeserializeMiddlewareFunc("ecstuiTestSparse",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			if err == nil && out.Result != nil {
				mu.Lock()
				thin(reflect.ValueOf(out.Result), rnd, rate, 0)
				mu.Unlock()
			}
			return out, md, err
		})
	return func(st *middleware.Stack) error {
		if err := st.Initialize.Add(ignoreFilters, middleware.After); err != nil {
			return err
		}
		return st.Deserialize.Add(drop, middleware.Before)
	}
}

// unfilter clears a list request's filters (every field but the cluster and
// the paging ones) and turns its sort order around.
func unfilter(v reflect.Value) {
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	s := v.Elem()
	for i := range s.NumField() {
		f, name := s.Field(i), s.Type().Field(i).Name
		if !f.CanSet() {
			continue
		}
		switch name {
		case "Cluster", "MaxResults", "NextToken", "MaxRecords", "Limit":
		case "Sort":
			if f.Kind() == reflect.String {
				f.SetString(map[string]string{"DESC": "ASC", "ASC": "DESC", "": "ASC"}[f.String()])
			}
		default:
			f.Set(reflect.Zero(f.Type()))
		}
	}
}

// thin leaves out optional fields of the resources in a response, at any
// depth. The response's own fields (the list of services, the page token)
// stay, so that every resource is there with fields missing, rather than
// most of them missing whole.
func thin(v reflect.Value, rnd *rand.Rand, rate float64, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			thin(v.Elem(), rnd, rate, depth)
		}
	case reflect.Slice:
		for i := range v.Len() {
			thin(v.Index(i), rnd, rate, depth)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			if !f.CanSet() || v.Type().Field(i).Name == "ResultMetadata" {
				continue
			}
			switch f.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map:
				if depth > 0 && !f.IsNil() && rnd.Float64() < rate {
					f.Set(reflect.Zero(f.Type()))
					continue
				}
				thin(f, rnd, rate, depth+1)
			case reflect.Struct:
				thin(f, rnd, rate, depth+1)
			}
		}
	}
}
