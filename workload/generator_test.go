package workload

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// smallConfig is one zipf class and one metro, flat load, one hour.
func smallConfig() Config {
	return Config{
		Duration: time.Hour,
		Metros:   []Metro{{Name: "A", Weight: 1}},
		Classes: []Class{{
			Name: "static", Prefix: "/s/", SizeMedian: 1000, Popularity: PopZipf,
			Objects: 1000, Alpha: 0.8, Rate: 100,
		}},
	}
}

// drain reads a whole stream, checking the Source contract on the way.
func drain(t *testing.T, g *Generator, cfg Config, f func(r *Request)) int {
	t.Helper()
	var r Request
	prev := sim.Time(0)
	n := 0
	end := sim.Duration(cfg.Duration)
	for g.Next(&r) {
		if r.Time < prev {
			t.Fatalf("request %d at %v before the previous one at %v", n, r.Time, prev)
		}
		if r.Time < 0 || r.Time >= end {
			t.Fatalf("request %d at %v outside [0, %v)", n, r.Time, end)
		}
		if int(r.Metro) >= len(cfg.Metros) || int(r.Class) >= len(cfg.Classes) || r.Size < 1 {
			t.Fatalf("request %d malformed: %+v", n, r)
		}
		prev = r.Time
		n++
		if f != nil {
			f(&r)
		}
	}
	if g.Next(&r) {
		t.Fatal("Next returned true after the end")
	}
	return n
}

