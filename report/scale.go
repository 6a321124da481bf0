package report

import (
	"fmt"
	"math"
	"reflect"
)

// A miniature (sample rate R < 1) simulates the objects of a hash slice with
// every cache and rate limit scaled by R (scenarios does that). Its counts
// are R times the full system's, on average, and its ratios and latencies
// estimate the full system's as they are. So its outputs are full-scale
// estimates: every count and rate divided by R, rounded to whole units;
// ratios, percentiles and means as measured. With R = 1 nothing is
// touched, so an unsampled run's outputs are those of a run at R = 1.

// est is the full-scale estimate of a miniature's count n at factor f = 1/R.
func est(n int64, f float64) int64 { return int64(math.Round(float64(n) * f)) }

// scale turns a miniature's summary into full-scale estimates (f = 1/R).
// Every int64 of a Summary is a count and is scaled, wherever it is (so a
// count added to the Summary is scaled with no change here), except
// Invalidations.Paths: what was submitted, not traffic. The float rates
// are listed.
func (s *Summary) scale(f float64) {
	paths := s.Invalidations.Paths
	scaleCounts(reflect.ValueOf(s).Elem(), f)
	s.Invalidations.Paths = paths
	o := &s.Tiers.Origin
	o.PeakRPS *= f
	o.MeanRPS *= f
	o.Connections.HandshakeMsTotal *= f
	for i := range s.POPs {
		s.POPs[i].EgressPeakGbps *= f // a rate, as the origin's peak
	}
}

// scaleCounts multiplies every int64 reachable from v through structs,
// slices and map values by f, rounding.
func scaleCounts(v reflect.Value, f float64) {
	switch v.Kind() {
	case reflect.Int64:
		v.SetInt(est(v.Int(), f))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				scaleCounts(v.Field(i), f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			scaleCounts(v.Index(i), f)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			// Map values are not addressable: scale a copy and put it back.
			c := reflect.New(it.Value().Type()).Elem()
			c.Set(it.Value())
			scaleCounts(c, f)
			v.SetMapIndex(it.Key(), c)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			scaleCounts(v.Elem(), f)
		}
	}
}

// scale turns a miniature's interval into full-scale estimates (f = 1/R).
// The cacheable counts behind the plots' ratios stay as measured: they
// only say whether a ratio has a sample behind it (a sample's adjusted
// edge's is its full-scale denominator: adjustRows).
func (x *intervalRow) scale(f float64) {
	x.requests, x.bytes = est(x.requests, f), est(x.bytes, f)
	for t := range x.tiers {
		tr := &x.tiers[t]
		tr.requests = est(tr.requests, f)
		for i := range tr.results {
			tr.results[i] = est(tr.results[i], f)
		}
	}
	x.originReqs, x.originBytes = est(x.originReqs, f), est(x.originBytes, f)
	x.originRPS *= f
	x.originBps *= f
	x.originPeak *= f
	x.errors5xx, x.staleServed = est(x.errors5xx, f), est(x.staleServed, f)
	x.errors4xx, x.negativeCacheHits, x.failovers = est(x.errors4xx, f), est(x.negativeCacheHits, f), est(x.failovers, f)
}

// sampleLabel is what plot titles add for a miniature or a shard:
// ", sample R = 0.01", ", shard 2/8"; "" for a full run.
func (c *Config) sampleLabel() string {
	switch {
	case c.Shards > 0 && c.Shard < 0:
		return ", merged " + c.shardLabel()
	case c.Shards > 0:
		return ", shard " + c.shardLabel()
	case c.rate() != 1:
		return fmt.Sprintf(", sample R = %g", c.rate())
	}
	return ""
}

// Simulated is the number of requests the run simulated, the warm-up's
// included: a miniature's own count, not its full-scale estimate.
func (r *Recorder) Simulated() int64 { return r.simulated }
