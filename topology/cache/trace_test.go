package cache

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Test trace generators. Every generator takes an explicit seed.

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

// sampleCDF inverts cdf at u in [0,1) by binary search.
func sampleCDF(cdf []float64, u float64) int {
	i := sort.SearchFloat64s(cdf, u)
	if i == len(cdf) || cdf[i] == u { // SearchFloat64s finds cdf[i] >= u; want > u
		i++
	}
	if i >= len(cdf) {
		i = len(cdf) - 1
	}
	return i
}

// zipfTrace draws r IRM requests over n objects with Zipf(alpha)
// popularity; object i has size sizes[i] (all 1 if sizes is nil). Object IDs
// are ranks shuffled by a permutation, so popularity is not ID order.
func zipfTrace(n, r int, alpha float64, sizes []int64, seed uint64) []Request {
	rng := rand.New(rand.NewPCG(seed, 1))
	cdf := zipfCDF(n, alpha)
	perm := rng.Perm(n)
	out := make([]Request, r)
	for k := range out {
		id := perm[sampleCDF(cdf, rng.Float64())]
		sz := int64(1)
		if sizes != nil {
			sz = sizes[id]
		}
		out[k] = Request{ID: ObjectID(id), Size: sz, Time: int64(k)}
	}
	return out
}

// lognormalSizes draws n object sizes from a lognormal with median
// e^mu bytes and shape sigma, clamped to [64 B, 64 MiB] like web objects.
func lognormalSizes(n int, mu, sigma float64, seed uint64) []int64 {
	rng := rand.New(rand.NewPCG(seed, 2))
	s := make([]int64, n)
	for i := range s {
		v := math.Exp(mu + sigma*rng.NormFloat64())
		s[i] = int64(min(max(v, 64), 64<<20))
	}
	return s
}

// decayTrace is a shot-noise workload: n objects are born uniformly over the
// trace, each with a Zipf(alpha) share of about r requests, and each request
// falls an exponential time (mean tau of the trace span) after the birth, so
// popularity decays exponentially with age and the hot set keeps changing.
func decayTrace(n, r int, alpha, tau float64, sizes []int64, seed uint64) []Request {
	rng := rand.New(rand.NewPCG(seed, 3))
	p := zipfProbs(n, alpha)
	perm := rng.Perm(n)
	type ev struct {
		t  float64
		id int
	}
	evs := make([]ev, 0, r+n)
	for rank, pr := range p {
		id := perm[rank]
		birth := rng.Float64()
		k := int(pr*float64(r) + rng.Float64()) // unbiased rounding of the share
		for range k {
			evs = append(evs, ev{birth + rng.ExpFloat64()*tau, id})
		}
	}
	sort.Slice(evs, func(i, j int) bool { return evs[i].t < evs[j].t })
	out := make([]Request, len(evs))
	for k, e := range evs {
		sz := int64(1)
		if sizes != nil {
			sz = sizes[e.id]
		}
		out[k] = Request{ID: ObjectID(e.id), Size: sz, Time: int64(k)}
	}
	return out
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
