package report

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

const (
	nr   = topology.NotReached
	hit  = topology.Hit
	miss = topology.Miss
	col  = topology.Collapsed
	byp  = topology.Bypass
)

// handOutcomes are ten requests over 20 s on two POPs, one per region,
// covering every result at both tiers. The figures in TestHandComputed were
// worked out from this table by hand.
var handOutcomes = []topology.Outcome{
	// t        POP region edge regional origin size TTFB
	{Time: 500 * sim.Millisecond, POP: 0, Region: 0, Edge: hit, Size: 100, TTFB: 10 * sim.Millisecond},
	{Time: 1200 * sim.Millisecond, POP: 0, Region: 0, Edge: hit, Size: 200, TTFB: 10 * sim.Millisecond},
	{Time: 1700 * sim.Millisecond, POP: 0, Region: 0, Edge: miss, Regional: hit, Size: 300, TTFB: 50 * sim.Millisecond},
	{Time: 2100 * sim.Millisecond, POP: 0, Region: 0, Edge: miss, Regional: miss, Origin: true, Size: 400, OriginBytes: 400, TTFB: 200 * sim.Millisecond},
	{Time: 2900 * sim.Millisecond, POP: 0, Region: 0, Edge: col, Size: 400, TTFB: 150 * sim.Millisecond},
	{Time: 12000 * sim.Millisecond, POP: 1, Region: 1, Edge: byp, Regional: byp, Origin: true, Method: workload.POST, Size: 1000, OriginBytes: 1000, TTFB: 300 * sim.Millisecond},
	{Time: 12300 * sim.Millisecond, POP: 1, Region: 1, Edge: hit, Size: 50, TTFB: 10 * sim.Millisecond},
	{Time: 12600 * sim.Millisecond, POP: 1, Region: 1, Edge: miss, Regional: col, Size: 400, TTFB: 180 * sim.Millisecond},
	{Time: 12900 * sim.Millisecond, POP: 1, Region: 1, Edge: miss, Regional: miss, Origin: true, Size: 500, OriginBytes: 500, TTFB: 250 * sim.Millisecond},
	{Time: 13500 * sim.Millisecond, POP: 1, Region: 1, Edge: hit, Size: 150, TTFB: 20 * sim.Millisecond},
}

func handConfig() Config {
	return Config{
		Scenario: "hand", Seed: 42,
		Duration: 20 * sim.Second, Interval: 10 * sim.Second,
		POPs: []string{"A", "B"}, Regions: []string{"r0", "r1"},
		Markers: []Marker{{At: 12 * sim.Second, Label: "post"}},
	}
}

func handRecorder() *Recorder {
	r := NewRecorder(handConfig())
	for i := range handOutcomes {
		o := handOutcomes[i]
		r.Observe(&o)
	}
	return r
}

// within reports whether got is within rel (relative) of want.
func within(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// nearestRank is the exact q-percentile of sorted xs (nearest-rank definition).
func nearestRank(sorted []float64, q float64) float64 {
	k := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(k, 0)]
}

