package workload

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// sampleConfig has every kind of request the generator makes: two zipf
// classes (one with methods and dynamic requests), a decay class, a
// scheduled story of 50 objects with a home region and browsing, and
// random spikes of 5 objects.
func sampleConfig() Config {
	cfg := storyConfig(0.4)
	cfg.Duration = 2 * time.Hour
	cfg.Classes = append(cfg.Classes, Class{
		Name: "api", Prefix: "/api/", SizeMedian: 500, SizeSigma: 0.5, Popularity: PopZipf,
		Objects: 300, Alpha: 0.9, Rate: 5,
		Methods: []MethodShare{{Method: "POST", Share: 0.2}, {Method: "HEAD", Share: 0.1}}, DynamicShare: 0.3,
	})
	cfg.RandomSpikes = []RandomSpike{{
		Class: "articles", Rate: 40, Volume: Volume{Mean: 300, Sigma: 1}, Objects: 5,
		Rise: 5 * time.Minute, HalfLife: 20 * time.Minute, HomeShare: 0.8, Browse: 0.2,
	}}
	return cfg
}

func collect(t *testing.T, src Source) []Request {
	t.Helper()
	var out []Request
	var r Request
	for src.Next(&r) {
		if n := len(out); n > 0 && r.Time < out[n-1].Time {
			t.Fatalf("request %d at %v before the previous one at %v", n, r.Time, out[n-1].Time)
		}
		out = append(out, r)
	}
	return out
}

func sliced(t *testing.T, cfg Config, seed uint64, s Slice) []Request {
	t.Helper()
	g := mustNew(t, cfg, seed)
	g.SetSlice(s)
	return collect(t, g)
}

// sortReqs orders requests totally, so streams that differ only in the
// order of equal-time requests compare equal.
func sortReqs(rs []Request) []Request {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b Request) int {
		return cmp.Or(cmp.Compare(a.Time, b.Time), cmp.Compare(a.Object, b.Object), cmp.Compare(a.Metro, b.Metro),
			cmp.Compare(a.Method, b.Method), cmp.Compare(a.Size, b.Size), cmp.Compare(a.Class, b.Class),
			cmp.Compare(fmt.Sprint(a.Dynamic), fmt.Sprint(b.Dynamic)))
	})
	return rs
}

// sameRequests fails unless a and b hold the same requests.
func sameRequests(t *testing.T, what string, a, b []Request) {
	t.Helper()
	a, b = sortReqs(a), sortReqs(b)
	if len(a) != len(b) {
		t.Fatalf("%s: %d requests, want %d", what, len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("%s: request %d is %+v, want %+v", what, i, a[i], b[i])
		}
	}
}

func TestShardSlicesAreDisjointAndCoverTheHashSpace(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{1, 2, 3, 7, 8, 1000} {
		shards := make([]Slice, k)
		for i := range shards {
			s, err := ShardSlice(i, k)
			if err != nil {
				t.Fatal(err)
			}
			shards[i] = s
		}
		// Hashes at every boundary, either side of it, and at random.
		var hs []uint64
		for _, s := range shards {
			hs = append(hs, s.lo-1, s.lo, s.lo+1)
		}
		for range 2000 {
			hs = append(hs, r.Uint64())
		}
		for _, h := range hs {
			n := 0
			for i, s := range shards {
				if s.KeepsHash(h) {
					n++
					// Shard i holds the hashes h with ⌊h·k/2⁶⁴⌋ = i.
					if want, _ := bits.Mul64(h, uint64(k)); int(want) != i {
						t.Fatalf("K=%d: hash %#x in shard %d, want %d", k, h, i, want)
					}
				}
			}
			if n != 1 {
				t.Fatalf("K=%d: hash %#x kept by %d shards, want exactly 1", k, h, n)
			}
		}
		if got := shards[0].Rate(); got != 1/float64(k) {
			t.Errorf("K=%d: rate %v", k, got)
		}
	}
}

