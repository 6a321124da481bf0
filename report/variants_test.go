package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

func TestVariantCompressionAndFunctionCounts(t *testing.T) {
	t.Parallel()
	r := NewRecorder(handConfig())
	for _, o := range handOutcomes {
		r.Observe(&o)
	}
	if s := r.Summary(); s.CacheKeys != nil || s.Compression != nil || s.EdgeFunctions != nil {
		t.Fatalf("a run without variants, compression or functions has %+v %+v %+v", s.CacheKeys, s.Compression, s.EdgeFunctions)
	}
	js, _ := json.Marshal(r.Summary())
	for _, k := range []string{"cache_keys", "compression", "edge_functions"} {
		if strings.Contains(string(js), k) {
			t.Errorf("summary.json has %q without the feature", k)
		}
	}
	more := []topology.Outcome{
		{Time: 16 * sim.Second, Edge: hit, Status: 200, Size: 210, Variant: true, Encoding: workload.Brotli, Uncompressed: 1000,
			Functions: 1, FunctionTime: sim.Millisecond},
		{Time: 17 * sim.Second, Edge: hit, Status: 200, Size: 250, Variant: true, Encoding: workload.Gzip, Uncompressed: 1000},
		{Time: 18 * sim.Second, Edge: miss, Status: 200, Size: 40, Variant: true, Functions: 2, ColdStarts: 1, FunctionTime: 203 * sim.Millisecond},
		// The origin failed: an error page, not a compressed body.
		{Time: 19 * sim.Second, Edge: errR, Status: 503, Size: 512, Encoding: workload.Brotli, Uncompressed: 1000},
	}
	for _, o := range more {
		r.Observe(&o)
	}
	s := r.Summary()
	n := int64(len(handOutcomes) + len(more))
	if s.CacheKeys == nil || s.CacheKeys.VariantRequests != 3 || s.CacheKeys.VariantShare.Float() != 3/float64(n) {
		t.Errorf("cache_keys %+v, want 3 variant requests of %d", s.CacheKeys, n)
	}
	c := s.Compression
	if c == nil || c.Requests != 2 || c.Gzip != 1 || c.Br != 1 || c.Bytes != 460 || c.UncompressedBytes != 2000 || c.Saved.Float() != 1-460.0/2000 {
		t.Errorf("compression %+v, want 2 (1 gzip, 1 br), 460 of 2000 bytes", c)
	}
	f := s.EdgeFunctions
	if f == nil || f.Invocations != 3 || f.ColdStarts != 1 || f.MeanMs != 68 {
		t.Errorf("edge_functions %+v, want 3 runs, 1 cold, mean 68 ms", f)
	}
}
