package scenarios

import (
	"math"

	"github.com/cdnsim/cdnsim/workload"
)

// Miniature returns s as the miniature of sl (a sample or a shard, see
// workload.Slice): the same scenario on the objects sl keeps, with what
// depends on the request rate scaled by R = sl.Rate() so that the
// miniature behaves like the full system (the SHARDS/miniature-simulation
// recipe):
//
//   - every cache capacity, POP, regional and shield, is R times its own;
//   - an origin's concurrency limit and each node's connection cap to it
//     are R times theirs (rounded, at least 1), with processing times
//     kept, so its queues fill at the same load;
//   - a POP's egress cap is R times its own, so that DNS steers viewers
//     away from it at the same load;
//   - in a sample (not a shard) of a generated workload, a class whose
//     objects are large against the smallest cache is kept at a higher
//     rate R_c (classRates), each of its objects charged R/R_c of its
//     size in the caches (topology.Class.Charge) and each of its requests
//     counted for R/R_c of one (Class.Weight, in units of 1/Unit);
//   - and there, each ranking's head is kept in up to ten parts
//     (headParts), each part's member charged and counted for its part's
//     share (workload.Request.Weight, HeadWeights).
//
// What scales with the rate and cannot be preserved (see
// scenarios/README.md): keep-alive reuse (a connection to an origin sees R
// times the requests in its idle timeout), DNS answers cached per viewer
// metro, concurrency limits that round to few slots at small R. Per-object
// behaviour — collapsing, freshness, invalidations — is unchanged, since
// each kept object sees all its requests. The network never knows it is a
// miniature: only the configuration and the source differ.
//
// A zero or whole Slice returns s itself.
func (s *Scenario) Miniature(sl workload.Slice) *Scenario {
	if sl.All() {
		return s
	}
	m := *s
	m.Slice = sl
	r := sl.Rate()
	t := &m.Topology
	t.POPs = append(t.POPs[:0:0], t.POPs...)
	for i := range t.POPs {
		t.POPs[i].Cache.Capacity = scaleBytes(t.POPs[i].Cache.Capacity, r)
		t.POPs[i].EgressGbps *= r // 0, no cap, stays 0
	}
	t.Regions = append(t.Regions[:0:0], t.Regions...)
	for i := range t.Regions {
		t.Regions[i].Cache.Capacity = scaleBytes(t.Regions[i].Cache.Capacity, r)
	}
	t.Origins = append(t.Origins[:0:0], t.Origins...)
	for i := range t.Origins {
		o := &t.Origins[i]
		o.Concurrency = scaleCount(o.Concurrency, r)
		o.MaxConnections = scaleCount(o.MaxConnections, r)
	}
	if _, shards := sl.Shard(); shards == 0 && s.Trace == "" {
		rates := classRates(s, r)
		if rates == nil {
			rates = make([]float64, len(s.Workload.Classes))
			for c := range rates {
				rates[c] = r
			}
		}
		// Each rate is R·k, k a whole number, and each class's heads are
		// kept in p parts, p dividing 1/(R·k) (headParts): a request of
		// the class counts for 1/k of a request, a head member's for
		// 1/(k·p), in units of 1/W, W the least common multiple of the
		// k·p, which divides 1/R when that is whole (multiple).
		ks, parts := make([]int64, len(rates)), make([]int, len(rates))
		var unit int64 = 1
		for c, rc := range rates {
			ks[c] = int64(math.Round(rc / r))
			parts[c] = headParts(rc, r)
			unit = lcm(unit, ks[c]*int64(parts[c]))
		}
		if unit > 1 {
			m.ClassRates, m.HeadParts, m.Unit = rates, parts, unit
			m.HeadWeights = make([]uint16, len(rates))
			t.Classes = append(t.Classes[:0:0], t.Classes...)
			for c, rc := range rates {
				t.Classes[c].Charge = r / rc
				t.Classes[c].Weight = unit / ks[c]
				m.HeadWeights[c] = uint16(unit / (ks[c] * int64(parts[c])))
			}
		}
	}
	return &m
}

// maxHeadParts is the most parts a sample keeps a head in (headParts).
const maxHeadParts = 10

