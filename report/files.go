package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

// TimeseriesHeader is the first line of timeseries.csv: one row per
// interval of the measured period. The README's section "Outputs: every
// field" gives each column's formula; ratios are empty where undefined
// (nothing to share in the interval), as are an empty interval's
// percentiles.
var TimeseriesHeader = "interval_start_s,hour,requests,bytes," +
	tierColumns("edge", true) + "," + tierColumns("regional", false) + "," + tierColumns("shield", false) + "," +
	"origin_requests,origin_bytes,origin_offload,origin_byte_offload,origin_rps,origin_peak_rps,origin_bytes_per_s," +
	"ttfb_p50_ms,ttfb_p95_ms,ttfb_p99_ms,errors_5xx,stale_served,errors_4xx,negative_cache_hits,failovers"

// tierColumns are a tier's columns: requests, counts by result, and hit
// ratios; bypass only at the edge.
func tierColumns(tier string, bypass bool) string {
	cols := []string{"requests", "hits", "refresh_hits", "misses", "errors", "collapsed"}
	if bypass {
		cols = append(cols, "bypass")
	}
	cols = append(cols, "hit_ratio", "byte_hit_ratio")
	for i, c := range cols {
		cols[i] = tier + "_" + c
	}
	return strings.Join(cols, ",")
}

// tierRow is one tier's figures in one interval.
type tierRow struct {
	requests            int64
	results             [topology.NumResults]int64
	hitRatio, byteRatio Ratio
	cacheable           int64 // the hit ratio's denominator
}

// intervalRow is one interval's derived figures, shared by the CSV and the plots.
type intervalRow struct {
	startS, widthS  float64
	requests, bytes int64
	tiers           [topology.NumTiers]tierRow
	// The edge and regional hit ratios as numbers for the plots, defined
	// where edgeReachable and regionalReachable (their denominators) > 0.
	edgeHR, edgeBHR                  float64
	edgeReachable                    int64
	regionalHR, regionalBHR          float64
	regionalReachable                int64
	originReqs, originBytes          int64
	offload, byteOffload             Ratio
	originRPS, originBps, originPeak float64 // mean req/s, bytes/s, and the busiest second's req/s
	p50, p95, p99                    float64 // ms
	errors5xx, staleServed           int64
	// 4xx responses, requests answered from a cached error response (at
	// any tier) and origin fetches failed over, as summary.json's errors.
	errors4xx, negativeCacheHits, failovers int64
}

func newTierRow(t *tierCount) tierRow {
	n, _ := t.cacheable()
	return tierRow{requests: t.requests(), results: t.results, hitRatio: t.hitRatio(), byteRatio: t.byteHitRatio(), cacheable: n}
}

// rows derives the per-interval figures. The last interval may be shorter
// than Interval when it does not divide Duration; rates use its real width.
// A miniature's are full-scale estimates, a sample's adjusted as its
// summary (adjust.go).
func (r *Recorder) rows() []intervalRow {
	out := make([]intervalRow, r.nBins)
	w, f := r.cfg.Interval, r.cfg.factor()
	for i := range out {
		b := &r.bins[i]
		start := w * sim.Time(i)
		end := min(start+w, r.cfg.Duration)
		x := intervalRow{
			startS:      start.Seconds(),
			widthS:      (end - start).Seconds(),
			requests:    b.requests,
			bytes:       b.bytes,
			errors5xx:   b.errors5xx,
			staleServed: b.staleServed,
			errors4xx:   b.errors4xx,
			failovers:   b.failovers,
		}
		for t := range x.tiers {
			x.tiers[t] = newTierRow(&b.tiers[t])
			x.negativeCacheHits += b.tiers[t].cachedErrors
		}
		e, g := &x.tiers[topology.TierEdge], &x.tiers[topology.TierRegional]
		x.edgeHR, x.edgeBHR, x.edgeReachable = e.hitRatio.v, e.byteRatio.v, e.cacheable
		x.regionalHR, x.regionalBHR, x.regionalReachable = g.hitRatio.v, g.byteRatio.v, g.cacheable
		x.originReqs, x.originBytes = b.origin()
		x.offload = complement(x.originReqs, b.requests)
		if nothingServed(b.requests, b.errors5xx, x.originReqs) {
			x.offload = Ratio{}
		}
		x.byteOffload = complement(x.originBytes, b.bytes)
		x.originRPS = float64(x.originReqs) / x.widthS
		x.originBps = float64(x.originBytes) / x.widthS
		// The seconds overlapping this interval; with sub-second intervals
		// neighbours share a second, which is the finest peak we keep.
		s0 := int64(start / sim.Second)
		s1 := min(ceilDiv(int64(end), int64(sim.Second)), int64(len(r.originPS)))
		for s := s0; s < s1; s++ {
			x.originPeak = max(x.originPeak, float64(r.originPS[s]))
		}
		if b.requests > 0 {
			h := r.hist[i*nBuckets : (i+1)*nBuckets]
			n := uint64(b.requests)
			x.p50 = nsToMs(quantile(h, n, b.ttfbMin, b.ttfbMax, 0.50))
			x.p95 = nsToMs(quantile(h, n, b.ttfbMin, b.ttfbMax, 0.95))
			x.p99 = nsToMs(quantile(h, n, b.ttfbMin, b.ttfbMax, 0.99))
		}
		if f != 1 {
			x.scale(f)
		}
		out[i] = x
	}
	if x, ok := r.excess(f); ok {
		r.adjustRows(out, x, f)
	}
	return out
}

