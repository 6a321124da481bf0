package scenarios

import (
	"strings"
	"testing"

	"github.com/cdnsim/cdnsim/topology"
)

// presetBase uses both presets; tests replace one line of it.
const presetBase = `name = "p"
[pops]
preset = "cloudfront-like"
capacity = "1GB"
[regions]
capacity = "8GB"
policy = "s3fifo"
` + originO + `[workload]
duration = "1h"
metros_preset = "world"
` + zipfClass + `[[workload.spikes]]
name = "s"
at = "30m"
class = "c"
volume = 100
half_life = "5m"
home_region = "ap-northeast"
home_share = 0.5
`

func TestBothPresetsLoad(t *testing.T) {
	t.Parallel()
	s, err := Parse("p.toml", []byte(presetBase), nil)
	if err != nil {
		t.Fatal(err)
	}
	pops, regions := topology.CloudFrontLikeSites()
	tc := s.Topology
	if len(tc.POPs) != len(pops) || len(tc.POPs) < 50 || len(tc.Regions) != 13 {
		t.Fatalf("%d POPs and %d regions, want %d (>= 50) and 13", len(tc.POPs), len(tc.Regions), len(pops))
	}
	for i, p := range tc.POPs {
		if p.Name != pops[i].Name || p.Region != pops[i].Region || p.Lat != pops[i].Lat || p.Cache.Capacity != 1<<30 {
			t.Errorf("POP %d: %+v, want %+v with 1GB", i, p, pops[i])
		}
	}
	for i, r := range tc.Regions {
		if r.Name != regions[i].Name || r.Cache.Capacity != 8<<30 || r.Cache.Policy != "s3fifo" {
			t.Errorf("region %d: %+v, want %s with 8GB s3fifo", i, r, regions[i].Name)
		}
	}
	metros, ok := PresetMetros(PresetWorld)
	if !ok || len(metros) < 60 {
		t.Fatalf("world preset: %d metros, %v", len(metros), ok)
	}
	if len(s.Workload.Metros) != len(metros) || len(tc.Metros) != len(metros) {
		t.Fatalf("%d workload metros and %d topology metros, want %d", len(s.Workload.Metros), len(tc.Metros), len(metros))
	}
	if m, w := s.Workload.Metros[3], metros[3]; m != w || tc.Metros[3].Name != w.Name || tc.Metros[3].Lat != w.Lat {
		t.Errorf("metro 3: %+v / %+v, want %+v", m, tc.Metros[3], w)
	}
	// The scenario builds a runnable network.
	if _, err := s.NewRun(1); err != nil {
		t.Fatalf("NewRun: %v", err)
	}
}

func TestPresetErrorsNameLineAndKey(t *testing.T) {
	t.Parallel()
	checkEditErrors(t, "p.toml", presetBase, []editCase{
		{"preset and POP sites",
			`capacity = "1GB"`, "capacity = \"1GB\"\nsites = [ { name = \"A\", lat = 1, lon = 1, region = \"r\" } ]",
			`p.toml:5: pops.sites: cannot be combined with pops.preset = "cloudfront-like"`},
		{"preset and region sites",
			`policy = "s3fifo"`, "policy = \"s3fifo\"\nsites = [ { name = \"r\", lat = 1, lon = 2 } ]",
			`p.toml:8: regions.sites: cannot be combined with pops.preset = "cloudfront-like"`},
		{"unknown layout preset",
			`preset = "cloudfront-like"`, `preset = "akamai-like"`,
			`p.toml:3: pops.preset: unknown preset "akamai-like" (built-in: "cloudfront-full", "cloudfront-like")`},
		{"preset in regions",
			`capacity = "8GB"`, "capacity = \"8GB\"\npreset = \"cloudfront-like\"",
			`p.toml:7: regions.preset: not a key of [regions]`},
		{"preset without a POP capacity (the line of [pops])",
			`capacity = "1GB"`, `policy = "lru"`,
			`p.toml:2: pops.capacity: must be > 0`},
		{"preset without a regional capacity",
			`capacity = "8GB"`, `admission = "always"`,
			`p.toml:5: regions.capacity: must be > 0`},
		{"metros preset and metros",
			`metros_preset = "world"`, "metros_preset = \"world\"\nmetros = [ { name = \"m\", lat = 0, lon = 0, weight = 1 } ]",
			`p.toml:17: workload.metros: cannot be combined with workload.metros_preset = "world"`},
		{"unknown metros preset",
			`metros_preset = "world"`, `metros_preset = "moon"`,
			`p.toml:16: workload.metros_preset: unknown preset "moon" (built-in: "world")`},
		{"home region the world lacks",
			`home_region = "ap-northeast"`, `home_region = "antarctica"`,
			`p.toml:31: workload.spikes[0].home_region: no metro has region "antarctica"`},
	})
}

func TestPresetBySet(t *testing.T) {
	t.Parallel()
	// news-spike lists its sites: naming a preset on top is the mixing error,
	// located in the file where the sites are.
	_, err := Load("news-spike", []string{"pops.preset=cloudfront-like"})
	if err == nil || !strings.Contains(err.Error(), "pops.sites: cannot be combined with pops.preset") {
		t.Errorf("news-spike + pops.preset: %v", err)
	}
	s, err := Parse("p.toml", []byte(presetBase), []string{"pops.capacity=2GB"})
	if err != nil || s.Topology.POPs[7].Cache.Capacity != 2<<30 {
		t.Fatalf("--set pops.capacity=2GB over the preset: %v", err)
	}
	_, err = Parse("p.toml", []byte(presetBase), []string{"workload.metros_preset=mars"})
	if err == nil || !strings.HasPrefix(err.Error(), `--set: workload.metros_preset: unknown preset "mars"`) {
		t.Errorf("--set workload.metros_preset=mars: %v", err)
	}
}

func TestTopologyPresetIsPOPsPreset(t *testing.T) {
	t.Parallel()
	a, err := Load("steady-web", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load("steady-web", []string{"pops.preset=", "topology.preset=cloudfront-like"})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Topology.POPs) != len(b.Topology.POPs) || a.Topology.POPs[7].Name != b.Topology.POPs[7].Name || a.Topology.POPs[7].Region != b.Topology.POPs[7].Region {
		t.Fatalf("topology.preset built %d POPs, pops.preset %d", len(b.Topology.POPs), len(a.Topology.POPs))
	}
	if _, err := Load("steady-web", []string{"topology.preset=other"}); err == nil || !strings.Contains(err.Error(), "topology.preset") {
		t.Fatalf("conflicting presets: %v", err)
	}
}
