package cache

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Test trace generators. Every generator takes an explicit seed.
// zipfTrace and decayTrace also drew the traces that libCacheSim's
// reference counts in agreement_test.go were measured on;
// TestAgreementTraceDigests pins their output byte for byte, so a change
// to them needs new reference counts.

// zipfCDF is the cumulative distribution of Zipf(alpha) over n ranks:
// P(rank i) ∝ 1/(i+1)^alpha.
func zipfCDF(n int, alpha float64) []float64 {
	cdf := make([]float64, n)
	var s float64
	for i := range cdf {
		s += math.Pow(float64(i+1), -alpha)
		cdf[i] = s
	}
	for i := range cdf {
		cdf[i] /= s
	}
	cdf[n-1] = 1
	return cdf
}

// zipfProbs is the probability of each rank of Zipf(alpha) over n ranks.
func zipfProbs(n int, alpha float64) []float64 {
	cdf := zipfCDF(n, alpha)
	p := make([]float64, n)
	prev := 0.0
	for i, c := range cdf {
		p[i] = c - prev
		prev = c
	}
	return p
}

// sampleCDF inverts cdf at u in [0,1): the first rank whose cumulative
// probability reaches u.
func sampleCDF(cdf []float64, u float64) int {
	return min(sort.SearchFloat64s(cdf, u), len(cdf)-1)
}

// traceSize draws a lognormal object size, median 8 KiB and sigma 1.5 (mean
// about 25 KiB with a heavy tail, like CDN web objects), clamped to [64 B,
// 64 MiB]. It uses Box-Muller on two uniforms, not NormFloat64, so the sizes
// depend on nothing but the PCG stream.
func traceSize(rng *rand.Rand) int64 {
	u1, u2 := 1-rng.Float64(), rng.Float64()
	z := math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
	s := math.Round(math.Exp(math.Log(8192) + 1.5*z))
	return int64(min(max(s, 64), 64<<20))
}

// zipfTrace draws requests IRM requests over object IDs 1..objects with
// Zipf(alpha) popularity (ID k+1 has rank k), 100 requests a second. With
// sized, every object has a lognormal size (traceSize), drawn from the same
// stream before the requests; without, every size is 1.
func zipfTrace(objects, requests int, alpha float64, sized bool, seed uint64) []Request {
	rng := rand.New(rand.NewPCG(seed, 1))
	cdf := zipfCDF(objects, alpha)
	sizes := make([]int64, objects)
	for i := range sizes {
		sizes[i] = 1
		if sized {
			sizes[i] = traceSize(rng)
		}
	}
	reqs := make([]Request, requests)
	for i := range reqs {
		k := sampleCDF(cdf, rng.Float64())
		reqs[i] = Request{Time: int64(i / 100), ID: ObjectID(k + 1), Size: sizes[k]}
	}
	return reqs
}

// decayTrace is a shot-noise workload with lognormal sizes: requests
// requests are shared among object IDs 1..objects by Zipf(alpha)
// popularity; each object is born at a uniform time in a 10^6-second span
// and its requests follow at exponentially distributed delays (mean
// span/turnover, by inversion) after its birth, so popularity decays with
// age and the hot set turns over about turnover times.
func decayTrace(objects, requests int, alpha, turnover float64, seed uint64) []Request {
	rng := rand.New(rand.NewPCG(seed, 2))
	cdf := zipfCDF(objects, alpha)
	counts := make([]int, objects)
	for range requests {
		counts[sampleCDF(cdf, rng.Float64())]++
	}
	const span = 1_000_000.0 // seconds
	type ev struct {
		t    float64
		id   ObjectID
		size int64
	}
	evs := make([]ev, 0, requests)
	for k := range objects {
		size := traceSize(rng)
		birth := rng.Float64() * span
		for range counts[k] {
			evs = append(evs, ev{birth - math.Log(1-rng.Float64())*span/turnover, ObjectID(k + 1), size})
		}
	}
	slices.SortStableFunc(evs, func(a, b ev) int { return cmp.Compare(a.t, b.t) })
	reqs := make([]Request, len(evs))
	for i, e := range evs {
		reqs[i] = Request{Time: int64(e.t), ID: e.id, Size: e.size}
	}
	return reqs
}

// fillNext sets each request's Next to the index of the next request for
// the same object, or Never. With cyclic, the trace is taken as repeating
// forever: a last occurrence points at the object's first occurrence in the
// next pass (index + len).
func fillNext(reqs []Request, cyclic bool) {
	// Walking backwards, seen[id] is the next occurrence after i; at the
	// end it is each object's first occurrence.
	seen := map[ObjectID]int{}
	for i := len(reqs) - 1; i >= 0; i-- {
		id := reqs[i].ID
		if j, ok := seen[id]; ok {
			reqs[i].Next = int64(j)
		} else {
			reqs[i].Next = Never
		}
		seen[id] = i
	}
	first := seen
	if cyclic {
		for i := range reqs {
			if reqs[i].Next == Never {
				reqs[i].Next = int64(first[reqs[i].ID] + len(reqs))
			}
		}
	}
}

// parseSpec turns "1 2 3:40 1" into requests (size 1 unless ":size"
// follows the ID), with Next filled in.
func parseSpec(spec string) []Request {
	var reqs []Request
	for _, tok := range strings.Fields(spec) {
		var id, size int64 = 0, 1
		if a, b, ok := strings.Cut(tok, ":"); ok {
			id, _ = strconv.ParseInt(a, 10, 64)
			size, _ = strconv.ParseInt(b, 10, 64)
		} else {
			id, _ = strconv.ParseInt(tok, 10, 64)
		}
		reqs = append(reqs, Request{ID: ObjectID(id), Size: size, Time: int64(len(reqs))})
	}
	fillNext(reqs, false)
	return reqs
}

// access is one request as a replay does it: Lookup, then Admit on a miss.
func access(p Policy, r Request, victims []ObjectID) (bool, []ObjectID) {
	if p.Lookup(r) {
		return true, victims[:0]
	}
	victims, _ = p.Admit(r, victims[:0])
	return false, victims
}

// replaySpec replays spec on p and returns its hits as a string with "H"
// for a hit and "." for a miss.
func replaySpec(p Policy, spec string) string {
	var b strings.Builder
	var victims []ObjectID
	for _, r := range parseSpec(spec) {
		var hit bool
		hit, victims = access(p, r, victims)
		if hit {
			b.WriteByte('H')
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// stateCase is one hand-worked table test.
type stateCase struct {
	name      string
	capacity  int64
	spec      string
	wantHits  string
	wantState string
}

func runStateCases(t *testing.T, policy string, cases []stateCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPolicy(policy, Config{Capacity: tc.capacity})
			if err != nil {
				t.Fatal(err)
			}
			hits := replaySpec(p, tc.spec)
			if hits != tc.wantHits {
				t.Errorf("hits = %q, want %q", hits, tc.wantHits)
			}
			if got := p.(stater).state(); got != tc.wantState {
				t.Errorf("state = %q, want %q", got, tc.wantState)
			}
			if err := p.(invariantChecker).check(); err != nil {
				t.Error(err)
			}
		})
	}
}