func TestHandComputed(t *testing.T) {
	t.Parallel()
	got := handRecorder().Summary()
	originBytes := 1900.0 // a variable: a constant 1 − 1900/3500 would be rounded once, not twice as at run time
	want := Summary{
		Scenario: "hand", Seed: 42, Requests: 10, Bytes: 3500, DurationS: 20, IntervalS: 10,
		Tiers: Tiers{
			// Edge: 4 hits (1,2,7,10), 4 misses, 1 collapsed, 1 bypass: 4/9.
			// Bytes: hits 500 of 3500 − 1000 bypassed.
			Edge: TierSummary{Requests: 10, Hits: 4, Misses: 4, Collapsed: 1, Bypass: 1, HitRatio: 4.0 / 9,
				Bytes: 3500, HitBytes: 500, BypassBytes: 1000, ByteHitRatio: 0.2},
			// Regional: requests 3,4,6,8,9; one hit of four cacheable.
			Regional: TierSummary{Requests: 5, Hits: 1, Misses: 2, Collapsed: 1, Bypass: 1, HitRatio: 0.25,
				Bytes: 2600, HitBytes: 300, BypassBytes: 1000, ByteHitRatio: 300.0 / 1600},
			// Origin: requests 4, 6, 9; 6 and 9 start in second 12.
			Origin:  OriginSummary{Requests: 3, Bytes: 1900, PeakRPS: 2, PeakAtS: 12, MeanRPS: 0.15},
			Overall: Overall{HitRatio: 0.7, ByteHitRatio: 1 - originBytes/3500},
		},
		POPs: []POPSummary{
			{Name: "A", Region: "r0", Requests: 5, Hits: 2, HitRatio: 0.4, Bytes: 1400},
			{Name: "B", Region: "r1", Requests: 5, Hits: 2, HitRatio: 0.5, Bytes: 2100}, // bypass excluded: 2/4
		},
		Markers: []MarkerJSON{{AtS: 12, Label: "post"}},
	}
	// Percentiles are bucket interpolations; compare them separately.
	lat := got.Latency
	got.Latency = Latency{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Summary:\n got %+v\nwant %+v", got, want)
	}
	if lat.Mean != 118 || lat.Max != 300 {
		t.Errorf("TTFB mean, max = %v, %v ms; want 118, 300 (exact)", lat.Mean, lat.Max)
	}
	// Sorted TTFBs: 10 10 10 20 50 150 180 200 250 300 ms. The estimate
	// lands in the same 5.9%-wide bucket as the exact value and the
	// interpolation, clamped to the observed max, brings it within 0.5%.
	ms := []float64{10, 10, 10, 20, 50, 150, 180, 200, 250, 300}
	for _, c := range []struct {
		name string
		got  float64
		q    float64
	}{{"p50", lat.P50, 0.50}, {"p95", lat.P95, 0.95}, {"p99", lat.P99, 0.99}} {
		if w := nearestRank(ms, c.q); !within(c.got, w, 0.005) {
			t.Errorf("TTFB %s = %v ms, want %v ± 0.5%%", c.name, c.got, w)
		}
	}
}

func TestHandTimeseries(t *testing.T) {
	t.Parallel()
	lines := strings.Split(strings.TrimSuffix(string(handRecorder().TimeseriesCSV()), "\n"), "\n")
	if len(lines) != 3 || lines[0] != TimeseriesHeader {
		t.Fatalf("CSV has %d lines, header %q", len(lines), lines[0])
	}
	// Fields before the percentiles, worked by hand. Bin 0 (0–10 s):
	// edge 2/5 hits, bytes 300/1400; regional 1/2, bytes 300/700;
	// overall 1 − 1/5; one origin fetch of 400 B over 10 s.
	// Bin 1: edge 2 hits of 4 cacheable, bytes 200/(2100−1000); regional
	// 0 of 2 cacheable; overall 1 − 2/5; origin 1500 B over 10 s.
	want := []string{
		"0.000,0.0000,5,0.400000,0.214286,2,0.500000,0.428571,0.800000,1,0.100,40.0",
		"10.000,0.0028,5,0.500000,0.181818,3,0.000000,0.000000,0.600000,2,0.200,150.0",
	}
	exact := [][]float64{{10, 10, 50, 150, 200}, {10, 20, 180, 250, 300}}
	for i, w := range want {
		f := strings.Split(lines[i+1], ",")
		if len(f) != 17 {
			t.Fatalf("row %d has %d fields: %q", i, len(f), lines[i+1])
		}
		if e := strings.Join(f[15:], ","); e != "0,0" {
			t.Errorf("row %d: errors_5xx,stale_served = %s, want 0,0 (no errors in this stream)", i, e)
		}
		if g := strings.Join(f[:12], ","); g != w {
			t.Errorf("row %d:\n got %s\nwant %s", i, g, w)
		}
		// Percentiles: within one bucket (5.9%) of an exact order statistic
		// on either side of the rank, which is what interpolation promises
		// for five samples.
		for j, q := range []float64{0.50, 0.95, 0.99} {
			v, err := strconv.ParseFloat(f[12+j], 64)
			if err != nil {
				t.Fatal(err)
			}
			lo := exact[i][max(int(math.Ceil(q*5))-2, 0)]
			hi := exact[i][int(math.Ceil(q*5))-1]
			if v < lo*(1-0.06) || v > hi*(1+0.06) {
				t.Errorf("row %d q%.2f = %v ms, want in [%v, %v] ± 6%%", i, q, v, lo, hi)
			}
		}
	}
}

