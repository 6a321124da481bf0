package workload

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"gonum.org/v1/gonum/stat/distuv"
)

// randomConfig is spikeConfig without its scheduled spike and with one
// random_spikes entry of rate spikes a day over days days, homed at random.
func randomConfig(days int, rate float64, vol Volume) Config {
	cfg := spikeConfig()
	cfg.Duration = time.Duration(days) * 24 * time.Hour
	cfg.Spikes = nil
	cfg.RandomSpikes = []RandomSpike{{
		Class: "articles", Rate: rate, Volume: vol, Objects: 5,
		Rise: 5 * time.Minute, HalfLife: 30 * time.Minute, HomeShare: 0.8,
	}}
	return cfg
}

func TestRandomSpikeCountsArePoissonOverManyDays(t *testing.T) {
	t.Parallel()
	const days, rate = 2000, 3.0
	cfg := randomConfig(days, rate, Volume{Mean: 100, Sigma: 1})
	g := mustNew(t, cfg, 7)
	sp := g.Spikes()
	if want := rate * days; !withinSigmas(float64(len(sp)), want, math.Sqrt(want), 4) {
		t.Errorf("%d spikes in %d days, want %.0f ± 4σ", len(sp), days, want)
	}
	// Spikes per day against Poisson(rate): independent increments with
	// the right dispersion, not just the right total.
	perDay := make([]int, days)
	for k, s := range sp {
		if s.At < 0 || s.At >= sim.Duration(cfg.Duration) {
			t.Fatalf("spike %d at %v, outside the stream", k, s.At)
		}
		if k > 0 && s.At < sp[k-1].At {
			t.Fatalf("spike %d at %v before spike %d at %v", k, s.At, k-1, sp[k-1].At)
		}
		perDay[s.At/(24*sim.Hour)]++
	}
	const maxK = 12
	obs := make([]int, maxK+1)
	for _, n := range perDay {
		obs[min(n, maxK)]++
	}
	p := distuv.Poisson{Lambda: rate}
	exp := make([]float64, maxK+1)
	for k := range maxK {
		exp[k] = days * p.Prob(float64(k))
	}
	exp[maxK] = days * (1 - p.CDF(maxK-1))
	stat, df := chiSquare(obs, exp)
	if crit := chiSquareCritical(df, 0.999); stat > crit {
		t.Errorf("spikes per day: chi-square %.1f > %.1f (df %d) against Poisson(%g); counts %v", stat, crit, df, rate, obs)
	}
}

func TestRandomSpikeVolumesHaveTheConfiguredMean(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		vol  Volume
		sd   float64 // of one volume
	}{
		{"lognormal mean 5000 sigma 1", Volume{Mean: 5000, Sigma: 1}, 5000 * math.Sqrt(math.E-1)},
		{"pareto mean 5000 shape 3", Volume{Dist: VolumePareto, Mean: 5000, Shape: 3}, 5000 / math.Sqrt(3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := mustNew(t, randomConfig(1000, 4, tc.vol), 8)
			var sum float64
			sp := g.Spikes()
			for _, s := range sp {
				if !(s.Volume > 0) {
					t.Fatalf("spike %s volume %g", s.Name, s.Volume)
				}
				sum += s.Volume
			}
			n := float64(len(sp))
			if mean := sum / n; !withinSigmas(mean, tc.vol.Mean, tc.sd/math.Sqrt(n), 5) {
				t.Errorf("mean volume %.0f over %d spikes, want %g ± 5σ", mean, len(sp), tc.vol.Mean)
			}
		})
	}
}

func TestRandomSpikesPickHomeRegionsByTheirMetroWeight(t *testing.T) {
	t.Parallel()
	// spikeConfig's regions: us-east 3+1, eu-west 4, ap-northeast 2.
	g := mustNew(t, randomConfig(1000, 4, Volume{Mean: 100}), 9)
	regions := []string{"us-east", "eu-west", "ap-northeast"}
	want := []float64{0.4, 0.4, 0.2}
	obs := make([]int, len(regions))
	sp := g.Spikes()
	for _, s := range sp {
		i := slices.Index(regions, s.Home)
		if i < 0 {
			t.Fatalf("spike %s has home %q", s.Name, s.Home)
		}
		obs[i]++
	}
	exp := make([]float64, len(want))
	for i, p := range want {
		exp[i] = p * float64(len(sp))
	}
	stat, df := chiSquare(obs, exp)
	if crit := chiSquareCritical(df, 0.999); stat > crit {
		t.Errorf("home regions %v of %d spikes: chi-square %.1f > %.1f against weights %v", obs, len(sp), stat, crit, want)
	}

	t.Run("a fixed home_region homes every spike there", func(t *testing.T) {
		cfg := randomConfig(30, 4, Volume{Mean: 100})
		cfg.RandomSpikes[0].HomeRegion = "ap-northeast"
		for _, s := range mustNew(t, cfg, 9).Spikes() {
			if s.Home != "ap-northeast" {
				t.Fatalf("spike %s home %q", s.Name, s.Home)
			}
		}
	})
	t.Run("home_share 0 and no home_region follow the normal mix", func(t *testing.T) {
		cfg := randomConfig(30, 4, Volume{Mean: 100})
		cfg.RandomSpikes[0].HomeShare = 0
		for _, s := range mustNew(t, cfg, 9).Spikes() {
			if s.Home != "" {
				t.Fatalf("spike %s home %q", s.Name, s.Home)
			}
		}
	})
}

