package cache

import (
	"math"
	"math/rand/v2"
	"testing"
)

func mustAdmission(t *testing.T, spec string) Admission {
	t.Helper()
	a, err := NewAdmission(spec, 9)
	if err != nil {
		t.Fatalf("NewAdmission(%q): %v", spec, err)
	}
	return a
}

func TestAdmissionSpecErrors(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"max-size", "max-size:abc", "max-size:0", "prob-size", "prob-size:-1KB",
		"second-hit:x", "second-hit:1", "tinylfu:0", "tinylfu:many"} {
		if _, err := NewAdmission(spec, 1); err == nil {
			t.Errorf("NewAdmission(%q) accepted a bad argument", spec)
		}
	}
	for _, spec := range []string{"max-size:1MB", "prob-size:64KB", "second-hit", "second-hit:1000", "tinylfu", "tinylfu:100"} {
		if _, err := NewAdmission(spec, 1); err != nil {
			t.Errorf("NewAdmission(%q): %v", spec, err)
		}
	}
}

func TestMaxSizeBoundary(t *testing.T) {
	t.Parallel()
	a := mustAdmission(t, "max-size:1KB")
	for _, tc := range []struct {
		size int64
		want bool
	}{{1, true}, {1023, true}, {1024, true}, {1025, false}, {1 << 30, false}} {
		if got := a.Admit(Request{ID: 1, Size: tc.size}, nil); got != tc.want {
			t.Errorf("Admit(size %d) = %v, want %v", tc.size, got, tc.want)
		}
	}
}

func TestSecondHitAdmitsTheSecondRequest(t *testing.T) {
	t.Parallel()
	a := mustAdmission(t, "second-hit:100")
	req := func(id ObjectID) bool {
		r := Request{ID: id, Size: 1}
		a.Record(r)
		return a.Admit(r, nil)
	}
	if req(7) {
		t.Fatal("first request admitted")
	}
	if !req(7) {
		t.Fatal("second request right after the first refused")
	}
	// Within half the window the first request is always remembered.
	if req(8) {
		t.Fatal("first request of 8 admitted")
	}
	for i := 0; i < 49; i++ {
		req(ObjectID(1000 + i))
	}
	if !req(8) {
		t.Error("second request 50 requests later (half the window) refused")
	}
	// Past the window it is forgotten: 9, then 150 others, then 9 again.
	req(9)
	for i := 0; i < 150; i++ {
		req(ObjectID(2000 + i))
	}
	if req(9) {
		t.Error("request 151 requests after the first (window 100) admitted")
	}
	if !req(9) {
		t.Error("the request after that refused")
	}
}

// TestSecondHitFalsePositiveRate: first requests of distinct IDs, a full
// window of them, are admitted at about the documented rate (≤ 1.2%).
func TestSecondHitFalsePositiveRate(t *testing.T) {
	t.Parallel()
	const w = 20000
	a := mustAdmission(t, "second-hit:20000")
	fp := 0
	for i := 0; i < 3*w; i++ {
		r := Request{ID: ObjectID(1_000_000 + i), Size: 1}
		a.Record(r)
		if a.Admit(r, nil) {
			fp++
		}
	}
	rate := float64(fp) / (3 * w)
	t.Logf("false-positive rate %.4f", rate)
	if rate > 0.012 || rate == 0 {
		t.Errorf("false-positive rate %.4f, want in (0, 0.012]", rate)
	}
}

func TestProbSizeAdmitsExpFraction(t *testing.T) {
	t.Parallel()
	a := mustAdmission(t, "prob-size:1000")
	const trials = 100000
	for _, size := range []int64{100, 1000, 3000} {
		n := 0
		for i := 0; i < trials; i++ {
			if a.Admit(Request{ID: ObjectID(i), Size: size}, nil) {
				n++
			}
		}
		want := math.Exp(-float64(size) / 1000)
		// Binomial standard deviation is at most 0.0016 here; allow 4σ.
		if got := float64(n) / trials; math.Abs(got-want) > 4*math.Sqrt(want*(1-want)/trials)+1e-9 {
			t.Errorf("size %d: admitted %.4f, want %.4f", size, got, want)
		}
	}
	// Same seed, same decisions.
	b, c := mustAdmission(t, "prob-size:1000"), mustAdmission(t, "prob-size:1000")
	for i := 0; i < 100; i++ {
		r := Request{ID: 1, Size: 700}
		if b.Admit(r, nil) != c.Admit(r, nil) {
			t.Fatal("two prob-size admissions with one seed disagree")
		}
	}
}

func TestTinyLFURejectsOneHitWonder(t *testing.T) {
	t.Parallel()
	a := mustAdmission(t, "tinylfu:16")
	p := newLRU(3)
	c := New(p, a, Options{})
	for _, id := range []ObjectID{1, 2, 3} {
		for i := 0; i < 5; i++ {
			if c.Get(Request{ID: id, Size: 1}) == Miss {
				c.Put(Request{ID: id, Size: 1}, 0)
			}
		}
	}
	if p.Len() != 3 {
		t.Fatalf("a cache with room refused objects: len %d", p.Len())
	}
	// 1 is the LRU victim with 5 requests; 99 has been seen once.
	if c.Get(Request{ID: 99, Size: 1}) != Miss {
		t.Fatal("99 hit")
	}
	if c.Put(Request{ID: 99, Size: 1}, 0) {
		t.Error("one-hit wonder admitted over a victim seen 5 times")
	}
	// Seen 6 times, 99 beats the victim.
	for i := 0; i < 5; i++ {
		c.Get(Request{ID: 99, Size: 1})
	}
	if !c.Put(Request{ID: 99, Size: 1}, 0) {
		t.Error("object seen 6 times refused against a victim seen 5 times")
	}
	if c.Contains(1) {
		t.Error("victim 1 still cached")
	}
	// Not a Victimer: always admit.
	if !a.Admit(Request{ID: 12345, Size: 1}, notVictimer{p}) {
		t.Error("refused for a policy that cannot name its victim")
	}
}

