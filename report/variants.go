package report

import (
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// CacheKeys counts the requests whose cache key held more than the URL
// (query strings, a cookie, a header or an encoding the behaviour keeps),
// each such key being a variant cached on its own.
type CacheKeys struct {
	VariantRequests int64 `json:"variant_requests"`
	// VariantShare is VariantRequests over all viewer requests.
	VariantShare Ratio `json:"variant_share"`
}

// Compression is what CloudFront's edge compression did: the responses
// served compressed, by encoding, their bytes and the bytes they would
// have had uncompressed.
type Compression struct {
	Requests          int64 `json:"requests"`
	Gzip              int64 `json:"gzip"`
	Br                int64 `json:"br"`
	Bytes             int64 `json:"bytes"`
	UncompressedBytes int64 `json:"uncompressed_bytes"`
	// Saved is 1 − Bytes / UncompressedBytes.
	Saved Ratio `json:"saved"`
}

// EdgeFunctions counts the edge functions run (viewer-request and
// origin-request), the runs that started cold and their mean time.
type EdgeFunctions struct {
	Invocations int64   `json:"invocations"`
	ColdStarts  int64   `json:"cold_starts"`
	MeanMs      float64 `json:"mean_ms"`
}

// extras are the Recorder's counts of cache-key variants, compression and
// edge functions over the measured period.
type extras struct {
	variants       int64
	compressed     [workload.NumEncodings]int64
	compBytes      int64
	uncompBytes    int64
	fnRuns, fnCold int64
	fnTime         int64
}

// add counts o, which has a variant, a compressed body or a function run.
func (e *extras) add(o *topology.Outcome, w int64) {
	if o.Variant {
		e.variants += w
	}
	if o.Encoding != workload.Identity && o.Status == 200 { // an error page is not the compressed body
		e.compressed[o.Encoding] += w
		e.compBytes += o.Size * w
		e.uncompBytes += o.Uncompressed * w
	}
	e.fnRuns += int64(o.Functions) * w
	e.fnCold += int64(o.ColdStarts) * w
	e.fnTime += int64(o.FunctionTime) * w
}

// fill sets s's variant, compression and function summaries, each left
// nil (absent from summary.json) when nothing of its kind happened.
func (e *extras) fill(s *Summary) {
	if e.variants > 0 {
		s.CacheKeys = &CacheKeys{VariantRequests: e.variants, VariantShare: NewRatio(e.variants, s.Requests)}
	}
	if n := e.compressed[workload.Gzip] + e.compressed[workload.Brotli]; n > 0 {
		s.Compression = &Compression{Requests: n, Gzip: e.compressed[workload.Gzip], Br: e.compressed[workload.Brotli],
			Bytes: e.compBytes, UncompressedBytes: e.uncompBytes, Saved: complement(e.compBytes, e.uncompBytes)}
	}
	if e.fnRuns > 0 {
		s.EdgeFunctions = &EdgeFunctions{Invocations: e.fnRuns, ColdStarts: e.fnCold, MeanMs: nsToMs(float64(e.fnTime) / float64(e.fnRuns))}
	}
}
