package cache

import (
	"math"
	"math/bits"
)

// countingBloom is the frequency filter of libCacheSim's WTinyLFU, which
// wtinylfu-cbf uses in place of the 4-bit count-min sketch: one array of
// 32-bit counters, k of them per key chosen by double hashing, every one
// incremented on an add, the estimate their minimum. The hashing is
// libCacheSim's too (the low 32 bits of XXH64 of the 8-byte ID under two
// fixed seeds, slot i = (a + i·b) mod n in 32-bit arithmetic): in object
// mode the filter is loaded far past its design point (every object seen
// since the last halving, not just the cached ones), so its estimates are
// mostly collisions and another hash moves the miss ratio by up to 0.004. It is sized like a
// Bloom filter for a 0.1% false-positive rate at `entries` keys:
// -ln(0.001)/ln(2)² ≈ 14.4 counters per entry and ceil(ln 2 × 14.4) = 10
// hashes. Counters do not saturate in practice, so an old favourite keeps
// its lead over newcomers until the filter is halved; halving happens after
// `period` ticks (the policy ticks on every hit in main).
//
// A filter may start unsized (newUnsizedCountingBloom): its adds wait in
// pending, in order, and size replays them, so that the counts are those of
// a filter sized from the start, for an owner that reads it only once it
// knows how large it must be.
type countingBloom struct {
	counts  []uint32 // nil until sized
	n       uint32   // len(counts)
	entries int64    // keys it is sized for
	pending []ObjectID
	ticks   int64 // ticks since the last halving
	period  int64
}

const (
	// cbfCountersPerEntry and cbfHashes size the filter for a 0.1% false
	// positive rate (the standard Bloom filter formulas; libCacheSim's
	// choice).
	cbfCountersPerEntry = 14.377516497364
	cbfHashes           = 10
	// cbfSeedA and cbfSeedB seed the two XXH64 hashes (libCacheSim's).
	cbfSeedA = 0x12345678
	cbfSeedB = 0x12344321
)

// newCountingBloom sizes the filter for entries keys and halves it every
// period ticks (period < 1: never).
func newCountingBloom(entries int64, period int64) *countingBloom {
	f := newUnsizedCountingBloom(period)
	f.size(entries)
	return f
}

// newUnsizedCountingBloom is a filter whose size is given later, by size.
func newUnsizedCountingBloom(period int64) *countingBloom {
	if period < 1 {
		period = math.MaxInt64
	}
	return &countingBloom{period: period}
}

func (f *countingBloom) sized() bool { return f.counts != nil }

// size allocates the filter for entries keys and counts the adds that
// waited for it.
func (f *countingBloom) size(entries int64) {
	f.n = cbfCounters(entries)
	f.counts = make([]uint32, f.n)
	f.entries = entries
	for _, id := range f.pending {
		f.add(id)
	}
	f.pending = nil
}

// double makes the filter twice as large without losing a count: slot
// x mod n becomes x mod 2n, which is x mod n or x mod n + n, so copying
// every counter into both halves leaves every key's counters, and its
// estimate, as they were. What it gains is room: later adds collide half
// as often. (Counting Bloom filters cannot be rehashed, having no keys;
// this is the one resize that keeps their guarantee of never
// underestimating.) It does nothing once n would pass 2³¹ - 1.
func (f *countingBloom) double() {
	if f.n > math.MaxInt32/2 {
		return
	}
	c := make([]uint32, 2*f.n)
	copy(c, f.counts)
	copy(c[f.n:], f.counts)
	f.counts, f.n, f.entries = c, 2*f.n, 2*f.entries
}

// cbfCounters is the filter's size for entries keys: 14.4 counters each,
// at least two per hash, at most 2³¹ - 1 (libCacheSim's int).
func cbfCounters(entries int64) uint32 {
	n := math.Min(math.Ceil(cbfCountersPerEntry*float64(max(entries, 1))), math.MaxInt32)
	return max(uint32(n), 2*cbfHashes)
}

// slots returns the double-hashing pair: slot i is (a + i·b) mod n, the
// sum wrapping at 2³² first.
func slots(id ObjectID) (a, b uint32) {
	return uint32(xxh64Uint64(uint64(id), cbfSeedA)), uint32(xxh64Uint64(uint64(id), cbfSeedB))
}

// estimate is the minimum of id's counters.
func (f *countingBloom) estimate(id ObjectID) uint32 {
	a, b := slots(id)
	return f.min(a, b)
}

func (f *countingBloom) min(a, b uint32) uint32 {
	m := uint32(math.MaxUint32)
	for i := uint32(0); i < cbfHashes; i++ {
		m = min(m, f.counts[(a+i*b)%f.n])
	}
	return m
}

// add counts one access to id: every one of its counters goes up, unless
// the smallest is at the maximum.
func (f *countingBloom) add(id ObjectID) {
	if f.counts == nil {
		f.pending = append(f.pending, id)
		return
	}
	a, b := slots(id)
	if f.min(a, b) == math.MaxUint32 {
		return
	}
	for i := uint32(0); i < cbfHashes; i++ {
		f.counts[(a+i*b)%f.n]++
	}
}

// XXH64 (Yann Collet's xxHash, 64-bit) of one little-endian uint64, from
// the algorithm's specification: the 8-byte-input path.
const (
	xxPrime1 = 0x9E3779B185EBCA87
	xxPrime2 = 0xC2B2AE3D27D4EB4F
	xxPrime3 = 0x165667B19E3779F9
	xxPrime4 = 0x85EBCA77C2B2AE63
	xxPrime5 = 0x27D4EB2F165667C5
)

func xxh64Uint64(v, seed uint64) uint64 {
	h := seed + xxPrime5 + 8
	h ^= bits.RotateLeft64(v*xxPrime2, 31) * xxPrime1
	h = bits.RotateLeft64(h, 27)*xxPrime1 + xxPrime4
	h ^= h >> 33
	h *= xxPrime2
	h ^= h >> 29
	h *= xxPrime3
	h ^= h >> 32
	return h
}

// tick counts one aging event and halves every counter after period of
// them.
func (f *countingBloom) tick() {
	f.ticks++
	if f.ticks >= f.period {
		for i := range f.counts {
			f.counts[i] >>= 1
		}
		f.ticks = 0
	}
}

func (f *countingBloom) bytes() int64 { return int64(cap(f.counts))*4 + int64(cap(f.pending))*8 }
