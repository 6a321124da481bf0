package report

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/topology"
)

// TestAMiniatureReportsFullScaleEstimates: the hand-computed outcomes seen
// by a recorder at R = 0.25 give four times every count and rate of the
// unsampled recorder (TestHandComputed's figures), the same ratios and
// latencies, and say so.
func TestAMiniatureReportsFullScaleEstimates(t *testing.T) {
	t.Parallel()
	cfg := handConfig()
	cfg.SampleRate = 0.25
	mini := NewRecorder(cfg)
	for _, o := range append(append([]topology.Outcome{}, handOutcomes...), moreHandOutcomes...) {
		mini.Observe(&o)
	}
	stats := topology.Stats{InvalidationPaths: 3, InvalidatedObjects: 2}
	mini.SetNetworkStats(stats)
	fullRec := fullHandRecorder()
	fullRec.SetNetworkStats(stats)
	got, full := mini.Summary(), fullRec.Summary()
	if got.SampleRate != 0.25 || full.SampleRate != 1 {
		t.Fatalf("sample_rate %v and %v, want 0.25 and 1", got.SampleRate, full.SampleRate)
	}
	e, g, o := got.Tiers.Edge, got.Tiers.Regional, got.Tiers.Origin
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"requests", got.Requests, 48}, {"bytes", got.Bytes, 4 * 4612},
		{"edge hits", e.Hits, 16}, {"edge refresh hits", e.RefreshHits, 4}, {"edge errors", e.Errors, 4},
		{"edge bypass", e.Bypass, 4}, {"edge upstream", e.Upstream, 24}, {"edge cached errors", e.CachedErrors, 4},
		{"regional requests", g.Requests, 20}, {"regional hit bytes", g.HitBytes, 1200},
		{"origin requests", o.Requests, 16}, {"origin bytes", o.Bytes, 7600},
		{"edge→regional requests", got.Flows.EdgeRegional.Requests, 20}, {"edge→regional bytes", got.Flows.EdgeRegional.Bytes, 6400},
		{"regional→origin bytes", got.Flows.RegionalOrigin.Bytes, 3600},
		{"5xx served", got.Errors.Served5xx, 4}, {"method bypass", got.Bypass.Method, 4},
		{"Hit requests by result", got.Latency.ByResult["Hit"].Requests, 16},
		{"POP B requests", got.POPs[1].Requests, 24}, {"POP A bytes", got.POPs[0].Bytes, 4 * 1912},
		{"invalidated objects", got.Invalidations.Objects, 8}, {"invalidation paths (not traffic)", got.Invalidations.Paths, 3},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if o.PeakRPS != 8 || o.MeanRPS != 0.8 || o.PeakAtS != 12 {
		t.Errorf("origin peak %v at %v s, mean %v req/s; want 8 at 12, 0.8", o.PeakRPS, o.PeakAtS, o.MeanRPS)
	}
	if e.HitRatio != full.Tiers.Edge.HitRatio || g.ByteHitRatio != full.Tiers.Regional.ByteHitRatio ||
		got.OriginOffload != full.OriginOffload || got.POPs[1].HitRatio != full.POPs[1].HitRatio ||
		got.Latency.P99 != full.Latency.P99 || got.Latency.Mean != full.Latency.Mean ||
		got.Latency.ByResult["Miss"].P50 != full.Latency.ByResult["Miss"].P50 {
		t.Error("ratios or latencies changed with the scaling")
	}
	if !strings.Contains(got.Text(), "sample R = 0.25: full-scale estimates") {
		t.Errorf("text does not say it is an estimate: %s", got.Text())
	}
	// timeseries.csv: bin 0 has 5 requests (2 edge hits of 5 cacheable)
	// and 1 origin fetch of 400 B in 10 s.
	col := csvRow(t, mini.TimeseriesCSV(), 0)
	want := map[string]string{"requests": "20", "edge_hits": "8", "edge_hit_ratio": "0.400000", "origin_requests": "4",
		"origin_bytes": "1600", "origin_rps": "0.400", "origin_bytes_per_s": "160.0", "origin_peak_rps": "4"}
	for k, v := range want {
		if col[k] != v {
			t.Errorf("bin 0 %s = %q, want %q", k, col[k], v)
		}
	}
	// Bin 1's 503 from the POP's cached error: one each, estimated as 4.
	if col := csvRow(t, mini.TimeseriesCSV(), 1); col["errors_5xx"] != "4" || col["negative_cache_hits"] != "4" || col["errors_4xx"] != "0" {
		t.Errorf("bin 1 errors_5xx %s, negative_cache_hits %s, errors_4xx %s; want 4, 4, 0", col["errors_5xx"], col["negative_cache_hits"], col["errors_4xx"])
	}
	if title := mini.title("x"); !strings.Contains(title, "(seed 42, sample R = 0.25)") {
		t.Errorf("plot title %q", title)
	}
}

// TestAtRateOneNothingIsScaled: SampleRate 1 and the zero value give the
// same summary, series and titles.
func TestAtRateOneNothingIsScaled(t *testing.T) {
	t.Parallel()
	cfg := handConfig()
	cfg.SampleRate = 1
	one := NewRecorder(cfg)
	for _, o := range handOutcomes {
		one.Observe(&o)
	}
	def := handRecorder()
	if !reflect.DeepEqual(one.Summary(), def.Summary()) || string(one.TimeseriesCSV()) != string(def.TimeseriesCSV()) ||
		one.title("x") != def.title("x") {
		t.Error("a recorder at R = 1 differs from one with no sample rate")
	}
}
