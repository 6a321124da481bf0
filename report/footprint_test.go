package report

import (
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
)

func TestPOPEgressPeakAndSteered(t *testing.T) {
	t.Parallel()
	r := NewRecorder(Config{Duration: sim.Minute, Warmup: 10 * sim.Second, POPs: []string{"A", "B"}})
	obs := func(at sim.Time, pop uint16, size int64, steered bool) {
		r.Observe(&topology.Outcome{Time: at, POP: pop, Edge: topology.Hit, Size: size, Steered: steered})
	}
	// In the warm-up: not counted, however big.
	obs(5*sim.Second, 0, 1e12, true)
	// POP A: 1 GB in measured second 0, 2.5 GB in second 3 (two
	// responses), 0.5 GB in second 4: a peak of 2.5 GB = 20 Gbit/s.
	obs(10*sim.Second, 0, 1e9, false)
	obs(13*sim.Second, 0, 2e9, false)
	obs(13*sim.Second+999*sim.Millisecond, 0, 5e8, false)
	obs(14*sim.Second, 0, 5e8, false)
	// POP B: steered requests, its peak in the last second it saw.
	obs(20*sim.Second, 1, 1e8, true)
	obs(21*sim.Second, 1, 1e8, true)
	obs(21*sim.Second, 1, 3e8, false)
	s := r.Summary()
	a, b := s.POPs[0], s.POPs[1]
	if a.EgressPeakGbps != 20 || a.Steered != 0 {
		t.Errorf("A: peak %v Gbit/s, %d steered; want 20, 0", a.EgressPeakGbps, a.Steered)
	}
	if b.EgressPeakGbps != 3.2 || b.Steered != 2 {
		t.Errorf("B: peak %v Gbit/s, %d steered; want 3.2, 2", b.EgressPeakGbps, b.Steered)
	}
}
