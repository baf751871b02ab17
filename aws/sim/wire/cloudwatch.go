package wire

import (
	"math"
	"regexp"
	"slices"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/ecstui/ecstui/aws/quota"
	"github.com/ecstui/ecstui/aws/sim/simapi"
	"github.com/ecstui/ecstui/model"
)

var cloudwatchOps = map[string]cborOp{
	"GetMetricData": {string(quota.CloudWatchRead), cwGetMetricData},
}

// CloudWatch's GetMetricData rules, enforced as the service does.
const (
	maxMetricDimensions = 30
	// highResolutionPeriods are the periods below a minute CloudWatch
	// accepts (for high-resolution metrics).
	metricIDPattern = `^[a-z][a-zA-Z0-9_]*$`
)

var (
	metricIDRe    = regexp.MustCompile(metricIDPattern)
	standardStats = []string{model.StatAverage, model.StatSum, model.StatMinimum, model.StatMaximum, model.StatSampleCount}
	percentileRe  = regexp.MustCompile(`^p(\d{1,2}(\.\d{1,10})?|100)$`)
)

// metricPeriodOK applies CloudWatch's period rules: 1, 5, 10, 20, 30 or a
// multiple of 60 seconds; data older than 15 days only at multiples of 300,
// older than 63 days only at multiples of 3,600.
func metricPeriodOK(sec int64, start, now time.Time) error {
	switch {
	case sec <= 0:
		return cborInvalid("The parameter MetricDataQueries.member.Period must be greater than 0.")
	case sec < 60 && !slices.Contains([]int64{1, 5, 10, 20, 30}, sec), sec >= 60 && sec%60 != 0:
		return cborInvalid("The parameter MetricDataQueries.member.Period must be 1, 5, 10, 20, 30, or a multiple of 60.")
	case now.Sub(start) > 63*24*time.Hour && sec%3600 != 0:
		return cborInvalid("The parameter MetricDataQueries.member.Period must be a multiple of 3600 for data older than 63 days.")
	case now.Sub(start) > 15*24*time.Hour && sec%300 != 0:
		return cborInvalid("The parameter MetricDataQueries.member.Period must be a multiple of 300 for data older than 15 days.")
	}
	return nil
}

