package workload

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/cdnsim/cdnsim/sim"
)

// A sample keeps the objects of a Zipf popularity — a Zipf class's
// catalogue, a spike's objects — by systematic sampling of their ranks:
// one rank in every 1/R, from a seeded offset (systematic), where hashing
// each object keeps each with probability R independently. The kept
// ranks then span the popularity curve evenly: a hashed sample of a
// catalogue of 100,000 objects at R = 0.01 holds 1,000 ± 31 of them, its
// share of the requests wandering with whichever head and middle ranks it
// drew (the edge hit ratio of steady-web by ±0.06, one seed to the next);
// a systematic one holds one of ranks 1–100, one of 101–200, and so on,
// and only the first few strata's choice moves its share: the first's is
// not drawn but chosen (below), and the summary's adjustment corrects
// what is left (report/adjust.go). A spike's objects in
// a decay class are ranked by their expected bytes (keptSpike), objects
// born over time (decay classes) by their volumes (keptbirths.go); every
// shard's objects and a trace's are kept by hash (Slice.KeepsHash).

// The head of a Zipf class, its 1/R most popular ranks, is not drawn:
// there one choice moves the class's kept traffic by up to 1/R times a
// rank's share (at R = 0.01 of a catalogue of 10⁶ objects, α = 0.8,
// keeping rank 1 holds 1.3% of the requests where 0.11% is the share, and
// rank 100 0.03%), so a sample keeps the one head rank whose share is
// nearest the head's mean (chooseHead: rank 23 of 100 there), and draws the
// ranks after it systematically, one in every 1/R. Drawn like the others,
// the head left video-vod's regional byte hit ratio up to 0.061 off its
// whole run at R = 0.1, and its edge's in bytes 0.031 (seeds 1–5); chosen,
// 0.012 and 0.019. The adjustment (report/adjust.go), which counts the
// head's excess or shortfall as edge hits, then has little to correct.

// nearestMean is the rank among 1..m whose weight w(k) is nearest the
// mean of the m weights; on a tie, within rounding, the first (ranks 1
// and 2 of a Zipf head of two are equally near).
func nearestMean(m uint64, w func(k uint64) float64) uint64 {
	var sum float64
	for k := uint64(1); k <= m; k++ {
		sum += w(k)
	}
	mean := sum / float64(m)
	best, gap := uint64(1), math.Inf(1)
	for k := uint64(1); k <= m; k++ {
		if d := math.Abs(w(k) - mean); d < gap*(1-1e-9) {
			best, gap = k, d
		}
	}
	return best
}

// headOf is a ranking's head as a sample keeps it: its first m ranks (0:
// no head), of which it keeps the ranks in keep, ascending: one in each
// of len(keep) equal parts, the rank nearest its part's mean weight.
type headOf struct {
	m    uint64
	keep []uint64
}

// has reports whether the sample keeps rank k ≤ m of the head.
func (h *headOf) has(k uint64) bool { return slices.Contains(h.keep, k) }

// inParts reports whether rank k is a member the sample keeps of a head
// kept in more than one part: one whose requests count for its part's
// share (SetHeadParts).
func (h *headOf) inParts(k uint64) bool { return len(h.keep) > 1 && k <= h.m && h.has(k) }

// keepsRanked reports whether a sample at rate r keeps rank k ≥ 1 of a
// ranking with head h: in the head, the ranks h keeps; after it, one
// rank in every 1/r by systematic sampling with offset u, whose first
// pick, at most ⌈1/r⌉, is the head's place and so skipped.
func keepsRanked(k uint64, h *headOf, r, u float64) bool {
	if h.m == 0 {
		return systematic(k, r, u)
	}
	if k <= h.m {
		return h.has(k)
	}
	return systematic(k, r, u) && math.Floor(float64(k)*r+u) >= 2
}

