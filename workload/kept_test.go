package workload

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// keptConfig is two zipf classes of different exponents and rates, on a
// flat load: a miniature's direct draw must weigh the kept ranks within a
// class and the classes against each other.
func keptConfig() Config {
	cfg := smallConfig()
	cfg.Classes = []Class{
		{Name: "web", Prefix: "/w/", SizeMedian: 1000, Popularity: PopZipf, Objects: 6000, Alpha: 0.8, Rate: 300},
		{Name: "api", Prefix: "/a/", SizeMedian: 100, Popularity: PopZipf, Objects: 400, Alpha: 1.1, Rate: 100},
	}
	return cfg
}

// keptWeights is, by brute force, each object's share of the kept zipf
// arrivals of cfg (in ID order) and their rate in requests/s: rate_c ·
// k^−α / Σ_all j^−α for every rank k that keep keeps, with exponent
// alpha(c) (the configured one, or a wrong one for the power checks).
func keptWeights(cfg Config, keep func(obj uint64) bool, alpha func(c int) float64) (objs []uint64, w []float64, rate float64) {
	var base uint64
	for c, cl := range cfg.Classes {
		a := alpha(c)
		var mass float64
		for k := cl.Objects; k >= 1; k-- {
			mass += math.Pow(float64(k), -a)
		}
		for k := uint64(1); k <= cl.Objects; k++ {
			if obj := base + k - 1; keep(obj) {
				x := cl.Rate * math.Pow(float64(k), -a) / mass
				objs, w, rate = append(objs, obj), append(w, x), rate+x
			}
		}
		base += cl.Objects
	}
	for i := range w {
		w[i] /= rate
	}
	return objs, w, rate
}

// TestMiniatureZipfTableHoldsExactlyTheKeptObjects: the table of a
// sample's kept zipf objects is, in ID order, one rank in every 1/R of
// each class: of ranks 1..1/R the one whose weight k^−α is nearest their
// mean, then ranks 1/R apart, the first in 1/R+1..2/R (systematic
// sampling); the objects Keeps reports; and its rate is the kept ranks'
// share of each class's requests.
func TestMiniatureZipfTableHoldsExactlyTheKeptObjects(t *testing.T) {
	t.Parallel()
	cfg := keptConfig()
	const seed = 21
	for _, step := range []uint64{2, 10, 100} {
		r := 1 / float64(step)
		s, _ := SampleSlice(r)
		g := mustNew(t, cfg, seed)
		g.SetSlice(s)
		objs, _, rate := keptWeights(cfg, g.Keeps, func(c int) float64 { return cfg.Classes[c].Alpha })
		if !slices.Equal(g.kept.objs, objs) {
			t.Errorf("R=%v: table holds %d objects, Keeps %d (or others)", r, len(g.kept.objs), len(objs))
		}
		if math.Abs(g.kept.rate-rate) > 1e-9*rate {
			t.Errorf("R=%v: kept rate %v requests/s, summed %v", r, g.kept.rate, rate)
		}
		var base uint64
		for _, cl := range cfg.Classes {
			var ranks []uint64
			for _, o := range objs {
				if o >= base && o < base+cl.Objects {
					ranks = append(ranks, o-base+1)
				}
			}
			if len(ranks) != int(cl.Objects/step) || ranks[0] != bruteHead(step, cl.Alpha) || len(ranks) > 1 && (ranks[1] <= step || ranks[1] > 2*step) {
				t.Errorf("R=%v %s: %d ranks from %v, want %d from %d, then one in %d..%d", r, cl.Name, len(ranks), ranks[:min(2, len(ranks))], cl.Objects/step, bruteHead(step, cl.Alpha), step+1, 2*step)
			}
			ranks = ranks[1:]
			for i := 1; i < len(ranks); i++ {
				if ranks[i]-ranks[i-1] != step {
					t.Fatalf("R=%v %s: kept ranks %d and %d, want %d apart", r, cl.Name, ranks[i-1], ranks[i], step)
				}
			}
			base += cl.Objects
		}
	}
	// Shards and the whole stream draw every arrival: no table.
	for _, s := range []Slice{{}, must(ShardSlice(1, 4))} {
		g := mustNew(t, cfg, seed)
		g.SetSlice(s)
		if g.kept != nil {
			t.Errorf("%v has a table of kept objects", s)
		}
	}
}