func mustNew(t testing.TB, cfg Config, seed uint64) *Generator {
	t.Helper()
	g, err := New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// hourIntegral is ∫ of 1 + A·cos(2π(h − peak)/24) over the UTC hours
// [h0, h1), for a single metro at UTC offset off.
func hourIntegral(a, peak, off, h0, h1 float64) float64 {
	w := 2 * math.Pi / 24
	return (h1 - h0) + a/w*(math.Sin(w*(h1+off-peak))-math.Sin(w*(h0+off-peak)))
}

func TestZipfArrivalsPerHourArePoissonAroundTheDiurnalMean(t *testing.T) {
	t.Parallel()
	const rate, amp, peak, off = 20.0, 0.6, 15.0, -5.0
	cfg := smallConfig()
	cfg.Duration = 24 * time.Hour
	cfg.Diurnal = Diurnal{Amplitude: amp, PeakHour: peak}
	cfg.Metros[0].UTCOffset = off
	cfg.Classes[0].Rate = rate
	counts := make([]int, 24)
	drain(t, mustNew(t, cfg, 1), cfg, func(r *Request) { counts[r.Time/sim.Hour]++ })
	exp := make([]float64, 24)
	var stat float64
	for h := range 24 {
		exp[h] = rate * 3600 * hourIntegral(amp, peak, off, float64(h), float64(h+1))
		if !withinSigmas(float64(counts[h]), exp[h], math.Sqrt(exp[h]), 5) {
			t.Errorf("hour %d: %d requests, want %.0f ± 5σ", h, counts[h], exp[h])
		}
		stat += (float64(counts[h]) - exp[h]) * (float64(counts[h]) - exp[h]) / exp[h]
	}
	// All 24 hours jointly: the counts are independent Poisson variables.
	if crit := chiSquareCritical(24, 0.999); stat > crit {
		t.Errorf("chi-square over hours %.1f > %.1f; counts %v", stat, crit, counts)
	}
}

func TestEachMetroPeaksAtTheConfiguredLocalHour(t *testing.T) {
	t.Parallel()
	const amp, peak = 0.5, 20.0
	cfg := smallConfig()
	cfg.Duration = 24 * time.Hour
	cfg.StartUTCHour = 6 // virtual time 0 is 06:00 UTC
	cfg.Diurnal = Diurnal{Amplitude: amp, PeakHour: peak}
	cfg.Metros = []Metro{
		{Name: "New York", Weight: 1, UTCOffset: -5},
		{Name: "Tokyo", Weight: 1, UTCOffset: 9},
		{Name: "Mumbai", Weight: 2, UTCOffset: 5.5},
	}
	cfg.Classes[0].Rate = 30
	const bins = 24 * 6
	counts := make([][bins]float64, len(cfg.Metros))
	drain(t, mustNew(t, cfg, 2), cfg, func(r *Request) {
		counts[r.Metro][r.Time/(10*sim.Minute)]++
	})
	for m, metro := range cfg.Metros {
		// First Fourier component of the metro's counts over the UTC day.
		var c, s, sum float64
		for i, n := range counts[m] {
			utc := cfg.StartUTCHour + (float64(i)+0.5)/6
			w := 2 * math.Pi * utc / 24
			c += n * math.Cos(w)
			s += n * math.Sin(w)
			sum += n
		}
		peakUTC := math.Mod(math.Atan2(s, c)*24/(2*math.Pi)+48, 24)
		gotLocal := math.Mod(peakUTC+metro.UTCOffset+24, 24)
		if d := math.Abs(math.Remainder(gotLocal-peak, 24)); d > 0.25 {
			t.Errorf("%s peaks at local %.2fh, want %.0fh", metro.Name, gotLocal, peak)
		}
		// The relative amplitude of the fitted sinusoid is 2|F|/Σ.
		if gotAmp := 2 * math.Hypot(c, s) / sum; math.Abs(gotAmp-amp) > 0.03 {
			t.Errorf("%s amplitude %.3f, want %.2f", metro.Name, gotAmp, amp)
		}
	}
}

func decayConfig(profile string, vol Volume, lifetime time.Duration) Config {
	cfg := smallConfig()
	cfg.Classes = []Class{{
		Name: "articles", Prefix: "/news/", SizeMedian: 50_000, SizeSigma: 0.5,
		Popularity: PopDecay, BirthRate: 600, Volume: vol, Lifetime: lifetime,
		Profile: profile, ProfileShape: 2.5,
	}}
	return cfg
}

func TestDecayObjectsGetTheirVolumeOnAverage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		vol  Volume
		sd   float64 // standard deviation of one object's request count
	}{
		// Var(n) = E[V] + Var(V).
		{"lognormal mean 50 sigma 1", Volume{Mean: 50, Sigma: 1}, math.Sqrt(50 + 2500*(math.E-1))},
		{"pareto mean 50 shape 2.5", Volume{Dist: VolumePareto, Mean: 50, Shape: 2.5}, math.Sqrt(50 + 30*30*2.5/(1.5*1.5*0.5))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := decayConfig(ProfileExponential, tc.vol, 5*time.Minute)
			cfg.Duration = 24 * time.Hour
			g := mustNew(t, cfg, 3)
			perObj := map[uint64]int{}
			n := drain(t, g, cfg, func(r *Request) { perObj[r.Object]++ })
			births := float64(g.nextID) // no zipf classes or spikes: IDs are births
			// Objects born in the last few lifetimes lose their tail; that
			// loss is L/D of the total (∫ e^−(D−τ)/L dτ / D).
			want := tc.vol.Mean * (1 - float64(5*time.Minute)/float64(cfg.Duration))
			got := float64(n) / births
			if !withinSigmas(got, want, tc.sd/math.Sqrt(births), 5) {
				t.Errorf("%.2f requests per object over %.0f births, want %.2f", got, births, want)
			}
			// Births themselves: Poisson(600/h · 24h).
			if !withinSigmas(births, 14400, 120, 5) {
				t.Errorf("%.0f births, want 14400", births)
			}
			if len(perObj) > int(births) {
				t.Errorf("%d objects requested, only %.0f born", len(perObj), births)
			}
		})
	}
}

// singleObject returns a generator with one decay class that (practically)
// never gives birth, plus one object of n requests born at 0 pushed by hand,
// so its request times are exactly the profile's order statistics.
func singleObject(t *testing.T, c Class, n uint64) (*Generator, Config) {
	t.Helper()
	cfg := smallConfig()
	cfg.Duration = 100_000 * time.Hour // P(power-law age > D) ≈ 3e-8
	c.BirthRate = 1e-12
	cfg.Classes = []Class{c}
	g := mustNew(t, cfg, 4)
	g.push(0, 0, n, 0)
	return g, cfg
}

