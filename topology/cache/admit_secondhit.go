package cache

import (
	"fmt"
	"math/bits"
	"strconv"
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
type secondHit struct {
	words   []uint64 // 16 counters a word
	m       uint64   // counters
	seed    uint64
	n, half int64 // requests since the last halving; halving period
}

const (
	// secondHitDefaultWindow is 1M requests: capacity-independent, long
	// enough that an object requested twice an hour at a busy POP is kept.
	secondHitDefaultWindow = 1 << 20
	// secondHitCountersPerID and secondHitProbes set the false-positive rate
	// above (≈1.2% worst case) at 5 bytes per windowed request.
	secondHitCountersPerID = 10
	secondHitProbes        = 4
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
		m := uint64(secondHitCountersPerID * w)
		m = (m + 15) &^ 15
		return &secondHit{words: make([]uint64, m/16), m: m, seed: mix64(seed ^ 0x2d358dccaa6c78a5), half: w / 2}, nil
	})
}

func (*secondHit) Name() string { return "second-hit" }

// probe returns the word and shift of id's i-th counter; the range
// reduction is Lemire's multiply-shift, so m need not be a power of two.
func (a *secondHit) probe(h1, h2 uint64, i int) (uint64, uint) {
	c, _ := bits.Mul64(h1+uint64(i)*h2, a.m)
	return c >> 4, uint(c&15) * 4
}

func (a *secondHit) hashes(id ObjectID) (uint64, uint64) {
	h := mix64(uint64(id) ^ a.seed)
	return h, mix64(h) | 1
}

func (a *secondHit) Record(r Request) {
	// Halve before counting, so the request being recorded is never halved
	// before its own Admit looks.
	if a.n >= a.half {
		for i, w := range a.words {
			a.words[i] = (w >> 1) & halveMask
		}
		a.n = 0
	}
	a.n++
	h1, h2 := a.hashes(r.ID)
	for i := 0; i < secondHitProbes; i++ {
		w, sh := a.probe(h1, h2, i)
		if c := (a.words[w] >> sh) & 0xf; c < 14 {
			a.words[w] += 2 << sh
		} else {
			a.words[w] |= 0xf << sh
		}
	}
}

// count is the minimum of id's counters.
func (a *secondHit) count(id ObjectID) uint64 {
	h1, h2 := a.hashes(id)
	m := uint64(15)
	for i := 0; i < secondHitProbes; i++ {
		w, sh := a.probe(h1, h2, i)
		m = min(m, (a.words[w]>>sh)&0xf)
	}
	return m
}

func (a *secondHit) Admit(r Request, _ Policy) bool { return a.count(r.ID) >= 3 }
