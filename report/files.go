package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cdnsim/cdnsim/sim"
)

// TimeseriesHeader is the first line of timeseries.csv. Columns, one row per
// interval: interval start (s since the run began) and the same in hours;
// requests; edge request and byte hit ratios; requests reaching the
// regional tier and its hit ratios; overall hit ratio (1 − origin/requests);
// origin fetches, their mean rate and byte rate; TTFB percentiles (ms);
// viewer responses that were 5xx, and stale copies served in place of an
// upstream error (stale-if-error).
// Ratios of an empty interval are 0, as are its percentiles.
const TimeseriesHeader = "interval_start_s,hour,requests,edge_hit_ratio,edge_byte_hit_ratio," +
	"regional_requests,regional_hit_ratio,regional_byte_hit_ratio,overall_hit_ratio," +
	"origin_requests,origin_rps,origin_bytes_per_s,ttfb_p50_ms,ttfb_p95_ms,ttfb_p99_ms," +
	"errors_5xx,stale_served"

// intervalRow is one interval's derived figures, shared by the CSV and the plots.
type intervalRow struct {
	startS, widthS                   float64
	requests                         int64
	edgeHR, edgeBHR                  float64
	edgeReachable                    int64 // edge requests that could hit (bypass excluded)
	regionalReqs                     int64
	regionalReachable                int64
	regionalHR, regionalBHR          float64
	overallHR                        float64
	originReqs                       int64
	originRPS, originBps, originPeak float64 // mean req/s, bytes/s, and the busiest second's req/s
	p50, p95, p99                    float64 // ms
	errors5xx, staleServed           int64
}

// rows derives the per-interval figures. The last interval may be shorter
// than Interval when it does not divide Duration; rates use its real width.
func (r *Recorder) rows() []intervalRow {
	out := make([]intervalRow, r.nBins)
	w := r.cfg.Interval
	for i := range out {
		b := &r.bins[i]
		start := w * sim.Time(i)
		end := min(start+w, r.cfg.Duration)
		x := intervalRow{
			startS:            start.Seconds(),
			widthS:            (end - start).Seconds(),
			requests:          b.requests,
			edgeHR:            b.edge.hitRatio(),
			edgeBHR:           b.edge.byteHitRatio(),
			edgeReachable:     b.edge.requests - b.edge.bypass,
			regionalReqs:      b.regional.requests,
			regionalReachable: b.regional.requests - b.regional.bypass,
			regionalHR:        b.regional.hitRatio(),
			regionalBHR:       b.regional.byteHitRatio(),
			overallHR:         overallRatio(b.originReqs, b.requests),
			originReqs:        b.originReqs,
			errors5xx:         b.errors5xx,
			staleServed:       b.staleServed,
		}
		x.originRPS = float64(b.originReqs) / x.widthS
		x.originBps = float64(b.originBytes) / x.widthS
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
		out[i] = x
	}
	return out
}

// TimeseriesCSV returns timeseries.csv: TimeseriesHeader, then one row per
// interval with fixed decimals, so equal inputs give equal bytes.
func (r *Recorder) TimeseriesCSV() []byte {
	var b bytes.Buffer
	b.WriteString(TimeseriesHeader)
	b.WriteByte('\n')
	for _, x := range r.rows() {
		fmt.Fprintf(&b, "%.3f,%.4f,%d,%.6f,%.6f,%d,%.6f,%.6f,%.6f,%d,%.3f,%.1f,%.3f,%.3f,%.3f,%d,%d\n",
			x.startS, x.startS/3600, x.requests, x.edgeHR, x.edgeBHR,
			x.regionalReqs, x.regionalHR, x.regionalBHR, x.overallHR,
			x.originReqs, x.originRPS, x.originBps, x.p50, x.p95, x.p99,
			x.errors5xx, x.staleServed)
	}
	return b.Bytes()
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
// hit-ratio.png, origin-load.png and latency.png into it. Everything is
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

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(dir, f.name), f.data); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}

// writeAtomic writes data to a temporary file beside path and renames it
// over path, so readers see the old file or the whole new one.
func writeAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil { // CreateTemp makes 0600 files
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
