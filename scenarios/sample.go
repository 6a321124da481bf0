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
//     away from it at the same load.
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
	return &m
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
