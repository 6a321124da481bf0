package workload

import (
	"math"
	"math/rand/v2"
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
// and only the first few strata's choice moves its share, which the
// summary's adjustment corrects (report/adjust.go). Objects born over time
// (decay classes) have no ranks and are kept by hash (Slice.KeepsHash), as
// are every shard's objects and a trace's.

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

// stratum is a spike's objects first.. first+n−1, ranked by its Zipf.
type stratum struct {
	first, n uint64
	u        float64
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

// newKeptZipf builds the table of the ranks of zs a sample at rate r
// keeps (each class's offset zc.u).
func newKeptZipf(zs []zipfClass, r float64) *keptZipf {
	k := &keptZipf{}
	var n float64
	for _, zc := range zs {
		n += float64(zc.z.N())
	}
	c := int(r*n) + len(zs) // one rank in every 1/r, and one more at most
	k.objs = make([]uint64, 0, c)
	w := make([]float64, 0, c)
	for _, zc := range zs {
		scale := zc.rate / zc.z.mass
		for rank := uint64(1); rank <= zc.z.N(); rank++ {
			if systematic(rank, r, zc.u) {
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
