package cache

import (
	"fmt"
	"math/bits"
	"strconv"

	"github.com/cdnsim/cdnsim/sim"
)

// secondHit admits an object on its second request within (about) the last
// WINDOW requests: the first request of a one-hit wonder never costs an
// eviction. "Seen" lives in a counting Bloom filter of 4-bit counters.
//
// Each Record adds 2 to the object's counters (saturating at 15) and every
// WINDOW/2 requests every counter is halved, so one request's trace decays
// 2 → 1 → 0 over two halvings. Admit wants a count of at least 3, i.e. some
// earlier request still counted: an earlier request within the last
// WINDOW/2 requests always counts, one older than WINDOW never does, and in
// between it depends on where the halvings fell.
//
// False positives (a first request admitted because its counters were
// raised by others): with m = 10·WINDOW counters, k = 4 probes and at most
// WINDOW distinct IDs counted, the rate is at most (1 - e^{-k·W/m})^k =
// (1 - e^{-0.4})^4 ≈ 1.2%, less on skewed traffic where a window holds fewer
// distinct IDs. TestSecondHitFalsePositiveRate measures it.
//
// The filter grows with the IDs it holds instead of starting at 10·WINDOW
// counters (5 MB for the default window, per cache): it starts at
// secondHitMinCounters and doubles whenever the IDs recorded into it since
// it was made (those it did not already hold) reach one per
// 2·secondHitCountersPerID counters, up to the full size. A Bloom filter
// cannot be rehashed, so the table it replaces stays readable (Admit adds
// its count) until two halvings have passed, as long as its own records
// last, and only the one before that is dropped: while the filter grows, a
// second request is missed only if more IDs new to the filter came between
// the two requests than the current table was made for. Growing at half the
// design load keeps the two tables' false positives together under 0.3%
// until the full size is reached.
type secondHit struct {
	cur, prev hitCounters // prev: the table cur replaced, or empty
	prevAge   int         // halvings prev has been through since
	fresh     int64       // records that found their ID absent from cur
	maxM      uint64      // counters at full size
	seed      uint64
	n, half   int64 // requests since the last halving; halving period
}

// hitCounters is one table of 4-bit counters, 16 to a word.
type hitCounters struct {
	words []uint64
	m     uint64 // counters
}

const (
	// secondHitDefaultWindow is 1M requests: capacity-independent, long
	// enough that an object requested twice an hour at a busy POP is kept.
	secondHitDefaultWindow = 1 << 20
	// secondHitCountersPerID and secondHitProbes set the false-positive rate
	// above (≈1.2% worst case) at 5 bytes per windowed request.
	secondHitCountersPerID = 10
	secondHitProbes        = 4
	// secondHitMinCounters is where the filter starts (512 bytes).
	secondHitMinCounters = 1024
	// secondHitMaxCounters bounds the full size (10 × the window) for
	// windows too long to ever fill.
	secondHitMaxCounters = 1 << 40
)

func init() {
	registerAdmission("second-hit", func(arg string, seed uint64) (Admission, error) {
		w := int64(secondHitDefaultWindow)
		if arg != "" {
			v, err := strconv.ParseInt(arg, 10, 64)
			if err != nil || v < 2 {
				return nil, fmt.Errorf("admission second-hit: window %q is not a request count ≥ 2", arg)
			}
			w = v
		}
		maxM := (uint64(min(satMul(secondHitCountersPerID, w), secondHitMaxCounters)) + 15) &^ 15
		return &secondHit{cur: newHitCounters(min(secondHitMinCounters, maxM)), maxM: maxM,
			seed: sim.Mix64(seed ^ 0x2d358dccaa6c78a5), half: w / 2}, nil
	})
}

func newHitCounters(m uint64) hitCounters { return hitCounters{words: make([]uint64, m/16), m: m} }

func (*secondHit) Name() string { return "second-hit" }

// probe returns the word and shift of id's i-th counter; the range
// reduction is Lemire's multiply-shift, so m need not be a power of two.
func (t *hitCounters) probe(h1, h2 uint64, i int) (uint64, uint) {
	c, _ := bits.Mul64(h1+uint64(i)*h2, t.m)
	return c >> 4, uint(c&15) * 4
}

func (a *secondHit) hashes(id ObjectID) (uint64, uint64) {
	h := sim.Mix64(uint64(id) ^ a.seed)
	return h, sim.Mix64(h) | 1
}

// halve halves every counter.
func (t *hitCounters) halve() {
	for i, w := range t.words {
		t.words[i] = (w >> 1) & halveMask
	}
}

// add adds 2 to the key's counters, saturating at 15, and reports whether
// the key was absent (one of its counters was 0).
func (t *hitCounters) add(h1, h2 uint64) bool {
	absent := false
	for i := 0; i < secondHitProbes; i++ {
		w, sh := t.probe(h1, h2, i)
		c := (t.words[w] >> sh) & 0xf
		absent = absent || c == 0
		if c < 14 {
			t.words[w] += 2 << sh
		} else {
			t.words[w] |= 0xf << sh
		}
	}
	return absent
}

// count is the minimum of the key's counters (0 for an empty table).
func (t *hitCounters) count(h1, h2 uint64) uint64 {
	if t.m == 0 {
		return 0
	}
	m := uint64(15)
	for i := 0; i < secondHitProbes; i++ {
		w, sh := t.probe(h1, h2, i)
		m = min(m, (t.words[w]>>sh)&0xf)
	}
	return m
}

func (a *secondHit) Record(r Request) {
	// Halve before counting, so the request being recorded is never halved
	// before its own Admit looks.
	if a.n >= a.half {
		a.cur.halve()
		if a.prev.m != 0 {
			if a.prevAge++; a.prevAge >= 2 {
				a.prev = hitCounters{}
			} else {
				a.prev.halve()
			}
		}
		a.n = 0
	}
	a.n++
	h1, h2 := a.hashes(r.ID)
	if a.cur.add(h1, h2) {
		a.fresh++
		if uint64(a.fresh)*2*secondHitCountersPerID > a.cur.m && a.cur.m < a.maxM {
			a.prev, a.prevAge, a.fresh = a.cur, 0, 0
			a.cur = newHitCounters(min(2*a.cur.m, a.maxM))
		}
	}
}

// count is id's count: in the current table plus the one it replaced.
func (a *secondHit) count(id ObjectID) uint64 {
	h1, h2 := a.hashes(id)
	return a.cur.count(h1, h2) + a.prev.count(h1, h2)
}

func (a *secondHit) Admit(r Request, _ Policy) bool { return a.count(r.ID) >= 3 }

// bytes is the filter's memory.
func (a *secondHit) bytes() int64 { return int64(cap(a.cur.words)+cap(a.prev.words)) * 8 }
