package workload

import (
	"cmp"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// storyConfig is spikeConfig's spike as a story of 50 objects (Zipf 0.8 by
// default) with the given browse share.
func storyConfig(browse float64) Config {
	cfg := spikeConfig()
	cfg.Spikes[0].Objects = 50
	cfg.Spikes[0].Browse = browse
	return cfg
}

func TestSpikeOfFiftyObjectsSpreadsItsVolumeByZipf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		alpha float64 // as configured
		want  float64 // as used
	}{
		{"object_alpha unset means 0.8", 0, 0.8},
		{"object_alpha 1.2", 1.2, 1.2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := storyConfig(0)
			cfg.Spikes[0].ObjectAlpha = tc.alpha
			g := mustNew(t, cfg, 5)
			// Zipf range 0..999, the story 1000..1049, births from 1050.
			sp := g.Spikes()[0]
			if want := (SpikeInfo{Name: "breaking", Object: 1000, Objects: 50, Class: 1, At: 2 * sim.Hour, Home: "us-east", Volume: 40_000}); sp != want {
				t.Fatalf("Spikes()[0] = %+v, want %+v", sp, want)
			}
			counts := make([]int, 50)
			var n, home, births int
			drain(t, g, cfg, func(r *Request) {
				if r.Class != 1 {
					return
				}
				if r.Object >= 1050 {
					births++
					return
				}
				if r.Object < 1000 || r.Time < sp.At {
					t.Fatalf("article request %+v: not a birth, not the story", *r)
				}
				if r.Size != g.Size(1, r.Object) {
					t.Fatalf("request size %d, catalog says %d", r.Size, g.Size(1, r.Object))
				}
				counts[r.Object-1000]++
				n++
				if r.Metro <= 1 {
					home++
				}
			})
			if births == 0 {
				t.Fatal("no births: the story's IDs may overlap them")
			}
			if !withinSigmas(float64(n), 40_000, 200, 5) {
				t.Errorf("the story got %d requests, want 40000 ± 5σ", n)
			}
			z, _ := NewZipf(50, tc.want)
			exp := make([]float64, 50)
			for k := range exp {
				exp[k] = float64(n) * z.Prob(uint64(k+1))
			}
			stat, df := chiSquare(counts, exp)
			if crit := chiSquareCritical(df, 0.999); stat > crit {
				t.Errorf("chi-square %.1f > %.1f (df %d) against Zipf(50, %g); counts %v", stat, crit, df, tc.want, counts)
			}
			if f := float64(home) / float64(n); !withinSigmas(f, 0.7, math.Sqrt(0.21/float64(n)), 5) {
				t.Errorf("home share %.4f, want 0.7", f)
			}
		})
	}
}