// chooseHead is the head of a ranking of n members whose k-th weighs
// w(k), for a sample at rate r that keeps it in parts parts: its size m =
// headSize(r) and, of each part of m/parts ranks, the rank nearest the
// part's mean weight (nearestMean); no head when n < m. One part is a
// sample's one head member at r; more keep the head at parts times r
// (Generator.SetHeadParts). parts must divide m.
func chooseHead(r float64, parts int, n uint64, w func(k uint64) float64) headOf {
	m := headSize(r)
	if m > n {
		return headOf{}
	}
	p := uint64(max(parts, 1))
	if m%p != 0 {
		panic("workload: head parts do not divide the head")
	}
	s := m / p
	h := headOf{m: m, keep: make([]uint64, 0, p)}
	for j := range p {
		h.keep = append(h.keep, j*s+nearestMean(s, func(k uint64) float64 { return w(j*s + k) }))
	}
	return h
}

// bitset is a set of small integers, bit i of word i/64.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i uint64) { b[i>>6] |= 1 << (i & 63) }

// has reports whether i is in b; false past its end.
func (b bitset) has(i uint64) bool { return i>>6 < uint64(len(b)) && b[i>>6]&(1<<(i&63)) != 0 }

// headSize is the number of ranks in the head of a sample at rate r: 1/r
// rounded down. A catalogue smaller than that has no head: its ranks are
// all drawn, so that it keeps one object with probability n·r, as hashing
// would, rather than always one at 1/(n·r) times its share.
func headSize(r float64) uint64 { return max(uint64(math.Floor(1/r+1e-9)), 1) }

// keepsRank reports whether a sample at rate r keeps rank k ≥ 1 of the
// class (keepsRanked).
func (zc *zipfClass) keepsRank(k uint64) bool {
	return keepsRanked(k, &zc.hd, zc.r, zc.u)
}

// systematic reports whether rank k ≥ 1 of a stratum with offset u in
// [0, 1) is in a sample at rate r: whether an integer lies in
// ((k−1)·r + u, k·r + u], which holds for one rank in every 1/r.
func systematic(k uint64, r, u float64) bool {
	return math.Floor(float64(k)*r+u) > math.Floor(float64(k-1)*r+u)
}

// stratumSalt separates the strata's offsets from the object hashes.
const stratumSalt = 0x2545f4914f6cdd1d

// stratumOffset is the seeded offset, uniform in [0, 1), of the stratum
// whose first object is first (sh: seedHash).
func stratumOffset(sh, first uint64) float64 {
	return float64(objectHash(sh, first^stratumSalt)>>11) / (1 << 53)
}

// stratum is a spike's objects first.. first+n−1 in a decay class, and
// the ones a sample keeps (bit i: object first+i), and of those its head
// members kept at more than the class's rate (SetHeadParts).
type stratum struct {
	first, n   uint64
	kept, head bitset
}

// keptSpike is the set of sp's objects a sample at rate r keeps, with
// offset u: one in every 1/r of them ranked by their expected bytes (the
// share k^−α of the spike's requests its Zipf gives rank k, times the
// object's size; the first rank on a tie), and of the first 1/r, when the
// spike has that many, the one nearest their mean (keepsRanked). Ranked by
// requests alone, a tenth-size news-spike kept every tenth of the story's
// 1,500 video segments by popularity, whatever their sizes (lognormal,
// σ = 0.3): its edge byte hit ratio was 0.0105 below the whole run's on
// average and up to 0.043 off (15 seeds), and 0.0035 below with every
// segment of one size. Ranked by expected bytes, the kept segments' bytes
// are a tenth of the story's within one segment's, and the error fell to
// −0.0047 on average, 0.017 at most (README: miniatures).
func (g *Generator) keptSpike(sp SpikeInfo, alpha, r, u float64) (kept, head bitset) {
	n := int(sp.Objects)
	bytes := make([]float64, n)
	order := make([]int32, n)
	for i := range n {
		bytes[i] = math.Pow(float64(i+1), -alpha) * float64(g.Size(sp.Class, sp.Object+uint64(i)))
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(bytes[b], bytes[a]) })
	h := chooseHead(r, g.partsOf(sp.Class), uint64(n), func(k uint64) float64 { return bytes[order[k-1]] })
	kept, head = newBitset(n), newBitset(n)
	for k, i := range order {
		if keepsRanked(uint64(k)+1, &h, r, u) {
			kept.set(uint64(i))
			if h.inParts(uint64(k) + 1) {
				head.set(uint64(i))
			}
		}
	}
	return kept, head
}

