package aws

import (
	"bytes"
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// sdkHTTPClient is the HTTP client interface the SDK config carries.
type sdkHTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// bufferedBodyClient hands the transport a request body read into memory.
// smithy-go closes the request body as soon as response headers arrive; if
// net/http is still on its final read of that body, the transport closes the
// connection under the response being read ("use of closed network
// connection"). Against a fast endpoint — the loopback simulator — that
// broke about 1 in 100 large responses and many live tail streams. Request
// bodies of the operations we send are small, so buffering costs nothing.
type bufferedBodyClient struct{ next sdkHTTPClient }

func (c bufferedBodyClient) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		buf, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(buf))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
		r.ContentLength = int64(len(buf))
	}
	return c.next.Do(r)
}

func withBufferedBodies(next sdkHTTPClient) sdkHTTPClient {
	if next == nil {
		next = awshttp.NewBuildableClient()
	}
	return bufferedBodyClient{next: next}
}
