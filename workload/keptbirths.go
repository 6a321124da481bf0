package workload

import (
	"math"

	"github.com/cdnsim/cdnsim/sim"
)

// A sample keeps the objects born over time (decay classes) by
// systematic sampling too, of their ranks by volume: of each class's
// births, ranked by their expected requests in the measured period, one
// in every 1/R from a seeded offset. Hashing them, as SHARDS would, keeps
// each on its own: news-spike's day of 7,200 articles (lognormal volumes,
// σ = 1.5) and 48 video clips (σ = 1) then gave a tenth-size miniature
// 0.84–1.20 of the articles' volume and anywhere from none to several of
// the day's biggest clips, and its edge hit ratio moved with them (up to
// 0.025 off the whole day in requests and 0.036 in bytes, seeds 1–5).
// Ranked, a miniature holds one of each class's 1/R biggest objects, one
// of the next 1/R, and so on, so it spans the volumes evenly. Of the 1/R
// biggest, whose volumes differ most, it keeps the one nearest their mean
// (as of a Zipf class's head, kept.go), so that no one choice moves its
// share: drawn like the others, that choice left news-spike's edge at
// R = 0.01 up to 0.042 off its whole run (standard deviation 0.0215, 15
// seeds), and chosen, 0.025 (0.011).
//
// The births are known before they happen: the sample draws every birth
// of the whole stream (so its tally counts their volumes exactly, and
// browsing picks the same objects), and keepBirths draws them all once
// ahead, with the same stream of draws, to rank them. It ranks by bins of
// the expected requests in the period, binsPerOctave to a doubling (a
// birth's rank within a bin is its birth order), which needs a count per
// bin and four bytes a birth while it runs (50 MB for cloudfront-day's
// 12.4 million births, then freed), and the head's volumes, and keeps one
// bit a birth: 1.6 MB.

// binsPerOctave is the resolution of the ranking: births whose expected
// requests in the period are within 2^(1/16) (4.4%) of each other may be
// ranked in birth order.
const binsPerOctave = 16

// bornBins covers expected requests from 2^−binFloor (a birth whose
// requests nearly all fall outside the period: bin 0) to 2^(bornOctaves −
// binFloor).
const (
	binFloor    = 40
	bornOctaves = 80
	bornBins    = bornOctaves * binsPerOctave
)

// bornBin is the bin of a birth with m expected requests in the period,
// higher for more.
func bornBin(m float64) uint16 {
	if !(m > 0) {
		return 0
	}
	b := math.Floor((math.Log2(m) + binFloor) * binsPerOctave)
	return uint16(min(max(b, 0), bornBins-1))
}

// bornKept is the set of born objects a sample keeps: bit i for the
// object born i-th (ID base + i); and, by class, the whole stream's born
// requests and bytes in the measured period (Full of ClassTally).
type bornKept struct {
	base       uint64
	bits, head bitset // head: the kept members of heads kept in parts (SetHeadParts)
	full       []ClassTally
}

func (k *bornKept) has(obj uint64) bool {
	return obj >= k.base && k.bits.has(obj-k.base)
}

// bornSet is the set of born objects a sample keeps, ranked on first use
// (again after SetMeasured moves the period).
func (g *Generator) bornSet() *bornKept {
	if g.born == nil {
		g.born = g.keepBirths()
	}
	return g.born
}

// keepBirths draws the stream's births as birth does (same processes, same
// draws), sums their volumes in the period by class, ranks each class's by
// bornBin, descending, and keeps what keepsRanked keeps: of the first 1/R
// the one nearest their mean volume, then one in every 1/R from a seeded
// offset per class (systematic).
func (g *Generator) keepBirths() *bornKept {
	k := &bornKept{base: g.bornBase, full: make([]ClassTally, len(g.classes))}
	// Pass 1: each birth's process and bin, and the bins' counts.
	type born struct {
		proc uint8
		bin  uint16
	}
	var seq []born
	counts := make([][]uint64, len(g.births))
	births := make([]uint64, len(g.births)) // by process
	for i := range counts {
		counts[i] = make([]uint64, bornBins)
	}
	// The head of each process's ranking as it goes: its hm first births
	// by rank and their volumes, in a heap whose top is the last of them
	// (lowest bin; in it, the latest born).
	rate := make([]float64, len(g.births))
	for i := range g.births {
		rate[i] = g.rateOf(g.births[i].class)
	}
	heads := make([]sim.Heap[float64], len(g.births))
	obj := g.bornBase
	g.eachBirth(func(i int, t sim.Time, n uint64) {
		b := &g.births[i]
		m := float64(n) * g.inPeriod(&g.srcs[b.src].prof, t)
		if m > 0 {
			// The whole stream's volume in the period, kept or not.
			c := &k.full[b.class]
			c.FullRequests += m
			c.FullBytes += m * float64(g.Size(b.class, obj))
		}
		obj++
		bin := bornBin(m)
		seq = append(seq, born{proc: uint8(i), bin: bin})
		counts[i][bin]++
		it := sim.Item[float64]{At: sim.Time(bin), Seq: ^births[i], Val: m}
		births[i]++
		switch h := &heads[i]; {
		case uint64(h.Len()) < headSize(rate[i]):
			h.Push(it)
		case bin > uint16(h.Top().At):
			*h.Top() = it
			h.FixTop()
		}
	})
	// A birth's rank is the births of its process in higher bins, plus
	// those before it in its own: turn counts into the first rank of each
	// bin, then count the bins' births off in birth order.
	for _, c := range counts {
		var above uint64
		for bin := bornBins - 1; bin >= 0; bin-- {
			above, c[bin] = above+c[bin], above
		}
	}
	u := make([]float64, len(g.births))
	for i := range g.births {
		u[i] = stratumOffset(g.seedH, bornSalt+uint64(g.births[i].class))
	}
	// Of a head of hm births, keep the one whose volume is nearest their
	// mean (nearestMean, as of a Zipf class's head).
	hds := make([]headOf, len(g.births))
	for i := range heads {
		vols := make([]float64, heads[i].Len()) // by rank
		for k := len(vols); k > 0; k-- {
			vols[k-1] = heads[i].Pop().Val
		}
		hds[i] = chooseHead(rate[i], g.partsOf(g.births[i].class), births[i], func(k uint64) float64 { return vols[k-1] })
	}
	k.bits, k.head = newBitset(len(seq)), newBitset(len(seq))
	for j, s := range seq {
		rank := counts[s.proc][s.bin] + 1
		counts[s.proc][s.bin]++
		if h := &hds[s.proc]; keepsRanked(rank, h, rate[s.proc], u[s.proc]) {
			k.bits.set(uint64(j))
			if h.inParts(rank) {
				k.head.set(uint64(j))
			}
		}
	}
	return k
}

// eachBirth calls f with every birth of the whole stream, in order: the
// index in g.births of its process, its time and its requests to come, as
// birth draws them (the same processes and draws, on a stream of its own).
func (g *Generator) eachBirth(f func(i int, t sim.Time, n uint64)) {
	bs := append([]birthProc(nil), g.births...)
	r := sim.NewRand(g.seed, "workload/births")
	for i := range bs {
		g.setSlot(&bs[i].proc, 0)
		bs[i].next = g.advance(&bs[i].proc, 0, r)
	}
	for {
		t, i := soonest(bs)
		if t >= g.end {
			return
		}
		b := &bs[i]
		f(i, t, b.draw(r))
		b.next = g.advance(&b.proc, t, r)
	}
}

// bornSalt separates the birth classes' offsets from the spikes' (whose
// first objects are IDs).
const bornSalt = 0x9e6c63d0676a9a99
