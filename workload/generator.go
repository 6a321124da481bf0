package workload

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/cdnsim/cdnsim/sim"
)

// never is a time after any stream's end.
const never = sim.Time(math.MaxInt64)

// Generator is a synthetic Source built from a Config. It streams requests
// in non-decreasing time order without materialising them: memory is O(live
// decay objects + metros + classes), independent of the request count and
// of zipf catalog sizes (a sample adds 16 bytes a kept zipf object).
//
// Object IDs: zipf classes take consecutive ranges in class order (class 0
// gets 0..N0−1, the next N0.., …), rank r of a class being its first ID + r;
// after all zipf ranges come the objects that spikes create in decay classes
// (in Spikes() order — scheduled, then random — each spike's Objects
// consecutively), then decay births, dense in birth order.
//
// A spike's browsing requests (Spike.Browse) pick a class by the classes'
// expected current request rates — a zipf class's Rate, a decay class's
// BirthRate × Volume.Mean (its steady state), each times the diurnal factor
// where it applies, re-evaluated every minute — and then an object: in a
// zipf class an independent draw from its Zipf sampler; in a decay class
// one of the class's last browsePool births, chosen with probability
// proportional to its volume (recent articles, the popular ones first;
// an article's age within the pool does not count, where its current
// request rate would). The births of a class that browsing follows are
// drawn by every run, sampled or not, so a browse request's object does
// not depend on which other requests a run kept. Spike objects are not
// part of the ordinary mix. A decay class with no birth yet gets no
// browsing; if no class can be browsed at all, the request goes to the
// spike's own objects.
//
// Shards (SetSlice with a shard's Slice) keep exactly the requests of the
// objects they select, each as the unsampled stream has it, so the union
// of K shards is the unsampled stream. Everything a request draws once
// its object is known — metro, method, dynamic, a spike's pick among its
// objects, a browse target — and a live object's request times come from
// counter-based streams keyed by the request (the zipf arrival's index;
// the live entry and its request number), not from shared sequential
// streams, and a decay object outside the slice is never put on the live
// heap; but every zipf arrival still costs its time, class and rank, and
// every birth its volume.
//
// A sample (a miniature, R < 1) keeps one rank in every 1/R of each Zipf
// class (systematic sampling, kept.go), of each spike's objects ranked by
// their expected bytes (keptSpike), and of each decay class's births
// ranked by their volume in the measured period (keptbirths.go); of each
// ranking's first 1/R, the one nearest their mean. Its zipf arrivals are
// a Poisson process at the kept ranks' share of the zipf classes' rate, each
// picking a kept (class, rank) with probability proportional to
// rate·k^−α/Σk^−α (keptZipf): by Poisson thinning, the same process in
// distribution as the unsampled stream's arrivals of those objects, but
// not the same requests. Its births are the whole stream's, every one
// drawn, and the requests of the born objects it keeps, of spikes and of
// browsing are exactly the whole stream's. Setting up costs a pass over
// every zipf rank (a few ns each) and one over every birth. SampleTally
// gives what a sample's summary is adjusted by.
type Generator struct {
	seed    uint64
	end     sim.Time
	curve   diurnalCurve
	classes []classInfo

	// Zipf classes share one Poisson arrival process (they have the same
	// diurnal shape); each arrival picks its class by rate.
	zipfs    []zipfClass
	zipfPick alias
	zipfProc proc
	zipfNext sim.Time
	// kept, in a sample (not a shard), draws the arrivals of the kept zipf
	// objects alone, in place of zipfPick and the classes' samplers.
	kept *keptZipf
	// A sample (not a shard) keeps Zipf ranks systematically (kept.go):
	// zipfEnd ends the Zipf classes' IDs, strata are the spikes' objects
	// in decay classes (kept by expected bytes), by first ID; seedH is
	// seedHash(seed), with which the objects of neither are kept.
	sampled bool
	// classRates are the rates at which a sample keeps each class
	// (SetClassRates; rateOf), thin the share of a class's kept requests
	// it counts: R/R_c, 1 for a class kept at R.
	classRates []float64
	thin       []float64
	// parts and headW are SetHeadParts's: the parts a sample keeps each
	// class's heads in, and the weight of a head member's request.
	parts   []int
	headW   []uint16
	zipfEnd uint64
	strata  []stratum
	seedH   uint64
	// tally counts a sample's requests against the whole stream's from
	// the start of the measured period (SampleTally); nil otherwise.
	tally *tally
	from  sim.Time

	// Decay classes: one birth process each.
	births    []birthProc
	birthNext sim.Time // min over births[].next
	birthIdx  int      // index of that min
	nextID    uint64   // next decay object ID
	// bornBase is the first born object's ID; born, in a sample, the born
	// objects it keeps (keptbirths.go), found when first asked.
	bornBase uint64
	born     *bornKept

	// live holds the objects with requests to come, ordered by the time
	// of each one's next request; ties go in the order they were
	// scheduled (liveSeq counts schedulings).
	live    sim.Wheel[live]
	liveSeq uint64
	srcs    []source // what a live entry's src indexes: decay classes, then spikes

	metroAlias   alias
	metroW       []float64
	metroSlotEnd sim.Time

	spikes []SpikeInfo
	// spikeAlpha is each spike's Zipf exponent over its objects.
	spikeAlpha []float64

	// Browsing (only if some spike has Browse > 0). browseBase is each
	// class's expected request rate at diurnal factor 1 (browseDiurnal: it
	// follows the curve); classZipf and classRing map a class to its entry
	// in zipfs or rings (−1: none). browseAlias holds this slot's class
	// weights; browseOK is false when every weight was 0.
	browseBase    []float64
	browseDiurnal []bool
	browseW       []float64
	browseAlias   alias
	browseSlotEnd sim.Time
	browseOK      bool
	classZipf     []int32
	classRing     []int32
	rings         []recentRing

	// Independent streams so that, e.g., adding a spike does not reshuffle
	// the zipf draws.
	rArrive, rZipf, rBirth *rand.Rand

	// Counter-based draws (see keyed): kr reads ksrc, reseeded per key.
	ksrc  splitMix
	kr    *rand.Rand
	kseed uint64
	zipfK uint64 // zipf arrivals so far, kept or not: their draws' key

	slice Slice
}

