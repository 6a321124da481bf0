package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
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

// TestApportion: the largest-remainder split, by hand. 10 over hits
// 1, 2, 7 is exact; 5 over 1, 1, 1 has quotas 5/3 each: 1 each and 2
// left, to the first two (equal remainders: the earlier first); 10 over
// 1, 1, 1 likewise 4, 3, 3; 7 over 1, 2 has quotas 2.33 and 4.67: 2, 4
// and the unit left to the larger remainder. A zero weight gets nothing;
// without hits the requests weigh, without either the parts are even. A
// negative excess mirrors a positive one and takes no part below −w.
func TestApportion(t *testing.T) {
	t.Parallel()
	const big = int64(1) << 61
	for _, c := range []struct {
		n       int64
		weights [][]int64
		want    []int64
	}{
		{10, [][]int64{{1, 2, 7}}, []int64{1, 2, 7}},
		{5, [][]int64{{1, 1, 1}}, []int64{2, 2, 1}},
		{10, [][]int64{{1, 1, 1}}, []int64{4, 3, 3}},
		{7, [][]int64{{1, 2}}, []int64{2, 5}},
		{7, [][]int64{{0, 3, 4}}, []int64{0, 3, 4}},
		{3, [][]int64{{0, 0, 5}}, []int64{0, 0, 3}},
		{4, [][]int64{{0, 0}, {1, 3}}, []int64{1, 3}},
		{3, [][]int64{{0, 0}, {0, 0}}, []int64{2, 1}},
		{-5, [][]int64{{1, 1, 1, 2}}, []int64{-1, -1, -1, -2}},
		{-2, [][]int64{{1, 1, 1}}, []int64{-1, -1, 0}},
		{-7, [][]int64{{0, 3, 4}}, []int64{0, -3, -4}},
		{-4, [][]int64{{4, 2, 0}}, []int64{-3, -1, 0}},
		{0, [][]int64{{1, 2}}, []int64{0, 0}},
		{5, [][]int64{{}}, []int64{}},
		// Products beyond 64 bits: (2⁶¹ + 1)·2⁶¹ / 2⁶² = 2⁶⁰ + 0.5 each.
		{big + 1, [][]int64{{big, big}}, []int64{big/2 + 1, big / 2}},
	} {
		if got := apportion(c.n, c.weights...); !slices.Equal(got, c.want) {
			t.Errorf("apportion(%d, %v) = %v, want %v", c.n, c.weights, got, c.want)
		}
	}
	// Random cases: the shares add up to n, each within 1 of its quota,
	// none below −w for a negative n of at most the weights' sum.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		w := make([]int64, 1+rng.IntN(8))
		var sum int64
		for i := range w {
			w[i] = rng.Int64N(1000) * rng.Int64N(2)
			sum += w[i]
		}
		if sum == 0 {
			continue
		}
		n := rng.Int64N(2*sum+1) - sum
		got := apportion(n, w)
		var total int64
		for i, g := range got {
			total += g
			if q := float64(n) * float64(w[i]) / float64(sum); math.Abs(float64(g)-q) >= 1 || (n < 0 && g < -w[i]) || (w[i] == 0 && g != 0) {
				t.Fatalf("apportion(%d, %v) = %v: share %d of quota %v", n, w, got, g, q)
			}
		}
		if total != n {
			t.Fatalf("apportion(%d, %v) = %v adds up to %d", n, w, got, total)
		}
	}
}