// bruteHead is, by brute force, the rank of 1..m whose weight k^−α is
// nearest the mean of the m weights, the first on a tie within rounding.
func bruteHead(m uint64, alpha float64) uint64 {
	var sum float64
	for k := uint64(1); k <= m; k++ {
		sum += math.Pow(float64(k), -alpha)
	}
	best := uint64(1)
	for k := uint64(2); k <= m; k++ {
		if math.Abs(math.Pow(float64(k), -alpha)-sum/float64(m)) < (1-1e-9)*math.Abs(math.Pow(float64(best), -alpha)-sum/float64(m)) {
			best = k
		}
	}
	return best
}

// TestTheHeadKeepsTheRankNearestItsMeanWeight: hand-computed heads. Of
// ranks 1..10 at α = 0.8 the weights k^−0.8 average 0.3565, nearest rank
// 4's 0.3299 (rank 3: 0.4152); of 1..100, 0.08134, nearest rank 23's
// 0.08140; of 1..20, rank 6; of 1..10 at α = 1, the harmonic H₁₀/10 =
// 0.2929, nearest 1/3; of 1..100 at α = 0.6, 0.1385, nearest rank 27's
// 0.1384; of 1..2, both equally near, rank 1. headSize is
// 1/R, and a catalogue smaller than it has no head: its ranks are drawn.
func TestTheHeadKeepsTheRankNearestItsMeanWeight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		m     uint64
		alpha float64
		want  uint64
	}{{10, 0.8, 4}, {100, 0.8, 23}, {20, 0.8, 6}, {10, 1, 3}, {100, 0.6, 27}, {1, 0.8, 1}, {2, 0.8, 1}} {
		z, err := NewZipf(1000, tc.alpha)
		if err != nil {
			t.Fatal(err)
		}
		if got := nearestMean(tc.m, func(k uint64) float64 { return z.h(float64(k)) }); got != tc.want {
			t.Errorf("the head of %d at α=%v keeps rank %d, want %d", tc.m, tc.alpha, got, tc.want)
		}
	}
	for _, tc := range []struct {
		r    float64
		want uint64
	}{{0.1, 10}, {0.01, 100}, {0.3, 3}, {1, 1}} {
		if got := headSize(tc.r); got != tc.want {
			t.Errorf("headSize(%v) = %d, want %d", tc.r, got, tc.want)
		}
	}
	cfg := keptConfig()
	cfg.Classes[1].Objects = 15 // under 1/R = 20: no head
	s, _ := SampleSlice(0.05)
	kept := 0
	for seed := uint64(1); seed <= 40; seed++ {
		g := mustNew(t, cfg, seed)
		g.SetSlice(s)
		if h := g.zipfs[0].hd; len(h.keep) != 1 || h.keep[0] != 6 || h.m != 20 {
			t.Fatalf("web: head %v of %d, want %d of 20", h.keep, h.m, bruteHead(20, 0.8))
		}
		if g.zipfs[1].hd.m != 0 {
			t.Fatalf("api of 15 objects: a head of %d", g.zipfs[1].hd.m)
		}
		for k := range uint64(15) {
			if g.Keeps(6000 + k) {
				kept++
			}
		}
	}
	// Each seed keeps one of the 15 with probability 0.75: 30 ± 2.7.
	if kept < 20 || kept > 40 {
		t.Errorf("api: %d objects kept over 40 seeds, want about 30", kept)
	}
}

func must(s Slice, err error) Slice {
	if err != nil {
		panic(err)
	}
	return s
}