// Streams of the counter-based draws.
const (
	streamZipfReq = 0x6a09e667f3bcc908 + iota // a zipf arrival's attributes
	streamLiveReq                             // a live entry's request: object pick, attributes
	streamOrder                               // a live entry's next request time
)

type classInfo struct {
	name    string
	prefix  string
	median  float64
	sigma   float64
	max     int64
	methods []methodCum
	dynamic float64 // share of dynamic requests
	base    uint64  // first object ID (zipf)
	// quant tabulates median·exp(σ·Φ⁻¹(u)) over the central u range; see
	// sizeAt.
	quant []float64
	// perRequest and perByte are the viewer requests and body bytes a
	// request of the class makes on average once Ranges has split or cut
	// its GETs (SampleTally counts in them).
	perRequest, perByte float64
}

// The size quantile function is tabulated on sizeTableN equal steps of u in
// [sizeLo, sizeHi] and interpolated linearly: Erfinv and Exp were a third of
// generation time. The relative curvature of exp(σΦ⁻¹(u)) there is at most
// σ·900 + σ²·420, so with steps of 1.2e-4 the relative interpolation error is
// < 1e-5 for σ ≤ 2.5 (a 20 KB object moves by < 0.2 byte); the 4% of draws in
// the tails, where Φ⁻¹ curves sharply, are computed exactly. 64 KB a class.
const (
	sizeTableN = 8192
	sizeLo     = 0.02
	sizeHi     = 0.98
)

func (c *classInfo) buildQuant() {
	c.quant = make([]float64, sizeTableN+1)
	for i := range c.quant {
		u := sizeLo + (sizeHi-sizeLo)*float64(i)/sizeTableN
		c.quant[i] = c.median * math.Exp(c.sigma*normalQuantile(u))
	}
}

// sizeAt is the class's size at uniform u (lognormalSize, via the table in
// the central range).
func (c *classInfo) sizeAt(u float64) int64 {
	if !(u > sizeLo && u < sizeHi) {
		return lognormalSize(c.median, c.sigma, c.max, u)
	}
	f := (u - sizeLo) * (sizeTableN / (sizeHi - sizeLo))
	i := int(f)
	if i >= sizeTableN {
		i = sizeTableN - 1
	}
	q := c.quant[i] + (f-float64(i))*(c.quant[i+1]-c.quant[i])
	s := math.Round(q)
	if s < 1 {
		return 1
	}
	if c.max > 0 && s >= float64(c.max) {
		return c.max
	}
	return int64(s)
}

type methodCum struct {
	cum    float64 // cumulative share up to and including this method
	method Method
}

type zipfClass struct {
	z     Zipf
	class uint8
	base  uint64
	rate  float64 // requests/s, daily mean
	u     float64 // a sample's offset of systematic sampling (kept.go)
	r     float64 // the rate at which a sample keeps the class's ranks (rateOf)
	// hd is the head a sample keeps of its first 1/R ranks (chooseHead,
	// kept.go); none outside a sample and for a catalogue smaller than
	// 1/R.
	hd headOf
}

// proc is a Poisson process whose rate is piecewise constant per slot.
// Memorylessness makes crossing a slot boundary exact: restart the
// exponential wait at the boundary with the new slot's rate.
type proc struct {
	base    float64 // events per ns at diurnal factor 1
	diurnal bool
	slotEnd sim.Time
	rate    float64 // this slot's events per ns
}

