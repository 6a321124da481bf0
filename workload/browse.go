package workload

import "github.com/cdnsim/cdnsim/sim"

// browsePool is the number of recent ordinary requests of each decay class
// that a browse request copies its object from. An object's share of the
// pool is its share of the class's recent requests, so a copy picks objects
// by their current rate; 1024 is enough that an object requested once
// rarely gets copied twice in a row (1/1024 a copy), yet covers only the
// last ~40 s of a class at 25 requests/s, so the pool follows the class's
// popularity as it decays.
const browsePool = 1024

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
