package cache

import (
	"fmt"
	"math"
	"runtime"
	"testing"
)

// allocated is the bytes f allocates (garbage included: a table that grew
// by doubling counts every size it passed through).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// hugeCapacities are capacities far beyond any object count: memory sized
// from them would be terabytes, or not allocatable at all.
var hugeCapacities = []int64{1 << 40, 1 << 62, math.MaxInt64}

const (
	// memObjects are inserted into each cache.
	memObjects = 20_000
	// memFixed is what a policy may allocate whatever it holds: LHD's
	// histograms (16 classes × 4096 ages × 3 float32s = 768 KiB) are the
	// largest.
	memFixed = 1 << 20
	// memPerObject bounds a policy's bytes per inserted object, counting
	// the tables a growing cache outgrew: the largest B/object in the
	// README's table (LHD's 457 at 2000 objects) is mostly its histograms;
	// wtinylfu-cbf's filter, sized when the cache fills, is not counted
	// here because these caches never fill.
	memPerObject = 400
	// memAdmissionObjects are inserted behind each admission policy, and
	// memAdmissionFixed and memAdmissionPerObject bound what it adds:
	// second-hit's filter stays at 20 to 40 counters per ID new to it while
	// it grows (30 bytes with the table it replaced), tinylfu's sketch at 8
	// to 32 counters a row per cached object (64 bytes, and a third more
	// for the sketches it outgrew).
	memAdmissionObjects   = 2000
	memAdmissionFixed     = 64 << 10
	memAdmissionPerObject = 96
)