func TestEmptyRecorderHasNoNaN(t *testing.T) {
	t.Parallel()
	r := NewRecorder(Config{Scenario: "empty", Duration: sim.Hour, POPs: []string{"A"}})
	s := r.Summary()
	js, err := s.JSON()
	if err != nil {
		t.Fatal(err) // encoding/json refuses NaN and Inf
	}
	if s.Tiers.Edge.HitRatio != 0 || s.Tiers.Overall.HitRatio != 0 || s.Latency.P99 != 0 || s.POPs[0].HitRatio != 0 {
		t.Errorf("empty run has non-zero ratios: %s", js)
	}
	if bytes.Contains(r.TimeseriesCSV(), []byte("NaN")) {
		t.Error("timeseries.csv contains NaN")
	}
	if got := strings.Count(string(r.TimeseriesCSV()), "\n"); got != 13 {
		t.Errorf("1 h at the default 5 min: %d lines, want 13", got)
	}
	if txt := s.Text(); !strings.Contains(txt, "0 requests") || strings.Contains(txt, "NaN") {
		t.Errorf("Text of an empty run: %q", txt)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c := NewRecorder(Config{}).Config()
	if c.Duration != DefaultDuration || c.Interval != DefaultInterval {
		t.Errorf("defaults: duration %v interval %v", c.Duration, c.Interval)
	}
	c = NewRecorder(Config{Duration: sim.Minute, Interval: sim.Hour}).Config()
	if c.Interval != sim.Minute {
		t.Errorf("interval longer than duration: %v, want one bin of 1m", c.Interval)
	}
}

// TestInvariantsConsistentStream checks the identities the request path
// implies on a synthetic stream that follows it, in totals and per bin.
func TestInvariantsConsistentStream(t *testing.T) {
	t.Parallel()
	r := NewRecorder(synthConfig())
	synthDay(r, 3, 0.2)
	s := r.Summary()
	e, g, o := s.Tiers.Edge, s.Tiers.Regional, s.Tiers.Origin
	if s.Requests < 40000 {
		t.Fatalf("only %d requests", s.Requests)
	}
	if e.Requests != e.Hits+e.Misses+e.Collapsed+e.Bypass || e.Requests != s.Requests {
		t.Errorf("edge %+v: requests ≠ hits+misses+collapsed+bypass, or ≠ all %d", e, s.Requests)
	}
	if e.Bypass == 0 || e.Collapsed == 0 || g.Collapsed == 0 {
		t.Fatalf("stream lacks bypass/collapsed cases: %+v %+v", e, g)
	}
	// Every edge miss is forwarded to the regional tier; a bypass passes through it.
	if g.Requests-g.Bypass != e.Misses || g.Bypass != e.Bypass {
		t.Errorf("regional %+v does not match edge misses %d and bypass %d", g, e.Misses, e.Bypass)
	}
	if g.Requests != g.Hits+g.Misses+g.Collapsed+g.Bypass {
		t.Errorf("regional %+v: requests ≠ sum of results", g)
	}
	// Only regional misses and bypasses fetch from the origin.
	if o.Requests != g.Misses+g.Bypass {
		t.Errorf("origin requests %d, want regional misses %d + bypass %d", o.Requests, g.Misses, g.Bypass)
	}
	if want := 1 - float64(o.Requests)/float64(s.Requests); s.Tiers.Overall.HitRatio != want {
		t.Errorf("overall hit ratio %v, want %v", s.Tiers.Overall.HitRatio, want)
	}
	var popReq, popBytes int64
	for _, p := range s.POPs {
		popReq += p.Requests
		popBytes += p.Bytes
	}
	if popReq != s.Requests || popBytes != s.Bytes {
		t.Errorf("POPs sum to %d req %d B, want %d, %d", popReq, popBytes, s.Requests, s.Bytes)
	}
	var rowReq, rowOrigin int64
	for _, x := range r.rows() {
		rowReq += x.requests
		rowOrigin += x.originReqs
		if x.originPeak < x.originRPS || x.originPeak > float64(o.PeakRPS) {
			t.Errorf("interval at %vs: busiest second %v outside [mean %v, run peak %v]", x.startS, x.originPeak, x.originRPS, o.PeakRPS)
		}
	}
	if rowReq != s.Requests || rowOrigin != o.Requests {
		t.Errorf("intervals sum to %d req, %d origin; want %d, %d", rowReq, rowOrigin, s.Requests, o.Requests)
	}
	var perSec int64
	for _, c := range r.originPS {
		perSec += int64(c)
	}
	if perSec != o.Requests {
		t.Errorf("per-second origin counts sum to %d, want %d", perSec, o.Requests)
	}
}

func TestOutOfRangeTimesClampToEndBins(t *testing.T) {
	t.Parallel()
	r := NewRecorder(Config{Duration: 10 * sim.Second, Interval: 5 * sim.Second})
	for _, at := range []sim.Time{-sim.Second, 10 * sim.Second, sim.Hour} {
		r.Observe(&topology.Outcome{Time: at, Edge: miss, Regional: miss, Origin: true, Size: 1, OriginBytes: 1})
	}
	// Out of order (the bin cache must not keep the last bin).
	for _, at := range []sim.Time{7 * sim.Second, 2 * sim.Second, 6 * sim.Second} {
		r.Observe(&topology.Outcome{Time: at, Size: 1})
	}
	if r.bins[0].requests != 2 || r.bins[1].requests != 4 {
		t.Errorf("bins hold %d, %d; want 2, 4", r.bins[0].requests, r.bins[1].requests)
	}
	if r.originPS[0] != 1 || r.originPS[9] != 2 {
		t.Errorf("per-second origin %v", r.originPS)
	}
	if s := r.Summary(); s.Requests != 6 || s.Tiers.Origin.PeakRPS != 2 || s.Tiers.Origin.PeakAtS != 9 {
		t.Errorf("summary %+v", s.Tiers.Origin)
	}
}

func TestUnnamedPOPsGetIndexNames(t *testing.T) {
	t.Parallel()
	r := NewRecorder(Config{Duration: sim.Minute, POPs: []string{"A"}})
	r.Observe(&topology.Outcome{POP: 2, Region: 4, Edge: hit, Size: 10})
	s := r.Summary()
	names := []string{}
	for _, p := range s.POPs {
		names = append(names, p.Name+"/"+p.Region)
	}
	if want := []string{"A/", "pop-1/", "pop-2/region-4"}; !slices.Equal(names, want) {
		t.Errorf("POPs %v, want %v", names, want)
	}
}

func TestBucketEdges(t *testing.T) {
	t.Parallel()
	for i := 1; i < nBuckets; i++ {
		lo := bucketLow[i]
		if lo <= bucketLow[i-1] {
			t.Fatalf("bucket %d low %d not above bucket %d's %d", i, lo, i-1, bucketLow[i-1])
		}
		if got := bucketOf(lo); got != i {
			t.Errorf("bucketOf(%d) = %d, want %d", lo, got, i)
		}
		if got := bucketOf(lo - 1); got != i-1 {
			t.Errorf("bucketOf(%d) = %d, want %d", lo-1, got, i-1)
		}
	}
	if bucketLow[1] != int64(sim.Microsecond) || histHigh != int64(100*sim.Second) {
		t.Errorf("range [%d, %d) ns, want [1 µs, 100 s)", bucketLow[1], histHigh)
	}
	// The table lookup agrees with a binary search everywhere in between.
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		ns := int64(math.Exp(rng.Float64() * math.Log(2e11)))
		if got, want := bucketOf(ns), bucketSearch(ns); got != want {
			t.Fatalf("bucketOf(%d) = %d, binary search says %d", ns, got, want)
		}
	}
	if bucketOf(0) != 0 || bucketOf(math.MaxInt64) != nBuckets-1 {
		t.Error("underflow/overflow buckets")
	}
	// Bucket width bounds the percentile error.
	for i := 2; i < nBuckets-1; i++ {
		if w := float64(bucketLow[i+1])/float64(bucketLow[i]) - 1; w > 0.06 {
			t.Errorf("bucket %d is %.1f%% wide", i, 100*w)
		}
	}
}