// New builds a generator for cfg; seed decides every random choice.
func New(cfg Config, seed uint64) (*Generator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g := &Generator{
		seed:    seed,
		end:     sim.Duration(cfg.Duration),
		curve:   newDiurnalCurve(cfg),
		rArrive: sim.NewRand(seed, "workload/arrivals"),
		rZipf:   sim.NewRand(seed, "workload/zipf"),
		rBirth:  sim.NewRand(seed, "workload/births"),
		kseed:   sim.Mix64(seed ^ 0x3c6ef372fe94f82b),
	}
	g.kr = rand.New(&g.ksrc)
	browsing := false
	for _, s := range cfg.Spikes {
		browsing = browsing || s.Browse > 0
	}
	if browsing {
		g.initBrowse(len(cfg.Classes))
	}

	classIdx := map[string]int{}
	var zipfRates []float64
	var zipfRate float64
	for i, cl := range cfg.Classes {
		classIdx[cl.Name] = i
		ci := classInfo{name: cl.Name, prefix: cl.Prefix, median: cl.SizeMedian, sigma: cl.SizeSigma, max: cl.SizeMax, dynamic: cl.DynamicShare}
		if ci.sigma > 0 {
			ci.buildQuant()
		}
		var cum, get float64 = 0, 1
		for _, ms := range cl.Methods {
			m, _ := parseMethod(ms.Method)
			cum += ms.Share
			ci.methods = append(ci.methods, methodCum{cum: cum, method: m})
			if m != GET {
				get -= ms.Share
			}
		}
		ci.perRequest, ci.perByte = rangeFactors(cl, get)
		if cl.Popularity == PopZipf {
			z, err := NewZipf(cl.Objects, cl.Alpha)
			if err != nil {
				return nil, &FieldError{Key: "classes[" + strconv.Itoa(i) + "].alpha", Msg: err.Error()}
			}
			if browsing {
				g.browseBase[i] = cl.Rate
				g.browseDiurnal[i] = true
				g.classZipf[i] = int32(len(g.zipfs))
				g.classRing[i] = -1
			}
			ci.base = g.nextID
			g.zipfs = append(g.zipfs, zipfClass{z: z, class: uint8(i), base: g.nextID, rate: cl.Rate})
			g.nextID += cl.Objects
			zipfRates = append(zipfRates, cl.Rate)
			zipfRate += cl.Rate
		}
		g.classes = append(g.classes, ci)
	}
	for i, cl := range cfg.Classes {
		if cl.Popularity != PopDecay {
			continue
		}
		b := birthProc{
			proc:  proc{base: cl.BirthRate / float64(sim.Hour), diurnal: cl.BirthDiurnal},
			class: uint8(i),
			src:   uint32(len(g.srcs)),
			vol:   cl.Volume,
		}
		switch cl.Volume.Dist {
		case VolumePareto:
			b.xm = cl.Volume.Mean * (cl.Volume.Shape - 1) / cl.Volume.Shape
		default:
			b.mu = math.Log(cl.Volume.Mean) - cl.Volume.Sigma*cl.Volume.Sigma/2
		}
		g.births = append(g.births, b)
		src := source{prof: newProfile(cl), class: uint8(i)}
		if browsing {
			g.browseBase[i] = cl.BirthRate / 3600 * cl.Volume.Mean
			g.browseDiurnal[i] = cl.BirthDiurnal
			g.classZipf[i] = -1
			g.classRing[i] = int32(len(g.rings))
			src.ring = uint32(len(g.rings)) + 1
			g.rings = append(g.rings, newRecentRing())
		}
		g.srcs = append(g.srcs, src)
	}

	if err := g.planSpikes(cfg, seed, classIdx); err != nil {
		return nil, err
	}

	if len(g.zipfs) > 0 {
		g.zipfPick.build(zipfRates)
		g.zipfProc = proc{base: zipfRate / float64(sim.Second), diurnal: true}
		g.setSlot(&g.zipfProc, 0)
		g.zipfNext = g.advance(&g.zipfProc, 0, g.rArrive)
	} else {
		g.zipfNext = never
	}
	for i := range g.births {
		b := &g.births[i]
		g.setSlot(&b.proc, 0)
		b.next = g.advance(&b.proc, 0, g.rBirth)
	}
	g.updateBirthNext()
	g.bornBase = g.nextID
	g.metroW = make([]float64, len(cfg.Metros))
	return g, nil
}

// Size is the body size in bytes of object obj of class: lognormal with the
// class's median and σ, a fixed function of (seed, class, obj).
func (g *Generator) Size(class uint8, obj uint64) int64 {
	c := &g.classes[class]
	if c.sigma == 0 {
		return lognormalSize(c.median, 0, c.max, 0.5)
	}
	return c.sizeAt(hashUniform(g.seed, class, obj))
}

