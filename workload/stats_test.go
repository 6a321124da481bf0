package workload

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// chiSquare returns the statistic and degrees of freedom of observed counts
// against expected counts, merging adjacent bins (in order) until each has
// an expected count of at least 5, as the test requires; a short remainder
// joins the last merged bin.
func chiSquare(obs []int, exp []float64) (stat float64, df int) {
	var mo, me []float64
	var o, e float64
	for i := range obs {
		o += float64(obs[i])
		e += exp[i]
		if e >= 5 {
			mo, me = append(mo, o), append(me, e)
			o, e = 0, 0
		}
	}
	if e > 0 || o > 0 {
		if len(me) == 0 {
			mo, me = append(mo, 0), append(me, 0)
		}
		mo[len(mo)-1] += o
		me[len(me)-1] += e
	}
	for i := range mo {
		stat += (mo[i] - me[i]) * (mo[i] - me[i]) / me[i]
	}
	return stat, len(mo) - 1
}

// chiSquareCritical is the upper quantile of the chi-square distribution.
// Tests use p = 0.999 with fixed seeds: a pass is deterministic, and a real
// distribution error of the kind these tests target shows up as a statistic
// many times the critical value.
func chiSquareCritical(df int, p float64) float64 {
	return distuv.ChiSquared{K: float64(df)}.Quantile(p)
}

// withinSigmas reports whether got is within k standard deviations of want.
func withinSigmas(got, want, sd, k float64) bool { return math.Abs(got-want) <= k*sd }
