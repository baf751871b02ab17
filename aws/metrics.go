package aws

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/ecstui/ecstui/model"
)

// metricCache keeps each query's last answer. CloudWatch's metrics here
// are per minute (EC2's per 5): asking again within a period returns the
// same datapoints, so an answer is reused until it is a period old.
type metricCache struct {
	fetch   sync.Mutex // one GetMetricData round at a time: concurrent pages share it
	mu      sync.Mutex
	entries map[string]metricEntry
}

type metricEntry struct {
	series  model.MetricSeries
	fetched time.Time
}

func newMetricCache() *metricCache { return &metricCache{entries: map[string]metricEntry{}} }

func cacheKey(q model.MetricQuery, window time.Duration) string {
	return q.Key() + "|" + window.String()
}

// Metrics returns each query's datapoints over the window, oldest first,
// keyed by the query's Key(). Answers younger than their period come from
// the cache; everything else on the list is fetched together, in one
// GetMetricData call per 500 queries (its limit), never one per row. When
// some must be fetched, those at least half a period old are refreshed in
// the same call, so the rows of a screen stay in step and a screen costs one
// call a minute. An empty series means CloudWatch has no datapoint: callers
// show "no data" with a reason, never 0.
//
// On error the answers already held are returned with it.
func (c *Client) Metrics(ctx context.Context, in model.MetricsRequest) (map[string]model.MetricSeries, error) {
	mc := c.metrics
	mc.fetch.Lock()
	defer mc.fetch.Unlock()

	out := make(map[string]model.MetricSeries, len(in.Queries))
	var stale, aging []model.MetricQuery
	seen := map[string]bool{}
	mc.mu.Lock()
	for _, q := range in.Queries {
		k := cacheKey(q, in.Window)
		if seen[k] {
			continue
		}
		seen[k] = true
		period := max(q.Period, model.MetricResolution)
		e, ok := mc.entries[k]
		age := in.Now.Sub(e.fetched)
		switch {
		case !ok || age >= period || age < 0:
			stale = append(stale, q)
		default:
			out[q.Key()] = e.series
			if age >= period/2 {
				aging = append(aging, q)
			}
		}
	}
	mc.mu.Unlock()
	if len(stale) == 0 {
		return out, nil
	}
	todo := append(stale, aging...)
	start := in.Now.Add(-in.Window).Truncate(model.MetricResolution)
	for lo := 0; lo < len(todo); lo += model.MaxMetricQueries {
		chunk := todo[lo:min(lo+model.MaxMetricQueries, len(todo))]
		got, err := c.MetricData(ctx, model.MetricDataInput{Queries: chunk, Start: start, End: in.Now})
		if err != nil {
			return out, err
		}
		mc.mu.Lock()
		for i, q := range chunk {
			out[q.Key()] = got[i]
			mc.entries[cacheKey(q, in.Window)] = metricEntry{series: got[i], fetched: in.Now}
		}
		mc.mu.Unlock()
	}
	return out, nil
}

// MetricData runs GetMetricData for at most 500 queries (IDs are assigned
// here), following NextToken, and returns one series per query in query
// order, datapoints oldest first whatever order CloudWatch used.
func (c *Client) MetricData(ctx context.Context, in model.MetricDataInput) ([]model.MetricSeries, error) {
	if len(in.Queries) > model.MaxMetricQueries {
		return nil, &Error{Kind: KindValidation, Service: "cloudwatch", Op: "GetMetricData",
			Message: fmt.Sprintf("%d queries: GetMetricData takes at most %d", len(in.Queries), model.MaxMetricQueries)}
	}
	params := &cloudwatch.GetMetricDataInput{
		StartTime: sdkaws.Time(in.Start), EndTime: sdkaws.Time(in.End),
		ScanBy: cwtypes.ScanByTimestampAscending,
	}
	byID := make(map[string]int, len(in.Queries))
	out := make([]model.MetricSeries, len(in.Queries))
	for i, q := range in.Queries {
		id := fmt.Sprintf("m%d", i)
		byID[id] = i
		out[i] = model.MetricSeries{ID: id, Label: q.Label}
		dims := make([]cwtypes.Dimension, len(q.Dimensions))
		for j, d := range q.Dimensions {
			dims[j] = cwtypes.Dimension{Name: sdkaws.String(d.Name), Value: sdkaws.String(d.Value)}
		}
		mq := cwtypes.MetricDataQuery{Id: sdkaws.String(id), ReturnData: sdkaws.Bool(true),
			MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{Namespace: sdkaws.String(q.Namespace), MetricName: sdkaws.String(q.MetricName), Dimensions: dims},
				Period: sdkaws.Int32(int32(q.Period / time.Second)), Stat: sdkaws.String(q.Stat),
			}}
		if q.Label != "" {
			mq.Label = sdkaws.String(q.Label)
		}
		params.MetricDataQueries = append(params.MetricDataQueries, mq)
	}
	pages := cloudwatch.NewGetMetricDataPaginator(c.cw, params)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, wrapErr(err)
		}
		for _, r := range page.MetricDataResults {
			i, ok := byID[str(r.Id)]
			if !ok {
				continue
			}
			s := &out[i]
			if s.Label == "" {
				s.Label = str(r.Label)
			}
			s.Status = string(r.StatusCode)
			for _, m := range r.Messages {
				s.Messages = append(s.Messages, str(m.Code)+": "+str(m.Value))
			}
			n := min(len(r.Timestamps), len(r.Values))
			s.Timestamps = append(s.Timestamps, r.Timestamps[:n]...)
			s.Values = append(s.Values, r.Values[:n]...)
		}
	}
	for i := range out {
		sortSeries(&out[i])
	}
	return out, nil
}

// sortSeries orders datapoints oldest first and drops duplicates, whatever
// order and paging CloudWatch used.
func sortSeries(s *model.MetricSeries) {
	idx := make([]int, len(s.Timestamps))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return s.Timestamps[a].Compare(s.Timestamps[b]) })
	ts := make([]time.Time, 0, len(idx))
	vs := make([]float64, 0, len(idx))
	for _, i := range idx {
		if n := len(ts); n > 0 && ts[n-1].Equal(s.Timestamps[i]) {
			continue
		}
		ts = append(ts, s.Timestamps[i].UTC())
		vs = append(vs, s.Values[i])
	}
	s.Timestamps, s.Values = ts, vs
}
