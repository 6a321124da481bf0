package workload

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/cdnsim/cdnsim/sim"
)

// browsePool is the number of recent ordinary requests of each decay class
// that a browse request copies its object from. An object's share of the
// pool is its share of the class's recent requests, so a copy picks objects
// by their current rate; 1024 is enough that an object requested once
// rarely gets copied twice in a row (1/1024 a copy), yet covers only the
// last ~40 s of a class at 25 requests/s, so the pool follows the class's
// popularity as it decays.
const browsePool = 1024

// never is a time after any stream's end.
const never = sim.Time(math.MaxInt64)

// SpikeInfo locates a spike, scheduled or random, in the generated stream,
// for marking plots and reports.
type SpikeInfo struct {
	Name    string
	Object  uint64   // the first of the spike's objects (the most requested)
	Objects uint64   // how many: IDs Object .. Object+Objects−1
	Class   uint8    // their class index
	At      sim.Time // start of the ramp
	Home    string   // home region; "" = the normal metro mix
	Volume  float64  // expected extra requests (a random spike's drawn volume)
}

// Generator is a synthetic Source built from a Config. It streams requests
// in non-decreasing time order without materialising them: memory is O(live
// decay objects + metros + classes), independent of the request count and
// of zipf catalog sizes.
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
// zipf class an independent draw from its Zipf sampler; in a decay class a
// copy of the object of one of the class's last browsePool ordinary
// requests, chosen uniformly. The copy weights live objects by their recent
// request rate, as an ordinary request would, at O(1) cost and without
// indexing the live heap by class; the price is that a browse request
// follows, within ~browsePool requests, an ordinary request for the same
// object. Spike objects are not part of the ordinary mix. A decay class none
// of whose objects has been requested yet gets no browsing; if no class can
// be browsed at all, the request goes to the spike's own objects.
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

	// Decay classes: one birth process each.
	births    []birthProc
	birthNext sim.Time // min over births[].next
	birthIdx  int      // index of that min
	nextID    uint64   // next decay object ID

	live sim.Heap[live] // keyed by the time of each object's next request
	srcs []source       // what a live entry's src indexes: decay classes, then spikes

	metroAlias   alias
	metroW       []float64
	metroSlotEnd sim.Time

	spikes []SpikeInfo

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
	// the zipf draws. rPick picks spike objects and browse targets.
	rArrive, rZipf, rMetro, rBirth, rOrder, rMethod, rPick, rDynamic *rand.Rand
}

// recent is an ordinary request's object, as a browse request copies it.
type recent struct {
	obj  uint64
	size int64
}

// recentRing holds a decay class's last browsePool ordinary requests.
type recentRing struct {
	buf []recent
	n   int // entries filled, ≤ len(buf)
	pos int // where the next one goes
}

func (r *recentRing) put(obj uint64, size int64) {
	r.buf[r.pos] = recent{obj: obj, size: size}
	if r.pos++; r.pos == len(r.buf) {
		r.pos = 0
	}
	if r.n < len(r.buf) {
		r.n++
	}
}

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

type birthProc struct {
	proc
	next  sim.Time
	class uint8
	src   uint32
	vol   Volume
	mu    float64 // lognormal: ln(mean) − σ²/2
	xm    float64 // pareto: scale, mean·(α−1)/α
}

// How a live entry's request picks its object.
const (
	pickFixed  uint8 = iota // the entry's own object
	pickZipf                // one of a spike's objects: entry's object + z.Rank − 1
	pickBrowse              // an ordinary request's object (Generator.browse)
)

// source is the shared description of the live objects of one decay class or
// one spike part (its objects, its browsing): heap entries stay pointer-free
// and small by pointing here.
type source struct {
	prof  profile
	class uint8
	pick  uint8
	// ring is 1 + the index in Generator.rings of the pool that records
	// this source's requests for browsing (a decay class's), 0 for none; so
	// the zero value records nothing.
	ring uint32
	// z picks among a spike's objects (pickZipf, and pickBrowse's fallback
	// when it has more than one object).
	z Zipf
	// home and away are set for spikes with a home region: with probability
	// homeShare a request comes from home (by metro weight), otherwise from
	// away (nil when every metro is home).
	home, away *alias
	homeShare  float64
}

