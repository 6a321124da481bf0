package cache

import "fmt"

// s3fifo is S3-FIFO (Yang et al., SOSP'23): a small FIFO that filters
// one-hit wonders, a main FIFO with lazy reinsertion (a CLOCK with a 2-bit
// counter), and a ghost FIFO of IDs recently evicted from the small queue.
//
// Semantics follow libCacheSim's S3FIFO.c:
//   - small is 10% of the capacity (truncated), main the rest; the ghost
//     holds IDs whose sizes add up to 90% of the capacity (in object mode
//     that is 0.9 × capacity entries, the size of main);
//   - an object larger than the small queue is not cached (libCacheSim
//     refuses one equal to it too, which with an object capacity under 20
//     would refuse everything; the small queue also holds at least one);
//   - a hit adds 1 to the object's frequency, capped at 3 (libCacheSim counts
//     without a cap but only ever compares with 1 and 2 and reinserts with
//     min(freq,3)-1, which is the same);
//   - a miss whose ID is in the ghost goes straight to main (frequency 0);
//     any other miss enters small with frequency 0;
//   - eviction runs only while the new object does not fit: from main when
//     main is over its share or small is empty, else from small. Small's
//     tail moves to main (frequency reset to 0) if it was hit at least
//     moveToMain times, else it leaves for the ghost. Main's tail is
//     reinserted at main's head with frequency min(f,3)-1 if f ≥ 1.
//
// Two policy names share this code and differ only in moveToMain:
//   - "s3fifo" promotes after 2 hits in small (s3MoveToMain), libCacheSim's
//     default, so it matches cachesim's s3fifo exactly;
//   - "s3fifo-1" promotes after 1 hit, as the paper's prose describes it
//     (cachesim's s3fifo with -e move-to-main-threshold=1). Under temporal
//     locality it keeps more of a new object's burst; on the agreement
//     traces its miss ratio differs from s3fifo's by up to about 0.01.
//
// Difference: libCacheSim looks the ghost up (and drops the ID from it) at
// request time; here Admit does it, so a fill that arrives later in virtual
// time still finds the ghost entry and a lookup that is never filled does
// not consume it. In trace replay the two are the same.
type s3fifo struct {
	cap, smallCap, ghostCap int64
	idx                     index
	nodes                   []node
	freq                    []uint8 // per entry: 0..3
	where                   []uint8 // per entry: inSmall, inMain or inGhost
	small, main, ghost      dlist
	moveToMain              uint8 // hits in small that earn a move to main
}

const (
	// s3SmallRatio is the small FIFO's share of the capacity: the paper's and
	// libCacheSim's default; 10% is enough to hold one-hit wonders for about
	// one small-queue turnover.
	s3SmallRatio = 0.10
	// s3GhostRatio sizes the ghost FIFO like libCacheSim (0.9 of the capacity,
	// i.e. as many entries as main holds in object mode).
	s3GhostRatio = 0.90
	// s3MoveToMain is how many hits in small earn a move to main for
	// "s3fifo". It is 2 for agreement with libCacheSim's S3FIFO.c
	// (move-to-main-threshold=2 in DEFAULT_CACHE_PARAMS), written by the
	// paper's author and the reference simulator issue #3 holds cdnsim to;
	// the paper's prose reads as 1 (moved if accessed at all), which
	// "s3fifo-1" keeps.
	s3MoveToMain = 2
	// s3MaxFreq caps the 2-bit frequency counter.
	s3MaxFreq = 3
)

const (
	inSmall uint8 = iota + 1
	inMain
	inGhost
)

func init() {
	registerPolicy("s3fifo", func(c Config) Policy { return newS3FIFO(c.Capacity, s3MoveToMain) })
	registerPolicy("s3fifo-1", func(c Config) Policy { return newS3FIFO(c.Capacity, 1) })
}

// newS3FIFO builds an S3-FIFO that moves an object from small to main once
// it has been hit moveToMain times there (1..s3MaxFreq).
func newS3FIFO(capacity int64, moveToMain uint8) *s3fifo {
	small := int64(float64(capacity) * s3SmallRatio)
	if small < 1 {
		small = 1
	}
	return &s3fifo{
		cap: capacity, smallCap: small, ghostCap: int64(float64(capacity) * s3GhostRatio),
		small: newDlist(), main: newDlist(), ghost: newDlist(),
		moveToMain: moveToMain,
	}
}

// Name is the registered name: "s3fifo" with the default threshold, else
// "s3fifo-N".
func (c *s3fifo) Name() string {
	if c.moveToMain == s3MoveToMain {
		return "s3fifo"
	}
	return fmt.Sprintf("s3fifo-%d", c.moveToMain)
}

func (c *s3fifo) Used() int64     { return c.small.bytes + c.main.bytes }
func (c *s3fifo) Capacity() int64 { return c.cap }
func (c *s3fifo) Len() int        { return c.small.n + c.main.n }

func (c *s3fifo) Contains(id ObjectID) bool {
	e := c.idx.get(id)
	return e >= 0 && c.where[e] != inGhost
}

func (c *s3fifo) Lookup(r Request) bool {
	e := c.idx.get(r.ID)
	if e < 0 || c.where[e] == inGhost {
		return false
	}
	if c.freq[e] < s3MaxFreq {
		c.freq[e]++
	}
	return true
}

