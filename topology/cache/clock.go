package cache

// clock is CLOCK (second chance) with a 1-bit reference counter, as
// libCacheSim's Clock with its default n-bit-counter=1: objects enter at the
// head with the bit clear, a hit sets it, and eviction looks at the tail: a
// set bit is cleared and the object moved back to the head (the hand passing
// it), a clear bit means eviction. Moving the tail to the head is the same as
// a hand sweeping a circular buffer in which new objects are placed just
// behind the hand.
//
// The list (head = newest, or most recently given a second chance), index,
// Remove and the counters are listPolicy's; eviction is clock's own.
type clock struct {
	listPolicy
	ref []bool // reference bit per entry
}

func init() { registerPolicy("clock", func(c Config) Policy { return newClock(c.Capacity) }) }

func newClock(capacity int64) *clock { return &clock{listPolicy: newListPolicy(capacity)} }

func (c *clock) Name() string { return "clock" }

func (c *clock) Lookup(r Request) bool {
	e := c.idx.get(r.ID)
	if e < 0 {
		return false
	}
	c.ref[e] = true
	return true
}

func (c *clock) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.cap {
		return victims, false
	}
	for r.Size > c.cap-c.list.bytes {
		v := c.list.tail
		for c.ref[v] {
			c.ref[v] = false
			c.list.moveToFront(c.nodes, v)
			v = c.list.tail
		}
		victims = append(victims, c.idx.id(v))
		c.list.unlink(c.nodes, v)
		c.idx.removeEntry(v)
	}
	e := c.idx.insert(r.ID)
	c.nodes = setNode(c.nodes, e, node{size: r.Size})
	if int(e) == len(c.ref) {
		c.ref = append(c.ref, false)
	}
	c.ref[e] = false
	c.list.pushFront(c.nodes, e)
	return victims, true
}

// Victim is the object the hand would evict next: the first with a clear
// bit from the tail toward the head, or the tail if every bit is set (the
// sweep clears them all and comes back to it). It does not move the hand.
func (c *clock) Victim() (ObjectID, bool) {
	if c.list.tail < 0 {
		return 0, false
	}
	for e := c.list.tail; e >= 0; e = c.nodes[e].prev {
		if !c.ref[e] {
			return c.idx.id(e), true
		}
	}
	return c.idx.id(c.list.tail), true
}

// state lists cached IDs head (newest) first, "*" marking a set bit.
func (c *clock) state() string {
	return markedListState(&c.idx, c.nodes, c.list, -1, func(e int32) string { return star(c.ref[e]) })
}

// memBytes is the policy's memory, for the B/object benchmark metric.
func (c *clock) memBytes() int64 {
	return c.idx.bytes() + int64(cap(c.nodes))*nodeBytes + int64(cap(c.ref))
}
