package scenarios

import (
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/topology"
)

// footprintBase has a POP in Sydney and one in Los Angeles (listed by
// hand: their price classes come from the built-in footprint) and viewers
// in Sydney.
const footprintBase = `name = "fp"
interval = "1m"
[pops]
capacity = "1GB"
price_class = "all"
egress_window = "10s"
sites = [
  { name = "SYD", lat = -33.95, lon = 151.18, region = "r" },
  { name = "LAX", lat = 33.94, lon = -118.41, region = "r", egress_gbps = 5 },
]
[regions]
capacity = "8GB"
sites = [{ name = "r", lat = 37.34, lon = -121.89 }]
[[origins]]
name = "o"
kind = "custom"
lat = 37.34
lon = -121.89
[[behaviors]]
path = "*"
origin = "o"
[workload]
duration = "10m"
metros = [{ name = "Sydney", lat = -33.87, lon = 151.21, weight = 1 }]
[[workload.classes]]
name = "c"
prefix = "/c/"
size_median = 1000
popularity = "zipf"
objects = 100
alpha = 0.8
rate = 5
`

func TestFootprintErrorsNameLineAndKey(t *testing.T) {
	t.Parallel()
	checkEditErrors(t, "fp.toml", footprintBase, []editCase{
		{"unknown price class",
			`price_class = "all"`, `price_class = "150"`,
			`fp.toml:5: pops.price_class: unknown price class "150"`},
		{"negative egress cap",
			`egress_window = "10s"`, `egress_gbps = -1.5`,
			`fp.toml:6: pops.egress_gbps: must be >= 0`},
		{"negative egress cap of a site",
			`egress_gbps = 5`, `egress_gbps = -5`,
			`fp.toml:9: pops.sites[1].egress_gbps: must be >= 0`},
		{"negative window",
			`egress_window = "10s"`, `egress_window = "-10s"`,
			`fp.toml:6: pops.egress_window: must be > 0`},
		{"an egress cap naming no POP",
			`egress_window = "10s"`, `egress_caps = [{ site = "MEL", gbps = 1 }]`,
			`fp.toml:6: pops.egress_caps[0].site: names no POP or area: "MEL"`},
		{"a negative egress cap by name",
			`egress_window = "10s"`, `egress_caps = [{ site = "SYD", gbps = -1 }]`,
			`fp.toml:6: pops.egress_caps[0].gbps: must be >= 0`},
		{"price class of the regional tier",
			`capacity = "8GB"`, "capacity = \"8GB\"\nprice_class = \"100\"",
			`fp.toml:13: regions.price_class: a key of [pops]`},
	})
	// The price class leaving no POP, with only the Sydney POP: Los
	// Angeles taken out.
	src := strings.Replace(footprintBase, `  { name = "LAX", lat = 33.94, lon = -118.41, region = "r", egress_gbps = 5 },`+"\n", "", 1)
	src = strings.Replace(src, `price_class = "all"`, `price_class = "100"`, 1)
	_, err := Parse("fp.toml", []byte(src), nil)
	if err == nil || !strings.Contains(err.Error(), `fp.toml:5: pops.price_class: price class 100 leaves viewers in Sydney with no POP: all 1 POPs are outside it`) {
		t.Errorf("price class 100 with a POP in Sydney only: %v", err)
	}
	_, err = Parse("fp.toml", []byte(footprintBase), []string{"pops.price_class=europe"})
	if err == nil || !strings.HasPrefix(err.Error(), `--set: pops.price_class: unknown price class "europe"`) {
		t.Errorf("--set pops.price_class=europe: %v", err)
	}
	// The README's --set pops.price_class=100, unquoted: a TOML integer
	// that the price class takes as "100".
	s, err := Parse("fp.toml", []byte(footprintBase), []string{"pops.price_class=100"})
	if err != nil {
		t.Fatalf("--set pops.price_class=100: %v", err)
	}
	if got := s.File.POPs.PriceClass; got != "100" {
		t.Errorf("--set pops.price_class=100 gives price class %q, want \"100\"", got)
	}
	_, err = Parse("fp.toml", []byte(footprintBase), []string{"pops.price_class=true"})
	if err == nil || !strings.HasPrefix(err.Error(), `--set: pops.price_class: a price class is "100", "200" or "all", not bool`) {
		t.Errorf("--set pops.price_class=true: %v", err)
	}
}

