package topology

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/workload"
)

// sydneyWorld is a viewer in Sydney and POPs in Sydney (price class All),
// Tokyo (200), Los Angeles and Frankfurt (100), with the model's plain
// latency: great circle, no inflation, 200 km/ms, 1 ms a hop.
func sydneyWorld() Config {
	cfg := line()
	cfg.Metros = []Metro{{Name: "Sydney", Lat: -33.87, Lon: 151.21}}
	pop := func(name string, lat, lon float64, c PriceClass) POP {
		return POP{Name: name, Lat: lat, Lon: lon, Region: "reg", PriceClass: c, Cache: CacheSpec{Capacity: 1 << 20}}
	}
	cfg.POPs = []POP{
		pop("SYD", -33.95, 151.18, PriceClassAll),
		pop("NRT", 35.77, 140.39, PriceClass200),
		pop("LAX", 33.94, -118.41, PriceClass100),
		pop("FRA", 50.03, 8.57, PriceClass100),
	}
	return cfg
}

func TestPriceClassServesFromTheNearestPOPInTheClass(t *testing.T) {
	t.Parallel()
	// RTTs from Sydney (-33.87, 151.21), haversine with R = 6371 km, by
	// hand: 2·km/200 ms + 1 ms.
	cases := []struct {
		class PriceClass
		pop   string
		km    float64
	}{
		{PriceClassUnset, "SYD", 9.3},
		{PriceClassAll, "SYD", 9.3},
		{PriceClass200, "NRT", 7824.8}, // 200 has Japan, not Australia
		{PriceClass100, "LAX", 12054.1},
	}
	for _, c := range cases {
		t.Run("price class "+c.class.String(), func(t *testing.T) {
			cfg := sydneyWorld()
			cfg.PriceClass = c.class
			_, obs := run(t, cfg, []workload.Request{{Time: 0, Object: 1, Size: 100}})
			o := obs.outs[0]
			if got := cfg.POPs[o.POP].Name; got != c.pop {
				t.Fatalf("served from %s, want %s", got, c.pop)
			}
			wantMs := 2*c.km/200 + 1
			if got := float64(o.TTFB-o.ServerTTFB) / float64(sim.Millisecond); math.Abs(got-wantMs) > 0.01 {
				t.Errorf("viewer-POP RTT %.3f ms, want %.3f ms", got, wantMs)
			}
		})
	}
}

func TestPriceClassLeavingNoPOPIsAnError(t *testing.T) {
	t.Parallel()
	cfg := sydneyWorld()
	cfg.POPs = cfg.POPs[:2] // Sydney and Tokyo only
	cfg.PriceClass = PriceClass100
	err := cfg.Validate()
	var fe *FieldError
	if err == nil || !asFieldError(err, &fe) || fe.Key != "pops.price_class" || !strings.Contains(fe.Msg, "Sydney") {
		t.Fatalf("Validate = %v, want a pops.price_class error naming Sydney", err)
	}
	cfg.PriceClass = PriceClass200
	if err := cfg.Validate(); err != nil {
		t.Fatalf("price class 200 keeps Tokyo, got %v", err)
	}
}

func asFieldError(err error, fe **FieldError) bool {
	f, ok := err.(*FieldError)
	*fe = f
	return ok
}

