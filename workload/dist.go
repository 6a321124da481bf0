package workload

import (
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/cdnsim/cdnsim/sim"
)

// hashUniform maps (seed, class, object) to a uniform in the open interval
// (0, 1), deterministically: object attributes are recomputed on demand
// rather than stored, so a catalog of any size costs no memory.
func hashUniform(seed uint64, class uint8, obj uint64) float64 {
	h := sim.Mix64(seed ^ 0x9e3779b97f4a7c15*(uint64(class)+1))
	h = sim.Mix64(h ^ obj)
	// 53 random bits, offset by half a step so neither 0 nor 1 occurs.
	return (float64(h>>11) + 0.5) * (1.0 / (1 << 53))
}

// normalQuantile is Φ⁻¹(u), the standard normal quantile.
func normalQuantile(u float64) float64 { return math.Sqrt2 * math.Erfinv(2*u-1) }

// lognormalSize is median·exp(σ·Φ⁻¹(u)) rounded to whole bytes, at least 1
// and at most max (when max > 0).
func lognormalSize(median, sigma float64, max int64, u float64) int64 {
	s := math.Round(median * math.Exp(sigma*normalQuantile(u)))
	if s < 1 {
		return 1
	}
	if max > 0 && s >= float64(max) {
		return max
	}
	return int64(s)
}

// poisson draws from Poisson(mean). Small means use Knuth's product of
// uniforms (expected mean+1 draws); larger ones Hörmann's PTRS transformed
// rejection ("The transformed rejection method for generating Poisson
// random variables", 1993), O(1) for any mean. Births call it, not requests,
// so speed matters little; correctness for means up to ~1e7 does.
func poisson(r *rand.Rand, mean float64) uint64 {
	if !(mean > 0) {
		return 0
	}
	// Below 10 the product method is cheaper than PTRS and PTRS's constants
	// are only tuned for mean ≥ 10.
	if mean < 10 {
		limit := math.Exp(-mean)
		var k uint64
		p := r.Float64()
		for p > limit {
			k++
			p *= r.Float64()
		}
		return k
	}
	slam := math.Sqrt(mean)
	loglam := math.Log(mean)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + mean + 0.43)
		if us >= 0.07 && v <= vr {
			return uint64(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(a/(us*us)+b) <= -mean+k*loglam-lg {
			return uint64(k)
		}
	}
}

// alias is Walker's alias table (built with Vose's method) over up to 65536
// outcomes: O(1) sampling with one 64-bit draw. Rebuilding reuses the
// slices, so the per-minute rebuild of the metro mix allocates nothing.
type alias = aliasOf[uint16]

// aliasOf is the alias table with outcome indices of type I: uint16 for the
// small tables of the hot paths (half the cache footprint), uint32 for a
// miniature's table of kept zipf objects (keptZipf), which can hold
// millions.
type aliasOf[I uint16 | uint32] struct {
	// thresh[i] is P(keep i | column i) scaled to 2^32.
	thresh []uint32
	other  []I
	// work space for build
	scaled       []float64
	small, large []I
}

// build fills the table for weights w (non-negative, positive sum).
func (a *aliasOf[I]) build(w []float64) {
	n := len(w)
	if cap(a.thresh) < n {
		a.thresh = make([]uint32, n)
		a.other = make([]I, n)
		a.scaled = make([]float64, n)
		a.small = make([]I, 0, n)
		a.large = make([]I, 0, n)
	}
	a.thresh, a.other, a.scaled = a.thresh[:n], a.other[:n], a.scaled[:n]
	small, large := a.small[:0], a.large[:0]
	var sum float64
	for _, x := range w {
		sum += x
	}
	for i, x := range w {
		a.scaled[i] = x * float64(n) / sum
		if a.scaled[i] < 1 {
			small = append(small, I(i))
		} else {
			large = append(large, I(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s := small[len(small)-1]
		small = small[:len(small)-1]
		l := large[len(large)-1]
		a.thresh[s] = probToThresh(a.scaled[s])
		a.other[s] = l
		a.scaled[l] -= 1 - a.scaled[s]
		if a.scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What remains is 1 up to rounding: always keep.
	for _, i := range large {
		a.thresh[i], a.other[i] = math.MaxUint32, i
	}
	for _, i := range small {
		a.thresh[i], a.other[i] = math.MaxUint32, i
	}
	a.small, a.large = small, large
}

// dropWork frees build's work space, for a table built once.
func (a *aliasOf[I]) dropWork() { a.scaled, a.small, a.large = nil, nil, nil }

func probToThresh(p float64) uint32 {
	if p >= 1 {
		return math.MaxUint32
	}
	return uint32(p * (1 << 32))
}

// sample draws an index: the high 32 bits pick the column (multiply-shift,
// bias ≤ n/2³²), the low 32 bits decide between it and its alias.
func (a *aliasOf[I]) sample(r *rand.Rand) I {
	x := r.Uint64()
	i := (x >> 32) * uint64(len(a.thresh)) >> 32
	if uint32(x) < a.thresh[i] || a.thresh[i] == math.MaxUint32 {
		return I(i)
	}
	return a.other[i]
}

// sampleWide is sample for tables of up to 2³² outcomes, where
// multiply-shift on 32 bits would favour some columns by up to n/2³²:
// the 128-bit product x·n picks the column in its high word and leaves a
// uniform fraction in its low word, whose top 32 bits decide.
func (a *aliasOf[I]) sampleWide(r *rand.Rand) I {
	i, f := bits.Mul64(r.Uint64(), uint64(len(a.thresh)))
	if uint32(f>>32) < a.thresh[i] || a.thresh[i] == math.MaxUint32 {
		return I(i)
	}
	return a.other[i]
}
