package cache

import (
	"unsafe"

	"github.com/cdnsim/cdnsim/sim/prefetch"
)

// WarmSteps is how many calls of Warm, one step each, prepare a lookup.
const WarmSteps = 3

// Warm starts loading, without waiting for it, what a later GetMeta of id
// will read. A lookup in a cache of millions of objects is a chain of
// cache misses (the index slot names the entry; the entry names its list
// neighbours), each waiting for the last; a caller that knows its next
// requests walks the chain ahead of them instead, one step per request
// served, so that each step finds the previous one's memory loaded:
//
//   - step 0 (WarmSlot): id's home slot in the index;
//   - step 1 (WarmEntry): the entry that slot names: its record (its ID
//     and freshness metadata, one line) and its policy state;
//   - step 2 (WarmHit): what a hit will also touch: an LRU's list
//     neighbours.
//
// Warm changes nothing: every result is what it would have been without
// it. The slot, the entry and its neighbours are read as they are when the
// step runs; if the cache changes before the lookup, a step loads memory
// the lookup does not need, which costs only the load. Policies without an
// index, and steps they have nothing for, do nothing.
//
// e carries the entry from step 1 to step 2, so that step 2 need not find
// id's slot again: step 1 sets *e to the entry id's slot names (-1 for
// none), and step 2 reads it. (If the cache changed in between, *e may
// name another object's entry, or none: step 2 then loads memory the
// lookup does not need.) A caller that knows its step calls the step's
// own method, without Warm's dispatch.
func (c *Cache) Warm(id ObjectID, step int, e *int32) {
	switch step {
	case 0:
		c.WarmSlot(id)
	case 1:
		*e = c.WarmEntry(id)
	case 2:
		c.WarmHit(*e)
	}
}

// WarmSlot is Warm's step 0.
func (c *Cache) WarmSlot(id ObjectID) {
	if x := c.ix; x != nil && x.slots != nil {
		prefetch.Of(&x.slots[x.home(id)])
	}
}

// WarmEntry is Warm's step 1: it returns the entry for step 2 (WarmHit).
func (c *Cache) WarmEntry(id ObjectID) int32 {
	x := c.ix
	if x == nil || x.slots == nil {
		return -1
	}
	e := x.peek(id)
	if e < 0 {
		return e // a miss: the slots were all the lookup needs
	}
	if int(e) < x.entries() {
		rec := x.record(e) // its ID, and its metadata with it
		if c.warm != nil {
			prefetch.Two(rec, (*byte)(c.warm.entryLine(e)))
		} else {
			prefetch.Of(rec)
		}
	}
	return e
}

// WarmHit is Warm's step 2, for the entry step 1 returned.
func (c *Cache) WarmHit(e int32) {
	if e >= 0 && c.warm != nil {
		c.warm.warmHit(e)
	}
}

// warmer is implemented by policies that can prefetch their per-entry
// state for Warm.
type warmer interface {
	// entryLine is the line of e's own state, for the caller to load, or
	// nil for an e the policy does not hold (a prefetch of nil is a no-op).
	entryLine(e int32) unsafe.Pointer
	warmHit(e int32) // what a hit on e touches beyond it; e's state is loaded
}

// peek is get without reading ids: the entry of the first slot on id's
// probe run whose tag matches, or -1. It may name another object (two
// IDs with one tag), which only makes Warm load the wrong entry.
func (x *index) peek(id ObjectID) int32 {
	h := hash(id)
	tag := h & tagMask
	mask := uint64(len(x.slots) - 1)
	for i := h >> x.shift; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return -1
		}
		if s&tagMask == tag {
			return int32(uint32(s)) - 1
		}
	}
}

func (c *listPolicy) entryLine(e int32) unsafe.Pointer {
	if int(e) < len(c.nodes) {
		return unsafe.Pointer(&c.nodes[e])
	}
	return nil
}

// warmHit does nothing: FIFO, CLOCK and SIEVE touch no other entry on a
// hit. LRU's does.
func (c *listPolicy) warmHit(int32) {}

// warmHit loads e's list neighbours, which moving e to the front rewrites.
func (c *lru) warmHit(e int32) {
	if e < 0 || int(e) >= len(c.nodes) {
		return
	}
	// e may be stale (see Cache.Warm): its links are checked like it.
	nd := &c.nodes[e]
	prev, next := nd, nd // an end of the list loads e's own node again
	if nd.prev >= 0 && int(nd.prev) < len(c.nodes) {
		prev = &c.nodes[nd.prev]
	}
	if nd.next >= 0 && int(nd.next) < len(c.nodes) {
		next = &c.nodes[nd.next]
	}
	prefetch.Two(prev, next)
}

// warmVictimsSlots is the smallest index (1 MB of slots, about 100,000
// objects) whose cache warms its next victim: in a smaller one the
// victim's lines are mostly still in the CPU's caches, and the prefetches
// cost the replay benchmarks 6% (FIFO on Zipf, 2026-12-04).
const warmVictimsSlots = 1 << 17

// warmVictims starts loading what the next eviction will read, so that it
// does not wait for memory last touched when its victim was: the tail's
// index slot (the tail's ID was loaded by the call before, as the entry
// before the tail) and the record and list node of the entry before the tail.
// A tail that a hit moves to the head before then costs a prefetch for
// nothing. Like Warm, it changes nothing.
func (c *listPolicy) warmVictims() {
	t := c.list.tail
	if t < 0 {
		return
	}
	x := &c.idx
	prefetch.Of(&x.slots[x.home(x.id(t))])
	if p := c.nodes[t].prev; p >= 0 {
		prefetch.Of(x.record(p))
		prefetch.Of(&c.nodes[p])
	}
}
