package scenarios

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// TestAMiniatureKeepsLargeObjectsAtAHigherRate: software-release's
// downloads (400 MB median, σ = 0.6: 623 MB by bytes) are more than a
// hundredth of its smallest cache (a 40 GB POP), so a miniature keeps
// them at the least rate R·k, k dividing 1/R, of at least 100 × 623 MB /
// 40 GB = 1.45, which is 1 at R = 0.1 and at R = 0.01, each charged R of
// its size in the caches; the site's pages (184 kB by bytes) stay at R.
// A request of the downloads counts for R of a request: in units of a
// tenth (a hundredth), a page's request counts 10 (100), a download's 1.
func TestAMiniatureKeepsLargeObjectsAtAHigherRate(t *testing.T) {
	t.Parallel()
	s, err := Load("software-release", []string{"warmup=30m", "workload.duration=1h", "workload.spikes[0].at=20m"})
	if err != nil {
		t.Fatal(err)
	}
	const site, downloads = 0, 1
	for _, tc := range []struct {
		r, rc    float64
		unit     int64
		siteHead uint16
	}{{0.1, 1, 10, 1}, {0.01, 1, 100, 10}} {
		sl, _ := workload.SampleSlice(tc.r)
		m := s.Miniature(sl)
		if want := []float64{tc.r, tc.rc}; !slices.Equal(m.ClassRates, want) || m.Unit != tc.unit {
			t.Fatalf("R = %v: class rates %v, unit %d; want %v, %d", tc.r, m.ClassRates, m.Unit, want, tc.unit)
		}
		// The site's head, its 1/R most popular pages, is kept in ten
		// parts (headParts), each page standing for a tenth of the head:
		// at R = 0.1 all ten of them, each counting for a tenth of a
		// request. The downloads, kept whole, have a head of one.
		if want := []int{10, 1}; !slices.Equal(m.HeadParts, want) || !slices.Equal(m.HeadWeights, []uint16{tc.siteHead, 1}) {
			t.Errorf("R = %v: head parts %v, weights %v; want %v, [%d 1]", tc.r, m.HeadParts, m.HeadWeights, want, tc.siteHead)
		}
		cs := m.Topology.Classes
		if cs[site].Charge != 1 || cs[site].Weight != tc.unit || cs[downloads].Charge != tc.r/tc.rc || cs[downloads].Weight != 1 {
			t.Errorf("R = %v: site charge %v weight %d, downloads %v and %d; want 1 and %d, %v and 1",
				tc.r, cs[site].Charge, cs[site].Weight, cs[downloads].Charge, cs[downloads].Weight, tc.unit, tc.r/tc.rc)
		}
		if s.Topology.Classes[downloads].Charge != 0 || s.ClassRates != nil {
			t.Errorf("R = %v: the whole scenario changed with its miniature", tc.r)
		}
	}

	// At R = 0.1: all of a download's requests are kept, and all but a
	// tenth of them are ghosts; each counts for a tenth of a request. So
	// do the requests of the site's ten most popular pages (objects 0–9).
	sl, _ := workload.SampleSlice(0.1)
	log, run := runLogged(t, s.Miniature(sl), 7)
	var n, ghosts, nHead, headGhosts int64
	var flows [topology.NumFlows]topology.FlowCount
	for _, o := range log {
		want := uint16(10)
		switch {
		case o.Class == downloads:
			want = 1
			n++
			if o.Ghost {
				ghosts++
			}
		case o.Object < 10:
			want = 1
			nHead++
			if o.Ghost {
				headGhosts++
			}
		case o.Ghost:
			t.Fatalf("a ghost of the site's tail: %+v", o)
		}
		if o.Weight != want {
			t.Fatalf("class %d's request of weight %d, want %d", o.Class, o.Weight, want)
		}
		for f := range topology.NumFlows {
			if o.Travelled(f) && o.Time >= sim.Duration(s.Warmup) { // the network counts the measured period
				flows[f].Requests += int64(o.Weight)
				flows[f].Bytes += int64(o.Weight) * o.FlowBytes[f]
			}
		}
	}
	if p := 9.0 / 10; nHead < 5000 || math.Abs(float64(headGhosts)-p*float64(nHead)) > 5*math.Sqrt(float64(nHead)*p*(1-p)) {
		t.Errorf("%d of %d requests of the site's head are ghosts, want about 9/10", headGhosts, nHead)
	}
	if p := 9.0 / 10; n < 5000 || math.Abs(float64(ghosts)-p*float64(n)) > 5*math.Sqrt(float64(n)*p*(1-p)) {
		t.Errorf("%d of %d download requests are ghosts, want about 9/10", ghosts, n)
	}
	// The network's counts are the outcomes', weighed alike.
	if flows != run.Network.Stats.Flows {
		t.Errorf("flows by the weighed outcomes %+v, the network counted %+v", flows, run.Network.Stats.Flows)
	}
	// The full-scale estimate is the measured period's weighed count
	// over R·10, before the sample's adjustment (summary.json's
	// sample_excess).
	var measured int64
	for _, o := range log {
		if o.Time >= sim.Duration(s.Warmup) {
			measured += int64(o.Weight)
		}
	}
	sum := run.Recorder.Summary()
	if got, want := sum.Requests-sum.SampleExcess.Requests, measured; got != want {
		t.Errorf("%d requests estimated before the adjustment, want the weighed count %d", got, want)
	}
}

