package cache

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// cheT solves Σ(1 − e^{−p_i T}) = c for the characteristic time T (in
// requests) by bisection: the left side increases from 0 to len(p).
func cheT(p []float64, c float64) float64 {
	occupancy := func(t float64) float64 {
		var s float64
		for _, pi := range p {
			s += -math.Expm1(-pi * t)
		}
		return s
	}
	lo, hi := 0.0, 1.0
	for occupancy(hi) < c {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if occupancy(mid) < c {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// cheExpectedMisses is the expected number of LRU misses in r IRM requests
// from a cold cache, by Che's approximation with a cold-start correction.
//
// Object i is requested r·p_i times on average. Its first request is always
// a compulsory miss; it has one with probability D_i = 1 − (1 − p_i)^r (the
// chance it is requested at all). Each of the other r·p_i − D_i requests has
// a previous request to i, and Che says it hits when that previous request
// is at most T requests back, with probability h_i = 1 − e^{−p_i T}. So
//
//	E[misses] ≈ Σ_i [ D_i + (r·p_i − D_i)·(1 − h_i) ].
//
// What this neglects: the fill transient (before C distinct objects have
// been seen nothing is evicted, so a few early gaps longer than T still
// hit), which lasts a few thousand requests out of millions, and Che's own
// error, which is small for N = 10,000.
func cheExpectedMisses(p []float64, c float64, r int) float64 {
	t := cheT(p, c)
	var m float64
	for _, pi := range p {
		d := -math.Expm1(float64(r) * math.Log1p(-pi))
		h := -math.Expm1(-pi * t)
		m += d + (float64(r)*pi-d)*(1-h)
	}
	return m
}

// TestLRUMatchesChe replays IRM Zipf traces on lru and compares the miss
// ratio with Che's approximation. With r = 2M requests the sampling noise of
// the miss ratio is below 0.0004 (one standard deviation), well inside the
// 0.003 tolerance.
func TestLRUMatchesChe(t *testing.T) {
	t.Parallel()
	const n, r, tol = 10000, 2_000_000, 0.003
	for _, alpha := range []float64{0.8, 1.0} {
		for _, frac := range []float64{0.001, 0.01, 0.1} {
			c := int64(frac * n)
			t.Run(fmt.Sprintf("alpha %.1f cache %d of %d", alpha, c, n), func(t *testing.T) {
				t.Parallel()
				if testing.Short() && frac != 0.01 {
					t.Skip("long: -short runs only the 1% caches")
				}
				p := zipfProbs(n, alpha)
				cdf := zipfCDF(n, alpha)
				rng := rand.New(rand.NewPCG(uint64(c), math.Float64bits(alpha)))
				lru, _ := NewPolicy("lru", Config{Capacity: c})
				var victims []ObjectID
				misses := 0
				for k := range r {
					req := Request{ID: ObjectID(sampleCDF(cdf, rng.Float64())), Size: 1, Time: int64(k)}
					var hit bool
					if hit, victims = access(lru, req, victims); !hit {
						misses++
					}
				}
				got := float64(misses) / r
				want := cheExpectedMisses(p, float64(c), r) / r
				if math.Abs(got-want) > tol {
					t.Fatalf("miss ratio %.4f, Che %.4f (diff %.4f > %.3f)", got, want, got-want, tol)
				}
				t.Logf("miss ratio %.4f, Che %.4f", got, want)
			})
		}
	}
}
