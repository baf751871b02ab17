package wire

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ecstui/ecstui/model"
)

// CloudWatch Logs limits.
const (
	maxFilterLimit      = 10000
	maxGetLimit         = 10000
	maxDescribeLogLimit = 50
	maxTailGroups       = 10
)

func logsOp(bucket string, h func(s *Server, body []byte) (any, error)) jsonOp {
	return jsonOp{bucket: bucket, resource: logGroupOfBody, handle: func(s *Server, _ http.ResponseWriter, _ *http.Request, body []byte) (any, error) {
		return h(s, body)
	}}
}

var logsOps map[string]jsonOp

func init() {
	logsOps = map[string]jsonOp{
		"DescribeLogGroups":  logsOp("logs:describe", logsDescribeLogGroups),
		"DescribeLogStreams": logsOp("logs:get", logsDescribeLogStreams),
		"FilterLogEvents":    logsOp("logs:filter", logsFilterLogEvents),
		"GetLogEvents":       logsOp("logs:get", logsGetLogEvents),
		"StartLiveTail":      {bucket: "logs:tail", resource: logGroupOfBody, handle: logsStartLiveTail},
		"CreateLogGroup":     logsOp("logs:write", logsCreateLogGroup),
		"CreateLogStream":    logsOp("logs:write", logsCreateLogStream),
		"PutLogEvents":       logsOp("logs:put", logsPutLogEvents),
		"DeleteLogGroup":     logsOp("logs:write", logsDeleteLogGroup),
	}
}

// logGroupOfBody names the log group a request targets, for AccessDenied messages.
func logGroupOfBody(s *Server, body []byte) string {
	var v struct {
		LogGroupName       string `json:"logGroupName"`
		LogGroupIdentifier string `json:"logGroupIdentifier"`
	}
	_ = json.Unmarshal(body, &v)
	switch {
	case v.LogGroupIdentifier != "":
		return s.logGroupARN(groupName(v.LogGroupIdentifier))
	case v.LogGroupName != "":
		return s.logGroupARN(v.LogGroupName)
	}
	return s.arn("logs", "log-group:*")
}

func (s *Server) logGroupARN(name string) string { return s.arn("logs", "log-group:"+name+":*") }

// groupName accepts a log group name or ARN (with or without the trailing :*).
func groupName(id string) string {
	if !strings.HasPrefix(id, "arn:") {
		return id
	}
	id = strings.TrimSuffix(id, ":*")
	if i := strings.Index(id, ":log-group:"); i >= 0 {
		return id[i+len(":log-group:"):]
	}
	return id
}

// ms is a CloudWatch Logs timestamp: milliseconds since the epoch.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v *int64) time.Time {
	if v == nil {
		return time.Time{}
	}
	return time.UnixMilli(*v).UTC()
}

type jsLogGroup struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime,omitempty"`
	RetentionInDays   int    `json:"retentionInDays,omitempty"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
	LogGroupArn       string `json:"logGroupArn"`
}

func logsDescribeLogGroups(s *Server, body []byte) (any, error) {
	var in struct {
		LogGroupNamePrefix  string `json:"logGroupNamePrefix"`
		LogGroupNamePattern string `json:"logGroupNamePattern"`
		NextToken           string `json:"nextToken"`
		Limit               *int   `json:"limit"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.Limit, maxDescribeLogLimit, maxDescribeLogLimit, "limit")
	if err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != "" && in.LogGroupNamePattern != "" {
		return nil, invalid("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive.")
	}
	groups := s.b.DescribeLogGroups(in.LogGroupNamePrefix)
	if pat := strings.ToLower(in.LogGroupNamePattern); pat != "" {
		// CloudWatch matches the pattern case-insensitively anywhere in the name.
		groups = slices.DeleteFunc(slices.Clone(groups), func(g model.LogGroup) bool {
			return !strings.Contains(strings.ToLower(g.Name), pat)
		})
	}
	page, next, ok := pageOf(groups, n, in.NextToken, fingerprint("DescribeLogGroups", in.LogGroupNamePrefix, in.LogGroupNamePattern))
	if !ok {
		return nil, invalid("The specified nextToken is invalid.")
	}
	out := struct {
		LogGroups []jsLogGroup `json:"logGroups"`
		NextToken string       `json:"nextToken,omitempty"`
	}{LogGroups: []jsLogGroup{}, NextToken: next}
	for _, g := range page {
		arn := g.ARN
		if arn == "" {
			arn = s.logGroupARN(g.Name)
		}
		out.LogGroups = append(out.LogGroups, jsLogGroup{
			LogGroupName: g.Name, CreationTime: ms(g.CreatedAt), RetentionInDays: g.RetentionDays,
			Arn: strings.TrimSuffix(arn, ":*") + ":*", StoredBytes: g.StoredBytes, LogGroupClass: "STANDARD",
			LogGroupArn: strings.TrimSuffix(arn, ":*"),
		})
	}
	return out, nil
}

