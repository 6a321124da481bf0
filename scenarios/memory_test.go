package scenarios

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

func TestZipfSeenMatchesTheSumOverRanks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ n, alpha, r float64 }{
		{1000, 0.8, 500}, {1000, 0.8, 1e5}, {200000, 1, 3e6}, {5e5, 0.6, 1e4}, {100, 1.5, 50},
	} {
		var h, want float64
		for i := 1.0; i <= tc.n; i++ {
			h += math.Pow(i, -tc.alpha)
		}
		for i := 1.0; i <= tc.n; i++ {
			want += -math.Expm1(-tc.r * math.Pow(i, -tc.alpha) / h)
		}
		got := newZipfSeen(tc.n, tc.alpha).seen(tc.r)
		if math.Abs(got-want) > 0.01*want {
			t.Errorf("N=%g α=%g r=%g: %.1f distinct objects, want %.1f", tc.n, tc.alpha, tc.r, got, want)
		}
	}
	// A catalog of any size is summed in a few hundred terms, and never
	// shows more objects than requests or catalog.
	z := newZipfSeen(1e19, 0.8)
	if len(z.p) > 1000 {
		t.Errorf("%d terms for a catalog of 1e19", len(z.p))
	}
	if got := z.seen(1e6); !(got > 0 && got <= 1e6) {
		t.Errorf("1e6 requests to a catalog of 1e19 show %g objects", got)
	}
	if got := newZipfSeen(10, 0.8).seen(1e12); math.Abs(got-10) > 1e-9 {
		t.Errorf("1e12 requests to 10 objects show %g", got)
	}
}

func TestMeanSizeIsTheCappedLognormalMean(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, cl := range []workload.Class{
		{SizeMedian: 20480, SizeSigma: 1.2},
		{SizeMedian: 20480, SizeSigma: 1.2, SizeMax: 100000},
		{SizeMedian: 419430400, SizeSigma: 0.6, SizeMax: 1073741824},
		{SizeMedian: 32768},
		{SizeMedian: 32768, SizeMax: 1000},
	} {
		var sum float64
		const n = 400000
		for range n {
			x := cl.SizeMedian * math.Exp(cl.SizeSigma*rng.NormFloat64())
			if cl.SizeMax > 0 {
				x = min(x, float64(cl.SizeMax))
			}
			sum += x
		}
		if got, want := meanSize(cl), sum/n; math.Abs(got-want) > 0.01*want {
			t.Errorf("%+v: mean %.0f, want %.0f (sampled)", cl, got, want)
		}
	}
}

func TestMemoryRefusesWhatDoesNotFitNamingTheKey(t *testing.T) {
	t.Parallel()
	// Each of these asks for far more than 1 GB; the error names the key
	// that makes it so, where it is written.
	for _, tc := range []struct {
		sets []string
		want string
	}{
		{[]string{"interval=1s", "workload.duration=8760h"}, "--set: interval: the run would need about "},
		{[]string{"workload.classes[0].rate=2e5", "workload.classes[0].objects=100000000000", "regions.capacity=100TB"}, "--set: workload.classes[0].rate: "},
		{[]string{"workload.classes[0].rate=2e5", "workload.classes[0].objects=10000000", "regions.capacity=100TB"}, "--set: workload.classes[0].objects: "},
		{[]string{"workload.classes[0].rate=2e5", "workload.classes[0].objects=100000000", "pops.capacity=50GB", "pops.policy=lhd"}, "--set: pops.capacity: "},
	} {
		s, err := Load("news-spike", tc.sets)
		if err != nil {
			t.Fatal(err)
		}
		err = s.CheckMemory(1<<30, "--max-memory")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(err.Error(), "more than 1.0GB (--max-memory)") {
			t.Errorf("%v: error %v, want it to start with %q", tc.sets, err, tc.want)
		}
		if _, ok := err.(*Error); !ok {
			t.Errorf("%v: a %T, want *Error", tc.sets, err)
		}
	}
	// In a file, the line where the key is written.
	src, _ := builtin.ReadFile("steady-web.toml")
	path := filepath.Join(t.TempDir(), "w.toml")
	text := strings.Replace(string(src), `interval = "10m"`, `interval = "1s"`, 1)
	text = strings.Replace(text, `duration = "24h"`, `duration = "43800h"`, 1)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.CheckMemory(1<<30, "--max-memory")
	if want := path + ":40: interval: the run would need about 317GB of memory"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want it to start with %q", err, want)
	}
	// The built-in scenarios fit in 1 GB, and no limit refuses nothing.
	for _, name := range Builtins() {
		if name == "cloudfront-day" {
			continue // a CDN's day at full scale: run as a miniature or in shards (below)
		}
		s, err := Load(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CheckMemory(1<<30, "--max-memory"); err != nil {
			t.Error(err)
		}
		if m := s.Memory(); m.Bytes < 50<<20 || m.Bytes > 400<<20 {
			t.Errorf("%s: %.0f MB estimated", name, m.Bytes/(1<<20))
		}
	}
	if err := s.CheckMemory(0, ""); err != nil {
		t.Errorf("no limit: %v", err)
	}
}

// TestMemoryCountsTheObjectsCachesHold runs each built-in scenario for a
// few hours and compares the most objects each tier's caches held at once
// with the estimate's count, which sets most of the memory.
func TestMemoryCountsTheObjectsCachesHold(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates five scenarios")
	}
	t.Parallel()
	for _, name := range Builtins() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if name == "cloudfront-day" {
				// Too large to run here at full scale; at a thousandth of
				// its rates for 4 h the estimate held 85k POP objects against
				// 46k (the safe side, unexplained; left for the next work).
				t.Skip("cloudfront-day runs as a miniature or in shards")
			}
			s, err := Load(name, []string{"workload.duration=3h"})
			if err != nil {
				t.Fatal(err)
			}
			m := s.Memory()
			r, err := s.NewRun(s.Seed)
			if err != nil {
				t.Fatal(err)
			}
			var peak [2]int
			r.Simulate(func(sim.Time) {
				var n [2]int
				for i := range s.Topology.POPs {
					n[0] += r.Network.POP(i).Len()
				}
				for g := range s.Topology.Regions {
					n[1] += r.Network.Regional(g).Len()
				}
				peak[0], peak[1] = max(peak[0], n[0]), max(peak[1], n[1])
			})
			for i, tier := range []string{"POP caches", "regional caches"} {
				var est float64
				for _, p := range m.Parts {
					if strings.Contains(p.What, " "+tier+" ") {
						est = p.Objects
					}
				}
				if got := float64(peak[i]); math.Abs(est-got) > 0.15*got {
					t.Errorf("%s: estimated %.0f objects, held at most %.0f", tier, est, got)
				}
			}
		})
	}
}