func TestProfilesMatchTheirDistributions(t *testing.T) {
	t.Parallel()
	const n = 100_000
	const L = float64(time.Hour)
	decay := Class{Name: "a", SizeMedian: 1, Popularity: PopDecay, Volume: Volume{Mean: 1}, Lifetime: time.Hour}
	spike := Spike{Rise: 20 * time.Minute, HalfLife: 30 * time.Minute}
	// CDFs written out independently of profile.cdf.
	for _, tc := range []struct {
		name    string
		profile string
		shape   float64
		cdf     func(a float64) float64
	}{
		{"exponential", ProfileExponential, 0, func(a float64) float64 { return 1 - math.Exp(-a/L) }},
		{"power law beta 2.5", ProfilePowerLaw, 2.5, func(a float64) float64 { return 1 - math.Pow(1+a/L, -1.5) }},
		{"rectangular", ProfileRectangular, 0, func(a float64) float64 { return math.Min(a/L, 1) }},
	} {
		t.Run(tc.name+" ages pass chi-square", func(t *testing.T) {
			c := decay
			c.Profile, c.ProfileShape = tc.profile, tc.shape
			g, cfg := singleObject(t, c, n)
			checkAges(t, g, cfg, n, tc.cdf, 10*L)
		})
	}
	t.Run("spike ramp then decay ages pass chi-square", func(t *testing.T) {
		c := decay
		g, cfg := singleObject(t, c, 0)
		g.srcs = append(g.srcs, source{prof: newSpikeProfile(spike), class: 0})
		g.push(0, 0, n, 1)
		rise, lam := float64(spike.Rise), math.Ln2/float64(spike.HalfLife)
		peak := 1 / (rise/2 + 1/lam) // density at the peak, per ns
		cdf := func(a float64) float64 {
			if a < rise {
				return peak * a * a / (2 * rise)
			}
			return peak*rise/2 + peak/lam*(1-math.Exp(-lam*(a-rise)))
		}
		checkAges(t, g, cfg, n, cdf, 20*float64(spike.HalfLife))
	})
	t.Run("each order statistic of a 3-request object has its exact mean", func(t *testing.T) {
		// Rényi: the k-th of n exponential ages has mean L·Σ_{j<k} 1/(n−j),
		// i.e. L/3, L(1/3+1/2), L(1/3+1/2+1). A wrong spacing recursion moves
		// mostly the last order statistics, which a pooled histogram of
		// ages cannot see.
		c := decay
		c.Profile = ProfileExponential
		g, cfg := singleObject(t, c, 0)
		const objects = 20_000
		for i := range uint64(objects) {
			g.push(i, sim.Time(i)*sim.Second, 3, 0)
		}
		seen := make([]uint8, objects)
		var sum, sum2 [3]float64
		drain(t, g, cfg, func(r *Request) {
			k := seen[r.Object]
			seen[r.Object]++
			x := float64(r.Time-sim.Time(r.Object)*sim.Second) / L
			sum[k] += x
			sum2[k] += x * x
		})
		want := [3]float64{1.0 / 3, 1.0/3 + 1.0/2, 1.0/3 + 1.0/2 + 1}
		vars := [3]float64{1.0 / 9, 1.0/9 + 1.0/4, 1.0/9 + 1.0/4 + 1}
		for k := range 3 {
			if m := sum[k] / objects; !withinSigmas(m, want[k], math.Sqrt(vars[k]/objects), 5) {
				t.Errorf("order statistic %d: mean age %.4f L, want %.4f L", k+1, m, want[k])
			}
		}
	})
	t.Run("the exponential profile's half-life is L ln 2", func(t *testing.T) {
		c := decay
		c.Profile = ProfileExponential
		g, cfg := singleObject(t, c, n)
		var ages []sim.Time
		drain(t, g, cfg, func(r *Request) { ages = append(ages, r.Time) })
		// Median age = half-life; the sample median's sd is
		// 1/(2 f(m) √n) = L/√n at f(m) = 1/(2L).
		med := float64(ages[len(ages)/2])
		if !withinSigmas(med, L*math.Ln2, L/math.Sqrt(n), 5) {
			t.Errorf("median age %v, want %v", time.Duration(med), time.Duration(time.Hour)*693/1000)
		}
		// And the rate halves every half-life: counts in successive
		// half-lives go n/2, n/4, n/8.
		var k [3]int
		for _, a := range ages {
			if i := int(float64(a) / (L * math.Ln2)); i < 3 {
				k[i]++
			}
		}
		for i, want := range []float64{n / 2, n / 4, n / 8} {
			p := want / n
			if !withinSigmas(float64(k[i]), want, math.Sqrt(n*p*(1-p)), 5) {
				t.Errorf("half-life %d: %d requests, want %.0f", i, k[i], want)
			}
		}
	})
}

