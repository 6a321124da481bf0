package cache

import (
	"math/rand/v2"
	"testing"
)

// TestWarmChangesNothing replays the same requests through two caches of
// every policy, one of them warmed for the requests ahead as the simulator
// does (and warmed for objects never requested, and at steps out of
// order): every status, metadata and counter must agree, and the warmed
// cache's own invariants hold throughout.
func TestWarmChangesNothing(t *testing.T) {
	t.Parallel()
	for _, name := range PolicyNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			newCache := func() *Cache {
				p, err := NewPolicy(name, Config{Capacity: 5000, Seed: 3, ObjectsHint: 60})
				if err != nil {
					t.Fatal(err)
				}
				return New(p, nil, Options{TTL: true})
			}
			plain, warmed := newCache(), newCache()
			rng := rand.New(rand.NewPCG(7, 8))
			const n = 20000
			ids := make([]ObjectID, n+WarmSteps)
			for i := range ids {
				ids[i] = ObjectID(rng.IntN(400))
			}
			entries := make([]int32, len(ids)) // Warm's entry, step 1 to step 2
			for i := range n {
				for k := 1; k <= WarmSteps; k++ {
					warmed.Warm(ids[i+k], WarmSteps-k, &entries[i+k])
				}
				// Never requested, and at any step: step 2 with a stale
				// entry (another object's, or one evicted since).
				stale := int32(rng.IntN(200))
				warmed.Warm(ObjectID(1e9+i), i%(WarmSteps+1), &stale)
				r := Request{ID: ids[i], Size: 1 + int64(ids[i]%97), Time: int64(i), Next: Never}
				if i%50 == 0 {
					if a, b := plain.Remove(r.ID), warmed.Remove(r.ID); a != b {
						t.Fatalf("request %d: Remove %v, warmed %v", i, a, b)
					}
					continue
				}
				s1, m1 := plain.GetMeta(r)
				s2, m2 := warmed.GetMeta(r)
				if s1 != s2 || m1 != m2 {
					t.Fatalf("request %d (id %d): %v %+v, warmed %v %+v", i, r.ID, s1, m1, s2, m2)
				}
				if s1 != Hit {
					m := Meta{Expires: int64(i + 500), Born: int64(i)}
					if a, b := plain.PutMeta(r, m), warmed.PutMeta(r, m); a != b {
						t.Fatalf("request %d: PutMeta %v, warmed %v", i, a, b)
					}
				}
				if ch, ok := warmed.policy.(interface{ check() error }); ok && i%997 == 0 {
					if err := ch.check(); err != nil {
						t.Fatalf("request %d: %v", i, err)
					}
				}
			}
			if plain.Hits != warmed.Hits || plain.Misses != warmed.Misses || plain.Evicted != warmed.Evicted || plain.Len() != warmed.Len() || plain.Used() != warmed.Used() {
				t.Fatalf("counters differ: hits %d/%d misses %d/%d evicted %d/%d len %d/%d",
					plain.Hits, warmed.Hits, plain.Misses, warmed.Misses, plain.Evicted, warmed.Evicted, plain.Len(), warmed.Len())
			}
			if plain.Hits == 0 || plain.Evicted == 0 {
				t.Fatalf("hits %d, evictions %d: the test should exercise both", plain.Hits, plain.Evicted)
			}
		})
	}
}

// TestPeekFindsTheEntry: peek, Warm's lookup without reading IDs, names
// the entry get finds for every cached object, and nothing for objects
// whose tags no slot holds.
func TestPeekFindsTheEntry(t *testing.T) {
	t.Parallel()
	var x index
	x.init()
	for id := range ObjectID(5000) {
		x.insert(id * 3)
	}
	for id := range ObjectID(15000) {
		got, want := x.peek(id), x.get(id)
		if want >= 0 && got != want {
			t.Fatalf("peek(%d) = %d, get = %d", id, got, want)
		}
		if want < 0 && got >= 0 && hash(x.ids[got])&tagMask != hash(id)&tagMask {
			t.Fatalf("peek(%d) = %d for an absent ID without a matching tag", id, got)
		}
	}
}