// TestMiniatureZipfRequestsFollowTheKeptWeights: a sample's zipf requests
// fall on its kept objects only, each with probability rate_c·k^−α/mass_c
// renormalised over the kept set (chi-square), and a sample drawn with a
// wrong exponent in one class would be rejected by the same test.
func TestMiniatureZipfRequestsFollowTheKeptWeights(t *testing.T) {
	t.Parallel()
	cfg := keptConfig()
	cfg.Duration = 4 * time.Hour
	const seed = 8
	for _, r := range []float64{0.2, 0.03} {
		t.Run(fmt.Sprintf("R=%v", r), func(t *testing.T) {
			t.Parallel()
			s, _ := SampleSlice(r)
			conf := func(c int) float64 { return cfg.Classes[c].Alpha }
			g := mustNew(t, cfg, seed)
			g.SetSlice(s)
			objs, w, _ := keptWeights(cfg, g.Keeps, conf)
			idx := map[uint64]int{}
			for i, o := range objs {
				idx[o] = i
			}
			obs := make([]int, len(objs))
			n := drain(t, g, cfg, func(q *Request) {
				i, ok := idx[q.Object]
				if !ok {
					t.Fatalf("object %d is not kept", q.Object)
				}
				obs[i]++
			})
			exp := func(w []float64) []float64 {
				e := make([]float64, len(w))
				for i := range w {
					e[i] = float64(n) * w[i]
				}
				return e
			}
			stat, df := chiSquare(obs, exp(w))
			if crit := chiSquareCritical(df, 0.999); stat > crit {
				t.Errorf("chi-square %.1f > %.1f (df %d, %d requests)", stat, crit, df, n)
			}
			// Power: α 0.85 in place of 0.8 for the larger class.
			_, wrong, _ := keptWeights(cfg, g.Keeps, func(c int) float64 { return conf(c) + 0.05*float64(1-c) })
			if stat, df := chiSquare(obs, exp(wrong)); stat < 2*chiSquareCritical(df, 0.999) {
				t.Errorf("not rejected against a wrong exponent: chi-square %.1f (df %d)", stat, df)
			}
		})
	}
}

// TestMiniatureZipfArrivalsComeAtTheKeptRate: a sample's zipf arrivals
// are Poisson at the kept objects' rate, through the daily curve: each
// hour's count is within 5σ of rate_kept·3600·(the hour's diurnal factor)
// and all 24 pass a chi-square test together.
func TestMiniatureZipfArrivalsComeAtTheKeptRate(t *testing.T) {
	t.Parallel()
	const amp, peak, off, r = 0.6, 15.0, -5.0, 0.05
	cfg := keptConfig()
	cfg.Classes[1].Objects = 15
	cfg.Duration = 24 * time.Hour
	cfg.Diurnal = Diurnal{Amplitude: amp, PeakHour: peak}
	cfg.Metros[0].UTCOffset = off
	s, _ := SampleSlice(r)
	// The first seed whose kept ranks' share of the mass is visibly not
	// R: the api class, smaller than 1/R, has no head, and holds one
	// object (at many times its share) or none.
	var g *Generator
	var rate float64
	for seed := uint64(1); g == nil; seed++ {
		if seed > 20 {
			t.Fatal("no seed of 20 keeps a share of the mass visibly not R")
		}
		g = mustNew(t, cfg, seed)
		g.SetSlice(s)
		_, _, rate = keptWeights(cfg, g.Keeps, func(c int) float64 { return cfg.Classes[c].Alpha })
		if math.Abs(rate/400-r) < 0.2*r {
			g = nil
		}
	}
	counts := make([]int, 24)
	drain(t, g, cfg, func(q *Request) { counts[q.Time/sim.Hour]++ })
	var stat float64
	for h := range 24 {
		e := rate * 3600 * hourIntegral(amp, peak, off, float64(h), float64(h+1))
		if !withinSigmas(float64(counts[h]), e, math.Sqrt(e), 5) {
			t.Errorf("hour %d: %d requests, want %.0f ± 5σ", h, counts[h], e)
		}
		stat += (float64(counts[h]) - e) * (float64(counts[h]) - e) / e
	}
	if crit := chiSquareCritical(24, 0.999); stat > crit {
		t.Errorf("chi-square over hours %.1f > %.1f; counts %v", stat, crit, counts)
	}
}

