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
// (it never hits); 3, one hit of 10 bytes; 4, three hits of 100 bytes,
// the ranges of one generated request; class 2 sent nothing. Every miss
// and the bypass went to the origin.
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
		o(4, hit, 100), o(4, hit, 100), o(4, hit, 100),
	} {
		r.Observe(&x)
	}
	r.SetSampleTally([]workload.ClassTally{
		{FullRequests: 10, FullBytes: 1000, KeptRequests: 4, KeptBytes: 400},  // 2 short, 3/4 cacheable
		{FullRequests: 100, FullBytes: 5000, KeptRequests: 2, KeptBytes: 100}, // no hits: left alone
		{FullRequests: 6, FullBytes: 600},                                     // absent: all hits
		{KeptRequests: 5, KeptBytes: 50},                                      // 10 over, but 2 hits to take
		{FullRequests: 4, FullBytes: 400, KeptRequests: 1, KeptBytes: 100},    // 3 edge requests a request
	})
	if partial {
		r.Stop(5 * sim.Second)
	}
	return r
}

// TestASampleAddsItsExcessToTheEdgeHits, worked by hand: at full scale
// (×2) the excess is, by class, in generated requests and object bytes
// times the edge's cacheable ones per generated one: 0, (10 − 4·2)·3/4 =
// 1.5 requests and (1000 − 400·2)·300/400 = 150 bytes; 1, nothing; 2, 6
// and 600; 3, −10·1/5 = −2 requests and −100·10/50 = −20 bytes (all its
// 2 hits and 20 hit bytes); 4, (4 − 1·2)·3/1 = 6 and (400 − 100·2)·300/100
// = 600. Together 11.5 → 12 requests and 1330 bytes.
func TestASampleAddsItsExcessToTheEdgeHits(t *testing.T) {
	t.Parallel()
	s := adjustRecorder(false).Summary()
	if s.SampleExcess == nil || *s.SampleExcess != (SampleExcess{Requests: 12, Bytes: 1330}) {
		t.Fatalf("sample_excess %+v, want {12 1330}", s.SampleExcess)
	}
	e := s.Tiers.Edge
	// Measured ×2: 20 requests, 12 hits, 6 misses, 2 bypasses; 1620
	// bytes, 1020 hit bytes, 1420 cacheable.
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"requests", s.Requests, 32}, {"bytes", s.Bytes, 2950},
		{"edge requests", e.Requests, 32}, {"edge hits", e.Hits, 24}, {"edge from_cache", e.FromCache, 24},
		{"edge misses", e.Misses, 6}, {"edge bypass", e.Bypass, 2},
		{"edge bytes", e.Bytes, 2950}, {"edge hit bytes", e.HitBytes, 2350},
		{"viewer_edge requests", s.Flows.ViewerEdge.Requests, 32}, {"viewer_edge bytes", s.Flows.ViewerEdge.Bytes, 2950},
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
		{"edge hit ratio", e.HitRatio, 24.0 / 30}, {"edge byte hit ratio", e.ByteHitRatio, 2350.0 / 2750},
		{"origin offload", s.OriginOffload.Requests, 1 - 8.0/32}, {"origin byte offload", s.OriginOffload.Bytes, 1 - 600.0/2950},
	} {
		if !c.got.Defined() || math.Abs(c.got.Float()-c.want) > 1e-12 {
			t.Errorf("%s %v, want %v", c.name, c.got, c.want)
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"sample_excess":{"requests":12,"bytes":1330}`) {
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
		if s.SampleExcess != nil || s.Requests != 20 || s.Tiers.Edge.Hits != 12 {
			t.Errorf("%s: sample_excess %v, %d requests, %d edge hits; want none, 20, 12", name, s.SampleExcess, s.Requests, s.Tiers.Edge.Hits)
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