func (c *s3fifo) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.smallCap {
		return victims, false
	}
	toMain := false
	if e := c.idx.get(r.ID); e >= 0 {
		// Only a ghost can be indexed here: Admit requires r.ID not cached.
		c.ghost.unlink(c.nodes, e)
		c.idx.remove(r.ID)
		toMain = true
	}
	for r.Size > c.cap-c.small.bytes-c.main.bytes {
		if c.main.bytes > c.cap-c.smallCap || c.small.n == 0 {
			victims = c.evictMain(victims)
		} else {
			victims = c.evictSmall(victims)
		}
	}
	e := c.idx.insert(r.ID)
	c.grow(e)
	c.nodes[e] = node{size: r.Size}
	c.freq[e] = 0
	if toMain {
		c.where[e] = inMain
		c.main.pushFront(c.nodes, e)
	} else {
		c.where[e] = inSmall
		c.small.pushFront(c.nodes, e)
	}
	return victims, true
}

func (c *s3fifo) grow(e int32) {
	if int(e) == len(c.nodes) {
		c.nodes = append(c.nodes, node{})
		c.freq = append(c.freq, 0)
		c.where = append(c.where, 0)
	}
}

// evictSmall moves small's tail to main until one object leaves small for
// the ghost (libCacheSim's S3FIFO_evict_fifo).
func (c *s3fifo) evictSmall(victims []ObjectID) []ObjectID {
	for c.small.n > 0 {
		e := c.small.tail
		c.small.unlink(c.nodes, e)
		if c.freq[e] >= c.moveToMain {
			c.freq[e] = 0
			c.where[e] = inMain
			c.main.pushFront(c.nodes, e)
			continue
		}
		victims = append(victims, c.idx.id(e))
		// Like libCacheSim's FIFO ghost: drop the oldest IDs until this one
		// fits, and keep nothing larger than the ghost itself.
		if c.nodes[e].size > c.ghostCap {
			c.idx.removeEntry(e)
			return victims
		}
		for c.nodes[e].size > c.ghostCap-c.ghost.bytes {
			g := c.ghost.tail
			c.ghost.unlink(c.nodes, g)
			c.idx.removeEntry(g)
		}
		c.where[e] = inGhost
		c.ghost.pushFront(c.nodes, e)
		return victims
	}
	return victims
}

// evictMain reinserts main's tail while it has been hit, decrementing its
// counter, until it finds one with frequency 0 and evicts it.
func (c *s3fifo) evictMain(victims []ObjectID) []ObjectID {
	for c.main.n > 0 {
		e := c.main.tail
		if f := c.freq[e]; f >= 1 {
			c.freq[e] = f - 1
			c.main.moveToFront(c.nodes, e)
			continue
		}
		c.main.unlink(c.nodes, e)
		victims = append(victims, c.idx.id(e))
		c.idx.removeEntry(e)
		return victims
	}
	return victims
}

// Victim names the object the next eviction step would evict, without
// evicting (for tinylfu admission in front of s3fifo). From small: its
// oldest object not due for main. From main: the oldest object with the
// lowest count, since every pass over main lowers all counts by one and
// keeps their order; objects promoted from small on the way join main's
// head with count 0, so they come first when main has no count-0 object.
func (c *s3fifo) Victim() (ObjectID, bool) {
	promoted := int32(-1) // the first object small would promote
	if !(c.main.bytes > c.cap-c.smallCap || c.small.n == 0) {
		for e := c.small.tail; e >= 0; e = c.nodes[e].prev {
			if c.freq[e] < c.moveToMain {
				return c.idx.id(e), true
			}
			if promoted < 0 {
				promoted = e
			}
		}
	}
	best := int32(-1)
	for e := c.main.tail; e >= 0; e = c.nodes[e].prev {
		if best < 0 || c.freq[e] < c.freq[best] {
			best = e
			if c.freq[e] == 0 {
				break
			}
		}
	}
	switch {
	case best >= 0 && (c.freq[best] == 0 || promoted < 0):
		return c.idx.id(best), true
	case promoted >= 0:
		return c.idx.id(promoted), true
	}
	return 0, false
}

// Remove drops a cached object; a ghost entry is history, not content, and
// stays.
func (c *s3fifo) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 || c.where[e] == inGhost {
		return false
	}
	if c.where[e] == inSmall {
		c.small.unlink(c.nodes, e)
	} else {
		c.main.unlink(c.nodes, e)
	}
	c.idx.remove(id)
	return true
}

// state renders "s:ID/freq,...|m:ID/freq,...|g:ID,..." with heads first.
func (c *s3fifo) state() string {
	return "s:" + c.freqList(c.small) + "|m:" + c.freqList(c.main) + "|g:" + listState(&c.idx, c.nodes, c.ghost)
}

func (c *s3fifo) freqList(l dlist) string {
	s := ""
	for e := l.head; e >= 0; e = c.nodes[e].next {
		if s != "" {
			s += ","
		}
		s += fmt.Sprintf("%d/%d", c.idx.id(e), c.freq[e])
	}
	return s
}

func (c *s3fifo) memBytes() int64 {
	return c.idx.bytes() + int64(cap(c.nodes))*nodeBytes + int64(cap(c.freq)+cap(c.where))
}