// TestASamplesBirthsAreTheWholeStreamsOfItsObjects: a sample draws every
// birth of the whole stream and emits the requests of the born objects it
// keeps exactly as the whole stream has them, and eachBirth (which ranks
// them) sees the same births: an object born more than two hours before
// the end (lifetime 5 min) gets its n requests, all of them.
func TestASamplesBirthsAreTheWholeStreamsOfItsObjects(t *testing.T) {
	t.Parallel()
	const r, seed = 0.1, 6
	cfg := decayConfig(ProfileExponential, Volume{Mean: 50, Sigma: 1}, 5*time.Minute)
	cfg.Duration = 12 * time.Hour
	s, _ := SampleSlice(r)
	g := mustNew(t, cfg, seed)
	g.SetSlice(s)
	var whole, kept, sample []Request
	drain(t, mustNew(t, cfg, seed), cfg, func(q *Request) { whole = append(whole, *q) })
	perObj := map[uint64]uint64{}
	for _, q := range whole {
		perObj[q.Object]++
		if g.Keeps(q.Object) {
			kept = append(kept, q)
		}
	}
	drain(t, g, cfg, func(q *Request) { sample = append(sample, *q) })
	if len(kept) == 0 || !slices.Equal(kept, sample) {
		t.Fatalf("the sample's %d requests are not the whole stream's %d of its objects", len(sample), len(kept))
	}
	births, checked := uint64(0), 0
	g.eachBirth(func(_ int, at sim.Time, n uint64) {
		obj := g.bornBase + births
		births++
		if at < sim.Duration(cfg.Duration)-2*sim.Hour {
			checked++
			if perObj[obj] != n {
				t.Fatalf("object %d born at %v: %d requests in the stream, eachBirth says %d", obj, at, perObj[obj], n)
			}
		}
	})
	if births != g.nextID || checked < 5000 {
		t.Errorf("eachBirth saw %d births (%d checked), the stream %d", births, checked, g.nextID)
	}
}

// TestASampleKeepsOneBirthInEveryStratumOfVolume: ranked by expected
// requests in the measured period (bins of 2^(1/16), birth order within
// one), a sample at R = 0.1 keeps exactly one birth in each run of ten
// ranks of each class: of the first ten, the one whose volume is nearest
// their mean; after them, every tenth from an offset; the kept births' volume
// in the period is a tenth of the whole stream's within the largest
// birth's; and the tally's whole-stream figures are the births' volumes
// in the period, kept or not.
func TestASampleKeepsOneBirthInEveryStratumOfVolume(t *testing.T) {
	t.Parallel()
	const r = 0.1
	cfg := decayConfig(ProfileExponential, Volume{Mean: 300, Sigma: 1.5}, 3*time.Hour)
	pareto := cfg.Classes[0]
	pareto.Name, pareto.Prefix, pareto.BirthRate = "clips", "/v/", 60
	pareto.Volume = Volume{Dist: VolumePareto, Mean: 2000, Shape: 1.5}
	cfg.Classes = append(cfg.Classes, pareto)
	cfg.Duration = 48 * time.Hour
	from := 24 * sim.Hour
	s, _ := SampleSlice(r)
	type birth struct {
		m    float64
		bin  uint16
		kept bool
	}
	for seed := uint64(1); seed <= 3; seed++ {
		g := mustNew(t, cfg, seed)
		g.SetSlice(s)
		g.SetMeasured(from)
		byClass := make([][]birth, len(cfg.Classes))
		total, kept, largest, bytes := make([]float64, 2), make([]float64, 2), make([]float64, 2), make([]float64, 2)
		obj := g.bornBase
		g.eachBirth(func(i int, at sim.Time, n uint64) {
			c := g.births[i].class
			m := float64(n) * g.inPeriod(&g.srcs[g.births[i].src].prof, at)
			byClass[c] = append(byClass[c], birth{m: m, bin: bornBin(m), kept: g.Keeps(obj)})
			total[c] += m
			bytes[c] += m * float64(g.Size(c, obj))
			largest[c] = max(largest[c], m)
			if g.Keeps(obj) {
				kept[c] += m
			}
			obj++
		})
		tally := g.SampleTally()
		for c, bs := range byClass {
			if len(bs) < 1000 {
				t.Fatalf("seed %d, class %d: %d births", seed, c, len(bs))
			}
			slices.SortStableFunc(bs, func(a, b birth) int { return int(b.bin) - int(a.bin) })
			ws, keeps := make([]float64, len(bs)), make([]bool, len(bs))
			for k, b := range bs {
				ws[k], keeps[k] = b.m, b.kept
			}
			checkRanked(t, fmt.Sprintf("seed %d, class %d", seed, c), ws, keeps, 10)
			if d := math.Abs(kept[c]/r - total[c]); d > largest[c]/r {
				t.Errorf("seed %d, class %d: kept volume / R %.0f, whole %.0f: off by more than the largest birth / R (%.0f)", seed, c, kept[c]/r, total[c], largest[c]/r)
			}
			if got := tally[c]; math.Abs(got.FullRequests-total[c]) > 1e-6*total[c] || math.Abs(got.FullBytes-bytes[c]) > 1e-6*bytes[c] {
				t.Errorf("seed %d, class %d: tally %.0f requests, %.0f bytes; the births' volumes %.0f, %.0f", seed, c, got.FullRequests, got.FullBytes, total[c], bytes[c])
			}
		}
	}
}

