package workload

import (
	"math/rand/v2"

	"github.com/cdnsim/cdnsim/sim"
)

// browsePool is the number of recent births of each decay class that a
// browse request picks its object from, each with probability proportional
// to its request volume (the Poisson count its birth drew): the class's
// recent articles, the popular ones first. Every run draws every birth,
// sampled or not, so the pool is the same in a miniature, a shard and the
// full run (the ordinary requests a run emits are not). At the news-spike
// mix's ~300 births an hour, 1024 births are the last ~3.5 hours of
// articles. A power of two, for the Fenwick tree's descent.
const browsePool = 1024

// recentRing holds a decay class's last browsePool births and their
// volumes, with a Fenwick tree over the volumes so that a weighted pick and
// a replacement each cost O(log browsePool).
type recentRing struct {
	obj   []uint64
	vol   []uint64
	tree  []uint64 // Fenwick tree over vol, 1-based
	total uint64
	pos   int // where the next birth goes
}

func newRecentRing() recentRing {
	return recentRing{obj: make([]uint64, browsePool), vol: make([]uint64, browsePool), tree: make([]uint64, browsePool+1)}
}

// put records a birth of obj with n requests to come, replacing the oldest.
func (r *recentRing) put(obj, n uint64) {
	i := r.pos
	old := r.vol[i]
	r.obj[i], r.vol[i] = obj, n
	r.total += n - old
	// Unsigned wrap-around makes n − old right whichever is larger.
	for j := i + 1; j < len(r.tree); j += j & -j {
		r.tree[j] += n - old
	}
	if r.pos++; r.pos == browsePool {
		r.pos = 0
	}
}

// pick draws a recorded birth with probability vol/total; total > 0.
func (r *recentRing) pick(kr *rand.Rand) uint64 {
	u := kr.Uint64N(r.total) // the u-th request of the pool's volume
	i := 0
	for step := browsePool; step > 0; step >>= 1 {
		if j := i + step; j < len(r.tree) && r.tree[j] <= u {
			i = j
			u -= r.tree[j]
		}
	}
	return r.obj[i]
}

// initBrowse sizes the browsing tables for n classes; New fills them in.
func (g *Generator) initBrowse(n int) {
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

// browse picks the class and object of a spike's browsing request at t (see
// Generator) from kr; first is the spike's first object, the fallback.
func (g *Generator) browse(src *source, first uint64, t sim.Time, kr *rand.Rand) (class uint8, obj uint64) {
	if t >= g.browseSlotEnd {
		g.browseWeights(t)
	}
	if !g.browseOK {
		obj = first
		if src.z.N() > 1 {
			obj += src.z.Rank(kr) - 1
		}
		return src.class, obj
	}
	class = uint8(g.browseAlias.sample(kr))
	if zi := g.classZipf[class]; zi >= 0 {
		zc := &g.zipfs[zi]
		return class, zc.base + zc.z.Rank(kr) - 1
	}
	return class, g.rings[g.classRing[class]].pick(kr)
}

// browseWeights sets the class weights of browsing for the slot holding t.
// A decay class gets weight 0 until a birth with requests; pools never
// empty again, so a class drawn later always has one.
func (g *Generator) browseWeights(t sim.Time) {
	start := t - t%slotLen
	g.browseSlotEnd = start + slotLen
	f := g.curve.factor(start + slotLen/2)
	var sum float64
	for i, w := range g.browseBase {
		if g.browseDiurnal[i] {
			w *= f
		}
		if ri := g.classRing[i]; ri >= 0 && g.rings[ri].total == 0 {
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
