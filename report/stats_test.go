package report

import (
	"math"
	"testing"
)

func TestMeanCIUsesStudentsT(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		xs         []float64
		mean, half float64
	}{
		// s = √2.5; t(0.975, 4) = 2.776445105 (tables): 2.776445105·√2.5/√5.
		{"five values", []float64{1, 2, 3, 4, 5}, 3, 2.776445105 * math.Sqrt(2.5) / math.Sqrt(5)},
		// s = √2 · 0.5; t(0.975, 1) = 12.70620474: the interval of two runs is wide.
		{"two values", []float64{0.25, 0.75}, 0.5, 12.70620474 * math.Sqrt(0.125) / math.Sqrt(2)},
		{"no spread", []float64{7, 7, 7}, 7, 0},
	} {
		m, h := MeanCI(tc.xs)
		if math.Abs(m-tc.mean) > 1e-12 || math.Abs(h-tc.half) > 1e-8 {
			t.Errorf("%s: mean %v ± %v, want %v ± %v", tc.name, m, h, tc.mean, tc.half)
		}
	}
	if m, h := MeanCI([]float64{0.123456789}); m != 0.123456789 || !math.IsNaN(h) {
		t.Errorf("one value: %v ± %v, want the value itself ± NaN", m, h)
	}
	if m, h := MeanCI(nil); !math.IsNaN(m) || !math.IsNaN(h) {
		t.Errorf("no values: %v ± %v", m, h)
	}
}

func TestMeanCILeavesOutUndefined(t *testing.T) {
	mean, half := MeanCI([]float64{0.2, math.NaN(), 0.4})
	wantMean, wantHalf := MeanCI([]float64{0.2, 0.4})
	if mean != wantMean || half != wantHalf || math.Abs(mean-0.3) > 1e-12 {
		t.Fatalf("MeanCI with a NaN = %v ± %v, want %v ± %v (0.3)", mean, half, wantMean, wantHalf)
	}
	if m, _ := MeanCI([]float64{math.NaN()}); !math.IsNaN(m) {
		t.Fatalf("MeanCI of only NaN = %v, want NaN", m)
	}
}
