package cache

import "testing"

// TestCacheTTL checks expiry through both expiry stores: the policy's own
// index (lru) and the Cache's private one (a policy that hides its index).
func TestCacheTTL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		p    Policy
	}{{"policy index", newLRU(3)}, {"private index", hidden{newLRU(3)}}} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.p, nil, Options{TTL: true, IgnoreSize: true})
			r := func(id ObjectID, now int64) Request { return Request{ID: id, Size: 100, Time: now} }
			steps := []struct {
				op   string
				id   ObjectID
				now  int64
				exp  int64
				want Status
			}{
				{"get", 1, 0, 0, Miss},
				{"put", 1, 0, 10, Hit},
				{"get", 1, 9, 0, Hit},
				{"get", 1, 10, 0, Stale}, // expiry is exclusive: fresh strictly before
				{"put", 1, 10, 30, Hit},  // refetched: the stored copy's expiry moves on
				{"get", 1, 29, 0, Hit},
				{"put", 2, 30, 0, Hit}, // 0: never stale
				{"get", 2, 1 << 60, 0, Hit},
				{"put", 3, 30, 40, Hit},
				{"put", 4, 31, 50, Hit}, // evicts 1 (LRU of 1,2,3 after the gets)
				{"get", 1, 32, 0, Miss},
				{"put", 1, 33, 35, Hit}, // evicts 3; 1 reuses a freed entry and must not inherit 3's expiry
				{"get", 1, 34, 0, Hit},
				{"get", 1, 35, 0, Stale},
				{"remove", 4, 35, 0, Miss},
				{"put", 5, 36, 0, Hit}, // takes 4's entry: never stale, whatever 4 had
				{"get", 5, 1000, 0, Hit},
			}
			for i, s := range steps {
				var got Status
				switch s.op {
				case "get":
					got = c.Get(r(s.id, s.now))
				case "put":
					if c.Put(r(s.id, s.now), s.exp) {
						got = Hit
					}
				case "remove":
					c.Remove(s.id)
					got = Miss
					if c.Contains(s.id) {
						got = Hit
					}
				}
				if got != s.want {
					t.Fatalf("step %d: %s(%d) at %d = %v, want %v", i, s.op, s.id, s.now, got, s.want)
				}
			}
			if c.Hits != 5 || c.StaleHits != 2 || c.Misses != 2 {
				t.Fatalf("counters hits %d stale %d misses %d; want 5, 2, 2", c.Hits, c.StaleHits, c.Misses)
			}
		})
	}
}

// hidden hides a policy's index from the Cache.
type hidden struct{ Policy }

