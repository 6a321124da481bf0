package scenarios

import (
	"testing"
)

// allFeatures is news-spike with every request-model feature configured
// (cache keys, compression, edge functions, ranges, negative caching,
// failover, a price class, egress caps).
const allFeatures = "testdata/all-features.toml"

// TestAllFeatures runs an hour of the all-features scenario: every feature
// shows in the counts, and the accounting still balances at every node
// with all of them on together.
func TestAllFeatures(t *testing.T) {
	t.Parallel()
	r := simulate(t, allFeatures, "workload.duration=1h", "warmup=0s")
	checkConservation(t, r)
	s := r.Recorder.Summary()
	steered, asia := int64(0), int64(0)
	for _, p := range s.POPs {
		steered += p.Steered
		if p.Name == "SIN" || p.Name == "NRT" || p.Name == "SYD" {
			asia += p.Requests
		}
	}
	for _, c := range []struct {
		what string
		n    int64
	}{
		{"variant requests (cache keys)", s.CacheKeys.VariantRequests},
		{"compressed responses", s.Compression.Requests},
		{"edge function runs", s.EdgeFunctions.Invocations},
		{"Lambda@Edge cold starts", s.EdgeFunctions.ColdStarts},
		{"parts (ranges)", s.Ranges.Parts},
		{"range requests", s.Ranges.Requests},
		{"404s (negative caching)", s.Errors.ByStatus["404"]},
		{"failovers", s.Errors.Failovers},
		{"answers steered by egress caps", steered},
	} {
		if c.n <= 0 {
			t.Errorf("%s: %d in an hour of all-features, want some", c.what, c.n)
		}
	}
	if asia != 0 {
		t.Errorf("price class 100: SIN, NRT and SYD served %d requests, want 0", asia)
	}
}