// keptZipf draws a miniature's zipf arrivals directly from its kept
// objects. The zipf classes' arrivals are one Poisson process whose every
// arrival independently picks a class by rate and a rank by k^−α; the
// arrivals of the objects a sample keeps are then, by Poisson thinning, a
// Poisson process of rate Σ_c rate_c·kept_c/mass_c (kept_c the kept ranks'
// share of the class's mass Σ k^−α), with the same diurnal shape, whose
// every arrival picks a kept (class, rank) with probability proportional to
// rate_c·k^−α/mass_c. Drawing that process, rather than every arrival of
// the full stream and dropping the others, costs the kept requests only:
// at R = 0.01 a hundredth of the draws.
//
// The table holds every kept rank of every zipf class, found at set-up
// (a few ns a rank), and costs 16 bytes a kept object: 1.8 MB for
// cloudfront-day's 11.1 M zipf objects at R = 0.01.
type keptZipf struct {
	pick aliasOf[uint32]
	objs []uint64 // the kept objects, by class, then rank
	rate float64  // kept requests per second at diurnal factor 1
}

// newKeptZipf builds the table of the ranks of zs a sample keeps (each
// class's rate zc.r and offset zc.u).
func newKeptZipf(zs []zipfClass) *keptZipf {
	k := &keptZipf{}
	var n float64
	for _, zc := range zs {
		n += zc.r*float64(zc.z.N()) + 1 // one rank in every 1/r, and one more at most
	}
	c := int(n)
	k.objs = make([]uint64, 0, c)
	w := make([]float64, 0, c)
	for _, zc := range zs {
		scale := zc.rate / zc.z.mass
		for rank := uint64(1); rank <= zc.z.N(); rank++ {
			if zc.keepsRank(rank) {
				k.objs = append(k.objs, zc.base+rank-1)
				x := scale * zc.z.h(float64(rank))
				w = append(w, x)
				k.rate += x
			}
		}
	}
	if len(k.objs) > 0 {
		k.pick.build(w)
		k.pick.dropWork()
	}
	return k
}

// draw picks a kept object and the index in g.zipfs of its class. Call
// it only when the table is not empty.
func (k *keptZipf) draw(g *Generator, r *rand.Rand) (int, uint64) {
	obj := k.objs[k.pick.sampleWide(r)]
	return g.zipfOf(obj), obj
}

