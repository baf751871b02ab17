package aws

import (
	"fmt"
	"math"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
)

// int32s converts ecstui's ints into the SDK's int32 fields for one request.
// A value that does not fit is never wrapped: the first one is remembered
// and the request is refused with a KindValidation error before it is sent
// (int32(4294967297) would otherwise be 1).
type int32s struct {
	service, op string
	err         error
}

// of converts n, remembering the first value out of range.
func (c *int32s) of(field string, n int) int32 {
	if n < math.MinInt32 || n > math.MaxInt32 {
		if c.err == nil {
			c.err = &Error{Kind: KindValidation, Service: c.service, Op: c.op,
				Message: fmt.Sprintf("%s %d does not fit the 32-bit integer AWS accepts: nothing was sent", field, n)}
		}
		return 0
	}
	return int32(n)
}

// ptr is of as a pointer, for optional fields.
func (c *int32s) ptr(field string, n int) *int32 { return sdkaws.Int32(c.of(field, n)) }

// opt is ptr, or nil for 0 (a field left unset).
func (c *int32s) opt(field string, n int) *int32 {
	if n == 0 {
		return nil
	}
	return c.ptr(field, n)
}