// checkAges drains g (one object born at 0) and runs chi-square on its
// request ages in 50 equal-probability-free bins over [0, span).
func checkAges(t *testing.T, g *Generator, cfg Config, n int, cdf func(float64) float64, span float64) {
	t.Helper()
	const bins = 50
	obs := make([]int, bins+1)
	got := drain(t, g, cfg, func(r *Request) {
		i := int(float64(r.Time) / span * bins)
		obs[min(i, bins)]++
	})
	if got != n {
		t.Fatalf("%d requests, want %d", got, n)
	}
	exp := make([]float64, bins+1)
	for i := range bins {
		exp[i] = float64(n) * (cdf(span*float64(i+1)/bins) - cdf(span*float64(i)/bins))
	}
	exp[bins] = float64(n) * (1 - cdf(span))
	stat, df := chiSquare(obs, exp)
	if crit := chiSquareCritical(df, 0.999); stat > crit {
		t.Errorf("chi-square %.1f > %.1f (df %d)", stat, crit, df)
	}
}

func spikeConfig() Config {
	cfg := smallConfig()
	cfg.Duration = 12 * time.Hour
	cfg.Metros = []Metro{
		{Name: "New York", Weight: 3, UTCOffset: -5, Region: "us-east"},
		{Name: "Boston", Weight: 1, UTCOffset: -5, Region: "us-east"},
		{Name: "London", Weight: 4, UTCOffset: 0, Region: "eu-west"},
		{Name: "Tokyo", Weight: 2, UTCOffset: 9, Region: "ap-northeast"},
	}
	cfg.Classes = append(cfg.Classes, decayConfig(ProfileExponential, Volume{Mean: 20, Sigma: 1}, time.Hour).Classes[0])
	cfg.Classes[0].Rate = 10
	cfg.Spikes = []Spike{{
		Name: "breaking", At: 2 * time.Hour, Class: "articles", Volume: 40_000,
		Rise: 10 * time.Minute, HalfLife: 20 * time.Minute, HomeRegion: "us-east", HomeShare: 0.7,
	}}
	return cfg
}

