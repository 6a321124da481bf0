package cache

import (
	"math/bits"

	"github.com/cdnsim/cdnsim/sim"
)

// sketch is a count-min sketch of recent access frequency with 4-bit
// counters packed sixteen to a uint64, sketchDepth rows, seeded hashing,
// conservative ("minimal increment") updates and aging by halving: the
// frequency estimator shared by wtinylfu and the tinylfu admission policy.
//
// Conservative update (increment only the counters that equal the current
// minimum) is what libCacheSim's minimalIncrementCBF does; it cuts the
// overestimate of light keys colliding with heavy ones. Caffeine increments
// every row instead and makes up for it with a doorkeeper.
//
// Layout, as in Caffeine's FrequencySketch: a key hashes to one 64-byte
// block of 8 words, and row i takes one of the block's words 2i, 2i+1 and
// one of its 16 counters, all chosen by independent bits of one 64-bit
// hash. Every operation then touches a single cache line.
type sketch struct {
	table   []uint64
	width   uint64 // counters per row, a power of two (the sizing unit)
	blocks  uint64 // mask: number of 8-word blocks - 1
	seed    uint64
	samples int64 // adds since the last aging
	period  int64 // adds between agings
}

const (
	// sketchDepth rows: with w counters a row, the chance that a key's
	// estimate is off by more than e·N/w is at most e^-depth; four rows keep
	// that under 2% at the cost of four counter reads in one cache line.
	sketchDepth = 4
	// sketchMax is the largest 4-bit count. TinyLFU only needs to tell "seen
	// a few times" from "seen often" within one aging period, and 15 is
	// plenty for that (Caffeine and theine use the same width).
	sketchMax = 15
	// halveMask clears the bit that a right shift by one carries into the
	// top of each nibble from its neighbour.
	halveMask = 0x7777_7777_7777_7777
	// sketchBlockWords is 64 bytes, one cache line.
	sketchBlockWords = 8
)

// sketchMaxWidth caps a row at 2³⁰ counters (a 2 GiB table), which the
// sketches that grow with their cache reach only past 2²⁷ cached objects,
// whose own tables take several times that. Caffeine caps its table at
// 2³⁰ words for the same reason: growth must stop somewhere short of
// overflow.
const sketchMaxWidth = 1 << 30

// newSketch sizes rows of at least width counters (rounded up to a power of
// two, at least 32, at most sketchMaxWidth) and ages after period adds.
func newSketch(width int, period int64, seed uint64) *sketch {
	width = min(max(width, 32), sketchMaxWidth)
	w := uint64(1) << bits.Len64(uint64(width-1))
	if period < 1 {
		period = 1
	}
	nb := sketchDepth * w / (16 * sketchBlockWords) // 16 counters a word
	return &sketch{
		table:  make([]uint64, nb*sketchBlockWords),
		width:  w,
		blocks: nb - 1,
		seed:   sim.Mix64(seed ^ 0x5bd1e9955bd1e995),
		period: period,
	}
}

func (s *sketch) hash(id ObjectID) uint64 { return sim.Mix64(uint64(id) ^ s.seed) }

// counter returns the word index and shift of the row's counter for hash
// h: the block from the low bits, the word from bit 32+row, the nibble
// from bits 40+4·row.
func (s *sketch) counter(h uint64, row int) (uint64, uint) {
	b := (h & s.blocks) * sketchBlockWords
	w := b + uint64(2*row) + (h>>(32+row))&1
	return w, uint((h>>(40+4*row))&15) * 4
}

// slot identifies id's counter in row as one number, for tests.
func (s *sketch) slot(id ObjectID, row int) uint64 {
	w, sh := s.counter(s.hash(id), row)
	return w*16 + uint64(sh/4)
}

// estimate is the minimum of id's counters.
func (s *sketch) estimate(id ObjectID) uint8 { return s.estimateHash(s.hash(id)) }

// estimateHash is estimate for a key whose hash the caller already has.
func (s *sketch) estimateHash(h uint64) uint8 {
	m := uint64(sketchMax)
	for row := 0; row < sketchDepth; row++ {
		w, sh := s.counter(h, row)
		m = min(m, (s.table[w]>>sh)&0xf)
	}
	return uint8(m)
}

// add counts one access to id and ages the sketch every period adds.
func (s *sketch) add(id ObjectID) { s.addHash(s.hash(id)) }

// addHash is add for a key whose hash the caller already has.
func (s *sketch) addHash(h uint64) {
	var ws [sketchDepth]uint64
	var shs [sketchDepth]uint
	m := uint64(sketchMax)
	for row := 0; row < sketchDepth; row++ {
		ws[row], shs[row] = s.counter(h, row)
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

// sketchFor is the sketch TinyLFU needs for a population of objects:
// sketchWidth counters per object in each row, halved every sketchAging
// adds per object (Caffeine's sample size of 10 × the maximum size).
func sketchFor(objects int, seed uint64) *sketch {
	objects = min(max(objects, 1), sketchMaxWidth/sketchWidth)
	return newSketch(sketchWidth*objects, sketchAging*int64(objects), seed)
}

// fitSketch keeps a TinyLFU sketch in step with the population it serves
// (the objects a cache holds), which the caller passes whenever it may
// have grown. When the objects outgrow the rows, the sketch is replaced by
// one for twice as many, forgetting the counts, as Caffeine's
// FrequencySketch.ensureCapacity does when a weighted cache's entry count
// passes its table (Caffeine sizes for the count itself; twice that keeps
// the rows at 8 to 32 counters per object as a cache fills, which is what
// kept wtinylfu within tolerance of libCacheSim's on the
// TestMissRatioMatchesLibCacheSim traces, where sizing for the count left
// it 0.0022 and 0.0051 off). The aging period follows 10 × the largest
// population seen, which needs no reset.
func fitSketch(s *sketch, objects int, seed uint64) *sketch {
	if uint64(sketchWidth)*uint64(objects) > s.width && s.width < sketchMaxWidth {
		return sketchFor(2*objects, seed)
	}
	if p := sketchAging * int64(objects); p > s.period {
		s.period = p
	}
	return s
}

const (
	// sketchWidth is counters per row per object. Measured against
	// libCacheSim's cachesim on Zipf(0.8), 200k objects, 2000-object cache:
	// 1× gives a miss ratio 0.0095 above libCacheSim's (whose Bloom filter
	// has 14 counters per object), 8× 0.002 above, 16× no better. 8
	// counters × 4 bits × 4 rows = 16 bytes per object.
	sketchWidth = 8
	// sketchAging: halve after this many adds per object.
	sketchAging = 10
	// sketchMinObjects is where a sketch with no estimate of its
	// population starts (a 256-byte table); it doubles from there.
	sketchMinObjects = 16
)
