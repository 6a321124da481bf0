package scenarios

import (
	"math"
	"slices"
	"sort"
	"testing"
	"time"
)

// Every embedded scenario loads and validates; running them all is for CI
// (cdnsim run NAME), not for the unit tests.
func TestEveryBuiltinLoads(t *testing.T) {
	t.Parallel()
	names := Builtins()
	for _, want := range []string{"news-spike", "software-release", "steady-web", "video-vod"} {
		if !slices.Contains(names, want) {
			t.Errorf("built-ins %v lack %s", names, want)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := Load(name, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != name || s.File.Description == "" || s.Source != "builtin:"+name {
				t.Errorf("name %q, source %q, description %q", s.Name, s.Source, s.File.Description)
			}
			if s.Workload.Duration < 24*time.Hour {
				t.Errorf("lasts %v, want >= 24h", s.Workload.Duration)
			}
			// A built-in runs in well under a minute on a laptop core,
			// but for cloudfront-day: a CDN's day, run as a miniature or
			// in shards.
			lo, hi := 1e6, 6.5e6
			if name == "cloudfront-day" {
				lo, hi = 0.8e9, 1.2e9
			}
			if n := s.Workload.ExpectedRequests(); n < lo || n > hi {
				t.Errorf("expects %.2fM requests, want %gM-%gM", n/1e6, lo/1e6, hi/1e6)
			}
		})
	}
}

func TestBuiltinsUsePresets(t *testing.T) {
	t.Parallel()
	for name, want := range map[string][2]string{
		"video-vod":        {PresetCloudFrontLike, ""},
		"software-release": {PresetCloudFrontLike, PresetWorld},
		"steady-web":       {PresetCloudFrontLike, PresetWorld},
	} {
		s, err := Load(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]string{s.File.POPs.Preset, s.File.Workload.MetrosPreset}; got != want {
			t.Errorf("%s: presets %q, want %q", name, got, want)
		}
		if len(s.Topology.POPs) < 50 || len(s.Topology.Regions) != 13 || len(s.Workload.Metros) < 29 {
			t.Errorf("%s: %d POPs, %d regions, %d metros", name, len(s.Topology.POPs), len(s.Topology.Regions), len(s.Workload.Metros))
		}
	}
}

// cheLRU is Che's approximation of an LRU cache of c objects under IRM
// with Zipf(alpha) popularity over n objects: the characteristic time T
// solves Σ(1 − e^(−p_i T)) = c (by bisection), and the hit ratio is
// Σ p_i (1 − e^(−p_i T)).
func cheLRU(n int, alpha float64, c float64) float64 {
	p := make([]float64, n)
	var sum float64
	for i := range p {
		p[i] = math.Pow(float64(i+1), -alpha)
		sum += p[i]
	}
	occupancy := func(t float64) (occ, hit float64) {
		for _, q := range p {
			q /= sum
			e := -math.Expm1(-q * t)
			occ += e
			hit += q * e
		}
		return occ, hit
	}
	lo, hi := 1.0, 1e12
	for range 200 {
		mid := math.Sqrt(lo * hi)
		if occ, _ := occupancy(mid); occ < c {
			lo = mid
		} else {
			hi = mid
		}
	}
	_, hit := occupancy(lo)
	return hit
}

// steady-web's busy POPs are LRU caches under IRM: their hit ratios are
// Che's, as the scenario's comments promise.
func TestSteadyWebMatchesChe(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates ~1.3M requests")
	}
	t.Parallel()
	run := sharedRun(t, "steady-web", longBuiltin["steady-web"]...)
	s := run.Scenario
	cl := s.Workload.Classes[0]
	c := float64(s.Topology.POPs[0].Cache.Capacity) / cl.SizeMedian
	che := cheLRU(int(cl.Objects), cl.Alpha, c)
	if math.Abs(che-0.372) > 0.001 {
		t.Fatalf("Che for steady-web: %.4f, its comments say 0.372", che)
	}
	pops := run.Recorder.Summary().POPs
	sort.Slice(pops, func(i, j int) bool { return pops[i].Requests > pops[j].Requests })
	for _, p := range pops[:5] {
		hr := p.HitRatio.Float()
		t.Logf("POP %s: hit ratio %.4f over %d requests, Che %.4f", p.Name, hr, p.Requests, che)
		// Busy POPs serve ~10 characteristic times in 6 h, after a 1 h
		// warm-up has filled them.
		if hr < che-0.02 || hr > che+0.005 {
			t.Errorf("POP %s: hit ratio %.4f over %d requests, Che %.4f", p.Name, hr, p.Requests, che)
		}
	}
}
