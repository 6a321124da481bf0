package report

import (
	"math"
	"slices"
	"strconv"
)

// Metric is a headline figure of a run, read from its Summary. A sweep
// writes a column per Metric for every run, its mean and confidence
// interval for every point, and a plot of it.
type Metric struct {
	Name     string // column name, e.g. "edge_hit_ratio"
	Label    string // axis label, e.g. "edge hit ratio"
	Decimals int    // decimals of a run's value (0 for counts)
	Percent  bool   // a ratio in [0, 1], plotted in percent
	Get      func(*Summary) float64
}

// Format writes v with the metric's decimals, so equal runs give equal
// bytes; an undefined figure (NaN: a ratio with nothing to divide) is
// empty, as in timeseries.csv.
func (m Metric) Format(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', m.Decimals, 64)
}

// FormatMean writes a mean or a confidence half-width over runs: counts
// get two decimals, NaN (no runs, or one) is empty.
func (m Metric) FormatMean(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', max(m.Decimals, 2), 64)
}

// metricsNamed picks Headline metrics by name, in the order given; a
// name that is not there is a bug.
func metricsNamed(names ...string) []Metric {
	out := make([]Metric, len(names))
	for i, n := range names {
		j := slices.IndexFunc(Headline, func(m Metric) bool { return m.Name == n })
		if j < 0 {
			panic("report: no headline metric " + n)
		}
		out[i] = Headline[j]
	}
	return out
}

// Headline is the figures a sweep reports, in column order: a new figure
// of summary.json is one line here.
var Headline = []Metric{
	{"edge_hit_ratio", "edge hit ratio", 6, true, func(s *Summary) float64 { return s.Tiers.Edge.HitRatio.Float() }},
	{"edge_byte_hit_ratio", "edge byte hit ratio", 6, true, func(s *Summary) float64 { return s.Tiers.Edge.ByteHitRatio.Float() }},
	{"regional_hit_ratio", "regional hit ratio", 6, true, func(s *Summary) float64 { return s.Tiers.Regional.HitRatio.Float() }},
	{"regional_byte_hit_ratio", "regional byte hit ratio", 6, true, func(s *Summary) float64 { return s.Tiers.Regional.ByteHitRatio.Float() }},
	{"origin_offload", "origin offload (requests)", 6, true, func(s *Summary) float64 { return s.OriginOffload.Requests.Float() }},
	{"origin_byte_offload", "origin offload (bytes)", 6, true, func(s *Summary) float64 { return s.OriginOffload.Bytes.Float() }},
	{"origin_requests", "origin requests", 0, false, func(s *Summary) float64 { return float64(s.Tiers.Origin.Requests) }},
	{"origin_bytes", "origin bytes", 0, false, func(s *Summary) float64 { return float64(s.Tiers.Origin.Bytes) }},
	{"origin_peak_rps", "origin peak requests/s", 0, false, func(s *Summary) float64 { return s.Tiers.Origin.PeakRPS }},
	{"ttfb_p50_ms", "TTFB p50 (ms)", 3, false, func(s *Summary) float64 { return s.Latency.P50 }},
	{"ttfb_p95_ms", "TTFB p95 (ms)", 3, false, func(s *Summary) float64 { return s.Latency.P95 }},
	{"ttfb_p99_ms", "TTFB p99 (ms)", 3, false, func(s *Summary) float64 { return s.Latency.P99 }},
	{"errors_5xx", "5xx responses served", 0, false, func(s *Summary) float64 { return float64(s.Errors.Served5xx) }},
}