// fillCache builds a Cache with TTLs (so its metadata grows too) and puts n
// distinct objects into it, each requested twice so that second-hit
// admits them.
func fillCache(t *testing.T, policy, admission string, capacity int64, n int) *Cache {
	p, err := NewPolicy(policy, Config{Capacity: capacity, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAdmission(admission, 1)
	if err != nil {
		t.Fatal(err)
	}
	c := New(p, a, Options{TTL: true})
	for i := range n {
		r := Request{ID: ObjectID(i*7919 + 1), Size: 1000 + int64(i%7)*100, Time: int64(i), Next: Never}
		for range 2 {
			if c.Get(r) == Miss {
				c.Put(r, r.Time+3600)
			}
		}
	}
	return c
}

// TestMemoryFollowsObjects: a cache whose capacity is far beyond what it
// holds allocates for the objects inserted, not for its capacity, for
// every policy and every admission policy, at every capacity up to
// math.MaxInt64 (which once panicked with makeslice: cap out of range).
// Not parallel: TotalAlloc counts the whole process.
func TestMemoryFollowsObjects(t *testing.T) {
	for _, capacity := range hugeCapacities {
		for _, name := range PolicyNames() {
			var c *Cache
			got := allocated(func() { c = fillCache(t, name, "always", capacity, memObjects) })
			if c.Len() != memObjects {
				t.Fatalf("%s, capacity %d: holds %d objects, want %d", name, capacity, c.Len(), memObjects)
			}
			if limit := uint64(memFixed + memPerObject*memObjects); got > limit {
				t.Errorf("%s, capacity %d: %d objects took %d bytes, want at most %d", name, capacity, memObjects, got, limit)
			}
		}
		base := allocated(func() { fillCache(t, "lru", "always", capacity, memAdmissionObjects) })
		for _, spec := range AdmissionNames() {
			switch spec {
			case "max-size":
				spec = "max-size:1MB"
			case "prob-size":
				spec = "prob-size:1GB"
			}
			got := allocated(func() { fillCache(t, "lru", spec, capacity, memAdmissionObjects) })
			if limit := base + memAdmissionFixed + memAdmissionPerObject*memAdmissionObjects; got > limit {
				t.Errorf("%s in front of lru, capacity %d: %d bytes, lru alone %d, want at most %d",
					spec, capacity, got, base, limit)
			}
		}
	}
}

// TestMemoryGrowsByDoubling: the tables a cache's memory goes to grow as
// objects arrive, from a small start, whatever the capacity.
func TestMemoryGrowsByDoubling(t *testing.T) {
	t.Parallel()
	p, err := NewPolicy("lru", Config{Capacity: math.MaxInt64})
	if err != nil {
		t.Fatal(err)
	}
	c := New(p, nil, Options{TTL: true})
	x := &p.(*lru).idx
	if len(x.slots) != 0 || cap(x.words) != 0 || cap(c.meta) != 0 {
		t.Fatalf("an empty cache holds %d slots, %d record words, %d metadata", len(x.slots), cap(x.words), cap(c.meta))
	}
	if x.rec != metaRec {
		t.Fatalf("a cache keeping TTLs has records of %d words, want %d", 1<<x.rec, 1<<metaRec)
	}
	for i := range 1000 {
		c.Put(Request{ID: ObjectID(i), Size: 1}, 1)
		n := i + 1
		// 3/4 load at most, and at least a quarter once past the start.
		if len(x.slots)*3 < 4*n || (len(x.slots) > minSlots && len(x.slots) > 4*(n+1)) {
			t.Fatalf("%d objects in %d slots", n, len(x.slots))
		}
		// appendDoubling: capacity 2c+16 when full (in words, four to a
		// record). The metadata is in the records: no separate table.
		if cap(x.words) > 4*(2*n+16) || cap(c.meta) != 0 || cap(p.(*lru).nodes) > 2*n+16 {
			t.Fatalf("%d objects: record words %d, meta %d, nodes %d", n, cap(x.words), cap(c.meta), cap(p.(*lru).nodes))
		}
	}
}

// TestHugeObjectsDoNotOverflow fills every policy at capacity
// math.MaxInt64 with objects of a 120th of it, then twice as many more: the
// bytes cached would pass the int64 limit if a policy added a size to its
// total before comparing with the capacity.
func TestHugeObjectsDoNotOverflow(t *testing.T) {
	t.Parallel()
	const capacity = math.MaxInt64
	const size = capacity / 120
	for _, name := range PolicyNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := NewPolicy(name, Config{Capacity: capacity, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			var victims []ObjectID
			for i := range 360 {
				r := Request{ID: ObjectID(i % 240), Size: size, Time: int64(i), Next: Never}
				_, victims = access(p, r, victims)
				if u := p.Used(); u < 0 || u > capacity || p.Len() > 120 {
					t.Fatalf("after request %d: %d objects, %d bytes of %d", i, p.Len(), u, int64(capacity))
				}
			}
			if p.Len() < 100 {
				t.Errorf("%d objects cached, want about 120", p.Len())
			}
		})
	}
}

// TestSketchFollowsPopulation: wtinylfu's sketch and tinylfu's start small
// and keep 8 to 32 counters a row per cached object as a cache fills; a
// sized "tinylfu:N" keeps its size.
func TestSketchFollowsPopulation(t *testing.T) {
	t.Parallel()
	w := newWTinyLFU(1<<20, 0, 1)
	if w.sk.width > sketchWidth*2*sketchMinObjects {
		t.Fatalf("an empty wtinylfu's sketch has %d counters a row", w.sk.width)
	}
	tl := mustAdmission(t, "tinylfu").(*tinyLFU)
	fixed := mustAdmission(t, "tinylfu:100").(*tinyLFU)
	fixedWidth := fixed.sk.width
	p := newLRU(1 << 20)
	for i := range 5000 {
		r := Request{ID: ObjectID(i), Size: 1}
		w.Admit(r, nil)
		tl.Admit(r, p)
		fixed.Admit(r, p)
		p.Admit(r, nil)
		n := uint64(i + 1)
		for _, s := range []*sketch{w.sk, tl.sk} {
			if s.width < sketchWidth*n || s.width > 4*sketchWidth*n+sketchWidth*2*sketchMinObjects {
				t.Fatalf("%d objects: %d counters a row", n, s.width)
			}
			if s.period < sketchAging*int64(n) {
				t.Fatalf("%d objects: aging period %d, want at least %d", n, s.period, sketchAging*n)
			}
		}
	}
	if fixed.sk.width != fixedWidth {
		t.Errorf("tinylfu:100's sketch went from %d to %d counters a row", fixedWidth, fixed.sk.width)
	}
}

// TestSecondHitGrows: the filter grows with the IDs recorded, stays under
// its full size's memory, and a second request that straddles a growth is
// still admitted.
func TestSecondHitGrows(t *testing.T) {
	t.Parallel()
	a := mustAdmission(t, "second-hit").(*secondHit) // full size 10M counters
	if b := a.bytes(); b > secondHitMinCounters/2 {
		t.Fatalf("a new filter takes %d bytes", b)
	}
	req := func(id ObjectID) bool {
		r := Request{ID: id, Size: 1}
		a.Record(r)
		return a.Admit(r, nil)
	}
	grew := 0
	for i := range 100_000 {
		m := a.cur.m
		if req(ObjectID(2 * i)) {
			continue // a false positive
		}
		if a.cur.m != m {
			grew++
			// The ID just recorded is in the table that was replaced.
			if !req(ObjectID(2 * i)) {
				t.Fatalf("the second request right after a growth to %d counters was refused", a.cur.m)
			}
		}
		// 20 to 40 counters per ID (16 to 32 bytes with the old table).
		if n := uint64(i + 1); a.cur.m > max(40*n, secondHitMinCounters) || uint64(a.bytes()) > max(32*n, secondHitMinCounters) {
			t.Fatalf("%d IDs: %d counters, %d bytes", n, a.cur.m, a.bytes())
		}
	}
	if grew < 10 {
		t.Errorf("grew %d times over 100k IDs, want from 1k counters to 2M: 11", grew)
	}
}

// TestCountingBloomSizedLater: adds made before the filter is sized count
// as if it had been sized from the start, and doubling it keeps every
// estimate.
func TestCountingBloomSizedLater(t *testing.T) {
	t.Parallel()
	early, late := newCountingBloom(500, 0), newUnsizedCountingBloom(0)
	for i := range 3000 {
		id := ObjectID(i % 700)
		early.add(id)
		late.add(id)
	}
	late.size(500)
	for id := range ObjectID(1000) {
		if e, l := early.estimate(id), late.estimate(id); e != l {
			t.Fatalf("estimate(%d): sized from the start %d, sized later %d", id, e, l)
		}
	}
	before := map[ObjectID]uint32{}
	for id := range ObjectID(1000) {
		before[id] = early.estimate(id)
	}
	early.double()
	if early.n != 2*late.n || early.entries != 1000 {
		t.Fatalf("doubled to %d counters for %d entries", early.n, early.entries)
	}
	for id, want := range before {
		if got := early.estimate(id); got != want {
			t.Errorf("estimate(%d) %d after doubling, %d before", id, got, want)
		}
	}
}

// TestWTinyLFUCBFSizedWhenFull: wtinylfu-cbf allocates no filter until the
// cache first fills, then sizes it from the objects held (no hint) or the
// hint, and keeps it in step with them.
func TestWTinyLFUCBFSizedWhenFull(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		hint    int
		entries int64
	}{
		{0, wtlfuCBFMinEntries},      // 100 objects: 3,200 entries, raised to the minimum
		{5000, 5000 * 32},            // the hint's 160,000
		{100000, wtlfuCBFMaxEntries}, // capped
	} {
		t.Run(fmt.Sprint(tc.hint), func(t *testing.T) {
			t.Parallel()
			c := newWTinyLFUCBF(1e9, tc.hint, 1)
			put := func(id ObjectID) { c.Admit(Request{ID: id, Size: 1e7}, nil) }
			for i := range 100 {
				put(ObjectID(i))
			}
			if c.cbf.sized() || len(c.cbf.pending) != 100 {
				t.Fatalf("before the cache is full: sized %v, %d adds waiting", c.cbf.sized(), len(c.cbf.pending))
			}
			put(100)
			if !c.cbf.sized() || c.cbf.entries != tc.entries {
				t.Fatalf("after the first eviction: sized %v for %d entries, want %d", c.cbf.sized(), c.cbf.entries, tc.entries)
			}
		})
	}
	// Objects that shrink: 100 of 10 MB fill it, are invalidated, and
	// 9,900 of 100 KB take their place.
	c := newWTinyLFUCBF(1e9, 0, 1)
	for i := range 101 {
		c.Admit(Request{ID: ObjectID(i), Size: 1e7}, nil)
	}
	for i := range 101 {
		c.Remove(ObjectID(i))
	}
	for i := range 9_900 {
		c.Admit(Request{ID: ObjectID(1000 + i), Size: 1e5}, nil)
	}
	// 9,900 objects want 316,800 entries: doubled twice from the minimum,
	// at 4,096 and 8,192 objects, to the cap.
	if c.cbf.entries != wtlfuCBFMaxEntries {
		t.Errorf("%d objects, filter for %d entries, want %d", c.Len(), c.cbf.entries, wtlfuCBFMaxEntries)
	}
}

// TestWTinyLFUCBFOneObjectStaysSmall: a one-object cache has no room in
// main, so its filter is sized for 0 entries; it used to double on every
// admission (0 entries never reach the cap) until it held 2^30 counters.
func TestWTinyLFUCBFOneObjectStaysSmall(t *testing.T) {
	t.Parallel()
	p, err := NewPolicy("wtinylfu-cbf", Config{Capacity: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := New(p, nil, Options{IgnoreSize: true})
	for i := range 5000 {
		r := Request{ID: ObjectID(i % 300), Size: 1, Time: int64(i)}
		if c.Get(r) == Miss {
			c.Put(r, 0)
		}
	}
	if n := p.(*wtinylfu).cbf.n; n > 1<<16 {
		t.Fatalf("a one-object cache's filter grew to %d counters", n)
	}
}