func TestMultiple(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		x, r float64
		want int64
	}{
		{0.5, 0.1, 1}, {1, 0.1, 1}, {1.2, 0.1, 2}, {3, 0.1, 5}, {14.5, 0.1, 10}, // divisors of 10
		{1.66, 0.01, 2}, {9.2, 0.01, 10}, {22, 0.01, 25}, {51, 0.01, 100}, {145, 0.01, 100}, // of 100
		{1.5, 0.25, 2}, {3, 0.25, 4},
		{3, 0.3, 2}, {1.5, 0.15, 2}, {5, 0.15, 4}, // 1/R not whole: powers of two up to 1/R
		{1e6, 1e-6, 1 << 15}, // at most 2^15
	} {
		if got := multiple(tc.x, tc.r); got != tc.want {
			t.Errorf("multiple(%v, %v) = %d, want %d", tc.x, tc.r, got, tc.want)
		}
	}
	if got := lcm(4, 10); got != 20 {
		t.Errorf("lcm(4, 10) = %d", got)
	}
}

// TestAScenarioSetsItsSamplesObjectsPerCache: news-spike asks for 300 of
// a class's objects in its smallest cache (1 GiB POPs; by bytes, its
// static objects are 178 kB, its articles 119 kB, its segments 2.4 MB),
// so at R = 0.01 a sample keeps its static objects at 0.05 (300 × 178 kB
// / 1 GiB = 0.050 wants k = 4.97, and the least divisor of 100 from
// there is 5), its articles at 0.04 (k = 3.3 → 4) and its segments
// whole (67 → 100); at the default 100, at 0.02, 0.02 and 0.25. A value
// below 1 is an error naming the key.
func TestAScenarioSetsItsSamplesObjectsPerCache(t *testing.T) {
	t.Parallel()
	sl, _ := workload.SampleSlice(0.01)
	for _, tc := range []struct {
		sets []string
		want []float64
	}{
		{nil, []float64{0.05, 0.04, 1, 0.01}},
		{[]string{"sample_objects_per_cache=100"}, []float64{0.02, 0.02, 0.25, 0.01}},
	} {
		s, err := Load("news-spike", tc.sets)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Miniature(sl).ClassRates; !slices.Equal(got, tc.want) {
			t.Errorf("%v: class rates %v, want %v", tc.sets, got, tc.want)
		}
	}
	_, err := Load("news-spike", []string{"sample_objects_per_cache=0.5"})
	if err == nil || !strings.Contains(err.Error(), "sample_objects_per_cache") {
		t.Errorf("sample_objects_per_cache = 0.5: %v, want an error naming the key", err)
	}
}
