package sim

import "math"

// Threshold maps a probability p to a bound on a uniform 64-bit draw: a
// counter-based draw (a Mix64 of a request's key) below it happens with
// probability p, without a float conversion per draw.
func Threshold(p float64) uint64 {
	switch {
	case p <= 0:
		return 0
	case p >= 1:
		return math.MaxUint64
	}
	return uint64(p * (1 << 64))
}