// TestSpikeBrowsingGoesToTheOrdinaryMix compares a run with a story that
// browses 40% of its volume against the same seed without the spike. The
// zipf arrivals and draws are streams of their own, so every static request
// of the run without the spike is in the run with it at the same time; the
// static requests that are not are the spike's browsing, exactly.
func TestSpikeBrowsingGoesToTheOrdinaryMix(t *testing.T) {
	t.Parallel()
	const seed, volume, browse = 12, 40_000.0, 0.4
	cfg := storyConfig(browse)
	base := cfg
	base.Spikes = nil

	ordinary := map[sim.Time]uint64{} // static request times → objects
	var nBase int
	var articlesBase int
	drain(t, mustNew(t, base, seed), base, func(r *Request) {
		nBase++
		if r.Class == 0 {
			ordinary[r.Time] = r.Object
		} else {
			articlesBase++
		}
	})

	g := mustNew(t, cfg, seed)
	sp := g.Spikes()[0]
	var n, story, articles, staticBrowse, staticHome int
	z, _ := NewZipf(1000, 0.8)
	// The static browse requests binned by rank, against Zipf(1000, 0.8).
	const bins = 20
	rankBin := func(rank uint64) int { return min(int(math.Log(float64(rank))/math.Log(1000)*bins), bins-1) }
	var binObs [bins]int
	var binP [bins]float64
	for k := uint64(1); k <= 1000; k++ {
		binP[rankBin(k)] += z.Prob(k)
	}
	drain(t, g, cfg, func(r *Request) {
		n++
		switch {
		case r.Class == 1 && r.Object >= sp.Object && r.Object < sp.Object+sp.Objects:
			story++
		case r.Class == 1:
			articles++
		default:
			if obj, ok := ordinary[r.Time]; ok && obj == r.Object {
				return
			}
			if r.Time < sp.At {
				t.Fatalf("browse request before the spike: %+v", *r)
			}
			staticBrowse++
			binObs[rankBin(r.Object+1)]++
			if r.Metro <= 1 {
				staticHome++
			}
		}
	})
	if got := n - story - staticBrowse - articles; got != nBase-articlesBase {
		t.Fatalf("%d ordinary static requests with the spike, %d without", got, nBase-articlesBase)
	}
	// The story and the browsing are independent Poisson counts.
	if !withinSigmas(float64(story), volume*(1-browse), math.Sqrt(volume*(1-browse)), 5) {
		t.Errorf("story requests %d, want %.0f", story, volume*(1-browse))
	}
	// Articles are born and requested identically in both runs (births have
	// their own stream); only the last hour's objects, whose tails the end
	// cuts, may lose or gain a few requests by their reordered timing.
	browsed := float64(n - nBase - story)
	if !withinSigmas(browsed, volume*browse, math.Sqrt(volume*browse)+50, 5) {
		t.Errorf("browse requests %.0f (%d with the spike − %d without − %d to the story), want %.0f",
			browsed, n, nBase, story, volume*browse)
	}
	if total := float64(n - nBase); !withinSigmas(total, volume, math.Sqrt(volume)+50, 5) {
		t.Errorf("the spike added %.0f requests, want %.0f", total, volume)
	}
	// Classes by rate: static 10/s, articles 600/h × 20 = 3.33/s.
	const pStatic = 10 / (10 + 600.0/3600*20)
	if f := float64(staticBrowse) / browsed; !withinSigmas(f, pStatic, math.Sqrt(pStatic*(1-pStatic)/browsed)+0.005, 5) {
		t.Errorf("static share of browsing %.4f, want %.4f", f, pStatic)
	}
	exp := make([]float64, bins)
	obs := binObs[:]
	for i := range exp {
		exp[i] = float64(staticBrowse) * binP[i]
	}
	stat, df := chiSquare(obs, exp)
	if crit := chiSquareCritical(df, 0.999); stat > crit {
		t.Errorf("static browse ranks: chi-square %.1f > %.1f (df %d); %v", stat, crit, df, obs)
	}
	// Browsing keeps the spike's home-region mix.
	if f := float64(staticHome) / float64(staticBrowse); !withinSigmas(f, 0.7, math.Sqrt(0.21/float64(staticBrowse)), 5) {
		t.Errorf("home share of browsing %.4f, want 0.7", f)
	}
	// The browsed articles are ones the ordinary mix requests: born and
	// still live (the story is excluded above).
	if float64(articles-articlesBase) < 0.5*(1-pStatic)*browsed {
		t.Errorf("only %d more article requests with browsing, want ≈ %.0f", articles-articlesBase, (1-pStatic)*browsed)
	}
}