// TestRandomSpikesDeliverTheirVolumeFromTheirHome drains a stream: each
// random spike's objects get Poisson(its volume × the share of its profile
// before the end) requests, home_share of them from its home region.
func TestRandomSpikesDeliverTheirVolumeFromTheirHome(t *testing.T) {
	t.Parallel()
	cfg := randomConfig(2, 6, Volume{Mean: 3000, Sigma: 0.5})
	cfg.Classes[0].Rate = 1
	cfg.Classes[1].BirthRate = 5
	g := mustNew(t, cfg, 10)
	sp := g.Spikes()
	if len(sp) < 4 {
		t.Fatalf("only %d spikes; pick another seed", len(sp))
	}
	region := make([]string, len(cfg.Metros))
	for i, m := range cfg.Metros {
		region[i] = m.Region
	}
	got := make([]int, len(sp))
	home := make([]int, len(sp))
	drain(t, g, cfg, func(r *Request) {
		for k, s := range sp {
			if r.Class == s.Class && r.Object >= s.Object && r.Object < s.Object+s.Objects {
				if r.Time < s.At {
					t.Fatalf("request %+v before its spike %s at %v", *r, s.Name, s.At)
				}
				got[k]++
				if region[r.Metro] == s.Home {
					home[k]++
				}
			}
		}
	})
	end := sim.Duration(cfg.Duration)
	var n, nHome int
	for k, s := range sp {
		p := newSpikeProfile(cfg.RandomSpikes[0].spike(0, 0, 0, ""))
		want := s.Volume * p.cdf(float64(end-s.At))
		if !withinSigmas(float64(got[k]), want, math.Sqrt(want), 5) {
			t.Errorf("%s: %d requests, want %.0f ± 5σ", s.Name, got[k], want)
		}
		if s.Name != "viral-"+strconv.Itoa(k+1) {
			t.Errorf("spike %d named %q", k, s.Name)
		}
		n += got[k]
		nHome += home[k]
	}
	// The away side draws only from metros outside the home region.
	if f := float64(nHome) / float64(n); !withinSigmas(f, 0.8, math.Sqrt(0.16/float64(n)), 5) {
		t.Errorf("home share %.4f of %d spike requests, want 0.8", f, n)
	}
}

func TestRandomSpikesAreDeterministicAndIndependentOfOtherSpikes(t *testing.T) {
	t.Parallel()
	cfg := randomConfig(60, 2, Volume{Mean: 500, Sigma: 1})
	a := mustNew(t, cfg, 11).Spikes()
	if b := mustNew(t, cfg, 11).Spikes(); !slices.Equal(a, b) {
		t.Fatal("same seed, different spikes")
	}
	if c := mustNew(t, cfg, 12).Spikes(); slices.Equal(a, c) {
		t.Fatal("different seeds, same spikes")
	}
	// A second entry and a scheduled spike leave the first entry's times,
	// volumes and homes as they were (its own stream), and the scheduled
	// spike is as it would be alone.
	more := cfg
	more.Spikes = spikeConfig().Spikes
	more.RandomSpikes = append(slices.Clip(cfg.RandomSpikes), RandomSpike{
		Name: "quake", Class: "articles", Rate: 1, Volume: Volume{Mean: 50}, HalfLife: time.Hour,
	})
	m := mustNew(t, more, 11).Spikes()
	if len(m) < len(a)+1 || m[0].Name != "breaking" {
		t.Fatalf("spikes %v", m)
	}
	for k, s := range a {
		o := m[k+1]
		if o.Name != s.Name || o.At != s.At || o.Volume != s.Volume || o.Home != s.Home {
			t.Fatalf("spike %d: %+v alone, %+v with other spikes", k, s, o)
		}
	}
	alone := spikeConfig()
	alone.Duration = cfg.Duration
	if s := mustNew(t, alone, 11).Spikes()[0]; s != m[0] {
		t.Errorf("scheduled spike %+v alone, %+v with random ones", s, m[0])
	}
	for _, s := range m[len(a)+1:] {
		if len(s.Name) < 6 || s.Name[:6] != "quake-" {
			t.Errorf("second entry's spike named %q", s.Name)
		}
	}
}

func TestExpectedRequestsCountsRandomSpikes(t *testing.T) {
	t.Parallel()
	cfg := randomConfig(100, 3, Volume{Mean: 1000, Sigma: 1})
	base := cfg
	base.RandomSpikes = nil
	// Half-lives of 30 minutes in 100 days: nearly every spike completes.
	got := cfg.ExpectedRequests() - base.ExpectedRequests()
	if want := 3 * 100 * 1000.0; math.Abs(got-want) > 0.001*want {
		t.Errorf("random spikes add %.0f expected requests, want %.0f", got, want)
	}
}