// New builds a generator for cfg; seed decides every random choice.
func New(cfg Config, seed uint64) (*Generator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g := &Generator{
		seed:     seed,
		end:      sim.Duration(cfg.Duration),
		curve:    newDiurnalCurve(cfg),
		rArrive:  sim.NewRand(seed, "workload/arrivals"),
		rZipf:    sim.NewRand(seed, "workload/zipf"),
		rMetro:   sim.NewRand(seed, "workload/metro"),
		rBirth:   sim.NewRand(seed, "workload/births"),
		rOrder:   sim.NewRand(seed, "workload/order"),
		rMethod:  sim.NewRand(seed, "workload/method"),
		rPick:    sim.NewRand(seed, "workload/spike-picks"),
		rDynamic: sim.NewRand(seed, "workload/dynamic"),
	}
	rSpike := sim.NewRand(seed, "workload/spikes")
	browsing := false
	for _, s := range cfg.Spikes {
		browsing = browsing || s.Browse > 0
	}
	if browsing {
		n := len(cfg.Classes)
		g.browseBase = make([]float64, n)
		g.browseDiurnal = make([]bool, n)
		g.browseW = make([]float64, n)
		g.classZipf = make([]int32, n)
		g.classRing = make([]int32, n)
		for i := range n {
			g.browseW[i] = 1
		}
		g.browseAlias.build(g.browseW) // sizes the table: Next never allocates
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
		var cum float64
		for _, ms := range cl.Methods {
			m, _ := parseMethod(ms.Method)
			cum += ms.Share
			ci.methods = append(ci.methods, methodCum{cum: cum, method: m})
		}
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
			g.zipfs = append(g.zipfs, zipfClass{z: z, class: uint8(i), base: g.nextID})
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
			g.rings = append(g.rings, recentRing{buf: make([]recent, browsePool)})
		}
		g.srcs = append(g.srcs, src)
	}

	// Spikes: objects and first requests are fixed now so Spikes() can
	// report them before the stream is read.
	// A spike is one live entry for its objects and, with browsing, a second
	// one: the two Poisson counts add up to Poisson(Volume), and each entry
	// costs O(1) however many objects the story has.
	// Random spikes are drawn here and then are scheduled spikes, after the
	// configured ones. The spikes of one random_spikes entry with the same
	// home region share their sources (profile, object sampler, region
	// tables), so a spike costs its live entries and its SpikeInfo.
	spikes := make([]plannedSpike, 0, len(cfg.Spikes))
	for i, s := range cfg.Spikes {
		spikes = append(spikes, plannedSpike{Spike: s, key: "spikes[" + strconv.Itoa(i) + "]"})
	}
	spikes = append(spikes, drawRandomSpikes(cfg, seed)...)
	regionTables := map[string][2]*alias{}
	shared := map[string]uint32{} // a random spike's share key → its first src
	for _, s := range spikes {
		ci := classIdx[s.Class]
		cl := cfg.Classes[ci]
		n := s.objects()
		var obj uint64
		if cl.Popularity == PopZipf {
			obj = g.classes[ci].base + s.Rank
		} else {
			obj = g.nextID
			g.nextID += n
		}
		si, ok := shared[s.share]
		if !ok || s.share == "" {
			src := source{prof: newSpikeProfile(s.Spike), class: uint8(ci), homeShare: s.HomeShare}
			if s.HomeRegion != "" {
				t, ok := regionTables[s.HomeRegion]
				if !ok {
					t[0], t[1] = regionAliases(cfg.Metros, s.HomeRegion)
					regionTables[s.HomeRegion] = t
				}
				src.home, src.away = t[0], t[1]
			}
			if n > 1 {
				z, err := NewZipf(n, s.objectAlpha())
				if err != nil {
					return nil, &FieldError{Key: s.key + ".object_alpha", Msg: err.Error()}
				}
				src.pick, src.z = pickZipf, z
			}
			si = uint32(len(g.srcs))
			g.srcs = append(g.srcs, src)
			if s.Browse > 0 {
				b := src
				b.pick = pickBrowse
				g.srcs = append(g.srcs, b)
			}
			if s.share != "" {
				shared[s.share] = si
			}
		}
		at := sim.Duration(s.At)
		g.spikes = append(g.spikes, SpikeInfo{
			Name: s.Name, Object: obj, Objects: n, Class: uint8(ci), At: at,
			Home: s.HomeRegion, Volume: s.Volume,
		})
		g.push(obj, at, poisson(rSpike, s.Volume*(1-s.Browse)), si)
		if s.Browse > 0 {
			g.push(obj, at, poisson(rSpike, s.Volume*s.Browse), si+1)
		}
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
	g.metroW = make([]float64, len(cfg.Metros))
	return g, nil
}