// spreadRecorder is a sample at R = 0.5 of one class, with 10 s rows, that
// observed (100 bytes each): at 1 s a hit at POP A; at 12 s a hit at A and
// a hit at B; at 15 s a miss at B; at 25 s a miss at C. At full scale
// (×2): POPs A, B, C have 4, 2, 0 hits (400, 200, 0 hit bytes) of 4, 4, 2
// requests; the rows 2, 4, 0 hits of 2, 6, 2 requests. The generator
// sent 5 requests, 500 object bytes of it, and its tally says full.
func spreadRecorder(full workload.ClassTally) *Recorder {
	r := NewRecorder(Config{Duration: 30 * sim.Second, Interval: 10 * sim.Second, POPs: []string{"A", "B", "C"}, SampleRate: 0.5})
	o := func(at sim.Time, pop uint16, res topology.Result) topology.Outcome {
		out := topology.Outcome{Time: at, POP: pop, Edge: res, Status: 200, Size: 100}
		if res == miss {
			out = via(out, 100, er, ro)
		}
		return out
	}
	for _, x := range []topology.Outcome{
		o(sim.Second, 0, hit), o(12*sim.Second, 0, hit), o(12*sim.Second, 1, hit), o(15*sim.Second, 1, miss), o(25*sim.Second, 2, miss),
	} {
		r.Observe(&x)
	}
	full.KeptRequests, full.KeptBytes = 5, 500
	r.SetSampleTally([]workload.ClassTally{full})
	return r
}

