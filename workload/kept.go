package workload

import (
	"math"
	"math/rand/v2"
)

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
// The table holds every kept rank of every zipf class, found by hashing
// each rank once at set-up (a few ns a rank), and costs 16 bytes a kept
// object: 1.8 MB for cloudfront-day's 11.1 M zipf objects at R = 0.01.
type keptZipf struct {
	pick aliasOf[uint32]
	objs []uint64 // the kept objects, by class, then rank
	rate float64  // kept requests per second at diurnal factor 1
}

// newKeptZipf builds the table of the objects of zs that s keeps under
// seed.
func newKeptZipf(zs []zipfClass, seed uint64, s Slice) *keptZipf {
	k := &keptZipf{}
	var n float64
	for _, zc := range zs {
		n += float64(zc.z.N())
	}
	// The kept count is binomial(n, R): R·n and a margin of 5σ, so that
	// appends rarely grow the slices.
	c := int(s.Rate()*n + 5*math.Sqrt(s.Rate()*n) + 16)
	k.objs = make([]uint64, 0, c)
	w := make([]float64, 0, c)
	sh := seedHash(seed)
	for _, zc := range zs {
		scale := zc.rate / zc.z.mass
		for r := range zc.z.N() {
			obj := zc.base + r
			if s.KeepsHash(objectHash(sh, obj)) {
				k.objs = append(k.objs, obj)
				x := scale * zc.z.h(float64(r+1))
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

// draw picks a kept object: its index in zs (the zipfClass whose range
// holds it) and its ID. Call it only when the table is not empty.
func (k *keptZipf) draw(zs []zipfClass, r *rand.Rand) (int, uint64) {
	obj := k.objs[k.pick.sampleWide(r)]
	i := len(zs) - 1
	for obj < zs[i].base {
		i--
	}
	return i, obj
}
