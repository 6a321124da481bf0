package cache

// twoq is the full 2Q of Johnson & Shasha (VLDB'94): first-time objects
// enter A1in, a FIFO; those it evicts leave their IDs in A1out, a ghost
// FIFO; an object requested again while its ID is in A1out is admitted to
// Am, an LRU. Hits in A1in change nothing (correlated references).
//
// Parameters and semantics follow libCacheSim's TwoQ.c: A1in is 25% of the
// capacity (Kin), A1out holds IDs whose sizes add up to 50% (Kout), Am gets
// the remaining 75%; an object larger than A1in's share is not cached.
// Eviction runs only while the new object does not fit: A1in's oldest goes
// to A1out when A1in is over its share, else Am's LRU is evicted. A1in may
// exceed its share while Am is not full. An object admitted to Am also
// evicts Am's own LRU while Am would exceed its 75%, as libCacheSim's Am->get
// does.
//
// Difference: libCacheSim consults A1out at request time; here Admit does,
// so a late fill still finds the ghost (identical in trace replay). Remove
// drops resident objects only.
type twoq struct {
	cap, inCap, outCap, mCap int64
	idx                      index
	nodes                    []node
	where                    []uint8
	in, out, m               dlist
}

const (
	// twoqInRatio is Kin, A1in's share: the paper recommends 25% of the
	// page slots and libCacheSim uses it.
	twoqInRatio = 0.25
	// twoqOutRatio is Kout: the paper's 50% of the cache's size in IDs.
	twoqOutRatio = 0.50
)

const (
	qIn uint8 = iota + 1
	qOut
	qM
)

func init() { registerPolicy("2q", func(c Config) Policy { return newTwoQ(c.Capacity) }) }

func newTwoQ(capacity int64) *twoq {
	in := max(int64(float64(capacity)*twoqInRatio), 1) // at least one object, so tiny caches work
	return &twoq{
		cap: capacity, inCap: in, outCap: int64(float64(capacity) * twoqOutRatio), mCap: capacity - in,
		in: newDlist(), out: newDlist(), m: newDlist(),
	}
}

func (c *twoq) Name() string    { return "2q" }
func (c *twoq) Used() int64     { return c.in.bytes + c.m.bytes }
func (c *twoq) Capacity() int64 { return c.cap }
func (c *twoq) Len() int        { return c.in.n + c.m.n }

func (c *twoq) Contains(id ObjectID) bool {
	e := c.idx.get(id)
	return e >= 0 && c.where[e] != qOut
}

func (c *twoq) Lookup(r Request) bool {
	e := c.idx.get(r.ID)
	if e < 0 {
		return false
	}
	switch c.where[e] {
	case qIn:
		return true
	case qM:
		c.m.moveToFront(c.nodes, e)
		return true
	}
	return false
}

func (c *twoq) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.inCap {
		return victims, false
	}
	ghost := false
	if e := c.idx.get(r.ID); e >= 0 { // in A1out: Admit requires r.ID not cached
		c.out.unlink(c.nodes, e)
		c.idx.remove(r.ID)
		ghost = true
	}
	for r.Size > c.cap-c.in.bytes-c.m.bytes {
		if c.in.bytes > c.inCap || c.m.n == 0 {
			victims = c.evictIn(victims)
		} else {
			victims = c.evictM(victims)
		}
	}
	if ghost {
		for c.m.n > 0 && r.Size > c.mCap-c.m.bytes {
			victims = c.evictM(victims)
		}
	}
	e := c.idx.insert(r.ID)
	if int(e) == len(c.nodes) {
		c.nodes = append(c.nodes, node{})
		c.where = append(c.where, 0)
	}
	c.nodes[e] = node{size: r.Size}
	if ghost {
		c.where[e] = qM
		c.m.pushFront(c.nodes, e)
	} else {
		c.where[e] = qIn
		c.in.pushFront(c.nodes, e)
	}
	return victims, true
}

// evictIn moves A1in's oldest object to A1out. Like libCacheSim's FIFO
// ghost, A1out first drops its oldest IDs until the newcomer fits, and
// takes nothing larger than itself.
func (c *twoq) evictIn(victims []ObjectID) []ObjectID {
	e := c.in.tail
	id := c.idx.id(e)
	victims = append(victims, id)
	c.in.unlink(c.nodes, e)
	size := c.nodes[e].size
	if size > c.outCap {
		c.idx.remove(id)
		return victims
	}
	for size > c.outCap-c.out.bytes {
		g := c.out.tail
		c.out.unlink(c.nodes, g)
		c.idx.removeEntry(g)
	}
	c.where[e] = qOut
	c.out.pushFront(c.nodes, e)
	return victims
}

func (c *twoq) evictM(victims []ObjectID) []ObjectID {
	e := c.m.tail
	victims = append(victims, c.idx.id(e))
	c.m.unlink(c.nodes, e)
	c.idx.removeEntry(e)
	return victims
}

func (c *twoq) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	switch c.where[e] {
	case qIn:
		c.in.unlink(c.nodes, e)
	case qM:
		c.m.unlink(c.nodes, e)
	default:
		return false
	}
	c.idx.remove(id)
	return true
}

// Victim is the object a complete miss would evict first.
func (c *twoq) Victim() (ObjectID, bool) {
	switch {
	case c.in.n > 0 && (c.in.bytes > c.inCap || c.m.n == 0):
		return c.idx.id(c.in.tail), true
	case c.m.n > 0:
		return c.idx.id(c.m.tail), true
	}
	return 0, false
}

// state renders "in:...|out:...|m:...", newest (A1in, A1out) or most
// recent (Am) first.
func (c *twoq) state() string {
	return "in:" + listState(&c.idx, c.nodes, c.in) + "|out:" + listState(&c.idx, c.nodes, c.out) +
		"|m:" + listState(&c.idx, c.nodes, c.m)
}

func (c *twoq) memBytes() int64 {
	return c.idx.bytes() + int64(cap(c.nodes))*nodeBytes + int64(cap(c.where))
}