func cwQueries(in cbor.Map, start, now time.Time) ([]model.MetricQuery, error) {
	list, err := cborList(in, "MetricDataQueries")
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, simapi.Errorf("MissingParameter", "The parameter MetricDataQueries is required.")
	}
	if len(list) > model.MaxMetricQueries {
		return nil, simapi.Errorf("ValidationError", "1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length less than or equal to %d", model.MaxMetricQueries)
	}
	seen := map[string]bool{}
	out := make([]model.MetricQuery, 0, len(list))
	for i, v := range list {
		m, ok := v.(cbor.Map)
		if !ok {
			return nil, cborInvalid("MetricDataQueries.member.%d must be a structure", i+1)
		}
		var q model.MetricQuery
		if q.ID, err = cborString(m, "Id"); err != nil {
			return nil, err
		}
		if !metricIDRe.MatchString(q.ID) || len(q.ID) > 255 {
			return nil, cborInvalid("The value %s for parameter MetricDataQueries.member.%d.Id is not valid: it must match %s.", q.ID, i+1, metricIDPattern)
		}
		if seen[q.ID] {
			return nil, cborInvalid("The values for parameter id in MetricDataQueries are not unique.")
		}
		seen[q.ID] = true
		if q.Label, err = cborString(m, "Label"); err != nil {
			return nil, err
		}
		expr, err := cborString(m, "Expression")
		if err != nil {
			return nil, err
		}
		stat, hasStat, err := cborMap(m, "MetricStat")
		if err != nil {
			return nil, err
		}
		switch {
		case hasStat == (expr != ""):
			return nil, cborInvalid("Exactly one of MetricStat and Expression must be set in MetricDataQueries.member.%d.", i+1)
		case expr != "":
			return nil, cborInvalid("MetricDataQueries.member.%d: metric math expressions are not evaluated by this simulator; ask for MetricStat queries.", i+1)
		}
		if err := cwMetricStat(stat, &q, i+1, start, now); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

func cwMetricStat(stat cbor.Map, q *model.MetricQuery, n int, start, now time.Time) error {
	metric, ok, err := cborMap(stat, "Metric")
	if err != nil {
		return err
	}
	if !ok {
		return simapi.Errorf("MissingParameter", "The parameter MetricDataQueries.member.%d.MetricStat.Metric is required.", n)
	}
	if q.Namespace, err = cborString(metric, "Namespace"); err != nil {
		return err
	}
	if q.MetricName, err = cborString(metric, "MetricName"); err != nil {
		return err
	}
	if q.Namespace == "" || q.MetricName == "" {
		return simapi.Errorf("MissingParameter", "MetricDataQueries.member.%d.MetricStat.Metric needs Namespace and MetricName.", n)
	}
	dims, err := cborList(metric, "Dimensions")
	if err != nil {
		return err
	}
	if len(dims) > maxMetricDimensions {
		return cborInvalid("MetricDataQueries.member.%d has more than %d dimensions.", n, maxMetricDimensions)
	}
	for _, d := range dims {
		dm, ok := d.(cbor.Map)
		if !ok {
			return cborInvalid("Dimensions must be structures")
		}
		name, err := cborString(dm, "Name")
		if err != nil {
			return err
		}
		value, err := cborString(dm, "Value")
		if err != nil {
			return err
		}
		if name == "" {
			return simapi.Errorf("MissingParameter", "A dimension of MetricDataQueries.member.%d has no Name.", n)
		}
		q.Dimensions = append(q.Dimensions, model.MetricDimension{Name: name, Value: value})
	}
	period, hasPeriod, err := cborInt(stat, "Period")
	if err != nil {
		return err
	}
	if !hasPeriod {
		return simapi.Errorf("MissingParameter", "The parameter MetricDataQueries.member.%d.MetricStat.Period is required.", n)
	}
	if err := metricPeriodOK(period, start, now); err != nil {
		return err
	}
	q.Period = time.Duration(period) * time.Second
	if q.Stat, err = cborString(stat, "Stat"); err != nil {
		return err
	}
	if !slices.Contains(standardStats, q.Stat) && !percentileRe.MatchString(q.Stat) {
		return cborInvalid("The value %q for parameter MetricDataQueries.member.%d.MetricStat.Stat is not a valid statistic.", q.Stat, n)
	}
	return nil
}

func cwGetMetricData(s *Server, in cbor.Map) (cbor.Map, error) {
	start, hasStart, err := cborTime(in, "StartTime")
	if err != nil {
		return nil, err
	}
	end, hasEnd, err := cborTime(in, "EndTime")
	if err != nil {
		return nil, err
	}
	if !hasStart || !hasEnd {
		return nil, simapi.Errorf("MissingParameter", "The parameters StartTime and EndTime are required.")
	}
	if !start.Before(end) {
		return nil, cborInvalid("The parameter StartTime must be less than the parameter EndTime.")
	}
	queries, err := cwQueries(in, start, s.b.Now())
	if err != nil {
		return nil, err
	}
	maxPoints := int64(model.MaxMetricDatapoints)
	if n, ok, err := cborInt(in, "MaxDatapoints"); err != nil {
		return nil, err
	} else if ok {
		if n < 1 {
			return nil, cborInvalid("The parameter MaxDatapoints must be greater than 0.")
		}
		maxPoints = min(n, maxPoints)
	}
	scanBy, err := cborString(in, "ScanBy")
	if err != nil {
		return nil, err
	}
	if scanBy != "" && scanBy != "TimestampDescending" && scanBy != "TimestampAscending" {
		return nil, cborInvalid("The value %s for parameter ScanBy is not valid.", scanBy)
	}
	token, err := cborString(in, "NextToken")
	if err != nil {
		return nil, err
	}
	keys := []string{"GetMetricData", start.String(), end.String()}
	for _, q := range queries {
		keys = append(keys, q.ID, q.Key())
	}
	fp := fingerprint(keys...)
	offset, ok := decodeToken(token, fp)
	if !ok {
		return nil, simapi.Errorf("InvalidNextToken", "The service cannot process the NextToken.")
	}

	series, err := s.b.GetMetricData(model.MetricDataInput{Queries: queries, Start: start, End: end})
	if err != nil {
		return nil, err
	}
	// Pages hold at most maxPoints datapoints over the series laid end to
	// end; a series cut by a page boundary is PartialData on both pages.
	total := 0
	for _, ser := range series {
		total += len(ser.Values)
	}
	pageEnd := offset + int(maxPoints)
	more := pageEnd < total
	results := cbor.List{}
	pos := 0
	for _, ser := range series {
		first, n := pos, len(ser.Values)
		pos += n
		var in bool
		if n == 0 {
			in = first >= offset && (first < pageEnd || !more)
		} else {
			in = first+n > offset && first < pageEnd
		}
		if !in {
			continue
		}
		lo, hi := max(offset-first, 0), min(n, pageEnd-first)
		status := ser.Status
		if lo > 0 || hi < n {
			status = model.MetricStatusPartial
		}
		results = append(results, cwResult(ser, lo, hi, status, scanBy != "TimestampAscending"))
	}
	out := cbor.Map{"MetricDataResults": results, "Messages": cbor.List{}}
	if more {
		out["NextToken"] = cbor.String(encodeToken(pageEnd, fp))
	}
	return out, nil
}

// cwResult encodes datapoints [lo, hi) of an oldest-first series, newest
// first unless the caller scans ascending.
func cwResult(ser model.MetricSeries, lo, hi int, status string, descending bool) cbor.Map {
	ts, vs := slices.Clone(ser.Timestamps[lo:hi]), slices.Clone(ser.Values[lo:hi])
	if descending {
		slices.Reverse(ts)
		slices.Reverse(vs)
	}
	tl, vl := make(cbor.List, len(ts)), make(cbor.List, len(vs))
	for i := range ts {
		tl[i] = cborTimestamp(ts[i])
		v := vs[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = 0
		}
		vl[i] = cbor.Float64(v)
	}
	msgs := cbor.List{}
	for _, m := range ser.Messages {
		msgs = append(msgs, cbor.Map{"Code": cbor.String("Info"), "Value": cbor.String(m)})
	}
	return cbor.Map{
		"Id": cbor.String(ser.ID), "Label": cbor.String(ser.Label), "StatusCode": cbor.String(status),
		"Timestamps": tl, "Values": vl, "Messages": msgs,
	}
}
