package report

import (
	"bytes"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

// TestRangeCounts feeds the four requests of topology's TestRangesByHand
// (a 10 MiB object in 1 MiB parts: bytes 2.5-4.5 MiB, 3-4 MiB, 4-6 MiB,
// then the whole object) and checks the byte hit ratio counts every part
// where it was served.
func TestRangeCounts(t *testing.T) {
	t.Parallel()
	const mib = 1 << 20
	part := func(o topology.Outcome, up int64) topology.Outcome {
		if up > 0 {
			o = via(o, up, er, ro)
			o.Regional = miss
		}
		return o
	}
	outs := []topology.Outcome{
		part(topology.Outcome{Time: 0, Edge: miss, Status: 206, Range: true, Size: 2 * mib, Parts: 3, OriginParts: 3}, 3*mib),
		{Time: 10 * sim.Second, Edge: hit, Status: 206, Range: true, Size: mib, Parts: 1, PartHits: 1},
		part(topology.Outcome{Time: 20 * sim.Second, Edge: miss, Status: 206, Range: true, Size: 2 * mib, Parts: 2, PartHits: 1, OriginParts: 1,
			PartHitBytes: [topology.NumTiers]int64{mib, 0, 0}}, mib),
		part(topology.Outcome{Time: 30 * sim.Second, Edge: miss, Status: 200, Size: 10 * mib, Parts: 10, PartHits: 4, OriginParts: 6,
			PartHitBytes: [topology.NumTiers]int64{4 * mib, 0, 0}}, 6*mib),
	}
	r := NewRecorder(Config{Scenario: "ranges", Duration: sim.Minute, Interval: sim.Minute, POPs: []string{"pop"}})
	for i := range outs {
		r.Observe(&outs[i])
	}
	s := r.Summary()
	e := s.Tiers.Edge
	// Hits: only request 2 hit in all its parts. Bytes: 15 MiB delivered,
	// 1 + 1 + 4 MiB of them from the edge cache.
	if e.Hits != 1 || e.Misses != 3 || e.Bytes != 15*mib || e.HitBytes != 6*mib || e.ByteHitRatio != NewRatio(6, 15) {
		t.Errorf("edge: %d hits, %d misses, %d bytes, %d hit bytes, byte hit ratio %v; want 1, 3, 15 MiB, 6 MiB, 0.4",
			e.Hits, e.Misses, e.Bytes, e.HitBytes, e.ByteHitRatio.Float())
	}
	want := RangeSummary{Requests: 3, Bytes: 5 * mib, PartRequests: 4, Parts: 16, PartHits: 6, PartHitRatio: NewRatio(6, 16),
		PartialHits: 2, OriginParts: 10}
	if s.Ranges == nil || *s.Ranges != want {
		t.Errorf("ranges: %+v, want %+v", s.Ranges, want)
	}
	js, err := s.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(js, []byte(`"ranges": {`)) || !bytes.Contains(js, []byte(`"origin_parts": 10`)) {
		t.Errorf("summary.json has no ranges section:\n%s", js)
	}
	// A run without ranges writes no ranges section.
	if js, _ := fullHandRecorder().Summary().JSON(); bytes.Contains(js, []byte(`"ranges"`)) {
		t.Error("a run without ranges has a ranges section")
	}
}
