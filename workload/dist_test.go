package workload

import (
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
)

func TestPoissonMeanAndVariance(t *testing.T) {
	t.Parallel()
	// Both branches (product below 10, PTRS from 10) and the switch point.
	for _, mean := range []float64{0.3, 4, 9.99, 10, 37, 1000, 2.5e6} {
		t.Run(fmt.Sprintf("mean %g", mean), func(t *testing.T) {
			r := sim.NewRand(3, "test/poisson")
			const n = 100_000
			var s, s2 float64
			for range n {
				k := float64(poisson(r, mean))
				s += k
				s2 += k * k
			}
			m := s / n
			v := s2/n - m*m
			// sd of the sample mean is √(mean/n); of the sample variance
			// ≈ mean·√(2/n) for large means (plus a 1/n excess-kurtosis
			// term that matters only for small means).
			if !withinSigmas(m, mean, math.Sqrt(mean/n), 5) {
				t.Errorf("sample mean %v, want %v", m, mean)
			}
			vsd := math.Sqrt((2*mean*mean + mean) / n)
			if !withinSigmas(v, mean, vsd, 5) {
				t.Errorf("sample variance %v, want %v", v, mean)
			}
		})
	}
	if poisson(sim.NewRand(1, "x"), 0) != 0 {
		t.Error("Poisson(0) must be 0")
	}
}

func TestPoissonChiSquare(t *testing.T) {
	t.Parallel()
	// PTRS's rejection step is where a typo would bend the shape without
	// moving the mean; check the whole pmf around mean 30.
	const mean, n = 30.0, 200_000
	r := sim.NewRand(5, "test/poisson-chi")
	obs := make([]int, 100)
	for range n {
		k := poisson(r, mean)
		if k >= 100 {
			k = 99
		}
		obs[k]++
	}
	exp := make([]float64, 100)
	for k := range exp {
		lg, _ := math.Lgamma(float64(k) + 1)
		exp[k] = n * math.Exp(-mean+float64(k)*math.Log(mean)-lg)
	}
	stat, df := chiSquare(obs, exp)
	if crit := chiSquareCritical(df, 0.999); stat > crit {
		t.Errorf("chi-square %.1f > %.1f (df %d)", stat, crit, df)
	}
}

func TestAliasMatchesWeights(t *testing.T) {
	t.Parallel()
	w := []float64{5, 0, 1, 3.5, 0.25, 10, 7}
	var a alias
	// Build twice: the rebuild path (reused slices) is the one that runs.
	a.build([]float64{1, 1, 1, 1, 1, 1, 1})
	a.build(w)
	r := sim.NewRand(11, "test/alias")
	const n = 300_000
	obs := make([]int, len(w))
	for range n {
		obs[a.sample(r)]++
	}
	if obs[1] != 0 {
		t.Errorf("zero-weight outcome drawn %d times", obs[1])
	}
	var sum float64
	for _, x := range w {
		sum += x
	}
	var o []int
	var e []float64
	for i := range w {
		if w[i] > 0 {
			o = append(o, obs[i])
			e = append(e, n*w[i]/sum)
		}
	}
	stat, df := chiSquare(o, e)
	if crit := chiSquareCritical(df, 0.999); stat > crit {
		t.Errorf("chi-square %.1f > %.1f; counts %v", stat, crit, obs)
	}
}

func TestSizesAreLognormalWithTheConfiguredMedian(t *testing.T) {
	t.Parallel()
	cfg := smallConfig()
	cfg.Classes[0].SizeMedian = 30_000
	cfg.Classes[0].SizeSigma = 1.3
	g, err := New(cfg, 99)
	if err != nil {
		t.Fatal(err)
	}
	const n = 200_000
	sizes := make([]float64, n)
	var below int
	var sl, sl2 float64
	for i := range sizes {
		s := g.Size(0, uint64(i))
		sizes[i] = float64(s)
		if s < 30_000 {
			below++
		}
		l := math.Log(float64(s))
		sl += l
		sl2 += l * l
	}
	// P(size < median) = ½: binomial sd √(n/4).
	if !withinSigmas(float64(below), n/2, math.Sqrt(n/4.0), 5) {
		t.Errorf("%d of %d sizes below the median, want ≈ %d", below, n, n/2)
	}
	sort.Float64s(sizes)
	if med := sizes[n/2]; math.Abs(med/30_000-1) > 0.02 {
		t.Errorf("sample median %v, want 30000 ± 2%%", med)
	}
	mu := sl / n
	sd := math.Sqrt(sl2/n - mu*mu)
	if math.Abs(mu-math.Log(30_000)) > 5*1.3/math.Sqrt(n) {
		t.Errorf("mean of ln(size) %v, want %v", mu, math.Log(30_000))
	}
	if math.Abs(sd/1.3-1) > 0.01 {
		t.Errorf("sd of ln(size) %v, want 1.3", sd)
	}
	t.Run("sizes are a function of seed, class and object", func(t *testing.T) {
		g2, _ := New(cfg, 99)
		g3, _ := New(cfg, 100)
		var differ int
		for i := range uint64(1000) {
			if g.Size(0, i) != g2.Size(0, i) {
				t.Fatalf("object %d: size differs between generators with the same seed", i)
			}
			if g.Size(0, i) != g3.Size(0, i) {
				differ++
			}
		}
		if differ < 990 {
			t.Errorf("only %d of 1000 sizes changed with the seed", differ)
		}
	})
	t.Run("the tabulated quantile agrees with the exact one", func(t *testing.T) {
		for _, sigma := range []float64{0.3, 1.3, 2.5} {
			c := classInfo{median: 20_000, sigma: sigma}
			c.buildQuant()
			r := sim.NewRand(1, "test/quant")
			for range 100_000 {
				u := r.Float64()
				got, want := float64(c.sizeAt(u)), float64(lognormalSize(c.median, sigma, 0, u))
				// Exact up to the final rounding: ≤ 1 byte or 1e-5 relative.
				if d := math.Abs(got - want); d > 1 && d > 1e-5*want+1 {
					t.Fatalf("sigma %v u %v: table %v, exact %v", sigma, u, got, want)
				}
			}
		}
	})
	t.Run("the cap and sigma 0 are honoured", func(t *testing.T) {
		if s := lognormalSize(1000, 0, 0, 0.5); s != 1000 {
			t.Errorf("sigma 0: %d", s)
		}
		if s := lognormalSize(1000, 3, 5000, 1-1e-12); s != 5000 {
			t.Errorf("cap: %d", s)
		}
		if s := lognormalSize(1, 3, 0, 1e-12); s != 1 {
			t.Errorf("floor: %d", s)
		}
	})
}