// TestTTLAndRemoveWithEveryPolicy: expiry and invalidation work whatever the
// eviction policy, including after entry numbers are recycled by evictions.
func TestTTLAndRemoveWithEveryPolicy(t *testing.T) {
	t.Parallel()
	for _, name := range PolicyNames() {
		p, err := NewPolicy(name, Config{Capacity: 8, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		c := New(p, nil, Options{TTL: true, IgnoreSize: true})
		// Churn through 100 objects so every entry number is reused, each
		// stored with expiry = its id + 1000 (objects 0..49) or never (50..99).
		for id := ObjectID(0); id < 100; id++ {
			now := int64(id)
			r := Request{ID: id, Size: 1, Time: now, Next: Never}
			if c.Get(r) == Miss {
				exp := int64(0)
				if id < 50 {
					exp = int64(id) + 1000
				}
				c.Put(r, exp)
			}
		}
		if c.Len() == 0 {
			t.Fatalf("%s: cache empty after 100 puts", name)
		}
		for id := ObjectID(0); id < 100; id++ {
			if !c.Contains(id) {
				continue
			}
			st := c.Get(Request{ID: id, Size: 1, Time: 2000, Next: Never})
			want := Hit
			if id < 50 {
				want = Stale
			}
			if st != want {
				t.Errorf("%s: object %d at t=2000 is %v, want %v", name, id, st, want)
			}
			if !c.Remove(id) || c.Contains(id) {
				t.Errorf("%s: Remove(%d) did not remove it", name, id)
			}
		}
		if c.Len() != 0 || c.Used() != 0 {
			t.Errorf("%s: after removing everything Len %d Used %d", name, c.Len(), c.Used())
		}
	}
}

// TestAccessIsGetThenPut replays a sized Zipf trace through every policy
// and admission, by bytes and by objects, once with Access and once with
// Get and, on a miss, Put: every request's status, the counters and the
// cached objects must be the same.
func TestAccessIsGetThenPut(t *testing.T) {
	t.Parallel()
	trace := zipfTrace(2000, 20000, 0.8, true, 7)
	var working int64
	seen := map[ObjectID]bool{}
	for _, r := range trace {
		if !seen[r.ID] {
			seen[r.ID], working = true, working+r.Size
		}
	}
	for _, name := range PolicyNames() {
		for _, adm := range []string{"always", "second-hit", "tinylfu", "max-size:64KB"} {
			for _, o := range []Options{{}, {IgnoreSize: true}, {TTL: true}} {
				capacity := working / 20
				if o.IgnoreSize {
					capacity = int64(len(seen)) / 20
				}
				caches := [2]*Cache{}
				for k := range caches {
					p, err := NewPolicy(name, Config{Capacity: capacity, Seed: 1})
					if err != nil {
						t.Fatal(err)
					}
					a, err := NewAdmission(adm, 1)
					if err != nil {
						t.Fatal(err)
					}
					caches[k] = New(p, a, o)
				}
				access, getPut := caches[0], caches[1]
				for i, r := range trace {
					got := access.Access(r)
					want := getPut.Get(r)
					if want == Miss {
						getPut.Put(r, 0)
					}
					if got != want {
						t.Fatalf("%s, %s, %+v: request %d: Access %v, Get %v", name, adm, o, i+1, got, want)
					}
				}
				a, g := access, getPut
				if a.Hits != g.Hits || a.Misses != g.Misses || a.Admitted != g.Admitted || a.Rejected != g.Rejected || a.Evicted != g.Evicted ||
					a.Len() != g.Len() || a.Used() != g.Used() {
					t.Fatalf("%s, %s, %+v: Access ended with %d/%d/%d/%d/%d, %d objects, %d bytes; Get and Put with %d/%d/%d/%d/%d, %d, %d",
						name, adm, o, a.Hits, a.Misses, a.Admitted, a.Rejected, a.Evicted, a.Len(), a.Used(),
						g.Hits, g.Misses, g.Admitted, g.Rejected, g.Evicted, g.Len(), g.Used())
				}
				if a.Misses == 0 || a.Hits == 0 {
					t.Fatalf("%s, %s, %+v: %d hits, %d misses: the trace tests nothing", name, adm, o, a.Hits, a.Misses)
				}
			}
		}
	}
}

func TestKeysListsExactlyTheCachedObjects(t *testing.T) {
	t.Parallel()
	for _, name := range PolicyNames() {
		p, _ := NewPolicy(name, Config{Capacity: 16, Seed: 2})
		c := New(p, nil, Options{IgnoreSize: true})
		for i := 0; i < 200; i++ {
			id := ObjectID(i*7%61 + 1000)
			r := Request{ID: id, Size: 1, Time: int64(i), Next: Never}
			if c.Get(r) == Miss {
				c.Put(r, 0)
			}
		}
		keys, ok := c.Keys(nil)
		if !ok {
			t.Fatalf("%s: Keys unsupported", name)
		}
		seen := map[ObjectID]bool{}
		for _, k := range keys {
			if seen[k] || !c.Contains(k) {
				t.Fatalf("%s: Keys returned %d twice or uncached", name, k)
			}
			seen[k] = true
		}
		if len(keys) != c.Len() {
			t.Fatalf("%s: Keys returned %d IDs, the cache holds %d", name, len(keys), c.Len())
		}
	}
}
