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
		if want < 0 && got >= 0 && hash(x.id(got))&tagMask != hash(id)&tagMask {
			t.Fatalf("peek(%d) = %d for an absent ID without a matching tag", id, got)
		}
	}
}

// TestMetaIsTheLastPut: for every policy, with admission that rejects
// some objects, the metadata a lookup returns is the metadata the
// object's latest PutMeta or Refresh stored, whichever entry number the
// index gave it: PutMeta stores a newly admitted object's metadata
// through the index's latest insert (index.lastOf), and ghosts, recycled
// entry numbers and rejections must not mislead it.
func TestMetaIsTheLastPut(t *testing.T) {
	t.Parallel()
	for _, name := range PolicyNames() {
		for _, adm := range []string{"always", "second-hit"} {
			t.Run(name+"/"+adm, func(t *testing.T) {
				t.Parallel()
				p, err := NewPolicy(name, Config{Capacity: 3000, Seed: 5, ObjectsHint: 60})
				if err != nil {
					t.Fatal(err)
				}
				a, err := NewAdmission(adm, 9)
				if err != nil {
					t.Fatal(err)
				}
				c := New(p, a, Options{TTL: true})
				rng := rand.New(rand.NewPCG(11, 12))
				want := map[ObjectID]Meta{}
				var hits, puts int
				for i := range 30000 {
					id := ObjectID(rng.IntN(300))
					r := Request{ID: id, Size: 1 + int64(id%89), Time: int64(i), Next: Never}
					switch {
					case i%53 == 0:
						c.Remove(id)
						continue
					case i%31 == 0:
						exp := int64(i + 700)
						if c.Refresh(id, exp) {
							m := want[id]
							m.Expires = exp
							want[id] = m
						}
						continue
					}
					st, m := c.GetMeta(r)
					if st != Miss {
						hits++
						if m != want[id] {
							t.Fatalf("request %d: id %d has %+v, its last put %+v", i, id, m, want[id])
						}
						continue
					}
					m = Meta{Expires: int64(i + 400), Born: int64(i), Owner: uint64(i) * 7}
					if c.PutMeta(r, m) {
						puts++
						want[id] = m
					}
				}
				if hits < 1000 || puts < 300 || c.Evicted+c.Rejected == 0 {
					t.Fatalf("%d hits, %d puts, %d evictions, %d rejections: the test should exercise hits, puts and entries that go", hits, puts, c.Evicted, c.Rejected)
				}
			})
		}
	}
}