type jsLogStream struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime,omitempty"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

func logsDescribeLogStreams(s *Server, body []byte) (any, error) {
	var in struct {
		LogGroupName        string `json:"logGroupName"`
		LogGroupIdentifier  string `json:"logGroupIdentifier"`
		LogStreamNamePrefix string `json:"logStreamNamePrefix"`
		OrderBy             string `json:"orderBy"`
		Descending          bool   `json:"descending"`
		NextToken           string `json:"nextToken"`
		Limit               *int   `json:"limit"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	group, err := oneGroup(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	n, err := pageSize(in.Limit, maxDescribeLogLimit, maxDescribeLogLimit, "limit")
	if err != nil {
		return nil, err
	}
	byLast := false
	switch in.OrderBy {
	case "", "LogStreamName":
	case "LastEventTime":
		byLast = true
		if in.LogStreamNamePrefix != "" {
			return nil, invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	default:
		return nil, invalid("orderBy must be LogStreamName or LastEventTime.")
	}
	streams, err := s.b.DescribeLogStreams(group, in.LogStreamNamePrefix, byLast, in.Descending)
	if err != nil {
		return nil, err
	}
	fp := fingerprint("DescribeLogStreams", group, in.LogStreamNamePrefix, in.OrderBy, strconv.FormatBool(in.Descending))
	page, next, ok := pageOf(streams, n, in.NextToken, fp)
	if !ok {
		return nil, invalid("The specified nextToken is invalid.")
	}
	out := struct {
		LogStreams []jsLogStream `json:"logStreams"`
		NextToken  string        `json:"nextToken,omitempty"`
	}{LogStreams: []jsLogStream{}, NextToken: next}
	for _, st := range page {
		out.LogStreams = append(out.LogStreams, jsLogStream{
			LogStreamName: st.Name, CreationTime: ms(st.CreatedAt), FirstEventTimestamp: ms(st.FirstEventAt),
			LastEventTimestamp: ms(st.LastEventAt), LastIngestionTime: ms(st.LastIngestionAt),
			Arn: s.arn("logs", "log-group:"+group+":log-stream:"+st.Name),
		})
	}
	return out, nil
}

// oneGroup resolves logGroupName/logGroupIdentifier: exactly one is required.
func oneGroup(name, ident string) (string, error) {
	switch {
	case name != "" && ident != "":
		return "", invalid("LogGroupName and LogGroupIdentifier are mutually exclusive.")
	case name != "":
		return name, nil
	case ident != "":
		return groupName(ident), nil
	}
	return "", invalid("Either LogGroupName or LogGroupIdentifier must be specified.")
}

type jsFilteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

// A FilterLogEvents token remembers the last event returned (timestamp and
// id), so paging stays correct while new events keep arriving.
func filterToken(e model.LogEvent, fp string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("f1:" + strconv.FormatInt(e.Timestamp.UnixMilli(), 10) + ":" + e.ID + ":" + fp))
}

func parseFilterToken(tok, fp string) (int64, string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, "", false
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 4 || parts[0] != "f1" || parts[3] != fp {
		return 0, "", false
	}
	ts, err := strconv.ParseInt(parts[1], 10, 64)
	return ts, parts[2], err == nil
}

func logsFilterLogEvents(s *Server, body []byte) (any, error) {
	var in struct {
		LogGroupName        string   `json:"logGroupName"`
		LogGroupIdentifier  string   `json:"logGroupIdentifier"`
		LogStreamNames      []string `json:"logStreamNames"`
		LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
		StartTime           *int64   `json:"startTime"`
		EndTime             *int64   `json:"endTime"`
		FilterPattern       string   `json:"filterPattern"`
		NextToken           string   `json:"nextToken"`
		Limit               *int     `json:"limit"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	group, err := oneGroup(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return nil, invalid("logStreamNames and logStreamNamePrefix are mutually exclusive.")
	}
	if len(in.LogStreamNames) > 100 {
		return nil, invalid("logStreamNames can have at most 100 items.")
	}
	n, err := pageSize(in.Limit, maxFilterLimit, maxFilterLimit, "limit")
	if err != nil {
		return nil, err
	}
	f := model.LogFilter{Group: group, StreamNames: in.LogStreamNames, StreamPrefix: in.LogStreamNamePrefix,
		Start: fromMS(in.StartTime), End: fromMS(in.EndTime), FilterPattern: in.FilterPattern}
	events, err := s.b.FilterLogEvents(f)
	if err != nil {
		return nil, err
	}
	fp := fingerprint("FilterLogEvents", group, strings.Join(in.LogStreamNames, ","), in.LogStreamNamePrefix,
		strconv.FormatInt(ms(f.Start), 10), strconv.FormatInt(ms(f.End), 10), in.FilterPattern)
	start := 0
	if in.NextToken != "" {
		ts, id, ok := parseFilterToken(in.NextToken, fp)
		if !ok {
			return nil, invalid("The specified nextToken is invalid.")
		}
		// Events are ordered by (timestamp, id): resume after the last one sent.
		start = sort.Search(len(events), func(i int) bool {
			e := events[i]
			t := e.Timestamp.UnixMilli()
			return t > ts || (t == ts && e.ID > id)
		})
	}
	end := min(start+n, len(events))
	out := struct {
		Events             []jsFilteredEvent `json:"events"`
		SearchedLogStreams []any             `json:"searchedLogStreams"`
		NextToken          string            `json:"nextToken,omitempty"`
	}{Events: make([]jsFilteredEvent, 0, end-start), SearchedLogStreams: []any{}}
	for _, e := range events[start:end] {
		out.Events = append(out.Events, jsFilteredEvent{LogStreamName: e.Stream, Timestamp: ms(e.Timestamp),
			Message: e.Message, IngestionTime: ms(e.IngestedAt), EventID: e.ID})
	}
	if end < len(events) {
		out.NextToken = filterToken(events[end-1], fp)
	}
	return out, nil
}

type jsOutputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

// GetLogEvents tokens are positions in the stream's (append-only) event list
// for the requested window: "f/N" reads forward from N, "b/N" backward to N.
// A forward read past the end returns the same token, which is how clients
// know they are caught up.
func logsGetLogEvents(s *Server, body []byte) (any, error) {
	var in struct {
		LogGroupName       string `json:"logGroupName"`
		LogGroupIdentifier string `json:"logGroupIdentifier"`
		LogStreamName      string `json:"logStreamName"`
		StartTime          *int64 `json:"startTime"`
		EndTime            *int64 `json:"endTime"`
		NextToken          string `json:"nextToken"`
		Limit              *int   `json:"limit"`
		StartFromHead      *bool  `json:"startFromHead"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	group, err := oneGroup(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if in.LogStreamName == "" {
		return nil, invalid("logStreamName must be specified.")
	}
	n, err := pageSize(in.Limit, maxGetLimit, maxGetLimit, "limit")
	if err != nil {
		return nil, err
	}
	events, err := s.b.GetLogEvents(group, in.LogStreamName, fromMS(in.StartTime), fromMS(in.EndTime))
	if err != nil {
		return nil, err
	}
	fp := fingerprint("GetLogEvents", group, in.LogStreamName, strconv.FormatInt(ms(fromMS(in.StartTime)), 10),
		strconv.FormatInt(ms(fromMS(in.EndTime)), 10))
	var from, to int
	switch {
	case in.NextToken == "":
		if in.StartFromHead != nil && *in.StartFromHead {
			from, to = 0, min(n, len(events))
		} else {
			from, to = max(0, len(events)-n), len(events)
		}
	default:
		dir, pos, ok := parseGetToken(in.NextToken, fp)
		if !ok {
			return nil, invalid("The specified nextToken is invalid.")
		}
		pos = min(pos, len(events))
		if dir == 'f' {
			from, to = pos, min(pos+n, len(events))
		} else {
			from, to = max(0, pos-n), pos
		}
	}
	out := struct {
		Events            []jsOutputEvent `json:"events"`
		NextForwardToken  string          `json:"nextForwardToken"`
		NextBackwardToken string          `json:"nextBackwardToken"`
	}{Events: make([]jsOutputEvent, 0, to-from), NextForwardToken: getToken('f', to, fp), NextBackwardToken: getToken('b', from, fp)}
	for _, e := range events[from:to] {
		out.Events = append(out.Events, jsOutputEvent{Timestamp: ms(e.Timestamp), Message: e.Message, IngestionTime: ms(e.IngestedAt)})
	}
	return out, nil
}

func getToken(dir byte, pos int, fp string) string {
	return string(dir) + "/" + strconv.Itoa(pos) + "/" + fp
}

func parseGetToken(tok, fp string) (byte, int, bool) {
	parts := strings.Split(tok, "/")
	if len(parts) != 3 || (parts[0] != "f" && parts[0] != "b") || parts[2] != fp {
		return 0, 0, false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 {
		return 0, 0, false
	}
	return parts[0][0], n, true
}
