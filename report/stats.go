package report

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Confidence is the level of the confidence intervals a sweep reports.
const Confidence = 0.95

// MeanCI is the mean of xs and the half-width of its two-sided
// Confidence interval: t(1−α/2, n−1) · s / √n, with s the sample standard
// deviation and t the quantile of Student's t distribution, as for
// replicated simulation runs whose results are independent draws. The
// half-width is NaN with fewer than two values (no spread to estimate) and
// the mean is NaN with none. NaN values (a ratio undefined in that run:
// nothing reached the tier) are left out, so the statistics are over the
// runs where the figure exists.
func MeanCI(xs []float64) (mean, half float64) {
	if slices.ContainsFunc(xs, math.IsNaN) {
		xs = slices.DeleteFunc(slices.Clone(xs), math.IsNaN)
	}
	n := float64(len(xs))
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean = sum / n
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / (n - 1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(1 - (1-Confidence)/2)
	return mean, t * sd / math.Sqrt(n)
}