// TestPercentileAccuracy compares histogram percentiles with the exact
// order statistics of a lognormal sample spanning several decades.
func TestPercentileAccuracy(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	r := NewRecorder(Config{Duration: sim.Hour, Interval: sim.Hour})
	const n = 100000
	xs := make([]float64, n)
	var o topology.Outcome
	for i := range xs {
		// Median 20 ms, σ = 1.5: p99 ≈ 650 ms, p1 ≈ 0.6 ms.
		ns := int64(math.Exp(math.Log(20e6) + 1.5*rng.NormFloat64()))
		xs[i] = float64(ns) / 1e6
		o.Time = sim.Time(i) * (sim.Hour / n)
		o.TTFB = sim.Time(ns)
		r.Observe(&o)
	}
	slices.Sort(xs)
	lat := r.Summary().Latency
	row := r.rows()[0]
	for _, c := range []struct {
		q         float64
		run, intv float64
	}{{0.50, lat.P50, row.p50}, {0.95, lat.P95, row.p95}, {0.99, lat.P99, row.p99}} {
		want := nearestRank(xs, c.q)
		// Documented bound 3%; interpolation on a smooth sample does much better.
		if !within(c.run, want, 0.03) || !within(c.intv, want, 0.03) {
			t.Errorf("p%g: run %v interval %v ms, exact %v", 100*c.q, c.run, c.intv, want)
		}
		if !within(c.run, want, 0.005) {
			t.Logf("p%g error %.2f%%", 100*c.q, 100*(c.run/want-1))
		}
	}
	if lat.Max != xs[n-1] {
		t.Errorf("max %v, want %v", lat.Max, xs[n-1])
	}
}

