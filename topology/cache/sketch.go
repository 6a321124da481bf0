package cache

import "math/bits"

// sketch is a count-min sketch of recent access frequency with 4-bit
// counters packed sixteen to a uint64, sketchDepth rows, seeded hashing,
// conservative ("minimal increment") updates and aging by halving: the
// frequency estimator shared by wtinylfu and the tinylfu admission policy.
//
// Conservative update (increment only the counters that equal the current
// minimum) is what libCacheSim's minimalIncrementCBF does; it cuts the
// overestimate of light keys colliding with heavy ones. Caffeine increments
// every row instead and makes up for it with a doorkeeper.
type sketch struct {
	table   []uint64
	width   uint64 // counters per row, a power of two
	mask    uint64
	seed    uint64
	samples int64 // adds since the last aging
	period  int64 // adds between agings
}

const (
	// sketchDepth rows: with w counters a row, the chance that a key's
	// estimate is off by more than e·N/w is at most e^-depth; four rows keep
	// that under 2% at the cost of four memory reads per operation.
	sketchDepth = 4
	// sketchMax is the largest 4-bit count. TinyLFU only needs to tell "seen
	// a few times" from "seen often" within one aging period, and 15 is
	// plenty for that (Caffeine and theine use the same width).
	sketchMax = 15
	// halveMask clears the bit that a right shift by one carries into the
	// top of each nibble from its neighbour.
	halveMask = 0x7777_7777_7777_7777
)

// newSketch sizes rows of at least width counters (rounded up to a power of
// two, at least 16) and ages after period adds.
func newSketch(width int, period int64, seed uint64) *sketch {
	if width < 16 {
		width = 16
	}
	w := uint64(1) << bits.Len64(uint64(width-1))
	if period < 1 {
		period = 1
	}
	return &sketch{
		table:  make([]uint64, sketchDepth*w/16),
		width:  w,
		mask:   w - 1,
		seed:   mix64(seed ^ 0x5bd1e9955bd1e995),
		period: period,
	}
}

// mix64 is splitmix64's finaliser: a bijection that spreads dense catalog
// IDs over all 64 bits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// slot is the counter number of id in row (0..width-1). Rows use double
// hashing (Kirsch–Mitzenmacher) from one 64-bit hash; h2 is odd so the
// rows' probes differ for every key.
func (s *sketch) slot(id ObjectID, row int) uint64 {
	h := mix64(uint64(id) ^ s.seed)
	h1, h2 := h&0xffff_ffff, (h>>32)|1
	return (h1 + uint64(row)*h2) & s.mask
}

// counter returns the word index and shift of id's counter in row.
func (s *sketch) counter(h1, h2 uint64, row int) (uint64, uint) {
	g := uint64(row)*s.width + ((h1 + uint64(row)*h2) & s.mask)
	return g >> 4, uint(g&15) * 4
}

// estimate is the minimum of id's counters.
func (s *sketch) estimate(id ObjectID) uint8 {
	h := mix64(uint64(id) ^ s.seed)
	h1, h2 := h&0xffff_ffff, (h>>32)|1
	m := uint64(sketchMax)
	for row := 0; row < sketchDepth; row++ {
		w, sh := s.counter(h1, h2, row)
		m = min(m, (s.table[w]>>sh)&0xf)
	}
	return uint8(m)
}

// add counts one access to id and ages the sketch every period adds.
func (s *sketch) add(id ObjectID) {
	h := mix64(uint64(id) ^ s.seed)
	h1, h2 := h&0xffff_ffff, (h>>32)|1
	var ws [sketchDepth]uint64
	var shs [sketchDepth]uint
	m := uint64(sketchMax)
	for row := 0; row < sketchDepth; row++ {
		ws[row], shs[row] = s.counter(h1, h2, row)
		m = min(m, (s.table[ws[row]]>>shs[row])&0xf)
	}
	if m < sketchMax {
		for row := 0; row < sketchDepth; row++ {
			if (s.table[ws[row]]>>shs[row])&0xf == m {
				s.table[ws[row]] += 1 << shs[row]
			}
		}
	}
	s.samples++
	if s.samples >= s.period {
		s.age()
	}
}

// age halves every counter, so old popularity fades: TinyLFU's reset.
func (s *sketch) age() {
	for i, w := range s.table {
		s.table[i] = (w >> 1) & halveMask
	}
	s.samples = 0
}

func (s *sketch) bytes() int64 { return int64(cap(s.table)) * 8 }