// TestPriceClassRoutesSydneyToLosAngeles: under price class 100 the
// Sydney viewers are served from Los Angeles, the nearer of the two POPs
// in the class, and pay its round trip.
func TestPriceClassRoutesSydneyToLosAngeles(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		class string
		pop   int
	}{{"all", 0}, {"200", 1}, {"100", 1}} {
		s, err := Parse("fp.toml", []byte(footprintBase), []string{"pops.price_class=\"" + c.class + "\""})
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]topology.PriceClass{s.Topology.POPs[0].PriceClass, s.Topology.POPs[1].PriceClass}; got != [2]topology.PriceClass{topology.PriceClassAll, topology.PriceClass100} {
			t.Fatalf("POP price classes %v, want [all 100]", got)
		}
		r, err := s.NewRun(1)
		if err != nil {
			t.Fatal(err)
		}
		r.Simulate(nil)
		sum := r.Recorder.Summary()
		if sum.Requests == 0 || sum.POPs[c.pop].Requests != sum.Requests {
			t.Errorf("price class %s: POPs served %d and %d of %d requests, want all at %s", c.class,
				sum.POPs[0].Requests, sum.POPs[1].Requests, sum.Requests, sum.POPs[c.pop].Name)
		}
	}
}

func TestCloudFrontFullPresetSpreadsAMetro(t *testing.T) {
	t.Parallel()
	src := strings.Replace(presetBase, `preset = "cloudfront-like"`, `preset = "cloudfront-full"`, 1)
	s, err := Parse("p.toml", []byte(src), []string{"workload.duration=10m", "workload.classes[0].rate=50", "workload.spikes=[]"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Topology.POPs) != 631 || len(s.Topology.Regions) != 13 {
		t.Fatalf("%d POPs and %d regions, want 631 and 13", len(s.Topology.POPs), len(s.Topology.Regions))
	}
	r, err := s.NewRun(1)
	if err != nil {
		t.Fatal(err)
	}
	r.Simulate(nil)
	// London's viewers spread over its 32 POPs.
	used := map[string]int{}
	served := map[string]int{}
	for i, p := range r.Recorder.Summary().POPs {
		area := s.Topology.POPs[i].Area
		if p.Requests > 0 {
			used[area]++
		}
		served[area] += int(p.Requests)
	}
	if used["LHR"] < 30 {
		t.Errorf("%d of London's 32 POPs served its %d requests, want nearly all", used["LHR"], served["LHR"])
	}
}

func TestEgressCapsByNameAndArea(t *testing.T) {
	t.Parallel()
	src := strings.Replace(presetBase, `preset = "cloudfront-like"`, "preset = \"cloudfront-full\"\negress_gbps = 100\negress_caps = [{ site = \"LHR\", gbps = 3 }, { site = \"IAD7\", gbps = 0.5 }]", 1)
	s, err := Parse("p.toml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	caps := map[float64]int{}
	for _, p := range s.Topology.POPs {
		caps[p.EgressGbps]++
		if (p.Area == "LHR") != (p.EgressGbps == 3) || (p.Name == "IAD7") != (p.EgressGbps == 0.5) {
			t.Errorf("POP %s (area %s) capped at %v Gbit/s", p.Name, p.Area, p.EgressGbps)
		}
	}
	if caps[3] != 32 || caps[0.5] != 1 || caps[100] != 631-33 {
		t.Errorf("caps %v, want London's 32 POPs at 3, IAD7 at 0.5, the other 598 at 100", caps)
	}
}