func TestBornBinsDoubleEverySixteen(t *testing.T) {
	for _, tc := range []struct {
		m    float64
		want uint16
	}{
		{0, 0}, {-1, 0}, {math.NaN(), 0}, {1e-30, 0},
		{1, 40 * 16}, {2, 41 * 16}, {1.999, 41*16 - 1}, {math.Pow(2, 1.0/16), 40*16 + 1},
		{math.Ldexp(1, -40), 0}, {1e30, bornBins - 1},
	} {
		if got := bornBin(tc.m); got != tc.want {
			t.Errorf("bornBin(%v) = %d, want %d", tc.m, got, tc.want)
		}
	}
}

func TestZipfMassIsTheSum(t *testing.T) {
	t.Parallel()
	for _, n := range []uint64{1, 4096, 4097, 1_000_000} {
		for _, alpha := range []float64{0.6, 1.0, 1.3} {
			z, _ := NewZipf(n, alpha)
			var exact float64
			for k := n; k >= 1; k-- {
				exact += math.Pow(float64(k), -alpha)
			}
			if math.Abs(z.mass-exact) > 1e-12*exact {
				t.Errorf("N %d alpha %v: mass %v, summed %v", n, alpha, z.mass, exact)
			}
		}
	}
}

// TestWideAliasMatchesWeights: the table of up to 2³² outcomes draws each
// with its weight's share, a zero weight never.
func TestWideAliasMatchesWeights(t *testing.T) {
	t.Parallel()
	const m, n = 70_000, 2_000_000 // more outcomes than a uint16 holds
	w := make([]float64, m)
	r := sim.NewRand(3, "test/wide-alias")
	var sum float64
	for i := range w {
		if i%7 != 3 {
			w[i] = 1 + 9*r.Float64()
			sum += w[i]
		}
	}
	var a aliasOf[uint32]
	a.build(w)
	obs := make([]int, m)
	for range n {
		obs[a.sampleWide(r)]++
	}
	var o []int
	var e []float64
	for i := range w {
		if w[i] == 0 {
			if obs[i] != 0 {
				t.Fatalf("zero-weight outcome %d drawn %d times", i, obs[i])
			}
			continue
		}
		o, e = append(o, obs[i]), append(e, n*w[i]/sum)
	}
	stat, df := chiSquare(o, e)
	if crit := chiSquareCritical(df, 0.999); stat > crit {
		t.Errorf("chi-square %.1f > %.1f (df %d)", stat, crit, df)
	}
}

// tallyConfigs are the two ways a sample draws decay objects: a class
// that browsing follows (births all drawn, the kept ones requested) with
// spikes of 50 and 5 objects, and classes whose births are thinned, with
// a spike of one object; both with a daily curve and Zipf classes.
func tallyConfigs() map[string]Config {
	a := sampleConfig()
	a.Diurnal = Diurnal{Amplitude: 0.5, PeakHour: 1}
	b := decayConfig(ProfileExponential, Volume{Mean: 40, Sigma: 1}, 20*time.Minute)
	b.Duration = 3 * time.Hour
	b.Diurnal = Diurnal{Amplitude: 0.5, PeakHour: 2}
	b.Classes[0].BirthDiurnal = true
	b.Classes = append(b.Classes, keptConfig().Classes...)
	b.Classes[1].SizeSigma = 1.2 // the head's sizes, not the mean's, make a Zipf class's bytes
	a.Classes[0].SizeSigma = 1.2
	b.Spikes = []Spike{{Name: "one", At: 70 * time.Minute, Class: "articles", Volume: 20_000,
		Rise: 5 * time.Minute, HalfLife: 20 * time.Minute}}
	return map[string]Config{"browsed births and spikes": a, "thinned births and a one-object spike": b}
}

