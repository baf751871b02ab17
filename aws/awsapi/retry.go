package awsapi

import "context"

type noRetriesKey struct{}

// WithoutRetries marks the calls made with ctx as steady-state refreshes:
// the adapter sends each once, without the SDK's retries. A refresh that
// AWS throttles is reported at once, so the caller backs off instead of
// adding retries to a bucket other callers in the account are short of.
// (A per-call policy, so it travels with the call's context.)
func WithoutRetries(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRetriesKey{}, true)
}

// RetriesOff reports whether ctx was marked by WithoutRetries.
func RetriesOff(ctx context.Context) bool {
	off, _ := ctx.Value(noRetriesKey{}).(bool)
	return off
}