func TestSampleSliceKeepsHashesUnderTheRate(t *testing.T) {
	t.Parallel()
	for _, r := range []float64{0.5, 0.01, 0.25} {
		s, err := SampleSlice(r)
		if err != nil {
			t.Fatal(err)
		}
		edge := uint64(math.Ldexp(r, 64))
		if !s.KeepsHash(0) || !s.KeepsHash(edge-1) || s.KeepsHash(edge) || s.KeepsHash(math.MaxUint64) {
			t.Errorf("R=%v: boundary wrong", r)
		}
		if s.Rate() != r || s.String() != fmt.Sprintf("sample %v", r) {
			t.Errorf("R=%v: rate %v, %q", r, s.Rate(), s)
		}
	}
	one, _ := SampleSlice(1)
	if !one.All() || one.Rate() != 1 || one != (Slice{}) {
		t.Errorf("R=1 is %+v, want the zero Slice", one)
	}
	for _, bad := range []float64{0, -0.1, 1.0000001, math.NaN(), math.Inf(1)} {
		if _, err := SampleSlice(bad); err == nil || !strings.Contains(err.Error(), "outside (0, 1]") {
			t.Errorf("R=%v: err %v", bad, err)
		}
	}
	// A rate under 2⁻⁶⁴ keeps no hash; it must not read as a Slice of
	// everything.
	if s, err := SampleSlice(1e-30); err == nil || !strings.Contains(err.Error(), "keeps no hash") {
		t.Errorf("R=1e-30: %v, err %v", s, err)
	}
	if s, err := SampleSlice(math.Ldexp(1, -64)); err != nil || !s.KeepsHash(0) || s.KeepsHash(1) {
		t.Errorf("R=2^-64: %+v, err %v: want the hash 0 alone", s, err)
	}
	for _, bad := range []string{"4/4", "-1/4", "0/0", "1", "a/b", "1/2/3"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("shard %q accepted", bad)
		}
	}
	if s, err := ParseShard("2/8"); err != nil || s.String() != "shard 2/8" {
		t.Errorf("2/8: %v %v", s, err)
	}
}

// TestShardsOfAGeneratedStreamAreExactlyTheStream: the union of K shards'
// requests is the unsampled stream, each shard holding exactly the
// requests of its objects, for every kind of request the generator makes.
func TestShardsOfAGeneratedStreamAreExactlyTheStream(t *testing.T) {
	t.Parallel()
	const seed = 5
	cfg := sampleConfig()
	full := sliced(t, cfg, seed, Slice{})
	var classes [4]int
	for _, r := range full {
		classes[r.Class]++
	}
	for c, n := range classes[:3] {
		if n < 1000 {
			t.Fatalf("class %d has %d requests: the test needs every kind", c, n)
		}
	}
	for _, k := range []int{3, 8} {
		var union []Request
		for i := range k {
			s, _ := ShardSlice(i, k)
			part := sliced(t, cfg, seed, s)
			var want []Request
			for _, r := range full {
				if s.Keeps(seed, r.Object) {
					want = append(want, r)
				}
			}
			sameRequests(t, fmt.Sprintf("shard %d/%d", i, k), part, want)
			union = append(union, part...)
		}
		sameRequests(t, fmt.Sprintf("union of %d shards", k), union, full)
	}
}

// TestASampledStreamKeepsExactlyItsObjects: a miniature requests only the
// objects it keeps (Generator.Keeps). The requests of its decay class (whose births
// browsing follows, so all are drawn), of the spikes and of browsing are
// exactly the unsampled stream's requests of those objects; its zipf
// arrivals are drawn directly (keptZipf), so its zipf classes' requests
// are as many as the unsampled stream's of those objects, within the
// Poisson noise of both, not the same. R = 1 is the unsampled stream in
// the same order.
func TestASampledStreamKeepsExactlyItsObjects(t *testing.T) {
	t.Parallel()
	const seed = 9
	cfg := sampleConfig()
	zipf := func(q Request) bool { return cfg.Classes[q.Class].Popularity == PopZipf }
	full := sliced(t, cfg, seed, Slice{})
	for _, r := range []float64{0.1, 0.5} {
		s, _ := SampleSlice(r)
		g := mustNew(t, cfg, seed)
		g.SetSlice(s)
		var want, wantZipf []Request
		for _, q := range full {
			if g.Keeps(q.Object) {
				if zipf(q) {
					wantZipf = append(wantZipf, q)
				} else {
					want = append(want, q)
				}
			}
		}
		var got, gotZipf []Request
		for _, q := range collect(t, g) {
			if !g.Keeps(q.Object) {
				t.Fatalf("%v: object %d is not kept", s, q.Object)
			}
			if zipf(q) {
				gotZipf = append(gotZipf, q)
			} else {
				got = append(got, q)
			}
		}
		if len(want) < 1000 {
			t.Fatalf("%v: %d decay requests: too few to test", s, len(want))
		}
		sameRequests(t, s.String()+", decay classes", got, want)
		// Two independent counts of the same mean (a sum of Poissons, give
		// or take the browsing requests both share): 5σ of the difference.
		n, m := float64(len(gotZipf)), float64(len(wantZipf))
		if !withinSigmas(n, m, math.Sqrt(2*m), 5) {
			t.Errorf("%v: %.0f zipf-class requests, the unsampled stream has %.0f of the kept objects", s, n, m)
		}
		if slices.Equal(gotZipf, wantZipf) {
			t.Errorf("%v: the zipf requests are the unsampled stream's: not drawn directly", s)
		}
	}
	one, _ := SampleSlice(1)
	if got := sliced(t, cfg, seed, one); !slices.Equal(got, full) {
		t.Error("R = 1 is not the unsampled stream")
	}
}