// TestSampleTallyCountsTheSampleAndExpectsTheWholeStream: a sample's tally
// counts exactly its own requests in the measured period, per class, and
// expects the whole stream's there: each class's count in the unsampled
// stream is within 5σ of Full (Poisson noise, and the volumes' where the
// sample does not see every birth), its bytes within 5%.
func TestSampleTallyCountsTheSampleAndExpectsTheWholeStream(t *testing.T) {
	t.Parallel()
	for name, cfg := range tallyConfigs() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const seed = 12
			from := sim.Duration(cfg.Duration / 4)
			type count struct{ n, bytes float64 }
			tallyOf := func(g *Generator) []count {
				c := make([]count, len(cfg.Classes))
				drain(t, g, cfg, func(q *Request) {
					if q.Time >= from {
						c[q.Class].n++
						c[q.Class].bytes += float64(q.Size)
					}
				})
				return c
			}
			whole := tallyOf(mustNew(t, cfg, seed))
			for _, r := range []float64{0.3, 0.05} {
				s, _ := SampleSlice(r)
				g := mustNew(t, cfg, seed)
				g.SetMeasured(from)
				g.SetSlice(s)
				own := tallyOf(g)
				tl := g.SampleTally()
				for c, cl := range cfg.Classes {
					k := tl[c]
					if k.KeptRequests != own[c].n || math.Abs(k.KeptBytes-own[c].bytes) > 1e-6*own[c].bytes {
						t.Errorf("R=%v %s: kept %v requests, %v bytes; the sample has %v, %v", r, cl.Name, k.KeptRequests, k.KeptBytes, own[c].n, own[c].bytes)
					}
					sd := math.Sqrt(k.FullRequests)
					if cl.Popularity == PopDecay && strings.HasPrefix(name, "thinned") {
						// Thinned births: Full is the expectation over the
						// volumes too: Var = births·E[n²], E[n²] = m²e^σ² + m.
						v := cl.Volume
						births := k.FullRequests / v.Mean
						sd = math.Sqrt(births * (v.Mean*v.Mean*math.Exp(v.Sigma*v.Sigma) + v.Mean))
						sd = math.Hypot(sd, math.Sqrt(cfg.Spikes[0].Volume)) // and the spike's Poisson volume
					}
					if !withinSigmas(whole[c].n, k.FullRequests, sd, 5) {
						t.Errorf("R=%v %s: Full %.0f requests, the whole stream has %.0f (σ %.0f)", r, cl.Name, k.FullRequests, whole[c].n, sd)
					}
					if got, want := k.FullBytes/k.FullRequests, whole[c].bytes/whole[c].n; math.Abs(got-want) > 0.05*want {
						t.Errorf("R=%v %s: Full %.0f bytes a request, the whole stream %.0f", r, cl.Name, got, want)
					}
				}
			}
		})
	}
}

// checkRanked checks what a sample keeps of a ranking (weights ws, most
// first; kept): of its head, ranks 0..step−1, one, the rank whose weight
// is nearest their mean (the first on a tie within rounding); after it,
// the ranks step apart from one in step..2·step−1.
func checkRanked(t *testing.T, what string, ws []float64, kept []bool, step int) {
	t.Helper()
	var mean float64
	for _, w := range ws[:step] {
		mean += w / float64(step)
	}
	head := 0
	for k := range step {
		if math.Abs(ws[k]-mean) < (1-1e-9)*math.Abs(ws[head]-mean) {
			head = k
		}
	}
	second := -1
	for k, ok := range kept {
		switch {
		case k < step && ok != (k == head):
			t.Fatalf("%s: rank %d of the head kept: %v; the head's nearest its mean is %d", what, k, ok, head)
		case k >= step && ok && second < 0:
			second = k
			if second >= 2*step {
				t.Fatalf("%s: the first kept rank after the head is %d", what, second)
			}
		case k >= step && second >= 0 && ok != ((k-second)%step == 0):
			t.Fatalf("%s: rank %d kept: %v; the first after the head was %d", what, k, ok, second)
		}
	}
	if len(kept) >= 2*step && second < 0 {
		t.Fatalf("%s: nothing kept after the head", what)
	}
}

