package report

import (
	"bytes"
	"strings"
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
		part(topology.Outcome{Time: 0, Edge: miss, Status: 206, RangeStart: 5 * mib / 2, RangeEnd: 9 * mib / 2, Size: 2 * mib, Parts: 3, OriginParts: 3}, 3*mib),
		{Time: 10 * sim.Second, Edge: hit, Status: 206, RangeStart: 3 * mib, RangeEnd: 4 * mib, Size: mib, Parts: 1, PartHits: 1},
		part(topology.Outcome{Time: 20 * sim.Second, Edge: miss, Status: 206, RangeStart: 4 * mib, RangeEnd: 6 * mib, Size: 2 * mib, Parts: 2, PartHits: 1, OriginParts: 1,
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
		PartialHits: 2, OriginParts: 10, OriginFetches: 10}
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

// TestAccessLogRange: a 206 logs its first and last byte in sc-range-start
// and sc-range-end, and the range's length in sc-content-len.
func TestAccessLogRange(t *testing.T) {
	t.Parallel()
	o := topology.Outcome{Object: 7, Edge: hit, Status: 206, RangeStart: 3 << 20, RangeEnd: 4 << 20, Size: 1 << 20}
	line := strings.TrimSuffix(strings.TrimPrefix(logLines(t, testLogConfig(), o), AccessLogHeader), "\n")
	f := strings.Split(line, "\t")
	if got := strings.Join(f[len(f)-3:], " "); got != "1048576 3145728 4194303" || f[8] != "206" {
		t.Errorf("status %s, sc-content-len sc-range-start sc-range-end %q; want 206, \"1048576 3145728 4194303\"", f[8], got)
	}
}