func TestSpikeDeliversItsVolumeFromItsHomeRegion(t *testing.T) {
	t.Parallel()
	cfg := spikeConfig()
	g := mustNew(t, cfg, 5)
	sp := g.Spikes()
	if len(sp) != 1 {
		t.Fatalf("Spikes() = %v", sp)
	}
	// The spike's new article is the first ID after the zipf range.
	if want := (SpikeInfo{Name: "breaking", Object: 1000, Objects: 1, Class: 1, At: 2 * sim.Hour, Home: "us-east", Volume: 40_000}); sp[0] != want {
		t.Fatalf("Spikes()[0] = %+v, want %+v", sp[0], want)
	}
	var n, home, first int
	var perMetro [4]int
	var perMinute [12 * 60]int
	drain(t, g, cfg, func(r *Request) {
		if r.Object != sp[0].Object {
			return
		}
		if r.Class != 1 || r.Time < sp[0].At {
			t.Fatalf("spike request %+v", *r)
		}
		n++
		perMetro[r.Metro]++
		perMinute[r.Time/sim.Minute]++
		if r.Metro <= 1 {
			home++
		}
		if first == 0 {
			first = int(r.Time / sim.Minute)
		}
	})
	// n ~ Poisson(V); 10 h after the start of a 20-min half-life nothing
	// measurable is truncated.
	if !withinSigmas(float64(n), 40_000, 200, 5) {
		t.Errorf("spike object got %d requests, want 40000 ± 5σ", n)
	}
	if !withinSigmas(float64(home)/float64(n), 0.7, math.Sqrt(0.21/float64(n)), 5) {
		t.Errorf("home share %.4f, want 0.7", float64(home)/float64(n))
	}
	// Inside each side, metros split by weight: NY:Boston 3:1, London:Tokyo 2:1.
	if f := float64(perMetro[0]) / float64(home); !withinSigmas(f, 0.75, math.Sqrt(0.1875/float64(home)), 5) {
		t.Errorf("New York share of home %.3f, want 0.75", f)
	}
	if f := float64(perMetro[2]) / float64(n-home); !withinSigmas(f, 2.0/3, math.Sqrt(2.0/9/float64(n-home)), 5) {
		t.Errorf("London share of away %.3f, want 0.667", f)
	}
	// The rate peaks at the end of the ramp (At + Rise = minute 130).
	best := 0
	for i, c := range perMinute {
		if c > perMinute[best] {
			best = i
		}
	}
	if best < 127 || best > 133 {
		t.Errorf("busiest spike minute %d, want ≈ 130", best)
	}
}

func TestSpikeOnAZipfObjectAddsItsVolume(t *testing.T) {
	t.Parallel()
	cfg := smallConfig()
	cfg.Duration = 6 * time.Hour
	cfg.Classes[0].Rate = 50
	cfg.Spikes = []Spike{{Name: "old-asset", At: time.Hour, Class: "static", Rank: 499, Volume: 5000, HalfLife: 15 * time.Minute}}
	g := mustNew(t, cfg, 6)
	obj := g.Spikes()[0].Object
	if obj != 499 {
		t.Fatalf("spike object %d, want 499 (rank 499 of class 0)", obj)
	}
	var n int
	drain(t, g, cfg, func(r *Request) {
		if r.Object == obj {
			n++
		}
	})
	z, _ := NewZipf(1000, 0.8)
	base := 50 * 6 * 3600 * z.Prob(500) // IRM requests for that object
	if want := 5000 + base; !withinSigmas(float64(n), want, math.Sqrt(want), 5) {
		t.Errorf("%d requests for the spiked object, want %.0f (5000 + %.0f IRM)", n, want, base)
	}
}

func TestSameSeedSameStreamDifferentSeedDifferentStream(t *testing.T) {
	t.Parallel()
	cfg := NewsSpikeExample()
	cfg.Duration = 14 * time.Hour // past the spike
	if testing.Short() {
		cfg.Duration = 2 * time.Hour
		cfg.Spikes[0].At = time.Hour
	}
	a, b, c := mustNew(t, cfg, 7), mustNew(t, cfg, 7), mustNew(t, cfg, 8)
	var ra, rb, rc Request
	var n, same int
	for a.Next(&ra) {
		if !b.Next(&rb) || ra != rb {
			t.Fatalf("request %d: %+v vs %+v", n, ra, rb)
		}
		if c.Next(&rc) && ra == rc {
			same++
		}
		n++
	}
	if b.Next(&rb) {
		t.Fatal("same seed: second stream is longer")
	}
	if same > n/1000 {
		t.Errorf("different seeds: %d of %d requests identical", same, n)
	}
}