// plannedSpike is a spike to set up in New: a configured one or a drawn
// random one.
type plannedSpike struct {
	Spike
	key   string // its config key, for errors: "spikes[2]", "random_spikes[0]"
	share string // random spikes: sources are shared by equal keys; "" none
}

// drawRandomSpikes draws the random spikes of every cfg.RandomSpikes entry,
// each entry from its own stream so that adding an entry leaves the others'
// spikes as they were. Times are a homogeneous Poisson process over the
// stream (viral news does not keep office hours, and a spike's own ramp
// dominates its shape); volumes are drawn from the entry's Volume and capped
// at 1e8, the validated bound of a spike's volume.
func drawRandomSpikes(cfg Config, seed uint64) []plannedSpike {
	if len(cfg.RandomSpikes) == 0 {
		return nil
	}
	// Regions in order of first appearance, weighted by their metros.
	var names []string
	var weights []float64
	idx := map[string]int{}
	for _, m := range cfg.Metros {
		if m.Region == "" {
			continue
		}
		i, ok := idx[m.Region]
		if !ok {
			i = len(names)
			idx[m.Region] = i
			names = append(names, m.Region)
			weights = append(weights, 0)
		}
		weights[i] += m.Weight
	}
	var regions alias
	if len(names) > 0 {
		regions.build(weights)
	}
	var out []plannedSpike
	end := float64(cfg.Duration)
	for i, rs := range cfg.RandomSpikes {
		key := "random_spikes[" + strconv.Itoa(i) + "]"
		r := sim.NewRand(seed, "workload/random-spikes/"+strconv.Itoa(i))
		mean := float64(24*time.Hour) / rs.Rate // ns between spikes
		var mu, xm float64
		if rs.Volume.Dist == VolumePareto {
			xm = rs.Volume.Mean * (rs.Volume.Shape - 1) / rs.Volume.Shape
		} else {
			mu = math.Log(rs.Volume.Mean) - rs.Volume.Sigma*rs.Volume.Sigma/2
		}
		t := r.ExpFloat64() * mean
		for k := 1; t < end; k++ {
			var v float64
			if rs.Volume.Dist == VolumePareto {
				v = xm * math.Pow(1-r.Float64(), -1/rs.Volume.Shape)
			} else {
				v = math.Exp(mu + rs.Volume.Sigma*r.NormFloat64())
			}
			v = min(v, maxSpikeVolume)
			home := rs.HomeRegion
			if home == "" && rs.HomeShare > 0 {
				home = names[regions.sample(r)]
			}
			out = append(out, plannedSpike{
				Spike: rs.spike(k, time.Duration(t), v, home),
				key:   key,
				share: key + "/" + home,
			})
			t += r.ExpFloat64() * mean
		}
	}
	return out
}

