package wire

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ecstui/ecstui/aws/sim/simapi"
)

// One endpoint serves one simulated region, the world's. A request signed
// for another region would get ARNs of the wrong region back, so it is
// refused, naming both, as AWS refuses a credential scoped to the wrong
// region.

// signedRegion is the region of a SigV4 Authorization header's credential
// scope (Credential=AKID/date/region/service/aws4_request), "" when the
// request is not signed that way.
func signedRegion(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[2]
}

// wrongRegion is the error for a request signed for another region.
func (s *Server) wrongRegion(p proto, region string) *simapi.APIError {
	msg := "Credential should be scoped to a valid region, not '" + region + "'. This simulated endpoint serves " +
		s.region + " only: sign requests for " + s.region + " (--region " + s.region + ")."
	switch p {
	case protoQuery:
		return &simapi.APIError{Code: "SignatureDoesNotMatch", Message: msg, HTTPStatus: http.StatusForbidden}
	case protoEC2:
		return &simapi.APIError{Code: "AuthFailure", Message: msg, HTTPStatus: http.StatusUnauthorized}
	}
	return &simapi.APIError{Code: "InvalidSignatureException", Message: msg, HTTPStatus: http.StatusBadRequest}
}

// regionRefused reports the error for a request signed for another region.
func (s *Server) regionRefused(r *http.Request, p proto) *simapi.APIError {
	if reg := signedRegion(r); reg != "" && reg != s.region {
		return s.wrongRegion(p, reg)
	}
	return nil
}

const (
	versionSTS = "2011-06-15"
	nsSTS      = "https://sts.amazonaws.com/doc/2011-06-15/"
)

var stsOps = map[string]queryOp{
	"GetCallerIdentity": {"sts:read", stsGetCallerIdentity},
}

// callerUserID is the IAM user id of the simulated principal.
const callerUserID = "AIDASIMULATEDECSTUI01"

func stsGetCallerIdentity(s *Server, _ form) (any, error) {
	type result struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}
	return struct {
		XMLName xml.Name `xml:"GetCallerIdentityResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  result   `xml:"GetCallerIdentityResult"`
		Meta    meta     `xml:"ResponseMetadata"`
	}{Xmlns: nsSTS, Result: result{Arn: "arn:aws:iam::" + s.account + ":user/ecstui-demo", UserID: callerUserID, Account: s.account},
		Meta: s.meta()}, nil
}

type xmlRegion struct {
	RegionName     string `xml:"regionName"`
	RegionEndpoint string `xml:"regionEndpoint"`
	OptInStatus    string `xml:"optInStatus"`
}

// ec2DescribeRegions lists the regions of the simulated account: the one
// this endpoint serves.
func ec2DescribeRegions(s *Server, f form) (any, error) {
	regions := []xmlRegion{{RegionName: s.region, RegionEndpoint: "ec2." + s.region + ".amazonaws.com", OptInStatus: "opt-in-not-required"}}
	if names := f.list("RegionName"); len(names) > 0 {
		regions = slices.DeleteFunc(regions, func(r xmlRegion) bool { return !slices.Contains(names, r.RegionName) })
	}
	for _, fi := range f.indexes("Filter") {
		p := "Filter." + strconv.Itoa(fi)
		name, values := f.get(p+".Name"), f.list(p+".Value")
		var field func(xmlRegion) string
		switch name {
		case "region-name":
			field = func(r xmlRegion) string { return r.RegionName }
		case "endpoint":
			field = func(r xmlRegion) string { return r.RegionEndpoint }
		case "opt-in-status":
			field = func(r xmlRegion) string { return r.OptInStatus }
		default:
			return nil, simapi.Errorf("InvalidParameterValue", "The filter '%s' is invalid", name)
		}
		regions = slices.DeleteFunc(regions, func(r xmlRegion) bool { return !slices.Contains(values, field(r)) })
	}
	return struct {
		XMLName   xml.Name    `xml:"DescribeRegionsResponse"`
		Xmlns     string      `xml:"xmlns,attr"`
		RequestID string      `xml:"requestId"`
		Regions   []xmlRegion `xml:"regionInfo>item"`
	}{Xmlns: nsEC2, RequestID: s.requestID(), Regions: regions}, nil
}