// TestShardsOfATraceAreExactlyTheTrace: the post-filter on a trace.
func TestShardsOfATraceAreExactlyTheTrace(t *testing.T) {
	t.Parallel()
	cfg := smallConfig()
	cfg.Duration = 10 * time.Minute
	var buf bytes.Buffer
	w := NewRequestCSVWriter(&buf, []string{"A"})
	g := mustNew(t, cfg, 3)
	for _, r := range collect(t, g) {
		if err := w.Write(r, []byte(g.Path(r.Class, r.Object))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	open := func() *TraceSource {
		s, err := memSource(t, TraceSourceConfig{Path: "t.csv", Format: TraceCSV, Metros: cfg.Metros}, buf.String())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	full := drainTrace(open())
	if len(full) < 10000 {
		t.Fatalf("%d requests", len(full))
	}
	const seed, k = 77, 4
	var union []Request
	for i := range k {
		s, _ := ShardSlice(i, k)
		part := collect(t, NewFilter(open(), seed, s))
		for _, r := range part {
			if !s.Keeps(seed, r.Object) {
				t.Fatalf("shard %d kept object %d", i, r.Object)
			}
		}
		union = append(union, part...)
	}
	sameRequests(t, "union of the trace's shards", union, full)
}

func TestSampledGeneratorDoesNotAllocate(t *testing.T) {
	cfg := sampleConfig()
	g := mustNew(t, cfg, 4)
	s, _ := SampleSlice(0.2)
	g.SetSlice(s)
	var r Request
	for range 1000 { // warm up the tables
		g.Next(&r)
	}
	if a := testing.AllocsPerRun(5000, func() { g.Next(&r) }); a != 0 {
		t.Errorf("%v allocations per request", a)
	}
}

// TestASingleObjectSpikeIsInItsObjectsSliceOnly: a spike of one object is
// planned (pushed on the live wheel) when the generator is built, before
// SetSlice; a slice that does not keep its object must not emit it.
func TestASingleObjectSpikeIsInItsObjectsSliceOnly(t *testing.T) {
	t.Parallel()
	const seed = 4
	cfg := spikeConfig() // one spike of one object on "articles"
	cfg.Duration = 3 * time.Hour
	full := sliced(t, cfg, seed, Slice{})
	spike := mustNew(t, cfg, seed).Spikes()[0].Object
	n := 0
	for _, q := range full {
		if q.Object == spike {
			n++
		}
	}
	if n < 10000 {
		t.Fatalf("the spike's object has %d requests: the test needs the spike", n)
	}
	const k = 4
	var union []Request
	for i := range k {
		s, _ := ShardSlice(i, k)
		part := sliced(t, cfg, seed, s)
		for _, q := range part {
			if !s.Keeps(seed, q.Object) {
				t.Fatalf("shard %d/%d emits object %d, outside it", i, k, q.Object)
			}
		}
		union = append(union, part...)
	}
	sameRequests(t, "union of the shards", union, full)
	for _, r := range []float64{0.5, 0.1} {
		s, _ := SampleSlice(r)
		g := mustNew(t, cfg, seed)
		g.SetSlice(s)
		for _, q := range collect(t, g) {
			if !g.Keeps(q.Object) {
				t.Fatalf("%v emits object %d, outside it", s, q.Object)
			}
		}
	}
}

// TestFilterTalliesASample: a sample's Filter counts every request of the
// stream from the measured period's start, by class, all and kept (class
// 1's objects are 0..999, requests a millisecond apart, sizes 0); a shard's
// Filter and an everything Filter count nothing.
func TestFilterTalliesASample(t *testing.T) {
	t.Parallel()
	const seed, n, from = 5, 3000, 1000 // the first 1000 ms are a warm-up
	sl, _ := SampleSlice(0.25)
	f := NewFilter(&countSource{n: n}, seed, sl)
	f.SetMeasured(from * sim.Millisecond)
	var got int
	var r Request
	for f.Next(&r) {
		got++
	}
	var kept, keptMeasured float64
	for i := range n {
		if sl.Keeps(seed, uint64(i%1000)) {
			kept++
			if i >= from {
				keptMeasured++
			}
		}
	}
	if float64(got) != kept {
		t.Fatalf("the filter passed %d requests, its slice keeps %v", got, kept)
	}
	tl := f.SampleTally()
	want := []ClassTally{{}, {FullRequests: n - from, KeptRequests: keptMeasured}}
	if len(tl) != 2 || tl[0] != want[0] || tl[1] != want[1] {
		t.Fatalf("tally %+v, want %+v", tl, want)
	}
	if keptMeasured == 0 || keptMeasured == n-from {
		t.Fatalf("kept %v of %d: the test needs a proper sample", keptMeasured, n-from)
	}
	for _, s := range []Slice{{}, func() Slice { s, _ := ShardSlice(1, 4); return s }()} {
		f := NewFilter(&countSource{n: 10}, seed, s)
		for f.Next(&r) {
		}
		if f.SampleTally() != nil {
			t.Errorf("%v: a tally %+v", s, f.SampleTally())
		}
	}
}
