package report

import (
	"math"
	"math/bits"
	"slices"

	"github.com/cdnsim/cdnsim/sim"
)

// Latency histogram layout. Buckets are log-spaced between histLow and
// histHigh; 40 buckets a decade makes each bucket 5.9% wide, so a
// percentile interpolated inside its bucket is off by at most ~3%.
const (
	histLow          = int64(sim.Microsecond) // below: one linear underflow bucket (0 included)
	bucketsPerDecade = 40
	histDecades      = 8 // 1 µs … 100 s covers a cache hit to a timed-out origin
	logBuckets       = bucketsPerDecade * histDecades
	// nBuckets counts the underflow bucket [0, histLow), the log buckets and
	// the overflow bucket [histHigh, ∞).
	nBuckets = logBuckets + 2
)

// bucketLow[i] is the smallest TTFB (ns) counted in bucket i;
// bucketLow[nBuckets] is a sentinel upper bound for the overflow bucket
// (percentiles there are clamped to the observed maximum anyway).
var bucketLow = func() (b [nBuckets + 1]int64) {
	b[0] = 0
	for i := 0; i <= logBuckets; i++ {
		// Rounded to whole nanoseconds; the narrowest bucket is ~59 ns wide,
		// so rounding never makes two edges equal.
		b[i+1] = int64(math.Round(float64(histLow) * math.Pow(10, float64(i)/bucketsPerDecade)))
	}
	b[nBuckets] = math.MaxInt64
	return b
}()

// histHigh is where the overflow bucket starts (100 s).
var histHigh = bucketLow[nBuckets-1]

// subBits splits each power of two into 2^subBits equal sub-ranges for the
// bucket lookup. 64 sub-ranges are at most 1.6% wide, narrower than a
// 5.9% bucket, so a sub-range straddles at most one bucket edge.
const subBits = 6

// subKey identifies the power of two and the sub-range of ns (ns ≥ 64).
func subKey(ns int64) int {
	u := uint64(ns)
	l := bits.Len64(u)
	return l<<subBits | int(u>>(l-1-subBits))&(1<<subBits-1)
}

// bucketGuess[subKey(ns)] is the bucket of the smallest ns with that key;
// bucketOf then moves up at most one bucket. This replaces a logarithm,
// which was half the cost of Observe.
var bucketGuess = func() []uint16 {
	g := make([]uint16, subKey(histHigh)+1)
	for k := range g {
		l, m := k>>subBits, k&(1<<subBits-1)
		if l < bits.Len64(uint64(histLow)) {
			continue // below histLow: bucketOf handles it before the lookup
		}
		lo := int64(1)<<(l-1) | int64(m)<<(l-1-subBits)
		g[k] = uint16(bucketSearch(lo))
	}
	return g
}()

// bucketSearch finds the bucket of ns by binary search in bucketLow.
func bucketSearch(ns int64) int {
	i, _ := slices.BinarySearch(bucketLow[:nBuckets], ns+1)
	return i - 1
}

// bucketOf returns the histogram bucket of a TTFB in nanoseconds; bucketLow
// is the single source of truth for the edges.
func bucketOf(ns int64) int {
	if ns < histLow {
		return 0
	}
	if ns >= histHigh {
		return nBuckets - 1
	}
	i := int(bucketGuess[subKey(ns)])
	if ns >= bucketLow[i+1] {
		i++
	}
	return i
}

// quantile returns the q-quantile (0 ≤ q ≤ 1) in nanoseconds of a
// histogram holding n samples between lo and hi (the exact extremes),
// interpolating linearly inside the bucket where the rank q·n falls.
// Clamping to [lo, hi] makes a histogram of one distinct value exact.
// An empty histogram gives 0.
func quantile[T uint32 | uint64](counts []T, n uint64, lo, hi int64, q float64) float64 {
	if n == 0 {
		return 0
	}
	rank := q * float64(n)
	if rank <= 0 {
		return float64(lo)
	}
	var cum float64
	for i, c := range counts {
		if c == 0 {
			continue
		}
		fc := float64(c)
		if cum+fc < rank {
			cum += fc
			continue
		}
		a, b := float64(bucketLow[i]), float64(bucketLow[i+1])
		a = math.Max(a, float64(lo))
		b = math.Min(b, float64(hi))
		if b < a { // lo and hi both inside this bucket's edge rounding
			b = a
		}
		return a + (b-a)*(rank-cum)/fc
	}
	return float64(hi)
}