// TimeseriesCSV returns timeseries.csv: TimeseriesHeader, then one row per
// interval with fixed decimals, so equal inputs give equal bytes.
func (r *Recorder) TimeseriesCSV() []byte {
	b := append([]byte(TimeseriesHeader), '\n')
	num := func(v int64) { b = append(strconv.AppendInt(b, v, 10), ',') }
	flt := func(v float64, prec int) { b = append(strconv.AppendFloat(b, v, 'f', prec, 64), ',') }
	ratio := func(v Ratio) { b = append(v.appendCSV(b), ',') }
	for _, x := range r.rows() {
		flt(x.startS, 3)
		flt(x.startS/3600, 4)
		num(x.requests)
		num(x.bytes)
		for t, tr := range x.tiers {
			num(tr.requests)
			for _, res := range []topology.Result{topology.Hit, topology.RefreshHit, topology.Miss, topology.Error, topology.Collapsed} {
				num(tr.results[res])
			}
			if topology.Tier(t) == topology.TierEdge {
				num(tr.results[topology.Bypass])
			}
			ratio(tr.hitRatio)
			ratio(tr.byteRatio)
		}
		num(x.originReqs)
		num(x.originBytes)
		ratio(x.offload)
		ratio(x.byteOffload)
		flt(x.originRPS, 3)
		flt(x.originPeak, 0)
		flt(x.originBps, 1)
		flt(x.p50, 3)
		flt(x.p95, 3)
		flt(x.p99, 3)
		num(x.errors5xx)
		num(x.staleServed)
		num(x.errors4xx)
		num(x.negativeCacheHits)
		b = strconv.AppendInt(b, x.failovers, 10)
		b = append(b, '\n')
	}
	return b
}

// JSON returns the Summary as indented JSON with a trailing newline, as
// written to summary.json.
func (s Summary) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Output file names written by WriteFiles.
const (
	SummaryFile    = "summary.json"
	TimeseriesFile = "timeseries.csv"
	HitRatioPlot   = "hit-ratio.png"
	OriginLoadPlot = "origin-load.png"
	LatencyPlot    = "latency.png"
)

// WriteFiles creates dir if needed and writes summary.json, timeseries.csv,
// hit-ratio.png, origin-load.png and latency.png into it, and a shard's
// counts.json (CountsFile). Everything is
// rendered in memory first, and each file is written to a temporary file
// in dir and renamed into place, so a failure never leaves a truncated
// file behind (files written before the failure are complete).
func (r *Recorder) WriteFiles(dir string) error {
	js, err := r.Summary().JSON()
	if err != nil {
		return fmt.Errorf("report: summary: %w", err)
	}
	files := []struct {
		name string
		data []byte
	}{
		{SummaryFile, js},
		{TimeseriesFile, r.TimeseriesCSV()},
	}
	plots, err := r.renderPlots()
	if err != nil {
		return fmt.Errorf("report: plots: %w", err)
	}
	files = append(files, plots...)
	if r.cfg.Shards > 0 && r.cfg.Shard >= 0 {
		c, err := json.Marshal(r.counts())
		if err != nil {
			return fmt.Errorf("report: counts: %w", err)
		}
		files = append(files, struct {
			name string
			data []byte
		}{CountsFile, append(c, '\n')})
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, f := range files {
		if err := WriteAtomic(filepath.Join(dir, f.name), f.data); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}