func TestBrowsedArticlesFollowTheirCurrentPopularity(t *testing.T) {
	t.Parallel()
	// No zipf class: all browsing picks recent articles by their volume,
	// so an article's share of the browsing in a 5-minute bin should be
	// close to its share of the ordinary requests in that bin. Checked on
	// the busiest tenth of the articles: uniform picks among live articles
	// would give them ~10% of the browsing instead of their ~50% of the
	// traffic.
	cfg := storyConfig(0.5)
	cfg.Classes = cfg.Classes[1:]
	cfg.Classes[0].Volume.Mean = 100 // 600/h × 100 = 16.7 requests/s
	cfg.Spikes[0].Objects = 1
	cfg.Spikes[0].Volume = 100_000
	base := cfg
	base.Spikes = nil
	const from, bin, bins = 2 * sim.Hour, 5 * sim.Minute, 24
	binOf := func(t sim.Time) int {
		if t < from || t >= from+bins*bin {
			return -1
		}
		return int((t - from) / bin)
	}
	var ordinary, with [bins]map[uint64]int
	for b := range bins {
		ordinary[b], with[b] = map[uint64]int{}, map[uint64]int{}
	}
	total := map[uint64]int{}
	drain(t, mustNew(t, base, 13), base, func(r *Request) {
		if b := binOf(r.Time); b >= 0 {
			ordinary[b][r.Object]++
			total[r.Object]++
		}
	})
	g := mustNew(t, cfg, 13)
	sp := g.Spikes()[0]
	// The spike's object takes an ID, so births shift by one: article k of
	// the base run is article k+1 here.
	drain(t, g, cfg, func(r *Request) {
		if b := binOf(r.Time); b >= 0 && r.Object != sp.Object {
			with[b][r.Object-1]++
		}
	})
	type oc struct {
		obj uint64
		n   int
	}
	var byCount []oc
	for obj, n := range total {
		byCount = append(byCount, oc{obj, n})
	}
	slices.SortFunc(byCount, func(a, b oc) int { return cmp.Or(b.n-a.n, cmp.Compare(a.obj, b.obj)) })
	top := map[uint64]bool{}
	for _, o := range byCount[:len(byCount)/10] {
		top[o.obj] = true
	}
	// Per bin: browse = with − ordinary over all articles and over the top.
	var nBrowse, topBrowse, topExpected float64
	for b := range bins {
		var ord, ordTop, br, brTop float64
		// An article's requests land at other times in the two runs (the
		// spike draws from the ordering stream too), so only sums over
		// many articles compare.
		for obj, n := range ordinary[b] {
			ord += float64(n)
			br -= float64(n)
			if top[obj] {
				ordTop += float64(n)
				brTop -= float64(n)
			}
		}
		for obj, n := range with[b] {
			br += float64(n)
			if top[obj] {
				brTop += float64(n)
			}
		}
		nBrowse += br
		topBrowse += brTop
		topExpected += br * ordTop / ord
	}
	if !withinSigmas(nBrowse, 49_000, 5*500, 1) {
		t.Fatalf("%.0f browse requests in the window, want ≈ 49000 (98%% of 50000)", nBrowse)
	}
	fb, fe := topBrowse/nBrowse, topExpected/nBrowse
	// Weighting by volume ignores an article's age within the pool (1024
	// births, 1.7 h here), which under-weights the newest, busiest
	// articles a little (0.429 against 0.435 measured); noise is ~0.006.
	if math.Abs(fb-fe) > 0.02 {
		t.Errorf("busiest tenth of articles got %.3f of the browsing, want %.3f (their share of ordinary requests, bin by bin)", fb, fe)
	}
	t.Logf("busiest tenth: %.3f of browsing, expected %.3f; %.0f browse requests", fb, fe, nBrowse)
}

func TestStorySpikeStreamIsDeterministicAndAllocationFree(t *testing.T) {
	// Not parallel: AllocsPerRun counts the whole process's allocations.
	cfg := storyConfig(0.4)
	cfg.Duration = 4 * time.Hour
	a, b := mustNew(t, cfg, 21), mustNew(t, cfg, 21)
	var ra, rb Request
	for i := 0; a.Next(&ra); i++ {
		if !b.Next(&rb) || ra != rb {
			t.Fatalf("request %d: %+v vs %+v", i, ra, rb)
		}
	}
	if b.Next(&rb) {
		t.Fatal("same seed: second stream is longer")
	}
	g := mustNew(t, cfg, 22)
	var r Request
	// Through the spike's peak: story and browse requests included.
	for g.Next(&r) && r.Time < 2*sim.Hour+5*sim.Minute {
	}
	if allocs := testing.AllocsPerRun(20_000, func() { g.Next(&r) }); allocs != 0 {
		t.Errorf("Next allocates %.2f times per request", allocs)
	}
}

func TestSpikeOnZipfRanksCoversRankToRankPlusObjects(t *testing.T) {
	t.Parallel()
	cfg := smallConfig()
	cfg.Duration = 6 * time.Hour
	cfg.Classes[0].Rate = 50
	cfg.Spikes = []Spike{{Name: "old-assets", At: time.Hour, Class: "static", Rank: 990, Objects: 10, Volume: 20_000, HalfLife: 15 * time.Minute}}
	g := mustNew(t, cfg, 6)
	if sp := g.Spikes()[0]; sp.Object != 990 || sp.Objects != 10 {
		t.Fatalf("spike objects %d+%d, want 990+10 (the last ten ranks of class 0)", sp.Object, sp.Objects)
	}
	var perObj [10]int
	drain(t, g, cfg, func(r *Request) {
		if r.Object >= 990 {
			perObj[r.Object-990]++
		}
	})
	catalog, _ := NewZipf(1000, 0.8)
	story, _ := NewZipf(10, 0.8)
	for k, n := range perObj {
		irm := 50 * 6 * 3600 * catalog.Prob(uint64(991+k))
		want := 20_000*story.Prob(uint64(k+1)) + irm
		if !withinSigmas(float64(n), want, math.Sqrt(want), 5) {
			t.Errorf("object %d: %d requests, want %.0f (%.0f IRM)", 990+k, n, want, irm)
		}
	}
}