// TestASampleKeepsASpikesObjectsByExpectedBytes: a spike's objects in a
// decay class are ranked by their expected bytes (Zipf share k^−0.8 times
// the object's size, lognormal σ = 0.5 here), and a sample at R = 0.1
// keeps one in every ten of that ranking: of the first ten, the one whose
// expected bytes are nearest their mean, then every tenth from an offset
// (checkRanked); the story's 50 objects give 5, whose expected bytes times
// ten are the story's within its largest object's; a random spike's 5
// objects, none or one. The ranking is not the Zipf's: sizes reorder it,
// so keeping every tenth rank by popularity fails this test.
func TestASampleKeepsASpikesObjectsByExpectedBytes(t *testing.T) {
	t.Parallel()
	s, _ := SampleSlice(0.1)
	for seed := uint64(1); seed <= 4; seed++ {
		g := mustNew(t, sampleConfig(), seed)
		g.SetSlice(s)
		sp := g.Spikes()
		if len(sp) < 2 || sp[0].Objects != 50 {
			t.Fatalf("spikes %+v: want the story and random spikes", sp)
		}
		for i, x := range sp {
			type obj struct {
				bytes float64
				kept  bool
			}
			objs := make([]obj, x.Objects)
			var total, kept, largest float64
			for k := range x.Objects {
				b := math.Pow(float64(k+1), -0.8) * float64(g.Size(x.Class, x.Object+k))
				objs[k] = obj{b, g.Keeps(x.Object + k)}
				total += b
				largest = max(largest, b)
				if objs[k].kept {
					kept += b
				}
			}
			slices.SortStableFunc(objs, func(a, b obj) int { return cmp.Compare(b.bytes, a.bytes) })
			ws, keeps := make([]float64, len(objs)), make([]bool, len(objs))
			for k, o := range objs {
				ws[k], keeps[k] = o.bytes, o.kept
			}
			if i > 0 {
				if n := len(slices.DeleteFunc(keeps, func(k bool) bool { return !k })); n > 1 {
					t.Errorf("seed %d, random spike %d: %d of 5 objects kept, want at most one", seed, i, n)
				}
				continue
			}
			checkRanked(t, fmt.Sprintf("seed %d, story", seed), ws, keeps, 10)
			if d := math.Abs(10*kept - total); d > largest*10 {
				t.Errorf("seed %d, story: kept expected bytes ×10 = %.0f, the story's %.0f: off by more than its largest ×10", seed, 10*kept, total)
			}
		}
	}
}

// TestKeepsRankedKeepsAsManyAsSystematic: whatever the rate and offset,
// a ranking with a head keeps exactly one of its first m = ⌊1/R⌋ ranks
// (the head), and as many ranks in all as systematic sampling keeps, the
// head taking the place of its first pick (which may fall just after the
// head when 1/R is not whole: R = 0.3, m = 3, first pick 4).
func TestKeepsRankedKeepsAsManyAsSystematic(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 2000 {
		r := []float64{0.3, 0.999, 0.5, 0.01}[trial%4]
		if trial >= 4 {
			r = math.Max(rng.Float64(), 1e-3)
		}
		u := rng.Float64()
		m := headSize(r)
		n := m*uint64(1+rng.IntN(5)) + uint64(rng.IntN(int(m)+1))
		head := 1 + uint64(rng.IntN(int(m)))
		var kept, sys, inHead uint64
		for k := uint64(1); k <= n; k++ {
			if keepsRanked(k, &headOf{m: m, keep: []uint64{head}}, r, u) {
				kept++
				if k <= m {
					inHead++
				}
			}
			if systematic(k, r, u) {
				sys++
			}
		}
		// Systematic sampling's first pick lies in 1..⌈1/R⌉; when it lies
		// past n there is nothing to replace.
		if first := uint64(math.Ceil((1 - u) / r)); first > n {
			sys++
		}
		if inHead != 1 || kept != sys {
			t.Fatalf("R=%v u=%v m=%d n=%d head=%d: kept %d (%d in the head), systematic %d", r, u, m, n, head, kept, inHead, sys)
		}
	}
}