// notVictimer hides a policy's Victim method.
type notVictimer struct{ Policy }

// TestEveryAdmissionWithEveryPolicy drives each admission in front of each
// registered eviction policy through cache.Cache with sizes, TTLs and
// invalidations, and checks the counters, the capacity, what admission
// promised, and the policy's own invariants.
func TestEveryAdmissionWithEveryPolicy(t *testing.T) {
	t.Parallel()
	const n, nobj, capacity = 6000, 400, 600
	rng := rand.New(rand.NewPCG(5, 5))
	ids := make([]ObjectID, n)
	for i := range ids {
		ids[i] = ObjectID(math.Floor(float64(nobj) * math.Pow(rng.Float64(), 2.5))) // skewed
	}
	next := make([]int64, n)
	last := map[ObjectID]int64{}
	for i := n - 1; i >= 0; i-- {
		next[i] = Never
		if j, ok := last[ids[i]]; ok {
			next[i] = j
		}
		last[ids[i]] = int64(i)
	}
	size := func(id ObjectID) int64 { return 1 + int64(id*7919%60) }
	for _, spec := range []string{"always", "max-size:40", "second-hit:500", "prob-size:30", "tinylfu:64"} {
		for _, name := range PolicyNames() {
			t.Run(spec+" in front of "+name, func(t *testing.T) {
				p, err := NewPolicy(name, Config{Capacity: capacity, Seed: 3})
				if err != nil {
					t.Fatal(err)
				}
				c := New(p, mustAdmission(t, spec), Options{TTL: true})
				for i, id := range ids {
					r := Request{ID: id, Size: size(id), Time: int64(i), Next: next[i]}
					switch c.Get(r) {
					case Miss:
						c.Put(r, int64(i+500))
					case Stale:
						c.Refresh(id, int64(i+500))
					}
					if i%97 == 0 {
						c.Remove(ObjectID(rng.IntN(nobj)))
					}
					if c.Used() > capacity {
						t.Fatalf("step %d: used %d > %d", i, c.Used(), capacity)
					}
					if ic, ok := p.(invariantChecker); ok && i%50 == 0 {
						if err := ic.check(); err != nil {
							t.Fatalf("step %d: %v", i, err)
						}
					}
				}
				if c.Hits+c.StaleHits+c.Misses != n {
					t.Errorf("hits %d + stale %d + misses %d != %d", c.Hits, c.StaleHits, c.Misses, n)
				}
				if c.Admitted == 0 || c.Hits == 0 {
					t.Errorf("admitted %d, hits %d: the cache never worked", c.Admitted, c.Hits)
				}
				if spec == "max-size:40" {
					for id := ObjectID(0); id < nobj; id++ {
						if c.Contains(id) && size(id) > 40 {
							t.Errorf("object %d of size %d cached past max-size:40", id, size(id))
						}
					}
				}
				_, victimer := p.(Victimer)
				if spec != "always" && (spec != "tinylfu:64" || victimer) && c.Rejected == 0 {
					t.Errorf("%s rejected nothing", spec)
				}
			})
		}
	}
}

// TestSteadyStateAllocatesNothing: once a cache is warm, a request through
// cache.Cache (Get, and Put on a miss) allocates nothing, for each of these
// eviction policies and admission policies.
func TestSteadyStateAllocatesNothing(t *testing.T) {
	// Not parallel: AllocsPerRun refuses to run alongside parallel tests.
	rng := rand.New(rand.NewPCG(8, 8))
	trace := make([]Request, 1<<14)
	for i := range trace {
		id := ObjectID(math.Floor(5000 * math.Pow(rng.Float64(), 3)))
		trace[i] = Request{ID: id, Size: 1 + int64(id%50), Time: int64(i)}
	}
	for _, name := range []string{"s3fifo", "arc", "2q", "wtinylfu", "gdsf", "lhd"} {
		for _, spec := range []string{"always", "max-size:40", "second-hit:1000", "prob-size:30", "tinylfu:100"} {
			p, err := NewPolicy(name, Config{Capacity: 2000, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			c := New(p, mustAdmission(t, spec), Options{})
			step := func(r Request) {
				if c.Get(r) == Miss {
					c.Put(r, 0)
				}
			}
			for _, r := range trace { // warm: slices and tables reach their peak
				step(r)
			}
			for _, r := range trace {
				step(r)
			}
			i := 0
			if a := testing.AllocsPerRun(5000, func() { step(trace[i%len(trace)]); i++ }); a != 0 {
				t.Errorf("%s with %s: %.3f allocations per request", name, spec, a)
			}
		}
	}
}
