package scenarios

import (
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// A population is a set of objects the workload produces: a class's
// catalog or births, or a spike's objects. The memory estimate asks of
// each how many distinct objects a cache sees, which bounds what it holds.
type population struct {
	key      string  // the key that sets how many there are
	meanSize float64 // bytes
	// edge and regional: whether POP and regional caches store its objects
	// (not under a dynamic behaviour, not no-store or private, not with a
	// TTL of 0; regional unless the origin bypasses the regional tier);
	// shield is the region whose cache shields its origin, or -1.
	edge, regional bool
	shield         int
	// steady: present through the run (a catalog, a birth process), where
	// a spike's objects come and go.
	steady bool
	// window is how many distinct objects of it a cache sees in secs
	// seconds when it receives share of the viewer requests.
	window func(share, secs float64) float64
}

// inParts is p as the caches hold it when its objects are larger than
// [ranges] chunk_size: each object is about meanSize / chunk_size parts of
// chunk_size bytes, each an entry of its own (an upper bound: a viewer who
// stops early fetches only some of them).
func (s *Scenario) inParts(p population) population {
	c := float64(s.Topology.ChunkSize)
	if c <= 0 || p.meanSize <= c {
		return p
	}
	f, whole := p.meanSize/c, p.window
	p.meanSize = c
	p.window = func(sh, secs float64) float64 { return f * whole(sh, secs) }
	return p
}

// populations lists what the scenario's generated workload produces.
//
// A zipf catalog of N objects requested r times shows Σ 1 − e^(−r·p_i) of
// them (zipfSeen). An object of a decay class, born at birth_rate with V
// requests (the class's mean volume) spread over about its lifetime L, is
// seen by a cache with a share s of the requests unless none of its
// requests goes there: a window of T seconds sees those born in the window
// or up to L before it, each with the window's part of its requests,
// b·(T + L)·(1 − e^(−V·s·T/(T + L))), and at most what the whole run
// shows. A spike's objects are a batch of such objects.
func (s *Scenario) populations() []population {
	w := s.Workload
	run := w.Duration.Seconds()
	// Spikes' browsing requests spread over the classes by their rates;
	// in a zipf class they reach more of the catalog.
	var browse, rates float64
	for _, sp := range w.Spikes {
		if sp.At < w.Duration {
			browse += sp.Volume * sp.Browse
		}
	}
	// A run shorter than a day may fall in the busy hours or the quiet
	// ones: zipf rates are daily means, scaled by the diurnal curve's mean
	// over the run (over its first two days, which the curve repeats).
	probe := w
	probe.Duration = min(w.Duration, 48*time.Hour)
	probe.Spikes, probe.RandomSpikes, probe.Classes = nil, nil, nil
	var nominal float64
	for _, cl := range w.Classes {
		if cl.Popularity == workload.PopZipf {
			probe.Classes = append(probe.Classes, cl)
			nominal += cl.Rate * probe.Duration.Seconds()
		}
	}
	diurnal := 1.0
	if nominal > 0 {
		diurnal = probe.ExpectedRequests() / nominal
	}
	for _, cl := range w.Classes {
		switch cl.Popularity {
		case workload.PopZipf:
			rates += cl.Rate
		case workload.PopDecay:
			rates += cl.BirthRate / 3600 * cl.Volume.Mean
		}
	}
	var out []population
	idx := map[string]int{}
	for i, cl := range w.Classes {
		idx[cl.Name] = i
		k := fmt.Sprintf("workload.classes[%d].", i)
		p := population{meanSize: meanSize(cl), steady: true}
		p.edge, p.regional, p.shield = s.cached(i)
		// Requests that bypass the caches never put an object in one.
		share := 1 - cl.DynamicShare
		for _, m := range cl.Methods {
			if m.Method != "HEAD" {
				share -= m.Share
			}
		}
		share = max(share, 0)
		switch cl.Popularity {
		case workload.PopZipf:
			rate, z := (cl.Rate*diurnal+browse/run*cl.Rate/rates)*share, newZipfSeen(float64(cl.Objects), cl.Alpha)
			// The catalog bounds what is seen when it is requested
			// through; else the rate does.
			p.key = k + "objects"
			if cl.Rate*run < float64(cl.Objects) {
				p.key = k + "rate"
			}
			p.window = func(sh, secs float64) float64 { return z.seen(rate * sh * secs) }
		case workload.PopDecay:
			b, life, v := cl.BirthRate/3600, cl.Lifetime.Seconds(), cl.Volume.Mean*share
			p.key = k + "birth_rate"
			p.window = func(sh, secs float64) float64 {
				whole := b * run * -math.Expm1(-v*sh)
				if secs >= run {
					return whole
				}
				return min(whole, b*(secs+life)*-math.Expm1(-v*sh*secs/(secs+life)))
			}
		default:
			continue
		}
		out = append(out, s.inParts(p))
	}
	batch := func(key string, class int, n, volume float64) {
		p := population{key: key, meanSize: meanSize(w.Classes[class])}
		p.edge, p.regional, p.shield = s.cached(class)
		p.window = func(sh, _ float64) float64 { return n * -math.Expm1(-volume/n*sh) }
		out = append(out, s.inParts(p))
	}
	for i, sp := range w.Spikes {
		// A zipf class's spike requests objects of its catalog.
		if ci, ok := idx[sp.Class]; ok && sp.At < w.Duration && w.Classes[ci].Popularity == workload.PopDecay {
			batch(fmt.Sprintf("workload.spikes[%d].objects", i), ci, float64(max(sp.Objects, 1)), sp.Volume*(1-sp.Browse))
		}
	}
	for i, rs := range w.RandomSpikes {
		if ci, ok := idx[rs.Class]; ok {
			spikes := rs.Rate * run / 86400
			batch(fmt.Sprintf("workload.random_spikes[%d].rate", i), ci, spikes*float64(max(rs.Objects, 1)), spikes*rs.Volume.Mean)
		}
	}
	return out
}

// cached reports whether class i's objects are stored at the edge and in
// the regional tier, and which region shields its origin (-1: none), as
// topology's class routes decide it.
func (s *Scenario) cached(i int) (edge, regional bool, shield int) {
	t := &s.Topology
	shield = -1
	if i >= len(t.Classes) {
		return true, true, -1
	}
	cl := t.Classes[i]
	var b *topology.Behavior
	for j := range t.Behaviors {
		if topology.MatchPath(t.Behaviors[j].Path, cl.Prefix+"0") {
			b = &t.Behaviors[j]
			break
		}
	}
	if b == nil || b.Dynamic {
		return false, false, -1
	}
	cc := cache.ParseCacheControl(cl.CacheControl)
	def := b.DefaultTTL
	if def == 0 && b.MaxTTL == 0 {
		def = 24 * time.Hour
	}
	var expires time.Duration
	if cl.Expires != nil {
		expires = *cl.Expires
	}
	ttl := cc.TTLExpires(expires, cl.Expires != nil, b.MinTTL, def, b.MaxTTL)
	if !cc.Storable() || (ttl <= 0 && !cc.NoCache) {
		return false, false, -1
	}
	regional = true
	for _, o := range t.Origins {
		if o.Name == b.Origin {
			regional = !o.BypassRegional
			for g, r := range t.Regions {
				if r.Name == o.Shield {
					shield = g
				}
			}
		}
	}
	return true, regional, shield
}

// tracePopulations bounds what a trace produces before it is read, from
// its file's size: every record a distinct object of one byte, records as
// short as the format allows, a compressed file expanding up to
// traceZstdRatio times.
func (s *Scenario) tracePopulations() []population {
	const traceZstdRatio = 20
	minRecord := 6.0 // "0,1,1\n"
	if s.TraceFormat == workload.TraceOracle {
		minRecord = 24
	}
	var size float64
	if st, err := os.Stat(s.Trace); err == nil {
		size = float64(st.Size())
	}
	if strings.HasSuffix(s.Trace, ".zst") {
		size *= traceZstdRatio
	}
	n := size / minRecord
	return []population{{key: "workload.trace", meanSize: 1, edge: true, regional: true, shield: -1, steady: true,
		window: func(share, _ float64) float64 { return n * share }}}
}

// zipfSeen counts the distinct objects among r requests to a Zipf(α)
// catalog: Σ 1 − e^(−r·p_i). Ranks are summed one by one up to zipfExact,
// then in buckets 5% wide in rank, whose mass is an integral of x^(−α), so
// a catalog of any size takes a few hundred terms.
type zipfSeen struct {
	p     []float64 // a rank's probability in bucket i
	width []float64 // ranks in bucket i
}

const zipfExact = 64

func newZipfSeen(n, alpha float64) zipfSeen {
	var z zipfSeen
	var h float64
	for lo := 1.0; lo <= n; {
		hi := lo + 1
		if lo > zipfExact {
			hi = math.Ceil(lo * 1.05)
		}
		// n + 1 is n itself past 2^53: the last bucket ends at the
		// first float above n.
		hi = max(min(hi, n+1), math.Nextafter(lo, math.Inf(1)))
		// Σ_{i=lo}^{hi−1} i^−α ≈ ∫_{lo−½}^{hi−½} x^−α dx
		var mass float64
		switch {
		case hi-lo == 1:
			mass = math.Pow(lo, -alpha)
		case alpha == 1:
			mass = math.Log((hi - 0.5) / (lo - 0.5))
		default:
			mass = (math.Pow(hi-0.5, 1-alpha) - math.Pow(lo-0.5, 1-alpha)) / (1 - alpha)
		}
		z.width = append(z.width, hi-lo)
		z.p = append(z.p, mass/(hi-lo))
		h += mass
		lo = hi
	}
	for i := range z.p {
		z.p[i] /= h
	}
	return z
}

func (z zipfSeen) seen(r float64) float64 {
	var d float64
	for i, p := range z.p {
		if p > 0 {
			d += z.width[i] * -math.Expm1(-r*p)
		}
	}
	return d
}

// meanSize is the mean of a class's sizes: lognormal with the class's
// median and sigma, capped at size_max when it is set, at least a byte.
func meanSize(cl workload.Class) float64 {
	m, s, c := cl.SizeMedian, cl.SizeSigma, float64(cl.SizeMax)
	if s == 0 {
		if c > 0 {
			return max(1, math.Min(m, c))
		}
		return max(1, m)
	}
	full := m * math.Exp(s*s/2)
	if c <= 0 {
		return max(1, full)
	}
	// E[min(X, c)] for ln X ~ N(μ, σ²).
	mu, lc := math.Log(m), math.Log(c)
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	return max(1, full*phi((lc-mu-s*s)/s)+c*(1-phi((lc-mu)/s)))
}

// popShares is the share of viewer requests each POP receives: each
// metro's weight goes to its nearest POP, the public resolver's share to
// the POP nearest the resolver.
func popShares(t *topology.Config, metros []workload.Metro) []float64 {
	share := make([]float64, len(t.POPs))
	if len(t.POPs) == 0 {
		return share
	}
	nearest := func(lat, lon float64) int {
		best, bestKm := 0, math.Inf(1)
		for i, p := range t.POPs {
			if km := topology.GreatCircleKm(lat, lon, p.Lat, p.Lon); km < bestKm {
				best, bestKm = i, km
			}
		}
		return best
	}
	var total float64
	for _, m := range metros {
		total += m.Weight
	}
	pub := t.DNS.PublicShare
	for _, m := range metros {
		if total > 0 {
			share[nearest(m.Lat, m.Lon)] += (1 - pub) * m.Weight / total
		}
	}
	share[nearest(t.DNS.PublicLat, t.DNS.PublicLon)] += pub
	return share
}
