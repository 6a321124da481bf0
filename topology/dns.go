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
	steered bool // pop is not the nearest up: a nearer one was over capacity
	expires sim.Time
}

// resolvers is the DNS model: local resolvers for each metro and one
// shared public resolver, each with its cached answer and the POPs of the
// price class in order of RTT from where it is. A metro whose nearest POP
// shares its area with others has one resolver per POP of the area (see
// spreadSlot); the others have one.
type resolvers struct {
	ttl   sim.Time
	share float64
	rng   *rand.Rand
	// answers holds every resolver's cached answers: resolver i (the
	// metros, then the public resolver at index len(metros)) has slots[i]
	// of them from first[i].
	answers []answer
	first   []int32
	slots   []uint16
	// order[i] lists the POPs of the price class by RTT from resolver i,
	// the POPs of its nearest area first (slots[i] of them).
	order  [][]uint16
	down   []windows // per POP
	egress egress
	// steered counts answers that passed over a POP for its load
	// (Stats.SteeredAnswers).
	steered *int64
	weight  *int64 // what the request being routed counts for (Network.w)
}

func (n *Network) initDNS(cfg *Config, lat Latency) {
	d := &n.dnsState
	d.ttl = orDur(cfg.DNS.TTL, 60*time.Second)
	d.share = cfg.DNS.PublicShare
	d.rng = sim.NewRand(cfg.Seed, "dns")
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
		order := make([]uint16, 0, len(cfg.POPs))
		for i, p := range cfg.POPs {
			rtts[i] = lat.between(pl.name, pl.lat, pl.lon, p.Name, p.Lat, p.Lon)
			if cfg.PriceClass.includes(p.PriceClass) {
				order = append(order, uint16(i))
			}
		}
		sort.SliceStable(order, func(a, b int) bool { return rtts[order[a]] < rtts[order[b]] })
		k := areaFirst(order, cfg.POPs)
		d.order = append(d.order, order)
		d.first = append(d.first, int32(len(d.answers)))
		d.slots = append(d.slots, uint16(k))
		for range k {
			d.answers = append(d.answers, answer{expires: -1})
		}
	}
	d.down = make([]windows, len(cfg.POPs))
	for i, p := range cfg.POPs {
		d.down[i] = windowsOf(p.Outages)
	}
	d.egress.init(cfg)
	d.steered, d.weight = &n.Stats.SteeredAnswers, &n.w
}

// popDown reports whether POP p is down at t.
func (d *resolvers) popDown(p int, t sim.Time) bool {
	return d.down[p].contains(t)
}

// route returns the POP a viewer in metro m is sent to at t for a
// request of object obj, whether its answer came from the public
// resolver, and whether it was steered past a POP over capacity.
func (d *resolvers) route(m int, t sim.Time, obj uint64) (int, bool, bool) {
	i, public := m, false
	if d.share > 0 && d.rng.Float64() < d.share {
		i, public = len(d.first)-1, true
	}
	j := 0
	if k := int(d.slots[i]); k > 1 {
		j = spreadSlot(t, obj, m, k)
	}
	a := &d.answers[int(d.first[i])+j]
	if t >= a.expires {
		a.pop, a.steered = d.resolve(i, j, t)
		a.expires = t + d.ttl
	}
	return int(a.pop), public, a.steered
}

// resolve is resolver i's answer in slot j at t: the nearest POP that is
// up and not over its egress capacity, and whether a nearer POP was
// passed over for its load. If every POP that is up is over capacity, the
// nearest of them; if all are down, the nearest (the request will fail).
func (d *resolvers) resolve(i, j int, t sim.Time) (uint16, bool) {
	order, k := d.order[i], int(d.slots[i])
	at := func(q int) uint16 {
		if q < k {
			return order[(q+j)%k]
		}
		return order[q]
	}
	up := -1
	for q := range order {
		p := at(q)
		if d.popDown(int(p), t) {
			continue
		}
		if up < 0 {
			up = q
		}
		if !d.egress.on || !d.egress.over(int(p), t) {
			if q != up {
				*d.steered += *d.weight
				return p, true
			}
			return p, false
		}
	}
	if up >= 0 {
		return at(up), false
	}
	return at(0), false
}
