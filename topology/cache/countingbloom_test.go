package cache

import (
	"math"
	"math/rand/v2"
	"testing"
)

// XXH64 of an 8-byte little-endian ID, computed with the xxHash C library
// (the copy in libCacheSim at the commit the agreement test names).
func TestXXH64Uint64(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ v, seed, want uint64 }{
		{0x0, 0x0, 0x34c96acdcadb1bbb},
		{0x0, 0x12345678, 0x67bb774d39f5d473},
		{0x1, 0x12344321, 0x83e9f36fcb5854bf},
		{0x2a, 0x0, 0xb556806fb6d14353},
		{0x75bcd15, 0x12345678, 0xf9ff923bc797b26},
		{0xffffffffffffffff, 0x12344321, 0xcead0a48b29d4d47},
		{0x123456789abcdef, 0x0, 0xea3c52081e9843ec},
	} {
		if got := xxh64Uint64(tc.v, tc.seed); got != tc.want {
			t.Errorf("XXH64(%#x, seed %#x) = %#x, want %#x", tc.v, tc.seed, got, tc.want)
		}
	}
}

func TestCountingBloomSizing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		entries int64
		want    uint32
	}{
		{1, 20},                  // ceil(14.38) = 15 < 2 × 10 hashes
		{100, 1438},              // ceil(1437.75)
		{1934, 27807},            // ceil(27806.1)
		{1 << 31, math.MaxInt32}, // capped, as libCacheSim's int
	} {
		if got := cbfCounters(tc.entries); got != tc.want {
			t.Errorf("%d entries: %d counters, want %d", tc.entries, got, tc.want)
		}
	}
	if f := newCountingBloom(1934, 0); len(f.counts) != 27807 || f.n != 27807 {
		t.Errorf("filter for 1934 entries has %d counters (n %d)", len(f.counts), f.n)
	}
}

// In a filter far larger than its keys the estimate is the exact count;
// with collisions it never falls below it (a Bloom filter's one-sided
// error); halving after period ticks halves every count, rounding down.
func TestCountingBloomCounts(t *testing.T) {
	t.Parallel()
	f := newCountingBloom(1000, 3)
	for id := ObjectID(1); id <= 20; id++ {
		for range id {
			f.add(id)
		}
	}
	for id := ObjectID(1); id <= 20; id++ {
		if got := f.estimate(id); got != uint32(id) {
			t.Errorf("id %d: estimate %d, want %d", id, got, id)
		}
	}
	if got := f.estimate(999); got != 0 {
		t.Errorf("unseen id: estimate %d", got)
	}
	f.tick()
	f.tick()
	if got := f.estimate(7); got != 7 {
		t.Errorf("halved before the period: %d", got)
	}
	f.tick()
	for id := ObjectID(1); id <= 20; id++ {
		if got := f.estimate(id); got != uint32(id)/2 {
			t.Errorf("id %d after halving: %d, want %d", id, got, id/2)
		}
	}

	small := newCountingBloom(10, 0) // 144 counters for 500 keys
	r := rand.New(rand.NewPCG(3, 3))
	truth := map[ObjectID]uint32{}
	for range 5000 {
		id := ObjectID(r.IntN(500))
		small.add(id)
		truth[id]++
	}
	collided := 0
	for id, n := range truth {
		got := small.estimate(id)
		if got < n {
			t.Fatalf("id %d: estimate %d below its count %d", id, got, n)
		}
		if got > n {
			collided++
		}
	}
	if collided == 0 {
		t.Error("an overloaded filter estimated every key exactly: the test no longer exercises collisions")
	}
}
