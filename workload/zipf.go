package workload

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Zipf samples ranks 1..N with P(k) ∝ k^−α for any α > 0, in O(1) expected
// time and O(1) memory, by rejection-inversion (Hörmann & Derflinger 1996,
// "Rejection-inversion to generate variates from monotone discrete
// distributions"; the formulation follows Apache Commons RNG's
// RejectionInversionZipfSampler). CDN popularity has α < 1, which
// math/rand/v2's Zipf (s > 1) cannot produce, and a 10M-object catalog is too
// large for an alias table.
//
// The head of the distribution, ranks 1..min(N, zipfHead), is drawn from an
// alias table in O(1) (two table reads), and the tail by rejection-inversion
// restricted to ranks > zipfHead: at CDN exponents and catalogues the head
// holds a third to a half of the draws, and a draw there costs two table
// reads instead of a rejection-inversion step (a log and an exp at least).
// (A miniature draws its zipf ranks from its own table of kept ranks
// instead: keptZipf.)
//
// A Zipf is an immutable value; the random stream is passed to Rank.
type Zipf struct {
	n     float64
	alpha float64
	// head samples ranks 1..m (as 0-based indices) with P ∝ k^−α; pHead
	// is their share of the mass (1: no tail).
	head  *alias
	pHead float64
	// mass is Σ k^−α over 1..N, the normalising constant (the tail's by
	// Euler–Maclaurin): a miniature weighs its kept ranks against it.
	mass float64
	// k0 is the first rank of the tail (len(head)+1), and hX1 and hN bound
	// the interval of the integral of the hat function from which u is
	// drawn uniformly: (H(k0+0.5)−h(k0), H(N+0.5)].
	k0, hX1, hN float64
	// s is the squeeze: any x within s of its rounded k is accepted without
	// evaluating H, which is what makes most draws cost one log and one exp.
	s float64
}

// zipfHead is the number of ranks in the alias table: 4096 entries (24 KB)
// stay in cache beside the generator's other state. A 64 K table (384 KB)
// drew ranks faster alone but made the news-spike generator 20% slower
// (CPU time, on a loaded 2-core machine), its draws missing the cache.
const zipfHead = 1 << 12

// NewZipf returns a sampler over ranks 1..n with exponent alpha.
func NewZipf(n uint64, alpha float64) (Zipf, error) { return newZipf(n, alpha, zipfHead) }

// newZipf is NewZipf with a head of m ranks (tests use small ones).
func newZipf(n uint64, alpha float64, m uint64) (Zipf, error) {
	if n == 0 {
		return Zipf{}, fmt.Errorf("zipf: n must be > 0")
	}
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return Zipf{}, fmt.Errorf("zipf: alpha must be > 0 and finite, got %v", alpha)
	}
	z := Zipf{n: float64(n), alpha: alpha}
	m = min(m, n)
	w := make([]float64, m)
	var head float64
	// Smallest terms first, to limit rounding error.
	for k := m; k >= 1; k-- {
		w[k-1] = z.h(float64(k))
		head += w[k-1]
	}
	z.head = new(alias)
	z.head.build(w)
	z.head.dropWork()
	z.pHead, z.mass = 1, head
	if m < n {
		z.mass = head + z.tailMass(float64(m+1))
		z.pHead = head / z.mass
	}
	z.k0 = float64(m + 1)
	z.hX1 = z.hIntegral(z.k0+0.5) - z.h(z.k0)
	z.hN = z.hIntegral(z.n + 0.5)
	z.s = z.k0 + 1 - z.hIntegralInverse(z.hIntegral(z.k0+1.5)-z.h(z.k0+1))
	return z, nil
}

// tailMass is Σ k^−α for k = a..N by Euler–Maclaurin: the integral, the
// end-point halves and two derivative corrections. With a > 1000 the next
// term is below 1e−20 of the sum.
func (z *Zipf) tailMass(a float64) float64 {
	b, al := z.n, z.alpha
	d1 := func(x float64) float64 { return -al * math.Pow(x, -al-1) }
	d3 := func(x float64) float64 { return -al * (al + 1) * (al + 2) * math.Pow(x, -al-3) }
	return z.hIntegral(b) - z.hIntegral(a) + (z.h(a)+z.h(b))/2 + (d1(b)-d1(a))/12 - (d3(b)-d3(a))/720
}

// N is the number of ranks.
func (z Zipf) N() uint64 { return uint64(z.n) }

// Alpha is the exponent.
func (z Zipf) Alpha() float64 { return z.alpha }

// Rank draws a rank in 1..N (1 is the most popular).
func (z *Zipf) Rank(r *rand.Rand) uint64 {
	if z.pHead == 1 || r.Float64() < z.pHead {
		return uint64(z.head.sample(r)) + 1
	}
	for {
		// u is uniform on (hX1, hN]; Float64 is in [0, 1).
		u := z.hN + r.Float64()*(z.hX1-z.hN)
		x := z.hIntegralInverse(u)
		k := math.Floor(x + 0.5)
		if k < z.k0 {
			k = z.k0
		} else if k > z.n {
			k = z.n
		}
		if k-x <= z.s || u >= z.hIntegral(k+0.5)-z.h(k) {
			return uint64(k)
		}
	}
}

// Prob is the exact probability of rank k, computed by summing the
// normalising constant (O(N): for tests and reports, not the hot path).
func (z Zipf) Prob(k uint64) float64 {
	if k < 1 || float64(k) > z.n {
		return 0
	}
	var sum float64
	// Sum from the smallest terms up to limit rounding error.
	for i := uint64(z.n); i >= 1; i-- {
		sum += math.Pow(float64(i), -z.alpha)
	}
	return math.Pow(float64(k), -z.alpha) / sum
}

// h is the unnormalised density x^−α.
func (z *Zipf) h(x float64) float64 { return math.Exp(-z.alpha * math.Log(x)) }

// hIntegral is H(x) = ∫₁ˣ t^−α dt = (x^(1−α) − 1)/(1−α), written so that it
// stays accurate (and finite) at and near α = 1, where it is ln x.
func (z *Zipf) hIntegral(x float64) float64 {
	logX := math.Log(x)
	return helper2((1-z.alpha)*logX) * logX
}

// hIntegralInverse is H⁻¹.
func (z *Zipf) hIntegralInverse(x float64) float64 {
	t := x * (1 - z.alpha)
	if t < -1 {
		// Rounding can push t just below −1 at the lower end; clamp, as the
		// reference implementation does.
		t = -1
	}
	return math.Exp(helper1(t) * x)
}

// helper1 is log1p(x)/x, with its Taylor series near 0 to avoid 0/0.
func helper1(x float64) float64 {
	if math.Abs(x) > 1e-8 {
		return math.Log1p(x) / x
	}
	return 1 - x*(0.5-x*(1.0/3-0.25*x))
}

// helper2 is expm1(x)/x, with its Taylor series near 0 to avoid 0/0.
func helper2(x float64) float64 {
	if math.Abs(x) > 1e-8 {
		return math.Expm1(x) / x
	}
	return 1 + x*0.5*(1+x*(1.0/3)*(1+0.25*x))
}