// headParts is the number of parts a sample at rate r keeps the heads of
// a class kept at rc in (workload.Generator.SetHeadParts): the largest
// divisor of the head's size 1/rc up to maxHeadParts, when 1/r is whole;
// else 1. Kept whole, in one member nearest its mean weight, a head keeps
// its requests but not its hit ratio, which is concave in popularity:
// software-release's site at R = 0.01 kept rank 21 of its 100 most
// popular pages, which hits 0.801 at the edge where the 100 hit 0.839 by
// requests, and its edge read 0.008 low on average over 15 seeds, its
// regional tier 0.013 high. Kept in ten parts, each part's member stands
// for ten ranks.
func headParts(rc, r float64) int {
	if _, ok := wholeInverse(r); !ok {
		return 1
	}
	m := int(math.Round(1 / rc))
	for p := min(maxHeadParts, m); p > 1; p-- {
		if m%p == 0 {
			return p
		}
	}
	return 1
}

// objectsPerCache is how many of a class's objects (by their byte mean
// size) the smallest cache must hold for a miniature to keep the class
// at its own rate, unless the scenario says otherwise
// (sample_objects_per_cache): see classRates.
const objectsPerCache = 100

// classRates are the rates at which a sample at rate r keeps each of s's
// classes (workload.Generator.SetClassRates): r, or, for a class whose
// objects are large against the smallest cache C, a rate R_c at which the
// scaled cache C·r holds objectsPerCache of its objects charged r/R_c of
// their size: R_c ≥ objectsPerCache·S/C, S the class's byte mean size
// (workload.Class.ByteMeanSize), the least such multiple r·k of r
// (multiple). Kept at r, a class of objects that large fills a
// miniature's caches a few objects at a time, and which objects the
// sample keeps moves its bytes: at R = 0.1 news-spike's edge byte hit
// ratio strayed up to 0.021 from the whole run's, software-release's
// regional one up to 0.087 (15 seeds; README: miniatures). Nil when every
// class is kept at r.
func classRates(s *Scenario, r float64) []float64 {
	smallest := int64(math.MaxInt64)
	for _, p := range s.Topology.POPs {
		if c := p.Cache.Capacity; c > 0 {
			smallest = min(smallest, c)
		}
	}
	for _, g := range s.Topology.Regions {
		if c := g.Cache.Capacity; c > 0 {
			smallest = min(smallest, c)
		}
	}
	per := float64(objectsPerCache)
	if s.File.SampleObjects > 0 {
		per = s.File.SampleObjects // the scenario's sample_objects_per_cache
	}
	var rates []float64
	for c := range s.Workload.Classes {
		want := per * s.Workload.Classes[c].ByteMeanSize() / float64(smallest)
		k := multiple(want/r, r)
		if k <= 1 {
			continue
		}
		if rates == nil {
			rates = make([]float64, len(s.Workload.Classes))
			for i := range rates {
				rates[i] = r
			}
		}
		rates[c] = min(r*float64(k), 1)
	}
	return rates
}

// multiple is the least whole k ≥ x (1 for x ≤ 1) that a sample at rate r
// may keep a class at k times its rate: when 1/r is a whole number N, a
// divisor of N up to 2^15 (N for x > N: the whole class), so that the
// least common multiple W of the classes' k divides N and the counts'
// factor 1/(r·W) is whole, and a miniature's POPs and rows add up to its
// totals exactly, as at a single rate; else a power of two up to 1/r and
// 2^15 (the weights, at most W, fit an Outcome).
func multiple(x, r float64) int64 {
	if x <= 1 {
		return 1
	}
	if n, ok := wholeInverse(r); ok {
		for k := int64(math.Ceil(x - 1e-9)); k < n; k++ {
			if n%k == 0 {
				return k
			}
		}
		return n
	}
	top := min(math.Floor(math.Log2(1/r)), 15)
	return int64(math.Exp2(min(math.Ceil(math.Log2(x)-1e-9), top)))
}

// wholeInverse is 1/r when it is a whole number up to 2^15 (so that the
// counts' weights, divisors of it, fit an Outcome): the rates whose class
// and head multiples are divisors of 1/r (multiple, headParts).
func wholeInverse(r float64) (int64, bool) {
	n := math.Round(1 / r)
	if math.Abs(n-1/r) > 1e-9*n || n > 1<<15 {
		return 0, false
	}
	return int64(n), true
}

// lcm is the least common multiple of a, b > 0.
func lcm(a, b int64) int64 {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return a / x * b
}

// scaleBytes is a capacity at rate r, at least 1 byte.
func scaleBytes(n int64, r float64) int64 {
	if n <= 0 {
		return n
	}
	return max(1, int64(math.Round(float64(n)*r)))
}

// scaleCount is a limit at rate r, at least 1; 0 (no limit) stays 0.
func scaleCount(n int, r float64) int {
	if n <= 0 {
		return n
	}
	return max(1, int(math.Round(float64(n)*r)))
}