// SetSlice restricts the stream to the objects s keeps (Keeps): a shard's
// requests are exactly the unsampled stream's of its objects, a sample's a
// realisation of them with the same distribution (see the Generator's
// doc). Call it once, before the first Next.
func (g *Generator) SetSlice(s Slice) {
	g.slice = s
	if s.All() {
		return
	}
	_, shards := s.Shard()
	if shards == 0 {
		g.setStrata()
	}
	// New planned the spikes before the slice was known: a spike of one
	// object outside it must go (push drops such objects from now on).
	// Drain, not Pop after Pop, which would leave the wheel's current unit
	// at the last planned spike's, hours ahead.
	pending := g.live.Drain(nil)
	if shards == 0 {
		g.tally = &tally{classes: make([]ClassTally, len(g.classes))}
	}
	for _, it := range pending {
		e, src := &it.Val, &g.srcs[it.Val.src]
		if src.pick == pickFixed && g.tally != nil {
			g.tally.fixed = append(g.tally.fixed, fixedEntry{born: e.born, n: uint64(e.left), src: e.src, class: src.class, obj: e.obj})
		}
		if src.pick != pickFixed || g.keeps(e.obj) {
			g.live.Push(it)
		}
	}
	if shards > 0 {
		return
	}
	// New drew the first zipf arrival at the full stream's rate: start
	// that stream again at the kept objects'. (Births are all drawn; the
	// kept ones are chosen by their volumes, keptbirths.go.)
	if len(g.zipfs) > 0 {
		g.kept = newKeptZipf(g.zipfs)
		g.rArrive = sim.NewRand(g.seed, "workload/arrivals")
		g.zipfNext = never
		if len(g.kept.objs) > 0 {
			g.zipfProc = proc{base: g.kept.rate / float64(sim.Second), diurnal: true}
			g.setSlot(&g.zipfProc, 0)
			g.zipfNext = g.advance(&g.zipfProc, 0, g.rArrive)
		}
	}
}

// setStrata sets up a sample's systematic sampling: the offsets of the
// Zipf classes and of the spikes' objects in decay classes.
func (g *Generator) setStrata() {
	g.sampled = true
	g.seedH = seedHash(g.seed)
	g.thin = make([]float64, len(g.classes))
	for c := range g.classes {
		g.thin[c] = g.slice.Rate() / g.rateOf(uint8(c))
	}
	for i := range g.zipfs {
		zc := &g.zipfs[i]
		zc.u, zc.r = stratumOffset(g.seedH, zc.base), g.rateOf(zc.class)
		zc.hd = chooseHead(zc.r, g.partsOf(zc.class), zc.z.N(), func(k uint64) float64 { return zc.z.h(float64(k)) })
		g.zipfEnd = zc.base + zc.z.N()
	}
	for i, sp := range g.spikes {
		if sp.Object >= g.zipfEnd { // a Zipf class's spike is its ranks
			u := stratumOffset(g.seedH, sp.Object)
			kept, head := g.keptSpike(sp, g.spikeAlpha[i], g.rateOf(sp.Class), u)
			g.strata = append(g.strata, stratum{first: sp.Object, n: sp.Objects, kept: kept, head: head})
		}
	}
}

// zipfOf is the index in zipfs of the class whose IDs hold obj, a Zipf
// object (the classes take consecutive ranges in order).
func (g *Generator) zipfOf(obj uint64) int {
	i := len(g.zipfs) - 1
	for obj < g.zipfs[i].base {
		i--
	}
	return i
}

// Keeps reports whether the stream holds the requests of object obj: in
// a shard, whether its hash is in the shard's slice; in a sample, whether
// its rank is kept for a Zipf class's or a spike's object, and its rank
// by volume for an object born over time (keptbirths.go). A whole stream
// keeps them all.
func (g *Generator) Keeps(obj uint64) bool { return g.keeps(obj) }

func (g *Generator) keeps(obj uint64) bool {
	if !g.sampled {
		return g.slice.Keeps(g.seed, obj)
	}
	if obj < g.zipfEnd {
		zc := &g.zipfs[g.zipfOf(obj)]
		return zc.keepsRank(obj - zc.base + 1)
	}
	if st := g.stratumOf(obj); st != nil {
		return st.kept.has(obj - st.first)
	}
	if obj >= g.bornBase {
		return g.bornSet().has(obj)
	}
	return g.slice.KeepsHash(objectHash(g.seedH, obj))
}