// TestASampleSpreadsItsExcessOverItsBreakdowns, worked by hand on
// spreadRecorder (every generated request is a cacheable edge request):
// 20 requests and 2,000 bytes expected, 10 and 1,000 measured at full
// scale, so an excess of 10 and 1,000. Over the POPs' hits 4, 2, 0 the
// quotas are 6.67, 3.33, 0: 7, 3, 0; over their hit bytes 667, 333, 0.
// Over the rows' hits 2, 4, 0: 3, 7, 0 and 333, 667, 0. Then a shortfall,
// 6 requests and 600 bytes expected: −4 over 4, 2, 0 is −3, −1, 0 (the
// unit left to the larger remainder, 0.67), −400 over 400, 200, 0 is
// −267, −133, 0; over the rows −1, −3, 0 and −133, −267, 0. Either way
// pops[], latency_ms.by_result and timeseries.csv's columns add up to
// the summary's figures.
func TestASampleSpreadsItsExcessOverItsBreakdowns(t *testing.T) {
	t.Parallel()
	type pop struct{ requests, hits, bytes int64 }
	type row struct{ requests, hits, bytes int64 }
	for _, c := range []struct {
		name      string
		tally     workload.ClassTally
		excess    SampleExcess
		pops      []pop
		popRatios []float64
		rows      []row
		rowRatios []string // edge_hit_ratio, edge_byte_hit_ratio, origin_offload of row 1
	}{
		{"excess", workload.ClassTally{FullRequests: 20, FullBytes: 2000}, SampleExcess{10, 1000},
			[]pop{{11, 11, 1067}, {7, 5, 733}, {2, 0, 200}}, []float64{1, 5.0 / 7, 0},
			[]row{{5, 5, 533}, {13, 11, 1267}, {2, 0, 200}},
			[]string{fmt.Sprintf("%.6f", 11.0/13), fmt.Sprintf("%.6f", 1067.0/1267), fmt.Sprintf("%.6f", 1-2.0/13)}},
		{"shortfall", workload.ClassTally{FullRequests: 6, FullBytes: 600}, SampleExcess{-4, -400},
			[]pop{{1, 1, 133}, {3, 1, 267}, {2, 0, 200}}, []float64{1, 1.0 / 3, 0},
			[]row{{1, 1, 67}, {3, 1, 333}, {2, 0, 200}},
			[]string{fmt.Sprintf("%.6f", 1.0/3), fmt.Sprintf("%.6f", 133.0/333), fmt.Sprintf("%.6f", 1-2.0/3)}},
	} {
		r := spreadRecorder(c.tally)
		s := r.Summary()
		if s.SampleExcess == nil || *s.SampleExcess != c.excess {
			t.Fatalf("%s: sample_excess %+v, want %+v", c.name, s.SampleExcess, c.excess)
		}
		var popSum pop
		for i, p := range s.POPs {
			if got := (pop{p.Requests, p.Hits, p.Bytes}); got != c.pops[i] {
				t.Errorf("%s: POP %s requests, hits, bytes %v, want %v", c.name, p.Name, got, c.pops[i])
			}
			if !p.HitRatio.Defined() || math.Abs(p.HitRatio.Float()-c.popRatios[i]) > 1e-12 {
				t.Errorf("%s: POP %s hit ratio %v, want %v", c.name, p.Name, p.HitRatio, c.popRatios[i])
			}
			popSum.requests, popSum.hits, popSum.bytes = popSum.requests+p.Requests, popSum.hits+p.Hits, popSum.bytes+p.Bytes
		}
		if want := (pop{s.Requests, s.Tiers.Edge.Hits, s.Bytes}); popSum != want {
			t.Errorf("%s: the POPs add up to %v, the summary has %v", c.name, popSum, want)
		}
		var byResult int64
		for _, l := range s.Latency.ByResult {
			byResult += l.Requests
		}
		if byResult != s.Requests || s.Latency.ByResult["Hit"].Requests != s.Tiers.Edge.Hits {
			t.Errorf("%s: latency_ms.by_result has %d requests, %d hits; the summary %d, %d",
				c.name, byResult, s.Latency.ByResult["Hit"].Requests, s.Requests, s.Tiers.Edge.Hits)
		}
		csv := r.TimeseriesCSV()
		var rowSum struct{ requests, bytes, edge, hits int64 }
		for i, want := range c.rows {
			col := csvRow(t, csv, i)
			n := func(k string) int64 {
				v, err := strconv.ParseInt(col[k], 10, 64)
				if err != nil {
					t.Fatalf("%s: row %d %s: %v", c.name, i, k, err)
				}
				return v
			}
			if got := (row{n("requests"), n("edge_hits"), n("bytes")}); got != want || n("edge_requests") != want.requests {
				t.Errorf("%s: row %d requests, edge hits, bytes %v (edge requests %d), want %v", c.name, i, got, n("edge_requests"), want)
			}
			rowSum.requests += n("requests")
			rowSum.bytes += n("bytes")
			rowSum.edge += n("edge_requests")
			rowSum.hits += n("edge_hits")
			if i == 1 {
				if got := []string{col["edge_hit_ratio"], col["edge_byte_hit_ratio"], col["origin_offload"]}; !slices.Equal(got, c.rowRatios) {
					t.Errorf("%s: row 1 edge hit ratio, byte hit ratio, offload %v, want %v", c.name, got, c.rowRatios)
				}
			}
		}
		e := s.Tiers.Edge
		if rowSum.requests != s.Requests || rowSum.bytes != s.Bytes || rowSum.edge != e.Requests || rowSum.hits != e.Hits {
			t.Errorf("%s: timeseries.csv adds up to %+v; summary.json has %d requests, %d bytes, %d edge requests, %d edge hits",
				c.name, rowSum, s.Requests, s.Bytes, e.Requests, e.Hits)
		}
		// The plots draw the rows' adjusted ratios.
		if x := r.rows()[1]; x.edgeReachable <= 0 || fmt.Sprintf("%.6f", x.edgeHR) != c.rowRatios[0] {
			t.Errorf("%s: the plots' row 1 edge hit ratio %v (%d cacheable), want %s", c.name, x.edgeHR, x.edgeReachable, c.rowRatios[0])
		}
	}
}

