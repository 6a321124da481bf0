package report

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// adjustRecorder is a sample at R = 0.5 that observed, by class: 0, two
// hits, a miss and a bypass of 100 bytes each; 1, two misses of 50 bytes
// (it never hits); 3, one hit of 10 bytes; class 2 sent nothing. Every
// miss and the bypass went to the origin.
func adjustRecorder(partial bool) *Recorder {
	r := NewRecorder(Config{Duration: 10 * sim.Second, POPs: []string{"A"}, SampleRate: 0.5})
	o := func(class uint8, res topology.Result, size int64) topology.Outcome {
		out := topology.Outcome{Time: sim.Second, Class: class, Edge: res, Status: 200, Size: size}
		switch res {
		case topology.Miss:
			out = via(out, size, er, ro)
		case topology.Bypass:
			out.BypassReason = topology.BypassMethod
			out = via(out, size, eo)
		}
		return out
	}
	for _, x := range []topology.Outcome{
		o(0, hit, 100), o(0, hit, 100), o(0, miss, 100), o(0, byp, 100),
		o(1, miss, 50), o(1, miss, 50),
		o(3, hit, 10),
	} {
		r.Observe(&x)
	}
	r.SetSampleTally([]workload.ClassTally{
		{FullRequests: 10, FullBytes: 1000, KeptRequests: 4, KeptBytes: 400},  // 2 short, 3/4 cacheable
		{FullRequests: 100, FullBytes: 5000, KeptRequests: 2, KeptBytes: 100}, // no hits: left alone
		{FullRequests: 6, FullBytes: 600},                                     // absent: all hits
		{KeptRequests: 5, KeptBytes: 50},                                      // 10 over, but 2 hits to take
	})
	if partial {
		r.Stop(5 * sim.Second)
	}
	return r
}

// TestASampleAddsItsExcessToTheEdgeHits, worked by hand: at full scale
// (×2) the excess is, by class, 0: (10 − 4·2)·3/4 = 1.5 requests and
// (1000 − 400·2)·(400/400)·(300/400) = 150 bytes; 1: nothing; 2: 6 and
// 600; 3: −10 requests and −100·(10/50) = −20 bytes, limited to its
// 2 hits and 20 hit bytes. Together 5.5 → 6 requests and 730 bytes.
func TestASampleAddsItsExcessToTheEdgeHits(t *testing.T) {
	t.Parallel()
	s := adjustRecorder(false).Summary()
	if s.SampleExcess == nil || *s.SampleExcess != (SampleExcess{Requests: 6, Bytes: 730}) {
		t.Fatalf("sample_excess %+v, want {6 730}", s.SampleExcess)
	}
	e := s.Tiers.Edge
	// Measured ×2: 14 requests, 6 hits, 6 misses, 2 bypasses; 1020 bytes,
	// 420 hit bytes, 820 cacheable.
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"requests", s.Requests, 20}, {"bytes", s.Bytes, 1750},
		{"edge requests", e.Requests, 20}, {"edge hits", e.Hits, 12}, {"edge from_cache", e.FromCache, 12},
		{"edge misses", e.Misses, 6}, {"edge bypass", e.Bypass, 2},
		{"edge bytes", e.Bytes, 1750}, {"edge hit bytes", e.HitBytes, 1150},
		{"viewer_edge requests", s.Flows.ViewerEdge.Requests, 20}, {"viewer_edge bytes", s.Flows.ViewerEdge.Bytes, 1750},
		{"origin requests", s.Tiers.Origin.Requests, 8},
	} {
		if c.got != c.want {
			t.Errorf("%s %d, want %d", c.name, c.got, c.want)
		}
	}
	for _, c := range []struct {
		name string
		got  Ratio
		want float64
	}{
		{"edge hit ratio", e.HitRatio, 12.0 / 18}, {"edge byte hit ratio", e.ByteHitRatio, 1150.0 / 1550},
		{"origin offload", s.OriginOffload.Requests, 1 - 8.0/20}, {"origin byte offload", s.OriginOffload.Bytes, 1 - 600.0/1750},
	} {
		if !c.got.Defined() || math.Abs(c.got.Float()-c.want) > 1e-12 {
			t.Errorf("%s %v, want %v", c.name, c.got, c.want)
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"sample_excess":{"requests":6,"bytes":730}`) {
		t.Errorf("summary.json lacks sample_excess: %s", b)
	}
}

// TestOnlyACompleteSampleIsAdjusted: an interrupted sample (its tally
// covers the whole period) and a run without a tally keep their measured
// figures and no sample_excess.
func TestOnlyACompleteSampleIsAdjusted(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]*Recorder{"interrupted": adjustRecorder(true), "no tally": func() *Recorder {
		r := adjustRecorder(false)
		r.SetSampleTally(nil)
		return r
	}()} {
		s := r.Summary()
		if s.SampleExcess != nil || s.Requests != 14 || s.Tiers.Edge.Hits != 6 {
			t.Errorf("%s: sample_excess %v, %d requests, %d edge hits; want none, 14, 6", name, s.SampleExcess, s.Requests, s.Tiers.Edge.Hits)
		}
	}
	full := NewRecorder(Config{Duration: 10 * sim.Second})
	if full.byClass != nil {
		t.Error("a whole run keeps figures by class")
	}
	shard := NewRecorder(Config{Duration: 10 * sim.Second, SampleRate: 0.25, Shard: 1, Shards: 4})
	if shard.byClass != nil {
		t.Error("a shard keeps figures by class")
	}
}