func TestNewsSpikeExampleIsAValidDayOfNews(t *testing.T) {
	t.Parallel()
	cfg := NewsSpikeExample()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Metros) < 35 {
		t.Errorf("%d metros", len(cfg.Metros))
	}
	exp := cfg.ExpectedRequests()
	if exp < 5.6e6 || exp > 6.2e6 {
		t.Errorf("ExpectedRequests %.0f, want ≈ 5.9M", exp)
	}
	if testing.Short() {
		return
	}
	g := mustNew(t, cfg, 1)
	var perClass [3]int
	var spike, maxLive int
	sp := g.Spikes()[0]
	n := drain(t, g, cfg, func(r *Request) {
		perClass[r.Class]++
		if r.Object >= sp.Object && r.Object < sp.Object+sp.Objects {
			spike++
		}
		maxLive = max(maxLive, g.Live())
	})
	// The article volumes are heavy-tailed (lognormal σ 1.5), so the total
	// varies by ~1% between seeds; 4% catches a wrong ExpectedRequests.
	if math.Abs(float64(n)/exp-1) > 0.04 {
		t.Errorf("%d requests, ExpectedRequests %.0f", n, exp)
	}
	// Static: 38.2/s a day plus its share of the spike's browsing.
	if f := float64(perClass[0]) / float64(n); f < 0.53 || f > 0.6 {
		t.Errorf("static share %.3f, want ≈ 0.56", f)
	}
	// The story's segments: 70% of 600k.
	if !withinSigmas(float64(spike), 420_000, math.Sqrt(420_000), 5) {
		t.Errorf("requests for the story's video %d, want ≈ 420000", spike)
	}
	// Articles live ~3h·ln(n): thousands of live objects at most, against
	// millions of requests.
	if maxLive > 10_000 {
		t.Errorf("max live objects %d", maxLive)
	}
	t.Logf("%d requests (expected %.0f), %v per class, spike %d, max live %d", n, exp, perClass, spike, maxLive)
}

func TestLiveObjectsStayBoundedOverALongRun(t *testing.T) {
	t.Parallel()
	// Rectangular profile: an object is live only within L of its birth, so
	// the live count never exceeds the births in the last L — Poisson with
	// mean rate·L = 600/h · 30 min = 300.
	cfg := decayConfig(ProfileRectangular, Volume{Mean: 200, Sigma: 0.5}, 30*time.Minute)
	cfg.Duration = 48 * time.Hour
	if testing.Short() {
		cfg.Duration = 12 * time.Hour
	}
	g := mustNew(t, cfg, 9)
	var maxLive, reqs int
	var lastHalf []int
	drain(t, g, cfg, func(r *Request) {
		maxLive = max(maxLive, g.Live())
		reqs++
		if reqs%10_000 == 0 && r.Time > sim.Duration(cfg.Duration)/2 {
			lastHalf = append(lastHalf, g.Live())
		}
	})
	if maxLive > 300+6*17 {
		t.Errorf("max live objects %d, want ≤ 402 (300 + 6σ)", maxLive)
	}
	var mean float64
	for _, l := range lastHalf {
		mean += float64(l)
	}
	mean /= float64(len(lastHalf))
	// Births uniform in the last L, each live until its last request ≈ L:
	// the steady state is ≈ rate·L, not a count growing with the run.
	if mean < 250 || mean > 330 {
		t.Errorf("mean live objects %.0f in the second half, want ≈ 300", mean)
	}
	// The wheel keeps at most a partly filled block per slot beyond its
	// items (sim.WheelSlack, 8,192), and its pool grows by doubling; the
	// run is born 29,000 objects.
	if g.live.Cap() > 2*(maxLive+sim.WheelSlack)+64 {
		t.Errorf("wheel capacity %d for at most %d live objects", g.live.Cap(), maxLive)
	}
}

