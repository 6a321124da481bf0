package report

import (
	"math"
	"math/rand/v2"

	"github.com/cdnsim/cdnsim/sim"
	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

// synthDay feeds rec a synthetic but path-consistent day: diurnal load,
// a viral spike at 14:00 that starts cold (misses and collapsed waiters)
// and warms up, 1% uncacheable POSTs, and TTFBs that grow with the tier
// that served. scale multiplies the volume (1 ≈ 250k requests). The
// outcomes obey the request-path rules the topology follows: an edge miss
// reaches the regional tier, an edge collapse or hit does not, a bypass
// goes straight to the origin, and only a regional miss, a revalidation
// or a bypass fetches from the origin.
func synthDay(rec topology.Observer, seed uint64, scale float64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	const spikeAt = 14 * sim.Hour
	var o topology.Outcome
	for s := sim.Time(0); s < 24*sim.Hour; s += sim.Second {
		h := s.Seconds() / 3600
		// Diurnal peak at 20:00, trough at 08:00.
		rate := 2.5 * scale * (1 + 0.6*math.Cos(2*math.Pi*(h-20)/24))
		spike := 0.0
		if s >= spikeAt {
			spike = 12 * scale * math.Exp(-(s-spikeAt).Seconds()/1800)
		}
		for n := poisson(rng, rate+spike); n > 0; n-- {
			viral := rng.Float64()*(rate+spike) < spike
			o = topology.Outcome{
				Time:   s + sim.Time(rng.Int64N(int64(sim.Second))),
				Size:   int64(math.Exp(rng.NormFloat64()*1.2 + 10.5)),
				Metro:  uint16(rng.IntN(10)),
				Status: 200,
			}
			o.POP = uint16(rng.IntN(6))
			o.Region = o.POP / 2
			age := (o.Time - spikeAt).Seconds()
			pHit, pCol := 0.88, 0.02
			if viral { // cold at first, then the hottest object in the catalogue
				pHit = 0.98 * (1 - math.Exp(-age/120))
				pCol = 0.5 * math.Exp(-age/300)
			}
			base := sim.Time(5+rng.IntN(20)) * sim.Millisecond
			switch u := rng.Float64(); {
			case !viral && rng.Float64() < 0.01:
				o.Method = workload.POST
				o.Edge, o.BypassReason = topology.Bypass, topology.BypassMethod
				o = via(o, o.Size, topology.EdgeOrigin)
				o.TTFB = base + 180*sim.Millisecond
			case !viral && rng.Float64() < 0.002:
				// An error response cached at the POP.
				o.Edge, o.Status, o.Size = topology.Error, 503, 512
				o.TTFB = base
			case u < pHit:
				o.Edge = topology.Hit
				o.TTFB = base
				if rng.Float64() < 0.01 { // stale-while-revalidate: revalidated behind the hit
					o.Regional = topology.Hit
					o = via(o, 0, topology.EdgeRegional)
				}
			case u < pHit+pCol:
				o.Edge = topology.Collapsed
				o.TTFB = base + sim.Time(rng.IntN(100))*sim.Millisecond
			default:
				o.Edge = topology.Miss
				switch v := rng.Float64(); {
				case v < 0.05: // stale at both tiers, confirmed by 304s
					o.Edge, o.Regional = topology.RefreshHit, topology.RefreshHit
					o = via(o, 0, topology.EdgeRegional, topology.RegionalOrigin)
					o.TTFB = base + 150*sim.Millisecond
				case v < 0.06: // the origin fails
					o.Edge, o.Regional, o.Status, o.Size = topology.Error, topology.Error, 503, 512
					o = via(o, 512, topology.EdgeRegional, topology.RegionalOrigin)
					o.TTFB = base + 150*sim.Millisecond
				case v < 0.55:
					o.Regional = topology.Hit
					o = via(o, o.Size, topology.EdgeRegional)
					o.TTFB = base + 30*sim.Millisecond
				case v < 0.6:
					o.Regional = topology.Collapsed
					o = via(o, o.Size, topology.EdgeRegional)
					o.TTFB = base + 90*sim.Millisecond
				default:
					o.Regional = topology.Miss
					o = via(o, o.Size, topology.EdgeRegional, topology.RegionalOrigin)
					o.TTFB = base + sim.Time(120+rng.IntN(200))*sim.Millisecond
				}
			}
			o.TTLB = o.TTFB + sim.Time(o.Size)*sim.Microsecond/100
			rec.Observe(&o)
		}
	}
}

// poisson draws a Poisson count by inversion (rates here are small).
func poisson(rng *rand.Rand, mean float64) int {
	l := math.Exp(-mean)
	k, p := 0, rng.Float64()
	for p > l {
		k++
		p *= rng.Float64()
	}
	return k
}

// synthConfig is the Config matching synthDay.
func synthConfig() Config {
	return Config{
		Scenario: "synthetic-day",
		Seed:     7,
		Duration: 24 * sim.Hour,
		POPs:     []string{"IAD89-C1", "JFK50-C2", "FRA56-C1", "LHR61-C3", "NRT57-C2", "SIN52-C1"},
		Regions:  []string{"us-east-1", "eu-central-1", "ap-northeast-1"},
		Markers:  []Marker{{At: 14 * sim.Hour, Label: "viral spike"}},
	}
}