func TestParsePriceClass(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]PriceClass{"100": PriceClass100, "200": PriceClass200, "all": PriceClassAll,
		"PriceClass_100": PriceClass100, "PriceClass_All": PriceClassAll} {
		if got, err := ParsePriceClass(s); err != nil || got != want {
			t.Errorf("ParsePriceClass(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "150", "europe", "PriceClass_"} {
		if _, err := ParsePriceClass(s); err == nil {
			t.Errorf("ParsePriceClass(%q) accepted", s)
		}
	}
}

// TestAreaSpreadsViewers: four POPs of one area at the same place share a
// metro's viewers evenly, each request's POP fixed by the request.
func TestAreaSpreadsViewers(t *testing.T) {
	t.Parallel()
	cfg := line()
	cfg.POPs = nil
	for _, name := range []string{"A1", "A2", "A3", "A4"} {
		cfg.POPs = append(cfg.POPs, POP{Name: name, Area: "A", Lat: 1, Lon: 0, Region: "reg", Cache: CacheSpec{Capacity: 1 << 20}})
	}
	cfg.POPs = append(cfg.POPs, POP{Name: "far", Lat: 5, Lon: 0, Region: "reg", Cache: CacheSpec{Capacity: 1 << 20}})
	const n = 40000
	var reqs []workload.Request
	for i := range n {
		reqs = append(reqs, workload.Request{Time: sim.Time(i) * sim.Millisecond, Object: uint64(i % 97), Size: 100})
	}
	_, obs := run(t, cfg, reqs)
	var per [5]int
	for _, o := range obs.outs {
		per[o.POP]++
	}
	// Each of the four gets n/4 ± 4.5 binomial standard deviations.
	sd := math.Sqrt(n * 0.25 * 0.75)
	for p := range 4 {
		if math.Abs(float64(per[p])-n/4) > 4.5*sd {
			t.Errorf("POP %s served %d of %d requests, want %d ± %.0f", cfg.POPs[p].Name, per[p], n, n/4, 4.5*sd)
		}
	}
	if per[4] != 0 {
		t.Errorf("the farther POP served %d requests, want 0", per[4])
	}
	// The same requests go to the same POPs.
	_, again := run(t, cfg, reqs)
	for i := range obs.outs {
		if obs.outs[i].POP != again.outs[i].POP {
			t.Fatalf("request %d went to POP %d, then %d", i, obs.outs[i].POP, again.outs[i].POP)
		}
	}
	// Without the area, the first of the equals takes everything.
	for i := range cfg.POPs {
		cfg.POPs[i].Area = ""
	}
	_, obs = run(t, cfg, reqs)
	for _, o := range obs.outs {
		if o.POP != 0 {
			t.Fatalf("without areas a request went to POP %d, want 0", o.POP)
		}
	}
}

// TestEgressCapSteersAnswers: a metro sends 0.1 Gbit/s (a 1.25 MB response
// every 100 ms) to its nearest POP; answers live 10 s, egress is measured
// over 10 s windows.
func TestEgressCapSteersAnswers(t *testing.T) {
	t.Parallel()
	var reqs []workload.Request
	for i := range 1000 { // 100 s
		reqs = append(reqs, workload.Request{Time: sim.Time(i) * 100 * sim.Millisecond, Object: uint64(i), Size: 1_250_000})
	}
	cases := []struct {
		name    string
		gbps    float64
		steered int // requests served by the far POP
		answers int64
	}{
		// 0.05 Gbit/s is 62.5 MB a window and the POP sent 125 MB in
		// [0, 10 s): the answer at 10 s goes to the far POP, so the near
		// one sends nothing in [10, 20 s) and gets the answer at 20 s
		// back; every other 10 s is steered: 500 requests, 5 answers
		// (10, 30, 50, 70, 90 s).
		{"capped at half the load", 0.05, 500, 5},
		// At 0.1 Gbit/s a window carries exactly the cap: not above it.
		{"capped at the load", 0.1, 0, 0},
		{"not capped", 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := twoPOPs()
			cfg.DNS.TTL = 10 * time.Second
			cfg.EgressWindow = 10 * time.Second
			cfg.POPs[0].EgressGbps = c.gbps
			n, obs := run(t, cfg, reqs)
			far := 0
			for _, o := range obs.outs {
				if o.POP == 1 {
					far++
					decade := o.Time / (10 * sim.Second)
					if decade%2 != 1 || !o.Steered {
						t.Fatalf("request at %v served by the far POP (steered %v), want only odd decades, steered", o.Time, o.Steered)
					}
				} else if o.Steered {
					t.Fatalf("request at %v served by its nearest POP marked steered", o.Time)
				}
			}
			if far != c.steered || n.Stats.SteeredAnswers != c.answers {
				t.Errorf("%d requests and %d answers steered, want %d and %d", far, n.Stats.SteeredAnswers, c.steered, c.answers)
			}
		})
	}
}

func TestNegativeEgressIsAnError(t *testing.T) {
	t.Parallel()
	cfg := twoPOPs()
	cfg.POPs[1].EgressGbps = -1
	err := cfg.Validate()
	var fe *FieldError
	if !asFieldError(err, &fe) || fe.Key != "pops.sites[1].egress_gbps" {
		t.Fatalf("Validate = %v, want a pops.sites[1].egress_gbps error", err)
	}
}

// TestSydneyInTheFullFootprint pins the README's figures: a viewer in
// Sydney, the cloudfront-full POPs and the default latency model (route
// inflation 1.5, 200 km/ms, 2 ms a hop). Distances by hand (haversine,
// R = 6371 km) from (-33.87, 151.21): the Sydney area 9.3 km, Jakarta
// 5517.6 km, San Francisco 11942.2 km.
func TestSydneyInTheFullFootprint(t *testing.T) {
	t.Parallel()
	sites, regions := CloudFrontFullSites()
	cfg := line()
	cfg.Latency = Latency{}
	cfg.Metros = []Metro{{Name: "Sydney", Lat: -33.87, Lon: 151.21}}
	cfg.POPs, cfg.Regions = nil, nil
	for _, s := range sites {
		cfg.POPs = append(cfg.POPs, POP{Name: s.Name, Lat: s.Lat, Lon: s.Lon, Region: s.Region, Area: s.Area, PriceClass: s.PriceClass, Cache: CacheSpec{Capacity: 1 << 20}})
	}
	for _, r := range regions {
		cfg.Regions = append(cfg.Regions, Region{Name: r.Name, Lat: r.Lat, Lon: r.Lon, Cache: CacheSpec{Capacity: 1 << 30}})
	}
	for _, c := range []struct {
		class PriceClass
		area  string
		km    float64
	}{{PriceClassAll, "SYD", 9.3}, {PriceClass200, "CGK", 5517.6}, {PriceClass100, "SFO", 11942.2}} {
		cfg.PriceClass = c.class
		_, obs := run(t, cfg, []workload.Request{{Time: 0, Object: 1, Size: 100}})
		o := obs.outs[0]
		if got := cfg.POPs[o.POP].Area; got != c.area {
			t.Errorf("price class %v: served in area %s, want %s", c.class, got, c.area)
		}
		wantMs := 2*c.km*1.5/200 + 2
		if got := float64(o.TTFB-o.ServerTTFB) / float64(sim.Millisecond); math.Abs(got-wantMs) > 0.05 {
			t.Errorf("price class %v: RTT %.2f ms, want %.2f", c.class, got, wantMs)
		}
	}
}