func TestRandomSpikeAndTableStreamIsAllocationFree(t *testing.T) {
	// Not parallel: AllocsPerRun counts the whole process's allocations.
	cfg := randomConfig(1, 24, Volume{Mean: 2000, Sigma: 1})
	cfg.RandomSpikes[0].Browse = 0.3
	cfg.Diurnal = Diurnal{Table: testTable()}
	g := mustNew(t, cfg, 13)
	var r Request
	for g.Next(&r) && r.Time < 3*sim.Hour {
	}
	if allocs := testing.AllocsPerRun(20_000, func() { g.Next(&r) }); allocs != 0 {
		t.Errorf("Next allocates %.2f times per request", allocs)
	}
}

// testTable is a day that is not a sinusoid: a quiet night, a flat working
// day and a sharp symmetric evening peak at 20:00.
func testTable() []float64 {
	return []float64{
		1, 0.8, 0.6, 0.5, 0.5, 0.6, 1, 1.5, // 0–7
		2, 2, 2, 2, 2, 2, 2, 2, // 8–15
		2, 2, 2, 3, 6, 3, 2, 1.5, // 16–23
	}
}

func TestDiurnalTableSetsHourlyLoadAndLocalPeak(t *testing.T) {
	t.Parallel()
	const rate = 20.0
	table := testTable()
	var mean float64
	for _, x := range table {
		mean += x / 24
	}
	cfg := smallConfig()
	cfg.Duration = 24 * time.Hour
	cfg.StartUTCHour = 2 // virtual hour h is UTC hour h+2
	cfg.Diurnal = Diurnal{Table: table}
	cfg.Metros = []Metro{
		{Name: "New York", Weight: 1, UTCOffset: -5},
		{Name: "Tokyo", Weight: 2, UTCOffset: 9},
	}
	cfg.Classes[0].Rate = rate
	counts := make([][24]int, len(cfg.Metros)) // by local hour
	drain(t, mustNew(t, cfg, 3), cfg, func(r *Request) {
		m := cfg.Metros[r.Metro]
		local := (int(r.Time/sim.Hour) + int(cfg.StartUTCHour) + int(m.UTCOffset) + 48) % 24
		counts[r.Metro][local]++
	})
	var total int
	for m, metro := range cfg.Metros {
		share := metro.Weight / 3
		obs := counts[m][:]
		exp := make([]float64, 24)
		for h := range 24 {
			// The mean of a linear segment over the hour.
			exp[h] = rate * 3600 * share * (table[h] + table[(h+1)%24]) / 2 / mean
			total += obs[h]
		}
		stat, df := chiSquare(obs, exp)
		if crit := chiSquareCritical(df, 0.999); stat > crit {
			t.Errorf("%s: hourly counts chi-square %.1f > %.1f (df %d); counts %v", metro.Name, stat, crit, df, obs)
		}
		// The peak: the load-weighted centre of local 17:00–23:00 is 20:00
		// (the table is symmetric about it there).
		var c, w float64
		for h := 17; h < 23; h++ {
			c += float64(obs[h]) * (float64(h) + 0.5)
			w += float64(obs[h])
		}
		if peak := c / w; math.Abs(peak-20) > 0.05 {
			t.Errorf("%s: evening peak at local %.3fh, want 20", metro.Name, peak)
		}
		if top := slices.Index(obs, slices.Max(obs)); top != 19 && top != 20 {
			t.Errorf("%s: busiest local hour %d, want 19 or 20 (the hours either side of 20:00)", metro.Name, top)
		}
	}
	// The daily mean is 1: a day's requests are rate × 86400.
	if want := rate * 86400; !withinSigmas(float64(total), want, math.Sqrt(want), 5) {
		t.Errorf("%d requests in a day, want %.0f", total, want)
	}
	if got, want := cfg.ExpectedRequests(), rate*86400; math.Abs(got-want) > 1e-3*want {
		t.Errorf("ExpectedRequests() = %.0f, want %.0f", got, want)
	}
}

func TestValidationMessagesOfTheNewKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		mutate func(c *Config)
		msg    string
	}{
		{"a short table", func(c *Config) { c.Diurnal.Table = make([]float64, 23) }, "diurnal.table: want 24 values, got 23"},
		{"table beside a sinusoid", func(c *Config) { c.Diurnal = Diurnal{Amplitude: 0.3, Table: testTable()} },
			"diurnal.table: give either table or amplitude and peak_hour, not both"},
		{"a zero rate", func(c *Config) { c.RandomSpikes[0].Rate = 0 }, "random_spikes[0].rate: must be > 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := randomConfig(1, 1, Volume{Mean: 10})
			tc.mutate(&cfg)
			err := cfg.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Error() != tc.msg {
				t.Errorf("Validate() = %v, want first error %q", err, tc.msg)
			}
		})
	}
}
