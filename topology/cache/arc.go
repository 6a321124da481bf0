package cache

import "strconv"

// arc is the Adaptive Replacement Cache (Megiddo & Modha, FAST'03): T1 holds
// objects seen once recently, T2 objects seen at least twice, and the ghost
// lists B1 and B2 remember IDs recently evicted from each; a hit in B1 grows
// the target size p of T1, a hit in B2 shrinks it.
//
// Semantics follow libCacheSim's ARC.c, which works in bytes:
//   - a ghost hit moves p by max(|B2|/|B1|, 1) (resp. max(|B1|/|B2|, 1)),
//     where |X| is a byte total: p moves by at least one byte whatever the
//     object's size, as in libCacheSim (the paper's unit is a page);
//   - eviction runs only while the new object does not fit. For an object
//     coming back from a ghost list each step is REPLACE; for a complete
//     miss each step is the paper's case IV: when T1+B1 plus the newcomer
//     exceed the capacity, drop B1's LRU and REPLACE (or, B1 being empty,
//     evict T1's LRU with no ghost); otherwise drop B2's LRU when all four
//     lists reach twice the capacity, then REPLACE;
//   - REPLACE evicts T1's LRU into B1 if T1 is non-empty and over p (or at p
//     for a B2 hit) or T2 is empty, else T2's LRU into B2.
//
// Difference: libCacheSim unlinks a ghost entry when the request arrives;
// here Lookup only adapts p and Admit unlinks it, so a fill that arrives
// later in virtual time is still recognised (identical in trace replay).
// Remove drops resident objects only: a ghost is history, not content.
type arc struct {
	cap            int64
	p              float64 // target bytes for T1
	idx            index
	nodes          []node
	where          []uint8
	t1, t2, b1, b2 dlist
}

const (
	arcT1 uint8 = iota + 1
	arcT2
	arcB1
	arcB2
)

func init() { registerPolicy("arc", func(c Config) Policy { return newARC(c.Capacity) }) }

func newARC(capacity int64) *arc {
	return &arc{cap: capacity, t1: newDlist(), t2: newDlist(), b1: newDlist(), b2: newDlist()}
}

func (c *arc) Name() string    { return "arc" }
func (c *arc) Used() int64     { return c.t1.bytes + c.t2.bytes }
func (c *arc) Capacity() int64 { return c.cap }
func (c *arc) Len() int        { return c.t1.n + c.t2.n }

func (c *arc) Contains(id ObjectID) bool {
	e := c.idx.get(id)
	return e >= 0 && c.where[e] <= arcT2
}

func (c *arc) Lookup(r Request) bool {
	e := c.idx.get(r.ID)
	if e < 0 {
		return false
	}
	switch c.where[e] {
	case arcT1:
		c.t1.unlink(c.nodes, e)
		c.t2.pushFront(c.nodes, e)
		c.where[e] = arcT2
		return true
	case arcT2:
		c.t2.moveToFront(c.nodes, e)
		return true
	case arcB1:
		delta := max(float64(c.b2.bytes)/float64(c.b1.bytes), 1)
		c.p = min(c.p+delta, float64(c.cap))
	case arcB2:
		delta := max(float64(c.b1.bytes)/float64(c.b2.bytes), 1)
		c.p = max(c.p-delta, 0)
	}
	return false
}

func (c *arc) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.cap {
		return victims, false
	}
	var ghost uint8
	if e := c.idx.get(r.ID); e >= 0 {
		ghost = c.where[e] // a ghost: Admit requires r.ID not cached
		if ghost == arcB1 {
			c.b1.unlink(c.nodes, e)
		} else {
			c.b2.unlink(c.nodes, e)
		}
		c.idx.remove(r.ID)
	}
	for r.Size > c.cap-c.t1.bytes-c.t2.bytes {
		if ghost != 0 {
			victims = c.replace(victims, ghost == arcB2)
			continue
		}
		// Case IV of the paper, in bytes.
		if r.Size > c.cap-c.t1.bytes-c.b1.bytes {
			if c.b1.n > 0 {
				c.dropGhost(&c.b1)
				victims = c.replace(victims, false)
			} else {
				e := c.t1.tail
				victims = append(victims, c.idx.id(e))
				c.t1.unlink(c.nodes, e)
				c.idx.removeEntry(e)
			}
			continue
		}
		if c.b2.n > 0 && c.listBytes() >= 2*uint64(c.cap) {
			c.dropGhost(&c.b2)
		}
		victims = c.replace(victims, false)
	}
	e := c.idx.insert(r.ID)
	if int(e) == len(c.nodes) {
		c.nodes = append(c.nodes, node{})
		c.where = append(c.where, 0)
	}
	c.nodes[e] = node{size: r.Size}
	if ghost != 0 {
		c.where[e] = arcT2
		c.t2.pushFront(c.nodes, e)
	} else {
		c.where[e] = arcT1
		c.t1.pushFront(c.nodes, e)
	}
	return victims, true
}

// listBytes is the bytes of all four lists, as uint64: with a capacity near
// the int64 limit they may add up past it (and 2 × the capacity always
// would).
func (c *arc) listBytes() uint64 {
	return uint64(c.t1.bytes) + uint64(c.t2.bytes) + uint64(c.b1.bytes) + uint64(c.b2.bytes)
}

// replaceT1 is REPLACE's choice: evict from T1 (true) or T2.
func (c *arc) replaceT1(inB2 bool) bool {
	t1 := float64(c.t1.bytes)
	return (c.t1.n > 0 && (t1 > c.p || (t1 == c.p && inB2))) || c.t2.n == 0
}

func (c *arc) replace(victims []ObjectID, inB2 bool) []ObjectID {
	from, to, ghost := &c.t2, &c.b2, arcB2
	if c.replaceT1(inB2) {
		from, to, ghost = &c.t1, &c.b1, arcB1
	}
	e := from.tail
	victims = append(victims, c.idx.id(e))
	from.unlink(c.nodes, e)
	to.pushFront(c.nodes, e)
	c.where[e] = ghost
	return victims
}

func (c *arc) dropGhost(l *dlist) {
	e := l.tail
	l.unlink(c.nodes, e)
	c.idx.removeEntry(e)
}

func (c *arc) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	switch c.where[e] {
	case arcT1:
		c.t1.unlink(c.nodes, e)
	case arcT2:
		c.t2.unlink(c.nodes, e)
	default:
		return false
	}
	c.idx.remove(id)
	return true
}

// Victim is what a complete miss's REPLACE would evict first (it ignores
// case IV's T1 eviction without a ghost, which only happens when B1 is empty
// and T1 fills the cache, and then picks the same object).
func (c *arc) Victim() (ObjectID, bool) {
	if c.t1.n+c.t2.n == 0 {
		return 0, false
	}
	if c.replaceT1(false) {
		return c.idx.id(c.t1.tail), true
	}
	return c.idx.id(c.t2.tail), true
}

// state renders "t1:...|t2:...|b1:...|b2:...|p:P", most recent first.
func (c *arc) state() string {
	return "t1:" + listState(&c.idx, c.nodes, c.t1) + "|t2:" + listState(&c.idx, c.nodes, c.t2) +
		"|b1:" + listState(&c.idx, c.nodes, c.b1) + "|b2:" + listState(&c.idx, c.nodes, c.b2) +
		"|p:" + strconv.FormatFloat(c.p, 'g', -1, 64)
}

func (c *arc) memBytes() int64 {
	return c.idx.bytes() + int64(cap(c.nodes))*nodeBytes + int64(cap(c.where))
}