// Path is the URL path of object obj of class: the class prefix and the ID.
func (g *Generator) Path(class uint8, obj uint64) string {
	return g.classes[class].prefix + strconv.FormatUint(obj, 10)
}

// Live is the number of objects currently holding pending requests (decay
// objects and spikes): the generator's memory beyond its fixed tables.
func (g *Generator) Live() int { return g.live.Len() }

// keyed returns the random stream of key (a, b) in stream: a fixed
// function of (seed, stream, a, b), however many draws were made before.
// It is valid until the next call.
func (g *Generator) keyed(stream, a, b uint64) *rand.Rand {
	g.ksrc = splitMix(sim.Mix64(sim.Mix64(g.kseed^a^stream) ^ b))
	return g.kr
}

// splitMix is SplitMix64 (Steele, Lea, Flood 2014) as a rand.Source: a
// keyed stream is a few draws long, and seeding it is one store, where
// PCG's 128-bit steps cost more than the draws it would feed.
type splitMix uint64

// Uint64 implements rand.Source.
func (s *splitMix) Uint64() uint64 {
	*s += 0x9e3779b97f4a7c15
	return sim.Mix64(uint64(*s))
}

// Next implements Source.
func (g *Generator) Next(r *Request) bool {
	for {
		t := g.zipfNext
		fromLive := false
		if top := g.live.Before(t); top != nil {
			t, fromLive = top.At, true
		}
		if g.birthNext < t {
			if g.birthNext >= g.end {
				return false
			}
			g.birth()
			continue
		}
		if t >= g.end {
			return false
		}
		if fromLive {
			if g.emitLive(r) {
				return true
			}
			continue
		}
		var zc *zipfClass
		var obj uint64
		if g.kept != nil {
			i, o := g.kept.draw(g, g.rZipf)
			zc, obj = &g.zipfs[i], o
		} else {
			zc = &g.zipfs[0]
			if len(g.zipfs) > 1 {
				zc = &g.zipfs[g.zipfPick.sample(g.rZipf)]
			}
			obj = zc.base + zc.z.Rank(g.rZipf) - 1
		}
		k := g.zipfK
		g.zipfK++
		g.zipfNext = g.advance(&g.zipfProc, t, g.rArrive)
		if g.kept == nil && !g.keeps(obj) {
			continue
		}
		kr := g.keyed(streamZipfReq, k, 0)
		*r = Request{
			Time:    t,
			Object:  obj,
			Size:    g.Size(zc.class, obj),
			Metro:   g.metro(t, kr),
			Class:   zc.class,
			Method:  g.method(zc.class, kr),
			Dynamic: g.dynamic(zc.class, kr),
		}
		if g.tally != nil {
			g.countKept(r)
		}
		return true
	}
}

// setSlot points p at the slot containing t.
func (g *Generator) setSlot(p *proc, t sim.Time) {
	p.rate = p.base
	if !p.diurnal || g.curve.flat() {
		// Constant rate: no slot boundaries to stop at.
		p.slotEnd = never
		return
	}
	start := t - t%slotLen
	p.slotEnd = start + slotLen
	mid := start + (min(p.slotEnd, g.end)-start)/2
	p.rate *= g.curve.factor(mid)
}

// advance returns the next event of p after t, or never past the end.
func (g *Generator) advance(p *proc, t sim.Time, r *rand.Rand) sim.Time {
	for t < g.end {
		next := float64(t) + r.ExpFloat64()/p.rate
		if next < float64(p.slotEnd) {
			return sim.Time(next)
		}
		t = p.slotEnd
		g.setSlot(p, t)
	}
	return never
}

// metro draws the viewer metro of a request at t from the current mix.
func (g *Generator) metro(t sim.Time, r *rand.Rand) uint16 {
	if t >= g.metroSlotEnd {
		start := t - t%slotLen
		g.metroSlotEnd = start + slotLen
		g.curve.metroWeights(start+slotLen/2, g.metroW)
		g.metroAlias.build(g.metroW)
	}
	return g.metroAlias.sample(r)
}

// dynamic draws whether a request of class is dynamic. It is a request's
// last draw, so classes without dynamic requests leave the others unchanged.
func (g *Generator) dynamic(class uint8, r *rand.Rand) bool {
	p := g.classes[class].dynamic
	return p > 0 && r.Float64() < p
}

// method draws a request's HTTP method from its class's shares.
func (g *Generator) method(class uint8, r *rand.Rand) Method {
	ms := g.classes[class].methods
	if len(ms) == 0 {
		return GET
	}
	u := r.Float64()
	for _, m := range ms {
		if u < m.cum {
			return m.method
		}
	}
	return GET
}