// regionAliases builds static-weight alias tables over the metros of region
// and over the others (nil if none).
func regionAliases(metros []Metro, region string) (home, away *alias) {
	hw := make([]float64, len(metros))
	aw := make([]float64, len(metros))
	var awSum float64
	for i, m := range metros {
		if m.Region == region {
			hw[i] = m.Weight
		} else {
			aw[i] = m.Weight
			awSum += m.Weight
		}
	}
	home = new(alias)
	home.build(hw)
	if awSum > 0 {
		away = new(alias)
		away.build(aw)
	}
	return home, away
}

// Spikes lists the spikes with their objects: the scheduled ones in config
// order, then the random ones by random_spikes entry and time.
func (g *Generator) Spikes() []SpikeInfo { return append([]SpikeInfo(nil), g.spikes...) }

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

// Next implements Source.
func (g *Generator) Next(r *Request) bool {
	for {
		t := g.zipfNext
		fromLive := false
		if g.live.Len() > 0 && g.live.Top().At < t {
			t, fromLive = g.live.Top().At, true
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
			g.emitLive(r)
			return true
		}
		zc := &g.zipfs[0]
		if len(g.zipfs) > 1 {
			zc = &g.zipfs[g.zipfPick.sample(g.rZipf)]
		}
		obj := zc.base + zc.z.Rank(g.rZipf) - 1
		*r = Request{
			Time:    t,
			Object:  obj,
			Size:    g.Size(zc.class, obj),
			Metro:   g.metro(t),
			Class:   zc.class,
			Method:  g.method(zc.class),
			Dynamic: g.dynamic(zc.class),
		}
		g.zipfNext = g.advance(&g.zipfProc, t, g.rArrive)
		return true
	}
}

// emitLive emits the next request of the earliest live object and schedules
// its following one.
func (g *Generator) emitLive(r *Request) {
	top := g.live.Top()
	e, next := &top.Val, top.At
	src := &g.srcs[e.src]
	class, obj, size := src.class, e.obj, e.size
	switch src.pick {
	case pickZipf:
		obj += src.z.Rank(g.rPick) - 1
		size = g.Size(class, obj)
	case pickBrowse:
		class, obj, size = g.browse(src, e.obj, next)
	}
	if src.ring > 0 {
		g.rings[src.ring-1].put(obj, size)
	}
	*r = Request{
		Time:    next,
		Object:  obj,
		Size:    size,
		Metro:   g.srcMetro(src, next),
		Class:   class,
		Method:  g.method(class),
		Dynamic: g.dynamic(class),
	}
	e.left--
	if e.left == 0 {
		g.live.Pop()
		return
	}
	e.x += g.rOrder.ExpFloat64() / float64(e.left)
	age := src.prof.age(e.x)
	if age >= float64(g.end-e.born) {
		// Its remaining requests all fall after the end: free it now.
		g.live.Pop()
		return
	}
	top.At = e.born + sim.Time(age)
	g.live.FixTop()
}

// browse picks the class and object of a spike's browsing request at t (see
// Generator); first is the spike's first object, the fallback.
func (g *Generator) browse(src *source, first uint64, t sim.Time) (class uint8, obj uint64, size int64) {
	if t >= g.browseSlotEnd {
		g.browseWeights(t)
	}
	if !g.browseOK {
		obj = first
		if src.z.N() > 1 {
			obj += src.z.Rank(g.rPick) - 1
		}
		return src.class, obj, g.Size(src.class, obj)
	}
	class = uint8(g.browseAlias.sample(g.rPick))
	if zi := g.classZipf[class]; zi >= 0 {
		zc := &g.zipfs[zi]
		obj = zc.base + zc.z.Rank(g.rPick) - 1
		return class, obj, g.Size(class, obj)
	}
	ring := &g.rings[g.classRing[class]]
	c := ring.buf[g.rPick.IntN(ring.n)]
	return class, c.obj, c.size
}

