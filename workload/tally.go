package workload

import (
	"math"

	"github.com/cdnsim/cdnsim/sim"
)

// ClassTally is, for one class and the measured period of a sample, the
// requests and body bytes of the whole stream (Full: expected) and of
// the sample (Kept: counted), as the viewers send them once their GETs
// are cut into ranges (on average: a download in four parallel ranges
// counts 4, a resumed one half its bytes). A miniature's counts are R·Full on average
// but vary with the objects its hash keeps: a Zipf head object in or out
// moves them by its whole traffic. Full − Kept/R is that excess or
// shortfall, at full scale, which report adds to the edge's hits (SHARDS's
// adjustment, Waldspurger et al., FAST '15, with the expected count in
// place of the trace's).
//
// Full is, by source: for a Zipf class, its rate integrated over the
// period (the diurnal curve as the arrivals follow it) times its objects'
// mean size weighted by popularity; for a decay class (every run draws
// all its births, keptbirths.go) and a spike of one object, each object's
// volume times the share of its requests that falls in the period (its
// profile), kept or not; for a spike's requests among its objects and
// browsing, which every run draws, each request in the period, kept or
// not.
type ClassTally struct {
	FullRequests, FullBytes float64
	KeptRequests, KeptBytes float64
}

// tally is a sample's ClassTallies as the stream goes; what can be
// computed up front is added by SampleTally.
type tally struct {
	classes []ClassTally
	// fixed are the spikes of one object planned before the slice: their
	// volumes count in Full whether kept or not.
	fixed []fixedEntry
}

type fixedEntry struct {
	born  sim.Time
	n     uint64
	src   uint32
	class uint8
	obj   uint64
}

// SetMeasured sets the start of the measured period (the end of the
// warm-up) for a sample's tally (SampleTally). Call it before the first
// Next.
func (g *Generator) SetMeasured(from sim.Time) {
	g.from = from
	g.born = nil // a sample's births are ranked by their volume in the period
}

// countKept counts a request the sample emits, for R/R_c of a request
// when its class is kept at R_c (SetClassRates), and marks it a ghost
// when it is one (Request.Ghost).
func (g *Generator) countKept(r *Request) {
	w := g.thin[r.Class]
	if r.Weight = g.headWeight(r.Class, r.Object); r.Weight != 0 {
		w /= float64(g.partsOf(r.Class))
	}
	r.Ghost = g.ghost(r, w)
	if r.Time >= g.from {
		c := &g.tally.classes[r.Class]
		c.KeptRequests += w
		c.KeptBytes += w * float64(r.Size)
	}
}

// countDrawn counts a request that every run draws (a spike's pick among
// its objects, browsing), kept or not.
func (g *Generator) countDrawn(at sim.Time, class uint8, size int64) {
	if at >= g.from {
		c := &g.tally.classes[class]
		c.FullRequests++
		c.FullBytes += float64(size)
	}
}

// inPeriod is the share of the requests of an object of profile p born at
// born that fall in [from, end).
func (g *Generator) inPeriod(p *profile, born sim.Time) float64 {
	return p.cdf(float64(g.end-born)) - p.cdf(float64(g.from-born))
}

// SampleTally returns each class's tally (by class index) after the
// stream: nil unless the generator is a sample (SetSlice with a sample's
// Slice). SetMeasured gives the period's start; the period ends with the
// stream.
func (g *Generator) SampleTally() []ClassTally {
	if g.tally == nil {
		return nil
	}
	out := append([]ClassTally(nil), g.tally.classes...)
	for i, c := range g.bornSet().full {
		out[i].FullRequests += c.FullRequests
		out[i].FullBytes += c.FullBytes
	}
	for i := range g.zipfs {
		zc := &g.zipfs[i]
		n := zc.rate / float64(sim.Second) * g.diurnalIntegral(g.from, g.end)
		c := &out[zc.class]
		c.FullRequests += n
		c.FullBytes += n * g.zipfMeanSize(&zc.z, zc.class, zc.base)
	}
	for _, f := range g.tally.fixed {
		w := float64(f.n) * g.inPeriod(&g.srcs[f.src].prof, f.born)
		c := &out[f.class]
		c.FullRequests += w
		c.FullBytes += w * float64(g.Size(f.class, f.obj))
	}
	for i := range out {
		c, ci := &out[i], &g.classes[i]
		c.FullRequests *= ci.perRequest
		c.KeptRequests *= ci.perRequest
		c.FullBytes *= ci.perByte
		c.KeptBytes *= ci.perByte
	}
	return out
}

