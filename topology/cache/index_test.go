package cache

import (
	"math/rand/v2"
	"testing"
)

// checkIndex cross-checks the table against a reference map: every member is
// found at its entry, every slot is reachable from its home without crossing
// an empty slot, and the live count matches.
func checkIndex(t *testing.T, x *index, ref map[ObjectID]int32) {
	t.Helper()
	if x.len() != len(ref) {
		t.Fatalf("len = %d, want %d", x.len(), len(ref))
	}
	for id, e := range ref {
		if got := x.get(id); got != e {
			t.Fatalf("get(%d) = %d, want %d", id, got, e)
		}
	}
	mask := uint64(len(x.slots) - 1)
	live := 0
	for i, s := range x.slots {
		if s == 0 {
			continue
		}
		live++
		id := x.id(int32(uint32(s)) - 1)
		if s>>32 != hash(id)>>32 {
			t.Fatalf("slot %d (id %d) has tag %x, want %x", i, id, s>>32, hash(id)>>32)
		}
		for j := x.home(id); j != uint64(i); j = (j + 1) & mask {
			if x.slots[j] == 0 {
				t.Fatalf("slot %d (id %d) unreachable: empty slot %d on its probe run", i, id, j)
			}
		}
	}
	if live != len(ref) {
		t.Fatalf("%d occupied slots, want %d", live, len(ref))
	}
}

func TestIndexAgainstMap(t *testing.T) {
	t.Parallel()
	// Keys whose hashes differ only in the low bits share a tag: the
	// index must tell them apart by their IDs. hash(base + k·inv) =
	// hash(base) + k, inv being the hash multiplier's inverse mod 2^64.
	inv := uint64(0x9E3779B97F4A7C15)
	for range 6 { // Newton's iteration doubles the correct low bits
		inv *= 2 - 0x9E3779B97F4A7C15*inv
	}
	for _, keys := range []struct {
		name string
		max  uint64
		mul  uint64
	}{{"dense ids", 300, 1}, {"sparse 64-bit ids", 0, 1}, {"ids sharing tags", 300, inv}} {
		t.Run(keys.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			var x index
			ref := map[ObjectID]int32{}
			used := map[int32]bool{}
			for step := 0; step < 20000; step++ {
				var id ObjectID
				if keys.max > 0 {
					id = ObjectID(r.Uint64N(keys.max) * keys.mul)
				} else {
					id = ObjectID(r.Uint64() | 1<<63 | uint64(r.IntN(200)))
				}
				if _, ok := ref[id]; ok && r.IntN(2) == 0 {
					// Half by ID, half by entry number, as a policy
					// evicting its entries does.
					e := ref[id]
					if r.IntN(2) == 0 {
						x.removeEntry(e)
					} else if e = x.remove(id); e != ref[id] {
						t.Fatalf("remove(%d) = %d, want %d", id, e, ref[id])
					}
					delete(ref, id)
					delete(used, e)
				} else if !ok {
					e := x.insert(id)
					if used[e] {
						t.Fatalf("insert(%d) reused live entry %d", id, e)
					}
					used[e] = true
					ref[id] = e
				} else if _, in := ref[id^1<<41]; !in && x.remove(id^1<<41) != -1 {
					t.Fatalf("remove(%d) of an absent id found something", id^1<<41)
				}
				if step%97 == 0 {
					checkIndex(t, &x, ref)
				}
			}
			checkIndex(t, &x, ref)
			if keys.mul != 1 && hash(ObjectID(keys.mul)) != 1 {
				t.Fatalf("hash(inv) = %x, want 1", hash(ObjectID(keys.mul)))
			}
			// Entry numbers are recycled: the arena never exceeds the peak population.
			if x.entries() > 300 && keys.max > 0 {
				t.Fatalf("ids grew to %d for at most 300 live objects", x.entries())
			}
		})
	}
}

// TestLastOf: lastOf names the latest insert's entry for its own ID only,
// and never an entry freed since or an ID inserted earlier.
func TestLastOf(t *testing.T) {
	t.Parallel()
	var x index
	if e := x.lastOf(0); e != -1 {
		t.Fatalf("empty index: lastOf(0) = %d", e)
	}
	a := x.insert(10)
	if e := x.lastOf(10); e != a {
		t.Fatalf("lastOf(10) = %d, want %d", e, a)
	}
	b := x.insert(20)
	if e := x.lastOf(10); e != -1 {
		t.Fatalf("after inserting 20: lastOf(10) = %d, want -1", e)
	}
	if e := x.lastOf(20); e != b {
		t.Fatalf("lastOf(20) = %d, want %d", e, b)
	}
	x.remove(20)
	c := x.insert(30) // reuses 20's entry number
	if c != b {
		t.Fatalf("insert(30) = %d, want the freed %d", c, b)
	}
	if e := x.lastOf(20); e != -1 {
		t.Fatalf("lastOf(20) after its entry went to 30 = %d, want -1", e)
	}
	if e := x.lastOf(30); e != c || x.get(30) != c {
		t.Fatalf("lastOf(30) = %d, get = %d, want %d", e, x.get(30), c)
	}
}

// TestIndexRecordsKeepMeta drives an index withMeta through inserts,
// removals and the reuse of freed entries, against a map of each live
// object's metadata: every object reads back its own, a recycled entry
// starts with none, and the records stay four words.
func TestIndexRecordsKeepMeta(t *testing.T) {
	t.Parallel()
	var x index
	x.withMeta()
	r := rand.New(rand.NewPCG(11, 11))
	ref := map[ObjectID]int32{}
	meta := map[ObjectID]Meta{}
	for step := range 50_000 {
		id := ObjectID(r.IntN(400))
		if _, ok := ref[id]; ok {
			if r.IntN(2) == 0 {
				e := x.remove(id)
				if e != ref[id] {
					t.Fatalf("step %d: remove(%d) = %d, want %d", step, id, e, ref[id])
				}
				delete(ref, id)
				delete(meta, id)
			}
			continue
		}
		e := x.insert(id)
		if got := x.meta(e); got != (Meta{}) {
			t.Fatalf("step %d: new entry %d for %d has metadata %+v", step, e, id, got)
		}
		m := Meta{Expires: int64(step), Born: -int64(step), Owner: uint64(id) << 20}
		x.setMeta(e, m)
		ref[id], meta[id] = e, m
	}
	checkIndex(t, &x, ref)
	for id, e := range ref {
		if got := x.id(e); got != id {
			t.Fatalf("entry %d holds %d, want %d", e, got, id)
		}
		if got := x.meta(e); got != meta[id] {
			t.Fatalf("%d: metadata %+v, want %+v", id, got, meta[id])
		}
	}
	if len(x.words) != 4*x.entries() {
		t.Fatalf("%d words for %d entries, want four each", len(x.words), x.entries())
	}
}

// TestIndexWithoutMetaKeepsIDsAlone: a cache without TTLs (trace replay)
// keeps 8-byte records, the IDs alone, so its bytes per object stay as
// they were.
func TestIndexWithoutMetaKeepsIDsAlone(t *testing.T) {
	t.Parallel()
	p, err := NewPolicy("lru", Config{Capacity: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	c := New(p, nil, Options{})
	for i := range 1000 {
		c.Put(Request{ID: ObjectID(i), Size: 1}, 0)
	}
	x := &p.(*lru).idx
	if x.rec != 0 || len(x.words) != 1000 || c.ix.id(999) != 999 {
		t.Fatalf("records of %d words, %d words for 1000 objects, entry 999 holds %d", 1<<x.rec, len(x.words), c.ix.id(999))
	}
}