func TestSingleValuePercentilesAreExact(t *testing.T) {
	t.Parallel()
	r := NewRecorder(Config{Duration: sim.Minute})
	for range 7 {
		r.Observe(&topology.Outcome{TTFB: 37 * sim.Millisecond})
	}
	if l := r.Summary().Latency; l.P50 != 37 || l.P95 != 37 || l.P99 != 37 {
		t.Errorf("latency %+v, want 37 ms throughout", l)
	}
}

func TestSummaryJSON(t *testing.T) {
	t.Parallel()
	s := handRecorder().Summary()
	js, err := s.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("round trip changed the summary:\n%+v\n%+v", back, s)
	}
	// The keys scripts read, in this order.
	keys := []string{`"scenario"`, `"seed"`, `"requests"`, `"duration_s"`, `"interval_s"`, `"tiers"`,
		`"edge"`, `"hits"`, `"hit_ratio"`, `"bytes"`, `"hit_bytes"`, `"byte_hit_ratio"`,
		`"regional"`, `"origin"`, `"peak_rps"`, `"overall"`,
		`"latency_ms"`, `"ttfb_p50"`, `"ttfb_p95"`, `"ttfb_p99"`, `"pops"`, `"name"`, `"region"`, `"markers"`}
	pos := 0
	for _, k := range keys {
		i := bytes.Index(js[pos:], []byte(k))
		if i < 0 {
			t.Fatalf("key %s missing or out of order in\n%s", k, js)
		}
		pos += i
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	tiers := m["tiers"].(map[string]any)
	for _, tier := range []string{"edge", "regional"} {
		for _, k := range []string{"requests", "hits", "misses", "collapsed", "bypass", "hit_ratio", "bytes", "hit_bytes", "byte_hit_ratio"} {
			if _, ok := tiers[tier].(map[string]any)[k]; !ok {
				t.Errorf("tiers.%s.%s missing", tier, k)
			}
		}
	}
	if got := tiers["origin"].(map[string]any)["peak_rps"]; got != 2.0 {
		t.Errorf("tiers.origin.peak_rps = %v", got)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	txt := handRecorder().Summary().Text()
	for _, want := range []string{
		"hand (seed 42): 10 requests (3.5 kB) over 20s.",
		"edge 44.4% (20.0% of bytes)",
		"regional 25.0% (18.8% of bytes) of the 5 requests",
		"overall 70.0% (45.7% of bytes)",
		"Origin: 3 requests (1.9 kB), mean 0.15 req/s, peak 2 req/s at 00:00:12.",
		"TTFB p50 50.1 ms, p95 299.3 ms, p99 299.9 ms.",
		"Busiest POP: A (r0), 5 requests, hit ratio 40.0%.",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("Text lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "\n") {
		t.Error("Text is not one paragraph")
	}
	if g := groupDigits(-1234567); g != "-1,234,567" {
		t.Errorf("groupDigits = %q", g)
	}
}

func TestTimeseriesRowsAndPartialLastInterval(t *testing.T) {
	t.Parallel()
	// 60 min in 7-min bins: 8 full bins and a 4-minute ninth.
	r := NewRecorder(Config{Duration: sim.Hour, Interval: 7 * sim.Minute})
	o := topology.Outcome{Time: 59 * sim.Minute, Edge: miss, Regional: miss, Origin: true, Size: 240, OriginBytes: 240}
	r.Observe(&o)
	lines := strings.Split(strings.TrimSuffix(string(r.TimeseriesCSV()), "\n"), "\n")
	if len(lines) != 1+9 {
		t.Fatalf("%d rows, want ceil(60/7) = 9", len(lines)-1)
	}
	// One fetch in a 240 s interval: 1/240 req/s, 1 B/s.
	if f := strings.Split(lines[9], ","); f[0] != "3360.000" || f[10] != "0.004" || f[11] != "1.0" {
		t.Errorf("last row %q", lines[9])
	}
}

func TestDeterministicOutputs(t *testing.T) {
	t.Parallel()
	a, b := NewRecorder(synthConfig()), NewRecorder(synthConfig())
	synthDay(a, 9, 0.1)
	synthDay(b, 9, 0.1)
	ja, _ := a.Summary().JSON()
	jb, _ := b.Summary().JSON()
	if !bytes.Equal(ja, jb) || !bytes.Equal(a.TimeseriesCSV(), b.TimeseriesCSV()) {
		t.Error("identical inputs gave different bytes")
	}
	c := NewRecorder(synthConfig())
	synthDay(c, 10, 0.1)
	if bytes.Equal(a.TimeseriesCSV(), c.TimeseriesCSV()) {
		t.Error("a different seed gave the same time series: the check is vacuous")
	}
}

func TestObserveAllocatesNothing(t *testing.T) {
	r := NewRecorder(handConfig())
	o := handOutcomes[3]
	if n := testing.AllocsPerRun(1000, func() { r.Observe(&o) }); n != 0 {
		t.Errorf("Observe allocates %v times", n)
	}
}

func BenchmarkObserve(b *testing.B) {
	r := NewRecorder(synthConfig())
	// A realistic mix of times, results and TTFBs, cycled.
	var outs []topology.Outcome
	synthDay(observerFunc(func(o *topology.Outcome) { outs = append(outs, *o) }), 1, 0.05)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r.Observe(&outs[i%len(outs)])
	}
}

type observerFunc func(*topology.Outcome)

func (f observerFunc) Observe(o *topology.Outcome) { f(o) }
