package workload

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/cdnsim/cdnsim/sim"
)

// sampleSalt separates the object hash of sampling from the per-object
// hashes of sizes (hashUniform): were they the same, a miniature would keep
// objects of correlated sizes.
const sampleSalt = 0xd6e8feb86659fd93

// ObjectHash is the seeded hash on which shards select objects, and
// samples those with no popularity rank (objects born over time, a
// trace's): a fixed function of (seed, object ID), uniform on the 64-bit
// range. Every tier, POP and run with the same seed sees the same object
// kept or dropped. (A generated sample keeps a Zipf class's or a spike's
// objects by rank instead: Generator.Keeps.)
func ObjectHash(seed, obj uint64) uint64 { return objectHash(seedHash(seed), obj) }

// seedHash and objectHash split ObjectHash so that a loop over many
// objects mixes the seed once.
func seedHash(seed uint64) uint64 { return sim.Mix64(seed ^ sampleSalt) }

func objectHash(sh, obj uint64) uint64 { return sim.Mix64(sh ^ obj) }

// Slice is a range of the object hash space: a miniature keeps the objects
// whose ObjectHash falls in [0, R·2⁶⁴) (but for the ranked objects of a
// generated one, Generator.Keeps), shard I of K those in
// [I·2⁶⁴/K, (I+1)·2⁶⁴/K). The zero Slice keeps every object.
type Slice struct {
	lo, hi uint64 // [lo, hi); hi == 0 means up to 2⁶⁴
	rate   float64
	shard  int // index of a shard; with shards, K > 0
	shards int
}

// SampleSlice is the miniature at rate r, 0 < r ≤ 1: objects whose hash
// falls under r·2⁶⁴. At r = 1 it keeps everything, as the zero Slice does.
func SampleSlice(r float64) (Slice, error) {
	if !(r > 0 && r <= 1) {
		return Slice{}, fmt.Errorf("sample rate %v is outside (0, 1]", r)
	}
	if r == 1 {
		return Slice{}, nil
	}
	// r < 1 as a float64 is at most 1 − 2⁻⁵³, so r·2⁶⁴ fits a uint64.
	hi := uint64(math.Ldexp(r, 64))
	if hi == 0 { // would read as "up to 2⁶⁴": everything
		return Slice{}, fmt.Errorf("sample rate %v keeps no hash: want at least 2^-64", r)
	}
	return Slice{hi: hi, rate: r}, nil
}

// ShardSlice is shard i of k: the i-th of k equal slices of the hash space,
// disjoint and together covering it. Shard 0 of 1 keeps everything.
func ShardSlice(i, k int) (Slice, error) {
	if k < 1 {
		return Slice{}, fmt.Errorf("shard count %d: want at least 1", k)
	}
	if i < 0 || i >= k {
		return Slice{}, fmt.Errorf("shard index %d is outside [0, %d)", i, k)
	}
	if k == 1 {
		return Slice{}, nil
	}
	s := Slice{rate: 1 / float64(k), shard: i, shards: k}
	// Shard i holds the hashes h with ⌊h·k/2⁶⁴⌋ = i: from ⌈i·2⁶⁴/k⌉ up to
	// the next shard's start; the last shard runs to 2⁶⁴ (hi == 0).
	s.lo = ceilShare(i, k)
	if i+1 < k {
		s.hi = ceilShare(i+1, k)
	}
	return s, nil
}

// ceilShare is ⌈i·2⁶⁴/k⌉ for 0 ≤ i < k.
func ceilShare(i, k int) uint64 {
	q, r := bits.Div64(uint64(i), 0, uint64(k))
	if r != 0 {
		q++
	}
	return q
}

// ParseShard reads "I/K" as ShardSlice(I, K).
func ParseShard(v string) (Slice, error) {
	a, b, ok := strings.Cut(v, "/")
	i, err1 := strconv.Atoi(a)
	k, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return Slice{}, fmt.Errorf("shard %q: want I/K, e.g. 0/4", v)
	}
	return ShardSlice(i, k)
}

// All reports whether s keeps every object.
func (s Slice) All() bool { return s.lo == 0 && s.hi == 0 }

// Rate is the share of the hash space s keeps: R for a miniature, 1/K for a
// shard, 1 for everything.
func (s Slice) Rate() float64 {
	if s.All() {
		return 1
	}
	return s.rate
}

// Shard is the shard's index and count; k is 0 when s is not a shard.
func (s Slice) Shard() (i, k int) { return s.shard, s.shards }

// KeepsHash reports whether an object of hash h is in s.
func (s Slice) KeepsHash(h uint64) bool { return h >= s.lo && (s.hi == 0 || h < s.hi) }

// Keeps reports whether object obj is in s under seed.
func (s Slice) Keeps(seed, obj uint64) bool {
	return s.All() || s.KeepsHash(ObjectHash(seed, obj))
}

// String is "all", "sample 0.01" or "shard 2/8".
func (s Slice) String() string {
	switch {
	case s.All():
		return "all"
	case s.shards > 0:
		return fmt.Sprintf("shard %d/%d", s.shard, s.shards)
	default:
		return "sample " + strconv.FormatFloat(s.rate, 'g', -1, 64)
	}
}

// Filter passes on the requests of src whose objects s keeps under seed: a
// post-filter, exact for any source. Trace sources are sampled with it
// (they are read whole anyway); the Generator takes its Slice itself
// (SetSlice) and draws only the requests of the objects it keeps.
//
// A sample's Filter sees every request of the whole stream, so it counts
// them exactly, by class, from the measured period's start (SetMeasured):
// all of them and the kept ones, in requests and object bytes. That is
// SHARDS's adjustment without an estimate (SampleTally; the Generator can
// only give the whole stream's expectation).
type Filter struct {
	src  Source
	seed uint64
	s    Slice
	// tally is nil unless s is a sample (not a shard, not everything).
	tally    []ClassTally
	measured sim.Time
}

// NewFilter filters src to the objects of s.
func NewFilter(src Source, seed uint64, s Slice) *Filter {
	f := &Filter{src: src, seed: seed, s: s}
	if _, k := s.Shard(); k == 0 && !s.All() {
		f.tally = []ClassTally{}
	}
	return f
}

// SetMeasured starts the sample's tally at t: the requests before it (a
// warm-up) are not counted.
func (f *Filter) SetMeasured(t sim.Time) { f.measured = t }

// Next implements Source.
func (f *Filter) Next(r *Request) bool {
	for f.src.Next(r) {
		keep := f.s.Keeps(f.seed, r.Object)
		if f.tally != nil && r.Time >= f.measured {
			f.count(r, keep)
		}
		if keep {
			return true
		}
	}
	return false
}

// count adds r to its class's tally.
func (f *Filter) count(r *Request, kept bool) {
	for int(r.Class) >= len(f.tally) {
		f.tally = append(f.tally, ClassTally{})
	}
	c := &f.tally[r.Class]
	c.FullRequests++
	c.FullBytes += float64(r.Size)
	if kept {
		c.KeptRequests++
		c.KeptBytes += float64(r.Size)
	}
}

// SampleTally is each class's count (by class index) of the whole stream's
// requests and bytes in the measured period, and of the kept ones: nil
// unless the filter takes a sample. Call it after the stream.
func (f *Filter) SampleTally() []ClassTally {
	if f.tally == nil {
		return nil
	}
	return append([]ClassTally{}, f.tally...)
}
