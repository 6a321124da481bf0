package workload

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
)

func TestZipfMatchesExactProbabilities(t *testing.T) {
	t.Parallel()
	const n = 1000
	// 400k draws: enough for the power check below to reject α ± 0.05 by a
	// wide margin, and only ~30 ms per exponent.
	const samples = 400_000
	for _, alpha := range []float64{0.6, 0.8, 1.0, 1.2} {
		t.Run(fmt.Sprintf("alpha %.1f passes chi-square at p=0.999", alpha), func(t *testing.T) {
			z, err := NewZipf(n, alpha)
			if err != nil {
				t.Fatal(err)
			}
			obs := drawRanks(t, &z, sim.NewRand(42, "test/zipf"), samples)
			exp := exactZipf(n, alpha, samples)
			stat, df := chiSquare(obs, exp)
			if crit := chiSquareCritical(df, 0.999); stat > crit {
				t.Errorf("chi-square %.1f > critical %.1f (df %d)", stat, crit, df)
			}
			// Power: the same sample must be rejected against a nearby
			// exponent, or the check could not detect a wrong sampler.
			wrong := exactZipf(n, alpha+0.05, samples)
			if stat, df := chiSquare(obs, wrong); stat < 2*chiSquareCritical(df, 0.999) {
				t.Errorf("sample not rejected against alpha %.2f: chi-square %.1f", alpha+0.05, stat)
			}
		})
	}
}

// drawRanks counts the ranks of samples draws.
func drawRanks(t *testing.T, z *Zipf, r *rand.Rand, samples int) []int {
	t.Helper()
	n := z.N()
	obs := make([]int, n)
	for range samples {
		k := z.Rank(r)
		if k < 1 || k > n {
			t.Fatalf("rank %d out of [1, %d]", k, n)
		}
		obs[k-1]++
	}
	return obs
}

// exactZipf is the expected count of each rank: samples·k^−α/Σj^−α.
func exactZipf(n int, alpha float64, samples int) []float64 {
	p := make([]float64, n)
	var sum float64
	for k := n; k >= 1; k-- {
		p[k-1] = math.Pow(float64(k), -alpha)
		sum += p[k-1]
	}
	for i := range p {
		p[i] *= float64(samples) / sum
	}
	return p
}

func TestZipfProbIsNormalised(t *testing.T) {
	t.Parallel()
	z, _ := NewZipf(10, 1)
	// H_10 = 7381/2520.
	if got, want := z.Prob(1), 2520.0/7381; math.Abs(got-want) > 1e-12 {
		t.Errorf("Prob(1) = %v, want %v", got, want)
	}
	if z.Prob(0) != 0 || z.Prob(11) != 0 {
		t.Error("Prob outside 1..N must be 0")
	}
}

func TestZipfEdgeCases(t *testing.T) {
	t.Parallel()
	r := sim.NewRand(7, "test/zipf-edge")
	t.Run("a single rank is always drawn", func(t *testing.T) {
		z, _ := NewZipf(1, 0.8)
		for range 1000 {
			if k := z.Rank(r); k != 1 {
				t.Fatalf("got %d", k)
			}
		}
	})
	t.Run("extreme exponents stay in range", func(t *testing.T) {
		for _, a := range []float64{1e-6, 0.01, 0.999999, 1.000001, 5, 40} {
			z, err := NewZipf(10_000_000, a)
			if err != nil {
				t.Fatal(err)
			}
			for range 10_000 {
				if k := z.Rank(r); k < 1 || k > 10_000_000 {
					t.Fatalf("alpha %v: rank %d", a, k)
				}
			}
		}
	})
	t.Run("a huge exponent concentrates on rank 1", func(t *testing.T) {
		z, _ := NewZipf(1000, 40)
		for range 1000 {
			if k := z.Rank(r); k != 1 {
				t.Fatalf("got %d", k)
			}
		}
	})
	t.Run("bad parameters are errors", func(t *testing.T) {
		for _, c := range []struct {
			n uint64
			a float64
		}{{0, 1}, {10, 0}, {10, -1}, {10, math.NaN()}, {10, math.Inf(1)}} {
			if _, err := NewZipf(c.n, c.a); err == nil {
				t.Errorf("NewZipf(%d, %v) accepted", c.n, c.a)
			}
		}
	})
}

// TestZipfHeadAndTailTogetherMatchExactProbabilities: the alias head and
// the rejection-inversion tail mix in the right proportion, with a head
// small enough that a third to two thirds of the draws fall in the tail.
func TestZipfHeadAndTailTogetherMatchExactProbabilities(t *testing.T) {
	t.Parallel()
	const n, samples = 3000, 600_000
	for _, alpha := range []float64{0.7, 1.0, 1.3} {
		z, err := newZipf(n, alpha, 20)
		if err != nil {
			t.Fatal(err)
		}
		var head float64
		for k := uint64(1); k <= 20; k++ {
			head += z.Prob(k)
		}
		// Euler–Maclaurin's remainder from rank 21 is ~1e−11 (from the
		// 4097 of NewZipf, below 1e−20).
		if math.Abs(z.pHead-head) > 1e-9 {
			t.Errorf("alpha %v: head mass %v, exactly %v", alpha, z.pHead, head)
		}
		obs := drawRanks(t, &z, sim.NewRand(7, "test/zipf-head"), samples)
		stat, df := chiSquare(obs, exactZipf(n, alpha, samples))
		if crit := chiSquareCritical(df, 0.999); stat > crit {
			t.Errorf("alpha %v: chi-square %.1f > critical %.1f (df %d)", alpha, stat, crit, df)
		}
	}
}

func TestZipfTailMassIsTheSum(t *testing.T) {
	t.Parallel()
	for _, alpha := range []float64{0.6, 0.9, 1.0, 1.1} {
		z, _ := newZipf(2_000_000, alpha, 1)
		var exact float64
		for k := 2_000_000; k >= 1001; k-- {
			exact += math.Pow(float64(k), -alpha)
		}
		if got := z.tailMass(1001); math.Abs(got-exact) > 1e-11*exact {
			t.Errorf("alpha %v: tail mass %v, summed %v", alpha, got, exact)
		}
	}
}