// diurnalIntegral is ∫ of the diurnal factor over [a, b) in ns, slot by
// slot as the arrival processes step it (setSlot).
func (g *Generator) diurnalIntegral(a, b sim.Time) float64 {
	if g.curve.flat() {
		return float64(max(b-a, 0))
	}
	var sum float64
	for t := a; t < b; {
		start := t - t%slotLen
		end := min(start+slotLen, g.end)
		sum += float64(min(end, b)-t) * g.curve.factor(start+(end-start)/2)
		t = end
	}
	return sum
}

// zipfMeanHead is how many ranks zipfMeanSize sums exactly: past them the
// sizes' deviations from the class mean average out (a tail of n ranks
// moves the mean by σ_size·√Σp² of the tail, under 0.5% for any
// catalogue of the built-in scenarios).
const zipfMeanHead = 1 << 16

// zipfMeanSize is the mean object size of a request to z's ranks, objects
// base.. of class: Σ p_k·size_k, the head's sizes exactly and the tail's
// at the class mean.
func (g *Generator) zipfMeanSize(z *Zipf, class uint8, base uint64) float64 {
	m := min(z.N(), zipfMeanHead)
	var head, bytes float64
	for k := m; k >= 1; k-- {
		w := z.h(float64(k))
		head += w
		bytes += w * float64(g.Size(class, base+k-1))
	}
	return (bytes + (z.mass-head)*g.classes[class].meanSize()) / z.mass
}

// ByteMeanSize is the mean size of the object a byte of the class's
// objects belongs to, E[S²]/E[S] of its sizes S (a lognormal of its median
// and σ, capped at its maximum): the size that decides how lumpy the
// class is in a cache, which its plain mean understates for a
// heavy-tailed class (cloudfront-day's downloads: 154 MB on average, 1.2
// GB by bytes).
func (c *Class) ByteMeanSize() float64 {
	ci := classInfo{median: c.SizeMedian, sigma: c.SizeSigma, max: c.SizeMax}
	return ci.sizeMoment(2) / ci.sizeMoment(1)
}

// meanSize is the mean of the class's sizes: a lognormal of its median and
// σ, capped at max (rounding to whole bytes left out).
func (c *classInfo) meanSize() float64 { return c.sizeMoment(1) }

// sizeMoment is E[S^k] of the class's sizes S = min(X, max), X lognormal
// of its median and σ (rounding to whole bytes left out; σ = 0: the one
// size).
func (c *classInfo) sizeMoment(k float64) float64 {
	if c.sigma == 0 {
		return math.Pow(float64(lognormalSize(c.median, 0, c.max, 0.5)), k)
	}
	s2 := c.sigma * c.sigma
	moment := math.Pow(c.median, k) * math.Exp(k*k*s2/2)
	if c.max <= 0 {
		return moment
	}
	// E[min(X, M)^k] = e^{kμ+k²σ²/2}·Φ((ln M − μ − kσ²)/σ) + M^k·(1 − Φ((ln M − μ)/σ)).
	l := math.Log(float64(c.max) / c.median)
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	return moment*phi((l-k*s2)/c.sigma) + math.Pow(float64(c.max), k)*(1-phi(l/c.sigma))
}
