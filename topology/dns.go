package topology

import (
	"math/rand/v2"
	"sort"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// DNS configures how viewers are routed to POPs. Resolvers answer with the
// healthy POP of lowest modelled RTT from where the resolver is, and cache
// the answer for TTL, so after a POP fails its viewers keep going there until
// their resolver's answer expires.
type DNS struct {
	// TTL of an answer (CloudFront's: 60 s).
	TTL time.Duration
	// PublicShare of each metro's viewers use a distant public resolver at
	// (PublicLat, PublicLon): they are routed for the resolver's location,
	// not their own (no EDNS Client Subnet), often to a worse POP.
	PublicShare          float64
	PublicLat, PublicLon float64
}

// answer is a resolver's cached answer.
type answer struct {
	pop     uint16
	expires sim.Time
}

// resolvers is the DNS model: one local resolver per metro and one shared
// public resolver, each with its cached answer and its POPs in order of RTT
// from where it is.
type resolvers struct {
	ttl    sim.Time
	share  float64
	rng    *rand.Rand
	local  []answer
	public answer
	// order[i] lists POPs by RTT from resolver i (metros, then the public
	// resolver at index len(metros)).
	order [][]uint16
	down  [][]Window // per POP
}

func (n *Network) initDNS(cfg *Config, lat Latency) {
	d := &n.dnsState
	d.ttl = orDur(cfg.DNS.TTL, 60*time.Second)
	d.share = cfg.DNS.PublicShare
	d.rng = sim.NewRand(cfg.Seed, "dns")
	d.local = make([]answer, len(cfg.Metros))
	for i := range d.local {
		d.local[i].expires = -1
	}
	d.public.expires = -1
	type place struct {
		name     string
		lat, lon float64
	}
	places := make([]place, 0, len(cfg.Metros)+1)
	for _, m := range cfg.Metros {
		places = append(places, place{m.Name, m.Lat, m.Lon})
	}
	places = append(places, place{"", cfg.DNS.PublicLat, cfg.DNS.PublicLon})
	for _, pl := range places {
		rtts := make([]sim.Time, len(cfg.POPs))
		order := make([]uint16, len(cfg.POPs))
		for i, p := range cfg.POPs {
			rtts[i] = lat.between(pl.name, pl.lat, pl.lon, p.Name, p.Lat, p.Lon)
			order[i] = uint16(i)
		}
		sort.SliceStable(order, func(a, b int) bool { return rtts[order[a]] < rtts[order[b]] })
		d.order = append(d.order, order)
	}
	d.down = make([][]Window, len(cfg.POPs))
	for i, p := range cfg.POPs {
		for _, w := range p.Outages {
			d.down[i] = append(d.down[i], Window{Start: sim.Duration(w.Start), End: sim.Duration(w.End)})
		}
	}
}

// popDown reports whether POP p is down at t.
func (d *resolvers) popDown(p int, t sim.Time) bool {
	for _, w := range d.down[p] {
		if t >= w.Start && t < w.End {
			return true
		}
	}
	return false
}

// route returns the POP a viewer in metro m is sent to at t, and whether
// its answer came from the public resolver.
func (d *resolvers) route(m int, t sim.Time) (int, bool) {
	a, i, public := &d.local[m], m, false
	if d.share > 0 && d.rng.Float64() < d.share {
		a, i, public = &d.public, len(d.local), true
	}
	if t >= a.expires {
		// Resolve: the nearest POP that is up now. If all are down, the
		// nearest (the request will fail).
		a.pop = d.order[i][0]
		for _, p := range d.order[i] {
			if !d.popDown(int(p), t) {
				a.pop = p
				break
			}
		}
		a.expires = t + d.ttl
	}
	return int(a.pop), public
}