// stratumOf is the spike's stratum that holds obj, or nil. The spikes'
// objects follow the Zipf classes' IDs, in order: it is the last stratum
// starting at or before obj, if obj is within it.
func (g *Generator) stratumOf(obj uint64) *stratum {
	lo, hi := 0, len(g.strata)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if g.strata[m].first <= obj {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo > 0 {
		if st := &g.strata[lo-1]; obj-st.first < st.n {
			return st
		}
	}
	return nil
}

// SetHeadParts makes a sample keep the head of each ranking of class c
// (its first 1/R_c members: a Zipf class's most popular ranks, a spike's
// heaviest objects, a decay class's biggest births) in parts[c] equal
// parts, one member of each, nearest its part's mean weight, rather than
// one of the whole head (parts[c] ≤ 1, or a missing entry: one). The
// head is then kept at parts[c] times the class's rate, and a request of
// its members counts for headWeights[c] (Request.Weight; the class's
// weight over parts[c]) and is a ghost but for a share of 1/parts[c] of
// the class's counted share. One member of the whole head keeps its
// requests but not its hit ratio, concave in popularity: software-release's
// site keeps rank 21 of 100, which hits 0.80 at the edge where the 100
// hit 0.84 by requests. parts[c] must divide the head's size. Call it
// before SetSlice; a shard ignores it.
func (g *Generator) SetHeadParts(parts []int, headWeights []uint16) {
	g.parts, g.headW = parts, headWeights
}

// partsOf is the number of parts a sample keeps class's heads in.
func (g *Generator) partsOf(class uint8) int {
	if int(class) < len(g.parts) {
		return max(g.parts[class], 1)
	}
	return 1
}

// headWeight is Request.Weight for a request of obj, of class: the
// class's head weight when obj is a member of a head kept in parts, else
// 0 (the class's weight).
func (g *Generator) headWeight(class uint8, obj uint64) uint16 {
	if g.partsOf(class) <= 1 || int(class) >= len(g.headW) {
		return 0
	}
	var in bool
	switch {
	case obj < g.zipfEnd:
		zc := &g.zipfs[g.zipfOf(obj)]
		in = zc.hd.inParts(obj - zc.base + 1)
	default:
		if st := g.stratumOf(obj); st != nil {
			in = st.head.has(obj - st.first)
		} else if obj >= g.bornBase {
			b := g.bornSet()
			in = b.head.has(obj - b.base)
		}
	}
	if in {
		return g.headW[class]
	}
	return 0
}

// SetClassRates makes a sample keep the objects of class c at rate
// rates[c] rather than its own R (a missing entry, or one below R: R; one
// above 1: 1), every cache still scaled by R. It is for a class whose
// objects are large against the scaled caches: kept at R, a few of them
// fill a miniature's cache at once where the whole system's holds many,
// and which few are kept moves the class's bytes. Kept at R_c with each
// object taking R/R_c of its size in the caches (topology.Class.Charge,
// which scenarios.Miniature sets), the class fills the caches as the
// whole system's does, in more, smaller pieces. Of such a class's
// requests a share R/R_c is counted and the rest are ghosts
// (Request.Ghost), so that what the sample counts is still R of the
// whole stream. Call it before SetSlice; a shard ignores it.
func (g *Generator) SetClassRates(rates []float64) { g.classRates = rates }

// rateOf is the rate at which a sample keeps class's objects
// (SetClassRates).
func (g *Generator) rateOf(class uint8) float64 {
	r := g.slice.Rate()
	if int(class) < len(g.classRates) {
		return min(max(r, g.classRates[class]), 1)
	}
	return r
}

// ghostSalt separates the ghosts' draws from the object hashes.
const ghostSalt = 0x6a09e667f3bcc909

// ghost reports whether a sample does not count request r, of an object
// it keeps at more than its rate (SetClassRates, SetHeadParts): all but
// a share thin = R over that rate, by a hash of the seed, the object and
// the time.
func (g *Generator) ghost(r *Request, thin float64) bool {
	if thin >= 1 {
		return false
	}
	h := sim.Mix64(objectHash(g.seedH, r.Object^ghostSalt) ^ uint64(r.Time))
	return float64(h>>11)/(1<<53) >= thin
}
