package workload

import (
	"math"
	"math/rand/v2"

	"github.com/cdnsim/cdnsim/sim"
)

// How a live entry's request picks its object.
const (
	pickFixed  uint8 = iota // the entry's own object
	pickZipf                // one of a spike's objects: entry's object + z.Rank − 1
	pickBrowse              // a browse target (Generator.browse)
)

// source is the shared description of the live objects of one decay class or
// one spike part (its objects, its browsing): heap entries stay pointer-free
// and small by pointing here.
type source struct {
	prof  profile
	class uint8
	pick  uint8
	// ring is 1 + the index in Generator.rings of the pool that records
	// this source's births for browsing (a decay class's), 0 for none; so
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

type birthProc struct {
	proc
	next  sim.Time
	class uint8
	src   uint32
	vol   Volume
	mu    float64 // lognormal: ln(mean) − σ²/2
	xm    float64 // pareto: scale, mean·(α−1)/α
}

// live is a decay object (or spike) with requests still to come; the
// generator's wheel (sim.Wheel) keys it by the time of its next request,
// Seq ordering ties by when each was scheduled. It is pointer-free so
// millions of them cost the GC nothing to scan.
type live struct {
	obj  uint64
	born sim.Time
	x    float64 // exponential-scale position of the next request
	size int64
	left uint32 // requests still to come, including the next one
	src  uint32 // index into Generator.srcs
}

// entryKey is the key of a live entry's draws: its object and source (a
// spike's browsing entry shares its object with the spike's own) and the
// request number, counted down.
func entryKey(src, left uint32) uint64 { return uint64(src)<<32 | uint64(left) }

// push adds an object born at born with n requests to come. A fixed
// object outside the slice is not pushed at all: its requests would all be
// dropped, and its draws are its own.
func (g *Generator) push(obj uint64, born sim.Time, n uint64, src uint32) {
	if n == 0 || born >= g.end {
		return
	}
	if n > math.MaxUint32 {
		n = math.MaxUint32 // unreachable with validated volumes ≤ 1e8
	}
	s := &g.srcs[src]
	if s.pick == pickFixed && !g.keeps(obj) {
		return
	}
	x := g.keyed(streamOrder, obj, entryKey(src, uint32(n))).ExpFloat64() / float64(n)
	age := s.prof.age(x)
	if age >= float64(g.end-born) {
		return
	}
	g.liveSeq++
	g.live.Push(sim.Item[live]{At: born + sim.Time(age), Seq: g.liveSeq, Val: live{
		obj:  obj,
		born: born,
		x:    x,
		size: g.Size(s.class, obj),
		left: uint32(n),
		src:  src,
	}})
}

// emitLive fills r with the next request of the earliest live object and
// schedules its following one. It reports false, leaving r alone, when the
// request's object is outside the slice.
func (g *Generator) emitLive(r *Request) bool {
	top := g.live.Top()
	e, next := &top.Val, top.At
	src := &g.srcs[e.src]
	class, obj, size := src.class, e.obj, e.size
	kr := g.keyed(streamLiveReq, e.obj, entryKey(e.src, e.left))
	kept := true
	switch src.pick {
	case pickZipf:
		obj += src.z.Rank(kr) - 1
		kept = g.keeps(obj)
	case pickBrowse:
		class, obj = g.browse(src, e.obj, next, kr)
		kept = g.keeps(obj)
	}
	if src.pick != pickFixed && (kept || g.tally != nil) {
		size = g.Size(class, obj)
		if g.tally != nil {
			g.countDrawn(next, class, size)
		}
	}
	if kept {
		*r = Request{
			Time:    next,
			Object:  obj,
			Size:    size,
			Metro:   g.srcMetro(src, next, kr),
			Class:   class,
			Method:  g.method(class, kr),
			Dynamic: g.dynamic(class, kr),
		}
		if g.tally != nil {
			g.countKept(r)
		}
	}
	e.left--
	if e.left == 0 {
		g.live.Pop()
		return kept
	}
	e.x += g.keyed(streamOrder, e.obj, entryKey(e.src, e.left)).ExpFloat64() / float64(e.left)
	age := src.prof.age(e.x)
	if age >= float64(g.end-e.born) {
		// Its remaining requests all fall after the end: free it now.
		g.live.Pop()
		return kept
	}
	g.liveSeq++
	top.At, top.Seq = e.born+sim.Time(age), g.liveSeq
	g.live.FixTop()
	return kept
}

// birth creates the object of the earliest pending birth.
func (g *Generator) birth() {
	b := &g.births[g.birthIdx]
	t := b.next
	obj := g.nextID
	g.nextID++
	n := b.draw(g.rBirth)
	if ring := g.srcs[b.src].ring; ring > 0 {
		g.rings[ring-1].put(obj, n)
	}
	// In a sample push drops the births it does not keep (keeps); their
	// volumes are in its tally already (keepBirths).
	g.push(obj, t, n, b.src)
	b.next = g.advance(&b.proc, t, g.rBirth)
	g.updateBirthNext()
}

// draw draws a newborn object's requests: a Poisson count around a volume
// drawn from the class's distribution.
func (b *birthProc) draw(r *rand.Rand) uint64 {
	var v float64
	if b.vol.Dist == VolumePareto {
		v = b.xm * math.Pow(1-r.Float64(), -1/b.vol.Shape)
	} else {
		v = math.Exp(b.mu + b.vol.Sigma*r.NormFloat64())
	}
	return poisson(r, v)
}

func (g *Generator) updateBirthNext() { g.birthNext, g.birthIdx = soonest(g.births) }

// soonest is the earliest next birth of bs and its index (the first on a
// tie), never if bs is empty.
func soonest(bs []birthProc) (sim.Time, int) {
	t, idx := never, 0
	for i := range bs {
		if bs[i].next < t {
			t, idx = bs[i].next, i
		}
	}
	return t, idx
}

// srcMetro draws the metro of a request of s at t: its home region's mix
// for a spike with one, else the current mix.
func (g *Generator) srcMetro(s *source, t sim.Time, r *rand.Rand) uint16 {
	if s.home == nil {
		return g.metro(t, r)
	}
	if s.away == nil || r.Float64() < s.homeShare {
		return s.home.sample(r)
	}
	return s.away.sample(r)
}
