package sim

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// NewRand returns a PCG random stream derived from the scenario seed and a
// stream name ("arrivals", "origin/s3", ...). Each component draws from its
// own stream, so drawing more or fewer numbers in one component does not
// shift the numbers another sees, and a run is reproducible from its seed.
//
// The name is hashed with 64-bit FNV-1a into PCG's second word; this is the
// same derivation package workload has used, so streams keep their values
// when callers switch to NewRand.
func NewRand(seed uint64, stream string) *rand.Rand {
	return rand.New(NewPCG(seed, stream))
}

// NewPCG is the PCG source under NewRand(seed, stream), for a hot loop
// that draws bits itself: its concrete Uint64 avoids the rand.Source
// interface call.
func NewPCG(seed uint64, stream string) *rand.PCG {
	h := fnv.New64a()
	h.Write([]byte(stream))
	return rand.NewPCG(seed, h.Sum64())
}

// Exp returns an exponentially distributed duration with the given mean,
// rounded to the nanosecond: the gap between arrivals of a Poisson process.
// A mean <= 0 gives 0; a draw too large for Time saturates at its maximum.
func Exp(r *rand.Rand, mean Time) Time {
	if mean <= 0 {
		return 0
	}
	x := math.Round(r.ExpFloat64() * float64(mean))
	// float64(MaxInt64) rounds up to 2^63, which does not convert back.
	if x >= float64(math.MaxInt64) {
		return math.MaxInt64
	}
	return Time(x)
}

// Mix64 is SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014): a bijection on 64 bits
// with full avalanche, so dense catalog IDs and nearby (seed, object)
// pairs map to unrelated, well-spread values. It is the one hash mixer of
// the code base: sketches and filters, per-object attributes, version
// phases and access-log sampling all derive from it.
func Mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
