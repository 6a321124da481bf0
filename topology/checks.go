package topology

import (
	"fmt"
	"strings"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology/cache"
)

// NearestRegion as a POP's Region attaches it to the regional edge cache
// of lowest modelled RTT, as the cloudfront-like preset does;
// ResolveNearest puts that region's name in its place.
const NearestRegion = "nearest"

// ResolveNearest sets the Region of every POP whose Region is
// NearestRegion to the region of lowest modelled RTT from it (the first of
// equals). It does nothing without regions.
func (c *Config) ResolveNearest() {
	lat := c.Latency.withDefaults()
	for i := range c.POPs {
		if p := &c.POPs[i]; p.Region == NearestRegion {
			if g, _ := c.nearestRegion(lat, p); g >= 0 {
				p.Region = c.Regions[g].Name
			}
		}
	}
}

// nearestRegion is the index of the region of lowest RTT from p, and the
// RTT; -1 without regions.
func (c *Config) nearestRegion(lat Latency, p *POP) (int, sim.Time) {
	return nearestBy(lat, p.Name, p.Lat, p.Lon, len(c.Regions), func(g int) (string, float64, float64) {
		r := &c.Regions[g]
		return r.Name, r.Lat, r.Lon
	})
}

// nearestBy is the index among n places (site(i) names place i and gives
// its coordinates) of the one of lowest RTT from the named place at (la,
// lo), the first of equals, and its RTT; -1 when n is 0.
func nearestBy(lat Latency, name string, la, lo float64, n int, site func(i int) (string, float64, float64)) (int, sim.Time) {
	best, bestRTT := -1, sim.Time(0)
	for i := range n {
		sn, sla, slo := site(i)
		if rtt := lat.between(name, la, lo, sn, sla, slo); best < 0 || rtt < bestRTT {
			best, bestRTT = i, rtt
		}
	}
	return best, bestRTT
}

// Check reports what is valid but probably not meant, as warnings naming
// the key: a POP attached by hand (regionByHand[i] for POP i) to a region
// that is not its nearest by modelled RTT, a regional cache smaller than a
// POP cache below it (the regional tier is meant to be the larger), and
// POPs listed by hand (listed[i]) that no viewer is routed to (no metro,
// nor the public resolver, has them nearest); a preset's POPs are a whole
// footprint, some of which a scenario's metros need not reach. Call it on
// a valid Config.
func (c *Config) Check(listed, regionByHand []bool) []*FieldError {
	var warns []*FieldError
	lat := c.Latency.withDefaults()
	regionIdx := map[string]int{}
	for g, r := range c.Regions {
		regionIdx[r.Name] = g
	}
	for i := range c.POPs {
		p := &c.POPs[i]
		if i >= len(regionByHand) || !regionByHand[i] {
			continue
		}
		g := regionIdx[p.Region]
		near, nearRTT := c.nearestRegion(lat, p)
		if near != g {
			r := c.Regions[g]
			rtt := lat.between(p.Name, p.Lat, p.Lon, r.Name, r.Lat, r.Lon)
			warns = append(warns, warn(fmt.Sprintf("pops.sites[%d].region", i),
				"POP %s is attached to %s (%s away) but %s is nearer (%s); region = %q attaches it there",
				p.Name, r.Name, ms(rtt), c.Regions[near].Name, ms(nearRTT), NearestRegion))
		}
	}
	var small itemWarning
	for g, r := range c.Regions {
		big := -1
		for i, p := range c.POPs {
			if regionIdx[p.Region] == g && p.Cache.Capacity > r.Cache.Capacity && (big < 0 || p.Cache.Capacity > c.POPs[big].Cache.Capacity) {
				big = i
			}
		}
		if big >= 0 {
			small.add(fmt.Sprintf("regions.sites[%d].capacity", g), fmt.Sprintf("%s %s < %s %s", r.Name, cache.FormatSize(r.Cache.Capacity),
				c.POPs[big].Name, cache.FormatSize(c.POPs[big].Cache.Capacity)))
		}
	}
	warns = small.appendTo(warns, "regional edge cache is", "regional edge caches are",
		"smaller than the largest POP cache below (the regional tier cannot hold what its POPs miss)")
	reached := make([]bool, len(c.POPs))
	nearestPOP := func(name string, la, lo float64) {
		best, _ := nearestBy(lat, name, la, lo, len(c.POPs), func(i int) (string, float64, float64) {
			p := &c.POPs[i]
			return p.Name, p.Lat, p.Lon
		})
		if best >= 0 {
			reached[best] = true
		}
	}
	for _, m := range c.Metros {
		nearestPOP(m.Name, m.Lat, m.Lon)
	}
	if c.DNS.PublicShare > 0 {
		nearestPOP("", c.DNS.PublicLat, c.DNS.PublicLon)
	}
	var idle itemWarning
	for i, ok := range reached {
		if !ok && i < len(listed) && listed[i] {
			idle.add(fmt.Sprintf("pops.sites[%d]", i), c.POPs[i].Name)
		}
	}
	warns = idle.appendTo(warns, "POP gets", "POPs get",
		"no viewers: no metro's nearest POP, nor the public resolver's (only a nearer POP's outage sends it any)")
	return warns
}

// itemWarning is one warning about several places: it names the first's
// key and lists them all.
type itemWarning struct {
	key   string
	items []string
}

func (w *itemWarning) add(key, item string) {
	if w.key == "" {
		w.key = key
	}
	w.items = append(w.items, item)
}

// appendTo appends the warning "N <many> <what>: items" (or "1 <one>
// ...") to ws, if there are items.
func (w *itemWarning) appendTo(ws []*FieldError, one, many, what string) []*FieldError {
	if len(w.items) == 0 {
		return ws
	}
	n := fmt.Sprintf("1 %s", one)
	if len(w.items) > 1 {
		n = fmt.Sprintf("%d %s", len(w.items), many)
	}
	return append(ws, warn(w.key, "%s %s: %s", n, what, strings.Join(w.items, ", ")))
}

// ms formats an RTT in milliseconds with one decimal.
func ms(t sim.Time) string { return fmt.Sprintf("%.1f ms", float64(t)/float64(sim.Millisecond)) }

// warn is a FieldError for key, as Check reports it (and ferr, as an error).
func warn(key, format string, args ...any) *FieldError {
	return &FieldError{Key: key, Msg: fmt.Sprintf(format, args...)}
}