func TestObjectIDsAndPaths(t *testing.T) {
	t.Parallel()
	cfg := spikeConfig()
	cfg.Classes = append(cfg.Classes, Class{
		Name: "api", Prefix: "/api/v1/", SizeMedian: 500, Popularity: PopZipf,
		Objects: 50, Alpha: 1, Rate: 5, Methods: []MethodShare{{Method: "POST", Share: 0.3}},
	})
	g := mustNew(t, cfg, 10)
	// Zipf ranges: static 0..999, api 1000..1049; spike article 1050;
	// births from 1051.
	if got := g.Spikes()[0].Object; got != 1050 {
		t.Errorf("spike object %d, want 1050", got)
	}
	if got := g.Path(2, 1003); got != "/api/v1/1003" {
		t.Errorf("Path = %q", got)
	}
	var post, api int
	drain(t, g, cfg, func(r *Request) {
		switch r.Class {
		case 0:
			if r.Object >= 1000 {
				t.Fatalf("static object %d", r.Object)
			}
		case 2:
			if r.Object < 1000 || r.Object >= 1050 {
				t.Fatalf("api object %d", r.Object)
			}
			api++
			if r.Method == POST {
				post++
			} else if r.Method != GET {
				t.Fatalf("api method %v", r.Method)
			}
		case 1:
			if r.Object < 1050 {
				t.Fatalf("article object %d", r.Object)
			}
		}
		if r.Class != 2 && r.Method != GET {
			t.Fatalf("class %d method %v", r.Class, r.Method)
		}
		if r.Size != g.Size(r.Class, r.Object) {
			t.Fatalf("request size %d, catalog says %d", r.Size, g.Size(r.Class, r.Object))
		}
	})
	// api share of zipf traffic is 5/15; POST 30% of that.
	if !withinSigmas(float64(post)/float64(api), 0.3, math.Sqrt(0.21/float64(api)), 5) {
		t.Errorf("POST share %.3f of %d api requests, want 0.3", float64(post)/float64(api), api)
	}
}

func TestValidateNamesTheOffendingKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		key    string
		mutate func(c *Config)
	}{
		{"duration", func(c *Config) { c.Duration = 0 }},
		{"diurnal.amplitude", func(c *Config) { c.Diurnal.Amplitude = 1 }},
		{"diurnal.peak_hour", func(c *Config) { c.Diurnal.PeakHour = 24 }},
		{"metros", func(c *Config) { c.Metros = nil }},
		{"metros[2].weight", func(c *Config) { c.Metros[2].Weight = 0 }},
		{"metros[0].utc_offset", func(c *Config) { c.Metros[0].UTCOffset = 15 }},
		{"classes[1].size_median", func(c *Config) { c.Classes[1].SizeMedian = 0 }},
		{"classes[0].alpha", func(c *Config) { c.Classes[0].Alpha = math.NaN() }},
		{"classes[0].popularity", func(c *Config) { c.Classes[0].Popularity = "lru" }},
		{"classes[1].lifetime", func(c *Config) { c.Classes[1].Lifetime = 0 }},
		{"classes[1].profile", func(c *Config) { c.Classes[1].Profile = "gaussian" }},
		{"classes[1].profile_shape", func(c *Config) { c.Classes[1].Profile, c.Classes[1].ProfileShape = ProfilePowerLaw, 1 }},
		{"classes[1].volume.shape", func(c *Config) { c.Classes[1].Volume = Volume{Dist: VolumePareto, Mean: 5, Shape: 1} }},
		{"classes[1].name", func(c *Config) { c.Classes[1].Name = "static" }},
		{"classes[0].methods[0].method", func(c *Config) { c.Classes[0].Methods = []MethodShare{{Method: "GET", Share: 0.1}} }},
		{"spikes[0].class", func(c *Config) { c.Spikes[0].Class = "video" }},
		{"spikes[0].home_region", func(c *Config) { c.Spikes[0].HomeRegion = "mars" }},
		{"spikes[0].half_life", func(c *Config) { c.Spikes[0].HalfLife = 0 }},
		{"spikes[0].rank", func(c *Config) { c.Spikes[0].Class, c.Spikes[0].Rank = "static", 1000 }},
		{"spikes[0].objects", func(c *Config) { c.Spikes[0].Class, c.Spikes[0].Rank, c.Spikes[0].Objects = "static", 990, 11 }},
		{"spikes[0].objects", func(c *Config) { c.Spikes[0].Objects = 1e8 + 1 }},
		{"spikes[0].object_alpha", func(c *Config) { c.Spikes[0].ObjectAlpha = -0.5 }},
		{"spikes[0].object_alpha", func(c *Config) { c.Spikes[0].ObjectAlpha = math.Inf(1) }},
		{"spikes[0].browse", func(c *Config) { c.Spikes[0].Browse = 1 }},
		{"spikes[0].browse", func(c *Config) { c.Spikes[0].Browse = math.NaN() }},
		{"diurnal.table", func(c *Config) { c.Diurnal.Table = make([]float64, 23) }},
		{"diurnal.table", func(c *Config) { c.Diurnal.PeakHour, c.Diurnal.Table = 14, testTable() }},
		{"diurnal.table[5]", func(c *Config) { c.Diurnal.Table = testTable(); c.Diurnal.Table[5] = 0 }},
		{"diurnal.table[0]", func(c *Config) { c.Diurnal.Table = testTable(); c.Diurnal.Table[0] = math.Inf(1) }},
		{"random_spikes[0].class", func(c *Config) { c.RandomSpikes[0].Class = "video" }},
		{"random_spikes[0].class", func(c *Config) { c.RandomSpikes[0].Class = "static" }},
		{"random_spikes[0].rate", func(c *Config) { c.RandomSpikes[0].Rate = 0 }},
		{"random_spikes[0].rate", func(c *Config) { c.RandomSpikes[0].Rate = math.NaN() }},
		{"random_spikes[0].rate", func(c *Config) { c.RandomSpikes[0].Rate = 1e7 }},
		{"random_spikes[0].volume.mean", func(c *Config) { c.RandomSpikes[0].Volume.Mean = 0 }},
		{"random_spikes[0].volume.shape", func(c *Config) { c.RandomSpikes[0].Volume = Volume{Dist: VolumePareto, Mean: 5, Shape: 1} }},
		{"random_spikes[0].volume.dist", func(c *Config) { c.RandomSpikes[0].Volume.Dist = "normal" }},
		{"random_spikes[0].objects", func(c *Config) { c.RandomSpikes[0].Objects = 1e8 + 1 }},
		{"random_spikes[0].object_alpha", func(c *Config) { c.RandomSpikes[0].ObjectAlpha = -1 }},
		{"random_spikes[0].browse", func(c *Config) { c.RandomSpikes[0].Browse = 1 }},
		{"random_spikes[0].rise", func(c *Config) { c.RandomSpikes[0].Rise = -time.Minute }},
		{"random_spikes[0].half_life", func(c *Config) { c.RandomSpikes[0].HalfLife = 0 }},
		{"random_spikes[0].home_region", func(c *Config) { c.RandomSpikes[0].HomeRegion = "mars" }},
		{"random_spikes[0].home_share", func(c *Config) { c.RandomSpikes[0].HomeShare = 1.5 }},
		{"random_spikes[0].home_share", func(c *Config) {
			// Random homes need region tags to pick from.
			c.Spikes = nil
			for i := range c.Metros {
				c.Metros[i].Region = ""
			}
		}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			cfg := spikeConfig()
			cfg.RandomSpikes = randomConfig(1, 2, Volume{Mean: 100, Sigma: 1}).RandomSpikes
			if err := cfg.Validate(); err != nil {
				t.Fatalf("base config invalid: %v", err)
			}
			tc.mutate(&cfg)
			err := cfg.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Key != tc.key {
				t.Fatalf("Validate() = %v, want an error for %s", err, tc.key)
			}
			if !strings.HasPrefix(err.Error(), tc.key+": ") {
				t.Errorf("message %q does not start with the key", err)
			}
			if _, err := New(cfg, 1); err == nil {
				t.Error("New accepted an invalid config")
			}
		})
	}
}