// browseWeights sets the class weights of browsing for the slot holding t.
// A decay class gets weight 0 while its pool is empty; pools never empty
// again, so a class drawn later always has one.
func (g *Generator) browseWeights(t sim.Time) {
	start := t - t%slotLen
	g.browseSlotEnd = start + slotLen
	f := g.curve.factor(start + slotLen/2)
	var sum float64
	for i, w := range g.browseBase {
		if g.browseDiurnal[i] {
			w *= f
		}
		if ri := g.classRing[i]; ri >= 0 && g.rings[ri].n == 0 {
			w = 0
		}
		g.browseW[i] = w
		sum += w
	}
	g.browseOK = sum > 0
	if g.browseOK {
		g.browseAlias.build(g.browseW)
	}
}

// birth creates the object of the earliest pending birth.
func (g *Generator) birth() {
	b := &g.births[g.birthIdx]
	t := b.next
	obj := g.nextID
	g.nextID++
	var v float64
	if b.vol.Dist == VolumePareto {
		v = b.xm * math.Pow(1-g.rBirth.Float64(), -1/b.vol.Shape)
	} else {
		v = math.Exp(b.mu + b.vol.Sigma*g.rBirth.NormFloat64())
	}
	g.push(obj, t, poisson(g.rBirth, v), b.src)
	b.next = g.advance(&b.proc, t, g.rBirth)
	g.updateBirthNext()
}

func (g *Generator) updateBirthNext() {
	g.birthNext, g.birthIdx = never, 0
	for i := range g.births {
		if g.births[i].next < g.birthNext {
			g.birthNext, g.birthIdx = g.births[i].next, i
		}
	}
}

// push adds an object born at born with n requests to come.
func (g *Generator) push(obj uint64, born sim.Time, n uint64, src uint32) {
	if n == 0 || born >= g.end {
		return
	}
	if n > math.MaxUint32 {
		n = math.MaxUint32 // unreachable with validated volumes ≤ 1e8
	}
	s := &g.srcs[src]
	x := g.rOrder.ExpFloat64() / float64(n)
	age := s.prof.age(x)
	if age >= float64(g.end-born) {
		return
	}
	g.live.Push(sim.Item[live]{At: born + sim.Time(age), Val: live{
		obj:  obj,
		born: born,
		x:    x,
		size: g.Size(s.class, obj),
		left: uint32(n),
		src:  src,
	}})
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
func (g *Generator) metro(t sim.Time) uint16 {
	if t >= g.metroSlotEnd {
		start := t - t%slotLen
		g.metroSlotEnd = start + slotLen
		g.curve.metroWeights(start+slotLen/2, g.metroW)
		g.metroAlias.build(g.metroW)
	}
	return g.metroAlias.sample(g.rMetro)
}

func (g *Generator) srcMetro(s *source, t sim.Time) uint16 {
	if s.home == nil {
		return g.metro(t)
	}
	if s.away == nil || g.rMetro.Float64() < s.homeShare {
		return s.home.sample(g.rMetro)
	}
	return s.away.sample(g.rMetro)
}

// dynamic draws whether a request of class is dynamic, from a stream of its
// own so classes without dynamic requests leave every other draw unchanged.
func (g *Generator) dynamic(class uint8) bool {
	p := g.classes[class].dynamic
	return p > 0 && g.rDynamic.Float64() < p
}

func (g *Generator) method(class uint8) Method {
	ms := g.classes[class].methods
	if len(ms) == 0 {
		return GET
	}
	u := g.rMethod.Float64()
	for _, m := range ms {
		if u < m.cum {
			return m.method
		}
	}
	return GET
}

// live is a decay object (or spike) with requests still to come; the heap
// keys it by the time of its next request. It is pointer-free so a large
// heap costs the GC nothing to scan. Seq stays 0: ties between objects
// fall as the heap's sift leaves them.
type live struct {
	obj  uint64
	born sim.Time
	x    float64 // exponential-scale position of the next request
	size int64
	left uint32 // requests still to come, including the next one
	src  uint32 // index into Generator.srcs
}
