package cache

import "github.com/cdnsim/cdnsim/sim/prefetch"

// listPolicy is a cache kept in one list, evicting from the tail: LRU and
// FIFO differ only in whether a hit moves the object to the head, so they
// share everything else here.
type listPolicy struct {
	cap   int64
	idx   index
	nodes []node
	list  dlist // head = newest (FIFO) or most recent (LRU)
}

// newListPolicy starts with empty tables, which grow by doubling with the
// objects inserted.
func newListPolicy(capacity int64) listPolicy {
	return listPolicy{cap: capacity, list: newDlist()}
}

func (c *listPolicy) Used() int64               { return c.list.bytes }
func (c *listPolicy) Capacity() int64           { return c.cap }
func (c *listPolicy) Len() int                  { return c.list.n }
func (c *listPolicy) Contains(id ObjectID) bool { return c.idx.get(id) >= 0 }
func (c *listPolicy) entries() *index           { return &c.idx }

func (c *listPolicy) Admit(r Request, victims []ObjectID) ([]ObjectID, bool) {
	if r.Size > c.cap {
		return victims, false
	}
	evicted := len(victims)
	for r.Size > c.cap-c.list.bytes {
		v := c.list.tail
		victims = append(victims, c.idx.ids[v])
		c.list.unlink(c.nodes, v)
		c.idx.removeEntry(v)
	}
	e := c.idx.insert(r.ID)
	c.nodes = setNode(c.nodes, e, node{size: r.Size})
	c.list.pushFront(c.nodes, e)
	if len(victims) > evicted && len(c.idx.slots) >= warmVictimsSlots {
		// A full cache, too large for the CPU's caches: the next admission
		// will evict too, and its victim's lines are likely cold.
		c.warmVictims()
	}
	return victims, true
}

// warmVictimsSlots is the smallest index (1 MB of slots, about 100,000
// objects) whose cache warms its next victim: in a smaller one the
// victim's lines are mostly still in the CPU's caches, and the prefetches
// cost the replay benchmarks 6% (FIFO on Zipf, 2026-12-04).
const warmVictimsSlots = 1 << 17

// warmVictims starts loading what the next eviction will read, so that it
// does not wait for memory last touched when its victim was: the tail's
// index slot (the tail's ID was loaded by the call before, as the entry
// before the tail) and the ID and list node of the entry before the tail.
// A tail that a hit moves to the head before then costs a prefetch for
// nothing. Like Warm, it changes nothing.
func (c *listPolicy) warmVictims() {
	t := c.list.tail
	if t < 0 {
		return
	}
	x := &c.idx
	prefetch.Of(&x.slots[x.home(x.ids[t])])
	if p := c.nodes[t].prev; p >= 0 {
		prefetch.Of(&x.ids[p])
		prefetch.Of(&c.nodes[p])
	}
}

func (c *listPolicy) Remove(id ObjectID) bool {
	e := c.idx.get(id)
	if e < 0 {
		return false
	}
	c.list.unlink(c.nodes, e)
	c.idx.remove(id)
	return true
}

// Victim is the object at the tail: the next to go.
func (c *listPolicy) Victim() (ObjectID, bool) {
	if c.list.tail < 0 {
		return 0, false
	}
	return c.idx.ids[c.list.tail], true
}

// state lists cached IDs from head to tail, for table tests.
func (c *listPolicy) state() string { return listState(&c.idx, c.nodes, c.list) }

// memBytes is the policy's memory, for the B/object benchmark metric.
func (c *listPolicy) memBytes() int64 { return c.idx.bytes() + int64(cap(c.nodes))*nodeBytes }
