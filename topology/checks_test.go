package topology

import (
	"strings"
	"testing"
	"time"
)

// twoRegions is line() with a second region, farther from the POP (at
// latitude 1): "reg" at 10°, "far" at 30°.
func twoRegions() Config {
	cfg := line()
	cfg.Regions = append(cfg.Regions, Region{Name: "far", Lat: 30, Lon: 0, Cache: CacheSpec{Capacity: 1 << 30}})
	cfg.POPs = append(cfg.POPs, POP{Name: "pop2", Lat: 29, Lon: 0, Region: "far", Cache: CacheSpec{Capacity: 1 << 20}})
	cfg.Metros = append(cfg.Metros, Metro{Name: "north", Lat: 29.5, Lon: 0})
	return cfg
}

func TestResolveNearest(t *testing.T) {
	t.Parallel()
	cfg := twoRegions()
	cfg.POPs[0].Region = NearestRegion
	cfg.ResolveNearest()
	if cfg.POPs[0].Region != "reg" {
		t.Errorf("POP at 1° attached to %q, want reg (at 10°, not 30°)", cfg.POPs[0].Region)
	}
	// A measured link that makes the far region nearer wins.
	cfg = twoRegions()
	cfg.POPs[0].Region = NearestRegion
	cfg.Latency.Links = []Link{{From: "pop", To: "far", RTT: time.Millisecond}}
	cfg.ResolveNearest()
	if cfg.POPs[0].Region != "far" {
		t.Errorf("with a 1 ms link to far, the POP is attached to %q", cfg.POPs[0].Region)
	}
}

func TestCheckWarnings(t *testing.T) {
	t.Parallel()
	byHand := []bool{true, true}
	keys := func(ws []*FieldError) string {
		var ks []string
		for _, w := range ws {
			ks = append(ks, w.Key)
		}
		return strings.Join(ks, " ")
	}
	cfg := twoRegions()
	if ws := cfg.Check(byHand, byHand); len(ws) != 0 {
		t.Fatalf("a sound topology: %v", ws)
	}
	// The POP at 1° attached to the region at 30°.
	cfg.POPs[0].Region = "far"
	cfg.POPs[1].Region = "reg" // and the one at 29° to the one at 10°
	ws := cfg.Check(byHand, byHand)
	if keys(ws) != "pops.sites[0].region pops.sites[1].region" || !strings.Contains(ws[0].Msg, "POP pop is attached to far") ||
		!strings.Contains(ws[0].Msg, "but reg is nearer") {
		t.Errorf("misattached POPs: %v", ws)
	}
	if ws := cfg.Check(byHand, []bool{false, false}); len(ws) != 0 {
		t.Errorf("regions not chosen by hand are not checked: %v", ws)
	}
	// A regional cache smaller than a POP's below it.
	cfg = twoRegions()
	cfg.Regions[1].Cache.Capacity = 1 << 10
	if ws := cfg.Check(byHand, byHand); keys(ws) != "regions.sites[1].capacity" || !strings.Contains(ws[0].Msg, "far 1KB < pop2 1MB") {
		t.Errorf("a small regional cache: %v", ws)
	}
	// A POP no metro is nearest to, unless the public resolver is.
	cfg = twoRegions()
	cfg.Metros = cfg.Metros[:1]
	if ws := cfg.Check(byHand, byHand); keys(ws) != "pops.sites[1]" || !strings.Contains(ws[0].Msg, "POP gets no viewers") ||
		!strings.HasSuffix(ws[0].Msg, ": pop2") {
		t.Errorf("a POP without viewers: %v", ws)
	}
	if ws := cfg.Check([]bool{true, false}, byHand); len(ws) != 0 {
		t.Errorf("a POP not listed by hand (a preset's) is not reported: %v", ws)
	}
	cfg.DNS.PublicShare, cfg.DNS.PublicLat = 0.1, 29
	if ws := cfg.Check(byHand, byHand); len(ws) != 0 {
		t.Errorf("the public resolver's viewers reach pop2: %v", ws)
	}
}