// TestAnUnadjustedRunKeepsItsBreakdowns: a tally changes nothing at R = 1
// (summary and timeseries.csv byte for byte), and a sample with no tally
// or interrupted keeps its POPs and rows as measured ×1/R.
func TestAnUnadjustedRunKeepsItsBreakdowns(t *testing.T) {
	t.Parallel()
	cfg := handConfig()
	with, without := NewRecorder(cfg), NewRecorder(cfg)
	for _, o := range handOutcomes {
		with.Observe(&o)
		without.Observe(&o)
	}
	with.SetSampleTally([]workload.ClassTally{{FullRequests: 1000, FullBytes: 1e6, KeptRequests: 1, KeptBytes: 1}})
	a, err := with.Summary().JSON()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := without.Summary().JSON()
	if !bytes.Equal(a, b) || !bytes.Equal(with.TimeseriesCSV(), without.TimeseriesCSV()) {
		t.Error("a tally changed a run at R = 1")
	}
	noTally := spreadRecorder(workload.ClassTally{FullRequests: 20, FullBytes: 2000})
	noTally.SetSampleTally(nil)
	interrupted := spreadRecorder(workload.ClassTally{FullRequests: 20, FullBytes: 2000})
	interrupted.Stop(30 * sim.Second)
	for name, r := range map[string]*Recorder{"no tally": noTally, "interrupted": interrupted} {
		s := r.Summary()
		if a, b := s.POPs[0], s.POPs[1]; a.Requests != 4 || a.Hits != 4 || a.Bytes != 400 || b.Hits != 2 {
			t.Errorf("%s: POPs %+v", name, s.POPs)
		}
		if col := csvRow(t, r.TimeseriesCSV(), 1); col["requests"] != "6" || col["edge_hits"] != "4" || col["bytes"] != "600" {
			t.Errorf("%s: row 1 %s requests, %s edge hits, %s bytes; want 6, 4, 600", name, col["requests"], col["edge_hits"], col["bytes"])
		}
	}
}

// TestASampleWarnsOfAClassFarFromItsShare, worked by hand on
// adjustRecorder's tally at R = 0.5 (120 expected requests in all): class
// 1 holds 2·2 = 4 of its 100 expected (0.04 times its share) and class 2
// none of its 6 (5% of all), so both are warned of; class 0 holds 0.8
// times its share and class 4 0.5 (the bound), class 3 is expected to
// send nothing: no warning. Named classes are warned of by name; an
// interrupted sample, which is not adjusted, warns of nothing.
func TestASampleWarnsOfAClassFarFromItsShare(t *testing.T) {
	t.Parallel()
	s := adjustRecorder(false).Summary()
	want := []string{
		"sample: class class 1: the sample holds 0.04 times its share of the class's requests (4 at full scale against 100 expected, 83% of all)",
		"sample: class class 2: the sample holds 0 times its share of the class's requests (0 at full scale against 6 expected, 5% of all)",
	}
	if len(s.Warnings) != len(want) {
		t.Fatalf("warnings %q, want %d", s.Warnings, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(s.Warnings[i], w) {
			t.Errorf("warning %q, want it to start %q", s.Warnings[i], w)
		}
	}
	if s := adjustRecorder(true).Summary(); len(s.Warnings) != 0 {
		t.Errorf("an interrupted sample warns %q", s.Warnings)
	}
	r := NewRecorder(Config{Duration: 10 * sim.Second, POPs: []string{"A"}, SampleRate: 0.01, Classes: []string{"site", "downloads"}, Warnings: []string{"a topology warning"}})
	r.SetSampleTally([]workload.ClassTally{
		{FullRequests: 2_600_000, KeptRequests: 26_000},
		{FullRequests: 1_576_309, KeptRequests: 127_756.8}, // 8.1 times
	})
	s = r.Summary()
	if len(s.Warnings) != 2 || s.Warnings[0] != "a topology warning" || !strings.HasPrefix(s.Warnings[1], "sample: class downloads: the sample holds 8.1 times its share") {
		t.Errorf("warnings %q, want the topology's and downloads' at 8.1 times", s.Warnings)
	}
	// The sample's own, apart, for the CLI to print.
	if w := r.SampleWarnings(); len(w) != 1 || w[0] != s.Warnings[1] {
		t.Errorf("SampleWarnings %q, want the summary's last", w)
	}
	if w := adjustRecorder(true).SampleWarnings(); len(w) != 0 {
		t.Errorf("an interrupted sample's SampleWarnings %q", w)
	}
}
